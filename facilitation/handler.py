"""Django's ASGI handler with a request's middleware and view on its thread in one hand-off.

Django's own ASGI handler builds its middleware chain for the event loop. Most of this project's
middleware (and all its views) are synchronous, so a request went back and forth between the
loop and its thread several times: into the thread for the outer middleware, back to the loop
where a synchronous-only one sits, into the thread again for each ``process_view`` and for the
view, and back. Each hand-off waits for the loop, which in a hall is busy with thousands of
sockets, and for the interpreter's lock. Here the chain is built synchronously and runs once on
the request's thread, as under WSGI; the loop only reads the request and sends the response.

A view that is a coroutine still works (Django runs it on the loop from the thread).
"""

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler


class OneHandOffASGIHandler(ASGIHandler):
    def __init__(self):
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)

    async def get_response_async(self, request):
        # Thread-sensitive: the request's thread, where its database connection lives.
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)


def get_asgi_application():
    """As ``django.core.asgi.get_asgi_application``, with the handler above."""
    django.setup(set_prefix=False)
    return OneHandOffASGIHandler()
