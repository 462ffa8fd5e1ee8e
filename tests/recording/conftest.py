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
