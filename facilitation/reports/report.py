"""The round report: what a round asked and what the room answered, step by step.

Built from the round's record whenever it is read (a closed round as it ended, a live one as it
stands), with the results the projector shows (each kind's ``results_context``), so the report
and the room cannot disagree. It names nobody: no display names, no pseudonyms. Whatever someone
who withdrew contributed follows the workshop's withdrawal rule, as it does on every screen: the
tallies, the notes, the groups' notes and the questions all read through ``still_counted``.

The queries are a few per step and a few for the round, however many answers, notes or
questions there are (each list is read once, with what it shows prefetched).
"""

from dataclasses import dataclass, field

from facilitation.deliberation.annotations import heat_map, placed_annotations
from facilitation.deliberation.conduct import compare_versions
from facilitation.deliberation.discussion import notes_by_group
from facilitation.deliberation.models import ConductVersion
from facilitation.questions.services import board_questions
from facilitation.screens.kinds import StepKind, kind_of
from facilitation.screens.reading import paragraphs
from facilitation.workshops.models import Attendance, Event, Round, Step
from facilitation.workshops.participants import still_counted

# The notes a finding's page lists: pinned ones first, then the most supported.
TOP_NOTES = 10


@dataclass
class StepReport:
    number: int
    step: Step
    kind: StepKind
    # The kind's results as the projector has them (results, then_now, comparison, ...); empty
    # for a kind that takes no answers.
    results: dict = field(default_factory=dict)
    # A finding: its text as a heat map, its top notes and how many notes there are.
    paragraphs: list | None = None
    top_notes: list = field(default_factory=list)
    noted: int = 0
    # A discussion: (group, its notes) for every group that wrote some.
    report_backs: list = field(default_factory=list)

    @property
    def anchor(self):
        return f"report-step-{self.number}"

    @property
    def more_notes(self):
        return self.noted - len(self.top_notes)


@dataclass
class ConductReport:
    """The code of conduct as it stood when the round ended, and what changed during it."""

    version: ConductVersion
    # The version the round began with (None: there was no code yet).
    began_with: ConductVersion | None
    # compare_versions rows that are not "kept": added, amended, dropped, with their reasons.
    changes: list

    @property
    def clauses(self):
        return self.version.clauses


@dataclass
class RoundReport:
    round: Round
    steps: list
    taking_part: int
    started_at: object = None
    closed_at: object = None
    open_questions: list = field(default_factory=list)
    answered_questions: list = field(default_factory=list)
    has_questions: bool = False
    conduct: ConductReport | None = None

    @property
    def is_final(self):
        return self.round.is_closed


def round_report(*, round):
    """The report of ``round`` (closed, live, paused, or a draft with nothing in it yet).

    Reads only; changes nothing and records nothing.
    """
    round = Round.objects.select_related("workshop").get(pk=round.pk)
    steps = list(
        round.ordered_steps().select_related("rerun_of__round").prefetch_related("options")
    )
    started_at, closed_at = _lifetime(round)
    groups = None
    reports = []
    for number, step in enumerate(steps, start=1):
        step.round = round
        entry = StepReport(number=number, step=step, kind=kind_of(step))
        if entry.kind.collects_answers:
            entry.results = entry.kind.results_context(step)
        if step.kind == Step.Kind.FINDING:
            _add_finding(entry)
        if step.kind == Step.Kind.DISCUSSION:
            if groups is None:
                groups = list(round.groups.all())
            notes = notes_by_group(step)
            entry.report_backs = [(g, notes[g.pk]) for g in groups if notes.get(g.pk)]
        reports.append(entry)
    questions = board_questions(round)
    report = RoundReport(
        round=round,
        steps=reports,
        taking_part=Attendance.objects.filter(round=round)
        .filter(still_counted("participant"))
        .count(),
        started_at=started_at,
        closed_at=closed_at,
        open_questions=[q for q in questions if not q.answered_at],
        answered_questions=[q for q in questions if q.answered_at],
        has_questions=bool(questions) or any(s.kind == Step.Kind.QUESTIONS for s in steps),
        conduct=conduct_in_round(round, started_at=started_at, closed_at=closed_at),
    )
    return report


def _lifetime(round):
    """When the round started and when it closed (None: not yet), from its events."""
    started_at = closed_at = None
    for kind, at in (
        Event.objects.filter(round=round, kind__in=["round.started", "round.closed"])
        .order_by("created_at", "pk")
        .values_list("kind", "created_at")
    ):
        if kind == "round.started" and started_at is None:
            started_at = at
        if kind == "round.closed":
            closed_at = at
    return started_at, closed_at


def _add_finding(entry):
    step = entry.step
    placed = placed_annotations(step)
    entry.paragraphs = paragraphs(step, heat_map(step, placed))
    entry.noted = len(placed)
    ranked = sorted(placed, key=_note_rank)
    entry.top_notes = [
        {
            "placed": p,
            "annotation": p.annotation,
            "quote": p.annotation.exact if p.detached else step.body[p.start : p.end],
        }
        for p in ranked[:TOP_NOTES]
    ]


def _note_rank(placed):
    """Pinned notes first, then the most supported, then in the order of the text."""
    note = placed.annotation
    return (not note.pinned, -placed.supporters, placed.detached, placed.start or 0, note.pk)


def conduct_in_round(round, *, started_at, closed_at):
    """The workshop's code as it stood when ``round`` ended (now, if it has not), beside the
    version it began with; None if the workshop had no code by then."""
    versions = list(ConductVersion.objects.filter(workshop_id=round.workshop_id).order_by("number"))
    frozen = next((v for v in versions if v.round_id == round.pk and v.frozen_for_round), None)
    until = [v for v in versions if closed_at is None or v.created_at <= closed_at]
    end = frozen or (until[-1] if until else None)
    if end is None:
        return None
    if started_at is None:
        return ConductReport(version=end, began_with=end, changes=[])
    before = [v for v in versions if v.created_at < started_at and v.number <= end.number]
    began_with = before[-1] if before else None
    older = began_with or ConductVersion(workshop_id=round.workshop_id, number=0, clauses=[])
    changes = [row for row in compare_versions(older, end) if row["what"] != "kept"]
    return ConductReport(version=end, began_with=began_with, changes=changes)
