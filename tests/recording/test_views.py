from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from facilitation.recording.models import Recording, RecordingChunk
from facilitation.recording.services import stop_recording, store_chunk
from facilitation.workshops.models import Event

from .conftest import WEBM


def chunks_url(recording):
    return reverse("console-recording-chunks", args=[recording.round_id, recording.pk])


def upload(client, recording, sequence, data=WEBM):
    return client.post(
        chunks_url(recording),
        {"sequence": sequence, "chunk": SimpleUploadedFile("chunk", data, "audio/webm")},
    )


class TestParticipationPage:
    def test_turning_recording_on_without_consent_text_shows_a_message_and_saves_nothing(
        self, console, workshop
    ):
        response = console.post(
            reverse("console-participation", args=[workshop.pk]),
            {"attributes": "", "consent_text": "", "on_withdrawal": "remove", "recorded": "on"},
        )
        assert response.status_code == 400
        assert "needs a consent text" in response.content.decode()
        workshop.refresh_from_db()
        assert workshop.recorded is False

    def test_with_consent_text_it_is_saved(self, console, workshop):
        response = console.post(
            reverse("console-participation", args=[workshop.pk]),
            {
                "attributes": "",
                "consent_text": "We record the room.",
                "on_withdrawal": "remove",
                "recorded": "on",
            },
        )
        assert response.status_code == 302
        workshop.refresh_from_db()
        assert workshop.recorded is True


class TestJoinFlow:
    def test_the_join_page_says_the_room_is_recorded(self, recorded, live_round, client):
        page = client.get(reverse("phone-round", args=[live_round.join_code]), follow=True)
        assert "This room is recorded." in page.content.decode()

    def test_a_room_that_is_not_recorded_says_nothing_of_it(self, live_round, client):
        page = client.get(reverse("phone-round", args=[live_round.join_code]), follow=True)
        assert "recorded" not in page.content.decode()

    def test_withdrawing_says_what_happens_to_the_recording(self, recorded, participant, phone):
        page = phone.get(
            reverse("phone-withdraw", args=[participant.attendances.get().round.join_code])
        )
        assert "cannot be cut per voice" in page.content.decode()


class TestControls:
    def test_the_console_has_the_recorder_and_its_script_only_when_recorded(
        self, console, live_round, workshop
    ):
        url = reverse("console-round", args=[live_round.pk])
        assert "recording.js" not in console.get(url).content.decode()
        workshop.consent_text, workshop.recorded = "Recorded.", True
        workshop.save()
        page = console.get(url).content.decode()
        assert "recording.js" in page
        assert 'id="recorder"' in page

    def test_start_pause_resume_stop(self, console, recorded, live_round):
        started = console.post(
            reverse("console-start-recording", args=[live_round.pk]),
            {"mime_type": "audio/webm;codecs=opus"},
        )
        assert started.status_code == 201
        data = started.json()
        assert data["chunks_url"] == chunks_url(Recording.objects.get())
        for action, status in (("pause", "paused"), ("resume", "recording"), ("stop", "stopped")):
            url = reverse("console-recording-action", args=[live_round.pk, data["id"], action])
            answer = console.post(url)
            assert answer.status_code == 200
            assert answer.json()["status"] == status

    def test_a_refused_start_answers_its_message(self, console, live_round):
        answer = console.post(
            reverse("console-start-recording", args=[live_round.pk]), {"mime_type": "audio/webm"}
        )
        assert answer.status_code == 409
        assert "not set to be recorded" in answer.json()["error"]

    def test_an_unknown_action_is_not_found(self, console, recording):
        url = reverse("console-recording-action", args=[recording.round_id, recording.pk, "boom"])
        assert console.post(url).status_code == 404


class TestUpload:
    def test_chunks_are_stored_and_a_repeat_is_harmless(self, console, recording):
        first = upload(console, recording, 0)
        assert first.status_code == 201
        again = upload(console, recording, 0)
        assert again.status_code == 200
        assert again.json() == {"sequence": 0, "stored": False, "byte_size": len(WEBM)}
        assert RecordingChunk.objects.count() == 1

    def test_a_skipped_number_gets_409_and_a_message(self, console, recording):
        answer = upload(console, recording, 3)
        assert answer.status_code == 409
        assert "chunk 0 is next" in answer.json()["error"]

    def test_no_file_or_no_number_gets_400(self, console, recording):
        assert console.post(chunks_url(recording), {"sequence": 0}).status_code == 400
        answer = console.post(chunks_url(recording), {"chunk": SimpleUploadedFile("c", WEBM)})
        assert answer.status_code == 400
        assert not RecordingChunk.objects.exists()

    def test_not_audio_is_refused(self, console, recording):
        answer = upload(console, recording, 0, b"MZ\x90\x00 an executable")
        assert answer.status_code == 400
        assert "not audio/webm" in answer.json()["error"]
        assert not RecordingChunk.objects.exists()

    def test_too_large_gets_413_with_the_limit(self, console, recording, settings):
        settings.RECORDING_MAX_BYTES = 10
        answer = upload(console, recording, 0)
        assert answer.status_code == 413
        assert "size limit (10 B)" in answer.json()["error"]
        assert not RecordingChunk.objects.exists()

    def test_another_rounds_recording_id_is_not_found(
        self, console, recording, workshop, facilitator
    ):
        from facilitation.workshops import services

        other = services.start_round(services.create_round(workshop, title="B"), by=facilitator)
        url = reverse("console-recording-chunks", args=[other.pk, recording.pk])
        response = console.post(url, {"sequence": 0, "chunk": SimpleUploadedFile("c", WEBM)})
        assert response.status_code == 404
        assert not RecordingChunk.objects.exists()

    def test_a_stopped_recording_refuses_chunks(self, console, recording, facilitator):
        stop_recording(recording, by=facilitator)
        answer = upload(console, recording, 0)
        assert answer.status_code == 409
        assert "stopped" in answer.json()["error"]

    def test_a_researcher_cannot_upload(self, client, recording, researcher):
        client.force_login(researcher)
        assert upload(client, recording, 0).status_code == 404

    def test_without_the_csrf_token_the_upload_is_refused(self, facilitator, recording):
        from django.test import Client

        browser = Client(enforce_csrf_checks=True)
        browser.force_login(facilitator)
        assert upload(browser, recording, 0).status_code == 403
        assert not RecordingChunk.objects.exists()


class TestRecordingPage:
    def test_a_researcher_plays_it_with_the_agenda_as_chapters(
        self, client, recording, researcher, facilitator, live_round
    ):
        from facilitation.workshops import services

        store_chunk(recording, by=facilitator, sequence=0, data=WEBM)
        step = live_round.steps.order_by("position").first()
        services.go_to_step(live_round, step, by=facilitator)
        stop_recording(recording, by=facilitator)
        client.force_login(researcher)
        page = client.get(reverse("console-recording", args=[live_round.pk, recording.pk]))
        html = page.content.decode()
        assert page.status_code == 200
        assert "<audio" in html
        assert f"Step {step.position}: {step.title}" in html
        assert "data-seek=" in html
        assert Event.objects.filter(kind="recording.played", user=researcher).exists()

    def test_the_audio_is_served_whole_and_by_range(self, console, recording, facilitator):
        store_chunk(recording, by=facilitator, sequence=0, data=WEBM)
        store_chunk(recording, by=facilitator, sequence=1, data=b"tail")
        url = reverse("console-recording-audio", args=[recording.round_id, recording.pk])
        whole = console.get(url)
        assert whole["Content-Type"] == "audio/webm"
        assert b"".join(whole.streaming_content) == WEBM + b"tail"
        part = console.get(url, headers={"Range": f"bytes={len(WEBM) - 1}-"})
        assert part.status_code == 206
        assert b"".join(part.streaming_content) == WEBM[-1:] + b"tail"
        assert part["Content-Range"] == f"bytes {len(WEBM) - 1}-{len(WEBM) + 3}/{len(WEBM) + 4}"
        beyond = console.get(url, headers={"Range": "bytes=9999-"})
        assert beyond.status_code == 416


class TestClosingTheRound:
    def test_closing_the_round_from_the_console_stops_its_recordings(
        self, console, recording, live_round
    ):
        console.post(reverse("console-round-action", args=[live_round.pk, "close"]))
        recording.refresh_from_db()
        assert recording.status == Recording.Status.STOPPED
        assert Event.objects.filter(kind="recording.stopped").count() == 1


class TestChaptersFile:
    def test_the_chapters_are_a_webvtt_file_on_the_recordings_clock(
        self, console, recording, live_round, facilitator
    ):
        from datetime import timedelta

        from facilitation.workshops import services

        step = live_round.steps.order_by("position").first()
        services.go_to_step(live_round, step, by=facilitator)
        stop_recording(recording, by=facilitator)
        start = recording.started_at
        Event.objects.filter(kind="step.shown", round=live_round, step=step).update(
            created_at=start + timedelta(seconds=75.5)
        )
        Recording.objects.filter(pk=recording.pk).update(stopped_at=start + timedelta(seconds=90))
        url = reverse("console-recording-chapters", args=[live_round.pk, recording.pk])
        response = console.get(url)
        assert response["Content-Type"].startswith("text/vtt")
        text = response.content.decode()
        assert text.startswith("WEBVTT\n\n1\n00:01:15.500 --> 00:01:30.000\n")
        assert f"Step {step.position}: {step.title}" in text


class TestTimelinePage:
    def test_the_page_shows_the_field_notes_as_marks_among_the_chapters(
        self, client, agenda_recording, researcher
    ):
        client.force_login(researcher)
        round_id = agenda_recording.round_id
        page = client.get(reverse("console-recording", args=[round_id, agenda_recording.pk]))
        html = page.content.decode()
        first = agenda_recording.first_step
        step_at = html.index(f"Step {first.position}: {first.title}")
        note_at = html.index("Field note (O1): The room laughs at the example.")
        assert step_at < note_at
        assert 'data-seek="15.000"' in html
        assert 'class="is-field-note"' in html
        assert reverse("console-recording-field-notes", args=[round_id, agenda_recording.pk]) in (
            html
        )

    def test_the_field_notes_are_a_webvtt_file_too(self, client, agenda_recording, researcher):
        client.force_login(researcher)
        url = reverse(
            "console-recording-field-notes", args=[agenda_recording.round_id, agenda_recording.pk]
        )
        text = client.get(url).content.decode()
        assert text == (
            "WEBVTT\n\n1\n00:00:15.000 --> 00:00:25.000\n"
            "Field note (O1): The room laughs at the example.\n"
        )

    def test_a_recording_without_field_notes_has_a_file_without_cues(self, console, recording):
        url = reverse("console-recording-field-notes", args=[recording.round_id, recording.pk])
        assert console.get(url).content.decode() == "WEBVTT\n"

    def test_a_stranger_reads_neither_page_nor_files(self, client, agenda_recording, stranger):
        client.force_login(stranger)
        args = [agenda_recording.round_id, agenda_recording.pk]
        for name in (
            "console-recording",
            "console-recording-audio",
            "console-recording-chapters",
            "console-recording-field-notes",
        ):
            assert client.get(reverse(name, args=args)).status_code == 404, name
        assert not Event.objects.filter(kind__in=["recording.played", "recording.downloaded"])


class TestPlaysAreEvents:
    def test_downloading_the_audio_is_an_event_the_players_fetches_are_not(
        self, client, agenda_recording, researcher
    ):
        client.force_login(researcher)
        url = reverse(
            "console-recording-audio", args=[agenda_recording.round_id, agenda_recording.pk]
        )
        b"".join(client.get(url, headers={"Sec-Fetch-Dest": "audio"}).streaming_content)
        b"".join(
            client.get(
                url, headers={"Sec-Fetch-Dest": "audio", "Range": "bytes=5-"}
            ).streaming_content
        )
        assert not Event.objects.filter(kind="recording.downloaded").exists()
        b"".join(client.get(url, headers={"Sec-Fetch-Dest": "document"}).streaming_content)
        (event,) = Event.objects.filter(kind="recording.downloaded")
        assert event.user == researcher
        assert event.payload["recording"] == agenda_recording.pk

    def test_opening_the_page_is_a_play(self, console, agenda_recording, facilitator):
        console.get(
            reverse("console-recording", args=[agenda_recording.round_id, agenda_recording.pk])
        )
        (event,) = Event.objects.filter(kind="recording.played")
        assert event.user == facilitator
