"""The per-process hub on its own: one subscription per round, renders per audience, pacing."""

import asyncio

import pytest
from channels.layers import InMemoryChannelLayer

from facilitation.live.push import EVERYTHING, PACE, LiveHub, Socket, round_group


class Screen:
    """A socket that keeps what it was sent."""

    def __init__(self):
        self.received = []

    async def send(self, text):
        self.received.append(text)


class CountingRenderer:
    def __init__(self):
        self.calls = []
        self.version = 0

    def __call__(self, round_id, audience, topics, members):
        self.calls.append((audience, frozenset(topics), tuple(members)))
        return [(f"{audience}:{sorted(topics)}:v{self.version}", None)]


@pytest.fixture
def hub():
    return LiveHub(CountingRenderer(), layer=InMemoryChannelLayer())


def socket(screen, audience="projector", member=None, round_id=1):
    return Socket(round_id, audience, member, screen.send)


async def test_joining_sends_a_full_snapshot_and_subscribes_once(hub):
    first, second = Screen(), Screen()
    await hub.join(socket(first))
    await hub.join(socket(second))
    assert first.received == [f"projector:['{EVERYTHING}']:v0"]
    assert second.received == [f"projector:['{EVERYTHING}']:v0"]
    assert len(hub.layer.groups[round_group(1)]) == 1  # one channel for the whole process


async def test_a_burst_of_changes_becomes_a_few_pushes_with_the_latest_state(hub):
    screen = Screen()
    await hub.join(socket(screen))
    screen.received.clear()
    for version in range(50):
        hub.render.version = version
        hub.heard(1, {"results"})
        await asyncio.sleep(0.002)
    await asyncio.sleep(PACE["projector"] * 3)
    assert 1 <= len(screen.received) <= 3
    assert screen.received[-1].endswith("v49")


async def test_urgent_changes_do_not_wait_for_the_pace(hub):
    screen = Screen()
    await hub.join(socket(screen, audience="participant", member=7))
    screen.received.clear()
    hub.heard(1, {"results"})  # paced: phones get results at most once a second
    hub.heard(1, {"stage"}, urgent=True)
    await asyncio.sleep(0.05)
    assert len(screen.received) == 1
    assert "stage" in screen.received[0] and "results" in screen.received[0]


async def test_each_audience_is_rendered_once_not_once_per_socket(hub):
    phones = [Screen() for _ in range(20)]
    for number, phone in enumerate(phones):
        await hub.join(socket(phone, audience="participant", member=number))
    projector = Screen()
    await hub.join(socket(projector))
    hub.render.calls.clear()
    hub.heard(1, {"stage"}, urgent=True)
    await asyncio.sleep(0.05)
    audiences = [audience for audience, _topics, _members in hub.render.calls]
    assert sorted(audiences) == ["participant", "projector"]
    assert all(len(phone.received) == 2 for phone in phones)


async def test_messages_on_the_layer_reach_local_sockets(hub):
    screen = Screen()
    await hub.join(socket(screen))
    await hub.layer.group_send(
        round_group(1), {"type": "round.changed", "round": 1, "topics": ["people"], "urgent": True}
    )
    await asyncio.sleep(0.1)
    assert screen.received[-1].startswith("projector:['people']")


async def test_other_rounds_are_left_alone(hub):
    mine, theirs = Screen(), Screen()
    await hub.join(socket(mine, round_id=1))
    await hub.join(socket(theirs, round_id=2))
    hub.heard(1, {"stage"}, urgent=True)
    await asyncio.sleep(0.05)
    assert len(mine.received) == 2
    assert len(theirs.received) == 1


async def test_leaving_unsubscribes_when_the_last_socket_of_a_round_goes(hub):
    screen = Screen()
    joined = socket(screen)
    await hub.join(joined)
    await hub.leave(joined)
    assert not hub.layer.groups.get(round_group(1))
    assert hub.listener is None
