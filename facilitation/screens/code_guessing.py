"""Guessing join codes is throttled per address; joining with a valid code is not.

A whole hall shares the venue's one public address, so joins of a code that exists are never
limited. What is limited is the lookup of codes that do not exist: ``UNKNOWN_CODE_LIMIT`` a minute
per address (typing ``/?code=``, opening ``/r/<code>/...``). Past it, that address gets "wait a
minute" for every code lookup, valid or not (otherwise the refusal itself would tell a guesser which
codes exist), except from browsers that already take part in the round's workshop. The entropy
arithmetic is in docs/security.md.
"""

import time

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


# A hall sends every request from one address: its count is read from the cache at most once a
# second per process, not once per request. This process's own counting is seen at once.
RECOUNT_SECONDS = 1.0
_counted = {}  # address -> (when read, by time.monotonic(); unknown codes then)


def _key(address):
    return f"unknown-codes:{address}"


def count_unknown_code(request):
    address = request_address(request)
    key = _key(address)
    cache.add(key, 0, UNKNOWN_CODE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, count := 1, UNKNOWN_CODE_WINDOW)
    _remember(address, count)


def guessing_from(request):
    address = request_address(request)
    when, count = _counted.get(address, (None, 0))
    if when is None or time.monotonic() - when >= RECOUNT_SECONDS:
        # ``or 0``: with Redis away the cache answers None, and the throttle pauses.
        count = _remember(address, cache.get(_key(address)) or 0)
    return count >= UNKNOWN_CODE_LIMIT


def _remember(address, count):
    if len(_counted) >= 10_000:  # many addresses: start again rather than grow
        _counted.clear()
    _counted[address] = (time.monotonic(), count)
    return count


def forget_counts():
    """Read every address's count from the cache again (after the cache was cleared)."""
    _counted.clear()


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
