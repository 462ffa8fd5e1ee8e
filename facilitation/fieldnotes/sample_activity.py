"""Field notes in the sample round: the facilitator observes the room on the first step of each
kind that has a note in ``sample_fieldnotes.json``, once about someone and once coded, so the
exports show what observations look like beside the participants' own words."""

import json
from pathlib import Path

from . import services

SAMPLE_FIELD_NOTES = json.loads(
    (Path(__file__).with_name("sample_fieldnotes.json")).read_text(encoding="utf-8")
)


def observe_the_room(round, step, participants, facilitator, rng, texts):
    if facilitator is None or not services.may_observe(round.workshop, facilitator):
        return  # a sample round played without a facilitator of the workshop has no observer
    notes = SAMPLE_FIELD_NOTES.get(round.workshop.language, SAMPLE_FIELD_NOTES["en"])
    first_of_kind = round.ordered_steps().filter(kind=step.kind).first()
    if step.kind not in notes or step != first_of_kind:
        return
    about = rng.choice(participants).pk if participants and step.kind == "dilemma" else None
    code = round.workshop.codes.order_by("name").first() if step.kind == "finding" else None
    services.write_field_note(
        round,
        by=facilitator,
        text=notes[step.kind],
        participant_id=about,
        code_ids=[code.pk] if code else (),
    )
