"""Django's ASGI handler with a whole request on its thread in one hand-off.

Django's own ASGI handler builds its middleware chain for the event loop. Most of this project's
middleware (and all its views) are synchronous, so a request went back and forth between the
loop and its thread several times: into the thread for the request_started signal, for the outer
middleware, back to the loop where a synchronous-only one sits, into the thread again for each
``process_view`` and for the view, and once more for the response's close. Each hand-off waits
for the loop, which in a hall is busy with thousands of sockets, and for the interpreter's lock.
Here the chain is built synchronously, and the request's whole synchronous part (the signal, the
middleware and view, the close of a response whose body is ready) runs on the request's thread in
one go, as under WSGI; the loop only reads the request and sends the response.

A streaming response (a download) is closed after its body is sent, as Django does. A view that
is a coroutine still works (Django runs it on the loop from the thread).
"""

import django
from asgiref.sync import sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.http import FileResponse
from django.urls import set_script_prefix


class OneHandOffASGIHandler(ASGIHandler):
    def __init__(self):
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)

    async def handle(self, scope, receive, send):
        """Django's ``ASGIHandler.handle``, with one hand-off to the request's thread."""
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(get_script_prefix(scope))
        try:
            # Thread-sensitive: the request's thread, where its database connection lives.
            response = await sync_to_async(self.respond, thread_sensitive=True)(scope, body_file)
            await self.send_response(response, send)
            if response.streaming:
                await sync_to_async(response.close, thread_sensitive=True)()
        finally:
            body_file.close()

    def respond(self, scope, body_file):
        """The response to the request read into ``body_file``, on the request's thread.

        Effects: sends Django's request_started signal and, unless the response streams (its
        body is still to be made), closes the response, which sends request_finished."""
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self.get_response(request)
            response._handler_class = self.__class__
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size  # the server chunks it again anyway
        if not response.streaming:
            response.close()
        return response


def get_asgi_application():
    """As ``django.core.asgi.get_asgi_application``, with the handler above."""
    django.setup(set_prefix=False)
    return OneHandOffASGIHandler()
