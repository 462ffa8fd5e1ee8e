from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from facilitation.workshops.models import Round


class Recording(models.Model):
    """The room's audio of a round, recorded in a facilitator's browser and uploaded in chunks.

    A round may have several (a break, a second microphone, one per group). The audio is the
    chunks concatenated in their order; the round's events are its chapters.
    """

    class Status(models.TextChoices):
        RECORDING = "recording", pgettext_lazy("recording status", "recording")
        PAUSED = "paused", pgettext_lazy("recording status", "paused")
        STOPPED = "stopped", pgettext_lazy("recording status", "stopped")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="recordings")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.RECORDING)
    mime_type = models.CharField(max_length=60)
    byte_size = models.PositiveBigIntegerField(default=0)
    started_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)
    # Time spent paused so far (the audio has none of it), and since when it is paused now.
    paused_seconds = models.FloatField(default=0)
    paused_at = models.DateTimeField(null=True, blank=True)
    # Which page is recording: 0 the one that started, one more for each page that took the
    # recording up again (after a reload or a crash). Chunks of an earlier page are refused.
    segment = models.PositiveIntegerField(default=0)
    # How the current page's WebM stream is joined to the audio before (see ``webm``); empty
    # for the first page, whose stream is stored as it is.
    joining = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["round", "started_at", "id"]
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")

    def __str__(self):
        return f"{self.round} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def format_name(self):
        """The audio's format as people name it: "Opus (WebM)" or "Opus (Ogg)"."""
        container = {"audio/webm": "WebM", "audio/ogg": "Ogg"}.get(self.mime_type, "?")
        return f"Opus ({container})"

    @property
    def duration_seconds(self):
        """Seconds of audio: from start to stop (or now), less the pauses."""
        if self.stopped_at is None:
            return None
        return max(0.0, (self.stopped_at - self.started_at).total_seconds() - self.paused_seconds)


class RecordingChunk(models.Model):
    """One piece of a recording's audio as the browser sent it, stored under ``name``."""

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="chunks")
    sequence = models.PositiveIntegerField()
    name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recording", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["recording", "sequence"], name="one_chunk_per_sequence")
        ]

    def __str__(self):
        return f"{self.recording_id}#{self.sequence}"
