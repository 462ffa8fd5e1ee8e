"""Writing, editing and deleting field notes: the rules, the record, and refusals."""

import pytest
from django.contrib.auth import get_user_model

from facilitation.deliberation.models import Code
from facilitation.deliberation.sample_activity import add_sample_round
from facilitation.fieldnotes.models import FieldNote
from facilitation.fieldnotes.services import (
    TEXT_MAX_LENGTH,
    delete_field_note,
    edit_field_note,
    listed_notes,
    observer_names,
    write_field_note,
)
from facilitation.workshops.authoring import create_workshop
from facilitation.workshops.groups import split_into_groups
from facilitation.workshops.models import Event
from facilitation.workshops.participants import withdraw
from facilitation.workshops.services import ActionRefused

pytestmark = pytest.mark.django_db


class TestWriting:
    def test_it_ties_the_note_to_the_step_on_screen_and_records_it(
        self, finding_round, researcher, participant
    ):
        code = Code.objects.filter(workshop=finding_round.workshop).first()
        note = write_field_note(
            finding_round,
            by=researcher,
            text="  Quiet table.\r\nThen P01 spoke.  ",
            participant_id=str(participant.pk),
            code_ids=[str(code.pk)],
        )
        assert note.step_id == finding_round.current_step_id
        assert note.text == "Quiet table.\nThen P01 spoke."
        assert note.participant == participant
        assert list(note.codes.all()) == [code]
        event = Event.objects.get(kind="fieldnote.written")
        assert event.user == researcher
        assert event.step_id == note.step_id
        assert event.payload == {
            "field_note": note.pk,
            "text": note.text,
            "about": participant.pk,
            "group": None,
            "codes": [code.name],
        }

    def test_a_note_in_the_lobby_has_no_step(self, live_round, facilitator):
        note = write_field_note(live_round, by=facilitator, text="People arrive late.")
        assert note.step is None

    def test_a_facilitator_and_a_co_facilitator_may_write(
        self, finding_round, facilitator, co_facilitator
    ):
        write_field_note(finding_round, by=facilitator, text="One")
        write_field_note(finding_round, by=co_facilitator, text="Two")
        assert FieldNote.objects.count() == 2

    def test_a_note_can_be_about_a_group(self, finding_round, facilitator, participant):
        split_into_groups(finding_round, method="random", count=1, by=facilitator)
        group = finding_round.groups.get()
        note = write_field_note(finding_round, by=facilitator, text="Loud", group_id=group.pk)
        assert note.group == group
        assert Event.objects.get(kind="fieldnote.written").payload["group"] == 1

    @pytest.mark.parametrize("text", ["", "   ", "\r\n\n", None])
    def test_an_empty_note_is_refused(self, finding_round, researcher, text):
        with pytest.raises(ActionRefused, match="Write something"):
            write_field_note(finding_round, by=researcher, text=text)
        assert not FieldNote.objects.exists()

    def test_a_note_too_long_is_refused_saying_the_limit(self, finding_round, researcher):
        write_field_note(finding_round, by=researcher, text="x" * TEXT_MAX_LENGTH)
        with pytest.raises(ActionRefused, match=f"at most {TEXT_MAX_LENGTH}.*2001"):
            write_field_note(finding_round, by=researcher, text="x" * (TEXT_MAX_LENGTH + 1))
        assert FieldNote.objects.count() == 1

    def test_someone_else_may_not_write(self, finding_round, stranger):
        with pytest.raises(ActionRefused) as refused:
            write_field_note(finding_round, by=stranger, text="Hello")
        assert refused.value.status == 403
        assert not FieldNote.objects.exists()

    def test_a_researcher_of_another_workshop_may_not_write(self, finding_round, researcher):
        other = create_workshop(title="Other", by=researcher)
        other.researchers.add(researcher)
        finding_round.workshop.researchers.remove(researcher)
        with pytest.raises(ActionRefused):
            write_field_note(finding_round, by=researcher, text="Hello")

    def test_a_draft_round_takes_no_notes(self, draft_round, facilitator):
        with pytest.raises(ActionRefused, match="not running"):
            write_field_note(draft_round, by=facilitator, text="Too early")
        assert not Event.objects.filter(kind__startswith="fieldnote.").exists()

    @pytest.mark.parametrize("bad", ["abc", "-1", "0", "99999999", str(2**70), "1.5"])
    def test_an_unknown_participant_is_refused(self, finding_round, researcher, bad):
        with pytest.raises(ActionRefused, match="participant is not in this round"):
            write_field_note(finding_round, by=researcher, text="x", participant_id=bad)
        assert not FieldNote.objects.exists()

    def test_a_participant_of_another_round_is_refused(
        self, finding_round, researcher, facilitator
    ):
        played, _ = add_sample_round(finding_round.workshop, facilitator=facilitator)
        elsewhere = played.attendances.first().participant
        with pytest.raises(ActionRefused, match="participant is not in this round"):
            write_field_note(finding_round, by=researcher, text="x", participant_id=elsewhere.pk)

    def test_a_withdrawn_participant_cannot_be_named_in_a_new_note(
        self, finding_round, researcher, participant
    ):
        withdraw(participant)
        with pytest.raises(ActionRefused, match="P01 has withdrawn"):
            write_field_note(finding_round, by=researcher, text="x", participant_id=participant.pk)

    @pytest.mark.parametrize("bad", ["x", "0", "424242"])
    def test_an_unknown_group_is_refused(self, finding_round, researcher, bad):
        with pytest.raises(ActionRefused, match="group is not in this round"):
            write_field_note(finding_round, by=researcher, text="x", group_id=bad)

    def test_a_group_of_another_round_is_refused(self, finding_round, researcher, facilitator):
        played, _ = add_sample_round(finding_round.workshop, facilitator=facilitator)
        group = played.groups.first()
        with pytest.raises(ActionRefused, match="group is not in this round"):
            write_field_note(finding_round, by=researcher, text="x", group_id=group.pk)

    def test_a_code_of_another_workshop_is_refused(self, finding_round, researcher):
        other = create_workshop(title="Other", by=researcher)
        foreign = Code.objects.create(workshop=other, name="Foreign")
        with pytest.raises(ActionRefused, match="not in this workshop's codebook"):
            write_field_note(finding_round, by=researcher, text="x", code_ids=[foreign.pk])
        with pytest.raises(ActionRefused, match="not in this workshop's codebook"):
            write_field_note(finding_round, by=researcher, text="x", code_ids=["nope"])
        assert not FieldNote.objects.exists()


class TestEditingAndDeleting:
    def test_the_author_edits_and_the_previous_text_is_kept(self, note, researcher):
        edit_field_note(note, by=researcher, text="P01 leads, P02 quiet.")
        note.refresh_from_db()
        assert note.text == "P01 leads, P02 quiet."
        assert note.participant is None  # not given again: the link is dropped
        event = Event.objects.get(kind="fieldnote.edited")
        assert event.payload["previous"] == "P01 leads the table."

    def test_an_edit_may_keep_a_participant_who_withdrew_since(self, note, researcher, participant):
        withdraw(participant)
        edit_field_note(note, by=researcher, text="Again", participant_id=participant.pk)
        note.refresh_from_db()
        assert note.participant == participant

    def test_only_the_author_edits_or_deletes(self, note, facilitator):
        with pytest.raises(ActionRefused, match="your own field notes"):
            edit_field_note(note, by=facilitator, text="Mine now")
        with pytest.raises(ActionRefused, match="your own field notes"):
            delete_field_note(note, by=facilitator)
        note.refresh_from_db()
        assert note.text == "P01 leads the table." and not note.deleted

    def test_a_bad_edit_loses_nothing(self, note, researcher):
        with pytest.raises(ActionRefused):
            edit_field_note(note, by=researcher, text=" ")
        note.refresh_from_db()
        assert note.text == "P01 leads the table."
        assert not Event.objects.filter(kind="fieldnote.edited").exists()

    def test_deleting_keeps_the_record_and_leaves_the_list(self, note, researcher):
        delete_field_note(note, by=researcher)
        note.refresh_from_db()
        assert note.deleted
        assert list(listed_notes(note.round)) == []
        assert Event.objects.filter(kind="fieldnote.deleted").count() == 1
        with pytest.raises(ActionRefused, match="deleted"):
            delete_field_note(note, by=researcher)

    def test_a_researcher_removed_from_the_workshop_can_no_longer_edit(self, note, researcher):
        note.round.workshop.researchers.remove(researcher)
        with pytest.raises(ActionRefused):
            edit_field_note(note, by=researcher, text="Still me")


class TestReading:
    def test_observers_are_numbered_by_their_first_note(self, finding_round, researcher):
        facilitator = get_user_model().objects.get(username="facilitator")
        write_field_note(finding_round, by=researcher, text="a")
        write_field_note(finding_round, by=facilitator, text="b")
        write_field_note(finding_round, by=researcher, text="c")
        assert observer_names(finding_round.workshop) == {researcher.pk: "O1", facilitator.pk: "O2"}

    def test_the_list_is_newest_first(self, finding_round, researcher):
        for text in ("first", "second"):
            write_field_note(finding_round, by=researcher, text=text)
        assert [n.text for n in listed_notes(finding_round)] == ["second", "first"]


class TestSampleRound:
    @pytest.mark.parametrize("language", ["en", "sv"])
    def test_the_played_round_has_the_facilitators_observations(self, facilitator, language):
        from facilitation.deliberation.demo import load_demo_workshop
        from facilitation.fieldnotes.sample_activity import SAMPLE_FIELD_NOTES

        workshop, _ = load_demo_workshop(language, facilitators=[facilitator])
        played, _ = add_sample_round(workshop, language=language, facilitator=facilitator)
        notes = list(played.field_notes.select_related("step").prefetch_related("codes"))
        kinds = {step.kind for step in played.steps.all()} & set(SAMPLE_FIELD_NOTES[language])
        assert sorted(note.step.kind for note in notes) == sorted(kinds)
        assert {note.text for note in notes} == {SAMPLE_FIELD_NOTES[language][k] for k in kinds}
        assert all(note.author == facilitator for note in notes)
        assert any(note.participant_id for note in notes)
        assert any(note.codes.exists() for note in notes)
        assert Event.objects.filter(round=played, kind="fieldnote.written").count() == len(notes)

    def test_a_round_played_without_a_facilitator_has_none(self, workshop):
        played, _ = add_sample_round(workshop, facilitator=None)
        assert not played.field_notes.exists()
