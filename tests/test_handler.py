"""The ASGI handler: a request's middleware and view run on its thread in one hand-off."""

import pytest
from asgiref import sync
from channels.testing import HttpCommunicator
from django.core import signals
from django.http import StreamingHttpResponse
from django.urls import path as route

from facilitation.asgi import django_asgi_app


def test_the_middleware_chain_is_built_to_run_on_the_thread():
    assert not sync.iscoroutinefunction(django_asgi_app._middleware_chain)


@pytest.fixture
def bridges(monkeypatch):
    """Counts the crossings between the event loop and a request's thread, each way."""
    crossed = {"to the thread": 0, "to the loop": 0}

    def counting(cls, way):
        call = cls.__call__

        def counted(self, *args, **kwargs):
            crossed[way] += 1
            return call(self, *args, **kwargs)

        monkeypatch.setattr(cls, "__call__", counted)

    counting(sync.SyncToAsync, "to the thread")
    counting(sync.AsyncToSync, "to the loop")
    return crossed


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/", "/r/NOSUCH/"])
async def test_a_request_goes_to_its_thread_once_whatever_its_middleware(path, bridges):
    # The request_started signal, the middleware and the view, and the response's close (the
    # request_finished signal) in one crossing, and never back to the loop in between. Django's
    # own handler crossed seven to ten times with this project's middleware.
    finished = []
    signals.request_finished.connect(
        lambda **kwargs: finished.append(kwargs["sender"]), weak=False, dispatch_uid="counted"
    )
    try:
        communicator = HttpCommunicator(
            django_asgi_app, "GET", path, headers=[(b"host", b"localhost")]
        )
        response = await communicator.get_response(timeout=10)
        await communicator.wait(timeout=10)
    finally:
        signals.request_finished.disconnect(dispatch_uid="counted")
    assert response["status"] in (200, 404)
    assert bridges == {"to the thread": 1, "to the loop": 0}
    assert len(finished) == 1  # the response was closed, once


async def parts():
    for part in (b"first ", b"second"):
        yield part


def streaming_view(request):
    return StreamingHttpResponse(parts())


urlpatterns = [route("stream/", streaming_view)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("tests.test_handler")
async def test_a_streaming_response_is_closed_after_its_body_is_sent():
    # Recorded as the handler hands each message on, so the order is the handler's own, not
    # which of this coroutine and the request's thread happened to run first.
    events, body = [], []
    signals.request_finished.connect(
        lambda **kwargs: events.append("finished"), weak=False, dispatch_uid="streamed"
    )
    requests = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive():
        return requests.pop(0) if requests else {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.body":
            body.append(message.get("body", b""))
            if not message.get("more_body"):
                events.append("sent")

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/stream/",
        "raw_path": b"/stream/",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"localhost")],
        "client": ("127.0.0.1", 40000),
        "server": ("localhost", 80),
    }
    try:
        await django_asgi_app(scope, receive, send)
    finally:
        signals.request_finished.disconnect(dispatch_uid="streamed")
    assert b"".join(body) == b"first second"
    assert events == ["sent", "finished"]
