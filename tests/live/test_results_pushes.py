"""A push of new results (a hall's burst of votes is nothing else) reads the results and the
counts, not the whole stage, and shows exactly what a push read from the whole stage shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from facilitation.deliberation.services import submit_answer
from facilitation.screens.stages import FACILITATOR, PARTICIPANT, PROJECTOR, render_push
from facilitation.workshops import services
from tests.deliberation.test_answer_kinds import add_step
from tests.deliberation.test_ranking import ranking

pytestmark = pytest.mark.django_db

# A topic no screen shows: pushed beside "results", the push reads the whole stage as before.
NOTHING_ELSE = "nothing-shown"


def answer_of(step, kind):
    """A valid answer to a step of ``kind``."""
    options = list(step.options.all())
    return {
        "dilemma": lambda: {"option": [str(options[0].pk)]},
        "single_choice": lambda: {"option": [str(options[1].pk)]},
        "multiple_choice": lambda: {"option": [str(options[0].pk), str(options[2].pk)]},
        "scale": lambda: {"value": ["4"]},
        "ranking": lambda: ranking(step, "C", "A", "B"),
        "open_text": lambda: {"text": ["Svara inom en dag"]},
        "placement": lambda: {"position": ["30"], "reason": [""]},
    }[kind]()


@pytest.fixture(
    params=["single_choice", "multiple_choice", "scale", "ranking", "open_text", "placement"]
)
def answered_step(request, live_round, facilitator, participant, other_participant):
    kind = request.param
    step = add_step(
        live_round, kind, options="ABC" if kind.endswith("choice") or kind == "ranking" else ()
    )
    services.go_to_step(live_round, step, by=facilitator)
    for person in (participant, other_participant):
        submit_answer(step, person, answer_of(step, kind))
    return step


AUDIENCES = [(PROJECTOR, ["http://x"]), (FACILITATOR, ["http://x"]), (PARTICIPANT, None)]


@pytest.mark.parametrize("revealed", [False, True], ids=["hidden", "revealed"])
@pytest.mark.parametrize("audience, members", AUDIENCES)
def test_each_kinds_results_push_shows_what_the_whole_stage_shows(
    answered_step, live_round, facilitator, participant, audience, members, revealed
):
    if revealed:
        services.reveal_results(answered_step, by=facilitator)
    members = members or [participant.pk]
    pushed = render_push(live_round.pk, audience, {"results"}, members)
    from_whole_stage = render_push(live_round.pk, audience, {"results", NOTHING_ELSE}, members)
    assert pushed == from_whole_stage
    if audience != PARTICIPANT or revealed:
        assert pushed and 'id="results"' in pushed[0][0]


@pytest.mark.parametrize("audience, members", AUDIENCES)
def test_a_results_push_reads_neither_questions_nor_the_recording_nor_the_agenda(
    dilemma_round, dilemma, facilitator, participant, audience, members
):
    submit_answer(dilemma, participant, answer_of(dilemma, "dilemma"))
    services.reveal_results(dilemma, by=facilitator)
    members = members or [participant.pk]
    with CaptureQueriesContext(connection) as whole:
        render_push(dilemma_round.pk, audience, {"results", NOTHING_ELSE}, members)
    with CaptureQueriesContext(connection) as results:
        fragments = render_push(dilemma_round.pk, audience, {"results"}, members)
    assert fragments
    read = " ".join(query["sql"] for query in results)
    # The round (with its step) is read; its questions, recording and agenda are not.
    for table in ("questions_", "recording_", "workshops_breakoutgroup", 'FROM "workshops_step"'):
        assert table not in read, table
    assert len(results) < len(whole)


def test_a_results_push_to_screens_at_two_addresses_reads_the_results_once(
    dilemma_round, dilemma, participant
):
    submit_answer(dilemma, participant, answer_of(dilemma, "dilemma"))
    addresses = ["http://192.168.1.20:8000", "http://balans.local"]
    with CaptureQueriesContext(connection) as one:
        render_push(dilemma_round.pk, PROJECTOR, {"results"}, addresses[:1])
    with CaptureQueriesContext(connection) as two:
        fragments = render_push(dilemma_round.pk, PROJECTOR, {"results"}, addresses)
    assert [receivers for _html, receivers in fragments] == [{address} for address in addresses]
    assert len(two) == len(one)


def test_a_projector_showing_the_results_does_not_count_the_answers_apart(
    dilemma_round, dilemma, facilitator, participant
):
    submit_answer(dilemma, participant, answer_of(dilemma, "dilemma"))
    dilemma.hide_results, dilemma.results_revealed = True, False
    dilemma.save()
    with CaptureQueriesContext(connection) as hidden:
        [(hidden_html, _)] = render_push(dilemma_round.pk, PROJECTOR, {"results"}, ["http://x"])
    services.reveal_results(dilemma, by=facilitator)
    with CaptureQueriesContext(connection) as shown:
        [(shown_html, _)] = render_push(dilemma_round.pk, PROJECTOR, {"results"}, ["http://x"])
    assert "1 answer so far · results are hidden" in hidden_html
    assert "1 answer in all" in shown_html
    # The count of answers is in the tally the bars show; it is not read apart.
    assert len(shown) == len(hidden) - 1
