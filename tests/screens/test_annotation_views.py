"""Annotating a finding through the screens: phones mark and note, the console moderates."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from facilitation.deliberation.annotations import annotate, own_annotations
from facilitation.deliberation.models import Annotation, Code, PlusOne
from facilitation.live.push import EVERYTHING, send_notification
from facilitation.screens.stages import (
    PARTICIPANT,
    load_round,
    render_fragment,
    render_push,
    stage_context,
)
from facilitation.workshops import services
from facilitation.workshops.models import Event, Step, Workshop
from tests.conftest import phone_for

TEXT = (
    "Kommunikatörerna är måna om likabehandling. Ett **populärt** lopp lockar många "
    "gillamarkeringar.\n\nMen andra arrangörer får sällan samma utrymme."
)
SCRIPT = '<script>alert("x")</script><b>fet</b>'
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def finding(live_round, facilitator):
    step = live_round.steps.filter(kind=Step.Kind.FINDING).order_by("position").first()
    step.body = TEXT
    step.save()
    services.go_to_step(live_round, step, by=facilitator)
    return step


def span(passage):
    start = TEXT.index(passage)
    return {"start": start, "end": start + len(passage)}


def annotate_url(round, step):
    return f"/r/{round.join_code}/steps/{step.pk}/annotations/"


def note_url(round, annotation, what):
    return f"/r/{round.join_code}/annotations/{annotation.pk}/{what}/"


def moderate_url(round, annotation, action):
    return f"/console/rounds/{round.pk}/annotations/{annotation.pk}/{action}/"


def code_ids(workshop, count=1):
    return [c.pk for c in Code.objects.filter(workshop=workshop)[:count]]


class TestPhone:
    def test_the_finding_shows_sentences_to_tap_and_the_codebook(self, phone, finding, live_round):
        page = phone.get(f"/r/{live_round.join_code}/").content.decode()
        start, end = span("Kommunikatörerna är måna om likabehandling.").values()
        assert f'data-start="{start}" data-end="{end}"' in page
        assert page.count('class="sentence"') == 3
        assert page.count("<p") >= 2  # the paragraph break is kept
        assert '<span class="md">**</span>populärt' in page
        for code in Code.objects.filter(workshop=live_round.workshop):
            assert f'value="{code.pk}"' in page
        assert "Not true for us" in page

    def test_carriage_returns_in_the_source_are_kept_as_character_references(
        self, phone, finding, live_round
    ):
        finding.body = "Första raden\r\nfortsätter här. Andra meningen."
        finding.save()
        page = phone.get(f"/r/{live_round.join_code}/").content.decode()
        assert 'data-start="0" data-end="29">Första raden&#13;\nfortsätter här.</span>' in page

    def test_a_participant_annotates_with_a_note_codes_and_a_reaction(
        self, phone, finding, live_round, participant
    ):
        codes = code_ids(live_round.workshop, 2)
        response = phone.post(
            annotate_url(live_round, finding),
            {**span("likabehandling"), "note": "Så är det", "codes": codes, "reaction": "agree"},
            **HX,
        )
        assert response.status_code == 200
        annotation = Annotation.objects.get()
        assert (annotation.exact, annotation.note, annotation.reaction) == (
            "likabehandling",
            "Så är det",
            "agree",
        )
        assert sorted(annotation.codes.values_list("pk", flat=True)) == sorted(codes)
        page = response.content.decode()
        assert 'id="my-notes"' in page and f'data-own="{annotation.pk}"' in page
        assert "Så är det" in page

    def test_a_reaction_alone_is_enough(self, phone, finding, live_round):
        response = phone.post(
            annotate_url(live_round, finding), {**span("sällan"), "reaction": "surprising"}, **HX
        )
        assert response.status_code == 200
        assert Annotation.objects.get().reaction == "surprising"

    @pytest.mark.parametrize(
        "data, message",
        [
            ({}, "Tap a sentence or select a passage first."),
            ({"start": "x", "end": "3"}, "Tap a sentence or select a passage first."),
            ({"start": "5", "end": "5000"}, "outside the text"),
            ({"start": "9", "end": "3"}, "ends before it starts"),
            ({**span("likabehandling"), "note": "x" * 501}, "at most 500 characters"),
            ({**span("likabehandling"), "reaction": "meh"}, "not one of the quick reactions"),
            ({**span("likabehandling"), "codes": ["abc"]}, "not in this workshop"),
        ],
    )
    def test_bad_input_is_refused_with_a_message_and_nothing_is_stored(
        self, phone, finding, live_round, data, message
    ):
        response = phone.post(annotate_url(live_round, finding), data, **HX)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert 'id="stage"' in response.content.decode()
        assert not Annotation.objects.exists()

    def test_a_code_from_another_workshop_is_refused(self, phone, finding, live_round):
        other = Code.objects.create(workshop=Workshop.objects.create(title="Other"), name="X")
        response = phone.post(
            annotate_url(live_round, finding), {**span("sällan"), "codes": [other.pk]}, **HX
        )
        assert response.status_code == 400
        assert "not in this workshop" in response.content.decode()
        assert not Annotation.objects.exists()

    def test_a_finding_that_is_not_on_screen_cannot_be_annotated(
        self, phone, finding, live_round, facilitator
    ):
        services.move_through_agenda(live_round, 1, by=facilitator)
        response = phone.post(annotate_url(live_round, finding), span("sällan"), **HX)
        assert response.status_code == 409
        assert "the room has moved on" in response.content.decode()
        assert not Annotation.objects.exists()

    def test_without_htmx_the_page_is_shown_again_with_the_message(
        self, phone, finding, live_round
    ):
        response = phone.post(annotate_url(live_round, finding), {}, follow=True)
        assert "Tap a sentence or select a passage first." in response.content.decode()

    def test_someone_who_has_not_joined_is_asked_to_join(self, client, finding, live_round):
        response = client.post(annotate_url(live_round, finding), span("sällan"), **HX)
        assert "Join this workshop round" in response.content.decode()
        assert not Annotation.objects.exists()

    def test_notes_are_shown_as_text_on_phone_projector_and_console(
        self, phone, console, finding, live_round, participant
    ):
        annotate(finding, participant, **span("sällan"), note=SCRIPT)
        projector = console.get(f"/projector/{live_round.projector_key}/").content.decode()
        pages = [
            phone.get(f"/r/{live_round.join_code}/").content.decode(),
            projector,
            console.get(f"/console/rounds/{live_round.pk}/").content.decode(),
        ]
        for page in pages:
            assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;fet&lt;/b&gt;" in page
            assert "<b>fet</b>" not in page

    def test_edit_and_delete_ones_own_note(self, phone, finding, live_round, participant):
        annotation = annotate(finding, participant, **span("sällan"), note="Först")
        codes = code_ids(live_round.workshop)
        response = phone.post(
            note_url(live_round, annotation, "edit"),
            {"note": "Sedan", "codes": codes, "reaction": "not_true_for_us"},
            **HX,
        )
        assert response.status_code == 200
        annotation.refresh_from_db()
        assert (annotation.note, annotation.reaction) == ("Sedan", "not_true_for_us")
        assert list(annotation.codes.values_list("pk", flat=True)) == codes
        response = phone.post(note_url(live_round, annotation, "delete"), **HX)
        assert response.status_code == 200
        annotation.refresh_from_db()
        assert annotation.status == Annotation.Status.DELETED
        assert "Sedan" not in response.content.decode()

    def test_someone_elses_note_cannot_be_edited_or_deleted(
        self, finding, live_round, participant, other_participant
    ):
        annotation = annotate(finding, participant, **span("sällan"), note="Min")
        intruder = phone_for(other_participant)
        for what, data in [("edit", {"note": "Din"}), ("delete", {})]:
            response = intruder.post(note_url(live_round, annotation, what), data, **HX)
            assert response.status_code == 403
            assert "only change your own notes" in response.content.decode()
        annotation.refresh_from_db()
        assert (annotation.note, annotation.status) == ("Min", Annotation.Status.VISIBLE)

    def test_a_note_cannot_be_reached_through_another_round(
        self, phone, finding, live_round, participant
    ):
        annotation = annotate(finding, participant, **span("sällan"))
        other = Workshop.objects.create(title="Other").rounds.create(title="R", join_code="OTHER1")
        response = phone.post(f"/r/{other.join_code}/annotations/{annotation.pk}/delete/", **HX)
        assert "Join this workshop round" in response.content.decode()
        annotation.refresh_from_db()
        assert annotation.status == Annotation.Status.VISIBLE

    def test_plus_one_on_someone_elses_note_shows_the_wall(
        self, finding, live_round, participant, other_participant
    ):
        annotation = annotate(finding, participant, **span("sällan"), note="Bra")
        response = phone_for(other_participant).post(
            note_url(live_round, annotation, "plus-one"), **HX
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert page.lstrip().startswith('<section id="annotation-wall"')
        assert "2 people" in page
        assert PlusOne.objects.filter(annotation=annotation).count() == 1

    def test_plus_one_on_ones_own_note_is_refused_in_the_wall(
        self, phone, finding, live_round, participant
    ):
        annotation = annotate(finding, participant, **span("sällan"))
        response = phone.post(note_url(live_round, annotation, "plus-one"), **HX)
        assert response.status_code == 400
        assert "cannot +1 your own note" in response.content.decode()
        assert not PlusOne.objects.exists()

    def test_hidden_and_pending_notes_are_not_on_the_wall(
        self, phone, finding, live_round, participant, facilitator
    ):
        from facilitation.deliberation.annotations import moderate_annotation

        hidden = annotate(finding, participant, **span("sällan"), note="Gömd anteckning")
        moderate_annotation(hidden, action="hide", by=facilitator)
        finding.settings = {"premoderate": True}
        finding.save()
        annotate(finding, participant, **span("likabehandling"), note="Väntande anteckning")
        page = phone_for(participant).get(f"/r/{live_round.join_code}/").content.decode()
        wall = page[page.index('id="annotation-wall"') :]
        assert "Gömd anteckning" not in wall and "Väntande anteckning" not in wall
        assert "Waiting for the facilitator" in page  # the author sees why
        projector = phone.get(f"/projector/{live_round.projector_key}/").content.decode()
        assert "Gömd anteckning" not in projector and "Väntande anteckning" not in projector


class TestConsole:
    @pytest.fixture
    def annotation(self, finding, participant):
        return annotate(finding, participant, **span("sällan"), note="Bra")

    @pytest.mark.parametrize(
        "action, field, value",
        [("hide", "status", "hidden"), ("pin", "pinned", True)],
    )
    def test_moderating_a_note(self, console, live_round, annotation, action, field, value):
        response = console.post(moderate_url(live_round, annotation, action), **HX)
        assert response.status_code == 200
        annotation.refresh_from_db()
        assert getattr(annotation, field) == value
        assert Event.objects.filter(kind=f"annotation.{action}").exists()

    def test_show_unpin_and_approve(self, console, live_round, annotation):
        for action in ["hide", "show", "pin", "unpin"]:
            assert (
                console.post(moderate_url(live_round, annotation, action), **HX).status_code == 200
            )
        annotation.refresh_from_db()
        assert (annotation.status, annotation.pinned) == ("visible", False)
        Annotation.objects.filter(pk=annotation.pk).update(status="pending")
        page = console.get(f"/console/rounds/{live_round.pk}/").content.decode()
        assert "Approve" in page
        console.post(moderate_url(live_round, annotation, "approve"), **HX)
        annotation.refresh_from_db()
        assert annotation.status == "visible"

    def test_an_unknown_action_is_not_found(self, console, live_round, annotation):
        assert console.post(moderate_url(live_round, annotation, "burn"), **HX).status_code == 404

    def test_merging_two_notes(self, console, finding, live_round, annotation, other_participant):
        into = annotate(finding, other_participant, **span("sällan"), note="Samma")
        url = f"/console/rounds/{live_round.pk}/annotations/{annotation.pk}/merge/"
        response = console.post(url, {"into": into.pk}, **HX)
        assert response.status_code == 200
        annotation.refresh_from_db()
        assert annotation.merged_into == into
        assert console.post(url, {"into": "nope"}, **HX).status_code == 400

    def test_the_one_merge_picker_merges_the_chosen_notes(
        self, console, finding, live_round, annotation, other_participant
    ):
        into = annotate(finding, other_participant, **span("sällan"), note="Samma")
        page = console.get(f"/console/rounds/{live_round.pk}/").content.decode()
        # One form for all merges; each note only offers itself, never a list of the others.
        assert page.count('class="merge-picker"') == 1
        assert "<option" not in page[page.index('id="annotations"') :]
        url = f"/console/rounds/{live_round.pk}/annotations/merge/"
        response = console.post(url, {"note": annotation.pk, "into": into.pk}, **HX)
        assert response.status_code == 200
        annotation.refresh_from_db()
        assert annotation.merged_into == into

    def test_the_merge_picker_says_what_is_missing(self, console, live_round, annotation):
        url = f"/console/rounds/{live_round.pk}/annotations/merge/"
        response = console.post(url, {"into": annotation.pk}, **HX)
        assert response.status_code == 400
        assert "Choose the note to merge" in response.content.decode()
        response = console.post(url, {"note": annotation.pk, "into": "9" * 40}, **HX)
        assert response.status_code == 400
        assert "Choose the note to merge it into." in response.content.decode()

    def test_merging_a_note_into_itself_is_refused(self, console, live_round, annotation):
        url = f"/console/rounds/{live_round.pk}/annotations/{annotation.pk}/merge/"
        response = console.post(url, {"into": annotation.pk}, **HX)
        assert response.status_code == 409
        assert "Only two different notes" in response.content.decode()

    def test_closing_notes_stops_new_ones(self, console, phone, finding, live_round):
        url = f"/console/rounds/{live_round.pk}/steps/{finding.pk}/lock/"
        assert "Close notes" in console.get(f"/console/rounds/{live_round.pk}/").content.decode()
        assert console.post(url, **HX).status_code == 200
        page = phone.get(f"/r/{live_round.join_code}/").content.decode()
        assert "closed notes on this finding" in page
        response = phone.post(annotate_url(live_round, finding), span("sällan"), **HX)
        assert response.status_code == 409
        assert "The facilitator has closed notes on this step." in response.content.decode()
        assert not Annotation.objects.exists()

    def test_premoderation_toggle(self, console, finding, live_round):
        url = f"/console/rounds/{live_round.pk}/steps/{finding.pk}/premoderation/"
        assert console.post(url, {"on": "1"}, **HX).status_code == 200
        finding.refresh_from_db()
        assert finding.settings["premoderate"] is True
        assert Event.objects.filter(kind="annotation.premoderation").exists()
        assert console.post(url, {"on": "maybe"}, **HX).status_code == 400
        console.post(url, {"on": "0"}, **HX)
        finding.refresh_from_db()
        assert finding.settings["premoderate"] is False

    def test_others_cannot_moderate(self, client, stranger, phone, live_round, annotation):
        client.force_login(stranger)
        for c in (client,):
            assert c.post(moderate_url(live_round, annotation, "hide")).status_code == 404
        assert phone.post(moderate_url(live_round, annotation, "hide")).status_code == 302
        annotation.refresh_from_db()
        assert annotation.status == "visible"

    def test_the_console_lists_every_note_with_its_status(
        self, console, live_round, annotation, facilitator
    ):
        from facilitation.deliberation.annotations import moderate_annotation

        moderate_annotation(annotation, action="hide", by=facilitator)
        page = console.get(f"/console/rounds/{live_round.pk}/").content.decode()
        assert "Bra" in page and "Hidden" in page and ">Show<" in page


@pytest.fixture
def notified(django_capture_on_commit_callbacks):
    """The topics an action notifies its round of, read from the callbacks run after commit."""

    def run(action):
        with django_capture_on_commit_callbacks() as callbacks:
            action()
        return [c.args[1] for c in callbacks if getattr(c, "func", None) is send_notification]

    return run


class TestPush:
    def test_annotations_topic_renders_wall_and_heat_map(
        self, finding, live_round, participant, other_participant
    ):
        annotate(finding, participant, **span("likabehandling"), note="Ett")
        annotate(finding, other_participant, **span("likabehandling"), note="Två")
        [(html, receivers)] = render_push(live_round.pk, "projector", {"annotations"}, ["x"])
        assert html.lstrip().startswith('<div id="annotations"')
        assert "heat-4" in html and "Ett" in html and "Två" in html
        assert html.count('class="wall-group"') == 1  # same passage, one group
        assert "Anna" not in html and "Bo" not in html  # never names
        [(html, receivers)] = render_push(live_round.pk, "facilitator", {"annotations"}, ["x"])
        assert 'id="annotations"' in html and "Hide" in html
        members = [participant.pk, other_participant.pk]
        [(html, receivers)] = render_push(live_round.pk, "participant", {"annotations"}, members)
        assert receivers is None  # one render for every phone
        assert html.lstrip().startswith('<section id="annotation-wall"')
        assert "Ett" in html and "+1" in html

    def test_the_whole_stage_renders_once_for_phones_without_notes(
        self, finding, live_round, participant, other_participant
    ):
        third = services.join_round(live_round)
        annotate(finding, participant, **span("likabehandling"))
        members = [participant.pk, other_participant.pk, third.pk]
        fragments = render_push(live_round.pk, "participant", {EVERYTHING}, members)
        assert sorted(sorted(m) for _html, m in fragments) == sorted(
            [[participant.pk], sorted([other_participant.pk, third.pk])]
        )
        for html, receivers in fragments:
            assert ("Your notes</h2>" in html and "Delete" in html) == (
                receivers == {participant.pk}
            )

    @pytest.mark.parametrize("authors", [2, 8])
    def test_each_author_gets_the_same_stage_with_their_own_notes_read_once_for_all(
        self, finding, live_round, participant, other_participant, authors
    ):
        people = [participant, other_participant]
        people += [services.join_round(live_round, display_name=f"N{n}") for n in range(8)]
        for number, person in enumerate(people[:authors]):
            annotate(finding, person, **span("likabehandling"), note=f"Tanke nummer {number}")
        members = [person.pk for person in people]
        with CaptureQueriesContext(connection) as queries:
            fragments = render_push(live_round.pk, "participant", {EVERYTHING}, members)
        # The round, the languages, the authors' notes, the room's notes and the codebook, the
        # questions board, the recording mark, the report: the same however many wrote.
        assert len(queries) <= 14, [q["sql"][:80] for q in queries]
        by_member = {m: html for html, receivers in fragments for m in receivers}
        for number, person in enumerate(people):
            mine = by_member[person.pk].split('id="my-notes"')[1].split("</section>")[0]
            assert (f"Tanke nummer {number}" in mine) == (number < authors)
            assert sum(f"Tanke nummer {n}" in mine for n in range(authors)) <= 1
            # The room's wall has everyone's notes, on every phone.
            assert all(f"Tanke nummer {n}" in by_member[person.pk] for n in range(authors))
        # An author's stage is the one rendered for them alone, as the page renders it.
        round = load_round(live_round.pk)
        own = own_annotations(round.current_step, [people[0].pk])
        alone = stage_context(
            round, PARTICIPANT, own_notes=own[people[0].pk], own_version=own.version
        )
        assert by_member[people[0].pk] == render_fragment(PARTICIPANT, "stage", alone)

    def test_a_facilitators_act_updates_the_authors_own_notes_at_once(
        self, finding, live_round, participant, other_participant, facilitator, notified
    ):
        from facilitation.deliberation.annotations import moderate_annotation

        note = annotate(finding, participant, **span("likabehandling"), note="Min")
        members = [participant.pk, other_participant.pk]
        topics = notified(lambda: moderate_annotation(note, action="hide", by=facilitator))
        assert topics == [["annotations", "own-notes"]]
        fragments = render_push(live_round.pk, "participant", set(topics[0]), members)
        wall, own = fragments
        assert wall[1] is None and "Min" not in wall[0]  # gone from the room's wall
        assert own[1] == {participant.pk}  # only the author gets their notes
        assert own[0].lstrip().startswith('<section id="my-notes"')
        assert "hidden this note" in own[0] and "Min" in own[0]

    def test_a_participants_own_act_does_not_rerender_everyones_notes(
        self, finding, live_round, participant, notified
    ):
        topics = notified(lambda: annotate(finding, participant, **span("likabehandling")))
        assert topics == [["annotations"]]

    def test_no_annotations_fragment_when_no_finding_is_on_screen(self, dilemma_round):
        assert render_push(dilemma_round.pk, "projector", {"annotations"}, ["x"]) == []
        assert render_push(dilemma_round.pk, "participant", {"annotations"}, [1]) == []


def test_groups_with_a_pinned_note_come_first_on_every_wall(
    finding, live_round, participant, other_participant, facilitator
):
    from facilitation.deliberation.annotations import moderate_annotation

    annotate(finding, participant, **span("likabehandling"), note="Tidig")
    late = annotate(finding, other_participant, **span("sällan"), note="Sen")
    moderate_annotation(late, action="pin", by=facilitator)
    for audience, members in [("projector", ["x"]), ("participant", [participant.pk])]:
        [(html, _receivers)] = render_push(live_round.pk, audience, {"annotations"}, members)
        assert html.index("Sen") < html.index("Tidig")
        assert "Pinned" in html


def test_heat_levels_are_relative_to_the_most_marked_sentence():
    from facilitation.screens.reading import heat_level

    assert [heat_level(n, 8) for n in (0, 1, 2, 4, 6, 8)] == [0, 1, 1, 2, 3, 4]
    assert heat_level(1, 1) == 4
