"""Building a round's agenda: adding, editing, moving, duplicating, deleting and restoring steps.

Each function checks the content (``step_content.check_step``), does its whole change in one
transaction with an event, and notifies the round's screens after commit. A closed round's agenda
cannot change. Answers already given are never lost: a step with answers cannot be deleted, and
its options can be reworded but not removed.

Deleting keeps the step's whole content in the ``step.deleted`` event, and ``restore_step``
rebuilds it from there (undo). A soft-deleted row would have to be filtered out everywhere steps
are read; the event is already the record of what happened, and a step is only deletable while
nothing refers to it but its own options and statements.
"""

from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from facilitation.live.push import notify_round
from facilitation.workshops.models import Event, Round, Step
from facilitation.workshops.services import ActionRefused, record_event

from .answer_kinds import scale_points
from .models import Annotation, Option, Response, Statement
from .step_content import TITLE_MAX, Problems, check_step, content_of

MAX_STEPS_PER_ROUND = 60
# Positions are renumbered through this offset so the unique (round, position) never collides.
_PARKING = 100_000


class ContentRefused(ActionRefused):
    """Content with problems; ``problems`` lists them, one sentence each."""

    def __init__(self, problems):
        super().__init__(" ".join(problems), status=400)
        self.problems = list(problems)


def clean_content(data, *, allow_ids=False):
    problems = Problems()
    content = check_step(data, problems, allow_ids=allow_ids)
    if problems or content is None:
        raise ContentRefused(problems.messages or [_("The step could not be read.")])
    return content


def _locked_round(round):
    locked = (
        Round.objects.select_for_update(of=("self",)).select_related("workshop").get(pk=round.pk)
    )
    if locked.is_closed:
        raise ActionRefused(_("This round is closed; its agenda can no longer change."))
    return locked


def _locked_step(step):
    """The step and its round, both locked (round first, as every agenda change takes them)."""
    round = _locked_round(step.round)
    return round, Step.objects.select_for_update().get(pk=step.pk)


def answer_count(step):
    """Answers and notes given to ``step`` in any pass: what editing must keep."""
    return (
        Response.objects.filter(step=step).count()
        + Annotation.objects.filter(step=step).count()
        + step.receipts.count()
    )


def create_step(round, position, content):
    """Store clean ``content`` as a step at the free ``position``, with options and statements."""
    step = Step.objects.create(
        round=round,
        position=position,
        kind=content["kind"],
        title=content["title"],
        body=content["body"],
        hide_results=content["hide_results"],
        anonymous=content["anonymous"],
        settings=content["settings"],
    )
    Option.objects.bulk_create(
        Option(step=step, position=number, **_option_fields(option))
        for number, option in enumerate(content["options"], start=1)
    )
    Statement.objects.bulk_create(Statement(step=step, text=text) for text in content["statements"])
    return step


def _option_fields(option):
    return {key: option[key] for key in ("label", "explanation", "honours", "strains")}


def _renumber(round, ordered_ids):
    """Give the round's steps the positions 1..n in ``ordered_ids``' order."""
    Step.objects.filter(round=round).update(position=_PARKING + F("position"))
    for position, step_id in enumerate(ordered_ids, start=1):
        Step.objects.filter(pk=step_id).update(position=position)


def _insert(round, content, position):
    """Create a step at ``position`` (1-based), moving later steps down by one."""
    ids = list(round.steps.order_by("position").values_list("pk", flat=True))
    if len(ids) >= MAX_STEPS_PER_ROUND:
        raise ActionRefused(
            _("A round can have at most %(max)d steps.") % {"max": MAX_STEPS_PER_ROUND}
        )
    position = max(1, min(position, len(ids) + 1))
    last = round.steps.aggregate(last=Max("position"))["last"] or 0
    step = create_step(round, last + 1, content)
    ids.insert(position - 1, step.pk)
    _renumber(round, ids)
    step.refresh_from_db()
    return step


def add_step(round, data, *, by, position=None):
    """Add a step with content ``data`` to ``round``'s agenda (at the end, or at ``position``).

    Effects: the step with its options and statements, a ``step.added`` event holding its content,
    and a push of the round (the console's agenda changes).
    """
    content = clean_content(data)
    with transaction.atomic():
        round = _locked_round(round)
        step = _insert(round, content, position or MAX_STEPS_PER_ROUND + 1)
        record_event(
            "step.added",
            workshop=round.workshop,
            round=round,
            step=step,
            user=by,
            step_kind=step.kind,
            position=step.position,
            content=content,
        )
        notify_round(round.pk, "stage", urgent=True)
    return step


def edit_step(step, data, *, by):
    """Change ``step``'s content to ``data`` (its kind stays); answers given so far are kept.

    Options in ``data`` name the existing option they change by ``id``; options not named are
    new, existing ones left out are removed. Refused when that would lose answers: removing an
    option or a statement someone answered, adding an item to a ranking people have ranked,
    changing a scale's points or making the step (not) anonymous once answered.
    Effects: the step, its options and statements, a ``step.edited`` event listing what changed
    (with the earlier content), and a push so screens showing the step update at once.
    """
    content = clean_content(data, allow_ids=True)
    with transaction.atomic():
        round, step = _locked_step(step)
        if content["kind"] != step.kind:
            raise ActionRefused(
                _("A step's kind cannot change. Add a new step of the other kind instead."),
                status=400,
            )
        before = content_of(step)
        answered = answer_count(step)
        if answered:
            _check_answers_kept(step, content)
        for name in ("title", "body", "hide_results", "anonymous", "settings"):
            setattr(step, name, content[name])
        step.save()
        _save_options(step, content["options"])
        _save_statements(step, content["statements"])
        after = content_of(step)
        changed = sorted(name for name in after if after[name] != before[name])
        if changed:
            record_event(
                "step.edited",
                workshop=round.workshop,
                round=round,
                step=step,
                user=by,
                changed=changed,
                before={name: before[name] for name in changed},
                answers_kept=answered,
            )
            notify_round(round.pk, "stage", urgent=True)
    return step


def _answered_option_ids(step):
    ids = set(
        Response.objects.filter(step=step, option__isnull=False).values_list("option_id", flat=True)
    )
    for value in Response.objects.filter(step=step, value__isnull=False).values_list(
        "value", flat=True
    ):
        if isinstance(value, list):
            ids.update(v for v in value if isinstance(v, int))
    return ids


def _check_answers_kept(step, content):
    if content["anonymous"] != step.anonymous:
        raise ActionRefused(
            _(
                "People have already answered this step, so whether it is fully anonymous can "
                "no longer change: their answers were stored that way."
            ),
            status=400,
        )
    if step.kind == Step.Kind.SCALE and content["settings"].get("points", 5) != len(
        scale_points(step)
    ):
        raise ActionRefused(
            _("People have already answered this scale, so its number of points cannot change."),
            status=400,
        )
    existing = {option.pk: option for option in step.options.all()}
    kept = {option.get("id") for option in content["options"]}
    if kept - set(existing) - {None}:
        raise ActionRefused(
            _("An option of this form no longer exists. Reload the page."), status=400
        )
    answered = _answered_option_ids(step)
    if removed := [existing[pk] for pk in set(existing) - kept if pk in answered]:
        raise ActionRefused(
            _(
                "“%(label)s” cannot be removed: people have chosen it, and their answers are "
                "kept. You can reword it instead."
            )
            % {"label": removed[0].label},
            status=400,
        )
    if step.kind == Step.Kind.RANKING and None in kept:
        raise ActionRefused(
            _(
                "People have already ranked these items, so no item can be added: their "
                "rankings would be incomplete. Add a new ranking step instead."
            ),
            status=400,
        )
    if step.kind == Step.Kind.STATEMENTS:
        texts = set(content["statements"])
        answered_ids = set()
        for value in Response.objects.filter(step=step).values_list("value", flat=True):
            if isinstance(value, dict):
                answered_ids.update(str(k) for k in value)
        gone = [
            s
            for s in step.statements.filter(submitted_by__isnull=True)
            if s.text not in texts and str(s.pk) in answered_ids
        ]
        if gone:
            raise ActionRefused(
                _(
                    "“%(text)s” cannot be removed or reworded: people have answered it, and "
                    "their answers are kept."
                )
                % {"text": gone[0].text},
                status=400,
            )


def _save_options(step, options):
    existing = {option.pk: option for option in step.options.all()}
    kept = {option.get("id") for option in options if option.get("id") in existing}
    step.options.exclude(pk__in=kept).delete()
    step.options.update(position=_PARKING + F("position"))
    for position, option in enumerate(options, start=1):
        fields = _option_fields(option)
        if option.get("id") in existing:
            Option.objects.filter(pk=option["id"]).update(position=position, **fields)
        else:
            Option.objects.create(step=step, position=position, **fields)


def _save_statements(step, texts):
    """The facilitator's statements become ``texts``: unchanged ones keep their answers."""
    own = list(step.statements.filter(submitted_by__isnull=True))
    current = {s.text: s for s in own}
    for statement in own:
        if statement.text not in texts:
            statement.delete()
    Statement.objects.bulk_create(
        Statement(step=step, text=text) for text in texts if text not in current
    )


def move_step(step, offset, *, by):
    """Move ``step`` ``offset`` places up (negative) or down the agenda; the ends stay the ends."""
    with transaction.atomic():
        round, step = _locked_step(step)
        ids = list(round.steps.order_by("position").values_list("pk", flat=True))
        index = ids.index(step.pk)
        target = max(0, min(len(ids) - 1, index + offset))
        if target == index:
            return step
        ids.insert(target, ids.pop(index))
        _renumber(round, ids)
        step.refresh_from_db()
        record_event(
            "step.moved",
            workshop=round.workshop,
            round=round,
            step=step,
            user=by,
            position=step.position,
            previous=index + 1,
        )
        notify_round(round.pk, "stage", urgent=True)
    return step


def duplicate_step(step, *, by):
    """Put a copy of ``step`` (content only, no answers) right after it."""
    with transaction.atomic():
        round, step = _locked_step(step)
        content = content_of(step)
        title = _("Copy of %(title)s") % {"title": step.title}
        content = clean_content({**content, "title": title[:TITLE_MAX]})
        copy = _insert(round, content, step.position + 1)
        record_event(
            "step.duplicated",
            workshop=round.workshop,
            round=round,
            step=copy,
            user=by,
            source=step.pk,
            position=copy.position,
        )
        notify_round(round.pk, "stage", urgent=True)
    return copy


def delete_step(step, *, by):
    """Remove ``step`` from the agenda; the ``step.deleted`` event keeps its content for undo.

    Refused for the step on screen and for a step with answers or notes (they are part of the
    record). Returns the event, whose id ``restore_step`` takes.
    """
    with transaction.atomic():
        round, step = _locked_step(step)
        if round.current_step_id == step.pk:
            raise ActionRefused(
                _("This step is on the screens now. Move to another step before deleting it.")
            )
        if answer_count(step):
            raise ActionRefused(
                _(
                    "This step has answers or notes, which are part of the workshop's record, "
                    "so it cannot be deleted. Leave it out by skipping it during the round."
                )
            )
        content, position = content_of(step), step.position
        event = record_event(
            "step.deleted",
            workshop=round.workshop,
            round=round,
            user=by,
            step_id=step.pk,
            position=position,
            content=content,
        )
        step.delete()
        ids = list(round.steps.order_by("position").values_list("pk", flat=True))
        _renumber(round, ids)
        notify_round(round.pk, "stage", urgent=True)
    return event


def deleted_steps(round):
    """The round's ``step.deleted`` events not yet undone, newest first."""
    restored = set(
        Event.objects.filter(round=round, kind="step.restored").values_list(
            "payload__deleted_event", flat=True
        )
    )
    return [
        event
        for event in Event.objects.filter(round=round, kind="step.deleted").order_by("-pk")
        if event.pk not in restored
    ]


def restore_step(round, event_id, *, by):
    """Undo a deletion: rebuild the step from its ``step.deleted`` event at its old position."""
    with transaction.atomic():
        round = _locked_round(round)
        event = next((e for e in deleted_steps(round) if e.pk == event_id), None)
        if event is None:
            raise ActionRefused(
                _("That step was already restored, or was never deleted."), status=404
            )
        content = clean_content(event.payload.get("content"))
        step = _insert(round, content, event.payload.get("position") or 1)
        record_event(
            "step.restored",
            workshop=round.workshop,
            round=round,
            step=step,
            user=by,
            deleted_event=event.pk,
            position=step.position,
        )
        notify_round(round.pk, "stage", urgent=True)
    return step
