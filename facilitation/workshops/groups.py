"""Breakout groups: splitting a round's room into groups, moving people, placing late arrivals.

Groups belong to a round and hold the people attending it; a discussion step gives each group its
own list of notes. Each function does its change in one transaction with an event and pushes
"groups" to the round's screens after commit.
"""

import math
import random
import re
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from facilitation.live.push import notify_round

from .models import Attendance, BreakoutGroup, GroupMembership, Participant, Round
from .services import ActionRefused, record_event, visible_line

MAX_GROUPS = 50
RANDOM, BALANCED = "random", "balanced"
METHODS = (RANDOM, BALANCED)


def label_of(participant):
    """How screens name a person in a group: their display name, else their pseudonym."""
    return participant.display_name or participant.pseudonym


def present_participants(round):
    """The people attending the round who have not withdrawn, in pseudonym order."""
    return list(
        Participant.objects.filter(attendances__round=round, withdrawn_at=None).order_by("number")
    )


def present_count(round):
    """How many of ``present_participants`` there are, counted by the database."""
    return _present(round).count()


def _present(round):
    # A semi-join of the workshop's people, not a join through attendances: just after a hall
    # joined, PostgreSQL's statistics still say the tables are nearly empty, and the join then
    # compared every attendance with every person (200 ms for 2,000; this: a few).
    attending = Attendance.objects.filter(round=round, participant=OuterRef("pk"))
    return Participant.objects.filter(
        Exists(attending), workshop_id=round.workshop_id, withdrawn_at=None
    )


def random_split(participants, count, *, rng=random):
    """``count`` groups as even as possible (sizes differ by at most one), drawn at random."""
    shuffled = list(participants)
    rng.shuffle(shuffled)
    return [shuffled[number::count] for number in range(count)]


def balanced_split(participants, count, attribute):
    """``count`` groups that mix the values of ``attribute`` (e.g. municipalities).

    Deals people out round-robin in the order of their value, so each value spreads over as
    many groups as it can; people without a value come last. Ties go by pseudonym, so the same
    room gives the same split.
    """

    def value(participant):
        answer = (participant.attributes or {}).get(attribute)
        answer = "" if answer is None else str(answer).strip().casefold()
        return (answer == "", answer, participant.number)

    ordered = sorted(participants, key=value)
    return [ordered[number::count] for number in range(count)]


def attribute_keys(workshop):
    """The participant attributes a workshop asks for, as (key, label) pairs."""
    keys = []
    for attribute in workshop.participant_attributes or []:
        if isinstance(attribute, dict) and attribute.get("key"):
            keys.append((str(attribute["key"]), str(attribute.get("label") or attribute["key"])))
    return keys


def number_of_groups(people, *, count=None, size=None):
    """How many groups the facilitator's choice makes for ``people`` present, or a refusal."""
    if (count is None) == (size is None):
        raise ActionRefused(_("Give either a number of groups or a group size."), status=400)
    if people == 0:
        raise ActionRefused(_("Nobody has joined this round yet, so there is no one to split."))
    if size is not None:
        if size < 2:
            raise ActionRefused(_("A group needs at least 2 people."), status=400)
        count = max(1, math.ceil(people / size))
    if count < 1 or count > MAX_GROUPS:
        raise ActionRefused(
            _("Choose between 1 and %(max)d groups.") % {"max": MAX_GROUPS}, status=400
        )
    if count > people:
        raise ActionRefused(
            _("There are %(people)d people in the room, so at most %(people)d groups.")
            % {"people": people},
            status=400,
        )
    return count


def split_into_groups(round, *, method, count=None, size=None, attribute="", by, rng=random):
    """Split everyone attending ``round`` into groups, replacing any earlier split.

    ``method`` is "random" or "balanced" (by the participant attribute ``attribute``); the
    facilitator gives either ``count`` groups or a group ``size``. Effects: groups 1..n exist
    (earlier groups without notes beyond n are removed, those with notes stay for the record),
    one membership per person, a ``groups.split`` event naming who went where, and a push.
    """
    if method not in METHODS:
        raise ActionRefused(_("Choose how to split: at random or balanced."), status=400)
    if method == BALANCED and attribute not in dict(attribute_keys(round.workshop)):
        raise ActionRefused(
            _("Choose one of this workshop's participant attributes to balance by."), status=400
        )
    with transaction.atomic():
        round = _lock(round)
        people = present_participants(round)
        count = number_of_groups(len(people), count=count, size=size)
        split = (
            balanced_split(people, count, attribute)
            if method == BALANCED
            else random_split(people, count, rng=rng)
        )
        round.group_memberships.all().delete()
        round.groups.filter(number__gt=count).annotate(noted=Count("notes")).filter(
            noted=0
        ).delete()
        groups = [
            BreakoutGroup.objects.get_or_create(round=round, number=number)[0]
            for number in range(1, count + 1)
        ]
        GroupMembership.objects.bulk_create(
            GroupMembership(round=round, group=group, participant=participant)
            for group, members in zip(groups, split, strict=True)
            for participant in members
        )
        record_event(
            "groups.split",
            workshop=round.workshop,
            round=round,
            user=by,
            method=method,
            attribute=attribute if method == BALANCED else "",
            groups={str(g.number): [p.pk for p in m] for g, m in zip(groups, split, strict=True)},
        )
        notify_round(round.pk, "groups", urgent=True)
    return groups


# A pseudonym as the console shows it (P07), or as typed in a hurry (p7, 7).
PSEUDONYM = re.compile(r"[Pp]?\s*0*(\d{1,9})")


def person_named(round, text):
    """The present participant of ``round`` whom ``text`` names: their pseudonym (P07, p7 or 7)
    or, if no pseudonym is typed, their display name (capitals do not count), when one person
    alone has it. Refused with a message saying what to type otherwise."""
    text = visible_line(text)[:200]
    if not text:
        raise ActionRefused(
            _("Type the pseudonym (such as P07) or the name of the person to move."), status=400
        )
    present = _present(round)
    if number := PSEUDONYM.fullmatch(text):
        found = list(present.filter(number=int(number[1])))
    else:
        found = list(present.filter(display_name__iexact=text)[:2])
    if len(found) > 1:
        raise ActionRefused(
            _("More than one person here is called “%(name)s”: type their pseudonym instead.")
            % {"name": text[:60]},
            status=400,
        )
    if not found:
        raise ActionRefused(
            _(
                "Nobody in this round goes by “%(name)s”. Type a pseudonym (such as P07) or a name "
                "as the Groups panel shows it."
            )
            % {"name": text[:60]},
            status=404,
        )
    return found[0]


def move_to_group(round, participant, group, *, by):
    """Put ``participant`` in ``group`` (None: a new group) by hand; their notes stay where
    they were written."""
    with transaction.atomic():
        round = _lock(round)
        if not round.is_attended_by(participant):
            raise ActionRefused(_("That person has not joined this round."), status=404)
        if group is not None and group.round_id != round.pk:
            raise ActionRefused(_("That group belongs to another round."), status=404)
        if group is None:
            if round.groups.count() >= MAX_GROUPS:
                raise ActionRefused(
                    _("A round can have at most %(max)d groups.") % {"max": MAX_GROUPS}
                )
            last = round.groups.order_by("-number").values_list("number", flat=True).first()
            group = BreakoutGroup.objects.create(round=round, number=(last or 0) + 1)
        membership = round.group_memberships.filter(participant=participant).first()
        previous = membership.group.number if membership else None
        if previous == group.number:
            return group
        if membership:
            membership.group = group
            membership.save(update_fields=["group"])
        else:
            GroupMembership.objects.create(round=round, group=group, participant=participant)
        record_event(
            "groups.moved",
            workshop=round.workshop,
            round=round,
            participant=participant,
            user=by,
            group=group.number,
            previous=previous,
        )
        notify_round(round.pk, "groups", urgent=True)
    return group


def dissolve_groups(round, *, by):
    """End the split: nobody is in a group any more (groups with notes stay for the record)."""
    with transaction.atomic():
        round = _lock(round)
        if not round.groups.exists():
            raise ActionRefused(_("There are no groups to end."))
        round.group_memberships.all().delete()
        round.groups.annotate(noted=Count("notes")).filter(noted=0).delete()
        record_event("groups.dissolved", workshop=round.workshop, round=round, user=by)
        notify_round(round.pk, "groups", urgent=True)


def place_late_arrival(round, participant, *, new=False):
    """Put someone who joins after the split in the smallest group (the lowest number on a tie).

    Called by ``join_round`` inside its transaction; does nothing when the round has no groups
    with members, or the person already has a group. ``new``: the person was made just now, so
    has no group yet (a hall joining at once is not looked up first).
    """
    # No lock here: a join already holds the workshop's row, and waiting for the round's too
    # could deadlock with the facilitator. Someone who joins at the very moment of a split may
    # thus stay outside it; the console shows them and places them with ``place_ungrouped``.
    if not new and round.group_memberships.filter(participant=participant).exists():
        return None
    group = _smallest_group(round)
    if group is None:
        return None
    GroupMembership.objects.create(round=round, group=group, participant=participant)
    record_event(
        "groups.placed",
        workshop=round.workshop,
        round=round,
        participant=participant,
        group=group.number,
    )
    notify_round(round.pk, "groups")
    return group


def place_ungrouped(round, *, by):
    """Put everyone present who is in no group in the smallest group, one after another."""
    with transaction.atomic():
        round = _lock(round)
        if _smallest_group(round) is None:
            raise ActionRefused(_("Split the room into groups first."))
        placed = {}
        for participant in ungrouped_participants(round):
            group = _smallest_group(round)
            GroupMembership.objects.create(round=round, group=group, participant=participant)
            placed[str(participant.pk)] = group.number
        if placed:
            record_event(
                "groups.placed", workshop=round.workshop, round=round, user=by, placed=placed
            )
            notify_round(round.pk, "groups", urgent=True)
    return placed


def _smallest_group(round):
    """The group with the fewest people (the lowest number on a tie), among groups in use."""
    groups = round.groups.annotate(size=Count("memberships")).filter(size__gt=0)
    return groups.order_by("size", "number").first()


# Reading -----------------------------------------------------------------------------------------


def group_of(round, participant):
    """The participant's group in this round, or None."""
    membership = (
        GroupMembership.objects.select_related("group")
        .filter(round=round, participant=participant)
        .first()
    )
    return membership.group if membership else None


def groups_of(round, participant_ids):
    """Each participant's group in this round, by participant id (those without one left out)."""
    memberships = GroupMembership.objects.select_related("group").filter(
        round=round, participant_id__in=participant_ids
    )
    return {m.participant_id: m.group for m in memberships}


def groups_with_members(round):
    """The round's groups in order, each with ``members``: its people in pseudonym order.

    Groups left without members (they keep notes from before a new split) are included; screens
    decide whether to show them.
    """
    groups = list(round.groups.all())
    members = defaultdict(list)
    for membership in (
        GroupMembership.objects.filter(round=round)
        .select_related("participant")
        .order_by("participant__number")
    ):
        members[membership.group_id].append(membership.participant)
    for group in groups:
        group.members = members[group.pk]
    return groups


# The console's groups panel names this many people of each group and of those in none, and
# says how many more: it is pushed with every arrival, and a hall's thousands of names are more
# than anyone reads (a move takes any pseudonym, listed or not).
NAMES_SHOWN = 30


def groups_in_brief(round, *, names=NAMES_SHOWN):
    """The round's groups in use, in order, each with ``size``, ``members`` (its first ``names``
    people in pseudonym order) and ``more`` (how many are not in ``members``)."""
    groups = round.groups.annotate(size=Count("memberships")).filter(size__gt=0)
    first = (
        GroupMembership.objects.filter(round=round)
        .annotate(
            place=Window(
                RowNumber(), partition_by=F("group_id"), order_by=F("participant__number").asc()
            )
        )
        .filter(place__lte=names)
        .select_related("participant")
        .order_by("participant__number")
    )
    members = defaultdict(list)
    for membership in first:
        members[membership.group_id].append(membership.participant)
    groups = list(groups.order_by("number"))
    for group in groups:
        group.members = members[group.pk]
        group.more = group.size - len(group.members)
    return groups


def ungrouped_in_brief(round, *, names=NAMES_SHOWN):
    """(how many people attending the round are in no group, the first ``names`` of them)."""
    placed = GroupMembership.objects.filter(round=round, participant=OuterRef("pk"))
    ungrouped = _present(round).filter(~Exists(placed))
    return ungrouped.count(), list(ungrouped.order_by("number")[:names])


def ungrouped_participants(round):
    """People attending the round who are in no group (before a split, or after it ended)."""
    grouped = set(round.group_memberships.values_list("participant_id", flat=True))
    return [p for p in present_participants(round) if p.pk not in grouped]


def _lock(round):
    # Only the round's row, and without blocking rows that merely refer to it (a join adds an
    # attendance to this round while it holds the workshop's row).
    locked = (
        Round.objects.select_for_update(no_key=True, of=("self",))
        .select_related("workshop")
        .get(pk=round.pk)
    )
    if locked.is_closed:
        raise ActionRefused(_("This round is closed; nothing in it can change."))
    return locked
