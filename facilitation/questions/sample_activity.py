"""Questions in the sample round: on the first finding the facilitator opens questions for the
whole round, a few people ask, others upvote, and one question is answered."""

import json
from pathlib import Path

from facilitation.workshops.models import Step

from . import services

SAMPLE_QUESTIONS = json.loads(
    (Path(__file__).with_name("sample_questions.json")).read_text(encoding="utf-8")
)


def ask_questions(round, step, participants, facilitator, rng, texts):
    first_finding = round.ordered_steps().filter(kind=Step.Kind.FINDING).first()
    if step != first_finding or len(participants) < 3:
        return
    if facilitator is None or not round.workshop.is_facilitated_by(facilitator):
        return  # a sample round played without a facilitator of the workshop asks nothing
    services.configure_questions(round, open_any_time=True, premoderate=False, by=facilitator)
    asked = [
        services.ask_question(round, participants[i], text=text)
        for i, text in enumerate(
            SAMPLE_QUESTIONS.get(round.workshop.language, SAMPLE_QUESTIONS["en"])
        )
    ]
    for participant in participants:
        for question in asked:
            if question.participant_id != participant.pk and rng.random() < 0.5:
                services.upvote_question(question, participant)
    services.mark_answered(asked[0], True, by=facilitator)
