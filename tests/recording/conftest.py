import pytest

from facilitation.recording.services import start_recording

# The first bytes of a WebM file (its EBML header), then some stand-in audio.
WEBM = b"\x1a\x45\xdf\xa3" + b"\x00" * 60


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Every test stores its audio in a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def recorded(workshop):
    workshop.consent_text = "We record the room's audio for the research."
    workshop.recorded = True
    workshop.save(update_fields=["consent_text", "recorded"])
    return workshop


@pytest.fixture
def recording(recorded, live_round, facilitator):
    return start_recording(live_round, by=facilitator, mime_type="audio/webm;codecs=opus")


@pytest.fixture
def agenda_recording(recording, live_round, facilitator, researcher):
    """A stopped recording of a minute, with two chunks of audio: the lobby until 0:10, the
    first step until 0:30 (a field note at 0:15), the first dilemma until the stop at 1:00.
    The moments are placed by hand, so that offsets do not depend on how fast tests run."""
    from datetime import timedelta

    from facilitation.fieldnotes.models import FieldNote
    from facilitation.fieldnotes.services import write_field_note
    from facilitation.recording.models import Recording
    from facilitation.recording.services import stop_recording, store_chunk
    from facilitation.workshops import services
    from facilitation.workshops.models import Event, Step

    first = live_round.steps.order_by("position").first()
    dilemma = live_round.steps.filter(kind=Step.Kind.DILEMMA).order_by("position").first()
    assert first != dilemma
    store_chunk(recording, by=facilitator, sequence=0, data=WEBM)
    store_chunk(recording, by=facilitator, sequence=1, data=b"more audio")
    services.go_to_step(live_round, first, by=facilitator)
    note = write_field_note(live_round, by=researcher, text="The room laughs at the example.")
    services.go_to_step(live_round, dilemma, by=facilitator)
    stop_recording(recording, by=facilitator)
    start = recording.started_at
    at = lambda seconds: start + timedelta(seconds=seconds)  # noqa: E731
    Event.objects.filter(kind="step.shown", step=first).update(created_at=at(10))
    Event.objects.filter(kind="step.shown", step=dilemma).update(created_at=at(30))
    Event.objects.filter(kind="recording.stopped").update(created_at=at(60))
    FieldNote.objects.filter(pk=note.pk).update(created_at=at(15))
    Recording.objects.filter(pk=recording.pk).update(stopped_at=at(60))
    recording.refresh_from_db()
    recording.first_step, recording.dilemma, recording.note = first, dilemma, note
    return recording
