"""Guessing join codes is throttled per address; joining with a valid code is not.

A whole hall shares the venue's one public address, so joins of a code that exists are never
limited. What is limited is the lookup of codes that do not exist: ``UNKNOWN_CODE_LIMIT`` a minute
per address (typing ``/?code=``, opening ``/r/<code>/...``). Past it, that address gets "wait a
minute" for every code lookup, valid or not (otherwise the refusal itself would tell a guesser which
codes exist), except from browsers that already take part in the round's workshop. The entropy
arithmetic is in docs/security.md.
"""

from django.core.cache import cache
from django.http import Http404
from django.shortcuts import render
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _

from facilitation.proxies import request_address
from facilitation.workshops.models import Round, normalise_code

from .identity import participant_from_cookies

UNKNOWN_CODE_LIMIT = 60
UNKNOWN_CODE_WINDOW = 60


class UnknownJoinCode(Http404):
    """No round has this join code (counted as a guess)."""


def _key(request):
    return f"unknown-codes:{request_address(request)}"


def count_unknown_code(request):
    key = _key(request)
    cache.add(key, 0, UNKNOWN_CODE_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, UNKNOWN_CODE_WINDOW)


def guessing_from(request):
    # ``or 0``: with Redis away the cache answers None, and the throttle pauses.
    return (cache.get(_key(request)) or 0) >= UNKNOWN_CODE_LIMIT


def _code_of(request, view_kwargs):
    if "code" in view_kwargs:
        return view_kwargs["code"]
    match = request.resolver_match
    if match is not None and match.url_name == "home":
        return request.GET.get("code")
    return None


def _takes_part(request, code):
    round = Round.objects.filter(join_code=normalise_code(code)).only("workshop_id").first()
    return round is not None and participant_from_cookies(request.COOKIES, round.workshop_id)


def too_many_guesses(request):
    message = _(
        "Too many unknown workshop codes were tried from this network in the last minute. "
        "Wait a minute, then check the code on the screen and try again."
    )
    return render(request, "error.html", {"message": message}, status=429)


class JoinCodeGuessingMiddleware(MiddlewareMixin):
    """Counts lookups of unknown codes and, past the limit, refuses that address's lookups."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        code = _code_of(request, view_kwargs)
        if code and guessing_from(request) and not _takes_part(request, code):
            return too_many_guesses(request)
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, UnknownJoinCode):
            count_unknown_code(request)
        return None
