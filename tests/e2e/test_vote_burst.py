"""300 phones join and then vote at the same moment through a real server: every vote is
acknowledged, every acknowledged vote is stored, and the projector shows the right totals.

A phone told "busy, try again" (503: nothing stored) sends its vote again, as balans.js does; any
other refusal, a 500 above all, fails the test.

A correctness test under load, not a timing: nothing here depends on how fast the machine is
(speed is what bench/votes.py measures). Both shapes: the embedded default (SQLite, in-memory
layer, one process) and production (PostgreSQL, Redis, two worker processes, phones spread over
both, the projector on one of them).
"""

import asyncio
import re
from collections import Counter

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.e2e.server import (
    chosen_option,
    demo_round,
    facilitate,
    first_dilemma,
    responses,
    text_of,
)

PHONES = 300
JOINING_AT_ONCE = 20
# Generous: on a loaded machine a burst of writes queues; a wait is fine, a refusal is not.
REQUEST_TIMEOUT = 90.0
BUSY_RETRIES = 5  # as static/balans.js
PROJECTOR_STALL = 30.0  # seconds without a new message from the projector
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ANSWERS_SO_FAR = re.compile(r"(\d+) answers? so far")


async def join(server, join_code):
    """A phone that has joined: its own cookie jar and the CSRF token htmx would send."""
    client = httpx.AsyncClient(base_url=server.url, timeout=REQUEST_TIMEOUT)
    page = await client.get(f"/r/{join_code}/")
    assert page.status_code == 200, text_of(page.text)
    form = {"csrfmiddlewaretoken": CSRF_INPUT.search(page.text)[1], "display_name": ""}
    joined = await client.post(f"/r/{join_code}/join/", data=form, follow_redirects=True)
    assert joined.status_code == 200, text_of(joined.text)
    assert "Your personal code" in joined.text
    return client


async def vote(client, join_code, step_id, option_id, go, busy):
    """Tap an option; on "busy, try again" (503) send it again, as balans.js does."""
    await go.wait()
    for attempt in range(BUSY_RETRIES + 1):
        answer = await client.post(
            f"/r/{join_code}/steps/{step_id}/vote/",
            data={"option": str(option_id)},
            headers={"HX-Request": "true", "X-CSRFToken": client.cookies["csrftoken"]},
        )
        if answer.status_code != 503 or attempt == BUSY_RETRIES:
            return answer
        busy.append(answer)
        await asyncio.sleep(float(answer.headers["Retry-After"]) * 2**attempt)


class Projector:
    """The projector's socket, reconnecting as the htmx ws extension does after 1006, 1011, 1012
    and 1013 (on a starved machine the server may close it, 1011, when its keepalive ping is
    answered late); the snapshot on reconnect carries the count, so nothing shown is missed."""

    RECONNECT_CODES = {1006, 1011, 1012, 1013}

    def __init__(self, server, projector_key):
        self.url = f"{server.ws_url}/ws/projector/{projector_key}/"
        self.origin = server.url
        self.socket = None
        self.reconnects = 0

    async def open(self):
        # No keepalive pings of its own, which a loaded machine could answer late.
        self.socket = await connect(
            self.url, origin=self.origin, open_timeout=30, ping_interval=None
        )

    async def recv(self):
        while True:
            try:
                return await self.socket.recv()
            except ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else 1006
                if code not in self.RECONNECT_CODES:
                    raise
            self.reconnects += 1
            await self.open()

    async def close(self):
        if self.socket is not None:
            await self.socket.close()


async def projector_count(socket, wanted, stall=PROJECTOR_STALL):
    """Read the projector's messages until one counts ``wanted`` answers; return the counts seen.

    Fails only if the projector shows nothing new for ``stall`` seconds: a loaded machine may
    take its time, but the count must keep coming.
    """
    seen = []
    while not seen or seen[-1] != wanted:
        try:
            message = await asyncio.wait_for(socket.recv(), stall)
        except TimeoutError:
            raise AssertionError(
                f"the projector stopped at {seen[-1:]} before counting {wanted}: {seen}"
            ) from None
        if found := ANSWERS_SO_FAR.search(text_of(message)):
            seen.append(int(found[1]))
    return seen


async def burst(servers, facts, dilemma):
    """Join PHONES phones (spread over ``servers``), then send every vote at once."""
    options = [option["id"] for option in dilemma["options"]]
    picks = [options[i % len(options)] for i in range(PHONES)]
    projector = Projector(servers[-1], facts["projector_key"])
    gate = asyncio.Semaphore(JOINING_AT_ONCE)

    async def joined(i):
        async with gate:
            return await join(servers[i % len(servers)], facts["join_code"])

    phones = await asyncio.gather(*(joined(i) for i in range(PHONES)))
    try:
        # Opened once everyone has joined, so only the burst's pushes are read.
        await projector.open()
        await projector_count(projector, 0)  # the snapshot on connect
        go, busy = asyncio.Event(), []
        votes = [
            asyncio.create_task(vote(phone, facts["join_code"], dilemma["id"], pick, go, busy))
            for phone, pick in zip(phones, picks, strict=True)
        ]
        go.set()
        answers = await asyncio.gather(*votes)
        counted = await projector_count(projector, PHONES)
    finally:
        await projector.close()
        await asyncio.gather(*(phone.aclose() for phone in phones))
    return picks, answers, counted


def check_burst(env, servers):
    facts = demo_round(env)
    dilemma = first_dilemma(facts)
    facilitate(env, facts["id"], ("start_round", None), ("go_to_step", dilemma["id"]))

    picks, answers, counted = asyncio.run(burst(servers, facts, dilemma))

    refused = Counter(answer.status_code for answer in answers if answer.status_code != 200)
    assert not refused, f"votes refused, by HTTP status: {dict(refused)}"
    for answer, pick in zip(answers, picks, strict=True):
        assert chosen_option(answer.text) == pick, text_of(answer.text)[:300]
        assert "Your answer is saved" in text_of(answer.text)
        assert 'role="alert"' not in answer.text
    stored = Counter(option for _participant, option in responses(env, dilemma["id"]))
    assert stored == Counter(picks), "every acknowledged vote is stored, once"
    assert counted[-1] == PHONES
    assert counted == sorted(counted), "the projector's count never goes back"


@pytest.mark.services
def test_a_burst_on_postgresql_and_redis_with_two_workers(postgres_redis_deployment, start_server):
    env = postgres_redis_deployment
    servers = [start_server(env, name="worker-a"), start_server(env, name="worker-b")]
    check_burst(env, servers)


def test_a_burst_on_the_embedded_default(sqlite_deployment, start_server):
    check_burst(sqlite_deployment, [start_server(sqlite_deployment)])
