"""Every login form is behind django-axes: a name is locked only at the address that guessed it,
a known device gets through, and an operator can unlock."""

import pytest
from django.core.management import call_command
from django.test import Client

from facilitation.screens.devices import DEVICE_COOKIE, DEVICE_FAILURE_LIMIT

GOOD = {"username": "facilitator", "password": "a long pass phrase"}
BAD = {"username": "facilitator", "password": "wrong"}


def browser(address="10.1.1.1"):
    return Client(REMOTE_ADDR=address)


def fail(client, times=5, url="/accounts/login/"):
    # The attempt that reaches the limit is answered with the lockout already.
    for _attempt in range(times):
        assert client.post(url, BAD).status_code in {200, 429}


def logged_in(client):
    return "_auth_user_id" in client.session


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_hashes(settings):
    # Many logins per test: a fast hasher keeps them cheap (what is tested is the counting).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class TestLockout:
    def test_five_failures_lock_the_name_at_that_address_with_a_clear_message(self, facilitator):
        guesser = browser()
        fail(guesser)
        response = guesser.post("/accounts/login/", GOOD)
        assert response.status_code == 429
        page = response.content.decode()
        assert "Too many failed attempts for this name from this address" in page
        assert "Wait 15 minutes" in page
        assert not logged_in(guesser)

    def test_four_failures_do_not_lock(self, facilitator):
        person = browser()
        fail(person, times=4)
        assert person.post("/accounts/login/", GOOD).status_code == 302
        assert logged_in(person)

    def test_the_same_name_from_another_address_gets_through(self, facilitator):
        fail(browser("10.1.1.1"))
        elsewhere = browser("10.2.2.2")
        assert elsewhere.post("/accounts/login/", GOOD).status_code == 302
        assert logged_in(elsewhere)

    def test_another_name_at_the_same_address_is_not_locked(self, facilitator, stranger):
        guesser = browser()
        fail(guesser)
        colleague = browser()
        response = colleague.post(
            "/accounts/login/", {"username": "stranger", "password": "another pass phrase"}
        )
        assert response.status_code == 302

    def test_the_admin_login_is_locked_too(self, facilitator):
        facilitator.is_staff = True
        facilitator.save()
        guesser = browser()
        fail(guesser, url="/admin/login/")
        response = guesser.post("/admin/login/", GOOD)
        assert response.status_code == 429
        assert "Too many failed attempts" in response.content.decode()
        assert not logged_in(guesser)

    def test_failures_on_the_admin_and_the_console_count_together(self, facilitator):
        guesser = browser()
        fail(guesser, times=3, url="/admin/login/")
        fail(guesser, times=2)
        assert guesser.post("/accounts/login/", GOOD).status_code == 429

    def test_an_operator_unlocks_a_name(self, facilitator):
        fail(browser())
        call_command("axes_reset_username", "facilitator")
        assert browser().post("/accounts/login/", GOOD).status_code == 302


class TestKnownDevice:
    def test_a_device_that_logged_in_before_gets_through_a_lockout_at_its_address(
        self, facilitator
    ):
        laptop = browser()
        assert laptop.post("/accounts/login/", GOOD).status_code == 302
        assert DEVICE_COOKIE in laptop.cookies
        laptop.post("/accounts/logout/")
        fail(browser())  # a guesser behind the same venue address
        assert browser().post("/accounts/login/", GOOD).status_code == 429
        assert laptop.post("/accounts/login/", GOOD).status_code == 302
        assert logged_in(laptop)

    def test_a_forged_or_foreign_device_cookie_does_not_help(self, facilitator, stranger):
        other = browser()
        assert (
            other.post(
                "/accounts/login/", {"username": "stranger", "password": "another pass phrase"}
            ).status_code
            == 302
        )
        fail(browser())
        forged = browser()
        forged.cookies[DEVICE_COOKIE] = "junk:value"
        assert forged.post("/accounts/login/", GOOD).status_code == 429
        # The stranger's device is known for the stranger, not for the facilitator.
        other.post("/accounts/logout/")
        assert other.post("/accounts/login/", GOOD).status_code == 429

    def test_a_known_device_has_a_budget_of_its_own(self, facilitator):
        laptop = browser()
        laptop.post("/accounts/login/", GOOD)
        laptop.post("/accounts/logout/")
        fail(laptop, times=DEVICE_FAILURE_LIMIT)
        # Past its budget it is an unknown browser again, with axes' five attempts.
        fail(laptop, times=5)
        assert laptop.post("/accounts/login/", GOOD).status_code == 429
