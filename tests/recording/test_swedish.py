"""Every screen of recording the room speaks Swedish in a Swedish workshop."""

import pytest
from django.test import Client
from django.utils import translation

from facilitation.deliberation.demo import load_demo_workshop
from facilitation.recording import services as recording
from facilitation.screens.stages import FACILITATOR, PARTICIPANT, PROJECTOR, render_push
from facilitation.workshops import participants as participation
from facilitation.workshops import services
from tests.screens.test_swedish_screens import Walk, swedish_phone

from .conftest import WEBM


@pytest.mark.engine_neutral
def test_recording_the_room_shows_no_english(facilitator):
    workshop, _created = load_demo_workshop("sv", facilitators=[facilitator])
    round = services.start_round(workshop.rounds.get(), by=facilitator)
    participation.configure_participation(
        workshop,
        attributes="",
        consent_text="Vi spelar in ljudet i rummet.",
        on_withdrawal="remove",
        recorded=True,
        by=facilitator,
    )
    walk = Walk()
    phone = swedish_phone()
    walk.page("join page", phone, f"/r/{round.join_code}/")
    response = phone.post(f"/r/{round.join_code}/join/", {"display_name": "Sara"})
    walk.page("consent page", phone, response.url)
    phone.post(f"/r/{round.join_code}/consent/")
    walk.page("withdraw page", phone, f"/r/{round.join_code}/withdraw/")
    participant = workshop.participants.get()

    console = Client()
    console.force_login(facilitator)
    walk.page("participation page", console, f"/console/workshops/{workshop.pk}/participants/")
    response = console.post(
        f"/console/workshops/{workshop.pk}/participants/",
        {"attributes": "", "consent_text": "", "on_withdrawal": "remove", "recorded": "on"},
    )
    walk.check("participation refused", response.content.decode())
    take = recording.start_recording(round, by=facilitator, mime_type="audio/webm")
    recording.store_chunk(take, by=facilitator, sequence=0, data=WEBM)
    for state in ("recording", "paused"):
        for audience, members in (
            (PARTICIPANT, [participant.pk]),
            (PROJECTOR, ["x"]),
            (FACILITATOR, ["x"]),
        ):
            with translation.override("en"):
                for html, _ in render_push(round.pk, audience, {"recording"}, members):
                    assert "recording-mark is-" in html
                    walk.check(f"{state}: {audience} mark", html)
        if state == "recording":
            recording.pause_recording(take, by=facilitator)
    walk.page("console", console, f"/console/rounds/{round.pk}/")
    walk.page("phone", phone, f"/r/{round.join_code}/")
    walk.page("projector", Client(), f"/projector/{round.projector_key}/")
    refused = console.post(f"/console/rounds/{round.pk}/recordings/{take.pk}/chunks/", {})
    walk.check("chunk refused", refused.json()["error"])
    recording.stop_recording(take, by=facilitator)
    walk.page("recording page", console, f"/console/rounds/{round.pk}/recordings/{take.pk}/")
    assert walk.seen >= 10
    assert not walk.found, "English on Swedish screens:\n" + walk.report()
