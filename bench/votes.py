"""Vote-to-projector latency of Balans under a burst of votes, next to a bare baseline.

Starts a real Balans server (daphne) on a free port with a fresh data folder, seeds the demo
workshop, opens its first dilemma with results revealed, joins N simulated phones over HTTP (each
with its own cookie jar and phone websocket) plus one projector websocket, and sends every phone's
vote on a seeded, bursty schedule. It then runs the same workload, same schedule, against
bench/bare_server.py (asyncio + websockets, the same pacing) and prints both with their ratio.

    .venv/bin/python bench/votes.py --participants 200
    .venv/bin/python bench/votes.py --database-url postgres://... --redis-url redis://...

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
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
FACILITATOR = "bench-facilitator"
SETUP_TIMEOUT = 180  # seconds for each manage.py command
START_TIMEOUT = 30  # seconds for a server to answer its first request

# How a screen says how many answers it shows: "7 answers so far · results are hidden" before a
# reveal, "7 answers in all" after it (Balans's results partial and the bare server's alike).
RESULTS_TOTAL = re.compile(r"(\d+) answers? (?:in all|so far)")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VOTE_FORM = re.compile(r'action="(/r/[^/"]+/steps/(\d+)/vote/)"')
OPTION_BUTTON = re.compile(r'name="option" value="(\d+)"')

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


class BenchError(Exception):
    """Something went wrong that makes the run meaningless (setup, server start)."""


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def pin_cpus():
    """Server on one core, load generator on another (as DESIGN.md's measurements did).

    Returns the command prefix that pins the server, the server's CPU (None: not pinned) and a
    description.
    """
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2 or not shutil.which("taskset"):
        return [], None, "not pinned (needs 2 CPUs and taskset)"
    server_cpu, client_cpu = cpus[0], cpus[1]
    os.sched_setaffinity(0, {client_cpu})
    description = f"server on CPU {server_cpu}, load generator on CPU {client_cpu}"
    return ["taskset", "-c", str(server_cpu)], server_cpu, description


# Servers -----------------------------------------------------------------------------------------


@contextlib.contextmanager
def running(command, env, log_path):
    """A server subprocess that is always stopped, whatever happens meanwhile."""
    with open(log_path, "wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


async def wait_until_serving(url, process, log_path):
    deadline = time.monotonic() + START_TIMEOUT
    async with httpx.AsyncClient(timeout=2, trust_env=False) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise BenchError(f"the server exited ({process.returncode}):\n{tail(log_path)}")
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(url)).status_code == 200:
                    return
            await asyncio.sleep(0.2)
    raise BenchError(f"the server did not answer {url} within {START_TIMEOUT} s:\n{tail(log_path)}")


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


def rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Balans:
    """The real app: daphne with the project's settings, the demo workshop, its first dilemma."""

    name = "Balans"
    ready_path = "/"

    def __init__(self, args, workdir, taskset):
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.taskset = taskset
        self.log_path = Path(workdir) / "balans.log"
        self.env = {**os.environ, "DEBUG": "0", "LOG_LEVEL": "WARNING"}
        for name in ("DATABASE_URL", "REDIS_URL", "REDIS_PREFIX", "PUBLIC_URL"):
            self.env.pop(name, None)  # the shape is what the flags say, not the ambient env
        self.env.update(
            BALANS_DATA_DIR=str(Path(workdir) / "balans-data"),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            BALANS_FACILITATOR_USERNAME=FACILITATOR,
            BALANS_FACILITATOR_PASSWORD=secrets.token_urlsafe(16),
        )
        if args.database_url:
            self.env["DATABASE_URL"] = args.database_url
        if args.redis_url:
            self.env["REDIS_URL"] = args.redis_url
            self.env["REDIS_PREFIX"] = f"balans-bench-{secrets.token_hex(4)}"
        self.shape = (
            ("PostgreSQL" if args.database_url else "SQLite")
            + ", "
            + ("channels-redis" if args.redis_url else "in-memory channel layer")
        )

    def manage(self, *arguments):
        command = [sys.executable, "manage.py", *arguments]
        try:
            done = subprocess.run(
                command,
                cwd=ROOT,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=SETUP_TIMEOUT,
            )
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
        self.projector_url = f"ws://{HOST}:{self.port}/ws/projector/{opened['projector_key']}/"
        self.phone_url = f"ws://{HOST}:{self.port}/ws/participant/{self.code}/"

    def cleanup(self):
        """Remove what the run left in Redis: channel groups last a day, rate counts a minute."""
        if "REDIS_URL" not in self.env:
            return
        import redis

        with redis.Redis.from_url(self.env["REDIS_URL"]) as client:
            keys = list(client.scan_iter(match=f"{self.env['REDIS_PREFIX']}*"))
            if keys:
                client.delete(*keys)

    def server(self):
        command = [*self.taskset, sys.executable, "-m", "daphne"]
        command += ["--bind", HOST, "--port", str(self.port), "facilitation.asgi:application"]
        return running(command, self.env, self.log_path)

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

    async def vote(self, phone, pick):
        option = self.option_ids[int(pick * len(self.option_ids))]
        response = await phone.client.post(
            phone.vote_path,
            data={"option": option},
            headers={"HX-Request": "true", "X-CSRFToken": phone.csrf},
        )
        # 200 only when the vote was saved; a refusal says why in an alert, with another status.
        saved = response.status_code == 200 and 'role="alert"' not in response.text
        return saved, response.status_code


class Bare:
    """bench/bare_server.py: the same job with asyncio and websockets only."""

    name = "bare"
    ready_path = "/"

    def __init__(self, workdir, taskset, options):
        self.port, ws_port = free_port(), free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.options = options
        self.log_path = Path(workdir) / "bare.log"
        self.command = [*taskset, sys.executable, str(Path(__file__).with_name("bare_server.py"))]
        self.command += ["--http-port", str(self.port), "--ws-port", str(ws_port)]
        self.command += ["--options", str(options)]
        self.projector_url = f"ws://{HOST}:{ws_port}/projector"
        self.phone_url = f"ws://{HOST}:{ws_port}/phone"

    def prepare(self):
        pass

    def cleanup(self):
        pass

    def server(self):
        return running(self.command, os.environ.copy(), self.log_path)

    async def join(self, phone, gate):
        expect(await phone.client.get("/"), 200, "the bare page")  # opens the keep-alive connection

    async def vote(self, phone, pick):
        option = int(pick * self.options)
        response = await phone.client.post(
            "/vote", data={"participant": phone.index, "option": option}
        )
        return response.status_code == 200, response.status_code


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


def vote_schedule(participants, spread, seed):
    """Every participant votes once, at a uniformly random moment within ``spread`` seconds."""
    rng = random.Random(seed)
    return [(i, rng.uniform(0, spread), rng.random()) for i in range(participants)]


class Screen:
    """What one websocket received: (arrival time, answer total or None) for each message."""

    def __init__(self):
        self.messages = []
        self.closed = None  # the close code, if the server closed it before we did

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


async def follow(websocket, screen):
    loop = asyncio.get_running_loop()
    try:
        async for message in websocket:
            screen.messages.append((loop.time(), answer_total(message)))
    except ConnectionClosed:
        pass
    screen.closed = websocket.close_code


@dataclass
class Phone:
    index: int
    client: httpx.AsyncClient
    screen: Screen = field(default_factory=Screen)
    vote_path: str = ""
    csrf: str = ""
    ws_headers: dict = field(default_factory=dict)


class JoinGate:
    """Holds all joins back for a moment after a 429.

    Balans limits joins per IP address (600 a minute when this was written) and every simulated
    phone comes from 127.0.0.1, so joining more phones than that waits for the next window.
    """

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
class Outcome:
    name: str
    votes: list
    projector: Screen
    phones: list
    burst_start: float = 0.0
    join_seconds: float = 0.0
    join_refusals: int = 0
    cpu_seconds: float = float("nan")
    others_cpu_seconds: float | None = None  # what other processes ran on the server's CPU
    rss_mib: float = float("nan")
    failures: list = field(default_factory=list)


async def wait_for(condition, timeout):
    """Poll ``condition`` until it holds; False if ``timeout`` seconds pass first."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.01)
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


async def measure(target, process, schedule, args):
    loop = asyncio.get_running_loop()
    votes = [Vote(*entry) for entry in schedule]
    phones, sockets, readers = [], [], []
    outcome = Outcome(target.name, votes, Screen(), [])
    origin = Origin(target.base)

    async def open_socket(url, screen, headers=None):
        websocket = await connect(
            url, origin=origin, additional_headers=headers, open_timeout=args.timeout
        )
        sockets.append(websocket)
        readers.append(asyncio.create_task(follow(websocket, screen)))

    async def join(phone, gate, slots):
        async with slots:
            await target.join(phone, gate)
        await open_socket(target.phone_url, phone.screen, phone.ws_headers)

    async def cast(phone, vote, start):
        await asyncio.sleep(max(0.0, start + vote.offset - loop.time()))
        vote.sent = loop.time()
        try:
            saved, vote.status = await target.vote(phone, vote.pick)
        except httpx.HTTPError as error:
            vote.error = f"{type(error).__name__}: {error}"
            return
        if saved:
            vote.acked = loop.time()

    try:
        await open_socket(target.projector_url, outcome.projector)
        # Plain HTTP to 127.0.0.1 only: verify=False spares a needless TLS context per phone.
        for index in range(args.participants):
            client = httpx.AsyncClient(
                base_url=target.base,
                headers={"Origin": target.base},
                timeout=args.timeout,
                trust_env=False,
                verify=False,
            )
            phones.append(Phone(index, client))
        outcome.phones = [phone.screen for phone in phones]

        log(f"{target.name}: joining {len(phones)} phones")
        gate, slots = JoinGate(), asyncio.Semaphore(args.join_concurrency)
        started = loop.time()
        # A per-minute limit may hold joins back for up to a minute; beyond that, they are stuck.
        await all_progressing([join(phone, gate, slots) for phone in phones], args.timeout + 65)
        outcome.join_seconds = loop.time() - started
        outcome.join_refusals = gate.refusals
        if not await wait_for(lambda: all(p.screen.messages for p in phones), args.timeout):
            outcome.failures.append("not every phone received its snapshot")
        await asyncio.sleep(1.0)  # let the pushes about people joining settle
        outcome.rss_mib = rss_mib(process.pid)

        log(f"{target.name}: {len(votes)} votes over {args.spread} s")
        cpu_before, busy_before = cpu_seconds(process.pid), cpu_busy_seconds(args.server_cpu)
        outcome.burst_start = start = loop.time() + 0.2
        async with asyncio.timeout(args.spread + args.timeout + 5):
            await asyncio.gather(*(cast(phones[v.participant], v, start) for v in votes))
        acked = sum(1 for v in votes if v.acked)
        projector = outcome.projector
        if not await wait_for(lambda: (projector.latest_total() or 0) >= acked, args.timeout):
            outcome.failures.append("the projector never showed every acknowledged vote")
        if not await wait_for(
            lambda: all((p.screen.latest_total() or 0) >= acked for p in phones), args.timeout
        ):
            outcome.failures.append("not every phone showed the final results")
        outcome.cpu_seconds = cpu_seconds(process.pid) - cpu_before
        if busy_before is not None:
            busy = cpu_busy_seconds(args.server_cpu) - busy_before
            outcome.others_cpu_seconds = max(0.0, busy - outcome.cpu_seconds)
        for screen in (outcome.projector, *outcome.phones):
            if screen.closed is not None:
                outcome.failures.append(f"the server closed a socket ({screen.closed})")
                break
    finally:
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
        for reader in readers:
            reader.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
        await asyncio.gather(*(phone.client.aclose() for phone in phones), return_exceptions=True)
    return outcome


def run(target, schedule, args):
    """Set up, start, measure and stop one server; a failed run is an outcome with failures."""
    log(f"{target.name}: setting up")
    try:
        target.prepare()
        with target.server() as process:
            outcome = measure_or_fail(target, process, schedule, args)
            if process.poll() is not None:
                outcome.failures.append(f"the server exited early ({process.returncode})")
        return outcome
    finally:
        target.cleanup()


def measure_or_fail(target, process, schedule, args):
    async def start_and_measure():
        await wait_until_serving(target.base + target.ready_path, process, target.log_path)
        return await measure(target, process, schedule, args)

    try:
        return asyncio.run(start_and_measure())
    except (BenchError, TimeoutError, httpx.HTTPError, OSError, ConnectionClosed) as error:
        log(f"{target.name}: server log ends with:\n{tail(target.log_path)}")
        outcome = Outcome(target.name, [Vote(*entry) for entry in schedule], Screen(), [])
        outcome.failures.append(f"the run stopped: {type(error).__name__}: {error}")
        return outcome


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
    last_sent_to_all_shown_ms: float | None
    send_lag_ms: float


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
    shown = [(at, total) for at, total in outcome.projector.messages if total is not None]
    shown_ms, missing = [], 0
    # The tally names no votes, so counts are matched: the k-th acknowledged vote counts as shown
    # at the first projector message after it was sent whose total is at least k.
    for k, vote in enumerate(acked, start=1):
        at = next((at for at, total in shown if total >= k and at >= vote.sent), None)
        if at is None:
            missing += 1
        else:
            shown_ms.append((at - vote.sent) * 1000)
    if missing:
        outcome.failures.append(f"{missing} acknowledged votes never reached the projector")
    final = outcome.projector.latest_total()
    if acked and final != len(acked):
        outcome.failures.append(f"the projector ended at {final} answers, not {len(acked)}")
    all_shown = next((at for at, total in shown if acked and total >= len(acked)), None)
    sent = [v.sent - (outcome.burst_start + v.offset) for v in votes if v.sent is not None]
    return Figures(
        shown_ms=shown_ms,
        ack_ms=[(v.acked - v.sent) * 1000 for v in acked],
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


def ratio(a, b):
    return f"{a / b:.2f}" if a is not None and b else "–"


def report(args, pinning, shape, load_before, balans, bare):
    fb, fr = analyse(balans), analyse(bare)
    n = args.participants
    rows = []

    def latency(title, key):
        for p in (50, 95, 99, 100):
            a, b = percentile(getattr(fb, key), p), percentile(getattr(fr, key), p)
            label = f"{title if p == 50 else '':<26}{'max' if p == 100 else f'p{p}':>4}"
            rows.append((label, number(a), number(b), ratio(a, b)))

    def row(label, a, b):
        rows.append((label, a, b, ""))

    def phone_messages(outcome):
        counts = [
            sum(1 for at, _ in screen.messages if at >= outcome.burst_start)
            for screen in outcome.phones
        ]
        if not counts:
            return "–"
        return f"{min(counts)} / {sum(counts) / len(counts):.1f} / {max(counts)}"

    def showing_final(outcome):
        acked = sum(1 for v in outcome.votes if v.acked)
        showing = sum(1 for s in outcome.phones if s.latest_total() == acked)
        return f"{showing}/{len(outcome.phones)}"

    latency("vote → projector (ms)", "shown_ms")
    latency("HTTP acknowledgement (ms)", "ack_ms")
    a, b = fb.last_sent_to_all_shown_ms, fr.last_sent_to_all_shown_ms
    rows.append(("last vote sent → projector shows all (ms)", number(a), number(b), ratio(a, b)))
    row(
        "votes acknowledged",
        *(f"{sum(1 for v in o.votes if v.acked)}/{len(o.votes)}" for o in (balans, bare)),
    )
    row("projector's final total", *(number(o.projector.latest_total()) for o in (balans, bare)))
    row("phones showing the final total", showing_final(balans), showing_final(bare))
    row(
        "messages to the projector from the burst on",
        *(str(o.projector.received_since(o.burst_start)) for o in (balans, bare)),
    )
    row("messages per phone, min / mean / max", phone_messages(balans), phone_messages(bare))
    row("server CPU from the burst on (s)", *(number(o.cpu_seconds, 2) for o in (balans, bare)))
    row(
        "other processes on the server's CPU (s)",
        *(number(o.others_cpu_seconds, 2) for o in (balans, bare)),
    )
    row("server RSS, all sockets open (MiB)", *(number(o.rss_mib, 1) for o in (balans, bare)))
    row(
        "joining: seconds / 429 refusals",
        *(f"{o.join_seconds:.1f} / {o.join_refusals}" for o in (balans, bare)),
    )
    row("load generator: worst send lag (ms)", number(fb.send_lag_ms), number(fr.send_lag_ms))

    print(
        f"\nBalans vote benchmark: {n} participants, each votes once within {args.spread:g} s "
        f"(seed {args.seed}); {args.join_concurrency} join at once"
    )
    print(f"Balans: daphne, {shape} · bare: bench/bare_server.py · {pinning}")
    print(f"load average before / after: {load_before} / {load_average()}\n")
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    header = ("", "Balans", "bare", "Balans/bare")
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
    for cells in (header, *rows):
        print(
            f"{cells[0]:<{widths[0]}}  {cells[1]:>{widths[1]}}  {cells[2]:>{widths[2]}}  "
            f"{cells[3]:>{widths[3]}}".rstrip()
        )
    failures = [(o.name, f) for o in (balans, bare) for f in o.failures]
    print()
    for name, failure in failures:
        print(f"FAILED ({name}): {failure}")
    if not failures:
        print("Every vote was acknowledged and shown on the projector and on every phone.")
    return not failures


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=200, help="phones (default 200)")
    parser.add_argument(
        "--spread", type=float, default=3.0, help="seconds within which all votes are sent"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the vote schedule")
    parser.add_argument(
        "--join-concurrency", type=int, default=16, help="phones joining at once (default 16)"
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds for any one wait")
    parser.add_argument("--database-url", help="PostgreSQL to use (an empty database)")
    parser.add_argument("--redis-url", help="Redis for the channel layer and cache")
    args = parser.parse_args()
    if args.participants < 1 or args.join_concurrency < 1 or args.spread < 0:
        parser.error("--participants and --join-concurrency must be at least 1, --spread >= 0")
    return args


def main():
    args = parse_args()
    load_before = load_average()
    taskset, args.server_cpu, pinning = pin_cpus()
    schedule = vote_schedule(args.participants, args.spread, args.seed)
    with tempfile.TemporaryDirectory(prefix="balans-bench-") as workdir:
        balans = Balans(args, workdir, taskset)
        try:
            balans_outcome = run(balans, schedule, args)
        except BenchError as error:
            print(f"FAILED (Balans): {error}", file=sys.stderr)
            return 1
        options = len(getattr(balans, "option_ids", [])) or 3
        bare_outcome = run(Bare(workdir, taskset, options), schedule, args)
    ok = report(args, pinning, balans.shape, load_before, balans_outcome, bare_outcome)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
