"""What a recap step shows of the round this one was started from: the facilitator's choices.

The step itself (its title and text) is an ordinary ``Step`` of kind ``recap``; its choices are
here. A recap step without a ``Recap`` row shows the defaults (the code of conduct and the open
questions, no results picked).
"""

from django.db import models

from facilitation.workshops.models import Step


class Recap(models.Model):
    """A recap step's choices: whether it shows the code of conduct and the open questions."""

    step = models.OneToOneField(Step, on_delete=models.CASCADE, related_name="recap")
    show_conduct = models.BooleanField(default=True)
    show_questions = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Recap: {self.step}"


class RecapPick(models.Model):
    """One result of the previous round the recap shows, in the recap's order."""

    recap = models.ForeignKey(Recap, on_delete=models.CASCADE, related_name="picks")
    # A step of the previous round; its results are read from it, never copied.
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["recap", "position"]
        constraints = [
            models.UniqueConstraint(fields=["recap", "step"], name="one_pick_per_step"),
            models.UniqueConstraint(fields=["recap", "position"], name="one_pick_per_position"),
        ]

    def __str__(self):
        return f"{self.recap}: {self.step}"
