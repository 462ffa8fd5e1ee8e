"""A recap step is in the research record like any other step: every export builds, the steps
table lists it, and the event log says what it was set to show."""

import json

from facilitation.recap.services import choose_recap
from facilitation.research.exports import EXPORT_FORMATS
from facilitation.research.scope import ExportScope
from facilitation.research.tables import step_rows


def test_every_export_builds_with_a_recap_listed_as_a_step(
    workshop, november, recap_step, dilemma, facilitator
):
    choose_recap(
        recap_step, step_ids=[dilemma.pk], show_conduct=True, show_questions=False, by=facilitator
    )
    scope = ExportScope(workshop)
    for key, export in EXPORT_FORMATS.items():
        assert b"".join(export.chunks(scope)), key
    rows = [row for row in step_rows(scope) if row[0] == recap_step.pk]
    assert [(row[1], row[3], row[4]) for row in rows] == [
        (november.pk, "recap", "Where we left off")
    ]
    record = json.loads(b"".join(EXPORT_FORMATS["json"].chunks(scope)))
    assert "recap.chosen" in json.dumps(record)  # the facilitator's choice, in the event log
