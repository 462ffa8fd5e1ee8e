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

    def lean(self):
        """Where the option stands, from -1 (digital government logic) to +1 (platform logic).

        Honouring a logic pulls towards its side, straining it pulls away; None when untagged.
        """
        government = {logic.value for logic in ValueLogic.government()}
        platform = {logic.value for logic in ValueLogic.platform()}
        to_platform = sum(k in platform for k in self.honours) + sum(
            k in government for k in self.strains
        )
        to_government = sum(k in government for k in self.honours) + sum(
            k in platform for k in self.strains
        )
        tagged = to_platform + to_government
        return (to_platform - to_government) / tagged if tagged else None

    def honoured_logics(self):
        return [ValueLogic(key).label for key in self.honours]

    def strained_logics(self):
        return [ValueLogic(key).label for key in self.strains]


class Response(models.Model):
    """A participant's current answer to a step in one pass; its history is in the event log.

    Choice kinds keep the chosen option in ``option``; the others keep their answer in ``value``
    (a list of option ids, a number, a text, ...). On a fully anonymous step ``participant`` is
    empty and a ``Receipt`` alone says that the person has answered.
    """

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="responses")
    participant = models.ForeignKey(
        Participant, null=True, on_delete=models.CASCADE, related_name="responses"
    )
    pass_number = models.PositiveSmallIntegerField(default=1)
    option = models.ForeignKey(
        Option, null=True, on_delete=models.CASCADE, related_name="responses"
    )
    value = models.JSONField(null=True, blank=True)
    # Moderation: hidden from the projector and phones, kept in the record.
    hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["step", "participant", "pass_number"], name="one_response_per_step_and_pass"
            )
        ]

    def __str__(self):
        return f"{self.participant or '—'} → {self.option or self.value}"


class Receipt(models.Model):
    """That a participant answered a fully anonymous step (the answer itself names nobody)."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="receipts")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    pass_number = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["step", "participant", "pass_number"], name="one_receipt_per_step_and_pass"
            )
        ]

    def __str__(self):
        return f"{self.participant} answered {self.step}"


class Statement(models.Model):
    """One statement of a statements step, answered agree / disagree / pass."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="statements")
    text = models.CharField(_("statement"), max_length=280)
    status = models.CharField(max_length=10, choices=Status, default=Status.APPROVED)
    submitted_by = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="statements"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["step", "created_at", "id"]

    def __str__(self):
        return self.text
