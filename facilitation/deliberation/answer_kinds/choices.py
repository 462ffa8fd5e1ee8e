"""Dilemma, single choice and multiple choice."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _

from .base import Answer, answers_of, as_int, one_value, options_of, percent, refuse

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

    @property
    def lean(self):
        """Where the room stands between the two logics: the votes' mean lean (-1 to +1)."""
        weighed = [(r.option.lean(), r.votes) for r in self.options if r.votes]
        weighed = [(lean, votes) for lean, votes in weighed if lean is not None]
        votes = sum(v for _lean, v in weighed)
        return sum(lean * v for lean, v in weighed) / votes if votes else None

    @property
    def lean_position(self):
        """The lean on a line from 0 (government logic) to 100 (platform logic)."""
        return None if self.lean is None else round(50 * (self.lean + 1))


def _not_an_option():
    return _("That choice is not one of this question's options.")


def clean_single_choice(step, payload):
    option_id = as_int(
        one_value(payload, "option", _("Choose one of the options.")), _not_an_option()
    )
    if option_id not in {option.pk for option in step.options.all()}:
        refuse(_not_an_option())
    return Answer(option_id=option_id)


def tally_single_choice(step, pass_number):
    # Counted by the database: a hall's results are pushed ten times a second, and reading every
    # answer to count them in Python cost milliseconds each time.
    counts = answers_of(step, pass_number).order_by().values_list("option_id").annotate(Count("pk"))
    votes = Counter(dict(counts))
    options = options_of(step)
    total = sum(votes[o.pk] for o in options)
    return ChoiceResults(
        [OptionResult(o, votes[o.pk], percent(votes[o.pk], total)) for o in options], total
    )


def clean_multiple_choice(step, payload):
    picked = [as_int(v, _not_an_option()) for v in payload.get("option", []) if str(v).strip()]
    if not picked:
        refuse(_("Choose at least one option."))
    if len(set(picked)) != len(picked):
        refuse(_("Each option can be picked only once."))
    if set(picked) - {option.pk for option in step.options.all()}:
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
        [OptionResult(o, picks[o.pk], percent(picks[o.pk], total)) for o in options_of(step)],
        total,
    )


def compare_choices(step, first, second):
    """Each option with its share in the first and in the second pass."""
    return [(a.option, a, b) for a, b in zip(first.options, second.options, strict=True)]
