"""A research download under ASGI: handed over in pieces, not read whole.

Its own module, outside ``tests/research``: a transaction of its own (the worker thread must see
the played round), where the research tests share one played round per module, kept in a
transaction of theirs."""

import json

import pytest


def download_url(workshop, key):
    return f"/console/workshops/{workshop.pk}/exports/download/?format={key}"


@pytest.mark.django_db(transaction=True)
async def test_under_asgi_the_download_streams_in_pieces(async_client, facilitator, workshop):
    """Django reads a synchronous iterator whole under ASGI; the view hands it over in pieces."""
    from asgiref.sync import sync_to_async
    from django.db import connections

    await sync_to_async(_play)(workshop, facilitator)
    await async_client.aforce_login(facilitator)
    try:
        response = await async_client.get(download_url(workshop, "json"))
        assert response.status_code == 200
        assert response.is_async
        pieces = [piece async for piece in response.streaming_content]
    finally:
        # The worker thread's connection would keep the test database from being dropped.
        await sync_to_async(connections.close_all)()
    assert pieces and all(pieces)
    record = json.loads(b"".join(pieces))
    assert len(record["rounds"]) == 2


def _play(workshop, facilitator):
    from facilitation.deliberation.sample_activity import add_sample_round

    add_sample_round(workshop, facilitator=facilitator)
