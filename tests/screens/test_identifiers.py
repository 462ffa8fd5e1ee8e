"""Every id a form or URL carries is checked before it reaches the database: a huge, negative or
non-numeric id gets a 4xx with a message, never a 500 (SQLite overflows past 2**63 - 1)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitation.deliberation import conduct
from facilitation.deliberation.models import Clause
from facilitation.identifiers import MAX_ID, parse_id
from facilitation.workshops import services
from facilitation.workshops.models import Step

HTMX = {"HTTP_HX_REQUEST": "true"}
NOT_FOUND = "There is nothing here"  # the 404 page

bad_ids = st.one_of(
    st.integers(min_value=MAX_ID + 1, max_value=10**40).map(str),
    st.integers(min_value=-(10**40), max_value=0).map(str),
    st.sampled_from(["999999999999999999999999999999", "-1", "0", "1e3", "²", "٣", "0x10", "1.5"]),
    st.text(max_size=25).filter(lambda text: parse_id(text) is None),
)
# In a URL only digits match the route at all; out of range they must still be a 404.
bad_url_ids = st.one_of(st.integers(min_value=MAX_ID + 1, max_value=10**19 - 1), st.just(0)).map(
    str
)

fuzz = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def refused(response, *messages):
    assert 400 <= response.status_code < 500, response.status_code
    page = response.content.decode()
    assert any(message in page for message in messages), page


def test_parse_id_takes_only_whole_numbers_in_range():
    assert parse_id("1") == 1
    assert parse_id(str(MAX_ID)) == MAX_ID
    for text in [str(MAX_ID + 1), "0", "-3", "²", "٣", "", None, "1 2", "+1"]:
        assert parse_id(text) is None


@pytest.fixture
def on_step(live_round, facilitator):
    def show(kind):
        step = live_round.steps.filter(kind=kind).order_by("position").first()
        services.go_to_step(live_round, step, by=facilitator)
        return step

    return show


class TestPhoneForms:
    @fuzz
    @given(bad=bad_ids)
    def test_codes_of_a_note(self, phone, live_round, on_step, bad):
        finding = on_step(Step.Kind.FINDING)
        url = f"/r/{live_round.join_code}/steps/{finding.pk}/annotations/"
        data = {"start": "0", "end": "4", "note": "x", "codes": [bad]}
        refused(phone.post(url, data, **HTMX), "not in this workshop")

    @fuzz
    @given(bad=bad_ids)
    def test_codes_and_motivation_of_a_clause(self, phone, live_round, on_step, bad):
        on_step(Step.Kind.CONDUCT)
        url = f"/r/{live_round.join_code}/conduct/propose/"
        data = {"text": "We listen first.", "codes": [bad]}
        refused(phone.post(url, data, **HTMX), "not in this workshop")
        data = {"text": "We listen first.", "motivated_by": f"step-{bad}"}
        response = phone.post(url, data, **HTMX)
        assert 400 <= response.status_code < 500
        assert not Clause.objects.filter(text="We listen first.").exists()

    @fuzz
    @given(bad=bad_ids)
    def test_the_option_of_a_vote(self, phone, live_round, on_step, bad):
        dilemma = on_step(Step.Kind.DILEMMA)
        url = f"/r/{live_round.join_code}/steps/{dilemma.pk}/vote/"
        refused(
            phone.post(url, {"option": bad}, **HTMX),
            "not one of this question",
            "Choose one of the options",  # an empty or blank one
        )


class TestConsoleForms:
    @fuzz
    @given(bad=bad_ids)
    def test_the_step_to_go_to(self, console, live_round, bad):
        url = f"/console/rounds/{live_round.pk}/go/"
        refused(console.post(url, {"step": bad}, **HTMX), "not on this agenda")

    @fuzz
    @given(bad=bad_ids)
    def test_the_note_to_merge_into(self, console, live_round, on_step, participant, bad):
        from facilitation.deliberation.annotations import annotate

        finding = on_step(Step.Kind.FINDING)
        note = annotate(finding, participant, start=0, end=4, note="a note")
        url = f"/console/rounds/{live_round.pk}/annotations/{note.pk}/merge/"
        refused(console.post(url, {"into": bad}, **HTMX), "Choose the note to merge it into")

    @fuzz
    @given(bad=bad_ids)
    def test_the_clause_to_merge_into(self, console, live_round, on_step, participant, bad):
        on_step(Step.Kind.CONDUCT)
        clause = Clause.objects.filter(text="We take turns.").first() or conduct.propose_clause(
            live_round.workshop, "We take turns.", by_participant=participant, round=live_round
        )
        url = f"/console/rounds/{live_round.pk}/conduct/clauses/{clause.pk}/"
        data = {"action": "merge", "into": bad, "reason": "Same"}
        refused(console.post(url, data, **HTMX), "Choose what to merge it into")

    @fuzz
    @given(bad=bad_ids)
    def test_the_group_to_move_someone_to(self, console, live_round, participant, bad):
        url = f"/console/rounds/{live_round.pk}/groups/move/"
        data = {"person": participant.pseudonym, "group": bad}
        refused(console.post(url, data, **HTMX), "Choose the group")

    @fuzz
    @given(typed=st.text(max_size=300))
    def test_the_person_to_move_is_anything_typed(self, console, live_round, participant, typed):
        url = f"/console/rounds/{live_round.pk}/groups/move/"
        response = console.post(url, {"person": typed, "group": "new"}, **HTMX)
        # Nobody else is in the room: whatever names no one is refused with what to type.
        if response.status_code != 200:
            assert response.status_code in {400, 404}
            assert 'class="error"' in response.content.decode()

    @fuzz
    @given(bad=bad_ids)
    def test_the_codes_of_a_facilitators_clause(self, console, live_round, bad):
        url = f"/console/rounds/{live_round.pk}/conduct/propose/"
        data = {"text": "We end on time.", "codes": [bad]}
        refused(console.post(url, data, **HTMX), "not in this workshop")

    @fuzz
    @given(bad=bad_ids)
    def test_the_steps_a_new_round_copies(self, console, live_round, bad):
        url = f"/console/rounds/{live_round.pk}/new-round/"
        refused(console.post(url, {"title": "Next", "copy": [bad]}), "Choose steps from the list")

    @fuzz
    # An empty round means "every round" (the exports page's default), so it is not a bad id here.
    @given(bad=bad_ids.filter(bool))
    def test_the_round_of_an_export(self, console, workshop, bad):
        url = f"/console/workshops/{workshop.pk}/exports/download/"
        refused(console.get(url, {"format": "csv", "round": bad}), NOT_FOUND)


@fuzz
@given(bad=bad_url_ids)
def test_ids_in_urls(console, phone, live_round, participant, bad):
    code, r = live_round.join_code, live_round.pk
    for client, method, url in [
        (console, "get", f"/console/rounds/{bad}/"),
        (console, "get", f"/console/workshops/{bad}/"),
        (console, "post", f"/console/rounds/{r}/groups/move/{bad}/"),
        (console, "post", f"/console/rounds/{r}/annotations/{bad}/merge/"),
        (console, "post", f"/console/rounds/{r}/conduct/clauses/{bad}/"),
        (console, "get", f"/console/agendas/{r}/steps/{bad}/"),
        (phone, "post", f"/r/{code}/steps/{bad}/vote/"),
        (phone, "post", f"/r/{code}/annotations/{bad}/edit/"),
        (phone, "post", f"/r/{code}/discussion-notes/{bad}/delete/"),
        (phone, "post", f"/r/{code}/conduct/clauses/{bad}/amend/"),
        (phone, "post", f"/r/{code}/conduct/clause/{bad}/endorse/"),
        (phone, "get", f"/r/{code}/conduct/versions/{bad}/print/"),
    ]:
        refused(getattr(client, method)(url), NOT_FOUND)
