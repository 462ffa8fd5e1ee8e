"""A long finding on the projector a part at a time: how it is cut, and stepping through it."""

import pytest

from facilitation.deliberation.finding_parts import (
    PART_LENGTH,
    finding_parts,
    show_finding_part,
    shown_part,
)
from facilitation.workshops import services
from facilitation.workshops.models import Event, Step

PARAGRAPH = "A sentence about the municipality and its residents, long enough to count. " * 4
LONG = "\n\n".join(
    ["## First section", PARAGRAPH, PARAGRAPH, "> A quotation that belongs here.", PARAGRAPH]
    + ["## Second section", "- one item of a list", "- another item", PARAGRAPH]
)


@pytest.fixture
def finding(live_round, facilitator):
    step = live_round.steps.filter(kind=Step.Kind.FINDING).first()
    step.body = LONG
    step.save()
    services.go_to_step(live_round, step, by=facilitator)
    return step


class TestFindingParts:
    def test_a_short_finding_is_one_part(self):
        assert finding_parts("Short. Two sentences.") == [(0, 21)]

    def test_a_long_finding_is_cut_at_its_blocks_within_the_length(self):
        parts = finding_parts(LONG)
        assert len(parts) > 1
        assert parts[0][0] <= LONG.index("First section")
        assert parts[-1][1] == len(LONG)
        for start, end in parts:
            assert end - start <= PART_LENGTH or LONG[start:end].count("\n\n") == 0
        # Consecutive parts meet at block boundaries: nothing between them but markup.
        for (_, end), (start, _) in zip(parts, parts[1:], strict=False):
            assert not any(ch.isalnum() for ch in LONG[end:start])

    def test_a_heading_starts_a_part_with_what_follows(self):
        parts = finding_parts(LONG)
        starts = [LONG[start:end] for start, end in parts]
        second = next(text for text in starts if "Second section" in text)
        assert second.startswith("Second section")
        assert "one item of a list" in second
        assert not any(text.rstrip().endswith("section") for text in starts)


class TestShowFindingPart:
    def test_the_facilitator_steps_to_another_part_with_an_event(self, finding, facilitator):
        assert shown_part(finding) == 0
        show_finding_part(finding, part=1, by=facilitator)
        finding.refresh_from_db()
        assert shown_part(finding) == 1
        event = Event.objects.get(kind="finding.part_shown")
        assert event.user == facilitator
        assert event.payload == {"part": 2, "parts": len(finding_parts(LONG))}

    def test_showing_the_part_already_shown_records_nothing(self, finding, facilitator):
        show_finding_part(finding, part=0, by=facilitator)
        assert not Event.objects.filter(kind="finding.part_shown").exists()

    def test_a_part_the_finding_does_not_have_is_refused(self, finding, facilitator):
        count = len(finding_parts(LONG))
        with pytest.raises(services.ActionRefused, match=f"parts 1 to {count}"):
            show_finding_part(finding, part=count, by=facilitator)
        finding.refresh_from_db()
        assert shown_part(finding) == 0

    def test_another_kind_of_step_is_refused(self, dilemma, facilitator):
        with pytest.raises(services.ActionRefused, match="Only a finding"):
            show_finding_part(dilemma, part=0, by=facilitator)

    def test_a_closed_round_is_refused(self, finding, facilitator):
        services.close_round(finding.round, by=facilitator)
        with pytest.raises(services.ActionRefused, match="closed"):
            show_finding_part(finding, part=1, by=facilitator)

    def test_a_shorter_text_after_an_edit_shows_its_last_part(self, finding, facilitator):
        show_finding_part(finding, part=2, by=facilitator)
        finding.refresh_from_db()
        finding.body = "Now it is short."
        assert shown_part(finding) == 0

    def test_a_copy_of_the_step_starts_at_the_first_part(self, finding, facilitator):
        from facilitation.deliberation.step_content import authored_settings

        show_finding_part(finding, part=1, by=facilitator)
        finding.refresh_from_db()
        assert "part" not in authored_settings(finding)
