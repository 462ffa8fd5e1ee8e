"""A write's notification reaches the hubs even when the event loop is too busy to send it at once.

The request that committed the write waits for its notification only briefly (SEND_TIMEOUT); the
sending goes on in the server's event loop, so a lagging loop delays a push but never loses it.
"""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer

from facilitation.live import push

LAYER = "tests.live.test_notifications.HeldLayer"


class HeldLayer(InMemoryChannelLayer):
    """The in-process layer, except that a send waits until released: the event loop of a machine
    so busy that handing a message over takes longer than a request waits for it."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.released = asyncio.Event()

    async def group_send(self, group, message):
        await self.released.wait()
        await super().group_send(group, message)


@pytest.fixture
def held_layer(settings, monkeypatch):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": LAYER}}
    monkeypatch.setattr(push, "SEND_TIMEOUT", 0.01)
    return get_channel_layer()


async def test_a_notification_slow_to_send_is_delivered_after_its_request_stopped_waiting(
    held_layer, caplog
):
    channel = await held_layer.new_channel("balans.hub.")
    await held_layer.group_add(push.round_group(1), channel)

    # What a vote's on_commit does, from the request's own thread; it returns without the send.
    await sync_to_async(push.send_notification, thread_sensitive=False)(1, ["results"], False)
    assert "slow to send" in caplog.text

    held_layer.released.set()
    message = await asyncio.wait_for(held_layer.receive(channel), push.SEND_PATIENCE)
    assert (message["round"], message["topics"]) == (1, ["results"])
    await asyncio.gather(*push._sending)
    assert not push._sending  # nothing left behind
