"""Admission control: a bounded number of requests in the app, the rest wait in order or get 503."""

import asyncio
import threading

import pytest
from asgiref.sync import sync_to_async
from channels.testing import HttpCommunicator
from django.conf import settings

from facilitation.admission import AdmissionControl
from facilitation.asgi import application


class HeldApp:
    """An ASGI app whose requests stay inside until the test lets each one respond, then finish."""

    def __init__(self):
        self.inside = []
        self.respond = {}
        self.finish = {}

    async def __call__(self, scope, receive, send):
        path = scope["path"]
        self.respond[path], self.finish[path] = asyncio.Event(), asyncio.Event()
        self.inside.append(path)
        await self.respond[path].wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": path.encode(), "more_body": True})
        # The body goes on after the response started (a download, say).
        await self.finish[path].wait()
        await send({"type": "http.response.body", "body": b""})

    async def until_inside(self, path):
        while path not in self.inside:
            await asyncio.sleep(0)

    def let_respond(self, path):
        self.respond[path].set()

    def let_finish(self, *paths):
        for path in paths:
            self.respond[path].set()
            self.finish[path].set()


def request(app, path, headers=()):
    communicator = HttpCommunicator(app, "GET", path, headers=list(headers))
    return communicator, asyncio.create_task(communicator.get_response(timeout=5))


async def settle():
    for _ in range(20):
        await asyncio.sleep(0)


async def test_requests_beyond_the_places_wait_and_enter_in_the_order_they_came():
    held = HeldApp()
    app = AdmissionControl(held, places=2, wait_seconds=5, queue_limit=100)
    for path in ("/a", "/b", "/c", "/d"):
        request(app, path)
    await held.until_inside("/b")
    await settle()
    assert held.inside == ["/a", "/b"]
    assert app.queue().waiting == 2

    held.let_respond("/b")  # its response starts: its place is free for the first one waiting
    await held.until_inside("/c")
    await settle()
    assert held.inside == ["/a", "/b", "/c"]

    held.let_finish("/a")
    await held.until_inside("/d")
    assert app.queue().waiting == 0
    held.let_finish("/a", "/b", "/c", "/d")


async def test_a_request_that_waits_too_long_is_told_to_try_again_in_its_language():
    held = HeldApp()
    app = AdmissionControl(held, places=1, wait_seconds=0.05, queue_limit=100)
    request(app, "/first")
    await held.until_inside("/first")

    _communicator, waiting = request(
        app, "/vote", headers=[(b"hx-request", b"true"), (b"accept-language", b"sv-SE,sv;q=0.9")]
    )
    response = await waiting
    assert response["status"] == 503
    headers = dict(response["headers"])
    assert headers[b"retry-after"] == b"1"
    assert headers[b"content-type"].startswith(b"text/plain")
    assert "Försök igen" in response["body"].decode()
    assert held.inside == ["/first"]  # it never reached the app

    _communicator, page = request(app, "/join", headers=[(b"cookie", b"django_language=en")])
    response = await page
    assert response["status"] == 503
    assert dict(response["headers"])[b"content-type"].startswith(b"text/html")
    assert "Try again in a moment" in response["body"].decode()
    held.let_finish("/first")


async def test_a_full_queue_refuses_at_once_and_a_freed_place_is_used_again():
    held = HeldApp()
    app = AdmissionControl(held, places=1, wait_seconds=5, queue_limit=1)
    request(app, "/inside")
    await held.until_inside("/inside")
    request(app, "/waiting")
    await settle()
    assert app.queue().waiting == 1

    _communicator, refused = request(app, "/one-too-many")
    assert (await refused)["status"] == 503

    held.let_finish("/inside")
    await held.until_inside("/waiting")
    held.let_finish("/waiting")
    await settle()
    assert app.queue().places.locked() is False


class EchoApp:
    """Answers with the whole body it read, as Django would read it."""

    def __init__(self):
        self.entered = []

    async def __call__(self, scope, receive, send):
        self.entered.append(scope["path"])
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})


async def test_a_small_body_is_read_while_waiting_and_handed_on_whole():
    echo = EchoApp()
    app = AdmissionControl(echo, places=1, wait_seconds=5, queue_limit=100)
    queue = app.queue()
    await queue.enter(limit=100, wait_seconds=1)  # the one place is taken
    incoming, sent = asyncio.Queue(), []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/vote", "headers": []}
    request = asyncio.create_task(app(scope, incoming.get, send))
    await incoming.put({"type": "http.request", "body": b"option=", "more_body": True})
    await incoming.put({"type": "http.request", "body": b"3", "more_body": False})
    await settle()
    assert incoming.empty() and echo.entered == []  # all read, still waiting for the place

    queue.leave()
    await request
    assert echo.entered == ["/vote"] and sent[-1]["body"] == b"option=3"


async def test_a_client_gone_while_sending_is_not_let_in():
    echo = EchoApp()
    app = AdmissionControl(echo, places=1, wait_seconds=5, queue_limit=100)
    incoming = asyncio.Queue()
    await incoming.put({"type": "http.request", "body": b"opt", "more_body": True})
    await incoming.put({"type": "http.disconnect"})
    scope = {"type": "http", "method": "POST", "path": "/vote", "headers": []}
    await app(scope, incoming.get, None)
    assert echo.entered == [] and not app.queue().places.locked()


async def test_websockets_and_lifespan_pass_straight_through():
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["type"])

    admission = AdmissionControl(app, places=1, wait_seconds=0, queue_limit=0)
    await admission({"type": "websocket"}, None, None)
    await admission({"type": "lifespan"}, None, None)
    assert seen == ["websocket", "lifespan"]


@pytest.mark.django_db(transaction=True)
async def test_the_application_serves_its_requests_through_admission_control():
    assert isinstance(application.application_mapping["http"], AdmissionControl)
    assert application.application_mapping["http"].places == settings.REQUESTS_IN_FLIGHT
    communicator = HttpCommunicator(application, "GET", "/", headers=[(b"host", b"localhost")])
    response = await communicator.get_response(timeout=10)
    assert response["status"] == 200


def test_a_request_let_in_always_finds_a_pooled_connection():
    pool = settings.DATABASES["default"]["OPTIONS"].get("pool")
    if pool is None:
        pytest.skip("SQLite has no pool")
    assert pool["max_size"] > settings.REQUESTS_IN_FLIGHT  # and some left for the sockets


class ThreadRecordingApp:
    """An ASGI app that runs some sync code per request, as Django does, and notes its thread."""

    def __init__(self):
        self.threads = []

    async def __call__(self, scope, receive, send):
        self.threads.append(await sync_to_async(threading.get_ident, thread_sensitive=True)())
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


async def test_requests_run_on_kept_threads_not_on_a_new_one_each():
    recorder = ThreadRecordingApp()
    app = AdmissionControl(recorder, places=2, wait_seconds=5, queue_limit=100)
    for path in ("/a", "/b", "/c"):
        _communicator, response = request(app, path)
        assert (await response)["status"] == 200
    assert len(set(recorder.threads)) == 1
    assert threading.get_ident() not in recorder.threads
