"""Balans under a hall of phones, next to a bare baseline doing the same job in the same run.

Starts a real Balans server (uvicorn by default, or daphne or granian: ``--server``; several
worker processes with ``--workers``) on free ports with a fresh data folder, seeds the demo
workshop, opens its first dilemma with results revealed, joins N simulated phones over HTTP (each
with its own cookie jar and phone websocket, spread over the workers) plus one projector websocket,
and runs a scenario: a burst of votes, a joining rush with the join page probed, or a restart with
every phone reconnecting. It then runs the same workload against bench/bare_server.py (asyncio +
websockets, the same pacing) and prints a table with the ratios, and one JSON line per server.

    .venv/bin/python bench/votes.py --scenario embedded
    .venv/bin/python bench/votes.py --scenario production \\
        --database-url postgres://... --redis-url redis://...
    .venv/bin/python bench/votes.py --participants 500 --server uvicorn,daphne,granian

bench/README.md says what each number means. The exit status is non-zero only if something failed
(a vote not acknowledged or never shown, a socket dropped, a server that did not start), never
because of a timing.
"""

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
from websockets.typing import Origin

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
APP = "facilitation.asgi:application"
FACILITATOR = "bench-facilitator"
SETUP_TIMEOUT = 180  # seconds for each manage.py command
START_TIMEOUT = 30  # seconds for a server to answer its first request

# How a screen says how many answers it shows: "7 answers so far · results are hidden" before a
# reveal, "7 answers in all" after it (Balans's results partial and the bare server's alike).
RESULTS_TOTAL = re.compile(r"(\d+) answers? (?:in all|so far)")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VOTE_FORM = re.compile(r'action="(/r/[^/"]+/steps/(\d+)/vote/)"')
OPTION_BUTTON = re.compile(r'name="option" value="(\d+)"')

# The ways to serve Balans, each as its command line. Pushed frames are never compressed (a push is
# rendered once and written to thousands of sockets; deflate would cost CPU per socket). "uvicorn"
# is what Makefile, Dockerfile, compose.yaml and the end-to-end tests run; the others are kept to
# compare against (granian has no option for websocket compression and sends none).
SERVERS = {
    # facilitation/serve.py: uvicorn, httptools, websockets (sans-I/O), no per-message deflate.
    "uvicorn": ["-m", "facilitation.serve"],
    "uvicorn-legacy": [
        "-m", "uvicorn", "--http", "httptools", "--ws", "websockets",
        "--ws-per-message-deflate", "false", "--lifespan", "off", "--no-access-log",
        "--timeout-graceful-shutdown", "5",
    ],
    "uvicorn-wsproto": [
        "-m", "uvicorn", "--http", "httptools", "--ws", "wsproto",
        "--ws-per-message-deflate", "false", "--lifespan", "off", "--no-access-log",
        "--timeout-graceful-shutdown", "5",
    ],
    "granian": ["-m", "granian", "--interface", "asgi", "--no-access-log"],
    "daphne": ["-m", "daphne"],
}  # fmt: skip


def server_command(server, port):
    """The command line that serves Balans with ``server`` on 127.0.0.1:``port``."""
    arguments = SERVERS[server]
    if server == "daphne":
        return [sys.executable, *arguments, "--bind", HOST, "--port", str(port), APP]
    if server == "uvicorn":
        return [sys.executable, *arguments, "--host", HOST, "--port", str(port)]
    return [sys.executable, *arguments, "--host", HOST, "--port", str(port), APP]


# The scenarios of the scale issue's targets: (phones, votes, seconds the votes are spread over,
# shape). A shape of "production" needs --database-url and --redis-url.
SCENARIOS = {
    "smoke": dict(participants=20, votes=20, spread=1.0, shape=None),
    "production": dict(participants=2000, votes=2000, spread=10.0, shape="production"),
    "hall": dict(participants=5000, votes=2000, spread=10.0, shape="production"),
    "embedded": dict(participants=1000, votes=1000, spread=10.0, shape="embedded"),
    "joining": dict(participants=2000, votes=0, spread=0.0, shape=None, join_probe=True),
    "restart": dict(participants=2000, votes=0, spread=0.0, shape=None, restart=True),
}

# Run by `manage.py shell -c`: open the demo round on its first dilemma, results revealed.
OPEN_FIRST_DILEMMA = """
import json
from django.contrib.auth import get_user_model
from facilitation.deliberation.demo import demo_key
from facilitation.workshops import services
from facilitation.workshops.models import Round, Step

user = get_user_model().objects.get(username={username!r})
round = Round.objects.get(workshop__demo_key=demo_key("en"))
if round.status != Round.Status.DRAFT:
    raise SystemExit("The demo round has been run before: the benchmark needs an empty database.")
step = round.ordered_steps().filter(kind=Step.Kind.DILEMMA).first()
services.start_round(round, by=user)
services.go_to_step(round, step, by=user)
services.reveal_results(step, by=user)
print(json.dumps({{
    "join_code": round.join_code,
    "projector_key": round.projector_key,
    "step_id": step.pk,
    "option_ids": [option.pk for option in step.options.order_by("position")],
}}))
"""

# Run while the servers are down in the restart scenario: the room moves on to the next dilemma,
# so a phone shows the current state only once it has its snapshot from the restarted server.
NEXT_DILEMMA = """
import json
from django.contrib.auth import get_user_model
from facilitation.deliberation.demo import demo_key
from facilitation.workshops import services
from facilitation.workshops.models import Round, Step

user = get_user_model().objects.get(username={username!r})
round = Round.objects.get(workshop__demo_key=demo_key("en"))
step = round.ordered_steps().filter(kind=Step.Kind.DILEMMA).exclude(pk={step_id}).first()
services.go_to_step(round, step, by=user)
print(json.dumps({{"step_id": step.pk}}))
"""


class BenchError(Exception):
    """Something went wrong that makes the run meaningless (setup, server start)."""


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def pin_cpus():
    """Servers on one core, load generator on another (as DESIGN.md's measurements did).

    Returns the command prefix that pins a server, the server's CPU (None: not pinned) and a
    description.
    """
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2 or not shutil.which("taskset"):
        return [], None, "not pinned (needs 2 CPUs and taskset)"
    server_cpu, client_cpu = cpus[0], cpus[1]
    os.sched_setaffinity(0, {client_cpu})
    description = f"server on CPU {server_cpu}, load generator on CPU {client_cpu}"
    return ["taskset", "-c", str(server_cpu)], server_cpu, description


# Processes ---------------------------------------------------------------------------------------


class Process:
    """A server subprocess with its log; stop() is safe to call twice."""

    def __init__(self, command, env, log_path):
        self.command, self.env, self.log_path = command, env, Path(log_path)
        self.popen = None

    def start(self):
        with open(self.log_path, "ab") as output:
            self.popen = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT
            )
        return self

    @property
    def pid(self):
        return self.popen.pid

    def poll(self):
        return self.popen.poll()

    def stop(self, timeout=10):
        """SIGTERM, then SIGKILL if it lingers; the exit code (negative: killed by a signal)."""
        if self.popen is None or self.popen.poll() is not None:
            return None if self.popen is None else self.popen.returncode
        self.popen.send_signal(signal.SIGTERM)
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(timeout=10)
            return "killed after 10 s"


async def wait_until_serving(url, process):
    deadline = time.monotonic() + START_TIMEOUT
    async with httpx.AsyncClient(timeout=2, trust_env=False) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise BenchError(f"the server exited ({process.poll()}):\n{tail(process.log_path)}")
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(url)).status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise BenchError(f"no answer from {url} within {START_TIMEOUT} s:\n{tail(process.log_path)}")


def tail(path, lines=30):
    text = Path(path).read_text(errors="replace") if Path(path).exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def cpu_seconds(pid):
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_busy_seconds(cpu):
    """Time a CPU has spent busy (with anything) since boot; None if unknown."""
    if cpu is None:
        return None
    for line in Path("/proc/stat").read_text().splitlines():
        name, *ticks = line.split()
        if name == f"cpu{cpu}":
            idle = int(ticks[3]) + int(ticks[4])  # idle + iowait
            return (sum(int(t) for t in ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")
    return None


def process_tree(pid):
    """``pid`` and every process below it (granian serves from a child process)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
    return found


def tree_cpu_seconds(pid):
    total = 0.0
    for member in process_tree(pid):
        with contextlib.suppress(OSError):
            total += cpu_seconds(member)
    return total


def rss_mib(pid):
    """Resident memory of a process and its children."""
    total = 0
    for member in process_tree(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


# The two targets ---------------------------------------------------------------------------------


class Balans:
    """The real app with the project's settings, the demo workshop, its first dilemma."""

    def __init__(self, args, workdir, taskset, server):
        self.server = server
        self.name = f"Balans ({server})"
        self.workers = args.workers
        self.ports = [free_port() for _ in range(args.workers)]
        self.taskset = taskset
        self.workdir = Path(workdir) / server
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, "DEBUG": "0", "LOG_LEVEL": "WARNING"}
        for name in ("DATABASE_URL", "REDIS_URL", "REDIS_PREFIX", "PUBLIC_URL"):
            self.env.pop(name, None)  # the shape is what the flags say, not the ambient env
        self.env.update(
            BALANS_DATA_DIR=str(self.workdir / "data"),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            BALANS_FACILITATOR_USERNAME=FACILITATOR,
            BALANS_FACILITATOR_PASSWORD=secrets.token_urlsafe(16),
        )
        if not args.rate_limits:
            # Every simulated phone comes from 127.0.0.1; see --rate-limits.
            self.env["RATELIMIT_ENABLE"] = "0"
        self.database_url = args.database_url
        if args.database_url:
            self.env["DATABASE_URL"] = self.database_url = fresh_database(args.database_url)
        if args.redis_url:
            self.env["REDIS_URL"] = args.redis_url
            self.env["REDIS_PREFIX"] = f"balans-bench-{secrets.token_hex(4)}"
        self.processes = []

    def base(self, worker=0):
        return f"http://{HOST}:{self.ports[worker]}"

    def manage(self, *arguments):
        command = [sys.executable, "manage.py", *arguments]
        try:
            done = subprocess.run(
                command, cwd=ROOT, env=self.env, capture_output=True, text=True,
                timeout=SETUP_TIMEOUT,
            )  # fmt: skip
        except subprocess.TimeoutExpired as error:
            raise BenchError(f"manage.py {arguments[0]} took over {SETUP_TIMEOUT} s") from error
        if done.returncode:
            raise BenchError(f"manage.py {arguments[0]} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def prepare(self):
        self.manage("migrate", "--noinput")
        self.manage("ensure_facilitator")
        self.manage("seed_demo", "--language", "en", "--facilitator", FACILITATOR)
        output = self.manage("shell", "-c", OPEN_FIRST_DILEMMA.format(username=FACILITATOR))
        opened = json.loads(output.strip().splitlines()[-1])
        self.code = opened["join_code"]
        self.step_id = opened["step_id"]
        self.option_ids = opened["option_ids"]
        self.projector_path = f"/ws/projector/{opened['projector_key']}/"
        self.phone_path = f"/ws/participant/{self.code}/"

    def ws_url(self, path, worker=0):
        return f"ws://{HOST}:{self.ports[worker]}{path}"

    def projector_url(self):
        return self.ws_url(self.projector_path)

    def phone_url(self, phone):
        return self.ws_url(self.phone_path, phone.worker)

    def cleanup(self):
        """Drop the run's database; remove what it left in Redis under its prefix."""
        if "REDIS_URL" in self.env:
            import redis

            with redis.Redis.from_url(self.env["REDIS_URL"]) as client:
                keys = list(client.scan_iter(match=f"{self.env['REDIS_PREFIX']}*"))
                if keys:
                    client.delete(*keys)
        if self.database_url:
            drop_database(self.database_url)

    async def start(self):
        self.processes = []
        for worker, port in enumerate(self.ports):
            command = [*self.taskset, *server_command(self.server, port)]
            log_path = self.workdir / f"worker-{worker}.log"
            self.processes.append(Process(command, self.env, log_path).start())
        for worker, process in enumerate(self.processes):
            await wait_until_serving(self.base(worker) + "/", process)

    def stop(self):
        return [process.stop() for process in self.processes]

    def next_state(self):
        """Move the room on while the servers are down; returns the step phones must now show."""
        output = self.manage(
            "shell", "-c", NEXT_DILEMMA.format(username=FACILITATOR, step_id=self.step_id)
        )
        return json.loads(output.strip().splitlines()[-1])["step_id"]

    def shows_current_state(self, message, state):
        found = VOTE_FORM.search(message if isinstance(message, str) else message.decode())
        return bool(found) and int(found[2]) == state

    async def join(self, phone, gate):
        """Open the join page, join with an empty name, load the phone page: like a phone does."""
        client = phone.client
        page = await client.get(f"/r/{self.code}/")
        expect(page, 200, "the join page")
        form = {"csrfmiddlewaretoken": csrf_token(page), "display_name": ""}
        while True:
            await gate.wait()
            joined = await client.post(f"/r/{self.code}/join/", data=form)
            if joined.status_code != 429:
                break
            gate.refused()
        if joined.status_code == 403:
            raise BenchError("joining answered 403: CSRF, or a rate limit refusing with 403")
        expect(joined, 302, "joining")
        page = await client.get(f"/r/{self.code}/?welcome")
        expect(page, 200, "the phone page")
        vote_form = VOTE_FORM.search(page.text)
        options = [int(pk) for pk in OPTION_BUTTON.findall(page.text)]
        if not vote_form or int(vote_form[2]) != self.step_id or options != self.option_ids:
            raise BenchError("the phone page does not show the dilemma's vote form")
        phone.vote_path = vote_form[1]
        phone.csrf = csrf_token(page)
        cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in client.cookies.jar)
        phone.ws_headers = {"Cookie": cookies}

    def join_page_path(self):
        return f"/r/{self.code}/"

    async def vote(self, phone, pick):
        option = self.option_ids[int(pick * len(self.option_ids))]
        response = await phone.client.post(
            phone.vote_path,
            data={"option": option},
            headers={"HX-Request": "true", "X-CSRFToken": phone.csrf},
        )
        # 200 only when the vote was saved; a refusal says why in an alert, with another status.
        saved = response.status_code == 200 and 'role="alert"' not in response.text
        return saved, response.status_code, retry_after(response)


class Bare:
    """bench/bare_server.py: the same job with asyncio and websockets only, one process."""

    name = "bare"
    server = "bare"
    workers = 1

    def __init__(self, workdir, taskset, options):
        self.port, self.ws_port = free_port(), free_port()
        self.options = options
        self.log_path = Path(workdir) / "bare.log"
        self.command = [*taskset, sys.executable, str(Path(__file__).with_name("bare_server.py"))]
        self.command += ["--http-port", str(self.port), "--ws-port", str(self.ws_port)]
        self.command += ["--options", str(options)]
        self.processes = []

    def base(self, worker=0):
        return f"http://{HOST}:{self.port}"

    def projector_url(self):
        return f"ws://{HOST}:{self.ws_port}/projector"

    def phone_url(self, phone):
        return f"ws://{HOST}:{self.ws_port}/phone"

    def prepare(self):
        pass

    def cleanup(self):
        pass

    async def start(self):
        self.processes = [Process(self.command, os.environ.copy(), self.log_path).start()]
        await wait_until_serving(self.base() + "/", self.processes[0])

    def stop(self):
        return [process.stop() for process in self.processes]

    def next_state(self):
        return None

    def shows_current_state(self, message, state):
        return True  # the bare server keeps no state across a restart: any snapshot will do

    async def join(self, phone, gate):
        expect(await phone.client.get("/"), 200, "the bare page")  # opens the keep-alive connection

    def join_page_path(self):
        return "/"

    async def vote(self, phone, pick):
        option = int(pick * self.options)
        response = await phone.client.post(
            "/vote", data={"participant": phone.index, "option": option}
        )
        return response.status_code == 200, response.status_code, retry_after(response)


def fresh_database(server_url):
    """A new empty PostgreSQL database beside the one ``server_url`` names (dropped at the end)."""
    import psycopg
    from psycopg import sql

    name = f"balans_bench_{secrets.token_hex(4)}"
    admin = re.sub(r"/[^/]*$", "/postgres", server_url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return re.sub(r"/[^/]*$", f"/{name}", server_url)


def drop_database(database_url):
    import psycopg
    from psycopg import sql

    name = database_url.rsplit("/", 1)[1]
    admin = re.sub(r"/[^/]*$", "/postgres", database_url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def expect(response, status, what):
    if response.status_code != status:
        raise BenchError(f"{what} answered {response.status_code}, not {status}")


def csrf_token(page):
    found = CSRF_INPUT.search(page.text)
    if not found:
        raise BenchError(f"no CSRF token on {page.url}")
    return found[1]


# The workload ------------------------------------------------------------------------------------


@dataclass
class Vote:
    participant: int
    offset: float  # seconds after the start of the burst
    pick: float  # which option, as a fraction of the list of options
    sent: float | None = None
    acked: float | None = None
    status: int | None = None
    error: str = ""
    retries: int = 0  # answers of 503 "busy, try again" before this one, sent again as a phone does


PROXY_READ_TIMEOUT = 60.0
# static/balans.js: a phone sends an answer refused with 503 again, up to 5 times.
BUSY_RETRIES = 5


def busy_retry_delay(retries, retry_after, rng):
    """Seconds before the next try, as static/balans.js computes them."""
    return min(16.0, retry_after * 2**retries) * (0.5 + rng.random())


def retry_after(response):
    try:
        return float(response.headers.get("Retry-After", 1))
    except ValueError:
        return 1.0


def vote_schedule(participants, votes, spread, seed):
    """``votes`` participants vote once each, at uniformly random moments within ``spread`` s."""
    rng = random.Random(seed)
    voters = rng.sample(range(participants), votes)
    return [(i, rng.uniform(0, spread), rng.random()) for i in voters]


class Screen:
    """What one websocket received: (arrival time, answer total or None) for each message."""

    def __init__(self):
        self.messages = []
        self.closed = None  # the close code, if the server closed it before we did
        self.current_at = None  # restart: when it first showed the state after the restart

    def latest_total(self):
        return next((t for _, t in reversed(self.messages) if t is not None), None)

    def received_since(self, moment):
        return sum(1 for at, _ in self.messages if at >= moment)


def answer_total(message):
    """The answer count in a pushed message's results fragment, or None if it has none."""
    if isinstance(message, bytes):
        message = message.decode()
    start = message.find('id="results"')
    found = RESULTS_TOTAL.search(message, start) if start >= 0 else None
    return int(found[1]) if found else None


def reconnect_delay(retry, rng):
    """static/balans.js's back-off for the htmx ws extension, in seconds."""
    return min(4.0, 0.25 * 2**retry) * (0.5 + rng.random() / 2)


@dataclass
class Phone:
    index: int
    worker: int
    client: httpx.AsyncClient
    screen: Screen = field(default_factory=Screen)
    vote_path: str = ""
    csrf: str = ""
    ws_headers: dict = field(default_factory=dict)


class JoinGate:
    """Holds all joins back for a moment after a 429 (with --rate-limits, all phones share one
    address and a per-address limit)."""

    def __init__(self, pause=3.0):
        self.pause = pause
        self.open_at = 0.0
        self.refusals = 0

    async def wait(self):
        loop = asyncio.get_running_loop()
        while (delay := self.open_at - loop.time()) > 0:
            await asyncio.sleep(delay)

    def refused(self):
        self.refusals += 1
        self.open_at = max(self.open_at, asyncio.get_running_loop().time() + self.pause)


@dataclass
class Worker:
    """What one server process did: its sockets, CPU and memory."""

    sockets: int = 0
    rss_idle_mib: float = float("nan")
    rss_mib: float = float("nan")
    cpu_seconds: float = float("nan")


@dataclass
class Outcome:
    name: str
    server: str
    votes: list
    projector: Screen
    phones: list
    workers: list = field(default_factory=list)
    burst_start: float = 0.0
    join_seconds: float = 0.0
    join_cpu_seconds: float = 0.0
    join_refusals: int = 0
    join_page_ms: list = field(default_factory=list)
    join_page_errors: int = 0
    restart_exit_codes: list = field(default_factory=list)
    reconnected_99_s: float | None = None  # from the servers answering again
    reconnected_99_from_stop_s: float | None = None
    reconnected: int = 0
    cpu_seconds: float = float("nan")
    others_cpu_seconds: float | None = None  # what other processes ran on the server's CPU
    rss_idle_mib: float = float("nan")
    rss_mib: float = float("nan")
    failures: list = field(default_factory=list)


async def wait_for(condition, timeout):
    """Poll ``condition`` until it holds; False if ``timeout`` seconds pass first."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def all_progressing(coroutines, stall):
    """Run all ``coroutines``; give up if none of them finishes for ``stall`` seconds."""
    pending = {asyncio.ensure_future(c) for c in coroutines}
    try:
        while pending:
            done, pending = await asyncio.wait(
                pending, timeout=stall, return_when=asyncio.FIRST_COMPLETED
            )
            if not done:
                raise TimeoutError(f"{len(pending)} joins made no progress for {stall:.0f} s")
            failures = [task.exception() for task in done if task.exception()]
            if failures:
                raise failures[0]
    finally:
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


class Sockets:
    """The load generator's websockets: each read by its own task, reconnecting like htmx does
    when ``reconnect`` is set (only the restart scenario sets it)."""

    def __init__(self, origin, timeout):
        self.origin, self.timeout = origin, timeout
        self.tasks = []
        self.open = set()
        self.reconnect = False
        self.state = None  # what a screen must show to count as current (restart)
        self.shows_current_state = None
        self.rng = random.Random(7)

    async def open_socket(self, url, screen, headers=None):
        websocket = await connect(
            url, origin=self.origin, additional_headers=headers, open_timeout=self.timeout,
            max_size=None,
        )  # fmt: skip
        self.open.add(websocket)
        self.tasks.append(asyncio.create_task(self.follow(websocket, url, screen, headers)))

    async def follow(self, websocket, url, screen, headers):
        loop = asyncio.get_running_loop()
        retry = 0
        while True:
            try:
                async for message in websocket:
                    screen.messages.append((loop.time(), answer_total(message)))
                    if (
                        self.state is not None
                        and screen.current_at is None
                        and self.shows_current_state(message, self.state)
                    ):
                        screen.current_at = loop.time()
            except ConnectionClosed:
                pass
            self.open.discard(websocket)
            code = websocket.close_code
            if not self.reconnect or code not in (1006, 1011, 1012, 1013, None):
                screen.closed = code
                return
            while True:  # the htmx ws extension's retries, with static/balans.js's back-off
                await asyncio.sleep(reconnect_delay(retry, self.rng))
                retry += 1
                try:
                    websocket = await connect(
                        url, origin=self.origin, additional_headers=headers,
                        open_timeout=self.timeout, max_size=None,
                    )  # fmt: skip
                except (OSError, InvalidHandshake, InvalidStatus, TimeoutError):
                    continue
                self.open.add(websocket)
                retry = 0
                break

    async def close(self):
        await asyncio.gather(*(ws.close() for ws in list(self.open)), return_exceptions=True)
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def probe_join_page(target, outcome, args):
    """GET the join page at --probe-rate requests a second for --probe-seconds, from new clients
    (a person opening the link), while every phone's socket is open."""
    loop = asyncio.get_running_loop()
    count = int(args.probe_rate * args.probe_seconds)
    path = target.join_page_path()

    async def one(i):
        await asyncio.sleep(max(0.0, start + i / args.probe_rate - loop.time()))
        base = target.base(i % target.workers)
        # verify=False as for the phones: building a TLS context per client (for plain HTTP) took
        # about 15 ms of the load generator's loop, and the probes in flight waited for it.
        client = httpx.AsyncClient(
            base_url=base, timeout=args.timeout, trust_env=False, verify=False
        )
        async with client as c:
            sent = loop.time()
            try:
                response = await c.get(path)
            except httpx.HTTPError:
                outcome.join_page_errors += 1
                return
            if response.status_code != 200:
                outcome.join_page_errors += 1
                return
            outcome.join_page_ms.append((loop.time() - sent) * 1000)

    start = loop.time() + 0.1
    await asyncio.gather(*(one(i) for i in range(count)))


async def measure(target, schedule, args):
    loop = asyncio.get_running_loop()
    votes = [Vote(*entry) for entry in schedule]
    phones = []
    outcome = Outcome(target.name, target.server, votes, Screen(), [])
    sockets = Sockets(Origin(target.base()), args.timeout)
    outcome.workers = [Worker() for _ in range(target.workers)]

    def pids():
        return [process.pid for process in target.processes]

    async def join(phone, gate, slots):
        async with slots:
            await target.join(phone, gate)
        await sockets.open_socket(target.phone_url(phone), phone.screen, phone.ws_headers)

    async def cast(phone, vote, start):
        await asyncio.sleep(max(0.0, start + vote.offset - loop.time()))
        vote.sent = loop.time()
        rng = random.Random(f"{args.seed}-{vote.participant}")
        while True:
            try:
                saved, vote.status, after = await target.vote(phone, vote.pick)
            except httpx.HTTPError as error:
                vote.error = f"{type(error).__name__}: {error}"
                return
            if saved:
                vote.acked = loop.time()
                return
            if vote.status != 503 or vote.retries >= BUSY_RETRIES:
                return
            # As static/balans.js does: again after Retry-After, doubling, at a random moment.
            await asyncio.sleep(busy_retry_delay(vote.retries, after, rng))
            vote.retries += 1

    try:
        await sockets.open_socket(target.projector_url(), outcome.projector)
        # Plain HTTP to 127.0.0.1 only: verify=False spares a needless TLS context per phone.
        for index in range(args.participants):
            worker = index % target.workers
            client = httpx.AsyncClient(
                base_url=target.base(worker),
                headers={"Origin": target.base(worker)},
                # A phone's request waits for an answer as long as a proxy lets it (nginx: 60 s);
                # Balans answers "busy, try again" after REQUEST_QUEUE_TIMEOUT (30 s) at the most.
                timeout=httpx.Timeout(args.timeout, read=max(args.timeout, PROXY_READ_TIMEOUT)),
                trust_env=False,
                verify=False,
            )
            phones.append(Phone(index, worker, client))
            outcome.workers[worker].sockets += 1
        outcome.workers[0].sockets += 1  # the projector
        outcome.phones = [phone.screen for phone in phones]
        for worker, pid in zip(outcome.workers, pids(), strict=True):
            worker.rss_idle_mib = rss_mib(pid)
        outcome.rss_idle_mib = sum(w.rss_idle_mib for w in outcome.workers)

        log(f"{target.name}: joining {len(phones)} phones")
        gate, slots = JoinGate(), asyncio.Semaphore(args.join_concurrency)
        started, join_cpu_before = loop.time(), [tree_cpu_seconds(pid) for pid in pids()]
        # A per-minute limit may hold joins back for up to a minute; beyond that, they are stuck.
        await all_progressing([join(phone, gate, slots) for phone in phones], args.timeout + 65)
        outcome.join_seconds = loop.time() - started
        outcome.join_cpu_seconds = sum(map(tree_cpu_seconds, pids())) - sum(join_cpu_before)
        outcome.join_refusals = gate.refusals
        if not await wait_for(lambda: all(p.screen.messages for p in phones), args.timeout):
            outcome.failures.append("not every phone received its snapshot")
        await asyncio.sleep(1.0)  # let the pushes about people joining settle
        for worker, pid in zip(outcome.workers, pids(), strict=True):
            worker.rss_mib = rss_mib(pid)
        outcome.rss_mib = sum(w.rss_mib for w in outcome.workers)

        if args.join_probe:
            log(f"{target.name}: the join page at {args.probe_rate:g}/s with every socket open")
            await probe_join_page(target, outcome, args)

        cpu_before = [tree_cpu_seconds(pid) for pid in pids()]
        busy_before = cpu_busy_seconds(args.server_cpu)
        if votes:
            log(f"{target.name}: {len(votes)} votes over {args.spread} s")
            outcome.burst_start = start = loop.time() + 0.2
            casts = [asyncio.create_task(cast(phones[v.participant], v, start)) for v in votes]
            _done, late = await asyncio.wait(casts, timeout=args.spread + args.timeout + 5)
            for task in late:  # counted as not acknowledged, with the reason
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
            for vote in votes:
                if vote.sent is not None and vote.acked is None and not vote.error:
                    vote.error = vote.error or ("no answer in time" if vote.status is None else "")
            acked = sum(1 for v in votes if v.acked)
            projector = outcome.projector
            if not await wait_for(lambda: (projector.latest_total() or 0) >= acked, args.timeout):
                outcome.failures.append("the projector never showed every acknowledged vote")
            if not await wait_for(
                lambda: all((p.screen.latest_total() or 0) >= acked for p in phones), args.timeout
            ):
                outcome.failures.append("not every phone showed the final results")
        for worker, pid, before in zip(outcome.workers, pids(), cpu_before, strict=True):
            worker.cpu_seconds = tree_cpu_seconds(pid) - before
        outcome.cpu_seconds = sum(w.cpu_seconds for w in outcome.workers)
        if busy_before is not None:
            busy = cpu_busy_seconds(args.server_cpu) - busy_before
            outcome.others_cpu_seconds = max(0.0, busy - outcome.cpu_seconds)
        for screen in (outcome.projector, *outcome.phones):
            if screen.closed is not None:
                outcome.failures.append(f"the server closed a socket ({screen.closed})")
                break

        if args.restart:
            await restart(target, outcome, sockets, phones, args)
    finally:
        await sockets.close()
        await asyncio.gather(*(phone.client.aclose() for phone in phones), return_exceptions=True)
    return outcome


async def restart(target, outcome, sockets, phones, args):
    """Stop every server process mid-round, move the room on, start them again, and time how
    long until 99 % of the phones show the new state."""
    loop = asyncio.get_running_loop()
    log(f"{target.name}: restarting with {len(phones)} phones connected")
    sockets.reconnect = True
    stopped_at = loop.time()
    outcome.restart_exit_codes = await asyncio.to_thread(target.stop)
    state = await asyncio.to_thread(target.next_state)
    sockets.shows_current_state = target.shows_current_state
    for phone in phones:
        phone.screen.current_at = None
    sockets.state = state if state is not None else "any"
    await target.start()
    serving_at = loop.time()
    needed = math.ceil(0.99 * len(phones))

    def current():
        return sum(1 for p in phones if p.screen.current_at is not None)

    await wait_for(lambda: current() >= needed, args.timeout + 30)
    times = sorted(p.screen.current_at for p in phones if p.screen.current_at is not None)
    outcome.reconnected = len(times)
    if len(times) >= needed:
        outcome.reconnected_99_s = times[needed - 1] - serving_at
        outcome.reconnected_99_from_stop_s = times[needed - 1] - stopped_at
    else:
        outcome.failures.append(f"only {len(times)} of {len(phones)} phones caught up")
    # The bare server has no SIGTERM handler: only Balans's exit is a target.
    if target.server != "bare" and any(c not in (0, None) for c in outcome.restart_exit_codes):
        outcome.failures.append(f"a server exited with {outcome.restart_exit_codes} on SIGTERM")


def run(target, schedule, args):
    """Set up, start, measure and stop one target; a failed run is an outcome with failures."""
    log(f"{target.name}: setting up")
    try:
        target.prepare()

        async def start_and_measure():
            await target.start()
            return await measure(target, schedule, args)

        try:
            outcome = asyncio.run(start_and_measure())
        except (BenchError, TimeoutError, httpx.HTTPError, OSError, ConnectionClosed) as error:
            for process in target.processes:
                log(f"{target.name}: server log ends with:\n{tail(process.log_path)}")
            outcome = Outcome(
                target.name, target.server, [Vote(*entry) for entry in schedule], Screen(), []
            )
            outcome.failures.append(f"the run stopped: {type(error).__name__}: {error}")
        for process in target.processes:
            if process.poll() is not None:
                outcome.failures.append(f"a server exited early ({process.poll()})")
        return outcome
    finally:
        codes = target.stop()
        if any(code not in (0, None) for code in codes):
            log(f"{target.name}: exit codes on SIGTERM: {codes}")
        target.cleanup()


# Analysis and report -----------------------------------------------------------------------------


def percentile(values, p):
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class Figures:
    shown_ms: list
    ack_ms: list
    phone_ms: list
    last_sent_to_all_shown_ms: float | None
    send_lag_ms: float


def shown_latencies(acked, messages):
    """For the k-th acknowledged vote, the wait until a screen first showed a total >= k."""
    shown = [(at, total) for at, total in messages if total is not None]
    latencies, missing = [], 0
    for k, vote in enumerate(acked, start=1):
        at = next((at for at, total in shown if total >= k and at >= vote.sent), None)
        if at is None:
            missing += 1
        else:
            latencies.append((at - vote.sent) * 1000)
    return latencies, missing


def analyse(outcome):
    """Latencies, and the checks that make a run a failure (added to ``outcome.failures``)."""
    votes = outcome.votes
    acked = sorted((v for v in votes if v.acked is not None), key=lambda v: v.acked)
    if len(acked) < len(votes) and any(v.sent for v in votes):  # else the run stopped before
        problems = {v.error or f"HTTP {v.status}" for v in votes if v.acked is None}
        outcome.failures.append(
            f"{len(votes) - len(acked)} of {len(votes)} votes not acknowledged "
            f"({', '.join(sorted(problems))})"
        )
    # The tally names no votes, so counts are matched: the k-th acknowledged vote counts as shown
    # at the first projector message after it was sent whose total is at least k.
    shown_ms, missing = shown_latencies(acked, outcome.projector.messages)
    if missing and votes:
        outcome.failures.append(f"{missing} acknowledged votes never reached the projector")
    final = outcome.projector.latest_total()
    if acked and final != len(acked):
        outcome.failures.append(f"the projector ended at {final} answers, not {len(acked)}")
    # Phones: the same matching on a sample of them (every 50th, so 5,000 phones stay cheap).
    phone_ms = []
    for screen in outcome.phones[:: max(1, len(outcome.phones) // 40)]:
        phone_ms.extend(shown_latencies(acked, screen.messages)[0])
    shown = [(at, total) for at, total in outcome.projector.messages if total is not None]
    all_shown = next((at for at, total in shown if acked and total >= len(acked)), None)
    sent = [v.sent - (outcome.burst_start + v.offset) for v in votes if v.sent is not None]
    return Figures(
        shown_ms=shown_ms,
        ack_ms=[(v.acked - v.sent) * 1000 for v in acked],
        phone_ms=phone_ms,
        last_sent_to_all_shown_ms=(
            (all_shown - max(v.sent for v in acked)) * 1000 if all_shown is not None else None
        ),
        send_lag_ms=max(sent, default=0.0) * 1000,
    )


def load_average():
    return " ".join(f"{load:.1f}" for load in os.getloadavg())


def number(value, digits=0):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}"


def divide(a, b):
    """``a / b``, or None where the ratio would mean nothing: a value missing or not a number, or
    a baseline of zero or less (the bare server's phones may catch up before it serves again)."""
    if a is None or b is None or any(isinstance(x, float) and math.isnan(x) for x in (a, b)):
        return None
    if b <= 0:
        return None
    return a / b


def ratio(a, b):
    value = divide(a, b)
    return f"{value:.2f}" if value is not None else "–"


def per_socket_kib(outcome):
    sockets = len(outcome.phones) + 1
    grown = outcome.rss_mib - outcome.rss_idle_mib
    return grown * 1024 / sockets if sockets else None


def summary(args, outcome, figures, bare, bare_figures):
    """The JSON line of one server's run, with its ratios to the bare server of the same run."""
    acked = sum(1 for v in outcome.votes if v.acked)
    showing = sum(1 for s in outcome.phones if acked and s.latest_total() == acked)
    line = {
        "scenario": args.scenario,
        "server": outcome.server,
        "workers": args.workers if outcome.server != "bare" else 1,
        "shape": args.shape_name if outcome.server != "bare" else "bare",
        "phones": len(outcome.phones),
        "votes": len(outcome.votes),
        "acknowledged": acked,
        "acknowledged_first_try": sum(1 for v in outcome.votes if v.acked and not v.retries),
        "busy_retries": sum(v.retries for v in outcome.votes),
        "projector_final": outcome.projector.latest_total(),
        "phones_showing_final": showing,
        "failures": outcome.failures,
    }
    for key, values in (("projector", "shown_ms"), ("phones", "phone_ms"), ("ack", "ack_ms")):
        for p in (50, 95, 99):
            mine = percentile(getattr(figures, values), p)
            theirs = percentile(getattr(bare_figures, values), p)
            line[f"{key}_p{p}_ms"] = None if mine is None else round(mine, 1)
            if outcome is not bare:
                ratio_value = divide(mine, theirs)
                line[f"{key}_p{p}_ratio"] = None if ratio_value is None else round(ratio_value, 2)
    cpu_per_vote = divide(outcome.cpu_seconds * 1000, len(outcome.votes))
    line["cpu_ms_per_vote"] = None if cpu_per_vote is None else round(cpu_per_vote, 2)
    line["rss_mib"] = round(outcome.rss_mib, 1)
    kib = per_socket_kib(outcome)
    line["rss_kib_per_socket"] = None if kib is None else round(kib, 1)
    if outcome is not bare:
        socket_ratio = divide(kib, per_socket_kib(bare))
        line["rss_per_socket_ratio"] = None if socket_ratio is None else round(socket_ratio, 2)
    line["join_seconds"] = round(outcome.join_seconds, 1)
    line["join_cpu_ms_per_phone"] = round(outcome.join_cpu_seconds * 1000 / len(outcome.phones), 2)
    line["join_refusals"] = outcome.join_refusals
    if args.join_probe:
        p95 = percentile(outcome.join_page_ms, 95)
        line["join_page_p95_ms"] = None if p95 is None else round(p95, 1)
        line["join_page_errors"] = outcome.join_page_errors
    if args.restart:
        line["restart_exit_codes"] = outcome.restart_exit_codes
        line["reconnected"] = outcome.reconnected
        for key in ("reconnected_99_s", "reconnected_99_from_stop_s"):
            value = getattr(outcome, key)
            line[key] = None if value is None else round(value, 2)
    line["workers_detail"] = [
        {
            "sockets": w.sockets,
            "cpu_s": round(w.cpu_seconds, 2),
            "rss_mib": round(w.rss_mib, 1),
        }
        for w in outcome.workers
    ]
    return line


def report(args, pinning, load_before, outcomes):
    """Print the table (every server beside the bare one, with ratios) and the JSON lines."""
    *balans, bare = outcomes
    figures = [analyse(o) for o in outcomes]
    *balans_figures, bare_figures = figures
    rows = []

    def add(label, values, ratios=True):
        """``values``: one raw number per outcome (bare last); printed with ratios to bare."""
        cells = []
        for value in values[:-1]:
            cells.append(value[0] if isinstance(value, tuple) else number(value))
            if ratios:
                cells.append("" if isinstance(value, tuple) else ratio(value, values[-1]))
            else:
                cells.append("")
        last = values[-1]
        cells.append(last[0] if isinstance(last, tuple) else number(last))
        rows.append((label, *cells))

    def latency(title, key):
        for p in (50, 95, 99, 100):
            label = f"{title if p == 50 else '':<26}{'max' if p == 100 else f'p{p}':>4}"
            add(label, [percentile(getattr(f, key), p) for f in figures])

    def text(label, make):
        add(label, [(make(o),) for o in outcomes], ratios=False)

    if any(o.votes for o in outcomes):
        latency("vote → projector (ms)", "shown_ms")
        latency("vote → phones (ms)", "phone_ms")
        latency("HTTP acknowledgement (ms)", "ack_ms")
        add(
            "last vote sent → projector shows all (ms)",
            [f.last_sent_to_all_shown_ms for f in figures],
        )
        text("votes acknowledged", lambda o: f"{sum(1 for v in o.votes if v.acked)}/{len(o.votes)}")
        text(
            "  of them at the first try",
            lambda o: f"{sum(1 for v in o.votes if v.acked and not v.retries)}",
        )
        text("503 busy answers, sent again", lambda o: str(sum(v.retries for v in o.votes)))
        text("projector's final total", lambda o: number(o.projector.latest_total()))

        def showing_final(o):
            acked = sum(1 for v in o.votes if v.acked)
            return f"{sum(1 for s in o.phones if s.latest_total() == acked)}/{len(o.phones)}"

        text("phones showing the final total", showing_final)
        text("messages to the projector from the burst on",
             lambda o: str(o.projector.received_since(o.burst_start)))  # fmt: skip

        def phone_messages(o):
            counts = [s.received_since(o.burst_start) for s in o.phones]
            if not counts:
                return "–"
            return f"{min(counts)} / {sum(counts) / len(counts):.1f} / {max(counts)}"

        text("messages per phone, min / mean / max", phone_messages)
        add("server CPU from the burst on (s)", [(number(o.cpu_seconds, 2),) for o in outcomes])
        add("server CPU per vote (ms)",
            [divide(o.cpu_seconds * 1000, len(o.votes)) for o in outcomes])  # fmt: skip
        add("other processes on the server's CPU (s)",
            [(number(o.others_cpu_seconds, 2),) for o in outcomes], ratios=False)  # fmt: skip
        add("load generator: worst send lag (ms)", [(number(f.send_lag_ms),) for f in figures])
    add("server RSS before joining (MiB)", [(number(o.rss_idle_mib, 1),) for o in outcomes])
    add("server RSS, all sockets open (MiB)", [o.rss_mib for o in outcomes])
    add("RSS per socket (KiB)", [per_socket_kib(o) for o in outcomes])
    add("joining: seconds", [o.join_seconds for o in outcomes])
    add("joining: server CPU per phone (ms)",
        [divide(o.join_cpu_seconds * 1000, len(o.phones)) for o in outcomes])  # fmt: skip
    text("joining: 429 refusals", lambda o: str(o.join_refusals))
    if args.join_probe:
        for p in (50, 95, 99):
            add(f"join page p{p} (ms), sockets open",
                [percentile(o.join_page_ms, p) for o in outcomes])  # fmt: skip
        text("join page errors", lambda o: str(o.join_page_errors))
    if args.restart:
        text("restart: exit codes on SIGTERM", lambda o: ",".join(map(str, o.restart_exit_codes)))
        add("restart: 99 % current, from serving (s)", [o.reconnected_99_s for o in outcomes])
        add("restart: 99 % current, from SIGTERM (s)",
            [o.reconnected_99_from_stop_s for o in outcomes])  # fmt: skip
        text("restart: phones caught up", lambda o: f"{o.reconnected}/{len(o.phones)}")
    if args.workers > 1:
        for index in range(args.workers):

            def detail(o, index=index):
                if index >= len(o.workers):
                    return ""
                w = o.workers[index]
                return f"{w.sockets} / {w.cpu_seconds:.1f} / {w.rss_mib:.0f}"

            text(f"worker {index}: sockets / CPU s / RSS MiB", detail)

    header = ["", *[x for o in balans for x in (o.name, "÷ bare")], "bare"]
    print(
        f"\nBalans bench, scenario {args.scenario}: {args.participants} phones, "
        f"{args.votes} votes within {args.spread:g} s (seed {args.seed}); "
        f"{args.join_concurrency} join at once"
    )
    print(f"Balans: {args.shape_name}, {args.workers} worker(s) · bare: bench/bare_server.py")
    print(f"{pinning} · rate limits {'on' if args.rate_limits else 'off (RATELIMIT_ENABLE=0)'}")
    print(f"load average before / after: {load_before} / {load_average()}\n")
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
    for cells in (header, *rows):
        line = f"{cells[0]:<{widths[0]}}"
        for cell, width in zip(cells[1:], widths[1:], strict=True):
            line += f"  {cell:>{width}}"
        print(line.rstrip())
    failures = [(o.name, f) for o in outcomes for f in o.failures]
    print()
    for name, failure in failures:
        print(f"FAILED ({name}): {failure}")
    if not failures:
        print("Every check held: votes acknowledged and shown, no socket dropped, clean exits.")
    lines = [
        summary(args, o, f, bare, bare_figures)
        for o, f in zip([*balans, bare], [*balans_figures, bare_figures], strict=True)
    ]
    print()
    for line in lines:
        print(json.dumps(line, ensure_ascii=False))
    if args.json_out:
        with open(args.json_out, "a") as output:
            for line in lines:
                output.write(json.dumps(line, ensure_ascii=False) + "\n")
    return not failures


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scenario",
        choices=["custom", *SCENARIOS],
        default="custom",
        help="a target of the scale issue (sets phones, votes and spread; flags given win)",
    )
    parser.add_argument("--participants", type=int, help="phones (default 200)")
    parser.add_argument("--votes", type=int, help="how many phones vote (default: all)")
    parser.add_argument("--spread", type=float, help="seconds within which the votes are sent")
    parser.add_argument("--seed", type=int, default=1, help="seed of the vote schedule")
    parser.add_argument(
        "--join-concurrency", type=int, default=16, help="phones joining at once (default 16)"
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds for any one wait")
    parser.add_argument(
        "--server",
        default="uvicorn",
        help=f"comma-separated, each run in turn beside the bare one: {', '.join(SERVERS)}",
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes, phones spread over them"
    )
    parser.add_argument("--database-url", help="a PostgreSQL server (a fresh database is made)")
    parser.add_argument("--redis-url", help="Redis for the channel layer and cache")
    parser.add_argument(
        "--rate-limits",
        action="store_true",
        help="keep Balans's rate limits on (all phones share 127.0.0.1, so joins wait for them)",
    )
    parser.add_argument("--probe-rate", type=float, default=50.0, help="join page requests/s")
    parser.add_argument("--probe-seconds", type=float, default=10.0)
    parser.add_argument("--json-out", help="append the JSON lines to this file too")
    args = parser.parse_args()
    preset = SCENARIOS.get(args.scenario, {})
    args.participants = args.participants or preset.get("participants", 200)
    args.votes = args.votes if args.votes is not None else preset.get("votes", args.participants)
    args.spread = args.spread if args.spread is not None else preset.get("spread", 3.0)
    args.join_probe = preset.get("join_probe", False)
    args.restart = preset.get("restart", False)
    args.servers = [s.strip() for s in args.server.split(",") if s.strip()]
    unknown = [s for s in args.servers if s not in SERVERS]
    if unknown:
        parser.error(f"unknown --server {', '.join(unknown)}; choose from {', '.join(SERVERS)}")
    shape = preset.get("shape")
    if shape == "production" and not (args.database_url and args.redis_url):
        parser.error(f"--scenario {args.scenario} needs --database-url and --redis-url")
    if shape == "embedded" and (args.database_url or args.redis_url):
        parser.error(f"--scenario {args.scenario} is the embedded shape: no database or Redis URL")
    if args.workers > 1 and not args.redis_url:
        parser.error("--workers above 1 needs --redis-url (workers share the channel layer)")
    if args.workers > 1 and not args.database_url:
        parser.error("--workers above 1 needs --database-url (workers share the database)")
    if args.participants < 1 or args.join_concurrency < 1 or args.spread < 0:
        parser.error("--participants and --join-concurrency must be at least 1, --spread >= 0")
    if not 0 <= args.votes <= args.participants:
        parser.error("--votes must be between 0 and --participants")
    args.shape_name = (
        ("PostgreSQL" if args.database_url else "SQLite")
        + ", "
        + ("channels-redis" if args.redis_url else "in-memory channel layer")
    )
    return args


def main():
    args = parse_args()
    load_before = load_average()
    taskset, args.server_cpu, pinning = pin_cpus()
    schedule = vote_schedule(args.participants, args.votes, args.spread, args.seed)
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="balans-bench-") as workdir:
        options = 3
        for server in args.servers:
            balans = Balans(args, workdir, taskset, server)
            try:
                outcomes.append(run(balans, schedule, args))
            except BenchError as error:
                print(f"FAILED ({balans.name}): {error}", file=sys.stderr)
                return 1
            options = len(getattr(balans, "option_ids", [])) or options
        outcomes.append(run(Bare(workdir, taskset, options), schedule, args))
    ok = report(args, pinning, load_before, outcomes)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
