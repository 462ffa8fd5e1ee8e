"""The shared code of conduct: proposing clauses and amendments, endorsing them, and the
facilitator's decisions; versions of the document, their comparison and their reconstruction.

Each change runs in one transaction that first locks the workshop's ``CodeOfConduct`` row (so
changes of one code queue up), records a ``conduct.*`` event and pushes "conduct" to the round's
screens after commit. Every accepted change makes a new ``ConductVersion``; the events that make
versions carry the new order of the clauses and the changed clause, so ``versions_from_events``
rebuilds every version from the event log alone.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from facilitation.identifiers import parse_ids
from facilitation.live.push import notify_round
from facilitation.workshops.models import Event, Round, Step
from facilitation.workshops.participants import still_counted
from facilitation.workshops.services import ActionRefused, record_event
from facilitation.workshops.taking_part import Capability, check_can_take_part

from .models import (
    Amendment,
    Annotation,
    Clause,
    Code,
    CodeOfConduct,
    ConductVersion,
    Endorsement,
)

CLAUSE_MAX_LENGTH = Clause._meta.get_field("text").max_length
RATIONALE_MAX_LENGTH = Clause._meta.get_field("rationale").max_length
OBJECTION_MAX_LENGTH = Endorsement._meta.get_field("objection").max_length
REASON_MAX_LENGTH = 300
# Clauses and new wordings one participant may propose in one round (a facilitator has no cap).
MAX_PROPOSALS_PER_PERSON = 10
# Kinds of steps on which participants may propose clauses even when proposals are not open at
# any time ("discussion": a group's note can become a proposal).
PROPOSING_KINDS = {"conduct", "discussion"}
PROPOSING = Capability(things=_lazy("proposals"), kinds=frozenset(PROPOSING_KINDS))
LIVE_CLAUSES = {Clause.Status.PROPOSED, Clause.Status.ACCEPTED}
_TAG = re.compile(r"<\s*/?\s*[A-Za-z!?][^>]*>|<\s*/?\s*[A-Za-z]+\s*$|javascript\s*:", re.I)


# Cleaning what people type ----------------------------------------------------------------------


def clean_text(text, *, what, max_length, required=True):
    """Plain text on one line: invisible characters dropped, white space collapsed, no markup.

    ``what`` names the field in messages ("A clause", "An objection", ...).
    """
    visible = "".join(
        " " if ch in "\r\n\t" else ch
        for ch in (text or "")
        if ch in "\r\n\t" or unicodedata.category(ch) not in {"Cc", "Cf"}
    )
    cleaned = " ".join(visible.split())
    if required and not cleaned:
        raise ActionRefused(_("%(what)s cannot be empty.") % {"what": what}, status=400)
    if len(cleaned) > max_length:
        raise ActionRefused(
            _("%(what)s can have at most %(max)d characters; this one has %(length)d.")
            % {"what": what, "max": max_length, "length": len(cleaned)},
            status=400,
        )
    if _TAG.search(cleaned):
        raise ActionRefused(
            _("%(what)s must be plain text: leave out tags such as <b> or <script>.")
            % {"what": what},
            status=400,
        )
    return cleaned


def _clean_reason(reason, *, required=False):
    return clean_text(reason, what=_("A reason"), max_length=REASON_MAX_LENGTH, required=required)


def _clean_codes(workshop, code_ids):
    wanted = parse_ids(code_ids)
    if wanted is None:
        raise ActionRefused(_("That code is not in this workshop's codebook."), status=400)
    wanted = set(wanted)
    codes = list(Code.objects.filter(workshop=workshop, pk__in=wanted))
    if len(codes) != len(wanted):
        raise ActionRefused(_("That code is not in this workshop's codebook."), status=400)
    return codes


# Locks and checks -------------------------------------------------------------------------------


def conduct_of(workshop):
    """The workshop's code of conduct (created empty the first time it is asked for)."""
    conduct, _created = CodeOfConduct.objects.get_or_create(workshop=workshop)
    return conduct


def _lock(workshop):
    conduct_of(workshop)
    return CodeOfConduct.objects.select_for_update().get(workshop=workshop)


def _check_facilitator(workshop, by):
    if by is None or not workshop.is_facilitated_by(by):
        raise ActionRefused(_("Only the workshop's facilitators can do this."), status=403)


def _check_participant(conduct, round, participant):
    """A participant acts on the code from a live round they attend, on a step that invites it
    or at any time if the facilitator allows it."""
    if round is None or round.workshop_id != conduct.workshop_id:
        raise ActionRefused(_("Join this workshop round first."), status=403)
    round = Round.objects.select_related("current_step").get(pk=round.pk)
    check_can_take_part(
        participant,
        capability=PROPOSING,
        round=round,
        step=round.current_step,
        any_step=conduct.open_any_time,
    )
    return round


def _check_actor(conduct, *, by_participant, by_user, round):
    if (by_participant is None) == (by_user is None):
        raise ValueError("Say who acts: a participant or a facilitator.")
    if by_user is not None:
        _check_facilitator(conduct.workshop, by_user)
        return round
    return _check_participant(conduct, round, by_participant)


def _clause(clause, conduct):
    clause = Clause.objects.select_for_update().get(pk=clause.pk)
    if clause.workshop_id != conduct.workshop_id:
        raise ActionRefused(_("That clause belongs to another workshop."), status=404)
    return clause


def _amendment(amendment, conduct):
    amendment = (
        Amendment.objects.select_for_update(of=("self",))
        .select_related("clause")
        .get(pk=amendment.pk)
    )
    if amendment.clause.workshop_id != conduct.workshop_id:
        raise ActionRefused(_("That amendment belongs to another workshop."), status=404)
    return amendment


def _gone_clause_message(clause):
    if clause.status == Clause.Status.MERGED and clause.merged_into_id:
        return _(
            "That clause was just merged into clause #%(into)d; nothing was changed. "
            "Act on that clause instead."
        ) % {"into": clause.merged_into_id}
    return {
        Clause.Status.REJECTED: _("That clause was rejected; nothing was changed."),
        Clause.Status.DROPPED: _("That clause was dropped from the code; nothing was changed."),
        Clause.Status.MERGED: _("That clause was merged with another; nothing was changed."),
    }.get(clause.status, _("That clause can no longer be changed."))


# Participants (and facilitators) propose ---------------------------------------------------------


def propose_clause(
    workshop,
    text,
    rationale="",
    *,
    by_participant=None,
    by_user=None,
    round=None,
    code_ids=(),
    motivated_by=None,
):
    """Propose a new clause for ``workshop``'s code of conduct.

    ``by_participant`` (from ``round``, which they attend) or ``by_user`` (a facilitator) proposes
    it; ``motivated_by`` is a Step (a dilemma, a finding, a discussion) or an Annotation of the
    workshop. Effects: a proposed Clause, a ``conduct.clause_proposed`` event, a push.
    """
    text = clean_text(text, what=_("A clause"), max_length=CLAUSE_MAX_LENGTH)
    rationale = clean_text(
        rationale, what=_("The reason"), max_length=RATIONALE_MAX_LENGTH, required=False
    )
    with transaction.atomic():
        conduct = _lock(workshop)
        round = _check_actor(conduct, by_participant=by_participant, by_user=by_user, round=round)
        codes = _clean_codes(workshop, code_ids)
        step, annotation = _motivation(workshop, motivated_by)
        _check_proposals_left(by_participant, round)
        if Clause.objects.filter(
            workshop=workshop, status__in=LIVE_CLAUSES, text__iexact=text
        ).exists():
            raise ActionRefused(_("The code already has this clause, or it is proposed."))
        clause = Clause.objects.create(
            workshop=workshop,
            text=text,
            rationale=rationale,
            proposed_by=by_participant,
            proposed_by_facilitator=by_user is not None,
            round=round,
            motivated_by_step=step,
            motivated_by_annotation=annotation,
        )
        clause.codes.set(codes)
        _record(
            "conduct.clause_proposed",
            conduct,
            round=round,
            participant=by_participant,
            user=by_user,
            clause=clause.pk,
            text=text,
            rationale=rationale,
            codes=[c.pk for c in codes],
            motivated_by_step=step and step.pk,
            motivated_by_annotation=annotation and annotation.pk,
        )
    return clause


def _check_proposals_left(participant, round):
    if participant is None:
        return
    made = (
        Clause.objects.filter(proposed_by=participant, round=round).count()
        + Amendment.objects.filter(proposed_by=participant, round=round).count()
    )
    if made >= MAX_PROPOSALS_PER_PERSON:
        raise ActionRefused(
            _("You can propose at most %(max)d clauses and new wordings in one round.")
            % {"max": MAX_PROPOSALS_PER_PERSON},
            status=400,
        )


def _motivation(workshop, motivated_by):
    if motivated_by is None:
        return None, None
    if isinstance(motivated_by, Step) and motivated_by.round.workshop_id == workshop.pk:
        return motivated_by, None
    if isinstance(motivated_by, Annotation) and motivated_by.step.round.workshop_id == workshop.pk:
        return motivated_by.step, motivated_by
    raise ActionRefused(_("What motivated the clause must be in this workshop."), status=400)


def propose_amendment(clause, text, rationale="", *, by_participant=None, by_user=None, round=None):
    """Propose a new wording for ``clause`` (proposed or accepted).

    Effects: a proposed Amendment remembering the wording it changes, a
    ``conduct.amendment_proposed`` event, a push. A wording that changes nothing is refused.
    """
    text = clean_text(text, what=_("A new wording"), max_length=CLAUSE_MAX_LENGTH)
    rationale = clean_text(
        rationale, what=_("The reason"), max_length=RATIONALE_MAX_LENGTH, required=False
    )
    with transaction.atomic():
        conduct = _lock(clause.workshop)
        round = _check_actor(conduct, by_participant=by_participant, by_user=by_user, round=round)
        clause = _clause(clause, conduct)
        if clause.status not in LIVE_CLAUSES:
            raise ActionRefused(_gone_clause_message(clause))
        _check_proposals_left(by_participant, round)
        if text == clause.text:
            raise ActionRefused(
                _("The new wording is the same as the clause. Change at least one word."),
                status=400,
            )
        if clause.amendments.filter(status=Amendment.Status.PROPOSED, text=text).exists():
            raise ActionRefused(_("This new wording is already proposed."))
        amendment = Amendment.objects.create(
            clause=clause,
            text=text,
            rationale=rationale,
            base_text=clause.text,
            base_revision=clause.revision,
            proposed_by=by_participant,
            proposed_by_facilitator=by_user is not None,
            round=round,
        )
        _record(
            "conduct.amendment_proposed",
            conduct,
            round=round,
            participant=by_participant,
            user=by_user,
            clause=clause.pk,
            amendment=amendment.pk,
            text=text,
            base_text=clause.text,
            rationale=rationale,
        )
    return amendment


def endorse(target, participant, stance, objection="", *, round):
    """Agree, disagree or pass on a clause or an amendment; a disagree needs a one-line objection.

    Changing one's stance updates it; the same stance again changes nothing. Effects: one
    Endorsement per participant and target, a ``conduct.endorsed`` event, a push.
    """
    if stance not in Endorsement.Stance.values:
        raise ActionRefused(_("Choose agree, disagree or pass."), status=400)
    if stance == Endorsement.Stance.DISAGREE:
        objection = clean_text(
            objection,
            what=_("An objection"),
            max_length=OBJECTION_MAX_LENGTH,
            required=False,
        )
        if not objection:
            raise ActionRefused(
                _("Say in one line why you disagree; nothing was saved."), status=400
            )
    else:
        objection = ""
    is_clause = isinstance(target, Clause)
    workshop = target.workshop if is_clause else target.clause.workshop
    with transaction.atomic():
        conduct = _lock(workshop)
        round = _check_participant(conduct, round, participant)
        if is_clause:
            target = _clause(target, conduct)
            if target.status not in LIVE_CLAUSES:
                raise ActionRefused(_gone_clause_message(target))
            lookup = {"clause": target}
        else:
            target = _amendment(target, conduct)
            if target.status != Amendment.Status.PROPOSED:
                raise ActionRefused(
                    _("That amendment was already decided (%(status)s); it takes no more votes.")
                    % {"status": target.get_status_display().lower()}
                )
            if target.clause.status not in LIVE_CLAUSES:
                raise ActionRefused(_gone_clause_message(target.clause))
            lookup = {"amendment": target}
        endorsement = Endorsement.objects.filter(participant=participant, **lookup).first()
        if endorsement and (endorsement.stance, endorsement.objection) == (stance, objection):
            return endorsement
        previous = endorsement.stance if endorsement else ""
        if endorsement:
            endorsement.stance, endorsement.objection = stance, objection
            endorsement.save(update_fields=["stance", "objection", "updated_at"])
        else:
            endorsement = Endorsement.objects.create(
                participant=participant, stance=stance, objection=objection, **lookup
            )
        _record(
            "conduct.endorsed",
            conduct,
            round=round,
            participant=participant,
            clause=target.pk if is_clause else target.clause_id,
            amendment=None if is_clause else target.pk,
            stance=stance,
            objection=objection,
            previous=previous,
        )
    return endorsement


# The facilitator decides -------------------------------------------------------------------------


def accept_clause(clause, *, by, reason="", round=None):
    """Put a proposed clause into the code, at its end. Makes a new version."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        conduct = _lock(clause.workshop)
        _check_facilitator(conduct.workshop, by)
        clause = _clause(clause, conduct)
        if clause.status == Clause.Status.ACCEPTED:
            raise ActionRefused(_("That clause is already in the code."))
        if clause.status != Clause.Status.PROPOSED:
            raise ActionRefused(_gone_clause_message(clause))
        clause.status = Clause.Status.ACCEPTED
        clause.position = _accepted(conduct).count() + 1
        clause.save(update_fields=["status", "position", "updated_at"])
        _make_version(
            conduct,
            "conduct.clause_accepted",
            by=by,
            round=round,
            clause=clause,
            what="added",
            reason=reason or clause.rationale,
        )
    return clause


def reject_clause(clause, *, by, reason, round=None):
    """Decline a proposed clause, saying why (it stays in the record)."""
    reason = _clean_reason(reason, required=True)
    with transaction.atomic():
        conduct = _lock(clause.workshop)
        _check_facilitator(conduct.workshop, by)
        clause = _clause(clause, conduct)
        if clause.status != Clause.Status.PROPOSED:
            raise ActionRefused(
                _("Only a proposed clause can be rejected; drop an accepted one instead.")
                if clause.status == Clause.Status.ACCEPTED
                else _gone_clause_message(clause)
            )
        clause.status = Clause.Status.REJECTED
        clause.save(update_fields=["status", "updated_at"])
        _record(
            "conduct.clause_rejected",
            conduct,
            round=round,
            user=by,
            clause=clause.pk,
            reason=reason,
        )
    return clause


def drop_clause(clause, *, by, reason, round=None):
    """Take an accepted clause out of the code, saying why. Makes a new version."""
    reason = _clean_reason(reason, required=True)
    with transaction.atomic():
        conduct = _lock(clause.workshop)
        _check_facilitator(conduct.workshop, by)
        clause = _clause(clause, conduct)
        if clause.status != Clause.Status.ACCEPTED:
            raise ActionRefused(_("Only a clause in the code can be dropped from it."))
        clause.status, clause.position = Clause.Status.DROPPED, None
        clause.save(update_fields=["status", "position", "updated_at"])
        _renumber(conduct)
        _make_version(
            conduct,
            "conduct.clause_dropped",
            by=by,
            round=round,
            clause=clause,
            what="dropped",
            reason=reason,
        )
    return clause


def merge_clauses(duplicate, into, *, by, reason="", round=None):
    """Fold a duplicate clause into another: the duplicate's endorsements carry over (for those
    who have not endorsed the other one), and it leaves the list but stays in the record. If the
    duplicate was in the code, this makes a new version."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        conduct = _lock(duplicate.workshop)
        _check_facilitator(conduct.workshop, by)
        duplicate, into = _clause(duplicate, conduct), _clause(into, conduct)
        if duplicate.pk == into.pk:
            raise ActionRefused(_("Choose two different clauses to merge."), status=400)
        for clause in (duplicate, into):
            if clause.status not in LIVE_CLAUSES:
                raise ActionRefused(_gone_clause_message(clause))
        was_accepted = duplicate.status == Clause.Status.ACCEPTED
        if was_accepted and into.status != Clause.Status.ACCEPTED:
            raise ActionRefused(
                _("A clause in the code can only be merged into another clause in the code.")
            )
        _carry_endorsements(duplicate.endorsements.all(), {"clause": into})
        duplicate.status, duplicate.merged_into, duplicate.position = (
            Clause.Status.MERGED,
            into,
            None,
        )
        duplicate.save(update_fields=["status", "merged_into", "position", "updated_at"])
        into.codes.add(*duplicate.codes.all())
        payload = {"into": into.pk}
        if was_accepted:
            _renumber(conduct)
            _make_version(
                conduct,
                "conduct.clause_merged",
                by=by,
                round=round,
                clause=duplicate,
                what="merged",
                reason=reason,
                **payload,
            )
        else:
            _record(
                "conduct.clause_merged",
                conduct,
                round=round,
                user=by,
                clause=duplicate.pk,
                reason=reason,
                **payload,
            )
    return into


def move_clause(clause, offset, *, by, round=None):
    """Move an accepted clause up (-1) or down (+1) in the code. Makes a new version."""
    with transaction.atomic():
        conduct = _lock(clause.workshop)
        _check_facilitator(conduct.workshop, by)
        clause = _clause(clause, conduct)
        if clause.status != Clause.Status.ACCEPTED:
            raise ActionRefused(_("Only clauses in the code can be moved."))
        order = list(_accepted(conduct))
        index = next(i for i, c in enumerate(order) if c.pk == clause.pk)
        target = index + offset
        if not 0 <= target < len(order):
            raise ActionRefused(_("The clause is already at that end of the code."))
        order.insert(target, order.pop(index))
        for position, each in enumerate(order, start=1):
            if each.position != position:
                Clause.objects.filter(pk=each.pk).update(position=position)
        _make_version(
            conduct,
            "conduct.clause_moved",
            by=by,
            round=round,
            clause=clause,
            what="moved",
            reason="",
        )
    return clause


def accept_amendment(amendment, *, by, reason="", round=None):
    """Give the clause the amendment's wording. An amendment written against a wording that has
    changed since is refused with a conflict message (nothing is lost: it stays proposed). If the
    clause is in the code, this makes a new version."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        conduct = _lock(amendment.clause.workshop)
        _check_facilitator(conduct.workshop, by)
        amendment = _amendment(amendment, conduct)
        clause = _clause(amendment.clause, conduct)
        if amendment.status != Amendment.Status.PROPOSED:
            raise ActionRefused(
                _("That amendment was already decided (%(status)s); nothing was changed.")
                % {"status": amendment.get_status_display().lower()}
            )
        if clause.status not in LIVE_CLAUSES:
            raise ActionRefused(_gone_clause_message(clause))
        if amendment.base_revision != clause.revision:
            raise ActionRefused(
                _(
                    "The clause was reworded since this amendment was written; it now reads "
                    "“%(text)s”. Nothing was changed: compare the two and propose the new "
                    "wording again if it still helps."
                )
                % {"text": clause.text}
            )
        amendment.status = Amendment.Status.ACCEPTED
        amendment.save(update_fields=["status", "updated_at"])
        previous = clause.text
        clause.text, clause.revision = amendment.text, clause.revision + 1
        clause.save(update_fields=["text", "revision", "updated_at"])
        payload = {"amendment": amendment.pk, "previous_text": previous}
        if clause.status == Clause.Status.ACCEPTED:
            _make_version(
                conduct,
                "conduct.amendment_accepted",
                by=by,
                round=round,
                clause=clause,
                what="amended",
                reason=reason or amendment.rationale,
                **payload,
            )
        else:
            _record(
                "conduct.amendment_accepted",
                conduct,
                round=round,
                user=by,
                clause=clause.pk,
                text=clause.text,
                reason=reason,
                **payload,
            )
    return amendment


def reject_amendment(amendment, *, by, reason, round=None):
    """Decline a proposed amendment, saying why."""
    reason = _clean_reason(reason, required=True)
    with transaction.atomic():
        conduct = _lock(amendment.clause.workshop)
        _check_facilitator(conduct.workshop, by)
        amendment = _amendment(amendment, conduct)
        if amendment.status != Amendment.Status.PROPOSED:
            raise ActionRefused(_("That amendment was already decided; nothing was changed."))
        amendment.status = Amendment.Status.REJECTED
        amendment.save(update_fields=["status", "updated_at"])
        _record(
            "conduct.amendment_rejected",
            conduct,
            round=round,
            user=by,
            clause=amendment.clause_id,
            amendment=amendment.pk,
            reason=reason,
        )
    return amendment


def merge_amendments(duplicate, into, *, by, reason="", round=None):
    """Fold a duplicate amendment into another of the same clause; endorsements carry over."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        conduct = _lock(duplicate.clause.workshop)
        _check_facilitator(conduct.workshop, by)
        duplicate, into = _amendment(duplicate, conduct), _amendment(into, conduct)
        if duplicate.pk == into.pk or duplicate.clause_id != into.clause_id:
            raise ActionRefused(
                _("Only two different amendments of the same clause can be merged."), status=400
            )
        if {duplicate.status, into.status} != {Amendment.Status.PROPOSED}:
            raise ActionRefused(_("One of these amendments was already decided."))
        _carry_endorsements(duplicate.endorsements.all(), {"amendment": into})
        duplicate.status, duplicate.merged_into = Amendment.Status.MERGED, into
        duplicate.save(update_fields=["status", "merged_into", "updated_at"])
        _record(
            "conduct.amendment_merged",
            conduct,
            round=round,
            user=by,
            clause=duplicate.clause_id,
            amendment=duplicate.pk,
            into=into.pk,
            reason=reason,
        )
    return into


def set_open_any_time(workshop, on, *, by, round=None):
    """Whether participants may propose and endorse at any time, not only on a conduct step."""
    with transaction.atomic():
        conduct = _lock(workshop)
        _check_facilitator(workshop, by)
        if conduct.open_any_time != bool(on):
            conduct.open_any_time = bool(on)
            conduct.save(update_fields=["open_any_time"])
            _record("conduct.open_any_time", conduct, round=round, user=by, on=bool(on))
    return conduct


def freeze_round_version(round, *, by=None):
    """Freeze the code as it stands when ``round`` closes, as a version named after the round.

    Idempotent: a round has at most one frozen version; a workshop that never had a code gets
    none (returns None). Called when a round is closed.
    """
    with transaction.atomic():
        conduct = _lock(round.workshop)
        existing = ConductVersion.objects.filter(
            workshop=round.workshop, round=round, frozen_for_round=True
        ).first()
        if existing:
            return existing
        if conduct.version == 0:
            return None  # the workshop has no code to freeze
        return _make_version(
            conduct,
            "conduct.version_frozen",
            by=by,
            round=round,
            clause=None,
            what="",
            reason="",
            name=round.title,
            frozen=True,
        )


def seed_code(workshop, clauses, *, round=None):
    """Start a workshop's code with clauses written beforehand, as (text, rationale) pairs, all
    accepted in one version (used by the demo workshop). Effects as for proposing and accepting."""
    with transaction.atomic():
        conduct = _lock(workshop)
        seeded = []
        for text, rationale in clauses:
            clause = Clause.objects.create(
                workshop=workshop,
                text=clean_text(text, what=_("A clause"), max_length=CLAUSE_MAX_LENGTH),
                rationale=rationale,
                proposed_by_facilitator=True,
                status=Clause.Status.ACCEPTED,
                position=_accepted(conduct).count() + 1,
                round=round,
            )
            _record(
                "conduct.clause_proposed",
                conduct,
                round=round,
                clause=clause.pk,
                text=clause.text,
                rationale=rationale,
                codes=[],
            )
            seeded.append(clause)
        return _make_version(
            conduct,
            "conduct.clause_accepted",
            by=None,
            round=round,
            clause=None,
            what="added",
            reason=_("Written before the workshop as a starting point."),
            added=seeded,
        )


def _carry_endorsements(endorsements, into):
    for endorsement in endorsements:
        Endorsement.objects.get_or_create(
            participant_id=endorsement.participant_id,
            **into,
            defaults={"stance": endorsement.stance, "objection": endorsement.objection},
        )


def _accepted(conduct):
    return Clause.objects.filter(
        workshop_id=conduct.workshop_id, status=Clause.Status.ACCEPTED
    ).order_by("position", "pk")


def _renumber(conduct):
    for position, clause in enumerate(_accepted(conduct), start=1):
        if clause.position != position:
            Clause.objects.filter(pk=clause.pk).update(position=position)


def _snapshot(clause):
    return {
        "clause": clause.pk,
        "text": clause.text,
        "rationale": clause.rationale,
        "codes": sorted(code.name for code in clause.codes.all()),
    }


def _make_version(
    conduct, kind, *, by, round, clause, what, reason, name="", frozen=False, added=(), **extra
):
    """Record the change as an event that carries the new order and the changed clause, and
    store the document as it now stands as the next version."""
    conduct.version += 1
    conduct.save(update_fields=["version"])
    document = [_snapshot(c) for c in _accepted(conduct).prefetch_related("codes")]
    changes = []
    changed = {}
    for each in added:
        changes.append({"clause": each.pk, "what": what, "reason": reason})
    if clause is not None:
        changes.append({"clause": clause.pk, "what": what, "reason": reason})
        changed = {
            "clause": clause.pk,
            **{k: v for k, v in _snapshot(clause).items() if k != "clause"},
        }
    version = ConductVersion.objects.create(
        workshop=conduct.workshop,
        number=conduct.version,
        name=name,
        round=round,
        frozen_for_round=frozen,
        clauses=document,
        changes=changes,
    )
    _record(
        kind,
        conduct,
        round=round,
        user=by,
        version=version.number,
        order=[entry["clause"] for entry in document],
        what=what,
        reason=reason,
        name=name,
        **changed,
        **extra,
    )
    return version


def _record(kind, conduct, *, round=None, participant=None, user=None, **payload):
    record_event(
        kind,
        workshop=conduct.workshop,
        round=round,
        step=round.current_step if round is not None and round.current_step_id else None,
        participant=participant,
        user=user,
        **payload,
    )
    for round_id in _live_round_ids(conduct.workshop_id, round):
        notify_round(round_id, "conduct")


def _live_round_ids(workshop_id, round):
    """Every open round of the workshop shows the code, so each one hears of a change."""
    ids = set(
        Round.objects.filter(
            workshop_id=workshop_id, status__in=[Round.Status.LIVE, Round.Status.PAUSED]
        ).values_list("pk", flat=True)
    )
    if round is not None:
        ids.add(round.pk)
    return sorted(ids)


# Reading ----------------------------------------------------------------------------------------


# What screens show beside a clause: who proposed it and what prompted it.
_SHOWN_WITH = (
    "proposed_by",
    "motivated_by_step",
    "motivated_by_annotation",
)


def current_clauses(workshop):
    """The clauses of the code as it stands, in order."""
    return list(
        Clause.objects.filter(workshop=workshop, status=Clause.Status.ACCEPTED)
        .order_by("position", "pk")
        .select_related(*_SHOWN_WITH)
        .prefetch_related("codes")
    )


def proposed_clauses(workshop):
    return list(
        Clause.objects.filter(
            still_counted("proposed_by"), workshop=workshop, status=Clause.Status.PROPOSED
        )
        .order_by("created_at", "pk")
        .select_related(*_SHOWN_WITH)
        .prefetch_related("codes")
    )


def open_clauses(workshop):
    """What is still open: proposed clauses, and clauses in the code with proposed amendments.

    For carrying the code into the next round: these are the items still to decide.
    """
    amended = Clause.objects.filter(
        workshop=workshop,
        status__in=LIVE_CLAUSES,
        amendments__status=Amendment.Status.PROPOSED,
    )
    return list(
        (
            Clause.objects.filter(workshop=workshop, status=Clause.Status.PROPOSED)
            | Clause.objects.filter(pk__in=amended.values("pk"))
        )
        .distinct()
        .order_by("created_at", "pk")
    )


def latest_version(workshop):
    """The newest version of the code (None while nothing has been accepted)."""
    return ConductVersion.objects.filter(workshop=workshop).order_by("-number").first()


def versions(workshop):
    return list(ConductVersion.objects.filter(workshop=workshop).order_by("number"))


def word_diff(old, new):
    """The change from ``old`` to ``new`` word by word: a list of (op, text), op being "equal",
    "delete" or "insert" (a replacement is a delete then an insert)."""
    # A word keeps the space after it, so the pieces join back into the texts.
    a, b = re.findall(r"\S+\s*", old), re.findall(r"\S+\s*", new)
    pieces = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("equal", "".join(a[a1:a2])))
            continue
        if a2 > a1:
            pieces.append(("delete", "".join(a[a1:a2])))
        if b2 > b1:
            pieces.append(("insert", "".join(b[b1:b2])))
    return pieces


@dataclass
class Support:
    agree: int = 0
    disagree: int = 0
    passed: int = 0
    objections: list = field(default_factory=list)

    @property
    def answered(self):
        return self.agree + self.disagree + self.passed

    @property
    def agree_share(self):
        return round(100 * self.agree / self.answered) if self.answered else 0


def support_of(*, clauses=(), amendments=()):
    """Agree / disagree / pass counts (and objections) per clause id and per amendment id."""
    by_clause = {c.pk: Support() for c in clauses}
    by_amendment = {a.pk: Support() for a in amendments}
    endorsements = Endorsement.objects.filter(clause__in=list(by_clause)) | (
        Endorsement.objects.filter(amendment__in=list(by_amendment))
    )
    for e in endorsements.filter(still_counted()).order_by("pk"):
        support = by_clause[e.clause_id] if e.clause_id else by_amendment[e.amendment_id]
        if e.stance == Endorsement.Stance.AGREE:
            support.agree += 1
        elif e.stance == Endorsement.Stance.DISAGREE:
            support.disagree += 1
            support.objections.append(e.objection)
        else:
            support.passed += 1
    return by_clause, by_amendment


# Versions: comparing and rebuilding --------------------------------------------------------------


def compare_versions(older, newer):
    """Two versions side by side: each clause of either, as kept, amended, added or dropped
    (merged into another counts as dropped), with the reasons recorded in between.

    Returns a list of dicts {"what", "clause", "old", "new", "diff", "reasons"} in the newer
    version's order, then what was dropped.
    """
    if older.number > newer.number:
        older, newer = newer, older
    old = {entry["clause"]: entry for entry in older.clauses}
    new = {entry["clause"]: entry for entry in newer.clauses}
    reasons = {}
    between = ConductVersion.objects.filter(
        workshop_id=newer.workshop_id, number__gt=older.number, number__lte=newer.number
    ).order_by("number")
    for version in between:
        for change in version.changes:
            if change.get("reason"):
                reasons.setdefault(change["clause"], []).append(change["reason"])
    rows = []
    for entry in newer.clauses:
        before = old.get(entry["clause"])
        if before is None:
            what = "added"
        elif before["text"] != entry["text"]:
            what = "amended"
        else:
            what = "kept"
        rows.append(
            {
                "what": what,
                "clause": entry["clause"],
                "old": before,
                "new": entry,
                "diff": word_diff(before["text"], entry["text"]) if what == "amended" else None,
                "reasons": reasons.get(entry["clause"], []) if what != "kept" else [],
            }
        )
    for entry in older.clauses:
        if entry["clause"] not in new:
            rows.append(
                {
                    "what": "dropped",
                    "clause": entry["clause"],
                    "old": entry,
                    "new": None,
                    "diff": None,
                    "reasons": reasons.get(entry["clause"], []),
                }
            )
    return rows


VERSION_EVENTS = (
    "conduct.clause_accepted",
    "conduct.clause_dropped",
    "conduct.clause_merged",
    "conduct.clause_moved",
    "conduct.amendment_accepted",
    "conduct.version_frozen",
)
# Events that say a clause's wording (an amendment's proposal names a wording not yet taken).
TEXT_EVENTS = {"conduct.clause_proposed", "conduct.amendment_accepted", *VERSION_EVENTS}


def versions_from_events(workshop):
    """Every version of the code rebuilt from the event log alone: {number: document}.

    Version-making events carry the new order of clause ids and the changed clause's wording;
    wordings of clauses amended before they were accepted come from their amendment events.
    """
    texts = {}
    rebuilt = {}
    events = Event.objects.filter(workshop=workshop, kind__startswith="conduct.").order_by(
        "created_at", "pk"
    )
    for event in events:
        p = event.payload
        if event.kind in TEXT_EVENTS and "clause" in p and "text" in p:
            entry = texts.setdefault(p["clause"], {})
            entry["text"] = p["text"]
            if "rationale" in p:
                entry["rationale"] = p["rationale"]
        if event.kind in VERSION_EVENTS and "version" in p:
            rebuilt[p["version"]] = [
                {
                    "clause": pk,
                    "text": texts[pk]["text"],
                    "rationale": texts[pk].get("rationale", ""),
                }
                for pk in p["order"]
            ]
    return rebuilt


def contributors(version):
    """Pseudonyms of those whose proposals and accepted amendments make up ``version``."""
    ids = [entry["clause"] for entry in version.clauses]
    clauses = Clause.objects.filter(pk__in=ids).select_related("proposed_by")
    people = {c.proposed_by for c in clauses if c.proposed_by}
    amendments = Amendment.objects.filter(
        clause__in=ids, status=Amendment.Status.ACCEPTED, created_at__lte=version.created_at
    ).select_related("proposed_by")
    people |= {a.proposed_by for a in amendments if a.proposed_by}
    endorsers = {
        e.participant
        for e in Endorsement.objects.filter(clause__in=ids).select_related("participant")
    }
    return {
        "authors": sorted(p.pseudonym for p in people),
        "endorsers": sorted(p.pseudonym for p in endorsers - people),
        "by_clause": {
            c.pk: (c.proposed_by.pseudonym if c.proposed_by else _("the facilitator"))
            for c in clauses
        },
    }


def version_as_markdown(workshop, version):
    """The version as a Markdown document, contributors as pseudonyms."""
    people = contributors(version)
    title = _("Code of conduct")
    lines = [f"# {_escape_md(title)}: {_escape_md(workshop.title)}", ""]
    lines.append(
        "_"
        + _escape_md(
            _("Version %(number)d%(name)s")
            % {"number": version.number, "name": f" · {version.name}" if version.name else ""}
        )
        + "_"
    )
    lines.append("")
    for number, entry in enumerate(version.clauses, start=1):
        lines.append(f"{number}. {_escape_md(entry['text'])}")
        if entry.get("rationale"):
            lines.append(f"   *{_escape_md(_('Why'))}:* {_escape_md(entry['rationale'])}")
        if entry.get("codes"):
            lines.append(f"   *{_escape_md(_('Codes'))}:* {_escape_md(', '.join(entry['codes']))}")
        lines.append(
            f"   *{_escape_md(_('Proposed by'))}:* "
            f"{_escape_md(people['by_clause'].get(entry['clause'], '—'))}"
        )
    if not version.clauses:
        lines.append(_escape_md(_("The code has no clauses yet.")))
    lines += ["", f"## {_escape_md(_('Contributors'))}", ""]
    lines.append(
        f"{_escape_md(_('Proposed and amended by'))}: {', '.join(people['authors']) or '—'}"
    )
    lines.append(f"{_escape_md(_('Also endorsed by'))}: {', '.join(people['endorsers']) or '—'}")
    return "\n".join(lines) + "\n"


def _escape_md(text):
    return re.sub(r"([\\`*_{}\[\]<>()#+\-!|~])", r"\\\1", str(text))
