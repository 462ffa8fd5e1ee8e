import pytest

from facilitation.deliberation.conduct import freeze_round_version
from facilitation.deliberation.services import cast_vote, submit_answer
from facilitation.questions.services import (
    ask_question,
    configure_questions,
    mark_answered,
    upvote_question,
)
from facilitation.recap.services import start_round_from
from facilitation.workshops import services
from facilitation.workshops.models import Step


@pytest.fixture
def scale(live_round):
    return live_round.steps.get(kind=Step.Kind.SCALE)


@pytest.fixture
def may(dilemma_round, dilemma, scale, participant, other_participant, facilitator):
    """May, closed: two votes on the first dilemma, one on the scale, three questions (one of
    them answered), and the code of conduct frozen at its close."""
    cast_vote(dilemma, participant, dilemma.options.get(position=1).pk)
    cast_vote(dilemma, other_participant, dilemma.options.get(position=2).pk)
    services.go_to_step(dilemma_round, scale, by=facilitator)
    submit_answer(scale, participant, {"value": "4"})
    configure_questions(dilemma_round, open_any_time=True, premoderate=False, by=facilitator)
    ask_question(dilemma_round, participant, text="Who answers on weekends?")
    popular = ask_question(dilemma_round, participant, text="Can we see the rules?")
    upvote_question(popular, other_participant)
    answered = ask_question(dilemma_round, other_participant, text="When is the next round?")
    mark_answered(answered, True, by=facilitator)
    services.close_round(dilemma_round, by=facilitator)
    freeze_round_version(dilemma_round, by=facilitator)
    return dilemma_round


@pytest.fixture
def november(may, facilitator):
    """The next round, from May, opening with a recap."""
    return start_round_from(may, title="November", with_recap=True, by=facilitator)


@pytest.fixture
def recap_step(november):
    return november.steps.get(kind=Step.Kind.RECAP)
