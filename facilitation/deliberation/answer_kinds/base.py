"""What every answer kind shares: the answer itself and the ways to refuse bad input."""

from dataclasses import dataclass

from django.db.models import prefetch_related_objects

from facilitation.workshops.participants import still_counted
from facilitation.workshops.services import ActionRefused

from ..models import Response


@dataclass(frozen=True)
class Answer:
    option_id: int | None = None
    value: object = None


@dataclass(frozen=True)
class AnswerKind:
    clean: object
    tally: object
    merge: object = None
    # Kinds the room can vote on again after discussion, with first and second pass compared.
    second_pass: bool = False
    compare: object = None  # function(step, first results, second results) -> for the templates
    # The step's related rows that ``clean`` and the phone's answer form read: fetched once, with
    # the locked step, for both.
    related: tuple = ()
    # Whether the answer form shows nothing but the step, those rows and the answer, so that one
    # rendering serves every phone that gave the same answer (``screens.answer_forms``).
    form_is_shared: bool = True


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
    """The pass's answers the room may see (hidden ones, and those of people who withdrew, are
    kept in the record only)."""
    return Response.objects.filter(step=step, pass_number=pass_number, hidden=False).filter(
        still_counted("participant")
    )


def options_of(step):
    """The step's options in order, read once per step object: the tally and the template that
    shows it (``step.options.all``) share one query in a page or a push."""
    prefetch_related_objects([step], "options")
    return list(step.options.all())


def percent(part, whole):
    return round(100 * part / whole) if whole else 0
