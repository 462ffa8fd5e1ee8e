"""Annotating a finding: marking, noting, coding, +1s, editing, deleting, moderating, merging."""

import pytest

from facilitation.deliberation.annotations import (
    annotate,
    delete_annotation,
    edit_annotation,
    heat_map,
    merge_annotations,
    moderate_annotation,
    placed_annotations,
    plus_one,
)
from facilitation.deliberation.models import Annotation, Code, PlusOne
from facilitation.workshops import services
from facilitation.workshops.models import Event, Step, Workshop

TEXT = (
    "Kommunikatörerna är måna om likabehandling. Ett populärt lopp lockar många gillamarkeringar. "
    "Men andra arrangörer får sällan samma utrymme."
)


@pytest.fixture
def finding(live_round, facilitator):
    step = live_round.steps.filter(kind=Step.Kind.FINDING).first()
    step.body = TEXT
    step.save()
    services.go_to_step(live_round, step, by=facilitator)
    return step


def span(text, passage):
    start = TEXT.index(passage)
    return {"start": start, "end": start + len(passage)}


def codes(workshop, *names):
    return [Code.objects.get(workshop=workshop, name=name).pk for name in names]


class TestAnnotate:
    def test_a_passage_is_marked_with_a_note_codes_and_a_reaction(self, finding, participant):
        annotation = annotate(
            finding,
            participant,
            **span(TEXT, "likabehandling"),
            note="  Så är det  hos oss ",
            code_ids=codes(finding.round.workshop, "Equal treatment"),
            reaction="agree",
        )
        assert annotation.exact == "likabehandling"
        assert annotation.note == "Så är det hos oss"
        assert [c.name for c in annotation.codes.all()] == ["Equal treatment"]
        assert annotation.status == Annotation.Status.VISIBLE
        event = Event.objects.get(kind="annotation.created")
        assert event.participant == participant
        assert event.payload["exact"] == "likabehandling"

    def test_a_premoderated_step_keeps_notes_waiting(self, finding, participant):
        finding.settings = {"premoderate": True}
        finding.save()
        annotation = annotate(finding, participant, **span(TEXT, "lopp"))
        assert annotation.status == Annotation.Status.PENDING
        assert placed_annotations(finding) == []

    @pytest.mark.parametrize(
        "bad, message",
        [
            ({"start": 5, "end": 5}, ""),
            ({"start": 10, "end": 2}, ""),
            ({"start": 0, "end": 10_000}, ""),
            ({"start": -3, "end": 4}, ""),
        ],
    )
    def test_a_selection_outside_the_text_is_refused(self, finding, participant, bad, message):
        with pytest.raises(services.ActionRefused):
            annotate(finding, participant, **bad)
        assert not Annotation.objects.exists()

    def test_an_overlong_note_is_refused_with_its_length(self, finding, participant):
        with pytest.raises(
            services.ActionRefused, match="at most 500 characters; this one has 501"
        ):
            annotate(finding, participant, **span(TEXT, "lopp"), note="x" * 501)
        assert not Annotation.objects.exists()

    def test_a_code_of_another_workshop_is_refused(self, finding, participant):
        other = Workshop.objects.create(title="Other")
        foreign = Code.objects.create(workshop=other, name="Equal treatment")
        with pytest.raises(services.ActionRefused, match="codebook"):
            annotate(finding, participant, **span(TEXT, "lopp"), code_ids=[foreign.pk])
        assert not Annotation.objects.exists()

    def test_an_unknown_reaction_is_refused(self, finding, participant):
        with pytest.raises(services.ActionRefused, match="quick reactions"):
            annotate(finding, participant, **span(TEXT, "lopp"), reaction="lol")

    def test_a_finding_that_is_not_on_screen_is_refused(self, finding, participant, live_round):
        services.go_to_step(live_round, None, by=None)
        with pytest.raises(services.ActionRefused, match="no longer on screen"):
            annotate(finding, participant, **span(TEXT, "lopp"))

    def test_a_dilemma_cannot_be_annotated(self, dilemma_round, dilemma, participant):
        with pytest.raises(services.ActionRefused, match="takes no notes"):
            annotate(dilemma, participant, start=0, end=4)

    def test_markup_in_a_note_is_kept_as_text(self, finding, participant):
        note = "<script>alert(1)</script>"
        assert annotate(finding, participant, **span(TEXT, "lopp"), note=note).note == note


class TestOwnNotes:
    def test_an_author_edits_and_deletes_their_note(self, finding, participant):
        annotation = annotate(finding, participant, **span(TEXT, "lopp"), note="first")
        edit_annotation(annotation, participant, note="second", reaction="surprising")
        annotation.refresh_from_db()
        assert (annotation.note, annotation.reaction) == ("second", "surprising")
        delete_annotation(annotation, participant)
        annotation.refresh_from_db()
        assert annotation.status == Annotation.Status.DELETED
        assert placed_annotations(finding) == []
        kinds = list(
            Event.objects.filter(kind__startswith="annotation.").values_list("kind", flat=True)
        )
        assert kinds == ["annotation.created", "annotation.edited", "annotation.deleted"]

    def test_nobody_edits_or_deletes_someone_elses_note(
        self, finding, participant, other_participant
    ):
        annotation = annotate(finding, participant, **span(TEXT, "lopp"), note="mine")
        with pytest.raises(services.ActionRefused, match="your own notes"):
            edit_annotation(annotation, other_participant, note="theirs")
        with pytest.raises(services.ActionRefused, match="your own notes"):
            delete_annotation(annotation, other_participant)
        annotation.refresh_from_db()
        assert (annotation.note, annotation.status) == ("mine", Annotation.Status.VISIBLE)


class TestPlusOnes:
    def test_others_support_a_note_once(self, finding, participant, other_participant):
        annotation = annotate(finding, participant, **span(TEXT, "lopp"))
        plus_one(annotation, other_participant)
        plus_one(annotation, other_participant)
        assert PlusOne.objects.count() == 1
        [placed] = placed_annotations(finding)
        assert placed.supporters == 2

    def test_nobody_supports_their_own_note(self, finding, participant):
        annotation = annotate(finding, participant, **span(TEXT, "lopp"))
        with pytest.raises(services.ActionRefused, match="your own note"):
            plus_one(annotation, participant)


class TestModeration:
    def test_hidden_notes_leave_the_wall_and_stay_in_the_record(
        self, finding, participant, facilitator
    ):
        annotation = annotate(finding, participant, **span(TEXT, "lopp"))
        moderate_annotation(annotation, action="hide", by=facilitator)
        assert placed_annotations(finding) == []
        assert [p.annotation for p in placed_annotations(finding, for_room=False)] == [annotation]
        assert Event.objects.filter(kind="annotation.hide", user=facilitator).exists()

    def test_pinned_notes_come_first(self, finding, participant, other_participant, facilitator):
        first = annotate(finding, participant, **span(TEXT, "likabehandling"))
        second = annotate(finding, other_participant, **span(TEXT, "utrymme"))
        moderate_annotation(second, action="pin", by=facilitator)
        assert [p.annotation for p in placed_annotations(finding)] == [second, first]

    def test_merging_carries_the_support_over(
        self, finding, participant, other_participant, live_round, facilitator
    ):
        third = services.join_round(live_round)
        keep = annotate(finding, participant, **span(TEXT, "lopp"))
        duplicate = annotate(finding, other_participant, **span(TEXT, "populärt lopp"))
        plus_one(duplicate, third)
        merge_annotations(duplicate, keep, by=facilitator)
        [placed] = placed_annotations(finding)
        assert placed.annotation == keep
        assert placed.supporters == 3  # its author, the duplicate's author, the duplicate's +1

    def test_a_note_cannot_be_merged_into_itself(self, finding, participant, facilitator):
        annotation = annotate(finding, participant, **span(TEXT, "lopp"))
        with pytest.raises(services.ActionRefused):
            merge_annotations(annotation, annotation, by=facilitator)


class TestAnchoringAfterEdits:
    def test_a_typo_fixed_inside_the_passage_keeps_the_note_on_it(self, finding, participant):
        annotate(finding, participant, **span(TEXT, "andra arrangörer får sällan"))
        finding.body = TEXT.replace("arrangörer", "arrangörerna").replace("Men", "Men ju")
        finding.save()
        [placed] = placed_annotations(finding)
        assert not placed.detached
        assert "arrangörerna får sällan" in finding.body[placed.start : placed.end]

    def test_a_deleted_passage_leaves_the_note_detached_not_lost(self, finding, participant):
        annotate(
            finding, participant, **span(TEXT, "Men andra arrangörer får sällan samma utrymme.")
        )
        finding.body = TEXT.split(" Men ")[0]
        finding.save()
        [placed] = placed_annotations(finding)
        assert placed.detached

    def test_the_heat_map_counts_marks_per_sentence(self, finding, participant, other_participant):
        annotate(finding, participant, **span(TEXT, "lopp"))
        annotate(finding, other_participant, **span(TEXT, "gillamarkeringar"))
        counts = [count for _s, _e, _text, count in heat_map(finding)]
        assert counts == [0, 2, 0]


def test_a_person_makes_at_most_thirty_notes_on_one_finding_deleted_ones_included(
    finding, participant, other_participant
):
    from facilitation.deliberation.annotations import MAX_NOTES_PER_PERSON

    for number in range(MAX_NOTES_PER_PERSON):
        note = annotate(finding, participant, **span(TEXT, "likabehandling"), note=f"n{number}")
    delete_annotation(note, participant)
    with pytest.raises(services.ActionRefused, match="at most 30 notes to one finding"):
        annotate(finding, participant, **span(TEXT, "likabehandling"), note="one too many")
    assert not Annotation.objects.filter(note="one too many").exists()
    annotate(finding, other_participant, **span(TEXT, "likabehandling"), note="someone else")
