import pytest

from facilitation.deliberation.authoring import add_step
from facilitation.questions.services import configure_questions
from facilitation.workshops import services


@pytest.fixture
def questions_step(draft_round, facilitator):
    step = add_step(
        draft_round,
        {"kind": "questions", "title": "Your questions to us", "body": "Ask away."},
        by=facilitator,
    )
    return step


@pytest.fixture
def on_questions(live_round, questions_step, facilitator):
    services.go_to_step(live_round, questions_step, by=facilitator)
    live_round.refresh_from_db()
    return live_round


@pytest.fixture
def open_any_time(dilemma_round, facilitator):
    configure_questions(dilemma_round, open_any_time=True, premoderate=False, by=facilitator)
    dilemma_round.refresh_from_db()
    return dilemma_round
