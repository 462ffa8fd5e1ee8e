from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from facilitation.recording import services
from facilitation.recording.models import Recording, RecordingChunk
from facilitation.workshops import services as rounds
from facilitation.workshops.models import Event, Step
from facilitation.workshops.participants import configure_participation
from facilitation.workshops.services import ActionRefused

from .conftest import WEBM


class TestConsent:
    def test_recording_cannot_be_turned_on_without_a_consent_text(self, workshop, facilitator):
        with pytest.raises(ActionRefused, match="needs a consent text"):
            configure_participation(
                workshop,
                attributes="",
                consent_text="  ",
                on_withdrawal="remove",
                recorded=True,
                by=facilitator,
            )
        workshop.refresh_from_db()
        assert workshop.recorded is False

    def test_with_a_consent_text_it_is_turned_on_and_recorded_in_the_log(
        self, workshop, facilitator
    ):
        configure_participation(
            workshop,
            attributes="",
            consent_text="The room is recorded.",
            on_withdrawal="remove",
            recorded=True,
            by=facilitator,
        )
        workshop.refresh_from_db()
        assert workshop.recorded is True
        event = Event.objects.filter(kind="workshop.participation_configured").last()
        assert event.payload["recorded"] is True

    def test_clearing_the_consent_text_of_a_recorded_workshop_is_refused(
        self, recorded, facilitator
    ):
        with pytest.raises(ActionRefused):
            configure_participation(
                recorded, attributes="", consent_text="", on_withdrawal="remove", by=facilitator
            )
        recorded.refresh_from_db()
        assert recorded.consent_text

    def test_a_workshop_not_set_to_be_recorded_cannot_be_recorded(self, live_round, facilitator):
        with pytest.raises(ActionRefused, match="not set to be recorded"):
            services.start_recording(live_round, by=facilitator, mime_type="audio/webm")
        assert not Recording.objects.exists()


class TestLifecycle:
    def test_start_pause_resume_stop_each_record_their_event(self, recording, facilitator):
        services.pause_recording(recording, by=facilitator)
        services.resume_recording(recording, by=facilitator)
        recording = services.stop_recording(recording, by=facilitator)
        kinds = list(
            Event.objects.filter(kind__startswith="recording.").values_list("kind", flat=True)
        )
        assert kinds == [
            "recording.started",
            "recording.paused",
            "recording.resumed",
            "recording.stopped",
        ]
        assert recording.status == Recording.Status.STOPPED
        assert recording.stopped_at is not None
        assert recording.mime_type == "audio/webm"

    def test_a_stopped_recording_cannot_be_resumed_or_paused(self, recording, facilitator):
        services.stop_recording(recording, by=facilitator)
        for change in (services.pause_recording, services.resume_recording):
            with pytest.raises(ActionRefused, match="stopped"):
                change(recording, by=facilitator)

    def test_several_recordings_per_round_are_allowed(self, recording, live_round, facilitator):
        services.start_recording(live_round, by=facilitator, mime_type="audio/ogg")
        assert live_round.recordings.count() == 2

    def test_only_facilitators_record(self, recorded, live_round, researcher):
        with pytest.raises(ActionRefused) as refusal:
            services.start_recording(live_round, by=researcher, mime_type="audio/webm")
        assert refusal.value.status == 403

    def test_a_round_that_is_not_running_is_not_recorded(self, recorded, draft_round, facilitator):
        with pytest.raises(ActionRefused, match="not running"):
            services.start_recording(draft_round, by=facilitator, mime_type="audio/webm")

    @pytest.mark.parametrize("mime_type", ["", "video/webm", "audio/mpeg", "audio/webm;codecs=vp8"])
    def test_anything_but_opus_in_webm_or_ogg_is_refused(
        self, recorded, live_round, facilitator, mime_type
    ):
        with pytest.raises(ActionRefused) as refusal:
            services.start_recording(live_round, by=facilitator, mime_type=mime_type)
        assert refusal.value.status == 400


class TestChunks:
    def test_chunks_are_stored_in_order_and_the_audio_is_them_concatenated(
        self, recording, facilitator
    ):
        services.store_chunk(recording, by=facilitator, sequence=0, data=WEBM)
        services.store_chunk(recording, by=facilitator, sequence="1", data=b"second")
        recording.refresh_from_db()
        assert recording.byte_size == len(WEBM) + len(b"second")
        assert b"".join(services.read_audio(recording)) == WEBM + b"second"
        assert b"".join(services.read_audio(recording, 2, len(WEBM) + 1)) == WEBM[2:] + b"se"
        for chunk in recording.chunks.all():
            assert default_storage.exists(chunk.name)

    def test_a_repeated_sequence_number_is_not_stored_again(self, recording, facilitator):
        first, stored = services.store_chunk(recording, by=facilitator, sequence=0, data=WEBM)
        again, stored_again = services.store_chunk(recording, by=facilitator, sequence=0, data=WEBM)
        assert (stored, stored_again) == (True, False)
        assert again.pk == first.pk
        recording.refresh_from_db()
        assert recording.byte_size == len(WEBM)

    def test_a_skipped_number_is_refused_and_nothing_is_stored(self, recording, facilitator):
        with pytest.raises(ActionRefused, match="chunk 0 is next"):
            services.store_chunk(recording, by=facilitator, sequence=1, data=WEBM)
        assert not RecordingChunk.objects.exists()

    @pytest.mark.parametrize("sequence", [None, "", "x", -1, "1e9999"])
    def test_a_missing_or_bad_number_is_refused(self, recording, facilitator, sequence):
        with pytest.raises(ActionRefused) as refusal:
            services.store_chunk(recording, by=facilitator, sequence=sequence, data=WEBM)
        assert refusal.value.status == 400

    def test_a_first_chunk_that_is_not_webm_is_refused(self, recording, facilitator):
        with pytest.raises(ActionRefused, match="not audio/webm"):
            services.store_chunk(recording, by=facilitator, sequence=0, data=b"<html>hello")
        assert not RecordingChunk.objects.exists()

    def test_audio_over_the_limit_is_refused_with_413(self, recording, facilitator, settings):
        settings.RECORDING_MAX_BYTES = len(WEBM) + 3
        services.store_chunk(recording, by=facilitator, sequence=0, data=WEBM)
        with pytest.raises(ActionRefused, match="size limit") as refusal:
            services.store_chunk(recording, by=facilitator, sequence=1, data=b"four")
        assert refusal.value.status == 413
        assert recording.chunks.count() == 1

    def test_a_stopped_recording_takes_no_more_audio(self, recording, facilitator):
        services.stop_recording(recording, by=facilitator)
        with pytest.raises(ActionRefused, match="stopped"):
            services.store_chunk(recording, by=facilitator, sequence=0, data=WEBM)

    def test_a_closed_round_takes_no_more_audio(self, recording, live_round, facilitator):
        rounds.close_round(live_round, by=facilitator)
        with pytest.raises(ActionRefused, match="closed"):
            services.store_chunk(recording, by=facilitator, sequence=0, data=WEBM)


class TestChapters:
    def test_the_rounds_events_fall_on_the_recordings_clock_less_its_pauses(
        self, recording, live_round, facilitator
    ):
        dilemma = live_round.steps.filter(kind=Step.Kind.DILEMMA).order_by("position").first()
        start = recording.started_at
        rounds.go_to_step(live_round, dilemma, by=facilitator)
        services.pause_recording(recording, by=facilitator)
        services.resume_recording(recording, by=facilitator)
        services.stop_recording(recording, by=facilitator)
        # Place the moments by hand, so the offsets do not depend on how fast the test runs.
        moments = {
            "step.shown": start + timedelta(seconds=10),
            "recording.paused": start + timedelta(seconds=20),
            "recording.resumed": start + timedelta(seconds=50),
        }
        for kind, moment in moments.items():
            Event.objects.filter(kind=kind, round=live_round).update(created_at=moment)
        Recording.objects.filter(pk=recording.pk).update(stopped_at=start + timedelta(seconds=100))
        recording.refresh_from_db()
        chapters = services.chapters(recording)
        shown = [(offset, e) for offset, e in chapters if e.kind == "step.shown"]
        assert shown == [(10.0, shown[0][1])]
        assert shown[0][1].step == dilemma
        spans = services.pauses(recording)
        assert services.offset_of(recording, start + timedelta(seconds=60), spans) == 30.0
        # A moment during the pause falls where the audio resumes.
        assert services.offset_of(recording, start + timedelta(seconds=30), spans) == 20.0

    def test_events_before_the_start_are_not_chapters(self, recorded, live_round, facilitator):
        recording = services.start_recording(live_round, by=facilitator, mime_type="audio/webm")
        kinds = [event.kind for _, event in services.chapters(recording)]
        assert "round.started" not in kinds


class TestMark:
    def test_the_mark_says_recording_paused_or_nothing(self, recording, live_round, facilitator):
        assert services.recording_state(live_round) == "recording"
        services.pause_recording(recording, by=facilitator)
        assert services.recording_state(live_round) == "paused"
        services.stop_recording(recording, by=facilitator)
        assert services.recording_state(live_round) is None

    def test_a_closed_round_shows_no_mark(self, recording, live_round, facilitator):
        rounds.close_round(live_round, by=facilitator)
        live_round.refresh_from_db()
        assert services.recording_state(live_round) is None


def test_duration_is_start_to_stop_less_the_pauses(recording):
    recording.stopped_at = recording.started_at + timedelta(seconds=90)
    recording.paused_seconds = 30
    assert recording.duration_seconds == 60
    recording.stopped_at = None
    assert recording.duration_seconds is None
    assert timezone.now() >= recording.started_at


class TestCarriedSettings:
    def test_a_template_carries_recorded_and_its_consent_text(self, recorded, facilitator):
        from facilitation.deliberation.workshop_templates import export_workshop, import_template

        data = export_workshop(recorded)
        assert data["recorded"] is True
        copy = import_template(data, by=facilitator)
        assert copy.recorded is True
        assert copy.consent_text == recorded.consent_text

    def test_a_recorded_template_without_a_consent_text_is_refused_whole(self, recorded):
        from facilitation.deliberation.workshop_templates import (
            TemplateRefused,
            export_workshop,
            import_template,
        )
        from facilitation.workshops.models import Workshop

        data = export_workshop(recorded)
        data["consent_text"] = ""
        before = Workshop.objects.count()
        with pytest.raises(TemplateRefused) as refusal:
            import_template(data)
        assert "needs a consent text" in " ".join(refusal.value.problems)
        data["consent_text"], data["recorded"] = "Recorded.", "yes"
        with pytest.raises(TemplateRefused) as refusal:
            import_template(data)
        assert "true or false" in " ".join(refusal.value.problems)
        assert Workshop.objects.count() == before

    def test_an_older_template_without_the_field_is_not_recorded(self, recorded):
        from facilitation.deliberation.workshop_templates import export_workshop, import_template

        data = export_workshop(recorded)
        del data["recorded"]
        assert import_template(data).recorded is False

    def test_a_new_round_from_an_earlier_one_is_recorded_as_its_workshop_is(
        self, recorded, live_round, facilitator
    ):
        from facilitation.deliberation.rounds import new_round_from

        rounds.close_round(live_round, by=facilitator)
        again = new_round_from(live_round, title="June workshop", by=facilitator)
        again = rounds.start_round(again, by=facilitator)
        recording = services.start_recording(again, by=facilitator, mime_type="audio/webm")
        assert recording.round == again
