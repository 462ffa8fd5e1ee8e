"""What a workshop asks of its participants, and what they give or take back: the attributes the
research needs, consent, withdrawal; and archiving a workshop.

Each function does its change in one transaction with an event, as in ``services``.
"""

import re
import unicodedata

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from facilitation.live.push import notify_round

from .models import Participant, Workshop
from .services import ActionRefused, record_event

MAX_ATTRIBUTES = 10
MAX_ATTRIBUTE_LABEL = 80
MAX_CHOICES = 20
MAX_CHOICE_LENGTH = 60
MAX_ANSWER_LENGTH = 100
CONSENT_MAX_LENGTH = Workshop._meta.get_field("consent_text").max_length


def still_counted(prefix="participant"):
    """A filter for rows of contributions (through ``prefix``, the participant relation) that the
    room still sees: nobody's, or of someone who has not withdrawn from a workshop that removes
    the contributions of those who withdraw. Tallies, walls and statements all use it.

    The few people whose contributions are removed are a subquery, not a join of each row's person
    and workshop: a hall's results are counted ten times a second over thousands of answers, and
    the join cost PostgreSQL milliseconds each time, more when its statistics lagged behind a
    burst of new rows."""
    removed = Participant.objects.filter(withdrawn_at__isnull=False).exclude(
        workshop__on_withdrawal=Workshop.Withdrawal.ANONYMISE
    )
    return ~Q(**{f"{prefix}__in": removed.values("pk")})


def _one_line(text):
    visible = "".join(ch for ch in (text or "") if unicodedata.category(ch) not in {"Cc", "Cf"})
    return " ".join(visible.split())


# The facilitator's side --------------------------------------------------------------------------


def parse_attributes(text):
    """Attributes written one per line, as ``Label`` or ``Label: choice, choice, ...``.

    Returns the list stored in ``Workshop.participant_attributes`` or refuses with every problem.
    """
    attributes, problems, keys = [], [], set()
    lines = [line for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_ATTRIBUTES:
        problems.append(_("Ask at most %(max)d questions.") % {"max": MAX_ATTRIBUTES})
    for number, line in enumerate(lines[:MAX_ATTRIBUTES], start=1):
        label, _colon, rest = line.partition(":")
        label = _one_line(label)
        choices = [_one_line(c) for c in rest.split(",") if _one_line(c)] if rest else []
        key = re.sub(r"[^a-z0-9_]", "", slugify(label).replace("-", "_"))[:40]
        if not label or not key:
            problems.append(
                _("Line %(n)d needs a question with letters or digits.") % {"n": number}
            )
            continue
        if len(label) > MAX_ATTRIBUTE_LABEL:
            problems.append(
                _("Line %(n)d: a question can have at most %(max)d characters.")
                % {"n": number, "max": MAX_ATTRIBUTE_LABEL}
            )
        if len(choices) > MAX_CHOICES:
            problems.append(
                _("Line %(n)d: offer at most %(max)d choices.") % {"n": number, "max": MAX_CHOICES}
            )
        if any(len(c) > MAX_CHOICE_LENGTH for c in choices):
            problems.append(
                _("Line %(n)d: a choice can have at most %(max)d characters.")
                % {"n": number, "max": MAX_CHOICE_LENGTH}
            )
        if len(set(choices)) != len(choices):
            problems.append(_("Line %(n)d offers the same choice twice.") % {"n": number})
        if key in keys:
            problems.append(_("Line %(n)d asks the same question again.") % {"n": number})
        keys.add(key)
        attribute = {"key": key, "label": label}
        if choices:
            attribute["choices"] = choices
        attributes.append(attribute)
    if problems:
        raise ActionRefused(" ".join(problems), status=400)
    return attributes


def attributes_as_text(attributes):
    return "\n".join(
        a["label"] + (": " + ", ".join(a["choices"]) if a.get("choices") else "")
        for a in attributes or []
    )


def configure_participation(
    workshop, *, attributes, consent_text, on_withdrawal, by, recorded=None
):
    """Set what the workshop asks of participants: the attributes (as ``parse_attributes`` reads
    them), the consent text (empty: no consent asked), what withdrawal does and whether the room
    is recorded (None: as it was). A recorded workshop needs a consent text (it must say so):
    refused without one, nothing saved. Records a ``workshop.participation_configured`` event.
    Answers already given are kept."""
    consent_text = (consent_text or "").strip()
    if len(consent_text) > CONSENT_MAX_LENGTH:
        raise ActionRefused(
            _("The consent text can have at most %(max)d characters.")
            % {"max": CONSENT_MAX_LENGTH},
            status=400,
        )
    if on_withdrawal not in Workshop.Withdrawal.values:
        raise ActionRefused(_("Choose what happens when a participant withdraws."), status=400)
    recorded = workshop.recorded if recorded is None else bool(recorded)
    if recorded and not consent_text:
        raise ActionRefused(
            _(
                "A recorded workshop needs a consent text that tells participants the room is "
                "recorded, what happens to the recording and who may hear it. Write it, then "
                "turn recording on."
            ),
            status=400,
        )
    attributes = parse_attributes(attributes)
    with transaction.atomic():
        workshop.participant_attributes = attributes
        workshop.consent_text = consent_text
        workshop.on_withdrawal = on_withdrawal
        workshop.recorded = recorded
        workshop.save(
            update_fields=["participant_attributes", "consent_text", "on_withdrawal", "recorded"]
        )
        record_event(
            "workshop.participation_configured",
            workshop=workshop,
            user=by,
            attributes=attributes,
            consent_text=consent_text,
            on_withdrawal=on_withdrawal,
            recorded=recorded,
        )
    return workshop


def archive_workshop(workshop, *, by):
    """Hide the workshop from the console's lists; it can still be opened, exported, unarchived."""
    with transaction.atomic():
        if workshop.archived_at is None:
            workshop.archived_at = timezone.now()
            workshop.save(update_fields=["archived_at"])
            record_event("workshop.archived", workshop=workshop, user=by)
    return workshop


def unarchive_workshop(workshop, *, by):
    with transaction.atomic():
        if workshop.archived_at is not None:
            workshop.archived_at = None
            workshop.save(update_fields=["archived_at"])
            record_event("workshop.unarchived", workshop=workshop, user=by)
    return workshop


# The participant's side --------------------------------------------------------------------------


def needs_consent(participant):
    return bool(participant.workshop.consent_text) and participant.consented_at is None


def has_been_asked_attributes(participant):
    return participant.events.filter(
        kind__in=["participant.described", "participant.declined_to_describe"]
    ).exists()


def should_ask_attributes(participant):
    return bool(participant.workshop.participant_attributes) and not has_been_asked_attributes(
        participant
    )


def may_take_part_refusal(participant):
    """Why ``participant`` may not answer or contribute now, or None."""
    if participant.withdrawn_at is not None:
        return _("You have withdrawn from this workshop, so you can no longer take part.")
    if needs_consent(participant):
        return _("Accept the consent text before taking part.")
    return None


def give_consent(participant, *, round=None):
    """Record that ``participant`` accepts the workshop's consent text (as it reads now)."""
    if participant.withdrawn_at is not None:
        raise ActionRefused(_("You have withdrawn from this workshop."))
    with transaction.atomic():
        locked = Participant.objects.select_for_update().get(pk=participant.pk)
        if locked.consented_at is None:
            locked.consented_at = timezone.now()
            locked.save(update_fields=["consented_at"])
            record_event(
                "participant.consented",
                workshop=locked.workshop,
                round=round,
                participant=locked,
                consent_text=locked.workshop.consent_text,
            )
    participant.refresh_from_db()
    return participant


def clean_attribute_answers(workshop, answers):
    """Keep the answers to configured attributes only, bounded, with choices honoured; an empty
    answer is left out (every attribute is optional)."""
    cleaned, problems = {}, []
    for attribute in workshop.participant_attributes or []:
        value = _one_line(answers.get(attribute["key"], ""))
        if not value:
            continue
        if len(value) > MAX_ANSWER_LENGTH:
            problems.append(
                _("%(label)s: at most %(max)d characters.")
                % {"label": attribute["label"], "max": MAX_ANSWER_LENGTH}
            )
        elif attribute.get("choices") and value not in attribute["choices"]:
            problems.append(
                _("%(label)s: choose one of the choices offered.") % {"label": attribute["label"]}
            )
        else:
            cleaned[attribute["key"]] = value
    if problems:
        raise ActionRefused(" ".join(problems), status=400)
    return cleaned


def describe_participant(participant, answers, *, round=None):
    """Store ``participant``'s answers to the workshop's attributes (asked once; answering
    nothing declines). Records ``participant.described`` or ``participant.declined_to_describe``."""
    refusal = may_take_part_refusal(participant)
    if refusal:
        raise ActionRefused(refusal)
    cleaned = clean_attribute_answers(participant.workshop, answers)
    with transaction.atomic():
        locked = Participant.objects.select_for_update().get(pk=participant.pk)
        locked.attributes = cleaned
        locked.save(update_fields=["attributes"])
        record_event(
            "participant.described" if cleaned else "participant.declined_to_describe",
            workshop=locked.workshop,
            round=round,
            participant=locked,
            attributes=cleaned,
        )
    participant.refresh_from_db()
    return participant


def withdraw(participant, *, round=None):
    """Withdraw ``participant`` from the workshop for good.

    Effects: ``withdrawn_at`` is set; if the workshop removes the contributions of those who
    withdraw, ``still_counted`` leaves them out of every tally, wall and statement list from now
    on (they stay in the record for the export to handle); a ``participant.withdrew`` event with
    the workshop's rule; every round they attended refreshes its screens.
    """
    with transaction.atomic():
        locked = (
            Participant.objects.select_for_update()
            .select_related("workshop")
            .get(pk=participant.pk)
        )
        if locked.withdrawn_at is not None:
            raise ActionRefused(_("You have already withdrawn from this workshop."))
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=["withdrawn_at"])
        record_event(
            "participant.withdrew",
            workshop=locked.workshop,
            round=round,
            participant=locked,
            on_withdrawal=locked.workshop.on_withdrawal,
        )
        for round_id in locked.attendances.values_list("round_id", flat=True):
            notify_round(round_id, "stage", urgent=True)
    participant.refresh_from_db()
    return participant
