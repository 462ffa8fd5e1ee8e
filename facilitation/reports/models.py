"""The round report's one piece of state: whether the facilitator has published it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from facilitation.workshops.models import Round


class ReportPublication(models.Model):
    """Whether a round's report is open to its participants (``published_at`` set) or not.

    The report itself is never stored: it is built from the round's record when it is read.
    """

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="report_publication")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("report publication")
        verbose_name_plural = _("report publications")

    def __str__(self):
        return f"Report of {self.round}"

    @property
    def is_published(self):
        return self.published_at is not None
