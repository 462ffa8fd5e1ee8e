"""The participant rate limit is keyed by the participant the server signed, not by any cookie."""

from django.test import RequestFactory

from facilitation.screens.identity import cookie_name
from facilitation.screens.views.base import participant_browser
from tests.conftest import phone_for

# django-ratelimit's windows are fixed in time, so counting requests through the view would
# depend on when the test runs; the key is what decides whether junk cookies get a fresh bucket.


def key_of(cookies, address="192.0.2.10"):
    request = RequestFactory().get("/", REMOTE_ADDR=address)
    request.COOKIES.update(cookies)
    return participant_browser("group", request)


def cookies_of(participant):
    return {name: morsel.value for name, morsel in phone_for(participant).cookies.items()}


def test_a_participant_is_keyed_by_their_signed_cookie(participant, other_participant):
    assert key_of(cookies_of(participant)) != key_of(cookies_of(other_participant))
    assert key_of(cookies_of(participant)) == key_of(cookies_of(participant), address="10.9.9.9")


def test_junk_cookies_give_no_fresh_bucket(participant, workshop):
    assert key_of({}) == key_of({cookie_name(workshop.pk): "junk"}) == key_of({"balans_p9": "x"})
    own = cookies_of(participant)
    junk = {cookie_name(workshop.pk + 1): "junk", cookie_name(workshop.pk + 99): "more junk"}
    assert key_of({**own, **junk}) == key_of(own)


def test_a_cookie_copied_under_another_workshops_name_is_junk(participant, workshop):
    value = cookies_of(participant)[cookie_name(workshop.pk)]
    assert key_of({cookie_name(workshop.pk + 1): value}) == key_of({})
