"""Logic placement: where a dilemma sits between digital government logic (0) and platform logic
(100), with a one-line reason; on a second pass each person's move is shown as an arrow."""

import statistics
from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext as _

from ..models import Response
from .base import Answer, answers_of, as_int, one_value, refuse
from .open_text import single_text, tidy_text

LOWEST, HIGHEST = 0, 100
REASON_LENGTH = 140
# A move smaller than this is counted as staying put (a slider is rarely set to the same point).
SAME_PLACE = 5

# The results drawing (templates/steps/placement.html): an SVG 1000 units wide with the axis from
# LEFT to RIGHT at height AXIS_Y, and dots of radius DOT stacked up to STACK_LEVELS high.
LEFT, RIGHT, AXIS_Y = 40, 960, 230
DOT, STACK_LEVELS = 13, 8


def clean_placement(step, payload):
    message = _("Place the dilemma on the line: a position from %(low)d to %(high)d.") % {
        "low": LOWEST,
        "high": HIGHEST,
    }
    position = as_int(one_value(payload, "position", message), message)
    if not LOWEST <= position <= HIGHEST:
        refuse(message)
    reason = tidy_text(single_text(payload, "reason"), one_line=True)
    if len(reason) > REASON_LENGTH:
        refuse(
            _("Keep your reason to at most %(max)d characters; this one has %(length)d.")
            % {"max": REASON_LENGTH, "length": len(reason)}
        )
    return Answer(value={"position": position, "reason": reason})


def position_of(value):
    """The position of a stored value, or None if it is not a placement."""
    position = value.get("position") if isinstance(value, dict) else None
    if isinstance(position, int) and LOWEST <= position <= HIGHEST:
        return position
    return None


def x_of(position):
    """Where ``position`` is drawn (whole units: SVG attributes must not be localised)."""
    return round(LEFT + (RIGHT - LEFT) * position / (HIGHEST - LOWEST))


@dataclass(frozen=True)
class Placed:
    position: int
    reason: str
    x: int
    level: int  # how high the dot is stacked above the axis (0: on the axis)

    @property
    def y(self):
        return AXIS_Y - DOT - 3 - self.level * 2 * DOT


def _stack(positions):
    """The stacking level of each position so that dots at nearly the same place do not hide."""
    taken = {}
    levels = []
    for position in positions:
        slot = round(x_of(position) / (2 * DOT))
        level = taken.get(slot, 0)
        taken[slot] = level + 1
        levels.append(min(level, STACK_LEVELS - 1))
    return levels


@dataclass(frozen=True)
class PlacementResults:
    step: object
    pass_number: int
    placed: list  # Placed, from the government end to the platform end
    mean: int | None
    median: float | None

    @property
    def total(self):
        return len(self.placed)

    @property
    def reasons(self):
        return [p for p in self.placed if p.reason]

    @cached_property
    def moderation(self):
        """Every answer of the pass with a reason, hidden ones too: for the facilitator only."""
        return [
            response
            for response in Response.objects.filter(
                step=self.step, pass_number=self.pass_number
            ).order_by("-updated_at", "-pk")
            if isinstance(response.value, dict) and response.value.get("reason")
        ]

    @property
    def mean_x(self):
        return None if self.mean is None else x_of(self.mean)

    @property
    def median_x(self):
        return None if self.median is None else x_of(self.median)


def _number(x):
    """A whole number as an int (42, not 42.0); a half stays as it is (42.5)."""
    return int(x) if float(x).is_integer() else x


def _results(step, pass_number, values):
    answers = sorted(
        ((position_of(v), v.get("reason", "")) for v in values if position_of(v) is not None),
        key=lambda answer: answer[0],
    )
    positions = [position for position, _reason in answers]
    placed = [
        Placed(position, str(reason), x_of(position), level)
        for (position, reason), level in zip(answers, _stack(positions), strict=True)
    ]
    return PlacementResults(
        step=step,
        pass_number=pass_number,
        placed=placed,
        mean=round(statistics.fmean(positions)) if positions else None,
        median=_number(statistics.median(positions)) if positions else None,
    )


def tally_placement(step, pass_number):
    values = answers_of(step, pass_number).values_list("value", flat=True)
    return _results(step, pass_number, values)


@dataclass(frozen=True)
class Move:
    first: int
    second: int
    first_x: int
    second_x: int

    @property
    def direction(self):
        """ "platform", "government" or "stayed"."""
        if abs(self.second - self.first) < SAME_PLACE:
            return "stayed"
        return "platform" if self.second > self.first else "government"


@dataclass(frozen=True)
class PlacementComparison:
    moves: list  # Move, one per person who answered both passes (none on an anonymous step)
    anonymous: bool

    def _count(self, direction):
        return sum(1 for move in self.moves if move.direction == direction)

    @property
    def towards_platform(self):
        return self._count("platform")

    @property
    def towards_government(self):
        return self._count("government")

    @property
    def stayed(self):
        return self._count("stayed")


def compare_placements(step, first, second):
    """Each person's first and second position (anonymous steps cannot be followed)."""
    if step.anonymous:
        return PlacementComparison(moves=[], anonymous=True)
    positions = {1: {}, 2: {}}
    answers = Response.objects.filter(
        step=step, pass_number__in=[1, 2], hidden=False, participant__isnull=False
    ).values_list("participant_id", "pass_number", "value")
    for participant_id, pass_number, value in answers:
        if (position := position_of(value)) is not None:
            positions[pass_number][participant_id] = position
    both = sorted(positions[1].keys() & positions[2].keys(), key=lambda p: positions[1][p])
    moves = [
        Move(a, b, x_of(a), x_of(b)) for a, b in ((positions[1][p], positions[2][p]) for p in both)
    ]
    return PlacementComparison(moves=moves, anonymous=False)
