"""Statements (like Pol.is): each approved statement of a step is answered agree, disagree or pass.

An answer is built up one statement at a time: the phone posts ``statement`` (an id) and
``answer``; ``merge`` adds it to the participant's earlier answers, kept as one dict
``{"<statement id>": "agree" | "disagree" | "pass"}``. Submitting and moderating statements is in
``deliberation.statements``. A fully anonymous statements step is not supported: its answers are
refused (an answer built up in parts must stay linked to the person who builds it).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from facilitation.workshops.participants import still_counted

from ..models import Statement
from .base import Answer, answers_of, as_int, one_value, percent, refuse

AGREE, DISAGREE, PASS = "agree", "disagree", "pass"
STATEMENT_ANSWERS = (AGREE, DISAGREE, PASS)


@dataclass(frozen=True)
class StatementResult:
    statement: object
    agree: int
    disagree: int
    passed: int

    @property
    def total(self):
        return self.agree + self.disagree + self.passed

    @property
    def agree_percent(self):
        return percent(self.agree, self.total)

    @property
    def disagree_percent(self):
        return percent(self.disagree, self.total)

    @property
    def pass_percent(self):
        return percent(self.passed, self.total)

    @property
    def disagree_starts_at(self):
        """Where the disagree part of the stacked bar begins (in percent of its width)."""
        return self.agree_percent

    @property
    def pass_starts_at(self):
        return min(100, self.agree_percent + self.disagree_percent)


@dataclass(frozen=True)
class StatementResults:
    statements: list  # approved statements, in the order they were added
    total: int  # people who answered at least one statement
    pending: list  # statements waiting for the facilitator (shown on the console only)


def not_supported_anonymously():
    return _(
        "Statements cannot be answered on a fully anonymous step. "
        "Ask the facilitator to turn full anonymity off for this step."
    )


def clean_statement_answer(step, payload):
    if step.anonymous:
        refuse(not_supported_anonymously())
    not_a_statement = _("That statement is not one you can answer here.")
    statement_id = as_int(
        one_value(payload, "statement", _("Choose a statement to answer.")), not_a_statement
    )
    choice = one_value(payload, "answer", _("Answer agree, disagree or pass."))
    if choice not in STATEMENT_ANSWERS:
        refuse(_("Answer agree, disagree or pass."))
    approved = step.statements.filter(status=Statement.Status.APPROVED)
    if statement_id not in set(approved.values_list("pk", flat=True)):
        refuse(not_a_statement)
    return Answer(value={str(statement_id): choice})


def merge_statement_answers(previous, new):
    earlier = previous.value if isinstance(previous.value, dict) else {}
    return Answer(value={**earlier, **new.value})


def tally_statements(step, pass_number):
    statements = list(
        step.statements.exclude(status=Statement.Status.REJECTED).filter(
            still_counted("submitted_by")
        )
    )
    counts = {str(s.pk): dict.fromkeys(STATEMENT_ANSWERS, 0) for s in statements}
    total = 0
    for value in answers_of(step, pass_number).values_list("value", flat=True):
        if not isinstance(value, dict):
            continue
        total += 1
        for statement_id, choice in value.items():
            if statement_id in counts and choice in STATEMENT_ANSWERS:
                counts[statement_id][choice] += 1
    approved = [s for s in statements if s.status == Statement.Status.APPROVED]
    return StatementResults(
        statements=[
            StatementResult(s, *(counts[str(s.pk)][choice] for choice in STATEMENT_ANSWERS))
            for s in approved
        ],
        total=total,
        pending=[s for s in statements if s.status == Statement.Status.PENDING],
    )
