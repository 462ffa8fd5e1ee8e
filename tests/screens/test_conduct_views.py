"""The code of conduct through the screens: phones propose, endorse and amend; the console
decides; anyone in the workshop reads, compares, prints and downloads versions."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitation.deliberation import conduct
from facilitation.deliberation.models import Amendment, Clause, ConductVersion, Endorsement
from facilitation.live.push import EVERYTHING
from facilitation.screens.stages import render_push
from facilitation.workshops import services
from facilitation.workshops.models import Event, Step
from tests.conftest import phone_for

HX = {"HTTP_HX_REQUEST": "true"}
SCRIPT = '<script>alert("x")</script>'


@pytest.fixture
def on_conduct(live_round, facilitator):
    step = live_round.steps.get(kind=Step.Kind.CONDUCT)
    return services.go_to_step(live_round, step, by=facilitator)


def url(round, path):
    return f"/r/{round.join_code}/conduct/{path}"


def console_url(round, path):
    return f"/console/rounds/{round.pk}/conduct/{path}"


class TestPhone:
    def test_the_step_shows_the_code_with_forms_to_endorse_amend_and_propose(
        self, phone, on_conduct
    ):
        page = phone.get(f"/r/{on_conduct.join_code}/").content.decode()
        for clause in conduct.current_clauses(on_conduct.workshop):
            assert clause.text in page
            assert f"/conduct/clause/{clause.pk}/endorse/" in page
            assert f"/conduct/clauses/{clause.pk}/amend/" in page
        assert "Propose a clause" in page
        assert 'id="conduct"' in page

    def test_a_participant_proposes_a_clause_and_sees_it_among_the_proposals(
        self, phone, on_conduct, participant, dilemma
    ):
        response = phone.post(
            url(on_conduct, "propose/"),
            {
                "text": "We reply within two days.",
                "rationale": "Speed",
                "motivated_by": f"step-{dilemma.pk}",
            },
            **HX,
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert page.lstrip().startswith('<section id="conduct"')
        assert "We reply within two days." in page and "Proposed clauses" in page
        clause = Clause.objects.get(text="We reply within two days.")
        assert clause.proposed_by == participant and clause.motivated_by_step == dilemma
        assert f"Prompted by: {dilemma.title}" in page

    def test_a_note_from_the_room_can_be_the_motivation(self, phone, on_conduct, participant):
        from facilitation.deliberation.models import Annotation

        finding = on_conduct.steps.filter(kind=Step.Kind.FINDING).first()
        note = Annotation.objects.create(
            step=finding, participant=participant, exact="cornerstone", start=0, end=11
        )
        page = phone.get(f"/r/{on_conduct.join_code}/").content.decode()
        assert f'value="note-{note.pk}"' in page
        response = phone.post(
            url(on_conduct, "propose/"),
            {"text": "We treat all alike.", "motivated_by": f"note-{note.pk}"},
            **HX,
        )
        assert "Prompted by a note on “cornerstone”" in response.content.decode()
        clause = Clause.objects.get(text="We treat all alike.")
        assert clause.motivated_by_annotation == note and clause.motivated_by_step == finding
        response = phone.post(
            url(on_conduct, "propose/"), {"text": "Other.", "motivated_by": "note-999999"}, **HX
        )
        assert response.status_code == 400 and "from the list" in response.content.decode()

    def test_markup_is_refused_with_a_message_and_nothing_is_stored(self, phone, on_conduct):
        before = Clause.objects.count()
        response = phone.post(url(on_conduct, "propose/"), {"text": SCRIPT}, **HX)
        assert response.status_code == 400
        page = response.content.decode()
        assert "must be plain text" in page and "<script>alert" not in page
        assert Clause.objects.count() == before

    def test_an_overlong_clause_says_the_limit(self, phone, on_conduct):
        response = phone.post(url(on_conduct, "propose/"), {"text": "a" * 500}, **HX)
        assert response.status_code == 400
        assert "at most 400 characters; this one has 500" in response.content.decode()

    def test_endorsing_marks_the_own_stance_and_a_disagree_needs_a_reason(
        self, phone, on_conduct, participant
    ):
        clause = conduct.current_clauses(on_conduct.workshop)[0]
        response = phone.post(
            url(on_conduct, f"clause/{clause.pk}/endorse/"), {"stance": "agree"}, **HX
        )
        assert 'value="agree" aria-pressed="true"' in response.content.decode()
        response = phone.post(
            url(on_conduct, f"clause/{clause.pk}/endorse/"), {"stance": "disagree"}, **HX
        )
        assert response.status_code == 400
        assert "why you disagree" in response.content.decode()
        assert Endorsement.objects.get().stance == "agree"

    def test_an_amendment_shows_as_a_word_diff(self, phone, on_conduct):
        clause = conduct.current_clauses(on_conduct.workshop)[1]
        new = clause.text.replace("likes and shares", "numbers of likes")
        response = phone.post(
            url(on_conduct, f"clauses/{clause.pk}/amend/"),
            {"text": new, "rationale": "Clearer"},
            **HX,
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "</del>" in page and "</ins>" in page and "numbers" in page
        assert Amendment.objects.get().text == new

    def test_an_unchanged_amendment_is_refused(self, phone, on_conduct):
        clause = conduct.current_clauses(on_conduct.workshop)[0]
        response = phone.post(
            url(on_conduct, f"clauses/{clause.pk}/amend/"), {"text": clause.text}, **HX
        )
        assert response.status_code == 400
        assert "same as the clause" in response.content.decode()

    def test_a_clause_of_another_workshop_is_not_found(self, phone, on_conduct, facilitator):
        from facilitation.deliberation.demo import load_demo_workshop

        other, _ = load_demo_workshop("sv", facilitators=[facilitator])
        foreign = conduct.current_clauses(other)[0]
        response = phone.post(
            url(on_conduct, f"clause/{foreign.pk}/endorse/"), {"stance": "agree"}, **HX
        )
        assert response.status_code == 404
        assert not Endorsement.objects.exists()

    def test_participants_cannot_use_the_console(self, phone, on_conduct):
        clause = conduct.current_clauses(on_conduct.workshop)[0]
        response = phone.post(
            console_url(on_conduct, f"clauses/{clause.pk}/"), {"action": "drop", "reason": "x"}
        )
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        clause.refresh_from_db()
        assert clause.status == Clause.Status.ACCEPTED

    def test_someone_who_has_not_joined_gets_the_join_page(self, client, on_conduct):
        response = client.post(url(on_conduct, "propose/"), {"text": "We are kind."})
        assert response.status_code == 200 and "Join" in response.content.decode()
        assert not Clause.objects.filter(text="We are kind.").exists()

    @settings(
        max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(text=st.text(max_size=600), stance=st.text(max_size=12), objection=st.text(max_size=300))
    def test_any_input_gets_an_answer_not_a_crash(self, phone, on_conduct, text, stance, objection):
        clause = conduct.current_clauses(on_conduct.workshop)[0]
        for path, data in (
            ("propose/", {"text": text, "rationale": objection}),
            (f"clauses/{clause.pk}/amend/", {"text": text}),
            (f"clause/{clause.pk}/endorse/", {"stance": stance, "objection": objection}),
        ):
            try:
                response = phone.post(url(on_conduct, path), data, **HX)
            except ValueError:  # the test client refuses NUL characters before any view runs
                continue
            assert response.status_code in {200, 400, 409}, response.content[:300]

    def test_when_open_any_time_the_code_page_takes_proposals_during_another_step(
        self, phone, dilemma_round, facilitator
    ):
        page = phone.get(url(dilemma_round, "")).content.decode()
        assert "Proposals and endorsements are closed right now." in page
        assert "Our code of conduct" in phone.get(f"/r/{dilemma_round.join_code}/").content.decode()
        conduct.set_open_any_time(dilemma_round.workshop, True, by=facilitator)
        page = phone.get(url(dilemma_round, "")).content.decode()
        assert "Propose a clause" in page
        response = phone.post(url(dilemma_round, "propose/"), {"text": "We log every reply."}, **HX)
        assert response.status_code == 200 and "We log every reply." in response.content.decode()
        response = phone.post(url(dilemma_round, "propose/"), {"text": "We log all replies."})
        assert response.status_code == 302 and response["Location"].endswith("/conduct/")


class TestConsole:
    def test_the_console_accepts_a_proposal_and_a_version_is_made(
        self, console, on_conduct, participant
    ):
        clause = conduct.propose_clause(
            on_conduct.workshop,
            "We sign our replies.",
            by_participant=participant,
            round=on_conduct,
        )
        page = console.get(f"/console/rounds/{on_conduct.pk}/").content.decode()
        assert "We sign our replies." in page and "Accept" in page
        response = console.post(
            console_url(on_conduct, f"clauses/{clause.pk}/"),
            {"action": "accept", "reason": "Clear"},
            **HX,
        )
        assert response.status_code == 200
        clause.refresh_from_db()
        assert clause.status == Clause.Status.ACCEPTED
        assert conduct.latest_version(on_conduct.workshop).number == 2

    def test_rejecting_without_a_reason_is_refused_with_a_message(
        self, console, on_conduct, participant
    ):
        clause = conduct.propose_clause(
            on_conduct.workshop,
            "We sign our replies.",
            by_participant=participant,
            round=on_conduct,
        )
        response = console.post(
            console_url(on_conduct, f"clauses/{clause.pk}/"), {"action": "reject"}, **HX
        )
        assert response.status_code == 400
        assert "A reason cannot be empty" in response.content.decode()

    def test_a_conflicting_amendment_gets_a_conflict_message(
        self, console, on_conduct, facilitator
    ):
        clause = conduct.current_clauses(on_conduct.workshop)[0]
        first = conduct.propose_amendment(clause, "We answer all alike.", by_user=facilitator)
        second = conduct.propose_amendment(clause, "We treat all alike.", by_user=facilitator)
        console.post(console_url(on_conduct, f"amendments/{first.pk}/"), {"action": "accept"}, **HX)
        response = console.post(
            console_url(on_conduct, f"amendments/{second.pk}/"), {"action": "accept"}, **HX
        )
        assert response.status_code == 409
        assert "reworded since this amendment was written" in response.content.decode()

    def test_merge_reorder_and_open_any_time(self, console, on_conduct):
        one, two, three = conduct.current_clauses(on_conduct.workshop)
        console.post(console_url(on_conduct, f"clauses/{three.pk}/"), {"action": "up"}, **HX)
        console.post(
            console_url(on_conduct, f"clauses/{two.pk}/"), {"action": "merge", "into": one.pk}, **HX
        )
        assert [c.pk for c in conduct.current_clauses(on_conduct.workshop)] == [one.pk, three.pk]
        console.post(console_url(on_conduct, "open-any-time/"), {"on": "1"}, **HX)
        assert conduct.conduct_of(on_conduct.workshop).open_any_time

    def test_the_one_merge_picker_merges_the_chosen_clauses(self, console, on_conduct):
        one, two, three = conduct.current_clauses(on_conduct.workshop)
        page = console.get(f"/console/rounds/{on_conduct.pk}/").content.decode()
        assert page.count('<form id="merge-clauses-') == 1
        assert "<option" not in page[page.index('id="conduct"') :]
        response = console.post(
            console_url(on_conduct, "merge/"), {"clause": three.pk, "into": one.pk}, **HX
        )
        assert response.status_code == 200
        assert [c.pk for c in conduct.current_clauses(on_conduct.workshop)] == [one.pk, two.pk]
        response = console.post(console_url(on_conduct, "merge/"), {"into": one.pk}, **HX)
        assert response.status_code == 400
        assert "Choose the clause to merge" in response.content.decode()

    def test_the_merge_picker_merges_two_wordings_of_a_clause(
        self, console, on_conduct, facilitator
    ):
        clause = conduct.current_clauses(on_conduct.workshop)[0]
        first, second = (
            conduct.propose_amendment(clause, text, by_user=facilitator, round=on_conduct)
            for text in ["A first new wording", "A second new wording"]
        )
        page = console.get(f"/console/rounds/{on_conduct.pk}/").content.decode()
        assert f'id="merge-amendments-{clause.pk}"' in page
        response = console.post(
            console_url(on_conduct, "amendments/merge/"),
            {"amendment": second.pk, "into": first.pk},
            **HX,
        )
        assert response.status_code == 200, response.content.decode()
        second.refresh_from_db()
        assert second.merged_into_id == first.pk

    def test_enter_in_a_reason_box_submits_nothing(self, console, on_conduct):
        page = console.get(f"/console/rounds/{on_conduct.pk}/").content.decode()
        form = page[page.index('class="decide"') :]
        # The first submit button of a decision form is disabled, so implicit submission is inert.
        first = form[form.index("<button") : form.index("</button>")]
        assert "disabled" in first and 'value="accept"' not in first

    def test_another_facilitator_cannot_decide(self, client, stranger, on_conduct):
        client.force_login(stranger)
        clause = conduct.current_clauses(on_conduct.workshop)[0]
        response = client.post(
            console_url(on_conduct, f"clauses/{clause.pk}/"), {"action": "drop", "reason": "x"}
        )
        assert response.status_code == 404

    def test_closing_the_round_freezes_a_version_named_after_it(self, console, on_conduct):
        console.post(f"/console/rounds/{on_conduct.pk}/close/", **HX)
        version = conduct.latest_version(on_conduct.workshop)
        assert version.frozen_for_round and version.name == on_conduct.title
        assert Event.objects.filter(kind="conduct.version_frozen").count() == 1


class TestReading:
    @pytest.fixture
    def two_versions(self, on_conduct, facilitator, participant):
        clause = conduct.current_clauses(on_conduct.workshop)[0]
        amendment = conduct.propose_amendment(
            clause,
            "We answer every resident alike.",
            "Shorter",
            by_participant=participant,
            round=on_conduct,
        )
        conduct.accept_amendment(amendment, by=facilitator)
        return on_conduct

    def test_the_page_lists_versions_with_print_and_markdown_links(self, phone, two_versions):
        page = phone.get(url(two_versions, "")).content.decode()
        assert "Version 2" in page and "Version 1" in page
        assert url(two_versions, "versions/1/print/") in page
        assert url(two_versions, "versions/2/markdown/") in page

    def test_compare_shows_the_amended_clause_with_its_reason(self, phone, two_versions):
        page = phone.get(url(two_versions, "compare/?older=1&newer=2")).content.decode()
        assert "amended" in page and "Shorter" in page and "<ins>" in page and "kept" in page

    def test_print_page_names_contributors_by_pseudonym(self, phone, two_versions, participant):
        page = phone.get(url(two_versions, "versions/2/print/")).content.decode()
        assert "We answer every resident alike." in page
        assert participant.pseudonym in page and participant.display_name not in page

    def test_markdown_download(self, phone, two_versions):
        response = phone.get(url(two_versions, "versions/2/markdown/"))
        assert response["Content-Type"].startswith("text/markdown")
        assert "attachment" in response["Content-Disposition"]
        assert "1. We answer every resident alike." in response.content.decode()

    def test_strangers_cannot_read_a_workshops_code(self, client, two_versions):
        assert client.get(url(two_versions, "")).status_code == 404
        assert client.get(url(two_versions, "versions/1/print/")).status_code == 404

    def test_a_facilitator_reads_it_too(self, console, two_versions):
        assert console.get(url(two_versions, "compare/")).status_code == 200

    def test_an_unknown_version_is_not_found(self, phone, two_versions):
        assert phone.get(url(two_versions, "versions/99/print/")).status_code == 404
        assert ConductVersion.objects.count() == 2


class TestPushes:
    def test_the_projector_gets_the_code_and_phones_get_their_own_stances(
        self, on_conduct, participant, other_participant
    ):
        clause = conduct.current_clauses(on_conduct.workshop)[0]
        conduct.endorse(clause, participant, "agree", round=on_conduct)
        [(projector, _)] = render_push(on_conduct.pk, "projector", ["conduct"], [""])
        assert projector.lstrip().startswith('<div id="conduct"') and "1 agree" in projector
        fragments = render_push(
            on_conduct.pk, "participant", ["conduct"], [participant.pk, other_participant.pk]
        )
        assert len(fragments) == 2
        mine = next(html for html, members in fragments if members == {participant.pk})
        theirs = next(html for html, members in fragments if members == {other_participant.pk})
        assert 'value="agree" aria-pressed="true"' in mine
        assert 'value="agree" aria-pressed="true"' not in theirs

    def test_a_snapshot_of_the_conduct_step_renders_for_every_audience(
        self, on_conduct, participant
    ):
        for audience, members in (
            ("projector", [""]),
            ("facilitator", [""]),
            ("participant", [participant.pk]),
        ):
            fragments = render_push(on_conduct.pk, audience, [EVERYTHING], members)
            assert fragments and 'id="stage"' in fragments[0][0]
            assert 'id="conduct"' in fragments[0][0]


def test_clause_endorsed_by_phone_shows_in_others_view(on_conduct, participant, other_participant):
    clause = conduct.current_clauses(on_conduct.workshop)[0]
    phone_for(participant).post(
        url(on_conduct, f"clause/{clause.pk}/endorse/"), {"stance": "agree"}, **HX
    )
    page = phone_for(other_participant).get(f"/r/{on_conduct.join_code}/").content.decode()
    assert "1 agree · 0 disagree · 0 pass" in page
