"""Admission control: a bounded number of HTTP requests run at once; the rest wait their turn.

Django's ASGI handler runs each request's code in a thread of its own. A hall voting within
seconds would otherwise start a thread per vote: thousands of threads taking turns on one core,
each waiting for one of the pool's few database connections and giving up when that wait runs out.
Here a request waits in the event loop instead (a few hundred bytes, no thread) until one of
``REQUESTS_IN_FLIGHT`` places is free, in the order it arrived. Python runs one thread at a time,
so a few places serve a burst fastest (bench/README.md); the votes among them are written together
(``facilitation.group_commit``). There are fewer places than the database
pool has connections, so a request that is let in finds one, and ``DATABASE_TIMEOUT`` again means
what it says: the database itself cannot serve.

A request that waits longer than ``REQUEST_QUEUE_TIMEOUT``, or arrives when ``REQUEST_QUEUE_LIMIT``
are already waiting, is answered 503 "busy, try again" with ``Retry-After``, in the person's
language: nothing was stored, and a phone sends its answer again by itself (``static/balans.js``).

A place is given back when the response starts: what follows (the body of a download, say) needs
no database, and a slow reader must not hold the room's votes up.

The threads are kept: a request's code runs on a thread that served an earlier request, not on a
new one started for it and joined after it (a large share of a small request's cost).
"""

import asyncio
import html
import logging
import weakref
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

from asgiref.sync import ThreadSensitiveContext
from django.conf import settings
from django.http.cookie import parse_cookie
from django.utils import translation

from facilitation.screens.overload import RETRY_AFTER_SECONDS, busy_message

logger = logging.getLogger(__name__)


class AdmissionControl:
    """ASGI middleware for the ``http`` scope: at most ``places`` requests in the app at once."""

    def __init__(self, app, *, places, wait_seconds, queue_limit):
        self.app = app
        self.places = places
        self.wait_seconds = wait_seconds
        self.queue_limit = queue_limit
        # One queue per event loop (a server has one; tests start several).
        self._queues = weakref.WeakKeyDictionary()

    @classmethod
    def from_settings(cls, app):
        return cls(
            app,
            places=settings.REQUESTS_IN_FLIGHT,
            wait_seconds=settings.REQUEST_QUEUE_TIMEOUT,
            queue_limit=settings.REQUEST_QUEUE_LIMIT,
        )

    def queue(self):
        loop = asyncio.get_running_loop()
        if loop not in self._queues:
            self._queues[loop] = Queue(self.places)
        return self._queues[loop]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        # A small body (a vote, a form) is read before a place is taken: a phone on a poor
        # connection, slow to send it, then holds up no one. A larger one (an upload) is read on
        # inside, as it arrives.
        last, receive = await read_ahead(receive, limit=READ_AHEAD_BYTES)
        if last["type"] == "http.disconnect":
            return  # the client went away while sending; nobody to answer
        queue = self.queue()
        if not await queue.enter(limit=self.queue_limit, wait_seconds=self.wait_seconds):
            logger.warning(
                "Busy: %s %s answered 503 after waiting for a place (%d waiting)",
                scope["method"],
                scope["path"],
                queue.waiting,
            )
            return await send_busy(scope, send)
        left = False

        def leave():
            nonlocal left
            if not left:
                left = True
                queue.leave()

        async def send_then_leave(message):
            if message["type"] == "http.response.start":
                leave()
            await send(message)

        thread = queue.threads.take()
        try:
            # Django's code for this request runs on ``thread`` (its own context inside is then
            # not the outermost one, and starts no thread).
            async with ThreadSensitiveContext(executor=thread):
                await self.app(scope, receive, send_then_leave)
        finally:
            leave()
            queue.threads.give_back(thread)


READ_AHEAD_BYTES = 64 * 1024


async def read_ahead(receive, *, limit):
    """Read the request's messages up to its whole body, or until more than ``limit`` bytes came.

    Returns the last message read and a ``receive`` that hands the messages read out again before
    reading on."""
    messages, size = [], 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        size += len(message.get("body", b""))
        if not message.get("more_body", False) or size > limit:
            break
    last = messages[-1]

    async def replay():
        if messages:
            return messages.pop(0)
        return await receive()

    return last, replay


class Queue:
    """The places of one event loop, and the requests waiting for one, first come first served."""

    def __init__(self, places):
        self.places = asyncio.Semaphore(places)
        self.waiting = 0
        self.threads = Threads(keep=2 * places)

    async def enter(self, *, limit, wait_seconds):
        """Take a place, waiting up to ``wait_seconds``; False if none came or the queue is full."""
        if self.places.locked() and self.waiting >= limit:
            return False
        self.waiting += 1
        try:
            async with asyncio.timeout(wait_seconds):
                await self.places.acquire()
        except TimeoutError:
            return False
        finally:
            self.waiting -= 1
        return True

    def leave(self):
        self.places.release()


class Threads:
    """Threads for requests' code, each running one request at a time, kept for the next ones.

    Up to ``keep`` idle ones are kept: a place is given back when a response starts, so a few
    more requests than places may be finishing at once (a download, say).
    """

    def __init__(self, *, keep):
        self.keep = keep
        self.idle = []

    def take(self):
        if self.idle:
            return self.idle.pop()
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="request")

    def give_back(self, thread):
        if len(self.idle) < self.keep:
            self.idle.append(thread)
        else:
            thread.shutdown(wait=False)


async def send_busy(scope, send):
    """The 503 of ``screens.overload``, without Django's request cycle (no thread, no query)."""
    headers = {name.decode("latin-1").lower(): value for name, value in scope["headers"]}
    language = language_of(headers)
    with translation.override(language):
        message = busy_message()
        title = translation.gettext("The server is busy")
    if "hx-request" in headers:
        # htmx does not swap a 503 in; balans.js retries or says why in the notice.
        body, content_type = message, "text/plain"
    else:
        body = (
            f'<!doctype html><html lang="{language}"><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><h1>{html.escape(title)}</h1>"
            f"<p>{html.escape(message)}</p></html>"
        )
        content_type = "text/html"
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", f"{content_type}; charset=utf-8".encode()),
                (b"retry-after", str(RETRY_AFTER_SECONDS).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body.encode()})


def language_of(headers):
    """The language Django's LocaleMiddleware would choose: the cookie, else Accept-Language."""
    request = SimpleNamespace(
        COOKIES=parse_cookie(headers.get("cookie", b"").decode("latin-1")),
        META={"HTTP_ACCEPT_LANGUAGE": headers.get("accept-language", b"").decode("latin-1")},
    )
    return translation.get_language_from_request(request)
