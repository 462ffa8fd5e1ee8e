from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from facilitation.workshops.models import (
    BreakoutGroup,
    Participant,
    Step,
    ValueLogic,
    Workshop,
)


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


class Code(models.Model):
    """A tag of a workshop's codebook, used on annotations (and later on options and clauses)."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="codes")
    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        ordering = ["workshop", "name"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "name"], name="unique_code_per_workshop")
        ]

    def __str__(self):
        return self.name


class Annotation(models.Model):
    """A participant's note on a passage of a finding, anchored as a W3C Web Annotation would be.

    The quote (exact, prefix, suffix) and the position (start, end) together find the passage
    again after the text is edited; see ``anchoring``.
    """

    class Reaction(models.TextChoices):
        AGREE = "agree", _("Agree")
        SURPRISING = "surprising", _("Surprising")
        NOT_TRUE_FOR_US = "not_true_for_us", _("Not true for us")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        VISIBLE = "visible", _("Visible")
        HIDDEN = "hidden", _("Hidden")
        DELETED = "deleted", _("Deleted by its author")

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="annotations")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="annotations"
    )
    exact = models.CharField(max_length=1000)
    prefix = models.CharField(max_length=64, blank=True)
    suffix = models.CharField(max_length=64, blank=True)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    note = models.CharField(_("note"), max_length=500, blank=True)
    reaction = models.CharField(max_length=20, choices=Reaction, blank=True)
    codes = models.ManyToManyField(Code, blank=True, related_name="annotations")
    status = models.CharField(max_length=10, choices=Status, default=Status.VISIBLE)
    pinned = models.BooleanField(default=False)
    # A duplicate merged by the facilitator points at the annotation it became part of.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["step", "start", "created_at"]

    def __str__(self):
        return f"{self.participant}: {self.exact[:40]}"


class PlusOne(models.Model):
    """A participant's "+1" on someone's annotation."""

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="plus_ones")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["annotation", "participant"], name="one_plus_one_per_participant"
            )
        ]

    def __str__(self):
        return f"+1 by {self.participant}"


class DiscussionNote(models.Model):
    """A note a breakout group writes together on a discussion step; deleting keeps the record."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="discussion_notes")
    group = models.ForeignKey(BreakoutGroup, on_delete=models.CASCADE, related_name="notes")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="discussion_notes"
    )
    text = models.CharField(_("note"), max_length=280)
    deleted = models.BooleanField(default=False)
    # The clause the facilitator made of it, if any (see discussion.propose_note_as_clause).
    clause = models.ForeignKey(
        "Clause", null=True, blank=True, on_delete=models.SET_NULL, related_name="from_notes"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["step", "group", "created_at", "id"]

    def __str__(self):
        return self.text


# The shared code of conduct ----------------------------------------------------------------------


class CodeOfConduct(models.Model):
    """A workshop's one living code of conduct: its settings and its version counter.

    Every change of the code locks this row first, so changes of one workshop's code queue up.
    """

    workshop = models.OneToOneField(
        Workshop, on_delete=models.CASCADE, related_name="code_of_conduct"
    )
    # Participants may propose clauses and amendments at any time, not only on a conduct step.
    open_any_time = models.BooleanField(_("proposals open at any time"), default=False)
    # The number of the latest version (0: nothing accepted yet).
    version = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"Code of conduct of {self.workshop}"


class Clause(models.Model):
    """One rule of a workshop's code of conduct, from proposal to acceptance (or not)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        MERGED = "merged", _("Merged")
        DROPPED = "dropped", _("Dropped")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="clauses")
    text = models.CharField(_("clause"), max_length=400)
    rationale = models.CharField(_("why"), max_length=300, blank=True)
    codes = models.ManyToManyField(Code, blank=True, related_name="clauses")
    status = models.CharField(max_length=10, choices=Status, default=Status.PROPOSED)
    # Place in the document while accepted (1, 2, ...).
    position = models.PositiveIntegerField(null=True, blank=True)
    # Counts changes of the wording: an amendment written against an older wording is stale.
    revision = models.PositiveIntegerField(default=1)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    # Where it came from: who, in which round and step, and what motivated it.
    proposed_by = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="clauses"
    )
    proposed_by_facilitator = models.BooleanField(default=False)
    round = models.ForeignKey(
        "workshops.Round", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    motivated_by_step = models.ForeignKey(
        Step, null=True, blank=True, on_delete=models.SET_NULL, related_name="motivated_clauses"
    )
    motivated_by_annotation = models.ForeignKey(
        Annotation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="motivated_clauses",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["workshop", "position", "created_at", "id"]

    def __str__(self):
        return self.text


class Amendment(models.Model):
    """A proposed new wording of a clause."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        MERGED = "merged", _("Merged")

    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="amendments")
    text = models.CharField(_("new wording"), max_length=400)
    rationale = models.CharField(_("why"), max_length=300, blank=True)
    # The wording it changes, as it was when the amendment was written.
    base_text = models.CharField(max_length=400)
    base_revision = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status, default=Status.PROPOSED)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    proposed_by = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="amendments"
    )
    proposed_by_facilitator = models.BooleanField(default=False)
    round = models.ForeignKey(
        "workshops.Round", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["clause", "created_at", "id"]

    def __str__(self):
        return self.text


class Endorsement(models.Model):
    """A participant's agree / disagree / pass on a clause or on an amendment (one of the two)."""

    class Stance(models.TextChoices):
        AGREE = "agree", _("Agree")
        DISAGREE = "disagree", _("Disagree")
        PASS = "pass", _("Pass")

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="endorsements"
    )
    clause = models.ForeignKey(
        Clause, null=True, blank=True, on_delete=models.CASCADE, related_name="endorsements"
    )
    amendment = models.ForeignKey(
        Amendment, null=True, blank=True, on_delete=models.CASCADE, related_name="endorsements"
    )
    stance = models.CharField(max_length=10, choices=Stance)
    # Consent-style: a disagree says in one line why.
    objection = models.CharField(_("objection"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "clause"],
                condition=models.Q(clause__isnull=False),
                name="one_endorsement_per_clause",
            ),
            models.UniqueConstraint(
                fields=["participant", "amendment"],
                condition=models.Q(amendment__isnull=False),
                name="one_endorsement_per_amendment",
            ),
            models.CheckConstraint(
                condition=models.Q(clause__isnull=True, amendment__isnull=False)
                | models.Q(clause__isnull=False, amendment__isnull=True),
                name="endorses_a_clause_or_an_amendment",
            ),
        ]

    def __str__(self):
        return f"{self.participant}: {self.stance}"


class ConductVersion(models.Model):
    """A version of a workshop's code of conduct, as it stood after an accepted change.

    ``clauses`` is the document: a list of {"clause", "text", "rationale", "codes"} in order;
    ``changes`` says what changed since the version before and why. A version frozen when a
    round closes carries the round and its name.
    """

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="conduct_versions"
    )
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=200, blank=True)
    round = models.ForeignKey(
        "workshops.Round", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    frozen_for_round = models.BooleanField(default=False)
    clauses = models.JSONField(default=list)
    changes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["workshop", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "number"], name="one_conduct_version_per_number"
            )
        ]

    def __str__(self):
        return self.name or f"Version {self.number}"
