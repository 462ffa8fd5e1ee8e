from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from facilitation.workshops.models import BreakoutGroup, Participant, Round, Step


class FieldNote(models.Model):
    """An observer's note on a live round: what they saw, when, on which step, about whom.

    Written by a facilitator or researcher of the workshop; never shown to participants or on
    the projector. Editing and deleting keep the record (the events hold every wording).
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="field_notes")
    # The step on screen when it was written; None in the lobby.
    step = models.ForeignKey(
        Step, null=True, blank=True, on_delete=models.SET_NULL, related_name="field_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    participant = models.ForeignKey(
        Participant,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="field_notes",
        verbose_name=_("participant"),
    )
    group = models.ForeignKey(
        BreakoutGroup,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="field_notes",
        verbose_name=_("breakout group"),
    )
    text = models.TextField(_("field note"), max_length=2000)
    codes = models.ManyToManyField(
        "deliberation.Code", blank=True, related_name="field_notes", verbose_name=_("codes")
    )
    deleted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "created_at", "id"]
        verbose_name = _("field note")
        verbose_name_plural = _("field notes")

    def __str__(self):
        return self.text[:60]
