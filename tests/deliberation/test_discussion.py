"""Discussion steps: each group writes its own notes; the facilitator shows the report-back."""

import pytest

from facilitation.deliberation.discussion import (
    MAX_NOTES_PER_PERSON,
    NOTE_MAX_LENGTH,
    add_note,
    delete_note,
    edit_note,
    notes_by_group,
    propose_note_as_clause,
    set_report_back,
)
from facilitation.deliberation.models import DiscussionNote
from facilitation.workshops import services
from facilitation.workshops.groups import move_to_group, split_into_groups
from facilitation.workshops.models import Event, Step


@pytest.fixture
def discussion(live_round):
    return live_round.steps.get(kind=Step.Kind.DISCUSSION)


@pytest.fixture
def groups(live_round, participant, other_participant, facilitator):
    """Anna in group 1, Bo in group 2 (balanced on pseudonyms: no attribute values)."""
    live_round.workshop.participant_attributes = [{"key": "role", "label": "Role"}]
    live_round.workshop.save()
    return split_into_groups(
        live_round, method="balanced", attribute="role", count=2, by=facilitator
    )


@pytest.fixture
def on_discussion(live_round, discussion, groups, facilitator):
    services.go_to_step(live_round, discussion, by=facilitator)
    return discussion


class TestAddingNotes:
    def test_a_note_goes_to_the_writers_group_with_an_event(
        self, on_discussion, groups, participant
    ):
        note = add_note(on_discussion, participant, group=groups[0], text="  Arkivering   först ")
        assert note.group == groups[0] and note.text == "Arkivering först"
        event = Event.objects.get(kind="discussion.note_added")
        assert event.participant == participant
        assert event.payload == {"note": note.pk, "group": 1, "text": "Arkivering först"}
        assert notes_by_group(on_discussion) == {groups[0].pk: [note]}

    def test_a_note_for_a_group_one_is_not_in_is_refused(self, on_discussion, groups, participant):
        with pytest.raises(services.ActionRefused, match="You are in Group 1 now"):
            add_note(on_discussion, participant, group=groups[1], text="Fel grupp")
        assert not DiscussionNote.objects.exists()

    def test_after_being_moved_the_old_groups_form_is_refused(
        self, live_round, on_discussion, groups, participant, facilitator
    ):
        move_to_group(live_round, participant, groups[1], by=facilitator)
        with pytest.raises(services.ActionRefused, match="Group 2"):
            add_note(on_discussion, participant, group=groups[0], text="Skrivet före flytten")
        assert not DiscussionNote.objects.exists()

    def test_someone_in_no_group_is_told_to_wait(self, live_round, on_discussion, facilitator):
        late = services.join_round(live_round, display_name="Cai")  # placed: groups exist
        assert late.group_memberships.exists()
        from facilitation.workshops.groups import dissolve_groups

        dissolve_groups(live_round, by=facilitator)
        with pytest.raises(services.ActionRefused, match="not in a group yet"):
            add_note(on_discussion, late, group=None, text="Hej")

    @pytest.mark.parametrize("text", ["", "   \n\t ", None])
    def test_an_empty_note_is_refused(self, on_discussion, groups, participant, text):
        with pytest.raises(services.ActionRefused, match="Write something"):
            add_note(on_discussion, participant, group=groups[0], text=text)
        assert not DiscussionNote.objects.exists()

    def test_an_overlong_note_is_refused_with_the_limit(self, on_discussion, groups, participant):
        with pytest.raises(services.ActionRefused, match=f"at most {NOTE_MAX_LENGTH} characters"):
            add_note(on_discussion, participant, group=groups[0], text="x" * (NOTE_MAX_LENGTH + 1))
        assert not DiscussionNote.objects.exists()

    def test_markup_is_kept_as_text(self, on_discussion, groups, participant):
        note = add_note(on_discussion, participant, group=groups[0], text="<b>fet</b>")
        assert note.text == "<b>fet</b>"

    def test_one_person_cannot_flood_the_list(self, on_discussion, groups, participant):
        for number in range(MAX_NOTES_PER_PERSON):
            add_note(on_discussion, participant, group=groups[0], text=f"Idé {number}")
        with pytest.raises(services.ActionRefused, match=f"at most {MAX_NOTES_PER_PERSON} notes"):
            add_note(on_discussion, participant, group=groups[0], text="En till")

    def test_a_step_that_is_not_on_screen_is_refused(
        self, live_round, on_discussion, groups, participant, dilemma, facilitator
    ):
        services.go_to_step(live_round, dilemma, by=facilitator)
        with pytest.raises(services.ActionRefused, match="moved on"):
            add_note(on_discussion, participant, group=groups[0], text="För sent")

    def test_closed_notes_are_refused(self, on_discussion, groups, participant, facilitator):
        services.lock_voting(on_discussion, by=facilitator)
        with pytest.raises(services.ActionRefused, match="closed notes"):
            add_note(on_discussion, participant, group=groups[0], text="För sent")

    def test_a_paused_round_is_refused(
        self, live_round, on_discussion, groups, participant, facilitator
    ):
        services.pause_round(live_round, by=facilitator)
        with pytest.raises(services.ActionRefused, match="paused"):
            add_note(on_discussion, participant, group=groups[0], text="Paus")

    def test_other_kinds_of_step_take_no_discussion_notes(
        self, live_round, dilemma, groups, participant, facilitator
    ):
        services.go_to_step(live_round, dilemma, by=facilitator)
        with pytest.raises(services.ActionRefused, match="takes no notes"):
            add_note(dilemma, participant, group=groups[0], text="Hej")


class TestChangingNotes:
    def test_the_author_edits_and_deletes_their_note(self, on_discussion, groups, participant):
        note = add_note(on_discussion, participant, group=groups[0], text="Först")
        edit_note(note, participant, text="Sedan")
        note.refresh_from_db()
        assert note.text == "Sedan"
        assert Event.objects.get(kind="discussion.note_edited").payload["previous"] == "Först"
        delete_note(note, participant)
        note.refresh_from_db()
        assert note.deleted
        assert notes_by_group(on_discussion) == {}
        assert Event.objects.filter(kind="discussion.note_deleted").count() == 1

    def test_nobody_else_can_edit_or_delete_it(
        self, on_discussion, groups, participant, other_participant
    ):
        note = add_note(on_discussion, participant, group=groups[0], text="Min")
        with pytest.raises(services.ActionRefused, match="your own notes"):
            edit_note(note, other_participant, text="Din")
        with pytest.raises(services.ActionRefused, match="your own notes"):
            delete_note(note, other_participant)
        note.refresh_from_db()
        assert note.text == "Min" and not note.deleted

    def test_an_edit_to_empty_is_refused_and_keeps_the_note(
        self, on_discussion, groups, participant
    ):
        note = add_note(on_discussion, participant, group=groups[0], text="Behåll")
        with pytest.raises(services.ActionRefused, match="Write something"):
            edit_note(note, participant, text=" ")
        note.refresh_from_db()
        assert note.text == "Behåll"

    def test_a_deleted_note_cannot_be_edited(self, on_discussion, groups, participant):
        note = add_note(on_discussion, participant, group=groups[0], text="Borta")
        delete_note(note, participant)
        with pytest.raises(services.ActionRefused, match="deleted"):
            edit_note(note, participant, text="Tillbaka")


class TestFacilitator:
    def test_the_report_back_is_switched_on_and_off_with_events(self, on_discussion, facilitator):
        set_report_back(on_discussion, True, by=facilitator)
        on_discussion.refresh_from_db()
        assert on_discussion.settings["report_back"] is True
        set_report_back(on_discussion, True, by=facilitator)
        set_report_back(on_discussion, False, by=facilitator)
        assert [e.payload["on"] for e in Event.objects.filter(kind="discussion.report_back")] == [
            True,
            False,
        ]

    def test_only_a_discussion_has_a_report_back(self, dilemma, facilitator):
        with pytest.raises(services.ActionRefused, match="Only discussions"):
            set_report_back(dilemma, True, by=facilitator)

    def test_a_note_becomes_a_proposed_clause_once(
        self, on_discussion, groups, participant, facilitator
    ):
        from facilitation.deliberation.models import Clause

        note = add_note(on_discussion, participant, group=groups[0], text="Svara inom ett dygn")
        before = Clause.objects.count()
        clause = propose_note_as_clause(note, by=facilitator)
        assert clause.status == Clause.Status.PROPOSED and clause.text == "Svara inom ett dygn"
        assert clause.motivated_by_step == on_discussion and clause.proposed_by_facilitator
        assert groups[0].name in clause.rationale
        note.refresh_from_db()
        assert note.clause == clause
        event = Event.objects.get(kind="discussion.note_proposed")
        assert event.payload["note"] == note.pk and event.payload["clause"] == clause.pk
        with pytest.raises(services.ActionRefused, match="already a proposed clause"):
            propose_note_as_clause(note, by=facilitator)
        assert Clause.objects.count() == before + 1

    def test_a_deleted_note_cannot_become_a_clause(
        self, on_discussion, groups, participant, facilitator
    ):
        from facilitation.deliberation.models import Clause

        note = add_note(on_discussion, participant, group=groups[0], text="Svara inom ett dygn")
        delete_note(note, participant)
        before = Clause.objects.count()
        with pytest.raises(services.ActionRefused, match="deleted"):
            propose_note_as_clause(note, by=facilitator)
        assert Clause.objects.count() == before
