"""Which address a request comes from, and whether it came over HTTPS, behind a reverse proxy.

``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed only when the connection itself comes
from one of ``settings.TRUSTED_PROXIES`` (networks such as ``10.0.0.5/32``; none by default).
From anyone else they are removed, so a client that reaches a worker directly cannot choose its
own address (and escape every per-address limit) or claim HTTPS. From a trusted proxy,
``REMOTE_ADDR`` becomes the client's address: the right-most hop of ``X-Forwarded-For`` that is not
itself a trusted proxy. Every per-address limit (django-ratelimit, django-axes, the join-code
throttle) reads ``REMOTE_ADDR``, so they all see the same address.
"""

import ipaddress
from functools import lru_cache

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.utils.decorators import sync_and_async_middleware

FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")


@lru_cache(maxsize=8)
def _networks(proxies):
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _parse(address):
    try:
        return ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return None


def is_trusted_proxy(address):
    ip = _parse(address or "")
    return ip is not None and any(ip in net for net in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(peer, forwarded_for):
    """The client's address: ``peer`` itself unless it is a trusted proxy, else the nearest hop of
    ``forwarded_for`` that is not one (a malformed hop stops the walk at the last good one)."""
    hops = [hop.strip() for hop in (forwarded_for or "").split(",") if hop.strip()]
    address = peer
    while hops and is_trusted_proxy(address):
        hop = _parse(hops.pop())
        if hop is None:
            break
        address = str(hop)
    return address


def resolve_client(request):
    meta = request.META
    peer = meta.get("REMOTE_ADDR", "")
    if is_trusted_proxy(peer):
        meta["REMOTE_ADDR"] = client_address(peer, meta.get("HTTP_X_FORWARDED_FOR", ""))
    else:
        for header in FORWARDED_HEADERS:
            meta.pop(header, None)


def request_address(request):
    """The client address every limit uses (after ``TrustedProxyMiddleware``)."""
    return request.META.get("REMOTE_ADDR", "")


@sync_and_async_middleware
def trusted_proxy_middleware(get_response):
    """First in MIDDLEWARE: settles the client's address before anything reads it."""
    if iscoroutinefunction(get_response):

        async def middleware(request):
            resolve_client(request)
            return await get_response(request)

    else:

        def middleware(request):
            resolve_client(request)
            return get_response(request)

    return middleware
