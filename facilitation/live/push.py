"""Live pushes to the screens of a round. Knows nothing of the domain.

Writes call ``notify_round`` inside their transaction; after commit, one message goes to the round's
group on the channel layer. Each process keeps one ``LiveHub`` (per event loop) that subscribes once
per round it has sockets for, coalesces what it hears, asks a renderer for the fragments once per
audience (not once per socket) and writes them to its local sockets directly. One layer message per
socket does not scale; one per process does (see DESIGN.md, "Measured facts").
"""

import asyncio
import logging
import weakref
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import InterfaceError, OperationalError, transaction

logger = logging.getLogger(__name__)

# A topic that means "re-render everything": sent on (re)connect and after the layer recovers.
EVERYTHING = "*"

# Seconds between two pushes of the same round to one audience. Urgent changes (the current step,
# a lock, a reveal) skip the wait; tallies under a burst are paced, carrying the latest state.
PACE = {"projector": 0.1, "facilitator": 0.25, "participant": 1.0}
# Phone frames a second one worker writes for one round, at the most: beyond this many phones the
# phones' pace stretches (5,000 phones: every 2.5 s), so that in a hall the votes and the projector
# keep the core. Every frame carries the latest state, so a longer pace loses nothing.
PHONE_FRAMES_PER_SECOND = 2000
# Seconds a request waits for its notification to reach the channel layer: Redis away must not hold
# up a vote that is already stored.
SEND_TIMEOUT = 2.0
# Seconds a notification goes on trying after its request stopped waiting. On a machine so busy
# that the event loop lags, a notification given up would leave the screens on an old state (after
# the last vote of a burst, for good); one older than the layer's expiry (30 s) is worth nothing.
SEND_PATIENCE = 30.0

# Messages that may wait for one socket. Pushes are paced and each carries the latest state, so a
# socket that is this far behind is not reading (a phone whose wifi went away without a goodbye):
# it is dropped rather than buffered without bound, and resynced by the snapshot when it returns.
OUTBOX_LIMIT = 8
# Seconds one write may take before the socket counts as stuck (the server's transport is full).
WRITE_TIMEOUT = 10.0
# "Try again later": htmx's ws extension reconnects after it (as after 1006 and 1012).
CLOSE_SLOW = 1013
# Sockets of one audience joining within this many seconds share one render of the snapshot: after
# a restart thousands of phones reconnect within a few seconds, and a render per socket would melt.
# A phone's socket opens once its page has shown the stage, so its snapshot can wait longer and be
# shared by more: a hall joining 30 phones a second then renders a few snapshots a second, not 30.
SNAPSHOT_WINDOW = {"projector": 0.05, "facilitator": 0.05, "participant": 0.25}
# Seconds before rendering again a push the database could not serve (busy, its pool's wait run
# out, or briefly unreachable), doubling up to the second value. The push is not dropped: it is
# rendered again, with the state of that moment, for as long as a socket waits for it, since a
# lost push would leave screens on an old state until the next change (after a burst, never).
RENDER_RETRY = (0.05, 2.0)
# Seconds between renewals of this process's round subscriptions: group membership in
# channels-redis expires (settings: group_expiry, an hour), and a workshop may last longer.
GROUP_RENEWAL = 1800


def round_group(round_id):
    return f"balans.round.{round_id}"


def notify_round(round_id, *topics, urgent=False):
    """Tell every process showing this round that ``topics`` changed, once the change commits."""
    transaction.on_commit(partial(send_notification, round_id, sorted(topics), urgent))


def send_notification(round_id, topics, urgent):
    message = {"type": "round.changed", "round": round_id, "topics": topics, "urgent": urgent}
    try:
        async_to_sync(_group_send)(round_group(round_id), message)
    except TimeoutError:
        logger.warning("Live update for round %s is slow to send; it goes on trying", round_id)
    except Exception:
        # The write is committed; screens catch up when they reconnect or when the layer returns.
        logger.warning("Live update for round %s was not sent", round_id, exc_info=True)


_sending = set()  # notifications whose requests stopped waiting, kept from the garbage collector


async def _group_send(group, message):
    """Hand ``message`` to the layer; wait at most SEND_TIMEOUT for it, while the sending itself
    goes on up to SEND_PATIENCE (in the server's event loop, which outlives the request)."""
    sending = asyncio.ensure_future(
        asyncio.wait_for(get_channel_layer().group_send(group, message), SEND_PATIENCE)
    )
    _sending.add(sending)
    sending.add_done_callback(_sending.discard)
    try:
        await asyncio.wait_for(asyncio.shield(sending), SEND_TIMEOUT)
    except TimeoutError:
        sending.add_done_callback(partial(_report_late_failure, group))
        raise


def _report_late_failure(group, sending):
    if not sending.cancelled() and (error := sending.exception()) is not None:
        logger.warning("Live update to %s was not sent", group, exc_info=error)


@dataclass(eq=False, slots=True)
class Socket:
    """A local websocket as the hub sees it: where it listens, for whom, and how to write to it.

    Each socket has its own small outbox and its own writer, so a phone that stops reading fills
    only its own outbox: then it is dropped (``close`` with ``CLOSE_SLOW``) and catches up with a
    snapshot when it reconnects, instead of being buffered without bound or holding up the rest.
    """

    round_id: int
    audience: str
    member: int | None
    send: object  # async callable taking the text to send
    close: object = None  # async callable taking a close code
    outbox: deque = field(default_factory=deque)
    writer: asyncio.Task | None = None
    ready: bool = False  # its snapshot is on its way: later pushes may follow it
    dropped: bool = False


@dataclass
class Pending:
    topics: set = field(default_factory=set)
    urgent: bool = False
    last_flush: float = 0.0
    task: asyncio.Task | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class Joining:
    """Sockets of one audience waiting for a snapshot: rendered once for all of them."""

    sockets: list = field(default_factory=list)
    done: asyncio.Future | None = None


class LiveHub:
    """Fans one layer subscription per round out to this process's sockets, paced per audience.

    ``render(round_id, audience, topics, members)`` is a synchronous function returning a list of
    ``(text, members)`` pairs: each text goes to the sockets of those members (``None``: to all).
    """

    def __init__(self, render, layer=None):
        self.render = render
        self.layer = layer or get_channel_layer()
        self.sockets = defaultdict(set)  # round id -> sockets
        self.audiences = defaultdict(Counter)  # round id -> sockets per audience
        self.pending = defaultdict(Pending)  # (round id, audience) -> what waits to be pushed
        self.joining = {}  # (round id, audience) -> Joining
        self.subscribed = set()
        self.channel = None
        self.listener = None
        self.background = set()  # tasks nobody awaits, kept from the garbage collector

    async def join(self, socket):
        """Start pushing to ``socket``; return once its full snapshot is queued for it.

        Sockets of one audience arriving within its ``SNAPSHOT_WINDOW`` of each other (a hall
        joining, a reconnect storm after a restart) share one render of the snapshot.
        """
        if socket not in self.sockets[socket.round_id]:
            self.sockets[socket.round_id].add(socket)
            self.audiences[socket.round_id][socket.audience] += 1
        await self._subscribe(socket.round_id)
        self._ensure_listener()
        key = (socket.round_id, socket.audience)
        batch = self.joining.get(key)
        if batch is None:
            batch = self.joining[key] = Joining(done=asyncio.get_running_loop().create_future())
            self._spawn(self._snapshot_later(key, batch))
        batch.sockets.append(socket)
        await asyncio.shield(batch.done)

    async def leave(self, socket):
        socket.dropped = True
        if socket.writer is not None and socket.writer is not asyncio.current_task():
            socket.writer.cancel()
        sockets = self.sockets.get(socket.round_id, set())
        if socket in sockets:
            sockets.discard(socket)
            self.audiences[socket.round_id][socket.audience] -= 1
        if not sockets:
            self.sockets.pop(socket.round_id, None)
            self.audiences.pop(socket.round_id, None)
            await self._unsubscribe(socket.round_id)
        if not self.sockets and self.listener:
            self.listener.cancel()
            self.listener = None

    def heard(self, round_id, topics, urgent=False):
        """Schedule pushes for a change to a round, at each audience's pace."""
        loop = asyncio.get_running_loop()
        for audience, count in list(self.audiences.get(round_id, {}).items()):
            if not count:
                continue
            pending = self.pending[(round_id, audience)]
            pending.topics.update(topics)
            pace = self.pace(round_id, audience)
            delay = 0 if urgent else max(0.0, pending.last_flush + pace - loop.time())
            if pending.task and not pending.task.done():
                if not urgent or pending.urgent:
                    continue
                pending.task.cancel()
            pending.urgent = urgent
            pending.task = asyncio.create_task(self._flush_later((round_id, audience), delay))

    def pace(self, round_id, audience):
        """Seconds between two paced pushes of the round to the audience on this worker."""
        if audience != "participant":
            return PACE[audience]
        phones = self.audiences.get(round_id, {}).get(audience, 0)
        return max(PACE[audience], phones / PHONE_FRAMES_PER_SECOND)

    async def written(self, sockets=None):
        """Wait until the outboxes of ``sockets`` (default: all) are written (for tests)."""
        while writers := [
            s.writer
            for s in (sockets or [s for group in self.sockets.values() for s in group])
            if s.writer
        ]:
            await asyncio.wait(writers)

    async def _flush_later(self, key, delay):
        if delay:
            await asyncio.sleep(delay)
        pending = self.pending[key]
        async with pending.lock:
            topics, pending.topics = pending.topics, set()
            pending.task, pending.urgent = None, False
            pending.last_flush = asyncio.get_running_loop().time()
            if topics:
                round_id, audience = key
                targets = [
                    s for s in self.sockets.get(round_id, ()) if s.audience == audience and s.ready
                ]
                await self._push(key, topics, targets)

    async def _snapshot_later(self, key, batch):
        """Render one snapshot for every socket that joined meanwhile, under the audience's lock,
        so that no push rendered before it can reach a socket after it."""
        try:
            await asyncio.sleep(SNAPSHOT_WINDOW[key[1]])
            async with self.pending[key].lock:
                if self.joining.get(key) is batch:
                    del self.joining[key]
                targets = [s for s in batch.sockets if not s.dropped]
                await self._push(key, {EVERYTHING}, targets)
                for socket in targets:
                    socket.ready = True
        finally:
            if not batch.done.done():
                batch.done.set_result(None)

    async def _push(self, key, topics, targets):
        """Render once per audience (per variant) and queue the texts for ``targets``."""
        if not targets:
            return
        members = sorted({s.member for s in targets if s.member is not None})
        variants = await self._render(key, topics, members, targets)
        for text, receivers in variants:
            for socket in targets:
                if receivers is None or socket.member in receivers:
                    self._deliver(socket, text)

    async def _render(self, key, topics, members, targets):
        """The renderer's variants; while the database cannot serve, the same render again after a
        growing pause (``RENDER_RETRY``) until it can or no target listens any more. Any other
        failure is a bug, not a wait: logged, and nothing is pushed."""
        from channels.db import database_sync_to_async

        round_id, audience = key
        pause, attempts = RENDER_RETRY[0], 0
        while True:
            attempts += 1
            try:
                variants = await database_sync_to_async(self.render)(
                    round_id, audience, topics, members
                )
            except (OperationalError, InterfaceError) as error:
                if attempts == 1:
                    logger.warning(
                        "The database could not serve a live update for round %s (%s); "
                        "rendering it again shortly",
                        round_id,
                        error,
                    )
            except Exception:
                logger.exception("Rendering a live update for round %s failed", round_id)
                return []
            else:
                if attempts > 1:
                    logger.info(
                        "Live update for round %s rendered at attempt %s", round_id, attempts
                    )
                return variants
            if all(socket.dropped for socket in targets):
                return []
            await asyncio.sleep(pause)
            pause = min(pause * 2, RENDER_RETRY[1])

    def _deliver(self, socket, text):
        """Write ``text`` to one socket now if it takes it without waiting, else queue it for
        the socket's writer; a socket whose outbox is full is dropped."""
        if socket.dropped:
            return
        if socket.writer is None:
            self._write_now(socket, text)
            return
        if len(socket.outbox) >= OUTBOX_LIMIT:
            self._drop(socket)
            return
        socket.outbox.append(text)

    def _write_now(self, socket, text):
        """Send ``text`` on the spot, as far as the send goes without waiting.

        A socket that keeps up takes a frame at once (the server writes it to its transport), so
        a push to thousands of phones needs no task per phone: the send is stepped here, as an
        eagerly started task would be. Only a send that must wait (its transport is full) gets
        the socket's writer, which finishes it and then sends what queued up meanwhile.
        """
        sending = socket.send(text)
        try:
            awaited = sending.send(None)
        except StopIteration:
            return
        except Exception:
            # The connection is gone; the consumer's disconnect will make it leave.
            logger.debug("A live socket of round %s failed", socket.round_id, exc_info=True)
            socket.dropped = True
            return
        socket.writer = asyncio.create_task(self._write(socket, unfinished=(sending, awaited)))

    async def _write(self, socket, *, unfinished=None):
        """The socket's own writer: finishes the send under way, sends its outbox in order,
        then ends."""
        try:
            if unfinished is not None:
                async with asyncio.timeout(WRITE_TIMEOUT):
                    await _finish(*unfinished)
            while socket.outbox and not socket.dropped:
                text = socket.outbox.popleft()
                # A timeout scope, not wait_for: no extra task per frame (thousands a second).
                async with asyncio.timeout(WRITE_TIMEOUT):
                    await socket.send(text)
        except TimeoutError:
            self._drop(socket)
        except asyncio.CancelledError:
            pass
        except Exception:
            # The connection is gone; the consumer's disconnect will make it leave.
            logger.debug("A live socket of round %s failed", socket.round_id, exc_info=True)
            socket.dropped = True
        finally:
            socket.writer = None
            if socket.dropped:
                socket.outbox.clear()

    def _drop(self, socket):
        """Stop writing to a socket that does not keep up; tell it to reconnect for a snapshot."""
        if socket.dropped:
            return
        logger.info("Dropping a live socket of round %s that does not keep up", socket.round_id)
        self._spawn(self.leave(socket))
        if socket.close is not None:
            self._spawn(_close_quietly(socket, CLOSE_SLOW))
        socket.dropped = True
        socket.outbox.clear()

    def _spawn(self, coroutine):
        task = asyncio.create_task(coroutine)
        self.background.add(task)
        task.add_done_callback(self.background.discard)
        return task

    async def _subscribe(self, round_id):
        """Add this process's channel to the round's group; False if the layer is unreachable."""
        if round_id in self.subscribed:
            return True
        try:
            if self.channel is None:
                self.channel = await self.layer.new_channel("balans.hub.")
            await asyncio.wait_for(
                self.layer.group_add(round_group(round_id), self.channel), SEND_TIMEOUT
            )
        except Exception:
            logger.warning("Could not subscribe to round %s; will retry", round_id, exc_info=True)
            return False
        self.subscribed.add(round_id)
        return True

    async def _unsubscribe(self, round_id):
        if round_id not in self.subscribed:
            return
        self.subscribed.discard(round_id)
        try:
            await asyncio.wait_for(
                self.layer.group_discard(round_group(round_id), self.channel), SEND_TIMEOUT
            )
        except Exception:
            logger.warning("Could not unsubscribe from round %s", round_id, exc_info=True)

    def _ensure_listener(self):
        if self.listener is None or self.listener.done():
            self.listener = asyncio.create_task(self._listen())

    async def _listen(self):
        """Receive round changes; survive a layer outage, refresh every screen when it returns."""
        failures = 0
        renewed = asyncio.get_running_loop().time()
        while True:
            try:
                if asyncio.get_running_loop().time() - renewed > GROUP_RENEWAL:
                    renewed = asyncio.get_running_loop().time()
                    for round_id in list(self.subscribed):  # group_add renews a membership
                        await asyncio.wait_for(
                            self.layer.group_add(round_group(round_id), self.channel), SEND_TIMEOUT
                        )
                missing = [r for r in list(self.sockets) if r not in self.subscribed]
                results = [await self._subscribe(round_id) for round_id in missing]
                if not all(results):
                    raise ConnectionError("channel layer unreachable")
                if failures or missing:
                    # Messages may have been lost while we were not subscribed.
                    for round_id in missing if not failures else list(self.sockets):
                        self.heard(round_id, {EVERYTHING}, urgent=True)
                    failures = 0
                # Wake up now and then to notice a subscription that failed meanwhile.
                message = await asyncio.wait_for(self.layer.receive(self.channel), 5)
            except TimeoutError:
                continue
            except asyncio.CancelledError:
                raise
            except Exception:
                failures += 1
                logger.warning("Channel layer receive failed; retrying", exc_info=failures == 1)
                self.subscribed.clear()
                await asyncio.sleep(min(5.0, 0.2 * 2**failures))
                continue
            if message.get("type") == "round.changed":
                self.heard(message["round"], set(message["topics"]), message.get("urgent", False))


async def _finish(coroutine, awaited):
    """Run ``coroutine`` on to its end in this task: it was stepped by hand (``_write_now``) and
    stopped to wait for ``awaited``, the future it yielded (None: it only gave way)."""
    try:
        while True:
            if awaited is None:
                await asyncio.sleep(0)
            elif asyncio.isfuture(awaited):
                awaited._asyncio_future_blocking = False  # as a task does before waiting
                # The coroutine reads the future's outcome itself when it goes on.
                await asyncio.wait([awaited])
            else:
                raise RuntimeError(f"a send yielded {awaited!r}, not a future")
            awaited = coroutine.send(None)
    except StopIteration:
        return
    except BaseException:
        coroutine.close()  # cancelled or timed out: the send ends where it waits
        raise


async def _close_quietly(socket, code):
    """Close a socket that may be stuck: the server's keep-alive pings reap it if this cannot."""
    try:
        await asyncio.wait_for(socket.close(code), WRITE_TIMEOUT)
    except Exception:
        logger.debug("Closing a slow socket of round %s failed", socket.round_id, exc_info=True)


_hubs = weakref.WeakKeyDictionary()


def hub_for_this_process(render):
    """The hub of the running event loop (one per ASGI process; tests get one per loop)."""
    loop = asyncio.get_running_loop()
    if loop not in _hubs:
        _hubs[loop] = LiveHub(render)
    return _hubs[loop]
