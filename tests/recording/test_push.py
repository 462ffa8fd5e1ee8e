import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from facilitation.live.push import EVERYTHING, send_notification
from facilitation.recording import services
from facilitation.screens.stages import render_push
from facilitation.workshops.models import Step


@pytest.fixture
def pushes(django_capture_on_commit_callbacks):
    def run(action):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            action()
        return [
            (c.args[1], c.args[2])
            for c in callbacks
            if getattr(c, "func", None) is send_notification
        ]

    return run


def test_every_change_pushes_the_recording_topic_at_once(pushes, recorded, live_round, facilitator):
    recording = None

    def start():
        nonlocal recording
        recording = services.start_recording(live_round, by=facilitator, mime_type="audio/ogg")

    assert pushes(start) == [(["recording"], True)]
    assert pushes(lambda: services.pause_recording(recording, by=facilitator)) == [
        (["recording"], True)
    ]
    assert pushes(lambda: services.stop_recording(recording, by=facilitator)) == [
        (["recording"], True)
    ]


@pytest.mark.parametrize("audience", ["projector", "facilitator"])
def test_big_screens_get_the_mark_alone(recording, live_round, audience):
    [(html, receivers)] = render_push(live_round.pk, audience, {"recording"}, ["x"])
    assert html.lstrip().startswith('<div id="recording-mark"')
    assert "Recording" in html
    assert 'id="stage"' not in html


def test_every_phone_gets_one_render_of_the_mark(
    recording, live_round, participant, other_participant
):
    members = [participant.pk, other_participant.pk]
    with CaptureQueriesContext(connection) as queries:
        fragments = render_push(live_round.pk, "participant", {"recording"}, members)
    [(html, receivers)] = fragments
    assert receivers is None
    assert 'id="recording-mark"' in html and "Recording" in html
    assert len(queries) < 10


def test_the_mark_is_part_of_every_stage_so_a_snapshot_has_it(
    recording, live_round, participant, facilitator
):
    for audience, members in (("projector", ["x"]), ("participant", [participant.pk])):
        [(html, _)] = render_push(live_round.pk, audience, {EVERYTHING}, members)
        assert 'id="recording-mark"' in html and "Recording" in html
    services.stop_recording(recording, by=facilitator)
    [(html, _)] = render_push(live_round.pk, "projector", {EVERYTHING}, ["x"])
    assert 'id="recording-mark" class="recording-mark" role="status"></div>' in html


def test_on_a_code_of_conduct_step_phones_still_get_the_mark(
    recording, live_round, participant, facilitator
):
    from facilitation.workshops import services as rounds

    conduct = live_round.steps.filter(kind=Step.Kind.CONDUCT).first()
    if conduct is None:
        pytest.skip("the demo has no code-of-conduct step")
    rounds.go_to_step(live_round, conduct, by=facilitator)
    fragments = render_push(
        live_round.pk, "participant", {"conduct", "recording"}, [participant.pk]
    )
    assert any('id="recording-mark"' in html for html, _ in fragments)


def test_a_paused_recording_says_so(recording, live_round, facilitator):
    services.pause_recording(recording, by=facilitator)
    [(html, _)] = render_push(live_round.pk, "projector", {"recording"}, ["x"])
    assert "Recording paused" in html
