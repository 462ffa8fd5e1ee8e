"""The per-process hub on its own: one subscription per round, renders per audience, pacing."""

import asyncio

import pytest
from channels.layers import InMemoryChannelLayer
from django.db import OperationalError

from facilitation.live.push import (
    CLOSE_SLOW,
    EVERYTHING,
    OUTBOX_LIMIT,
    PACE,
    PHONE_FRAMES_PER_SECOND,
    LiveHub,
    Socket,
    round_group,
)

# The hub renders through database_sync_to_async, which tidies the database connections of its
# thread: after tests that used the database (pytest-django runs those first) that needs access.
pytestmark = pytest.mark.django_db


class Screen:
    """A socket that keeps what it was sent."""

    def __init__(self):
        self.received = []
        self.closed = None

    async def send(self, text):
        self.received.append(text)

    async def close(self, code):
        self.closed = code


class Stuck(Screen):
    """A phone that never reads: its first write never completes (the transport stays full)."""

    def __init__(self):
        super().__init__()
        self.in_flight = 0

    async def send(self, text):
        self.in_flight += 1
        await asyncio.Event().wait()


class CountingRenderer:
    def __init__(self):
        self.calls = []
        self.version = 0

    def __call__(self, round_id, audience, topics, members):
        self.calls.append((audience, frozenset(topics), tuple(members)))
        return [(f"{audience}:{sorted(topics)}:v{self.version}", None)]


class BusyDatabaseRenderer(CountingRenderer):
    """Renders like the real one, except that the database cannot serve its first ``busy`` calls
    (SQLite's lock or the pool's wait ran out, or the connection was lost)."""

    def __init__(self, busy):
        super().__init__()
        self.busy = busy

    def __call__(self, round_id, audience, topics, members):
        if self.busy:
            self.busy -= 1
            self.calls.append(("busy", frozenset(topics), tuple(members)))
            raise OperationalError("database is locked")
        return super().__call__(round_id, audience, topics, members)


@pytest.fixture
def hub():
    return LiveHub(CountingRenderer(), layer=InMemoryChannelLayer())


def socket(screen, audience="projector", member=None, round_id=1):
    return Socket(round_id, audience, member, screen.send, screen.close)


async def joined(hub, screen, **where):
    """Join a socket and wait until its snapshot is written."""
    joining = socket(screen, **where)
    await hub.join(joining)
    await hub.written()
    return joining


async def all_joined(hub, screens):
    """Join sockets together (they share one snapshot) and wait until it is written."""
    await asyncio.gather(*(hub.join(socket(screen)) for screen in screens))
    await hub.written()


async def pushed(hub, round_id, topics, audience="projector"):
    """An urgent change, once its push is queued for every socket."""
    hub.heard(round_id, topics, urgent=True)
    await hub.pending[(round_id, audience)].task


async def test_joining_sends_a_full_snapshot_and_subscribes_once(hub):
    first, second = Screen(), Screen()
    await joined(hub, first)
    await joined(hub, second)
    assert first.received == [f"projector:['{EVERYTHING}']:v0"]
    assert second.received == [f"projector:['{EVERYTHING}']:v0"]
    assert len(hub.layer.groups[round_group(1)]) == 1  # one channel for the whole process


async def test_a_burst_of_changes_becomes_a_few_pushes_with_the_latest_state(hub):
    screen = Screen()
    await joined(hub, screen)
    screen.received.clear()
    for burst in range(2):  # the second burst waits for the pace, then goes out as one push
        for version in range(50 * burst, 50 * burst + 50):
            hub.render.version = version
            hub.heard(1, {"results"})
        await hub.pending[(1, "projector")].task
        await hub.written()
    assert screen.received == ["projector:['results']:v49", "projector:['results']:v99"]


async def test_urgent_changes_do_not_wait_for_the_pace(hub):
    screen = Screen()
    await joined(hub, screen, audience="participant", member=7)
    screen.received.clear()
    hub.heard(1, {"results"})  # paced: phones get results at most once a second
    hub.heard(1, {"stage"}, urgent=True)
    await asyncio.sleep(0.05)
    assert len(screen.received) == 1
    assert "stage" in screen.received[0] and "results" in screen.received[0]


async def test_each_audience_is_rendered_once_not_once_per_socket(hub):
    phones = [Screen() for _ in range(20)]
    for number, phone in enumerate(phones):
        await joined(hub, phone, audience="participant", member=number)
    projector = Screen()
    await joined(hub, projector)
    hub.render.calls.clear()
    hub.heard(1, {"stage"}, urgent=True)
    await asyncio.sleep(0.05)
    audiences = [audience for audience, _topics, _members in hub.render.calls]
    assert sorted(audiences) == ["participant", "projector"]
    assert all(len(phone.received) == 2 for phone in phones)


async def test_messages_on_the_layer_reach_local_sockets(hub):
    screen = Screen()
    await joined(hub, screen)
    await hub.layer.group_send(
        round_group(1), {"type": "round.changed", "round": 1, "topics": ["people"], "urgent": True}
    )
    await asyncio.sleep(0.1)
    assert screen.received[-1].startswith("projector:['people']")


async def test_other_rounds_are_left_alone(hub):
    mine, theirs = Screen(), Screen()
    await joined(hub, mine, round_id=1)
    await joined(hub, theirs, round_id=2)
    hub.heard(1, {"stage"}, urgent=True)
    await asyncio.sleep(0.05)
    assert len(mine.received) == 2
    assert len(theirs.received) == 1


async def test_leaving_unsubscribes_when_the_last_socket_of_a_round_goes(hub):
    leaving = await joined(hub, Screen())
    await hub.leave(leaving)
    assert not hub.layer.groups.get(round_group(1))
    assert hub.listener is None


@pytest.mark.engine_neutral
async def test_a_socket_that_never_reads_is_dropped_and_the_others_get_every_push(hub):
    others = [Screen() for _ in range(200)]
    for other in others:
        await joined(hub, other)
    stuck = Stuck()
    stuck_socket = socket(stuck)
    await hub.join(stuck_socket)
    pushes = OUTBOX_LIMIT + 2
    for version in range(1, pushes + 1):
        hub.render.version = version
        await pushed(hub, 1, {"stage"})
        await hub.written(sockets=[s for s in hub.sockets[1] if s is not stuck_socket])
    # Every reading socket got its snapshot and every push, in order, the newest last.
    for other in others:
        assert len(other.received) == 1 + pushes
        assert [text[-3:].lstrip("v:") for text in other.received] == [
            str(v) for v in range(pushes + 1)
        ]
    # The stuck one held one write in flight and a bounded outbox, then was let go.
    await asyncio.gather(*hub.background)
    assert stuck.in_flight == 1
    assert stuck.closed == CLOSE_SLOW
    assert stuck_socket not in hub.sockets[1]
    assert not stuck_socket.outbox
    # Pushes were rendered once each, never per socket.
    assert len(hub.render.calls) == 201 + pushes


class Gated(Screen):
    """A phone whose transport is full for a while: its writes wait until ``gate`` opens."""

    def __init__(self):
        super().__init__()
        self.gate = asyncio.Event()

    async def send(self, text):
        await self.gate.wait()
        self.received.append(text)


class Gone(Screen):
    """A phone whose connection is gone: every write fails."""

    async def send(self, text):
        raise ConnectionResetError("gone")


@pytest.fixture
async def tasks_started():
    """Counts the tasks started on the running loop from now on."""
    loop = asyncio.get_running_loop()
    started = []

    def counting(loop, coroutine, **kwargs):
        started.append(coroutine)
        return asyncio.Task(coroutine, loop=loop, **kwargs)

    loop.set_task_factory(counting)
    yield started
    loop.set_task_factory(None)


async def test_a_push_to_sockets_that_keep_up_starts_no_task_per_socket(hub, tasks_started):
    screens = [Screen() for _ in range(200)]
    await all_joined(hub, screens)
    tasks_started.clear()
    hub.render.version = 1
    await pushed(hub, 1, {"stage"})
    assert all(screen.received[-1].endswith(":v1") for screen in screens)
    assert len(tasks_started) <= 3, tasks_started  # the push and its render, not one per socket


async def test_a_write_that_must_wait_is_finished_by_the_sockets_writer_in_order(hub):
    gated, other = Gated(), Screen()
    gated.gate.set()
    await joined(hub, gated)
    await joined(hub, other)
    gated.gate.clear()
    for version in (1, 2, 3):
        hub.render.version = version
        await pushed(hub, 1, {"stage"})
    # The others are not held up by the one whose transport is full.
    assert [text[-2:] for text in other.received[1:]] == ["v1", "v2", "v3"]
    assert len(gated.received) == 1
    gated.gate.set()
    await hub.written()
    assert [text[-2:] for text in gated.received[1:]] == ["v1", "v2", "v3"]
    assert all(s.writer is None and not s.outbox for s in hub.sockets[1])


async def test_a_socket_whose_write_fails_is_let_go_and_the_others_are_served(hub):
    gone, other = Gone(), Screen()
    gone_socket = socket(gone)
    await hub.join(gone_socket)
    await joined(hub, other)
    hub.render.version = 1
    await pushed(hub, 1, {"stage"})
    assert gone_socket.dropped and not gone_socket.outbox
    assert other.received[-1].endswith(":v1")


async def test_a_reconnect_storm_shares_one_snapshot_render(hub):
    phones = [Screen() for _ in range(300)]
    lock = hub.pending[(1, "participant")].lock
    async with lock:  # a push being rendered while the phones come back
        joins = [
            asyncio.create_task(hub.join(socket(phone, audience="participant", member=n)))
            for n, phone in enumerate(phones)
        ]
        while len(getattr(hub.joining.get((1, "participant")), "sockets", ())) < len(phones):
            await asyncio.sleep(0)
        await asyncio.sleep(0.1)  # the snapshot waits for the lock, gathering the late ones
    await asyncio.gather(*joins)
    await hub.written()
    assert hub.render.calls == [("participant", frozenset({EVERYTHING}), tuple(range(300)))]
    assert all(phone.received == [f"participant:['{EVERYTHING}']:v0"] for phone in phones)


async def test_a_snapshot_never_overtakes_a_newer_push(hub):
    """Sockets join while pushes go out: each sees its snapshot first, then only newer renders."""
    first = Screen()
    await joined(hub, first)
    screens = []
    for version in range(1, 30):
        hub.render.version = version
        screen = Screen()
        screens.append(screen)
        join = asyncio.create_task(hub.join(socket(screen)))
        hub.heard(1, {"stage"}, urgent=True)
        await join
    await asyncio.sleep(PACE["projector"])
    await asyncio.gather(*(t for t in [p.task for p in hub.pending.values()] if t))
    await hub.written()
    for screen in [first, *screens]:
        assert EVERYTHING in screen.received[0]
        versions = [int(text.rsplit(":v", 1)[1]) for text in screen.received]
        assert versions == sorted(versions)


async def test_a_push_the_database_cannot_serve_is_rendered_again_not_dropped(hub):
    screen = Screen()
    await joined(hub, screen)
    hub.render = BusyDatabaseRenderer(busy=3)
    hub.render.version = 7
    await pushed(hub, 1, {"results"})
    await hub.written()
    assert screen.received[-1] == "projector:['results']:v7"
    assert [call[0] for call in hub.render.calls] == ["busy", "busy", "busy", "projector"]


async def test_a_snapshot_the_database_cannot_serve_is_rendered_again(hub):
    hub.render = BusyDatabaseRenderer(busy=2)
    screen = Screen()
    await joined(hub, screen)
    assert screen.received == [f"projector:['{EVERYTHING}']:v0"]


async def test_a_render_that_fails_for_another_reason_is_not_repeated(hub):
    screen = Screen()
    await joined(hub, screen)

    def broken(round_id, audience, topics, members):
        broken.calls += 1
        raise ValueError("a bug in a template")

    broken.calls = 0
    hub.render = broken
    await pushed(hub, 1, {"results"})
    await hub.written()
    assert broken.calls == 1
    assert len(screen.received) == 1  # the snapshot only


async def test_a_push_waiting_for_the_database_stops_when_its_sockets_leave(hub):
    leaving = await joined(hub, Screen())
    hub.render = BusyDatabaseRenderer(busy=10**6)
    hub.heard(1, {"results"}, urgent=True)
    flush = hub.pending[(1, "projector")].task
    while not hub.render.calls:  # the first render has been tried (and refused)
        await asyncio.sleep(0)
    await hub.leave(leaving)
    await flush
    assert hub.render.busy > 0


async def test_the_phones_pace_stretches_in_a_hall_so_a_worker_writes_boundedly_many_frames(hub):
    """Up to PHONE_FRAMES_PER_SECOND phones get a push a second; beyond, the pace grows with them
    (each push carries the latest state). The projector's and console's paces never change."""
    for member in range(3):
        await joined(hub, Screen(), audience="participant", member=member)
    assert hub.pace(1, "participant") == PACE["participant"]

    hub.audiences[1]["participant"] = 2 * PHONE_FRAMES_PER_SECOND
    assert hub.pace(1, "participant") == 2.0
    assert hub.pace(1, "projector") == PACE["projector"]
    assert hub.pace(1, "facilitator") == PACE["facilitator"]


async def test_the_hub_counts_each_audiences_sockets_as_they_join_and_leave(hub):
    projector = await joined(hub, Screen())
    first = await joined(hub, Screen(), audience="participant", member=1)
    second = await joined(hub, Screen(), audience="participant", member=2)
    await hub.join(second)  # joining again counts once
    await hub.written()
    assert hub.audiences[1] == {"projector": 1, "participant": 2}

    await hub.leave(first)
    await hub.leave(first)  # leaving again counts once
    assert hub.audiences[1] == {"projector": 1, "participant": 1}
    await hub.leave(second)
    await hub.leave(projector)
    assert 1 not in hub.audiences
