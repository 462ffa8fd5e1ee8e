"""Websockets end to end inside one process, on the in-memory layer and on the real Redis layer."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.http import HttpResponse
from django.test import Client

from facilitation.asgi import application
from facilitation.deliberation.services import cast_vote
from facilitation.screens.identity import remember_participant
from facilitation.workshops import services

pytestmark = pytest.mark.django_db(transaction=True)

# The origin check reads ALLOWED_HOSTS when the application is built, before tests add "testserver".
ORIGIN = (b"origin", b"http://localhost")
HOST = (b"host", b"localhost")


def participant_cookie(participant):
    response = HttpResponse()
    remember_participant(response, participant)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in response.cookies.items())


@database_sync_to_async
def session_cookie(user):
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


async def connect(path, cookie=None, origin=ORIGIN):
    headers = [origin, HOST]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _subprotocol = await communicator.connect(timeout=5)
    return communicator, connected


async def receive_until(communicator, text, timeout=3):
    """Messages until one contains ``text``; fails if none does in time."""
    seen = []
    async with asyncio.timeout(timeout):
        while True:
            message = await communicator.receive_from(timeout=timeout)
            seen.append(message)
            if text in message:
                return message, seen


async def closed_with(communicator):
    output = await communicator.receive_output(timeout=3)
    if output["type"] == "websocket.send":
        output = await communicator.receive_output(timeout=3)
    return output.get("code")


class TestRefusals:
    async def test_an_unknown_projector_key_is_closed_with_4404(self, channel_layer, live_round):
        communicator, connected = await connect("/ws/projector/nosuchkey/")
        assert connected
        assert await closed_with(communicator) == 4404

    async def test_an_unknown_join_code_is_refused_as_a_code_one_has_not_joined(
        self, channel_layer, live_round
    ):
        outcomes = []
        for code in [live_round.join_code, "ZZZZ99"]:
            communicator, connected = await connect(f"/ws/participant/{code}/")
            assert connected
            outcomes.append(await closed_with(communicator))
        assert outcomes == [4403, 4403]  # a guesser cannot tell which code exists

    async def test_a_phone_without_a_cookie_is_closed_with_4403(self, channel_layer, live_round):
        communicator, connected = await connect(f"/ws/participant/{live_round.join_code}/")
        assert connected
        assert await closed_with(communicator) == 4403

    async def test_a_forged_cookie_is_closed_with_4403(self, channel_layer, live_round):
        cookie = f"balans_p{live_round.workshop_id}=abc:forged"
        communicator, _ = await connect(f"/ws/participant/{live_round.join_code}/", cookie)
        assert await closed_with(communicator) == 4403

    async def test_a_cookie_for_another_rounds_workshop_is_closed_with_4403(
        self, channel_layer, live_round, participant, facilitator
    ):
        from facilitation.workshops.models import Workshop

        @database_sync_to_async
        def other_round():
            elsewhere = Workshop.objects.create(title="Elsewhere")
            return services.start_round(services.create_round(elsewhere, title="R"), by=facilitator)

        other = await other_round()
        communicator, _ = await connect(
            f"/ws/participant/{other.join_code}/", participant_cookie(participant)
        )
        assert await closed_with(communicator) == 4403

    async def test_a_participant_who_has_not_joined_this_round_is_closed_with_4403(
        self, channel_layer, live_round, participant, facilitator
    ):
        @database_sync_to_async
        def next_round():
            return services.start_round(
                services.create_round(live_round.workshop, title="November"), by=facilitator
            )

        november = await next_round()
        communicator, _ = await connect(
            f"/ws/participant/{november.join_code}/", participant_cookie(participant)
        )
        assert await closed_with(communicator) == 4403

    async def test_the_console_socket_needs_a_facilitator(
        self, channel_layer, live_round, stranger
    ):
        anonymous, _ = await connect(f"/ws/facilitator/{live_round.pk}/")
        assert await closed_with(anonymous) == 4403
        other, _ = await connect(
            f"/ws/facilitator/{live_round.pk}/", await session_cookie(stranger)
        )
        assert await closed_with(other) == 4403

    async def test_another_origin_is_refused(self, channel_layer, live_round):
        _communicator, connected = await connect(
            f"/ws/projector/{live_round.projector_key}/", origin=(b"origin", b"http://evil.example")
        )
        assert not connected


class TestSnapshots:
    async def test_the_projector_gets_the_whole_stage_on_connect(self, channel_layer, live_round):
        communicator, _ = await connect(f"/ws/projector/{live_round.projector_key}/")
        message, _ = await receive_until(communicator, 'id="stage"')
        assert live_round.join_code in message
        assert "http://localhost/r/" in message  # the QR code points where the screen is
        await communicator.disconnect()

    async def test_a_phone_gets_its_own_choice_on_reconnect(
        self, channel_layer, dilemma_round, dilemma, participant
    ):
        option = await database_sync_to_async(lambda: dilemma.options.last())()
        await database_sync_to_async(cast_vote)(dilemma, participant, option.pk)
        path = f"/ws/participant/{dilemma_round.join_code}/"
        communicator, _ = await connect(path, participant_cookie(participant))
        message, _ = await receive_until(communicator, 'id="stage"')
        assert f'value="{option.pk}" class="option" aria-pressed="true"' in message
        await communicator.disconnect()

    async def test_the_console_gets_its_stage(self, channel_layer, live_round, facilitator):
        communicator, _ = await connect(
            f"/ws/facilitator/{live_round.pk}/", await session_cookie(facilitator)
        )
        message, _ = await receive_until(communicator, 'id="stage"')
        assert "Agenda" in message
        await communicator.disconnect()


class TestPushes:
    async def test_a_vote_reaches_the_projector_and_the_console(
        self, channel_layer, dilemma_round, dilemma, participant, facilitator
    ):
        projector, _ = await connect(f"/ws/projector/{dilemma_round.projector_key}/")
        console, _ = await connect(
            f"/ws/facilitator/{dilemma_round.pk}/", await session_cookie(facilitator)
        )
        await receive_until(projector, 'id="stage"')
        await receive_until(console, 'id="stage"')
        option = await database_sync_to_async(lambda: dilemma.options.first())()
        await database_sync_to_async(cast_vote)(dilemma, participant, option.pk)
        message, _ = await receive_until(projector, "1 answer so far")
        assert message.lstrip().startswith('<section id="results"')
        await receive_until(console, "1 of 1 has answered")
        await projector.disconnect()
        await console.disconnect()

    async def test_phones_follow_the_facilitator_and_see_revealed_results(
        self, channel_layer, live_round, dilemma, participant, other_participant, facilitator
    ):
        path = f"/ws/participant/{live_round.join_code}/"
        anna, _ = await connect(path, participant_cookie(participant))
        bo, _ = await connect(path, participant_cookie(other_participant))
        await receive_until(anna, "You are in.")
        await receive_until(bo, "You are in.")
        await database_sync_to_async(services.go_to_step)(live_round, dilemma, by=facilitator)
        await receive_until(anna, dilemma.title)
        await receive_until(bo, dilemma.title)
        option = await database_sync_to_async(lambda: dilemma.options.first())()
        await database_sync_to_async(cast_vote)(dilemma, participant, option.pk)
        await database_sync_to_async(services.reveal_results)(dilemma, by=facilitator)
        message, _ = await receive_until(bo, "100% · 1 vote")
        # Bo's own stage shows no choice of his; Anna's shows hers.
        assert 'aria-pressed="true"' not in message
        message, _ = await receive_until(anna, "100% · 1 vote")
        assert f'value="{option.pk}" class="option" aria-pressed="true"' in message
        await anna.disconnect()
        await bo.disconnect()

    async def test_a_burst_of_votes_is_coalesced_for_the_projector(
        self, channel_layer, dilemma_round, dilemma, facilitator
    ):
        @database_sync_to_async
        def vote_many(count):
            option = dilemma.options.first()
            for _ in range(count):
                cast_vote(dilemma, services.join_round(dilemma_round), option.pk)

        projector, _ = await connect(f"/ws/projector/{dilemma_round.projector_key}/")
        await receive_until(projector, 'id="stage"')
        await vote_many(30)
        _message, seen = await receive_until(projector, "30 answers so far", timeout=5)
        results_pushes = [m for m in seen if 'id="results"' in m]
        assert len(results_pushes) < 30
        await projector.disconnect()


@pytest.mark.services
async def test_hundreds_of_sockets_connect_at_once_on_redis(settings, live_round):
    """channels-redis pools connections: a burst of connects must wait, not fail."""
    from tests.services import REDIS_URL, redis_answers, require

    require("Redis", redis_answers())
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "max_connections": 50}], "prefix": "burst"},
        }
    }
    path = f"/ws/projector/{live_round.projector_key}/"
    sockets = await asyncio.gather(*(connect(path) for _ in range(300)))
    assert all(connected for _communicator, connected in sockets)
    snapshots = await asyncio.gather(
        *(receive_until(communicator, 'id="stage"', timeout=20) for communicator, _ in sockets)
    )
    assert len(snapshots) == 300
    await asyncio.gather(*(communicator.disconnect() for communicator, _ in sockets))


def test_behind_a_tls_proxy_the_qr_code_uses_https(settings):
    from facilitation.live.consumers import _origin

    scope = {"headers": [(b"host", b"balans.example.org"), (b"x-forwarded-proto", b"https")]}
    assert _origin(scope) == "http://balans.example.org"  # the header is not trusted by default
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert _origin(scope) == "https://balans.example.org"


async def test_results_of_a_scale_reach_the_projector(channel_layer, live_round, participant):
    from facilitation.deliberation.services import submit_answer
    from tests.deliberation.test_answer_kinds import add_step

    @database_sync_to_async
    def show_a_scale():
        step = add_step(live_round, "scale", settings={"points": 7}, hide_results=False)
        services.go_to_step(live_round, step, by=None)
        return step

    step = await show_a_scale()
    projector, _ = await connect(f"/ws/projector/{live_round.projector_key}/")
    await receive_until(projector, 'id="stage"')
    await database_sync_to_async(submit_answer)(step, participant, {"value": ["6"]})
    message, _ = await receive_until(projector, "Median 6")
    assert message.lstrip().startswith('<section id="results"')
    await projector.disconnect()


async def test_a_new_note_reaches_the_projector(
    channel_layer, live_round, participant, facilitator
):
    from facilitation.deliberation.annotations import annotate
    from facilitation.workshops.models import Step

    def show_finding():
        step = live_round.steps.filter(kind=Step.Kind.FINDING).order_by("position").first()
        services.go_to_step(live_round, step, by=facilitator)
        return step

    finding = await database_sync_to_async(show_finding)()
    projector, _ = await connect(f"/ws/projector/{live_round.projector_key}/")
    await receive_until(projector, 'id="stage"')
    start = finding.body.index("Equal treatment")
    await database_sync_to_async(annotate)(
        finding, participant, start=start, end=start + 15, note="<i>Vår</i> erfarenhet"
    )
    message, _ = await receive_until(projector, "erfarenhet")
    assert message.lstrip().startswith('<div id="annotations"')
    assert "&lt;i&gt;Vår&lt;/i&gt; erfarenhet" in message
    assert "heat-4" in message
    await projector.disconnect()
