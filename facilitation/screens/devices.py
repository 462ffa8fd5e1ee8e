"""Logins: what django-axes is told about known devices, and what a locked-out person sees.

django-axes (settings: ``AXES_*``) counts failed logins on every login form, the console's and the
admin's, per username *and* address together. So that a guesser at the venue's shared address cannot
lock a facilitator out either, a browser that has logged in to an account before keeps a signed,
HttpOnly "known device" cookie for it, and axes lets that browser try that account's password even
while the name is locked at its address. A known device's own wrong passwords have a budget
(``DEVICE_FAILURE_LIMIT`` per cool-off); past it the browser counts as unknown again.
"""

import secrets

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core import signing
from django.core.cache import cache
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.translation import gettext as _

DEVICE_COOKIE = "balans_device"
DEVICE_MAX_AGE = 90 * 24 * 3600
DEVICE_FAILURE_LIMIT = 10
_SALT = "balans.known-device"


def remember_device(response, user):
    """Mark this browser as one ``user`` has logged in from (after a successful login)."""
    value = {"user": user.get_username(), "device": secrets.token_urlsafe(12)}
    response.set_cookie(
        DEVICE_COOKIE,
        signing.get_cookie_signer(salt=_SALT).sign_object(value),
        max_age=DEVICE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _device_of(request, username):
    """The id of this browser's known-device cookie for ``username``, or None."""
    raw = request.COOKIES.get(DEVICE_COOKIE) if request is not None else None
    if not raw or not username:
        return None
    try:
        value = signing.get_cookie_signer(salt=_SALT).unsign_object(raw, max_age=DEVICE_MAX_AGE)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(value, dict) or value.get("user") != username:
        return None
    return value.get("device")


def _failures_key(device):
    return f"login-device-failures:{device}"


def _username(request, credentials):
    name = (credentials or {}).get("username")
    if name is None and request is not None:
        name = request.POST.get("username")
    return name


def is_known_device(request, credentials):
    """AXES_WHITELIST_CALLABLE: a browser this account logged in from, within its own budget."""
    device = _device_of(request, _username(request, credentials))
    return device is not None and (cache.get(_failures_key(device)) or 0) < DEVICE_FAILURE_LIMIT


@receiver(user_login_failed, dispatch_uid="balans-known-device-failures")
def count_device_failure(sender, credentials, request=None, **kwargs):
    # The failure signal is the one place every login form (console, admin) reports to.
    device = _device_of(request, _username(request, credentials))
    if device is None:
        return
    key = _failures_key(device)
    cache.add(key, 0, int(settings.AXES_COOLOFF_TIME.total_seconds()))
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, int(settings.AXES_COOLOFF_TIME.total_seconds()))


def locked_out(request, *args, **kwargs):
    """AXES_LOCKOUT_CALLABLE: the login page again, saying why and what to do (429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _(
        "Too many failed attempts for this name from this address. Wait %(minutes)d minutes "
        "and try again, log in from a device you have used before, or ask an operator to "
        "unlock the account."
    ) % {"minutes": minutes}
    form = AuthenticationForm(request, initial={"username": _username(request, None) or ""})
    context = {"form": form, "locked_out": message, "next": request.POST.get("next", "")}
    return render(request, "registration/login.html", context, status=429)
