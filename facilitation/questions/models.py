"""Questions from the room: what participants ask the facilitator and the researchers."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from facilitation.workshops.models import Participant, Round, Step


class QuestionBoard(models.Model):
    """A round's questions: whether they are open on every step, and what the projector pins.

    Every change to a round's questions locks this row first, so they queue up.
    """

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="question_board")
    # Open for the whole round (a panel on every phone), not only on a questions step.
    open_any_time = models.BooleanField(_("questions open on every step"), default=False)
    premoderate = models.BooleanField(_("questions wait for approval"), default=False)
    pinned = models.ForeignKey(
        "Question", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self):
        return f"Questions of {self.round}"


class Question(models.Model):
    """One question asked from a phone; anonymous to the room, its author kept for the record."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for approval")
        VISIBLE = "visible", _("Visible")
        HIDDEN = "hidden", _("Hidden")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        MERGED = "merged", _("Merged")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="questions")
    # The step on screen when it was asked (the record places it there).
    step = models.ForeignKey(
        Step, null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("question"), max_length=300)
    status = models.CharField(max_length=10, choices=Status, default=Status.VISIBLE)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text


class QuestionVote(models.Model):
    """A participant's upvote of someone else's question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question", "participant"], name="one_vote_per_question_and_participant"
            )
        ]

    def __str__(self):
        return f"+1 by {self.participant}"
