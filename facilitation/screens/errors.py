"""Error pages that say what happened in words, never with a stack trace."""

import sys

from django.shortcuts import render
from django.utils.translation import gettext as _

from .overload import busy_response


def _error(request, message, status):
    return render(request, "error.html", {"message": message}, status=status)


def bad_request(request, exception=None):
    return _error(request, _("The request could not be understood. Go back and try again."), 400)


def forbidden(request, exception=None):
    return _error(
        request,
        _("You are not allowed to do this. If the page was open a long time, reload and retry."),
        403,
    )


def not_found(request, exception=None):
    return _error(request, _("There is nothing here. Check the address or the workshop code."), 404)


def server_error(request):
    # Called while the error is being handled: a database that could not serve, even from a
    # middleware outside the view, is "busy, try again" (503) as it is from a view.
    busy = busy_response(request, sys.exc_info()[1])
    if busy is not None:
        return busy
    return _error(
        request,
        _("Something went wrong on our side. Nothing you saved is lost; reload and try again."),
        500,
    )


def csrf_failure(request, reason=""):
    return _error(
        request,
        _("This form had expired. Reload the page and try again; nothing was changed."),
        403,
    )
