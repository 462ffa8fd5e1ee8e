"""Answers arriving together are written as one group: each stored, refused or kept as if written
one after the other, in the order they came, with a fixed number of statements per group."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from facilitation.deliberation import services as answers
from facilitation.deliberation.models import Receipt, Response
from facilitation.workshops import services
from facilitation.workshops.models import Event, Participant
from facilitation.workshops.services import ActionRefused


def submission(step, participant, option, language="en"):
    return answers._Submission(step, participant, {"option": [str(option.pk)]}, language)


def written_group(step, people_and_options, languages=None):
    languages = languages or ["en"] * len(people_and_options)
    pairs = zip(people_and_options, languages, strict=True)
    return answers._write_answers([submission(step, p, o, lang) for (p, o), lang in pairs])


@pytest.fixture
def room(live_round):
    return [services.join_round(live_round, display_name=f"P{n}") for n in range(30)]


def test_a_group_is_written_as_one_after_the_other(dilemma_round, dilemma, room, workshop):
    first, second = dilemma.options.all()[:2]
    anna, bo, cleo = room[:3]
    outsider = Participant.objects.create(workshop=workshop, number=99, token="x" * 32)
    outcomes = written_group(
        dilemma,
        [(anna, first), (bo, first), (anna, second), (outsider, first), (bo, first)],
    )
    assert [type(outcome) for outcome in outcomes] == [
        Response,
        Response,
        Response,
        ActionRefused,
        Response,
    ]
    assert "Join this workshop round first" in outcomes[3].message
    assert {r.participant_id: r.option_id for r in Response.objects.all()} == {
        anna.pk: second.pk,
        bo.pk: first.pk,
    }
    events = Event.objects.filter(kind="answer.given").order_by("id")
    given = [(e.participant_id, e.payload["option"], e.payload["previous_option"]) for e in events]
    # Bo's second tap changed nothing, so it is no event; Anna's change names what it replaced.
    assert given == [
        (anna.pk, first.pk, None),
        (bo.pk, first.pk, None),
        (anna.pk, second.pk, first.pk),
    ]
    assert cleo.pk not in {r.participant_id for r in Response.objects.all()}


def test_each_refusal_is_worded_in_its_submitters_language(dilemma_round, dilemma, workshop):
    """Whichever thread writes the group, a refusal speaks the language of the phone refused."""
    option = dilemma.options.first()
    outsiders = [
        Participant.objects.create(
            workshop=workshop, number=90 + n, token=f"{n}" * 32, rejoin_code=f"OUT{n}"
        )
        for n in range(2)
    ]
    swedish, english = written_group(
        dilemma, [(person, option) for person in outsiders], languages=["sv", "en"]
    )
    assert swedish.message == "Gå med i den här workshopomgången först."
    assert english.message == "Join this workshop round first."


def test_an_anonymous_step_takes_one_answer_per_person_in_a_group(dilemma_round, dilemma, room):
    dilemma.anonymous = True
    dilemma.save(update_fields=["anonymous"])
    first, second = dilemma.options.all()[:2]
    anna, bo = room[:2]
    outcomes = written_group(dilemma, [(anna, first), (anna, second), (bo, second)])
    assert isinstance(outcomes[1], ActionRefused)
    assert "cannot be changed" in outcomes[1].message
    assert sorted(Response.objects.values_list("option_id", flat=True)) == sorted(
        [first.pk, second.pk]
    )
    assert set(Response.objects.values_list("participant_id", flat=True)) == {None}
    assert set(Receipt.objects.values_list("participant_id", flat=True)) == {anna.pk, bo.pk}
    assert set(Event.objects.filter(kind="answer.given").values_list("participant", flat=True)) == {
        None
    }


def test_a_groups_statements_do_not_grow_with_its_size(dilemma_round, dilemma, room):
    first, second = dilemma.options.all()[:2]

    def statements(people, option):
        with CaptureQueriesContext(connection) as queries:
            outcomes = written_group(dilemma, [(person, option) for person in people])
        assert all(isinstance(outcome, Response) for outcome in outcomes)
        return len(queries)

    # New answers, then changed ones.
    assert statements(room[:2], first) == statements(room[2:30], first)
    assert statements(room[:2], second) == statements(room[2:30], second)
    assert Response.objects.filter(option=second).count() == 30


@pytest.mark.django_db(transaction=True)
def test_answers_arriving_during_a_write_are_stored_together(dilemma_round, dilemma, room):
    """On PostgreSQL: the first answer waits for a lock held here; those arriving meanwhile wait
    for it, then go in one group, and every one is stored and answered."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the PostgreSQL pass covers this")
    first, second = dilemma.options.all()[:2]
    holder = PersonHeld(room[0])
    results, threads = {}, []

    def answer(person, option):
        try:
            results[person.pk] = answers.submit_answer(dilemma, person, {"option": [option.pk]})
        except ActionRefused as refusal:
            results[person.pk] = refusal
        finally:
            connection.close()

    with holder:
        threads.append(start(answer, room[0], first))
        wait_until(lambda: answers._answers._writing and not answers._answers._waiting)
        for n, person in enumerate(room[1:11], start=1):
            threads.append(start(answer, person, second))
            wait_until(lambda n=n: len(answers._answers._waiting) == n)
    for thread in threads:
        thread.join(timeout=30)
    assert all(isinstance(results[person.pk], Response) for person in room[:11])
    assert Response.objects.filter(option=first).count() == 1
    assert Response.objects.filter(option=second).count() == 10
    assert Event.objects.filter(kind="answer.given").count() == 11


class PersonHeld:
    """Holds a person's row locked from another connection while the block runs."""

    def __init__(self, person):
        self.person, self.locked, self.release = person, threading.Event(), threading.Event()

    def hold(self):
        try:
            with transaction.atomic():
                Participant.objects.select_for_update().get(pk=self.person.pk)
                self.locked.set()
                self.release.wait(timeout=30)
        finally:
            connection.close()

    def __enter__(self):
        self.thread = start(self.hold)
        assert self.locked.wait(timeout=30)

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(timeout=30)


def start(target, *args):
    thread = threading.Thread(target=target, args=args)
    thread.start()
    return thread


def wait_until(condition):
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, "the condition did not come about"
        time.sleep(0.001)
