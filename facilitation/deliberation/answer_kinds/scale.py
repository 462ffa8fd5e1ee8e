"""Scale (Likert): 2 to 11 points with labels at both ends."""

import statistics
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .base import Answer, answers_of, as_int, one_value, percent, refuse

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


SCALE_SIZES = range(2, 12)


def scale_points(step):
    """1 to the step's number of points: 2 to 11, and 5 when the setting is missing or wrong."""
    points = step.settings.get("points", 5)
    if not isinstance(points, int) or points not in SCALE_SIZES:
        points = 5
    return range(1, points + 1)


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
    points = [PointResult(p, counts[p], percent(counts[p], total)) for p in scale_points(step)]
    return ScaleResults(
        points=points,
        total=total,
        median=statistics.median(values) if values else None,
        low_label=step.settings.get("low_label", ""),
        high_label=step.settings.get("high_label", ""),
        leading=max((p.votes for p in points), default=0),
    )


def compare_choices(step, first, second):
    """Each option with its share in the first and in the second pass."""
    return [(a.option, a, b) for a, b in zip(first.options, second.options, strict=True)]
