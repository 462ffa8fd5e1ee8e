"""X-Forwarded-For and X-Forwarded-Proto are believed only from the configured proxies."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from facilitation.proxies import client_address, trusted_proxy_middleware

PROXY = "10.0.0.5"


@pytest.fixture
def behind_a_proxy(settings):
    settings.TRUSTED_PROXIES = [f"{PROXY}/32", "fd00::/8"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def seen(peer, forwarded_for=None, proto=None):
    """The request as the views see it, after the middleware."""
    headers = {}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    if proto is not None:
        headers["HTTP_X_FORWARDED_PROTO"] = proto
    request = RequestFactory().get("/", REMOTE_ADDR=peer, **headers)
    trusted_proxy_middleware(lambda request: HttpResponse())(request)
    return request


class TestWithoutProxies:
    def test_a_client_cannot_choose_its_address(self, settings):
        settings.TRUSTED_PROXIES = []
        request = seen("198.51.100.7", forwarded_for="203.0.113.1")
        assert request.META["REMOTE_ADDR"] == "198.51.100.7"
        assert "HTTP_X_FORWARDED_FOR" not in request.META

    def test_a_client_cannot_claim_https(self, settings):
        settings.TRUSTED_PROXIES = []
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        assert not seen("198.51.100.7", proto="https").is_secure()


class TestBehindAProxy:
    def test_the_proxy_names_the_client(self, behind_a_proxy):
        assert seen(PROXY, forwarded_for="203.0.113.1").META["REMOTE_ADDR"] == "203.0.113.1"

    def test_the_proxy_says_https(self, behind_a_proxy):
        assert seen(PROXY, proto="https").is_secure()

    def test_a_client_reaching_a_worker_directly_is_not_believed(self, behind_a_proxy):
        request = seen("198.51.100.7", forwarded_for="203.0.113.1", proto="https")
        assert request.META["REMOTE_ADDR"] == "198.51.100.7"
        assert not request.is_secure()

    def test_an_address_the_client_put_in_front_is_ignored(self, behind_a_proxy):
        # The proxy appends the address it saw; what the client sent stands to its left.
        request = seen(PROXY, forwarded_for="1.2.3.4, 203.0.113.1")
        assert request.META["REMOTE_ADDR"] == "203.0.113.1"

    def test_chained_trusted_proxies_are_walked_through(self, behind_a_proxy):
        assert client_address(PROXY, "203.0.113.1, fd00::2") == "203.0.113.1"

    def test_a_malformed_hop_stops_at_the_last_good_address(self, behind_a_proxy):
        assert client_address(PROXY, "203.0.113.1, not-an-address") == PROXY

    def test_no_forwarded_header_leaves_the_proxy_address(self, behind_a_proxy):
        assert seen(PROXY).META["REMOTE_ADDR"] == PROXY
