import pytest
from asgiref.sync import sync_to_async
from django.db import connections


@pytest.fixture(autouse=True)
async def close_thread_connections():
    """Close what the sockets' database thread opened, so the test database can be dropped."""
    yield
    await sync_to_async(connections.close_all, thread_sensitive=True)()
