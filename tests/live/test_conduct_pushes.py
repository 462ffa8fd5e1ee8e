"""The code of conduct over websockets: a proposal reaches the projector, the console and the
other phones; each phone keeps its own stances. On the in-memory and on the real Redis layer."""

import pytest
from channels.db import database_sync_to_async

from facilitation.deliberation import conduct
from facilitation.workshops import services
from facilitation.workshops.models import Step
from tests.live.test_consumers import connect, participant_cookie, receive_until, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_proposal_and_a_stance_reach_every_screen(
    channel_layer, live_round, participant, other_participant, facilitator
):
    def show_conduct():
        step = live_round.steps.get(kind=Step.Kind.CONDUCT)
        services.go_to_step(live_round, step, by=facilitator)
        return conduct.current_clauses(live_round.workshop)[0]

    clause = await database_sync_to_async(show_conduct)()
    projector, _ = await connect(f"/ws/projector/{live_round.projector_key}/")
    console, _ = await connect(
        f"/ws/facilitator/{live_round.pk}/", await session_cookie(facilitator)
    )
    bo, _ = await connect(
        f"/ws/participant/{live_round.join_code}/", participant_cookie(other_participant)
    )
    for socket in (projector, console, bo):
        await receive_until(socket, 'id="conduct"')

    await database_sync_to_async(conduct.propose_clause)(
        live_round.workshop,
        "We <3 plain words & short posts.",
        by_participant=participant,
        round=live_round,
    )
    message, _ = await receive_until(projector, "plain words")
    assert message.lstrip().startswith('<div id="conduct"')
    assert "We &lt;3 plain words &amp; short posts." in message
    message, _ = await receive_until(console, "plain words")
    assert "Accept" in message
    message, _ = await receive_until(bo, "plain words")
    assert message.lstrip().startswith('<section id="conduct"')

    await database_sync_to_async(conduct.endorse)(
        clause, other_participant, "pass", round=live_round
    )
    message, _ = await receive_until(bo, 'value="pass" aria-pressed="true"')
    await receive_until(projector, "1 pass")
    for socket in (projector, console, bo):
        await socket.disconnect()
