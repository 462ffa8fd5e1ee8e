from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from facilitation.workshops.models import Participant, Step, ValueLogic


def validate_logics(value):
    if not isinstance(value, list):
        raise ValidationError(_("Value logics must be a list."))
    if unknown := sorted(set(map(str, value)) - set(ValueLogic.values)):
        raise ValidationError(
            _("Unknown value logic: %(names)s"), params={"names": ", ".join(unknown)}
        )


class Option(models.Model):
    """A choice on a dilemma, with the value logics it honours and strains."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveIntegerField()
    label = models.CharField(_("label"), max_length=120)
    explanation = models.CharField(_("explanation"), max_length=300, blank=True)
    honours = models.JSONField(default=list, blank=True, validators=[validate_logics])
    strains = models.JSONField(default=list, blank=True, validators=[validate_logics])

    class Meta:
        ordering = ["step", "position"]
        constraints = [
            models.UniqueConstraint(fields=["step", "position"], name="one_option_per_position")
        ]

    def __str__(self):
        return self.label

    def clean(self):
        if both := set(self.honours) & set(self.strains) & set(ValueLogic.values):
            raise ValidationError(
                _("An option cannot both honour and strain %(names)s."),
                params={"names": ", ".join(str(ValueLogic(key).label) for key in sorted(both))},
            )

    def honoured_logics(self):
        return [ValueLogic(key).label for key in self.honours]

    def strained_logics(self):
        return [ValueLogic(key).label for key in self.strains]


class Response(models.Model):
    """A participant's current answer to a step; its history is in the event log."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="responses")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="responses")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="responses")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["step", "participant"], name="one_response_per_step")
        ]

    def __str__(self):
        return f"{self.participant} → {self.option}"
