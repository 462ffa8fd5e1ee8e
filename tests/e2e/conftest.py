"""Fixtures that start real Balans servers (and a real Chromium) and always clean up after them."""

import contextlib
import shutil
import uuid

import pytest

from tests.e2e.server import (
    BalansServer,
    create_postgres_database,
    drop_postgres_database,
    forget_redis_prefix,
    server_env,
    set_up_deployment,
)
from tests.services import (
    CHROMIUM,
    POSTGRES_URL,
    REDIS_URL,
    chromium_present,
    postgres_answers,
    redis_answers,
    require,
)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Generous: a screen that is right passes at once; two browser tests share the cores.
EXPECT_TIMEOUT_MS = 15_000
ACTION_TIMEOUT_MS = 20_000


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test shows the logs of its servers and what its browser pages complained about."""
    report = yield
    if report.failed:
        for server in getattr(item, "balans_servers", []):
            report.sections.append(
                (f"log of {server.name} ({server.port})", server.log()[-30_000:])
            )
        for page_name, lines in getattr(item, "browser_console", {}).items():
            report.sections.append((f"browser console of {page_name}", "\n".join(lines)))
    return report


# Setting a deployment up (migrate, the facilitator, the demo) takes three management commands:
# seconds each time. It is done once per test session into a template, and each test gets a copy
# of its own (a copied data folder; a PostgreSQL database created from the template), so every test
# still starts from a deployment no other test has touched.


@pytest.fixture(scope="session")
def sqlite_deployment_template(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("sqlite-deployment") / "data"
    set_up_deployment(server_env(data_dir))
    return data_dir


@pytest.fixture
def sqlite_deployment(tmp_path, sqlite_deployment_template):
    """The embedded default: SQLite in a fresh data dir, in-memory channel layer; set up."""
    shutil.copytree(sqlite_deployment_template, tmp_path / "data")
    return server_env(tmp_path / "data")


@pytest.fixture(scope="session")
def postgres_deployment_template(tmp_path_factory):
    """A set-up PostgreSQL database that tests copy (``CREATE DATABASE ... TEMPLATE``)."""
    require("PostgreSQL", postgres_answers())
    database_url = create_postgres_database(POSTGRES_URL)
    try:
        data_dir = tmp_path_factory.mktemp("postgres-deployment") / "data"
        set_up_deployment(server_env(data_dir, database_url=database_url))
        yield database_url
    finally:
        drop_postgres_database(database_url)


@pytest.fixture
def postgres_redis_deployment(tmp_path, postgres_deployment_template):
    """The production shape: a fresh PostgreSQL database and a Redis prefix of its own; set up."""
    require("Redis", redis_answers())
    database_url = create_postgres_database(POSTGRES_URL, template=postgres_deployment_template)
    prefix = f"balans-e2e-{uuid.uuid4().hex[:8]}"
    env = server_env(
        tmp_path / "data", database_url=database_url, redis_url=REDIS_URL, redis_prefix=prefix
    )
    try:
        yield env
    finally:
        drop_postgres_database(database_url)
        forget_redis_prefix(REDIS_URL, prefix)


@pytest.fixture
def start_server(request, tmp_path):
    """``start_server(env, port=None, name=...)`` starts a server; every one is stopped afterwards.

    Request it after the deployment fixture, so the servers stop before their database goes.
    """
    servers = request.node.balans_servers = []

    def start(env, port=None, name="balans"):
        server = BalansServer(env, port, name=name, log_dir=tmp_path)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@contextlib.contextmanager
def launched_chromium(extra_args=()):
    """A headless Chromium (the system one: Playwright never downloads its own here)."""
    require("Chromium", chromium_present())
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[*CHROMIUM_ARGS, *extra_args],
            timeout=30_000,
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def chromium():
    with launched_chromium() as browser:
        yield browser


class Pages:
    """Opens pages, each in a browser context of its own, and keeps what their consoles said."""

    def __init__(self, browser):
        self.browser = browser
        self.contexts = []
        self.console = {}  # page name -> lines

    def __call__(self, name, **context_options):
        # The pages' words are asserted in English, whatever the machine's locale.
        context = self.browser.new_context(**{"locale": "en-US", **context_options})
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        self.contexts.append(context)
        page = context.new_page()
        lines = self.console.setdefault(name, [])

        def on_console(message):
            lines.append(f"{message.type}: {message.text} ({message.location.get('url', '')})")

        page.on("console", on_console)
        page.on("pageerror", lambda error: lines.append(f"uncaught: {error}"))
        return page

    def errors(self):
        """Errors the pages logged (a CSP refusal, say)."""
        return {
            name: found
            for name, lines in self.console.items()
            if (found := [line for line in lines if line.startswith(("error", "uncaught"))])
        }

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def new_page(request, chromium):
    """``new_page(name, **context_options)``: a page in a fresh browser context."""
    pages = Pages(chromium)
    request.node.browser_console = pages.console
    yield pages
    pages.close()
