"""The console stays linear in the content: a room that writes a thousand notes, five hundred
statements and three hundred clauses gets a console page, and pushes, whose size grows by at most
a small constant per item and whose query count does not grow at all.

Each step is measured at two sizes; the difference says what one more item costs. A per-item
"merge into" list of every other item (what the console once had) costs an item per item, so the
bytes per item would grow with the size and these tests fail.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from facilitation.deliberation.annotations import sentence_spans
from facilitation.deliberation.models import Annotation, Clause, DiscussionNote, Statement
from facilitation.live.push import EVERYTHING
from facilitation.screens.stages import FACILITATOR, render_push
from facilitation.workshops import services
from facilitation.workshops.groups import split_into_groups
from facilitation.workshops.models import Step

SMALL, BIG = 100, 1000
# What one more item may add to the console page or a push, in bytes (an item renders its text,
# a few badges and its own moderation buttons; a list of all the others would be kilobytes).
BYTES_PER_NOTE = 2500
BYTES_PER_STATEMENT = 2500
BYTES_PER_CLAUSE = 4000
BYTES_PER_DISCUSSION_NOTE = 1500


def _people(round, count=20):
    return [services.join_round(round, display_name=f"P{n}") for n in range(count)]


def _notes(step, people, count):
    spans = sentence_spans(step)
    rows = []
    for n in range(count):
        start, end = spans[n % len(spans)][:2]
        rows.append(
            Annotation(
                step=step,
                participant=people[n % len(people)],
                exact=step.body[start:end],
                prefix=step.body[max(0, start - 32) : start],
                suffix=step.body[end : end + 32],
                start=start,
                end=end,
                note=f"Note number {n} about this passage",
                status=Annotation.Status.PENDING if n % 5 == 0 else Annotation.Status.VISIBLE,
                pinned=n % 50 == 0,
            )
        )
    Annotation.objects.bulk_create(rows)


def _statements(step, people, count):
    Statement.objects.bulk_create(
        Statement(
            step=step,
            text=f"Statement number {n} that someone wrote",
            status=Statement.Status.PENDING if n % 4 == 0 else Statement.Status.APPROVED,
            submitted_by=people[n % len(people)],
        )
        for n in range(count)
    )


def _clauses(round, people, count):
    Clause.objects.bulk_create(
        Clause(
            workshop=round.workshop,
            round=round,
            text=f"Clause number {n}: we answer within a day",
            status=Clause.Status.ACCEPTED if n % 3 == 0 else Clause.Status.PROPOSED,
            position=n if n % 3 == 0 else None,
            proposed_by=people[n % len(people)],
        )
        for n in range(count)
    )


def _discussion_notes(step, groups, people, count):
    DiscussionNote.objects.bulk_create(
        DiscussionNote(
            step=step,
            group=groups[n % len(groups)],
            participant=people[n % len(people)],
            text=f"Discussion note {n}",
        )
        for n in range(count)
    )


def _step(round, kind):
    return round.steps.filter(kind=kind).order_by("position").first()


def _measure(client, round, topics):
    """(bytes, queries) of the console page, and of the facilitator's push for each topic set."""
    figures = {}
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/console/rounds/{round.pk}/")
    assert response.status_code == 200
    figures["page"] = (len(response.content), len(queries))
    for topic in topics:
        with CaptureQueriesContext(connection) as queries:
            fragments = render_push(round.pk, FACILITATOR, {topic}, set())
        size = sum(len(html.encode()) for html, _members in fragments)
        assert size, f"the {topic!r} push rendered nothing"
        figures[topic] = (size, len(queries))
    return figures


def _assert_linear(small, big, added, bytes_per_item, what):
    for name, (small_bytes, small_queries) in small.items():
        big_bytes, big_queries = big[name]
        per_item = (big_bytes - small_bytes) / added
        # Shown with -s; docs/security.md quotes these figures.
        print(f"{what} {name}: {small_bytes}B {small_queries}q -> {big_bytes}B {big_queries}q")
        assert per_item <= bytes_per_item, (
            f"{what}, {name}: {per_item:.0f} bytes per item (at most {bytes_per_item}); "
            f"{small_bytes} bytes at the small size, {big_bytes} at the big one"
        )
        assert big_queries == small_queries, (
            f"{what}, {name}: {small_queries} queries at the small size, {big_queries} at the big"
        )


def _console_at(facilitator, live_round, kind, fill, topics):
    """Fill the step of ``kind`` with SMALL items, measure, fill up to BIG, measure again."""
    from django.test import Client

    client = Client()
    client.force_login(facilitator)
    step = _step(live_round, kind)
    services.go_to_step(live_round, step, by=facilitator)
    people = _people(live_round)
    fill(step, people, SMALL)
    small = _measure(client, live_round, topics)
    fill(step, people, BIG - SMALL)
    big = _measure(client, live_round, topics)
    return small, big


@pytest.mark.django_db
class TestTheConsoleStaysLinear:
    def test_a_finding_with_a_thousand_notes(self, facilitator, live_round):
        small, big = _console_at(
            facilitator, live_round, Step.Kind.FINDING, _notes, ["annotations", EVERYTHING]
        )
        _assert_linear(small, big, BIG - SMALL, BYTES_PER_NOTE, "notes")

    def test_a_statements_step_with_five_hundred_statements(self, facilitator, live_round):
        small, big = _console_at(
            facilitator,
            live_round,
            Step.Kind.STATEMENTS,
            lambda step, people, n: _statements(step, people, n // 2),
            ["results", EVERYTHING],
        )
        _assert_linear(small, big, (BIG - SMALL) // 2, BYTES_PER_STATEMENT, "statements")

    def test_the_code_of_conduct_with_three_hundred_clauses(self, facilitator, live_round):
        small, big = _console_at(
            facilitator,
            live_round,
            Step.Kind.CONDUCT,
            lambda step, people, n: _clauses(step.round, people, n * 3 // 10),
            ["conduct", EVERYTHING],
        )
        _assert_linear(small, big, (BIG - SMALL) * 3 // 10, BYTES_PER_CLAUSE, "clauses")

    def test_a_discussion_with_a_thousand_notes(self, facilitator, live_round):
        groups = []

        def fill(step, people, n):
            if not groups:
                groups.extend(split_into_groups(step.round, method="random", count=5, by=None))
            _discussion_notes(step, groups, people, n)

        small, big = _console_at(
            facilitator, live_round, Step.Kind.DISCUSSION, fill, ["discussion", EVERYTHING]
        )
        _assert_linear(small, big, BIG - SMALL, BYTES_PER_DISCUSSION_NOTE, "discussion notes")
