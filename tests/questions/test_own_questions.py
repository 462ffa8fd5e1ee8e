"""A phone keeps the newest word on its own questions.

The reply to one's own action (asking, withdrawing, upvoting) and the push of the facilitator's
decision on one's question can reach the phone in either order. Every render of "Your questions"
says the version of the round's questions it shows (the round's newest ``question.`` event), so
the phone keeps the newer one (balans.js) and a reply rendered just before an approval cannot
undo it. Questions are the round's, not a step's: the version goes on across steps.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import OperationalError, connection, connections, transaction

from facilitation.deliberation.own_contributions import newest_event, read_own
from facilitation.questions.models import Question, QuestionBoard
from facilitation.questions.services import (
    ask_question,
    configure_questions,
    mark_answered,
    moderate_question,
    upvote_question,
    withdraw_question,
)
from facilitation.screens.stages import render_push
from facilitation.workshops import services
from tests.screens.test_own_contributions import HTMX, own_section, version_of

MINE = "my-questions"


def newest(round):
    return newest_event(round, "question.")


@pytest.fixture
def premoderated(open_any_time, facilitator):
    """A round on a dilemma, its questions open on every step and approved before the room sees
    them."""
    configure_questions(open_any_time, open_any_time=True, premoderate=True, by=facilitator)
    return open_any_time


def test_every_render_of_ones_questions_says_the_rounds_version(
    phone, premoderated, participant, other_participant, facilitator
):
    reply = phone.post(
        f"/r/{premoderated.join_code}/questions/", {"text": "Why now?"}, **HTMX
    ).content.decode()
    assert "Waiting for the facilitator's approval" in own_section(reply, MINE)
    before = version_of(reply, MINE)
    assert before == newest(premoderated) > 0
    assert f'data-round="{premoderated.pk}"' in own_section(reply, MINE)

    moderate_question(Question.objects.get(), "approve", by=facilitator)
    [(pushed, receivers)] = render_push(
        premoderated.pk, "participant", {"own-questions"}, [participant.pk, other_participant.pk]
    )
    assert receivers == {participant.pk}
    assert "On the board" in own_section(pushed, MINE)
    after = version_of(pushed, MINE)
    assert after == newest(premoderated) > before
    page = phone.get(f"/r/{premoderated.join_code}/").content.decode()
    assert version_of(page, MINE) == after and "On the board" in own_section(page, MINE)

    # A whole stage for every phone shows nobody's questions: each phone keeps its own, and the
    # stand-in claims no version, so it never keeps out a real render.
    for html, _members in render_push(
        premoderated.pk, "participant", {"stage"}, [participant.pk, other_participant.pk]
    ):
        assert 'hx-preserve="true"' in own_section(html, MINE)
        assert version_of(html, MINE) == 0


def test_each_change_of_ones_questions_gives_a_newer_version(
    phone, open_any_time, participant, other_participant, facilitator
):
    def shown():
        page = phone.get(f"/r/{open_any_time.join_code}/").content.decode()
        return version_of(page, MINE)

    mine = ask_question(open_any_time, participant, text="Mine")
    theirs = ask_question(open_any_time, other_participant, text="Theirs")
    versions = [shown()]
    for change in (
        lambda: upvote_question(theirs, participant),  # one's votes are in "Your questions" too
        lambda: mark_answered(mine, True, by=facilitator),
        lambda: mark_answered(mine, False, by=facilitator),
        lambda: withdraw_question(mine, participant),
    ):
        change()
        versions.append(shown())
    assert versions == sorted(set(versions)) and versions[-1] == newest(open_any_time)


def test_the_version_is_the_rounds_and_goes_on_across_steps(
    phone, open_any_time, participant, facilitator
):
    ask_question(open_any_time, participant, text="Asked on the dilemma")
    asked = newest(open_any_time)
    [(on_dilemma, _receivers)] = render_push(
        open_any_time.pk, "participant", {"own-questions"}, [participant.pk]
    )
    steps = list(open_any_time.ordered_steps())
    later = steps[steps.index(open_any_time.current_step) + 1]
    services.go_to_step(open_any_time, later, by=facilitator)
    [(on_later, _receivers)] = render_push(
        open_any_time.pk, "participant", {"own-questions"}, [participant.pk]
    )
    page = phone.get(f"/r/{open_any_time.join_code}/").content.decode()
    # The round's, not the new step's (which has no question events, so it would say 0).
    assert version_of(on_dilemma, MINE) == version_of(on_later, MINE) == asked > 0
    assert version_of(page, MINE) == asked


def test_a_reading_of_the_rounds_questions_is_done_again_when_a_change_lands_in_it(
    open_any_time, participant, facilitator
):
    question = ask_question(open_any_time, participant, text="Mine")
    readings = []

    def read():
        readings.append(dict(Question.objects.values_list("pk", "answered_at")))
        if len(readings) == 1:  # the facilitator answers it while the phone's render reads
            mark_answered(question, True, by=facilitator)
        return readings[-1]

    own = read_own(open_any_time, "question.", read)
    assert len(readings) == 2 and own[question.pk] is not None
    assert own.version == newest(open_any_time)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("act", ["ask", "upvote", "answer", "hide"])
def test_every_change_of_a_rounds_questions_waits_for_its_boards_lock(
    act, open_any_time, participant, other_participant, facilitator
):
    """So the questions' events are numbered in the order the changes commit (read_own)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the PostgreSQL pass covers this")
    theirs = ask_question(open_any_time, other_participant, text="Theirs")
    changes = {
        "ask": lambda: ask_question(open_any_time, participant, text="Mine"),
        "upvote": lambda: upvote_question(theirs, participant),
        "answer": lambda: mark_answered(theirs, True, by=facilitator),
        "hide": lambda: moderate_question(theirs, "hide", by=facilitator),
    }

    def change():
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '100ms'")
                changes[act]()
        except OperationalError as error:
            return error
        finally:
            connections.close_all()

    before = newest(open_any_time)
    with transaction.atomic():
        QuestionBoard.objects.select_for_update().get(round=open_any_time)
        with ThreadPoolExecutor(max_workers=1) as pool:
            refused = pool.submit(change).result()
    assert isinstance(refused, OperationalError)  # it waited for the lock held here
    assert newest(open_any_time) == before
