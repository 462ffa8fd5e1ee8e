"""What a phone says at once about its own contributions: a statement waiting for approval or not
accepted, a note the facilitator hid or merged."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from facilitation.deliberation.annotations import annotate, merge_annotations, moderate_annotation
from facilitation.deliberation.own_contributions import newest_event, read_own
from facilitation.deliberation.statements import moderate_statement, submit_statement
from facilitation.screens.stages import render_push
from facilitation.workshops import services
from facilitation.workshops.models import Step
from tests.screens.catalogue import english_left

HTMX = {"HTTP_HX_REQUEST": "true"}


def show(round, kind, facilitator):
    step = round.steps.filter(kind=kind).order_by("position").first()
    services.go_to_step(round, step, by=facilitator)
    return step


def own_section(html, region):
    """The ``<section id=region>`` of a render: what it says of one's own contributions."""
    start = html.index(f'id="{region}"')
    return html[start : html.index("</section>", start)]


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

    @pytest.mark.parametrize("authors", [1, 8])
    def test_the_whole_stage_push_reads_the_list_once_however_many_wrote(
        self, live_round, step, participant, other_participant, authors
    ):
        people = [participant, other_participant]
        people += [services.join_round(live_round, display_name=f"N{n}") for n in range(8)]
        for number, person in enumerate(people[:authors]):
            submit_statement(step, person, f"Förslag nummer {number}")
        members = [person.pk for person in people]
        with CaptureQueriesContext(connection) as queries:
            fragments = render_push(live_round.pk, "participant", {"stage"}, members)
        assert len(fragments) == authors + 1  # one per author, one for the others
        statements_read = [
            q for q in queries if q["sql"].startswith('SELECT "deliberation_statement"')
        ]
        # The authors' own statements, and the list to answer: not once per author.
        assert len(statements_read) <= 3, [q["sql"][:90] for q in statements_read]
        assert len(queries) <= 12, [q["sql"][:80] for q in queries]

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

    def test_an_approval_is_said_on_its_authors_phone_at_once(
        self, phone, live_round, step, participant, other_participant, facilitator
    ):
        statement = submit_statement(step, participant, "Answer by noon")
        with self.captured() as callbacks:
            moderate_statement(statement, approve=True, by=facilitator)
        assert (("stage",), True) in pushes_of(callbacks)
        fragments = render_push(
            live_round.pk, "participant", {"stage"}, [participant.pk, other_participant.pk]
        )
        by_member = {m: html for html, members in fragments for m in members}
        for html in by_member.values():  # on the room's list, for everyone to answer
            assert "Answer by noon" in html[: html.index('id="my-statements"')]
        mine = own_section(by_member[participant.pk], "my-statements")
        assert "Answer by noon" in mine and "Your statement was approved" in mine
        assert "Your statement was approved" not in by_member[other_participant.pk]
        page = phone.get(f"/r/{live_round.join_code}/").content.decode()
        assert "Your statement was approved" in own_section(page, "my-statements")

    def test_the_phone_says_what_became_of_each_of_ones_statements_in_swedish(
        self, live_round, step, participant, facilitator
    ):
        participant.language = "sv"
        participant.save(update_fields=["language"])
        for text, decision in (("Svar före lunch", None), ("Svar i dag", True), ("Nej", False)):
            statement = submit_statement(step, participant, text)
            if decision is not None:
                moderate_statement(statement, approve=decision, by=facilitator)
        [(html, _receivers)] = render_push(
            live_round.pk, "participant", {"own-statements"}, [participant.pk]
        )
        assert "Dina påståenden" in html and "Ditt påstående har godkänts" in html
        assert "Väntar på att facilitatorn" in html and "lade inte till" in html
        assert english_left(html) == []

    def test_the_whole_stage_costs_the_same_queries_however_many_others_watch(
        self, live_round, step, participant, facilitator
    ):
        statement = submit_statement(step, participant, "Answer by noon")
        moderate_statement(statement, approve=True, by=facilitator)

        def queries_for(watchers):
            members = [participant.pk] + [
                services.join_round(live_round).pk for _ in range(watchers)
            ]
            with CaptureQueriesContext(connection) as queries:
                render_push(live_round.pk, "participant", {"stage"}, members)
            return len(queries)

        assert queries_for(2) == queries_for(8)

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

    def test_merging_a_note_says_so_to_its_author_alone_at_once(
        self, live_round, participant, other_participant, facilitator
    ):
        finding = show(live_round, Step.Kind.FINDING, facilitator)
        duplicate = annotate(finding, participant, start=0, end=10, note="Mine")
        kept = annotate(finding, other_participant, start=0, end=10, note="Theirs")
        with TestStatementsOfOnesOwn.captured() as callbacks:
            merge_annotations(duplicate, kept, by=facilitator)
        assert (("annotations", "own-notes"), True) in pushes_of(callbacks)
        [_wall, *own] = render_push(
            live_round.pk,
            "participant",
            {"annotations", "own-notes"},
            [participant.pk, other_participant.pk],
        )
        by_member = {m: html for html, members in own for m in members}
        assert "merged this note with a similar one" in by_member[participant.pk]
        assert "merged this note" not in by_member[other_participant.pk]

    def test_the_hidden_and_merged_messages_speak_swedish(
        self, live_round, participant, other_participant, facilitator
    ):
        participant.language = "sv"
        participant.save(update_fields=["language"])
        finding = show(live_round, Step.Kind.FINDING, facilitator)
        hidden = annotate(finding, participant, start=0, end=10, note="Dold")
        moderate_annotation(hidden, action="hide", by=facilitator)
        duplicate = annotate(finding, participant, start=0, end=10, note="Samma")
        kept = annotate(finding, other_participant, start=0, end=10, note="Deras")
        merge_annotations(duplicate, kept, by=facilitator)
        [(html, _receivers)] = render_push(
            live_round.pk, "participant", {"own-notes"}, [participant.pk]
        )
        assert "Facilitatorn har dolt" in html and "slagit ihop anteckningen" in html
        # The English demo's codebook is the workshop's content, not the screen's words.
        codes = set(live_round.workshop.codes.values_list("name", flat=True))
        assert [left for left in english_left(html) if left[1] not in codes] == []

    def test_a_participants_own_note_is_paced_as_before(self, live_round, participant, facilitator):
        finding = show(live_round, Step.Kind.FINDING, facilitator)
        with TestStatementsOfOnesOwn.captured() as callbacks, transaction.atomic():
            annotate(finding, participant, start=0, end=10, note="Mine")
        assert (("annotations",), False) in pushes_of(callbacks)


def version_of(html, region):
    """The version of the record a render of ``region`` says it shows."""
    return int(re.search(r'data-version="(\d+)"', own_section(html, region)).group(1))


class TestTheNewestOfTwoRenders:
    """The push of a facilitator's decision and the reply to the author's own action can reach
    the phone in either order; each says the version of the record it shows, so the phone keeps
    the newer one (balans.js), and a reply rendered just before a hide cannot undo its message."""

    @pytest.fixture
    def finding(self, live_round, facilitator):
        return show(live_round, Step.Kind.FINDING, facilitator)

    def test_every_render_of_ones_notes_says_the_version_it_shows(
        self, phone, live_round, finding, participant, other_participant, facilitator
    ):
        reply = phone.post(
            f"/r/{live_round.join_code}/steps/{finding.pk}/annotations/",
            {"start": 0, "end": 10, "note": "Mine"},
            **HTMX,
        ).content.decode()
        before = version_of(reply, "my-notes")
        assert before == newest_event(finding, "annotation.") > 0
        note = finding.annotations.get()
        moderate_annotation(note, action="hide", by=facilitator)
        [_wall, (pushed, _receivers)] = render_push(
            live_round.pk, "participant", {"annotations", "own-notes"}, [participant.pk]
        )
        assert "hidden this note" in own_section(pushed, "my-notes")
        after = version_of(pushed, "my-notes")
        assert after == newest_event(finding, "annotation.") > before
        # The whole stage, for the author and for everyone else, and the page say the same.
        for html, _members in render_push(
            live_round.pk, "participant", {"stage"}, [participant.pk, other_participant.pk]
        ):
            assert version_of(html, "my-notes") == after
        page = phone.get(f"/r/{live_round.join_code}/").content.decode()
        assert version_of(page, "my-notes") == after
        assert f'data-step="{finding.pk}"' in own_section(page, "my-notes")

    def test_every_render_of_ones_statements_says_the_version_it_shows(
        self, phone, live_round, participant, facilitator
    ):
        step = show(live_round, Step.Kind.STATEMENTS, facilitator)
        reply = phone.post(
            f"/r/{live_round.join_code}/steps/{step.pk}/statements/",
            {"text": "Answer by noon"},
            **HTMX,
        ).content.decode()
        before = version_of(reply, "my-statements")
        assert before == newest_event(step, "statement.") > 0
        statement = step.statements.get(text="Answer by noon")
        moderate_statement(statement, approve=False, by=facilitator)
        [(pushed, _receivers)] = render_push(
            live_round.pk, "participant", {"own-statements"}, [participant.pk]
        )
        assert version_of(pushed, "my-statements") == newest_event(step, "statement.") > before

    def test_a_reading_is_done_again_when_a_change_lands_in_its_middle(
        self, finding, participant, facilitator
    ):
        note = annotate(finding, participant, start=0, end=10, note="Mine")
        readings = []

        def read():
            readings.append(dict(finding.annotations.values_list("pk", "status")))
            if len(readings) == 1:  # the facilitator hides it while the phone's render reads
                moderate_annotation(note, action="hide", by=facilitator)
            return readings[-1]

        own = read_own(finding, "annotation.", read)
        assert len(readings) == 2
        assert own == {note.pk: "hidden"}
        assert own.version == newest_event(finding, "annotation.")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("act", ["hide", "merge"])
def test_moderating_a_note_waits_for_the_findings_lock(
    act, live_round, participant, other_participant, facilitator
):
    """Every change of a finding's notes holds the step's lock, so versions grow in the order
    the changes commit (own_contributions.read_own)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the PostgreSQL pass covers this")
    finding = show(live_round, Step.Kind.FINDING, facilitator)
    note = annotate(finding, participant, start=0, end=10, note="Mine")
    other = annotate(finding, other_participant, start=0, end=10, note="Same")

    def moderate():
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '100ms'")
                if act == "hide":
                    moderate_annotation(note, action="hide", by=facilitator)
                else:
                    merge_annotations(note, other, by=facilitator)
        except OperationalError as error:
            return error
        finally:
            connections.close_all()

    with transaction.atomic():
        # The lock that changes take (not a weaker one, which the events' foreign keys wait for).
        Step.objects.select_for_update(no_key=True).get(pk=finding.pk)
        with ThreadPoolExecutor(max_workers=1) as pool:
            refused = pool.submit(moderate).result()
    assert isinstance(refused, OperationalError)  # it waited for the lock held here
    note.refresh_from_db()
    assert (note.status, note.merged_into_id) == ("visible", None)
