"""Joining a valid code is never limited per address; looking up unknown codes is."""

import pytest
from django.test import Client

from facilitation.screens.code_guessing import UNKNOWN_CODE_LIMIT
from facilitation.workshops.models import Participant
from tests.conftest import phone_for

HALL = "192.0.2.10"


@pytest.fixture(autouse=True)
def long_window(monkeypatch):
    # The count must not run out while a slow machine makes its sixty guesses.
    monkeypatch.setattr("facilitation.screens.code_guessing.UNKNOWN_CODE_WINDOW", 3600)


def from_address(address=HALL, **extra):
    return Client(REMOTE_ADDR=address, **extra)


def guess(client, times):
    """Look up ``times`` unknown codes, through each of the three ways of looking one up."""
    ways = [
        lambda n: client.get("/", {"code": f"ZZZ{n:03d}"}),
        lambda n: client.get(f"/r/ZZZ{n:03d}/"),
        lambda n: client.post(f"/r/ZZZ{n:03d}/join/", {"display_name": ""}),
    ]
    return [ways[n % 3](n).status_code for n in range(times)]


@pytest.mark.long
@pytest.mark.engine_neutral
def test_a_hall_of_phones_joins_from_one_address_without_refusal(live_round):
    # More than the 600 a minute per address that used to refuse a hall.
    url = f"/r/{live_round.join_code}/join/"
    statuses = {from_address().post(url, {"display_name": ""}).status_code for _ in range(610)}
    assert statuses == {302}
    assert Participant.objects.count() == 610


def test_unknown_codes_are_refused_past_the_limit_with_a_clear_message(db):
    guesser = from_address()
    assert set(guess(guesser, UNKNOWN_CODE_LIMIT)) == {404}
    response = guesser.get("/r/ZZZZZZ/")
    assert response.status_code == 429
    assert "Too many unknown workshop codes were tried from this network" in (
        response.content.decode()
    )


@pytest.mark.parametrize("way", ["home", "page", "join"])
def test_past_the_limit_a_valid_code_is_refused_too_so_the_refusal_tells_nothing(live_round, way):
    guess(from_address(), UNKNOWN_CODE_LIMIT)
    newcomer = from_address()
    code = live_round.join_code
    response = {
        "home": lambda: newcomer.get("/", {"code": code}),
        "page": lambda: newcomer.get(f"/r/{code}/"),
        "join": lambda: newcomer.post(f"/r/{code}/join/", {"display_name": ""}),
    }[way]()
    assert response.status_code == 429
    assert not Participant.objects.exists()


def test_past_the_limit_people_already_in_the_round_carry_on(live_round, participant):
    guess(from_address(), UNKNOWN_CODE_LIMIT)
    phone = phone_for(participant)
    phone.defaults["REMOTE_ADDR"] = HALL
    assert phone.get(f"/r/{live_round.join_code}/").status_code == 200


def test_another_address_is_not_affected(live_round):
    guess(from_address(), UNKNOWN_CODE_LIMIT)
    assert from_address("198.51.100.1").get(f"/r/{live_round.join_code}/").status_code == 200


def test_a_typo_or_two_is_only_a_not_found(live_round):
    person = from_address()
    assert person.get("/", {"code": "NOPE12"}).status_code == 404
    assert person.get("/", {"code": live_round.join_code}).status_code == 302


class TestTheAddressIsTheConnections:
    def test_a_client_cannot_escape_the_limit_with_x_forwarded_for(self, db, settings):
        settings.TRUSTED_PROXIES = []
        for n in range(UNKNOWN_CODE_LIMIT):
            forged = from_address(HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
            assert forged.get(f"/r/ZZZ{n:03d}/").status_code == 404
        assert from_address(HTTP_X_FORWARDED_FOR="203.0.113.250").get("/r/ZZ/").status_code == 429

    def test_behind_a_trusted_proxy_each_client_counts_for_itself(self, db, settings):
        settings.TRUSTED_PROXIES = [f"{HALL}/32"]
        guess(from_address(HTTP_X_FORWARDED_FOR="203.0.113.1"), UNKNOWN_CODE_LIMIT)
        assert from_address(HTTP_X_FORWARDED_FOR="203.0.113.1").get("/r/ZZ/").status_code == 429
        assert from_address(HTTP_X_FORWARDED_FOR="203.0.113.2").get("/r/ZZ/").status_code == 404


def test_an_addresss_count_is_read_from_the_cache_at_most_once_a_second(live_round, monkeypatch):
    """A hall's requests do not each ask the cache; what other processes counted is seen once
    RECOUNT_SECONDS have passed."""
    from django.core.cache import cache

    monkeypatch.setattr("facilitation.screens.code_guessing.RECOUNT_SECONDS", 3600)
    newcomer, page = from_address(), f"/r/{live_round.join_code}/"
    assert newcomer.get(page).status_code == 200
    cache.set(f"unknown-codes:{HALL}", UNKNOWN_CODE_LIMIT)  # as counted by other processes
    assert newcomer.get(page).status_code == 200  # not read again yet
    monkeypatch.setattr("facilitation.screens.code_guessing.RECOUNT_SECONDS", 0)
    assert newcomer.get(page).status_code == 429
