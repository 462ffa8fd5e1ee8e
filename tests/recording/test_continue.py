"""A page opened while a recording runs takes it up: the same recording, from its next chunk,
its WebM audio joined into one stream; a page closed mid-recording loses only what it had not
sent."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from facilitation.recording import services, webm
from facilitation.recording.models import Recording
from facilitation.workshops import services as rounds
from facilitation.workshops.models import Event
from facilitation.workshops.services import ActionRefused

UNKNOWN_SIZE = b"\x01\xff\xff\xff\xff\xff\xff\xff"


def element(element_id, payload):
    size = len(payload)
    length = bytes([0x80 | size]) if size < 127 else bytes([0x40 | size >> 8, size & 0xFF])
    return element_id + length + payload


def stream(timecodes, block=b"\x81\x00\x00\x80" + b"opus" * 8):
    """A WebM stream as MediaRecorder writes it: header, segment and clusters of unknown size,
    one block of audio per cluster."""
    data = element(b"\x1a\x45\xdf\xa3", b"\x42\x86\x81\x01\x42\x82\x84webm")
    data += b"\x18\x53\x80\x67" + UNKNOWN_SIZE
    data += element(b"\x15\x49\xa9\x66", b"\x2a\xd7\xb1\x83\x0f\x42\x40")
    data += element(b"\x16\x54\xae\x6b", element(b"\xae", b"\x86\x86A_OPUS"))
    for timecode in timecodes:
        data += b"\x1f\x43\xb6\x75" + UNKNOWN_SIZE
        data += element(b"\xe7", timecode.to_bytes(max(1, (timecode.bit_length() + 7) // 8)))
        data += element(b"\xa3", block)
    return data


def timecodes(data):
    """The clusters' time codes of a stream, read back."""
    found, i = [], 0
    while i < len(data):
        element_id, size, length = webm.element_header(data, i)
        if element_id == webm.TIMECODE:
            found.append(int.from_bytes(data[i + length : i + length + size], "big"))
        i += length + (0 if element_id in (webm.SEGMENT, webm.CLUSTER) else size)
    return found


class TestJoiningWebm:
    def test_the_header_is_left_out_and_the_clock_goes_on(self):
        out, state = webm.restamp(stream([0, 1000, 250_000]), webm.new_state(90_000))
        assert out.startswith(b"\x1f\x43\xb6\x75")
        assert b"webm" not in out and b"A_OPUS" not in out
        assert timecodes(out) == [90_000, 91_000, 340_000]
        assert state["pending"] == ""

    def test_pieces_cut_anywhere_give_the_same_bytes(self):
        data = stream([0, 300, 70_000])
        whole, _state = webm.restamp(data, webm.new_state(5000))
        for cut in range(1, len(data)):
            first, state = webm.restamp(data[:cut], webm.new_state(5000))
            second, state = webm.restamp(data[cut:], state)
            assert first + second == whole, cut

    def test_the_first_stream_and_a_joined_one_make_one_stream_with_one_clock(self):
        first = stream([0, 1000])
        joined, _state = webm.restamp(stream([0, 1000]), webm.new_state(2000))
        assert timecodes(first + joined) == [0, 1000, 2000, 3000]
        assert (first + joined).count(b"\x1a\x45\xdf\xa3") == 1

    def test_what_is_not_webm_is_refused(self):
        with pytest.raises(ValueError):
            webm.restamp(b"\x00" * 40, webm.new_state(0))


@pytest.fixture
def three_chunks(recording, facilitator):
    """A page sent chunks 0, 1 and 2, then closed while chunk 3 was on its way."""
    data = stream([0, 4000, 8000, 12000])
    cut = [0, data.index(b"\x1f\x43\xb6\x75", 100), len(data) - 30, len(data)]
    for sequence, (start, end) in enumerate(zip(cut, cut[1:], strict=False)):
        services.store_chunk(recording, by=facilitator, sequence=sequence, data=data[start:end])
    recording.refresh_from_db()
    recording.first_stream = data
    return recording


class TestTakingItUp:
    def test_a_closed_page_loses_only_the_chunk_it_had_not_sent(self, three_chunks):
        assert b"".join(services.read_audio(three_chunks)) == three_chunks.first_stream
        assert three_chunks.chunks.count() == 3

    def test_a_new_page_goes_on_from_the_next_number_in_a_new_segment(
        self, three_chunks, facilitator
    ):
        recording = services.continue_recording(
            three_chunks, by=facilitator, mime_type="audio/webm;codecs=opus"
        )
        assert recording.pk == three_chunks.pk
        assert recording.segment == 1
        event = Event.objects.get(kind="recording.continued")
        assert event.payload["sequence"] == 3
        assert event.payload["segment"] == 1
        services.store_chunk(
            recording, by=facilitator, sequence=3, segment=1, data=stream([0, 4000])
        )
        audio = b"".join(services.read_audio(recording))
        assert audio.startswith(three_chunks.first_stream)
        assert audio.count(b"\x1a\x45\xdf\xa3") == 1
        clock = timecodes(audio)
        assert clock[:4] == [0, 4000, 8000, 12000]
        # The new page's clock starts where the audio so far ends (the gap is a pause).
        assert clock[4] == recording.joining["shift_ms"] and clock[5] == clock[4] + 4000

    def test_the_old_page_is_refused_once_a_new_one_took_over(self, three_chunks, facilitator):
        services.continue_recording(three_chunks, by=facilitator, mime_type="audio/webm")
        with pytest.raises(ActionRefused, match="taken up by another page"):
            services.store_chunk(three_chunks, by=facilitator, sequence=3, data=b"late")
        assert three_chunks.chunks.count() == 3

    def test_the_new_pages_first_chunk_must_be_audio(self, three_chunks, facilitator):
        services.continue_recording(three_chunks, by=facilitator, mime_type="audio/webm")
        with pytest.raises(ActionRefused, match="not audio/webm"):
            services.store_chunk(
                three_chunks, by=facilitator, sequence=3, segment=1, data=b"<html>"
            )
        assert three_chunks.chunks.count() == 3

    def test_the_gap_is_left_out_of_the_clock(self, three_chunks, facilitator, live_round):
        recording = services.continue_recording(
            three_chunks, by=facilitator, mime_type="audio/webm"
        )
        start = recording.started_at
        at = lambda seconds: start + timedelta(seconds=seconds)  # noqa: E731
        # The last chunk arrived at 0:20, the new page took over at 0:50.
        event = Event.objects.get(kind="recording.continued")
        Event.objects.filter(pk=event.pk).update(
            payload={**event.payload, "gap_from": at(20).isoformat()}, created_at=at(50)
        )
        spans = services.pauses(recording)
        assert spans == [(at(20), at(50))]
        assert services.offset_of(recording, at(60), spans) == 30.0

    def test_a_paused_recording_taken_up_counts_its_pause_once(self, three_chunks, facilitator):
        paused_at = services.pause_recording(three_chunks, by=facilitator).paused_at
        recording = services.continue_recording(
            three_chunks, by=facilitator, mime_type="audio/webm"
        )
        assert recording.status == Recording.Status.RECORDING
        assert len(services.pauses(recording)) == 1
        continued = Event.objects.get(kind="recording.continued").payload
        # The gap is the pause itself, counted once.
        assert continued["gap_from"] == paused_at.isoformat()
        assert recording.paused_seconds == pytest.approx(continued["gap_seconds"], abs=1e-3)

    def test_another_format_or_a_stopped_recording_cannot_be_taken_up(
        self, three_chunks, facilitator
    ):
        with pytest.raises(ActionRefused, match="audio/webm audio") as refusal:
            services.continue_recording(three_chunks, by=facilitator, mime_type="audio/ogg")
        assert refusal.value.status == 400
        services.stop_recording(three_chunks, by=facilitator)
        with pytest.raises(ActionRefused, match="stopped"):
            services.continue_recording(three_chunks, by=facilitator, mime_type="audio/webm")
        assert not Event.objects.filter(kind="recording.continued").exists()

    def test_only_a_facilitator_takes_it_up(self, three_chunks, researcher):
        with pytest.raises(ActionRefused) as refusal:
            services.continue_recording(three_chunks, by=researcher, mime_type="audio/webm")
        assert refusal.value.status == 403

    def test_a_recording_that_had_no_audio_yet_starts_its_stream_afresh(
        self, recording, facilitator
    ):
        recording = services.continue_recording(recording, by=facilitator, mime_type="audio/webm")
        assert recording.joining == {}
        services.store_chunk(recording, by=facilitator, sequence=0, segment=1, data=stream([0]))
        assert b"".join(services.read_audio(recording)) == stream([0])


class TestTheConsolePage:
    def test_a_reload_offers_to_continue_and_the_answer_says_the_next_number(
        self, console, three_chunks
    ):
        page = console.get(reverse("console-round", args=[three_chunks.round_id])).content
        assert f'data-running="{three_chunks.pk}"'.encode() in page
        assert b'data-running-type="audio/webm"' in page
        assert b'data-record="continue"' in page
        url = reverse(
            "console-recording-action", args=[three_chunks.round_id, three_chunks.pk, "continue"]
        )
        answer = console.post(url, {"mime_type": "audio/webm;codecs=opus"})
        assert answer.status_code == 200
        assert answer.json()["next_sequence"] == 3
        assert answer.json()["segment"] == 1
        stale = console.post(
            reverse("console-recording-chunks", args=[three_chunks.round_id, three_chunks.pk]),
            {"sequence": 3, "segment": 0, "chunk": _file(b"late")},
        )
        assert stale.status_code == 409
        assert "another page" in stale.json()["error"]


def _file(data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("chunk", data, "audio/webm")


class TestStorageQuota:
    def test_past_the_total_for_every_recording_the_server_says_it_is_full(
        self, console, recording, facilitator, settings
    ):
        from .conftest import WEBM

        services.store_chunk(recording, by=facilitator, sequence=0, data=WEBM)
        settings.RECORDING_TOTAL_MAX_BYTES = len(WEBM) + 2
        other = services.start_recording(recording.round, by=facilitator, mime_type="audio/webm")
        url = reverse("console-recording-chunks", args=[other.round_id, other.pk])
        answer = console.post(url, {"sequence": 0, "chunk": _file(WEBM)})
        assert answer.status_code == 507
        assert "space for recordings is full" in answer.json()["error"]
        assert not other.chunks.exists()
        assert sorted(default_storage.listdir(f"recordings/{other.round_id}")[0]) == [
            str(recording.pk)
        ]

    def test_a_round_closed_meanwhile_stops_nothing_it_should_not(
        self, three_chunks, facilitator, live_round
    ):
        rounds.close_round(live_round, by=facilitator)
        with pytest.raises(ActionRefused):
            services.continue_recording(three_chunks, by=facilitator, mime_type="audio/webm")


def test_every_acknowledged_chunk_is_kept_when_the_page_closes_and_the_next_page_goes_on(
    console, recording
):
    """The view's contract: a chunk answered 201 is stored; a page closed after its third
    chunk (the fourth never sent) leaves those three, and the next page goes on from the
    fourth: at most the chunk that was not sent is lost."""
    data = stream([0, 4000, 8000, 12000])
    pieces = [data[:60], data[60:120], data[120:]]
    url = reverse("console-recording-chunks", args=[recording.round_id, recording.pk])
    sizes = []
    for sequence, piece in enumerate(pieces):
        answer = console.post(url, {"sequence": sequence, "segment": 0, "chunk": _file(piece)})
        assert answer.status_code == 201
        sizes.append(answer.json()["byte_size"])
    assert sizes == [60, 120, len(data)]
    # The page closes here. Everything it was told was stored is there, in order.
    assert b"".join(services.read_audio(recording)) == data
    # As if those 12 s of audio had taken 20 s of the room's time (the page closed 8 s later).
    Recording.objects.filter(pk=recording.pk).update(
        started_at=recording.started_at - timedelta(seconds=20)
    )
    continued = console.post(
        reverse("console-recording-action", args=[recording.round_id, recording.pk, "continue"]),
        {"mime_type": "audio/webm;codecs=opus"},
    ).json()
    assert continued["next_sequence"] == len(pieces)
    answer = console.post(
        url,
        {"sequence": len(pieces), "segment": continued["segment"], "chunk": _file(stream([0]))},
    )
    assert answer.status_code == 201
    clock = timecodes(b"".join(services.read_audio(recording)))
    assert clock[:4] == [0, 4000, 8000, 12000]
    assert clock[4] >= 20000
