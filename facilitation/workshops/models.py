import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Codes avoid characters that are easy to confuse on a projector (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
REJOIN_CODE_LENGTH = 8


def random_code(length):
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(text):
    """Codes are typed on phones: ignore case, spaces and dashes."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


class ValueLogic(models.TextChoices):
    """The value logics a dilemma option can honour or strain (see the study)."""

    LEGALITY_EQUITY = "legality_equity", _("Legality and equal treatment")
    EFFICIENCY_SERVICE = "efficiency_service", _("Efficiency and service")
    NETWORK_DIALOGUE = "network_dialogue", _("Dialogue and co-creation")
    ENGAGEMENT = "engagement", _("Engagement")
    REACH = "reach", _("Reach")
    ALGORITHMIC_VISIBILITY = "algorithmic_visibility", _("Algorithmic visibility")

    @classmethod
    def government(cls):
        return {cls.LEGALITY_EQUITY, cls.EFFICIENCY_SERVICE, cls.NETWORK_DIALOGUE}

    @classmethod
    def platform(cls):
        return {cls.ENGAGEMENT, cls.REACH, cls.ALGORITHMIC_VISIBILITY}


class Workshop(models.Model):
    """A series of rounds run with one group over time."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    # What the room sees (projector, the console's defaults, the exports' labels) is in this
    # language; each phone follows its own person's choice.
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the projector, the round report and the research exports."),
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="facilitated_workshops",
        verbose_name=_("facilitators"),
    )
    researchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="researched_workshops",
        blank=True,
        verbose_name=_("researchers"),
        help_text=_("People who may export this workshop's pseudonymised records."),
    )
    # What the research asks of each participant once, e.g. municipality or role:
    # a list of {"key": "municipality", "label": "Municipality", "choices": [...] (optional)}.
    participant_attributes = models.JSONField(_("participant attributes"), default=list, blank=True)
    consent_text = models.TextField(
        _("consent text"),
        blank=True,
        max_length=5000,
        help_text=_("If set, participants must accept it before taking part."),
    )

    # When set, the consent text must say so, the join page tells people before they take part,
    # and the console can record the room (facilitation/recording).
    recorded = models.BooleanField(
        _("this workshop is recorded"),
        default=False,
        help_text=_("The room's audio is recorded; the consent text must say so."),
    )

    class Withdrawal(models.TextChoices):
        REMOVE = "remove", _("Remove their contributions")
        ANONYMISE = "anonymise", _("Keep their contributions without their pseudonym")

    on_withdrawal = models.CharField(
        _("when a participant withdraws"),
        max_length=10,
        choices=Withdrawal,
        default=Withdrawal.REMOVE,
    )
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    demo_key = models.CharField(max_length=50, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        constraints = [
            models.UniqueConstraint(
                fields=["demo_key"], condition=~Q(demo_key=""), name="one_workshop_per_demo_key"
            )
        ]

    def __str__(self):
        return self.title

    def is_facilitated_by(self, user):
        return user.is_authenticated and self.facilitators.filter(pk=user.pk).exists()

    def is_researched_by(self, user):
        """Whether the user may export this workshop's records (its facilitators may too)."""
        return user.is_authenticated and (
            self.is_facilitated_by(user) or self.researchers.filter(pk=user.pk).exists()
        )


class Round(models.Model):
    """One sitting of a workshop, joined with a short code."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        LIVE = "live", _("Live")
        PAUSED = "paused", _("Paused")
        CLOSED = "closed", _("Closed")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="rounds")
    title = models.CharField(_("title"), max_length=200)
    join_code = models.CharField(_("join code"), max_length=12, unique=True)
    projector_key = models.CharField(max_length=32, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    # None while the round is in its lobby (the projector shows the QR code).
    current_step = models.ForeignKey(
        "Step", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the room's screen shows over the stage: a dark screen with the join code, and the
    # join code with its QR code large over anything (the facilitator's B and J keys).
    projector_blanked = models.BooleanField(default=False)
    join_overlay_shown = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["workshop", "created_at"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")

    def __str__(self):
        return f"{self.workshop}: {self.title}"

    @property
    def is_open_to_join(self):
        return self.status in {self.Status.LIVE, self.Status.PAUSED}

    @property
    def is_closed(self):
        return self.status == self.Status.CLOSED

    def ordered_steps(self):
        return self.steps.order_by("position")

    def is_attended_by(self, participant):
        """Whether ``participant`` (of any workshop) has joined this round."""
        if participant.workshop_id != self.workshop_id:
            return False
        return Attendance.objects.filter(round_id=self.pk, participant_id=participant.pk).exists()

    def attendees_among(self, participant_ids):
        """Those of ``participant_ids`` who have joined this round, read afresh, by id."""
        if not participant_ids:
            return {}
        # Unordered: the default ordering would join the workshop for nothing.
        return (
            Participant.objects.filter(
                workshop_id=self.workshop_id, pk__in=participant_ids, attendances__round_id=self.pk
            )
            .order_by()
            .in_bulk()
        )


class Step(models.Model):
    """One item of a round's agenda."""

    class Kind(models.TextChoices):
        FINDING = "finding", _("Finding")
        DILEMMA = "dilemma", _("Dilemma")
        SINGLE_CHOICE = "single_choice", _("Single choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
        SCALE = "scale", _("Scale")
        RANKING = "ranking", _("Ranking")
        STATEMENTS = "statements", _("Statements")
        OPEN_TEXT = "open_text", _("Open text")
        PLACEMENT = "placement", _("Logic placement")
        DISCUSSION = "discussion", _("Discussion")
        CONDUCT = "conduct", _("Code of conduct")
        QUESTIONS = "questions", _("Questions from the room")
        RECAP = "recap", _("Recap of the last round")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Markdown)"), blank=True, max_length=10000)
    hide_results = models.BooleanField(
        _("hide results until revealed"),
        default=True,
        help_text=_("Avoids group-think: the room sees results only when you reveal them."),
    )
    results_revealed = models.BooleanField(default=False)
    voting_locked = models.BooleanField(default=False)
    anonymous = models.BooleanField(
        _("fully anonymous"),
        default=False,
        help_text=_("Answers are stored with no link to the participant, and cannot be changed."),
    )
    # 2 once the facilitator re-opens the step for a vote after discussion.
    current_pass = models.PositiveSmallIntegerField(default=1)
    # Answers close by themselves at this moment (a timer), as well as by hand.
    closes_at = models.DateTimeField(null=True, blank=True)
    # What a kind needs beyond the common fields (scale points and labels, a maximum of picks, ...).
    settings = models.JSONField(default=dict, blank=True)
    # The step of an earlier round this one asks again: screens show then and now side by side.
    rerun_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reruns"
    )

    class Meta:
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "position"], name="one_step_per_position")
        ]

    def __str__(self):
        return self.title

    @property
    def results_visible_to_room(self):
        return self.results_revealed or not self.hide_results

    def timer_has_run_out(self, now=None):
        return self.closes_at is not None and (now or timezone.now()) >= self.closes_at

    def accepts_answers(self, now=None):
        return not self.voting_locked and not self.timer_has_run_out(now)


class Participant(models.Model):
    """A pseudonymous person in a workshop, recognised again in later rounds."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    number = models.PositiveIntegerField()
    display_name = models.CharField(_("display name"), max_length=40, blank=True)
    # Secrets: the cookie carries the token; the person keeps the re-join code. Never exported.
    token = models.CharField(max_length=64, unique=True, editable=False)
    rejoin_code = models.CharField(max_length=REJOIN_CODE_LENGTH, editable=False)
    joined_at = models.DateTimeField(auto_now_add=True)
    # Answers to the workshop's participant_attributes, by key.
    attributes = models.JSONField(default=dict, blank=True)
    consented_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The language this person's phone was last opened in, so that pushes (rendered outside any
    # request) speak it too. Empty: not known yet, the workshop's language is used.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, blank=True)

    class Meta:
        ordering = ["workshop", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "number"], name="one_number_per_participant"
            ),
            models.UniqueConstraint(fields=["workshop", "rejoin_code"], name="unique_rejoin_code"),
        ]

    def __str__(self):
        return self.pseudonym

    @property
    def pseudonym(self):
        return f"P{self.number:02d}"

    @property
    def formatted_rejoin_code(self):
        half = len(self.rejoin_code) // 2
        return f"{self.rejoin_code[:half]}-{self.rejoin_code[half:]}"


class Attendance(models.Model):
    """That a participant joined a round (a participant belongs to the workshop, across rounds)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="attendances")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="attendances"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "participant"], name="one_attendance_per_round"
            )
        ]

    def __str__(self):
        return f"{self.participant} in {self.round}"


class BreakoutGroup(models.Model):
    """A group the facilitator split a round's room into, e.g. for a discussion step."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="groups")
    number = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "number"]
        verbose_name = _("breakout group")
        verbose_name_plural = _("breakout groups")
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="one_group_per_number")
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return _("Group %(number)d") % {"number": self.number}


class GroupMembership(models.Model):
    """That a participant is in a group of a round: at most one group per round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="group_memberships")
    group = models.ForeignKey(BreakoutGroup, on_delete=models.CASCADE, related_name="memberships")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="group_memberships"
    )
    placed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["group", "participant__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "participant"], name="one_group_per_participant_and_round"
            )
        ]

    def __str__(self):
        return f"{self.participant} in {self.group}"


class Event(models.Model):
    """An append-only record of something that happened: who, what, when, payload."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="events")
    round = models.ForeignKey(Round, null=True, on_delete=models.CASCADE, related_name="events")
    step = models.ForeignKey(Step, null=True, on_delete=models.SET_NULL, related_name="events")
    participant = models.ForeignKey(
        Participant, null=True, on_delete=models.SET_NULL, related_name="events"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=50)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Events are append-only.")
        super().save(*args, **kwargs)
