"""The row locks of answering, on PostgreSQL: a room's answers are written side by side, one
person's taps one after another, and the facilitator's lock waits for the answers on their way.

One answer is held open in a thread of its own (its transaction not yet committed) while the test
acts beside it. Whether the test's own statement had to wait is read from a lock timeout: a
statement that must wait for the held answer fails after LOCK_WAIT, always; one that need not wait
never meets it.
"""

import threading
import time
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection, transaction

from facilitation.deliberation.models import Response
from facilitation.deliberation.services import cast_vote
from facilitation.workshops import services
from facilitation.workshops.services import ActionRefused

pytestmark = pytest.mark.django_db(transaction=True)

LOCK_WAIT = "500ms"


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; SQLite writes one transaction at a time")


@contextmanager
def answer_held_open(step, participant, option):
    """``participant``'s vote for ``option``, written but not committed until the block ends."""
    written, finish, failures = threading.Event(), threading.Event(), []

    def vote():
        try:
            with transaction.atomic():
                cast_vote(step, participant, option.pk)
                written.set()
                finish.wait(timeout=30)
        except Exception as error:  # shown by the test below, not lost in the thread
            failures.append(error)
            written.set()
        finally:
            connection.close()

    thread = threading.Thread(target=vote)
    thread.start()
    written.wait(timeout=30)
    try:
        assert failures == []
        yield
    finally:
        finish.set()
        thread.join(timeout=30)
    assert failures == []


@contextmanager
def waiting_at_most(lock_wait):
    with connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = '{lock_wait}'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")


def test_answers_of_different_people_do_not_wait_for_each_other(
    dilemma_round, dilemma, participant, other_participant
):
    first, second = dilemma.options.all()[:2]
    with answer_held_open(dilemma, participant, first), waiting_at_most(LOCK_WAIT):
        cast_vote(dilemma, other_participant, second.pk)
        assert Response.objects.filter(participant=other_participant).get().option == second
    assert Response.objects.get(participant=participant).option == first


def test_two_taps_of_one_phone_are_written_one_after_the_other(dilemma_round, dilemma, participant):
    """The second tap waits for the first and then changes the answer: never a clash of two
    inserts of the one answer (which would end in an error)."""
    first, second = dilemma.options.all()[:2]
    outcome = {}

    def second_tap():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                outcome["pid"] = cursor.fetchone()[0]
            cast_vote(dilemma, participant, second.pk)
            outcome["done"] = True
        except Exception as error:
            outcome["error"] = error
        finally:
            connection.close()

    with answer_held_open(dilemma, participant, first):
        tap = threading.Thread(target=second_tap)
        tap.start()
        until_waiting_for_a_lock(outcome)
    tap.join(timeout=30)
    assert outcome.get("done") and "error" not in outcome, outcome
    assert Response.objects.get(participant=participant).option == second


def until_waiting_for_a_lock(outcome):
    """Until the backend the other thread reported waits for a lock (or that thread ended)."""
    for _ in range(3000):
        if "error" in outcome or "done" in outcome:
            return
        if "pid" in outcome:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [outcome["pid"]]
                )
                row = cursor.fetchone()
            if row and row[0] == "Lock":
                return
        time.sleep(0.01)
    raise AssertionError("the second tap never reached its lock")


def test_the_facilitators_lock_waits_for_answers_on_their_way_and_stops_later_ones(
    dilemma_round, dilemma, participant, other_participant, facilitator
):
    first = dilemma.options.first()
    with (
        answer_held_open(dilemma, participant, first),
        waiting_at_most(LOCK_WAIT),
        pytest.raises(OperationalError, match="lock timeout"),
    ):
        services.lock_voting(dilemma, by=facilitator)
    services.lock_voting(dilemma, by=facilitator)
    assert Response.objects.get(participant=participant).option == first
    with pytest.raises(ActionRefused, match="closed"):
        cast_vote(dilemma, other_participant, first.pk)
