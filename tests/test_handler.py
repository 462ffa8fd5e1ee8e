"""The ASGI handler: a request's middleware and view run on its thread in one hand-off."""

import pytest
from asgiref import sync
from channels.testing import HttpCommunicator

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
async def test_a_request_goes_to_its_thread_three_times_whatever_its_middleware(path, bridges):
    # Once for the request_started signal, once for the middleware and the view, once for the
    # response's close (the request_finished signal), and never back to the loop in between.
    # Django's own handler crossed seven to ten times with this project's middleware.
    communicator = HttpCommunicator(django_asgi_app, "GET", path, headers=[(b"host", b"localhost")])
    response = await communicator.get_response(timeout=10)
    await communicator.wait(timeout=10)  # the response's close, after its body
    assert response["status"] in (200, 404)
    assert bridges == {"to the thread": 3, "to the loop": 0}
