"""What the screens show of the code of conduct: the document with its support, the proposals
and amendments with their diffs, and, per phone, its own stances.

Phones differ only by their own stances, so a push renders once per distinct set of stances.
"""

from facilitation.deliberation import conduct
from facilitation.deliberation.agreement import agreement
from facilitation.deliberation.models import Amendment, Annotation, Endorsement
from facilitation.workshops.models import Step

from .audiences import FACILITATOR, PARTICIPANT

# How many of the round's notes the "what made you think of it" menu offers.
MOTIVATING_NOTES = 30


def own_stances(workshop, participant_ids):
    """{participant id: {("clause" | "amendment", id): stance}} for the listed participants."""
    stances = {pk: {} for pk in participant_ids}
    rows = Endorsement.objects.filter(
        participant_id__in=participant_ids, participant__workshop=workshop
    ).values_list("participant_id", "clause_id", "amendment_id", "stance")
    for participant_id, clause_id, amendment_id, stance in rows:
        key = ("clause", clause_id) if clause_id else ("amendment", amendment_id)
        stances[participant_id][key] = stance
    return stances


def stances_key(stances):
    return tuple(sorted(stances.items()))


def with_stances(context, stances):
    """The same context with another phone's own stances marked (nothing is queried again)."""

    def mark(item):
        return {
            **item,
            "mine": stances.get(("clause", item["clause"].pk), ""),
            "amendments": [
                {**entry, "mine": stances.get(("amendment", entry["amendment"].pk), "")}
                for entry in item["amendments"]
            ],
        }

    return {
        **context,
        "clause_items": [mark(item) for item in context["clause_items"]],
        "proposal_items": [mark(item) for item in context["proposal_items"]],
    }


def conduct_context(round, audience, stances=None):
    """The code of conduct as ``audience`` sees it from ``round`` (``stances``: a phone's own)."""
    workshop = round.workshop
    stances = stances or {}
    accepted = conduct.current_clauses(workshop)
    proposed = conduct.proposed_clauses(workshop)
    amendments = list(
        Amendment.objects.filter(
            clause__in=accepted + proposed, status=Amendment.Status.PROPOSED
        ).order_by("created_at", "pk")
    )
    clause_support, amendment_support = conduct.support_of(
        clauses=accepted + proposed, amendments=amendments
    )
    room = agreement(round, accepted + proposed)
    by_clause = {}
    for amendment in amendments:
        by_clause.setdefault(amendment.clause_id, []).append(amendment)

    def item(clause):
        found = room["by_clause"].get(clause.pk, {})
        return {
            "clause": clause,
            "support": clause_support[clause.pk],
            "across": found.get("across", False),
            "groups": found.get("groups", []),
            "mine": stances.get(("clause", clause.pk), ""),
            "amendments": [
                {
                    "amendment": a,
                    "diff": conduct.word_diff(clause.text, a.text),
                    "stale": a.base_revision != clause.revision,
                    "support": amendment_support[a.pk],
                    "mine": stances.get(("amendment", a.pk), ""),
                }
                for a in by_clause.get(clause.pk, [])
            ],
        }

    code = conduct.conduct_of(workshop)
    context = {
        "code": code,
        "clause_items": [item(c) for c in accepted],
        "proposal_items": [item(c) for c in proposed],
        "mergeable_clauses": len(accepted) + len(proposed),
        "room_groups": room["groups"],
        "version": conduct.latest_version(workshop),
        "clause_max": conduct.CLAUSE_MAX_LENGTH,
        "rationale_max": conduct.RATIONALE_MAX_LENGTH,
        "objection_max": conduct.OBJECTION_MAX_LENGTH,
    }
    step = round.current_step
    context["conduct_open"] = round.status == "live" and (
        code.open_any_time
        or (step is not None and step.kind in conduct.PROPOSING_KINDS and not step.voting_locked)
    )
    if audience in {PARTICIPANT, FACILITATOR}:
        context["codebook"] = list(workshop.codes.all())
        context["motivations"] = list(
            round.steps.filter(kind__in=[Step.Kind.DILEMMA, Step.Kind.FINDING]).order_by("position")
        )
        # Notes the room can see anyway (on the wall, without names), newest first.
        context["motivating_notes"] = list(
            Annotation.objects.filter(
                step__round=round, status=Annotation.Status.VISIBLE, merged_into=None
            )
            .select_related("step")
            .order_by("-created_at", "-pk")[:MOTIVATING_NOTES]
        )
    return context


def conduct_screen(round, step, audience, viewer):
    """The conduct step's stage (the kind registry's entry for it)."""
    return conduct_context(round, audience, viewer.stances)
