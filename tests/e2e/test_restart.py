"""A server restart mid-round loses nothing, and an open projector page catches up by itself."""

import contextlib
import re
import signal

import pytest
from playwright.sync_api import expect
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.e2e.server import Phone, chosen_option, demo_round, facilitate, first_dilemma, responses

LIVE = re.compile(r"(^|\s)live(\s|$)")
# htmx's ws extension retries with a back-off capped at 4 s (static/balans.js), plus start-up.
RECONNECT_TIMEOUT_MS = 15_000


@pytest.mark.browser
def test_a_restart_mid_round_loses_no_vote_and_the_projector_reconnects(
    sqlite_deployment, start_server, new_page
):
    env = sqlite_deployment
    server = start_server(env, name="before-restart")
    facts = demo_round(env)
    dilemma = first_dilemma(facts)
    first, second = dilemma["options"][0], dilemma["options"][1]
    facilitate(env, facts["id"], ("start_round", None), ("go_to_step", dilemma["id"]))

    projector = new_page("projector", viewport={"width": 1280, "height": 720})
    projector.goto(f"{server.url}/projector/{facts['projector_key']}/")
    body, stage = projector.locator("body"), projector.locator("#stage")
    expect(body).to_have_class(LIVE)
    expect(stage).to_contain_text(dilemma["title"])
    projector.evaluate("window.loadedOnce = true")

    anna, bo = Phone(server), Phone(server)
    try:
        anna.join(facts["join_code"], "Anna")
        bo.join(facts["join_code"], "Bo")
        for phone, option in ((anna, first), (bo, second)):
            answer = phone.vote(dilemma["id"], option["id"])
            assert answer.status_code == 200
            assert chosen_option(answer.text) == option["id"]
        expect(projector.locator("#results")).to_contain_text("2 answers so far")
        acknowledged = responses(env, dilemma["id"])
        assert sorted(option for _participant, option in acknowledged) == sorted(
            [first["id"], second["id"]]
        )
        [anna_id] = [p for p, option in acknowledged if option == first["id"]]
        [bo_id] = [p for p, option in acknowledged if option == second["id"]]

        # The exit code is the concern of test_sigterm_with_screens_connected_exits_0_every_time.
        server.stop(signal.SIGTERM)
        expect(body).not_to_have_class(LIVE)
        expect(projector.locator("#notice")).to_contain_text("Reconnecting")

        # Changed while no server runs: only a snapshot on reconnect can bring it to the page.
        facilitate(env, facts["id"], ("reveal_results", dilemma["id"]))
        server = start_server(env, port=server.port, name="after-restart")

        assert responses(env, dilemma["id"]) == acknowledged
        after = demo_round(env)
        assert (after["status"], after["current_step"]) == ("live", dilemma["id"])

        results = projector.locator("#results")
        expect(body).to_have_class(LIVE, timeout=RECONNECT_TIMEOUT_MS)
        expect(projector.locator("#notice")).to_be_hidden()
        expect(stage).to_contain_text(dilemma["title"])
        expect(results.locator(".bar", has_text=first["label"])).to_contain_text("50% · 1 vote")
        expect(results.locator(".bar", has_text=second["label"])).to_contain_text("50% · 1 vote")

        # Anna's cookie from before the restart still names her: her vote changes, not adds.
        answer = anna.vote(dilemma["id"], second["id"])
        assert answer.status_code == 200
        assert chosen_option(answer.text) == second["id"]
    finally:
        anna.close()
        bo.close()

    expect(results.locator(".bar", has_text=second["label"])).to_contain_text("100% · 2 votes")
    expect(results).to_contain_text("2 answers in all")
    expect(stage.locator("#people")).to_have_text("2 people have joined")
    assert responses(env, dilemma["id"]) == sorted([[anna_id, second["id"]], [bo_id, second["id"]]])
    assert projector.evaluate("window.loadedOnce") is True


# Each stop starts a server (about 2 s). Ten stops in a row have caught every crash on stopping
# seen so far (a race in daphne, a worker killed unclean); more only lengthen the suite.
STOPS = 10


def test_sigterm_with_screens_connected_exits_0_every_time(sqlite_deployment, start_server):
    """A deploy sends SIGTERM while screens are connected: the server closes every socket with
    1012 (browsers reconnect on it) and exits 0, every one of ten times."""
    facts = demo_round(sqlite_deployment)
    outcomes = []
    for attempt in range(STOPS):
        server = start_server(sqlite_deployment, name=f"stopped-with-sockets-{attempt}")
        url = f"{server.ws_url}/ws/projector/{facts['projector_key']}/"
        with contextlib.ExitStack() as sockets:
            screens = [
                sockets.enter_context(connect(url, origin=server.url, open_timeout=5))
                for _ in range(3)
            ]
            for screen in screens:
                assert 'id="stage"' in screen.recv(timeout=5)
            exit_code = server.stop(signal.SIGTERM)
            close_codes = []
            for screen in screens:
                with pytest.raises(ConnectionClosed):
                    while True:
                        screen.recv(timeout=5)
                close_codes.append(screen.close_code)
        outcomes.append((exit_code, close_codes))
    assert outcomes == [(0, [1012, 1012, 1012])] * STOPS
