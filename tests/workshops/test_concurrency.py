"""Joins that arrive at the same moment, on a database that runs them at the same time."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from facilitation.workshops import services
from facilitation.workshops.models import Participant


@pytest.mark.django_db(transaction=True)
def test_simultaneous_joins_get_distinct_pseudonyms(live_round):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one writer at a time; the PostgreSQL pass covers this")

    def join(_n):
        try:
            return services.join_round(live_round).number
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=12) as pool:
        numbers = list(pool.map(join, range(60)))
    assert sorted(numbers) == list(range(1, 61))
    assert Participant.objects.count() == 60
