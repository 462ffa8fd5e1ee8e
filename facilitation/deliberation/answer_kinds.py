"""What an answer looks like for each kind of step, and how the room's answers add up.

Each kind has ``clean(step, payload) -> Answer`` (refusing bad input with a message that says
why) and ``tally(step, pass_number)``; a kind whose answer is built up in parts (statements) also
has ``merge(previous, new) -> Answer``. A new kind is one entry in ``ANSWER_KINDS``.
"""

import statistics
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from facilitation.workshops.models import Step
from facilitation.workshops.services import ActionRefused

from .models import Response

SCALE_POINTS = range(2, 12)


@dataclass(frozen=True)
class Answer:
    option_id: int | None = None
    value: object = None


@dataclass(frozen=True)
class AnswerKind:
    clean: object
    tally: object
    merge: object = None


def refuse(message):
    raise ActionRefused(message, status=400)


def one_value(payload, name, message):
    values = [v for v in payload.get(name, []) if str(v).strip()]
    if len(values) != 1:
        refuse(message)
    return str(values[0]).strip()


def as_int(text, message):
    try:
        return int(text)
    except (TypeError, ValueError):
        refuse(message)


def answers_of(step, pass_number):
    """The pass's answers the room may see (hidden ones are kept in the record only)."""
    return Response.objects.filter(step=step, pass_number=pass_number, hidden=False)


# Choices: dilemma, single choice, multiple choice -----------------------------------------------


@dataclass(frozen=True)
class OptionResult:
    option: object
    votes: int
    percent: int


@dataclass(frozen=True)
class ChoiceResults:
    options: list
    total: int  # people who answered

    @property
    def leading(self):
        return max((r.votes for r in self.options), default=0)


def _not_an_option():
    return _("That choice is not one of this question's options.")


def clean_single_choice(step, payload):
    option_id = as_int(one_value(payload, "option", _("Choose one of the options.")), _not_an_option())
    if not step.options.filter(pk=option_id).exists():
        refuse(_not_an_option())
    return Answer(option_id=option_id)


def tally_single_choice(step, pass_number):
    counted = Q(responses__pass_number=pass_number, responses__hidden=False)
    options = list(step.options.annotate(votes=Count("responses", filter=counted)))
    total = sum(o.votes for o in options)
    return ChoiceResults([OptionResult(o, o.votes, _percent(o.votes, total)) for o in options], total)


def clean_multiple_choice(step, payload):
    picked = [as_int(v, _not_an_option()) for v in payload.get("option", []) if str(v).strip()]
    if not picked:
        refuse(_("Choose at least one option."))
    if len(set(picked)) != len(picked):
        refuse(_("Each option can be picked only once."))
    if set(picked) - set(step.options.values_list("pk", flat=True)):
        refuse(_not_an_option())
    maximum = step.settings.get("max_picks")
    if maximum and len(picked) > maximum:
        refuse(_("Pick at most %(max)d options.") % {"max": maximum})
    return Answer(value=sorted(picked))


def tally_multiple_choice(step, pass_number):
    answers = list(answers_of(step, pass_number).values_list("value", flat=True))
    picks = Counter(option_id for value in answers for option_id in value or [])
    total = len(answers)
    return ChoiceResults(
        [OptionResult(o, picks[o.pk], _percent(picks[o.pk], total)) for o in step.options.all()],
        total,
    )


def _percent(part, whole):
    return round(100 * part / whole) if whole else 0


# Scale (Likert) ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PointResult:
    value: int
    votes: int
    percent: int


@dataclass(frozen=True)
class ScaleResults:
    points: list
    total: int
    median: float | None
    low_label: str = ""
    high_label: str = ""
    leading: int = field(default=0)


def scale_points(step):
    return range(1, int(step.settings.get("points", 5)) + 1)


def clean_scale(step, payload):
    points = scale_points(step)
    message = _("Choose a value from %(low)d to %(high)d.") % {"low": points[0], "high": points[-1]}
    value = as_int(one_value(payload, "value", message), message)
    if value not in points:
        refuse(message)
    return Answer(value=value)


def tally_scale(step, pass_number):
    values = [v for v in answers_of(step, pass_number).values_list("value", flat=True)]
    counts = Counter(values)
    total = len(values)
    points = [PointResult(p, counts[p], _percent(counts[p], total)) for p in scale_points(step)]
    return ScaleResults(
        points=points,
        total=total,
        median=statistics.median(values) if values else None,
        low_label=step.settings.get("low_label", ""),
        high_label=step.settings.get("high_label", ""),
        leading=max((p.votes for p in points), default=0),
    )


ANSWER_KINDS = {
    Step.Kind.DILEMMA: AnswerKind(clean_single_choice, tally_single_choice),
    Step.Kind.SINGLE_CHOICE: AnswerKind(clean_single_choice, tally_single_choice),
    Step.Kind.MULTIPLE_CHOICE: AnswerKind(clean_multiple_choice, tally_multiple_choice),
    Step.Kind.SCALE: AnswerKind(clean_scale, tally_scale),
}
