"""The code of conduct, breakout groups and discussion notes, in every export."""

import csv
import io
import json
import zipfile

import pytest
from django.utils import timezone
from lxml import etree
from openpyxl import load_workbook

from facilitation.deliberation.models import (
    Amendment,
    Clause,
    ConductVersion,
    DiscussionNote,
    Endorsement,
)
from facilitation.research.scope import ExportScope
from facilitation.workshops.models import (
    BreakoutGroup,
    Event,
    GroupMembership,
    Step,
    Workshop,
)
from tests import played

from .conftest import export_bytes, unescape
from .test_formats import NS, csv_tables

# One round played for the module (tests.played): every test here sees it, asked for or not.
played_once, facilitator, workshop, played_round = played.SHARED

NEW_TABLES = {
    "breakout_groups": BreakoutGroup,
    "group_memberships": GroupMembership,
    "discussion_notes": DiscussionNote,
    "clauses": Clause,
    "amendments": Amendment,
    "endorsements": Endorsement,
    "conduct_versions": ConductVersion,
}


def version_clause_count():
    return sum(len(v.clauses) for v in ConductVersion.objects.all())


class TestTables:
    def test_every_new_table_has_the_database_counts_in_csv_xlsx_and_json(self, scope):
        assert DiscussionNote.objects.count() == 8
        assert Clause.objects.filter(proposed_by__isnull=False).count() == 3
        assert Endorsement.objects.exclude(objection="").count() == 2
        tables = csv_tables(export_bytes(scope, "csv"))
        workbook = load_workbook(io.BytesIO(export_bytes(scope, "xlsx")))
        record = json.loads(export_bytes(scope, "json"))
        steps = [step for round in record["rounds"] for step in round["steps"]]
        for name, model in NEW_TABLES.items():
            count = model.objects.count()
            assert count > 0, name
            assert len(tables[name]) == count, name
            assert workbook[name].max_row - 1 == count, name
            if name == "discussion_notes":
                assert sum(len(s.get(name, [])) for s in steps) == count
            elif name in {"breakout_groups", "group_memberships"}:
                assert sum(len(r.get(name, [])) for r in record["rounds"]) == count
            else:
                assert len(record[name]) == count, name
        assert len(tables["conduct_version_clauses"]) == version_clause_count()
        assert len(tables["clause_codes"]) == Clause.codes.through.objects.count() > 0

    def test_texts_are_the_database_texts(self, scope):
        tables = csv_tables(export_bytes(scope, "csv"))
        notes = {int(r["note_id"]): unescape(r["text"]) for r in tables["discussion_notes"]}
        assert notes == dict(DiscussionNote.objects.values_list("pk", "text"))
        clauses = {int(r["clause_id"]): r["text"] for r in tables["clauses"]}
        assert clauses == dict(Clause.objects.values_list("pk", "text"))
        objections = {
            int(r["endorsement_id"]): r["objection"]
            for r in tables["endorsements"]
            if r["objection"]
        }
        assert objections == dict(
            Endorsement.objects.exclude(objection="").values_list("pk", "objection")
        )
        [amendment] = tables["amendments"]
        assert amendment["text"] == Amendment.objects.get().text
        latest = ConductVersion.objects.order_by("-number").first()
        rows = [r for r in tables["conduct_version_clauses"] if r["version"] == str(latest.number)]
        assert [r["text"] for r in rows] == [entry["text"] for entry in latest.clauses]
        assert [int(r["clause_id"]) for r in rows] == [e["clause"] for e in latest.clauses]

    def test_who_did_what_is_named_by_pseudonym(self, scope):
        tables = csv_tables(export_bytes(scope, "csv"))
        by_id = {int(r["clause_id"]): r for r in tables["clauses"]}
        for clause in Clause.objects.select_related("proposed_by"):
            row = by_id[clause.pk]
            expected = clause.proposed_by.pseudonym if clause.proposed_by else ""
            assert row["proposed_by"] == expected
            assert row["proposed_by_facilitator"] == str(clause.proposed_by_facilitator).lower()
        note = DiscussionNote.objects.exclude(clause=None).get()
        assert by_id[note.clause_id]["from_note"] == str(note.pk)
        members = {(r["group_number"], r["participant"]) for r in tables["group_memberships"]}
        assert members == {
            (str(m.group.number), m.participant.pseudonym)
            for m in GroupMembership.objects.select_related("group", "participant")
        }
        split = next(r for r in tables["events"] if r["kind"] == "groups.split")
        groups = json.loads(split["payload"])["groups"]
        assert sorted(p for people in groups.values() for p in people) == sorted(
            m.participant.pseudonym for m in GroupMembership.objects.all()
        )
        accepted = next(r for r in tables["conduct_versions"] if r["name"] == "")
        assert json.loads(accepted["changes"])

    def test_a_round_export_holds_its_own_clauses_groups_and_notes(self, workshop, played_round):
        tables = csv_tables(export_bytes(ExportScope(workshop, played_round), "csv"))
        amended = Amendment.objects.get().clause_id
        proposed_here = set(Clause.objects.filter(round=played_round).values_list("pk", flat=True))
        assert amended not in proposed_here
        # Clauses proposed in the round, and those of earlier rounds it worked on.
        assert {int(r["clause_id"]) for r in tables["clauses"]} == proposed_here | {amended}
        assert len(tables["discussion_notes"]) == DiscussionNote.objects.count()
        assert {r["round_id"] for r in tables["breakout_groups"]} == {str(played_round.pk)}
        assert {r["name"] for r in tables["conduct_versions"]} >= {played_round.title}
        endorsed = Event.objects.filter(round=played_round, kind="conduct.endorsed").count()
        assert len(tables["endorsements"]) == endorsed == Endorsement.objects.count()

    def test_a_later_round_holds_the_stances_given_in_it_on_earlier_clauses(
        self, workshop, facilitator, played_round
    ):
        from facilitation.deliberation.authoring import clean_content, create_step
        from facilitation.deliberation.conduct import endorse
        from facilitation.workshops import services

        later = services.create_round(workshop, title="June")
        content = clean_content({"kind": "conduct", "title": "Our code", "body": "Go on."})
        conduct = create_step(later, 1, content)
        services.start_round(later, by=facilitator)
        services.go_to_step(later, conduct, by=facilitator)
        person = played_round.attendances.first().participant
        services.join_round(later, participant=person)
        clause = Clause.objects.filter(status=Clause.Status.ACCEPTED).last()
        endorse(clause, person, "disagree", "Too strict for a small team.", round=later)
        tables = csv_tables(export_bytes(ExportScope(workshop, later), "csv"))
        [row] = tables["endorsements"]
        assert row["objection"] == "Too strict for a small team."
        assert row["participant"] == person.pseudonym
        assert [int(r["clause_id"]) for r in tables["clauses"]] == [clause.pk]
        assert tables["discussion_notes"] == [] and tables["breakout_groups"] == []


def section(text, round, kind):
    """The transcript's part for the step of ``kind`` in ``round``."""
    step = round.steps.get(kind=kind)
    after = text.split(f"Facilitator: [{round.title}, step {step.position}] ", 1)[1]
    return after.split("\nFacilitator: ", 1)[0]


class TestTexts:
    def test_the_transcript_has_the_group_notes_under_the_discussion(self, scope, played_round):
        part = section(export_bytes(scope, "transcript").decode(), played_round, "discussion")
        paragraphs = [p.strip() for p in part.split("\n\n") if p.strip().startswith("P")]
        notes = DiscussionNote.objects.select_related("participant", "group").order_by(
            "created_at", "pk"
        )
        assert paragraphs == [
            f"{n.participant.pseudonym}: [Group {n.group.number}] {n.text}" for n in notes
        ]

    def test_the_transcript_has_proposals_amendments_and_objections_under_the_code_step(
        self, scope, played_round
    ):
        part = section(export_bytes(scope, "transcript").decode(), played_round, "conduct")
        for clause in Clause.objects.exclude(proposed_by=None):
            assert f"{clause.proposed_by.pseudonym}: [proposes a clause] {clause.text}" in part
        amendment = Amendment.objects.get()
        assert f"{amendment.proposed_by.pseudonym}: [amends “{amendment.base_text}”]" in part
        for e in Endorsement.objects.exclude(objection=""):
            assert f"{e.participant.pseudonym}: [objects to the clause “{e.clause.text}”] " in part
            assert e.objection in part

    def test_the_log_has_the_facilitators_conduct_and_group_acts(self, scope):
        rows = list(csv.DictReader(io.StringIO(export_bytes(scope, "log").decode())))
        kinds = [r["event"] for r in rows]
        for kind in (
            "groups.split",
            "discussion.report_back",
            "discussion.note_proposed",
            "conduct.clause_accepted",
            "conduct.version_frozen",
        ):
            assert kind in kinds, kind
        accepted = [r for r in rows if r["event"] == "conduct.clause_accepted"][-1]
        assert "reason: Broad support in the room" in accepted["detail"]
        assert "conduct.endorsed" not in kinds and "discussion.note_added" not in kinds

    def test_moving_someone_to_another_group_is_in_the_log(
        self, workshop, draft_round, facilitator
    ):
        from facilitation.workshops import groups, services

        round = services.start_round(draft_round, by=facilitator)
        people = [services.join_round(round) for _ in range(4)]
        [first, second] = groups.split_into_groups(
            round, method=groups.RANDOM, count=2, by=facilitator
        )
        person = next(p for p in people if groups.group_of(round, p) == first)
        groups.move_to_group(round, person, second, by=facilitator)
        log = export_bytes(ExportScope(workshop), "log").decode()
        rows = list(csv.DictReader(io.StringIO(log)))
        moved = next(r for r in rows if r["event"] == "groups.moved")
        assert moved["detail"] == f"{person.pseudonym} to Group 2"


def test_proposals_made_with_no_step_on_screen_get_their_own_section(
    workshop, draft_round, facilitator
):
    from facilitation.deliberation.conduct import propose_clause, set_open_any_time
    from facilitation.workshops import services

    round = services.start_round(draft_round, by=facilitator)
    person = services.join_round(round)
    set_open_any_time(workshop, True, by=facilitator)
    propose_clause(workshop, "We say who wrote a post.", by_participant=person, round=round)
    transcript = export_bytes(ExportScope(workshop), "transcript").decode()
    after = transcript.split("code of conduct between steps]", 1)[1]
    assert f"{person.pseudonym}: [proposes a clause] We say who wrote a post." in after


class TestQda:
    def test_one_source_per_discussion_each_note_a_selection_coded_by_question_and_group(
        self, scope, played_round
    ):
        archive = zipfile.ZipFile(io.BytesIO(export_bytes(scope, "qdpx")))
        project = etree.fromstring(archive.read("project.qde"))
        codes = {c.get("guid"): c.get("name") for c in project.iterfind(".//q:Code", NS)}
        step = played_round.steps.get(kind=Step.Kind.DISCUSSION)
        [source] = [
            s
            for s in project.findall("q:Sources/q:TextSource", NS)
            if s.get("name").endswith(f"{step.position}. {step.title}")
            and s.get("name").startswith(played_round.title)
        ]
        text = archive.read(source.get("plainTextPath").replace("internal://", "sources/"))
        text = text.decode()
        selections = source.findall("q:PlainTextSelection", NS)
        notes = DiscussionNote.objects.select_related("group").order_by("created_at", "pk")
        assert len(selections) == notes.count()
        for selection, note in zip(selections, notes, strict=True):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert text[start:end] == note.text
            coded = {codes[r.get("targetGUID")] for r in selection.iterfind(".//q:CodeRef", NS)}
            # The question and the group (each under a code of its round), and the writer's case.
            assert coded == {
                f"{step.position}. {step.title}",
                f"Group {note.group.number}",
                note.participant.pseudonym,
            }

    def test_proposals_are_selections_of_the_conduct_source_with_the_clauses_codes(
        self, scope, played_round
    ):
        archive = zipfile.ZipFile(io.BytesIO(export_bytes(scope, "qdpx")))
        project = etree.fromstring(archive.read("project.qde"))
        codes = {c.get("guid"): c.get("name") for c in project.iterfind(".//q:Code", NS)}
        step = played_round.steps.get(kind=Step.Kind.CONDUCT)
        [source] = [
            s
            for s in project.findall("q:Sources/q:TextSource", NS)
            if s.get("name") == f"{played_round.title} – {step.position}. {step.title}"
        ]
        text = archive.read(source.get("plainTextPath").replace("internal://", "sources/"))
        text = text.decode()
        quoted = {}
        for selection in source.findall("q:PlainTextSelection", NS):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            refs = selection.iterfind(".//q:CodeRef", NS)
            quoted[text[start:end]] = {codes[r.get("targetGUID")] for r in refs}
        for clause in Clause.objects.exclude(proposed_by=None).prefetch_related("codes"):
            assert {c.name for c in clause.codes.all()} <= quoted[clause.text]
        assert Amendment.objects.get().text in quoted
        assert set(Endorsement.objects.exclude(objection="").values_list("objection", flat=True))
        assert set(
            Endorsement.objects.exclude(objection="").values_list("objection", flat=True)
        ) <= set(quoted)


class TestWithdrawal:
    @pytest.fixture
    def withdrawn(self, played_round):
        """Someone who wrote a group note, proposed a clause still open and objected."""
        objection = Endorsement.objects.exclude(objection="").first()
        person = objection.participant
        note = DiscussionNote.objects.exclude(participant=person).first()
        note.participant = person
        note.save()
        clause = (
            Clause.objects.filter(status=Clause.Status.PROPOSED, proposed_by__isnull=False)
            .exclude(proposed_by=person)
            .exclude(pk=objection.clause_id)
            .first()
        )
        Endorsement.objects.filter(clause=clause, participant=person).delete()
        clause.proposed_by = person
        clause.save()
        accepted = Clause.objects.filter(
            status=Clause.Status.ACCEPTED, proposed_by__isnull=False
        ).get()
        in_code_by = accepted.proposed_by
        in_code_by.withdrawn_at = timezone.now()
        in_code_by.save()
        person.withdrawn_at = timezone.now()
        person.save()
        return person, note, clause, objection, accepted

    def test_remove_leaves_out_their_notes_proposals_and_objections(self, workshop, withdrawn):
        person, note, clause, objection, accepted = withdrawn
        assert workshop.on_withdrawal == Workshop.Withdrawal.REMOVE
        scope = ExportScope(workshop)
        tables = csv_tables(export_bytes(scope, "csv"))
        assert note.pk not in {int(r["note_id"]) for r in tables["discussion_notes"]}
        assert clause.pk not in {int(r["clause_id"]) for r in tables["clauses"]}
        assert objection.pk not in {int(r["endorsement_id"]) for r in tables["endorsements"]}
        assert person.pseudonym not in {r["participant"] for r in tables["group_memberships"]}
        # A clause in the code is the room's: it stays, without its proposer's pseudonym.
        kept = next(r for r in tables["clauses"] if int(r["clause_id"]) == accepted.pk)
        assert kept["proposed_by"] == "" and kept["text"] == accepted.text
        for row in tables["events"]:
            payload = json.loads(row["payload"])
            assert not (row["kind"].startswith("conduct.") and payload.get("clause") == clause.pk)
            assert not (row["kind"].startswith("discussion.") and payload.get("note") == note.pk)
            assert person.pseudonym not in row["payload"]
        transcript = export_bytes(scope, "transcript").decode()
        assert note.text not in transcript and clause.text not in transcript
        assert objection.objection not in transcript
        qde = zipfile.ZipFile(io.BytesIO(export_bytes(scope, "qdpx"))).read("project.qde")
        assert note.text.encode() not in qde and objection.objection.encode() not in qde

    def test_anonymise_keeps_them_without_the_pseudonym(self, workshop, withdrawn):
        person, note, clause, objection, accepted = withdrawn
        workshop.on_withdrawal = Workshop.Withdrawal.ANONYMISE
        workshop.save()
        scope = ExportScope(workshop)
        tables = csv_tables(export_bytes(scope, "csv"))
        kept_note = next(r for r in tables["discussion_notes"] if int(r["note_id"]) == note.pk)
        assert kept_note["participant"] == "" and kept_note["text"] == note.text
        kept_clause = next(r for r in tables["clauses"] if int(r["clause_id"]) == clause.pk)
        assert kept_clause["proposed_by"] == ""
        kept = next(r for r in tables["endorsements"] if int(r["endorsement_id"]) == objection.pk)
        assert kept["participant"] == "" and kept["objection"] == objection.objection
        assert len(tables["endorsements"]) == Endorsement.objects.count()
        transcript = export_bytes(scope, "transcript").decode()
        assert f"Anonymous: [Group {note.group.number}] {note.text}" in transcript
        assert f"\n{person.pseudonym}: " not in transcript


def test_new_text_columns_are_safe_in_spreadsheets(workshop, played_round):
    DiscussionNote.objects.update(text="=HYPERLINK(1)")
    Clause.objects.update(text="+SUM(A1)", rationale="@cmd")
    Amendment.objects.update(text="-1+2")
    Endorsement.objects.exclude(objection="").update(objection="=2*3")
    scope = ExportScope(workshop)
    tables = csv_tables(export_bytes(scope, "csv"))
    assert {r["text"] for r in tables["discussion_notes"]} == {"'=HYPERLINK(1)"}
    assert {r["text"] for r in tables["clauses"]} == {"'+SUM(A1)"}
    assert {r["rationale"] for r in tables["clauses"]} == {"'@cmd"}
    assert {r["text"] for r in tables["amendments"]} == {"'-1+2"}
    assert {r["objection"] for r in tables["endorsements"]} == {"", "'=2*3"}
    workbook = load_workbook(io.BytesIO(export_bytes(scope, "xlsx")))
    for name in ("discussion_notes", "clauses", "amendments", "endorsements"):
        cells = [c for row in workbook[name].iter_rows(min_row=2) for c in row]
        assert not [c for c in cells if c.data_type == "f"], name
        assert any(isinstance(c.value, str) and c.value.startswith("'") for c in cells), name
