"""A discussion over real websockets: each group's phones hear only their own group's notes."""

import asyncio

import pytest
from channels.db import database_sync_to_async

from facilitation.deliberation.discussion import add_note
from facilitation.workshops import services
from facilitation.workshops.groups import split_into_groups
from facilitation.workshops.models import Step
from tests.live.test_consumers import connect, participant_cookie, receive_until, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def split_and_show_discussion(round, facilitator):
    round.workshop.participant_attributes = [{"key": "role", "label": "Role"}]
    round.workshop.save()
    groups = split_into_groups(round, method="balanced", attribute="role", count=2, by=facilitator)
    step = round.steps.get(kind=Step.Kind.DISCUSSION)
    services.go_to_step(round, step, by=facilitator)
    return step, groups


async def nothing_containing(communicator, text, wait=1.5):
    """Fails if a message containing ``text`` arrives within ``wait`` seconds."""
    try:
        async with asyncio.timeout(wait):
            while True:
                message = await communicator.receive_from(timeout=wait)
                assert text not in message
    except TimeoutError:
        return


async def test_each_group_hears_only_its_own_notes_and_the_console_hears_all(
    channel_layer, live_round, participant, other_participant, facilitator
):
    step, groups = await split_and_show_discussion(live_round, facilitator)
    path = f"/ws/participant/{live_round.join_code}/"
    anna, _ = await connect(path, participant_cookie(participant))
    bo, _ = await connect(path, participant_cookie(other_participant))
    console, _ = await connect(
        f"/ws/facilitator/{live_round.pk}/", await session_cookie(facilitator)
    )
    projector, _ = await connect(f"/ws/projector/{live_round.projector_key}/")
    await receive_until(anna, "You are in Group 1")
    await receive_until(bo, "You are in Group 2")
    await receive_until(console, 'id="stage"')
    await receive_until(projector, 'id="stage"')

    await database_sync_to_async(add_note)(
        step, participant, group=groups[0], text="Arkivering först"
    )
    message, _ = await receive_until(anna, "Arkivering först")
    assert message.lstrip().startswith('<section id="group-notes"')
    await receive_until(console, "Arkivering först")
    await receive_until(projector, "1 note")
    await nothing_containing(bo, "Arkivering först")

    await database_sync_to_async(add_note)(
        step, other_participant, group=groups[1], text="Någon som svarar"
    )
    await receive_until(bo, "Någon som svarar")
    await nothing_containing(anna, "Någon som svarar")
    for communicator in (anna, bo, console, projector):
        await communicator.disconnect()
