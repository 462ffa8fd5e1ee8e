"""Two ASGI processes sharing PostgreSQL and Redis: a vote on one reaches sockets on the other."""

import time

import pytest
from websockets.sync.client import connect

from tests.e2e.server import (
    Phone,
    chosen_option,
    demo_round,
    facilitate,
    first_dilemma,
    responses,
    text_of,
)

pytestmark = pytest.mark.services

WAIT_SECONDS = 5


def receive_until(socket, wanted, what, timeout=WAIT_SECONDS):
    """The first message for which ``wanted(text)`` holds; fails listing what came instead."""
    seen = []
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            message = socket.recv(timeout=left)
        except TimeoutError:
            break
        seen.append(message)
        if wanted(message):
            return message
    raise AssertionError(
        f"no {what} within {timeout} s; received instead:\n"
        + "\n".join(f"- {text_of(message)[:300]}" for message in seen)
    )


def test_a_vote_on_one_process_reaches_the_projector_on_another(
    postgres_redis_deployment, start_server
):
    env = postgres_redis_deployment
    server_a = start_server(env, name="process-a")
    server_b = start_server(env, name="process-b")
    assert server_a.process.pid != server_b.process.pid
    facts = demo_round(env)
    dilemma = first_dilemma(facts)
    chosen = dilemma["options"][1]
    facilitate(env, facts["id"], ("start_round", None), ("go_to_step", dilemma["id"]))

    projector_url = f"{server_b.ws_url}/ws/projector/{facts['projector_key']}/"
    with connect(projector_url, origin=server_b.url, open_timeout=5, close_timeout=2) as projector:
        snapshot = receive_until(projector, lambda m: 'id="stage"' in m, "snapshot")
        assert dilemma["title"] in text_of(snapshot)
        assert "0 answers so far · results are hidden" in text_of(snapshot)

        phone = Phone(server_a)
        try:
            phone.join(facts["join_code"], "Anna")
            receive_until(
                projector,
                lambda m: 'id="people"' in m and "1 person has joined" in text_of(m),
                "joined count from process A",
            )
            answer = phone.vote(dilemma["id"], chosen["id"])
        finally:
            phone.close()

        # The phone's own acknowledgement: its answer section with the chosen option pressed.
        assert answer.status_code == 200, text_of(answer.text)
        assert f'id="answer-{dilemma["id"]}"' in answer.text
        assert chosen_option(answer.text) == chosen["id"]
        assert "Your answer is saved" in text_of(answer.text)

        receive_until(
            projector,
            lambda m: 'id="results"' in m and "1 answer so far · results are hidden" in text_of(m),
            "results fragment counting the vote cast on process A",
        )

        # A reveal from a third process reaches B's projector too, with the vote in the bars.
        facilitate(env, facts["id"], ("reveal_results", dilemma["id"]))
        revealed = receive_until(
            projector,
            lambda m: 'id="results"' in m and 'class="bar-value"' in m,
            "revealed results",
        )
        assert f"{chosen['label']} 100% · 1 vote" in text_of(revealed)
        assert "1 answer in all" in text_of(revealed)

    [(_participant, option_id)] = responses(env, dilemma["id"])
    assert option_id == chosen["id"]
