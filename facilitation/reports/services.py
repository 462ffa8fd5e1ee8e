"""Publishing a round's report to its participants, and asking whether it is published."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from facilitation.live.push import notify_round
from facilitation.workshops.models import Round
from facilitation.workshops.services import ActionRefused, record_event

from .models import ReportPublication


def is_published(round):
    """Whether the participants of ``round`` may read its report (one query)."""
    return ReportPublication.objects.filter(round_id=round.pk, published_at__isnull=False).exists()


def publish_report(round, *, published, by):
    """Open the round's report to its participants (``published=True``) or close it again.

    Effects: the round's ``ReportPublication`` (created the first time), a ``report.published``
    or ``report.unpublished`` event. Asking for the state it is already in changes nothing and
    records nothing. Refused to anyone but the workshop's facilitators, and for a round that has
    not started (it has nothing to report yet). A change is pushed to the round's phones (the
    ``report`` topic), whose footer link appears or goes at once.
    """
    with transaction.atomic():
        locked = (
            Round.objects.select_for_update(of=("self",))
            .select_related("workshop")
            .get(pk=round.pk)
        )
        if by is None or not locked.workshop.is_facilitated_by(by):
            raise ActionRefused(_("Only the workshop's facilitators can do this."), status=403)
        if locked.status == Round.Status.DRAFT:
            raise ActionRefused(
                _("The round has not started yet, so it has no report to publish."), status=409
            )
        publication, _created = ReportPublication.objects.get_or_create(round=locked)
        if publication.is_published != bool(published):
            publication.published_at = timezone.now() if published else None
            publication.changed_by = by
            publication.save(update_fields=["published_at", "changed_by", "changed_at"])
            record_event(
                "report.published" if published else "report.unpublished",
                workshop=locked.workshop,
                round=locked,
                user=by,
            )
            notify_round(locked.pk, "report")
    return publication
