"""What a phone says at once about its own contributions: a statement waiting for approval or not
accepted, a note the facilitator hid or merged."""

import pytest
from django.db import transaction

from facilitation.deliberation.annotations import annotate, moderate_annotation
from facilitation.deliberation.models import Statement
from facilitation.deliberation.statements import moderate_statement, submit_statement
from facilitation.screens.stages import render_push
from facilitation.workshops import services
from facilitation.workshops.models import Step

HTMX = {"HTTP_HX_REQUEST": "true"}


def show(round, kind, facilitator):
    step = round.steps.filter(kind=kind).order_by("position").first()
    services.go_to_step(round, step, by=facilitator)
    return step


def pushes_of(callbacks):
    """(topics, urgent) of each live push a transaction's commit sent."""
    return [(tuple(c.args[1]), c.args[2]) for c in callbacks if c.args[1:]]


class TestStatementsOfOnesOwn:
    @pytest.fixture
    def step(self, live_round, facilitator):
        return show(live_round, Step.Kind.STATEMENTS, facilitator)

    def test_a_waiting_statement_stays_on_its_authors_phone(
        self, phone, live_round, step, participant
    ):
        submit_statement(step, participant, "Answer by noon")
        page = phone.get(f"/r/{live_round.join_code}/").content.decode()
        mine = page[page.index('id="my-statements"') :]
        assert "Answer by noon" in mine and "Waiting for the facilitator's approval" in mine

    def test_the_whole_stage_push_keeps_it_for_the_author_alone(
        self, live_round, step, participant, other_participant
    ):
        submit_statement(step, participant, "Answer by noon")
        fragments = render_push(
            live_round.pk, "participant", {"stage"}, [participant.pk, other_participant.pk]
        )
        by_member = {m: html for html, members in fragments for m in members}
        assert "Waiting for the facilitator's approval" in by_member[participant.pk]
        assert "Answer by noon" not in by_member[other_participant.pk]

    def test_answering_a_statement_keeps_ones_waiting_statement_in_the_response(
        self, phone, live_round, step, participant
    ):
        submit_statement(step, participant, "Answer by noon")
        approved = step.statements.filter(status="approved").first()
        response = phone.post(
            f"/r/{live_round.join_code}/steps/{step.pk}/vote/",
            {"statement": approved.pk, "answer": "agree"},
            **HTMX,
        )
        # The lean answer response replaces only the answer section: the waiting statement,
        # listed outside it, stays on the phone as it was.
        assert response.status_code == 200
        assert f'id="answer-{step.pk}"' in response.content.decode()
        assert 'id="stage"' not in response.content.decode()
        page = phone.get(f"/r/{live_round.join_code}/").content.decode()
        assert "Waiting for the facilitator's approval" in page

    def test_a_rejection_is_pushed_to_its_author_at_once(
        self, live_round, step, participant, other_participant, facilitator
    ):
        statement = submit_statement(step, participant, "Answer by noon")
        with self.captured() as callbacks:
            moderate_statement(statement, approve=False, by=facilitator)
        assert (("own-statements", "results"), True) in pushes_of(callbacks)
        fragments = render_push(
            live_round.pk,
            "participant",
            {"own-statements"},
            [participant.pk, other_participant.pk],
        )
        [(html, receivers)] = fragments
        assert receivers == {participant.pk}
        assert 'id="my-statements"' in html and "did not add this statement" in html

    def test_an_approved_statement_leaves_ones_own_list_for_the_rooms(
        self, phone, live_round, step, participant, facilitator
    ):
        statement = submit_statement(step, participant, "Answer by noon")
        moderate_statement(statement, approve=True, by=facilitator)
        assert statement.status == Statement.Status.APPROVED
        page = phone.get(f"/r/{live_round.join_code}/").content.decode()
        mine = page[page.index('id="my-statements"') :]
        assert "Answer by noon" in page[: page.index('id="my-statements"')]
        assert "Answer by noon" not in mine[: mine.index("</section>")]

    @staticmethod
    def captured():
        from django.test import TestCase

        return TestCase.captureOnCommitCallbacks(execute=False)


class TestNotesOfOnesOwn:
    def test_hiding_a_note_pushes_its_authors_notes_at_once(
        self, live_round, participant, facilitator
    ):
        finding = show(live_round, Step.Kind.FINDING, facilitator)
        note = annotate(finding, participant, start=0, end=10, note="Mine")
        with TestStatementsOfOnesOwn.captured() as callbacks:
            moderate_annotation(note, action="hide", by=facilitator)
        assert (("annotations", "own-notes"), True) in pushes_of(callbacks)
        [(wall, everyone), (mine, receivers)] = render_push(
            live_round.pk, "participant", {"annotations", "own-notes"}, [participant.pk]
        )
        assert everyone is None and receivers == {participant.pk}
        assert "hidden this note from the shared screens" in mine

    def test_a_participants_own_note_is_paced_as_before(self, live_round, participant, facilitator):
        finding = show(live_round, Step.Kind.FINDING, facilitator)
        with TestStatementsOfOnesOwn.captured() as callbacks, transaction.atomic():
            annotate(finding, participant, start=0, end=10, note="Mine")
        assert (("annotations",), False) in pushes_of(callbacks)
