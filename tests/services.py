"""Where the tests find PostgreSQL, Redis and Chromium, and what happens when one is missing.

Outside CI a missing service skips the tests that need it, with the reason. With
REQUIRE_SERVICES=1 (as .ci/run sets) a missing service fails them instead.
Run as a script (``python tests/services.py postgres URL``) it exits 0 when the service answers.
"""

import os
import shutil
import sys
from urllib.parse import urlparse

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# The REFI-QDA Project schema (QDA-XML 1.0, https://www.qdasoftware.org) is reference material the
# project does not ship: REFI_SCHEMA names it, else it is looked for beside the checkout.
_REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFI_SCHEMA_PLACES = [
    os.environ.get("REFI_SCHEMA", ""),
    os.path.join(os.path.dirname(_REPOSITORY), "shared", "refi", "Project.xsd"),
    "/work/shared/refi/Project.xsd",
]


def refi_schema():
    """The path of the REFI-QDA Project schema on this machine, or None."""
    return next((place for place in REFI_SCHEMA_PLACES if place and os.path.isfile(place)), None)


def services_required():
    return os.environ.get("REQUIRE_SERVICES") == "1"


def redis_answers(url=REDIS_URL):
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def postgres_answers(url=POSTGRES_URL):
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=2) as connection:
            connection.execute("select 1")
        return True
    except psycopg.Error:
        return False


def chromium_present():
    return bool(shutil.which(CHROMIUM))


def require(what, available):
    """Skip (or, in CI, fail) the calling test when ``what`` is not available."""
    import pytest

    if available:
        return
    reason = f"{what} is not available on this machine"
    if services_required():
        pytest.fail(f"{reason}, but REQUIRE_SERVICES=1 says it must be", pytrace=False)
    pytest.skip(reason)


def postgres_admin_url(url=POSTGRES_URL):
    return urlparse(url)._replace(path="/postgres").geturl()


if __name__ == "__main__":
    kind, url = sys.argv[1], sys.argv[2]
    answers = {"postgres": postgres_answers, "redis": redis_answers}[kind](url)
    sys.exit(0 if answers else 1)
