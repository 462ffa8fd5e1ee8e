"""Faults in the production shape (PostgreSQL and Redis): no acknowledged write is lost.

Redis is a server of this test's own (on a free port), so stopping it touches no one else's.
"""

import shutil
import subprocess
import time
import uuid

import pytest
import redis

from tests.e2e.server import (
    Phone,
    create_postgres_database,
    demo_round,
    drop_postgres_database,
    facilitate,
    first_dilemma,
    free_port,
    responses,
    server_env,
    set_up_deployment,
)
from tests.services import POSTGRES_URL, postgres_answers, require

pytestmark = pytest.mark.services

OUTAGE_SECONDS = 10
DEADLINE_SECONDS = 20


def _redis_server(port):
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port, socket_connect_timeout=0.5)
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        try:
            client.ping()
            return process
        except redis.ConnectionError:
            assert time.monotonic() < deadline, "redis-server did not start"
            assert process.poll() is None, "redis-server exited"


def _stop(process):
    process.terminate()
    process.wait(timeout=DEADLINE_SECONDS)


@pytest.fixture
def own_redis():
    require("redis-server", shutil.which("redis-server") is not None)
    port = free_port()
    holder = {"process": _redis_server(port), "port": port}
    yield holder
    if holder["process"].poll() is None:
        _stop(holder["process"])


@pytest.fixture
def deployment_with_own_redis(tmp_path, own_redis):
    require("PostgreSQL", postgres_answers())
    database_url = create_postgres_database(POSTGRES_URL)
    env = server_env(
        tmp_path / "data",
        database_url=database_url,
        redis_url=f"redis://127.0.0.1:{own_redis['port']}/0",
        redis_prefix=f"balans-fault-{uuid.uuid4().hex[:8]}",
    )
    try:
        set_up_deployment(env)
        yield env
    finally:
        drop_postgres_database(database_url)


def test_redis_stopped_for_ten_seconds_loses_no_acknowledged_vote(
    own_redis, deployment_with_own_redis, start_server
):
    env = deployment_with_own_redis
    server = start_server(env, name="redis-outage")
    facts = demo_round(env)
    dilemma = first_dilemma(facts)
    options = [option["id"] for option in dilemma["options"]]
    facilitate(env, facts["id"], ("start_round", None), ("go_to_step", dilemma["id"]))
    phones = [Phone(server) for _ in range(6)]
    last_acknowledged = {}
    refused = []

    def vote_once(turn):
        for n, phone in enumerate(phones):
            option = options[(n + turn) % len(options)]
            answer = phone.vote(dilemma["id"], option)
            if answer.status_code == 200:
                last_acknowledged[n] = option
            else:
                refused.append(answer.status_code)

    try:
        for n, phone in enumerate(phones):
            phone.join(facts["join_code"], f"Phone {n}")
        vote_once(0)
        _stop(own_redis["process"])
        turns, outage_ends = 1, time.monotonic() + OUTAGE_SECONDS
        while time.monotonic() < outage_ends:  # the fault lasts this long; nothing waits on it
            vote_once(turns)
            turns += 1
        own_redis["process"] = _redis_server(own_redis["port"])
        vote_once(turns)
    finally:
        for phone in phones:
            phone.close()

    stored = sorted(option for _participant, option in responses(env, dilemma["id"]))
    assert not [code for code in refused if code >= 500], f"server errors: {refused}"
    assert stored == sorted(last_acknowledged.values()), "an acknowledged vote was lost"
    assert len(stored) == len(phones)
    print(f"redis outage: {turns + 1} turns of {len(phones)} votes, {len(refused)} refused, 0 lost")


def test_a_worker_killed_mid_burst_loses_no_acknowledged_vote(
    postgres_redis_deployment, start_server
):
    """Two workers; phones of one vote in a burst and that worker gets SIGKILL part-way through.
    Each of its phones votes once, for the first option, so every acknowledged one must be found;
    the other worker's phones go on voting for the second option."""
    import signal
    import threading
    from concurrent.futures import ThreadPoolExecutor

    env = postgres_redis_deployment
    killed, survivor = start_server(env, name="killed"), start_server(env, name="survivor")
    facts = demo_round(env)
    dilemma = first_dilemma(facts)
    first, second = (option["id"] for option in dilemma["options"][:2])
    facilitate(env, facts["id"], ("start_round", None), ("go_to_step", dilemma["id"]))
    burst = [Phone(killed) for _ in range(30)]
    others = [Phone(survivor) for _ in range(6)]
    acknowledged = []
    lock = threading.Lock()

    def vote(phone):
        try:
            answer = phone.vote(dilemma["id"], first)
        except Exception:  # noqa: BLE001 - the worker died under this request: not acknowledged
            return
        if answer.status_code == 200:
            with lock:
                acknowledged.append(phone)

    try:
        for n, phone in enumerate(burst + others):
            phone.join(facts["join_code"], f"Phone {n}")
        with ThreadPoolExecutor(max_workers=8) as pool:
            for phone in burst:
                pool.submit(vote, phone)
            deadline = time.monotonic() + DEADLINE_SECONDS
            while len(acknowledged) < 10:  # part-way through the burst
                assert time.monotonic() < deadline, "the burst was not acknowledged in time"
                time.sleep(0.01)
            killed.process.send_signal(signal.SIGKILL)
        for phone in others:
            assert phone.vote(dilemma["id"], second).status_code == 200
    finally:
        for phone in burst + others:
            phone.close()

    stored = [option for _participant, option in responses(env, dilemma["id"])]
    assert stored.count(first) >= len(acknowledged), "an acknowledged vote was lost"
    assert stored.count(first) <= len(burst)
    assert stored.count(second) == len(others)
    print(
        f"worker killed: {len(acknowledged)} of {len(burst)} burst votes acknowledged, "
        f"{stored.count(first)} stored, 0 lost"
    )


class CuttableProxy:
    """A TCP proxy to PostgreSQL, in a thread of its own, that can cut every connection and
    refuse new ones for a while: the database unreachable without stopping the shared server."""

    def __init__(self, target_port):
        import asyncio
        import threading

        self.target_port, self.port = target_port, free_port()
        self.cut, self.writers = False, set()
        self.loop = asyncio.new_event_loop()
        self.stopping = asyncio.Event()
        ready = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(ready,), daemon=True)
        self.thread.start()
        assert ready.wait(DEADLINE_SECONDS), "the proxy did not start"

    def _run(self, ready):
        import asyncio

        async def pipe(reader, writer):
            try:
                while data := await reader.read(65536):
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                writer.close()

        async def handle(reader, writer):
            if self.cut:
                writer.close()
                return
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
            self.writers |= {writer, up_writer}
            await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

        async def main():
            server = await asyncio.start_server(handle, "127.0.0.1", self.port)
            ready.set()
            await self.stopping.wait()
            # Stopped at the end of the test, whatever it was doing: every piped connection is
            # aborted, so its pipes end, and what is still left after that is cancelled.
            server.close()
            for writer in self.writers:
                writer.transport.abort()
            pending = asyncio.all_tasks() - {asyncio.current_task()}
            if pending:
                _done, left = await asyncio.wait(pending, timeout=DEADLINE_SECONDS)
                for task in left:
                    task.cancel()

        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(main())
        finally:
            self.loop.close()

    def set_cut(self, cut):
        def apply():
            self.cut = cut
            if cut:
                for writer in self.writers:
                    writer.transport.abort()
                self.writers.clear()

        self.loop.call_soon_threadsafe(apply)

    def close(self):
        self.loop.call_soon_threadsafe(self.stopping.set)
        self.thread.join(DEADLINE_SECONDS)


def test_postgresql_unreachable_says_try_again_and_half_writes_nothing(tmp_path, start_server):
    """A lost database is answered "try again" (503) before the phone gives up waiting (the
    test's phone waits 10 s; the server's wait for a pooled connection is DATABASE_TIMEOUT, 5 s),
    and once the database is back the pool reconnects by itself."""
    from urllib.parse import urlparse

    require("PostgreSQL", postgres_answers())
    database_url = create_postgres_database(POSTGRES_URL)
    proxy = CuttableProxy(urlparse(database_url).port or 5432)
    through_proxy = urlparse(database_url)._replace(netloc=f"postgres@127.0.0.1:{proxy.port}")
    env = server_env(tmp_path / "data", database_url=through_proxy.geturl())
    try:
        set_up_deployment(env)
        server = start_server(env, name="database-cut")
        facts = demo_round(env)
        dilemma = first_dilemma(facts)
        first, second = (option["id"] for option in dilemma["options"][:2])
        facilitate(env, facts["id"], ("start_round", None), ("go_to_step", dilemma["id"]))
        phone = Phone(server)
        try:
            phone.join(facts["join_code"], "Anna")
            assert phone.vote(dilemma["id"], first).status_code == 200
            proxy.set_cut(True)
            during = phone.vote(dilemma["id"], second)
            proxy.set_cut(False)
            deadline = time.monotonic() + DEADLINE_SECONDS
            while (after := phone.vote(dilemma["id"], first)).status_code != 200:
                assert after.status_code == 503, f"after the cut: {after.status_code}"
                assert time.monotonic() < deadline, "the database did not come back"
        finally:
            phone.close()
        # Nothing half-written: the one vote is the last acknowledged one.
        assert [option for _p, option in responses(env, dilemma["id"])] == [first]
        assert during.status_code == 503, f"during the cut: {during.status_code}, not 503"
        assert "try again" in during.text.lower()
    finally:
        proxy.close()
        drop_postgres_database(database_url)
