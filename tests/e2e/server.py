"""Real Balans servers for end-to-end tests: server subprocesses, their data, and HTTP clients.

Nothing here is mocked: each server is ``python -m facilitation.serve`` (what ``make run`` and the
Docker image run) in its own process, set up with the same management commands an operator runs.
"""

import contextlib
import html
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import httpx
import psycopg
import redis
from psycopg import sql

from tests.services import postgres_admin_url

ROOT = Path(__file__).resolve().parents[2]
FACILITATOR = "e2e-facilitator"
FACILITATOR_PASSWORD = "a long end-to-end pass phrase"
TIMEOUT = 10.0

# Variables of the developer's shell that would point the servers somewhere else.
FOREIGN_VARIABLES = {
    "DATABASE_URL",
    "REDIS_URL",
    "REDIS_PREFIX",
    "SECRET_KEY",
    "DEBUG",
    "PUBLIC_URL",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_COOKIES",
    "TRUST_X_FORWARDED_PROTO",
    "TRUSTED_PROXIES",
    "BALANS_ENV",
    "BALANS_DATA_DIR",
}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(data_dir, *, database_url=None, redis_url=None, redis_prefix=None):
    """The environment of one deployment; servers sharing it share their data."""
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN_VARIABLES}
    env.update(
        BALANS_DATA_DIR=str(data_dir),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        BALANS_FACILITATOR_USERNAME=FACILITATOR,
        BALANS_FACILITATOR_PASSWORD=FACILITATOR_PASSWORD,
        DJANGO_SETTINGS_MODULE="facilitation.settings",
        PYTHONUNBUFFERED="1",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    if redis_url:
        env.update(REDIS_URL=redis_url, REDIS_PREFIX=redis_prefix or f"e2e-{uuid.uuid4().hex[:8]}")
    return env


def manage(env, *args, timeout=60):
    """Run ``manage.py`` with ``args`` in ``env``; return its stdout, or fail with its output."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(args)} exited with {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def set_up_deployment(env):
    """What ``make run`` does before serving: schema, facilitator account, demo workshop."""
    manage(env, "migrate", "--noinput")
    manage(env, "ensure_facilitator")
    manage(env, "seed_demo", "--facilitator", FACILITATOR)


def create_postgres_database(server_url, *, template=None):
    """A new database next to the one ``server_url`` names, empty or a copy of the database
    ``template`` (a URL; nobody may be connected to it); returns its URL."""
    name = f"balans_e2e_{uuid.uuid4().hex[:12]}"
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        template_name = urlparse(template).path.lstrip("/")
        create += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template_name))
    with psycopg.connect(postgres_admin_url(server_url), autocommit=True, connect_timeout=5) as db:
        db.execute(create)
    return urlparse(server_url)._replace(path=f"/{name}").geturl()


def drop_postgres_database(database_url):
    name = urlparse(database_url).path.lstrip("/")
    assert name.startswith("balans_e2e_"), f"refusing to drop {name}"
    with psycopg.connect(
        postgres_admin_url(database_url), autocommit=True, connect_timeout=5
    ) as db:
        # FORCE: a server killed mid-test may leave connections behind.
        db.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def forget_redis_prefix(redis_url, prefix):
    """Delete what a deployment left in Redis under its prefix (groups, channels, cache)."""
    connection = redis.Redis.from_url(redis_url, socket_timeout=5)
    try:
        keys = list(connection.scan_iter(match=f"*{prefix}*", count=500))
        if keys:
            connection.delete(*keys)
    finally:
        connection.close()


# Printed as JSON by `manage.py shell`, so tests address the demo round by its real ids.
_ROUND_FACTS = """
import json
from facilitation.deliberation.demo import demo_key
from facilitation.workshops.models import Round
round = Round.objects.get(workshop__demo_key=demo_key(%(language)r))
print(json.dumps({
    "id": round.pk,
    "workshop_id": round.workshop_id,
    "title": round.title,
    "join_code": round.join_code,
    "projector_key": round.projector_key,
    "status": round.status,
    "current_step": round.current_step_id,
    "steps": [
        {
            "id": step.pk,
            "kind": step.kind,
            "title": step.title,
            "body": step.body,
            "options": [{"id": o.pk, "label": o.label} for o in step.options.order_by("position")],
        }
        for step in round.ordered_steps()
    ],
}))
"""

_RESPONSES = """
import json
from facilitation.deliberation.models import Response
print(json.dumps(sorted(
    [r.participant_id, r.option_id]
    for r in Response.objects.filter(step_id={step_id})
)))
"""


def shell(env, script):
    """Run Python in ``manage.py shell`` (the deployment's settings and database)."""
    return manage(env, "shell", "--no-imports", "--no-startup", "-c", script)


def demo_round(env, language="en"):
    """The demo round as the database has it now (ids, codes, status, steps and options)."""
    return json.loads(shell(env, _ROUND_FACTS % {"language": language}))


def first_dilemma(facts):
    return next(step for step in facts["steps"] if step["kind"] == "dilemma")


def responses(env, step_id):
    """``[participant id, option id]`` of every stored response to a step."""
    return json.loads(shell(env, _RESPONSES.format(step_id=int(step_id))))


_FACILITATE = """
import json
from django.contrib.auth import get_user_model
from facilitation.workshops import services
from facilitation.workshops.models import Round, Step
by = get_user_model().objects.get(username=%(username)r)
round = Round.objects.get(pk=%(round_id)d)
for function, step_id in json.loads(%(actions)r):
    step = Step.objects.get(pk=step_id, round=round) if step_id else None
    if function == "start_round":
        services.start_round(round, by=by)
    elif function == "go_to_step":
        services.go_to_step(round, step, by=by)
    else:
        getattr(services, function)(step, by=by)
"""


def facilitate(env, round_id, *actions):
    """Act as the facilitator through the domain functions, from a process of its own.

    Each action is ``(function name in workshops.services, step id or None)``, e.g.
    ``("start_round", None), ("go_to_step", 7), ("reveal_results", 7)``. Its pushes go through
    the deployment's channel layer like those of a server process.
    """
    script = _FACILITATE % {
        "username": FACILITATOR,
        "round_id": int(round_id),
        "actions": json.dumps(actions),
    }
    shell(env, script)


class BalansServer:
    """One server process serving Balans on 127.0.0.1:``port``, its output kept in a log file."""

    def __init__(self, env, port=None, *, name="balans", log_dir=None):
        self.env = env
        self.port = port or free_port()
        self.name = name
        self.log_path = Path(log_dir or env["BALANS_DATA_DIR"]) / f"{name}-{self.port}.log"
        self.process = None
        self._log = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self):
        return f"ws://127.0.0.1:{self.port}"

    def manage(self, *args, timeout=60):
        return manage(self.env, *args, timeout=timeout)

    def start(self, timeout=20):
        self._log = open(self.log_path, "a")  # noqa: SIM115 (closed in stop())
        self._log.write(f"--- starting {self.name} on port {self.port}\n")
        self._log.flush()
        started_at = self._log.tell()
        command = [sys.executable, "-m", "facilitation.serve", "--port", str(self.port)]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        # Ready once this process says it listens (not some other one on the port) and answers.
        listening = f"running on http://127.0.0.1:{self.port}".encode()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited at start:\n{self.log()}")
            if listening in self.log_path.read_bytes()[started_at:]:
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(self.url + "/", timeout=1).status_code == 200:
                        return self
            time.sleep(0.1)
        self.stop(signal.SIGKILL)
        raise AssertionError(f"{self.name} did not answer within {timeout} s:\n{self.log()}")

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Stop the process with ``sig`` (SIGKILL if it lingers); return its exit code."""
        if self.process is None:
            return None
        process, self.process = self.process, None
        if process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout)
        self._log.write(f"--- {self.name} stopped with exit code {process.returncode}\n")
        self._log.close()
        return process.returncode

    def log(self):
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""


class Phone:
    """A participant's phone speaking plain HTTP: cookies kept, CSRF answered like htmx does."""

    def __init__(self, server):
        self.client = httpx.Client(base_url=server.url, timeout=TIMEOUT)
        self.join_code = None

    def close(self):
        self.client.close()

    def join(self, join_code, display_name=""):
        join_page = self.client.get(f"/r/{join_code}/")
        assert join_page.status_code == 200, text_of(join_page.text)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', join_page.text)
        assert token, "the join page has no CSRF token in its form"
        response = self.client.post(
            f"/r/{join_code}/join/",
            data={"csrfmiddlewaretoken": token.group(1), "display_name": display_name},
            follow_redirects=True,
        )
        assert response.status_code == 200, text_of(response.text)
        assert "Your personal code" in response.text
        self.join_code = join_code
        return response

    def vote(self, step_id, option_id):
        """Tap an option: the answer is the step's answer section the phone swaps in."""
        return self.client.post(
            f"/r/{self.join_code}/steps/{step_id}/vote/",
            data={"option": str(option_id)},
            headers={"HX-Request": "true", "X-CSRFToken": self.client.cookies["csrftoken"]},
        )


def chosen_option(fragment):
    """The option id a phone's fragment (its stage, or a vote's answer) shows as chosen, or None."""
    match = re.search(r'value="(\d+)" class="option" aria-pressed="true"', fragment)
    return int(match.group(1)) if match else None


def text_of(fragment):
    """The visible text of an HTML fragment, whitespace collapsed (good enough for assertions)."""
    without_tags = re.sub(r"<[^>]+>", " ", fragment)
    return " ".join(html.unescape(without_tags).split())
