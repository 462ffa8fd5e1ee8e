"""Setting up workshops: creating and editing them, their rounds, and who facilitates them.

Each function does its change in one transaction with an event. Steps are built in
``deliberation.authoring``; templates in ``deliberation.workshop_templates``.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Round, Workshop
from .services import ActionRefused, record_event

WORKSHOP_FIELDS = ("title", "description", "language")


def create_workshop(*, title, description="", language=None, by):
    """A new workshop that ``by`` facilitates; a ``workshop.created`` event records it."""
    language = language or settings.LANGUAGE_CODE
    with transaction.atomic():
        workshop = Workshop.objects.create(title=title, description=description, language=language)
        workshop.facilitators.add(by)
        record_event("workshop.created", workshop=workshop, user=by, title=title, language=language)
    return workshop


def update_workshop(workshop, *, by, **fields):
    """Change the workshop's title, description or language; a ``workshop.edited`` event lists
    changes."""
    if unknown := set(fields) - set(WORKSHOP_FIELDS):
        raise ValueError(f"Not a workshop field: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
        before = {name: getattr(locked, name) for name in fields}
        changed = {name: value for name, value in fields.items() if before[name] != value}
        if changed:
            for name, value in changed.items():
                setattr(locked, name, value)
            locked.save(update_fields=list(changed))
            record_event(
                "workshop.edited",
                workshop=locked,
                user=by,
                changed=sorted(changed),
                before={name: before[name] for name in changed},
            )
    workshop.refresh_from_db()
    return workshop


def rename_round(round, *, title, by):
    with transaction.atomic():
        locked = (
            Round.objects.select_for_update(of=("self",))
            .select_related("workshop")
            .get(pk=round.pk)
        )
        if locked.title != title:
            previous, locked.title = locked.title, title
            locked.save(update_fields=["title"])
            record_event(
                "round.renamed", workshop=locked.workshop, round=locked, user=by, previous=previous
            )
    round.refresh_from_db()
    return round


def invite_facilitator(workshop, *, username, by):
    """Let the user called ``username`` co-facilitate ``workshop``.

    Refused with a message for an unknown or inactive username, and for someone who already
    facilitates it. Effects: the facilitator added, a ``facilitator.invited`` event.
    """
    username = (username or "").strip()
    user = get_user_model().objects.filter(username__iexact=username, is_active=True).first()
    if not username or user is None:
        raise ActionRefused(
            _(
                "There is no user called “%(name)s”. Check the spelling, or ask an administrator "
                "to create the account first."
            )
            % {"name": username[:150]},
            status=404,
        )
    with transaction.atomic():
        Workshop.objects.select_for_update().filter(pk=workshop.pk).first()
        if workshop.facilitators.filter(pk=user.pk).exists():
            raise ActionRefused(
                _("%(name)s already facilitates this workshop.") % {"name": user.get_username()}
            )
        workshop.facilitators.add(user)
        record_event(
            "facilitator.invited",
            workshop=workshop,
            user=by,
            invited=user.pk,
            username=user.get_username(),
        )
    return user
