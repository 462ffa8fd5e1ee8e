"""When the database cannot serve a request in time: "busy, try again" (503), never a 500.

A request waits for the database (a connection of the pool on PostgreSQL, the write lock on
SQLite) up to ``DATABASE_TIMEOUT``. If that runs out, or the database is briefly unreachable, the
request's transaction has rolled back, so nothing was acknowledged: the answer is 503 with
``Retry-After``, and the phone sends an answer again by itself (``static/balans.js``).
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 1


def busy_message():
    return _("The server is busy and did not save this. Try again in a moment.")


class BusyDatabaseMiddleware:
    """Turns the database's "not now" (pool timeout, database locked, connection lost) into 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return busy_response(request, exception)


def busy_response(request, exception):
    """The 503 "try again" for a database that could not serve (None for any other error).

    The middleware asks this of a view's error; the 500 handler (``errors.server_error``) of an
    error raised before or around the view, in another middleware."""
    if not isinstance(exception, OperationalError | InterfaceError):
        return None
    logger.warning(
        "Busy database: %s %s answered 503 (%s)", request.method, request.path, exception
    )
    if request.headers.get("HX-Request"):
        # htmx does not swap a 503 in; balans.js retries or says why in the notice.
        response = HttpResponse(busy_message(), status=503, content_type="text/plain")
    else:
        response = render(request, "error.html", {"message": busy_message()}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
