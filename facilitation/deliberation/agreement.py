"""Where the room agrees: clauses supported across the room's differing views.

People are grouped by how they voted on the round's dilemmas; a clause is marked when every
group supports it. The method is chosen to stay honest for 10 to 40 people (see
docs/code-of-conduct.md):

1. Each person who answered at least one dilemma of the round is a list of chosen options.
2. The distance between two people is the share of the dilemmas both answered on which they
   chose differently (1 when they share none).
3. Average-linkage clustering joins the two closest groups until 2 or 3 remain; of the two cuts
   the one whose groups are most clearly apart (mean silhouette) is kept, and only if every
   group has at least two people and the groups are apart at all (silhouette above 0).
   Otherwise the room is one group and nothing is claimed about groups.
4. A group supports a clause when more of its members agree than disagree and at least half of
   those of its members who answered the clause agree.

Everything is deterministic: the same answers always give the same groups.
"""

from itertools import combinations

from facilitation.workshops.models import Step
from facilitation.workshops.participants import still_counted

from .models import Endorsement, Response

MIN_GROUP_SIZE = 2


def dilemma_answers(round):
    """{participant id: {step id: option id}} for the round's dilemmas (the latest pass of each)."""
    answers = {}
    for step in round.steps.filter(kind=Step.Kind.DILEMMA).order_by("position"):
        responses = Response.objects.filter(
            step=step, pass_number=step.current_pass, participant__isnull=False
        )
        for participant_id, option_id in responses.values_list("participant_id", "option_id"):
            answers.setdefault(participant_id, {})[step.pk] = option_id
    return answers


def distance(a, b):
    shared = set(a) & set(b)
    if not shared:
        return 1.0
    return sum(a[key] != b[key] for key in shared) / len(shared)


def _linkage(first, second, d):
    return sum(d[x, y] for x in first for y in second) / (len(first) * len(second))


def _silhouette(groups, d):
    scores = []
    for group in groups:
        for person in group:
            if len(group) == 1:
                scores.append(0.0)
                continue
            own = sum(d[person, other] for other in group if other != person) / (len(group) - 1)
            nearest = min(
                sum(d[person, other] for other in rest) / len(rest)
                for rest in groups
                if rest is not group
            )
            spread = max(own, nearest)
            scores.append((nearest - own) / spread if spread else 0.0)
    return sum(scores) / len(scores)


def group_participants(answers, max_groups=3):
    """The participants (ids) in groups of like-minded voters, as a list of sorted lists.

    One group when the room cannot honestly be split (too few people, groups of one, or no
    structure at all).
    """
    people = sorted(answers)
    if len(people) < 2 * MIN_GROUP_SIZE:
        return [people] if people else []
    d = {}
    for x, y in combinations(people, 2):
        d[x, y] = d[y, x] = distance(answers[x], answers[y])
    for x in people:
        d[x, x] = 0.0
    groups = [[person] for person in people]
    cuts = {}
    while len(groups) > 2:
        best = min(
            combinations(range(len(groups)), 2),
            key=lambda pair: (_linkage(groups[pair[0]], groups[pair[1]], d), pair),
        )
        i, j = best
        merged = sorted(groups[i] + groups[j])
        groups = [g for k, g in enumerate(groups) if k not in {i, j}] + [merged]
        groups.sort()
        if len(groups) <= max_groups:
            cuts[len(groups)] = [list(g) for g in groups]
    if 2 not in cuts:
        cuts[2] = [list(g) for g in groups]
    candidates = []
    for size, cut in sorted(cuts.items()):
        if size < 2 or any(len(g) < MIN_GROUP_SIZE for g in cut):
            continue
        score = _silhouette(cut, d)
        if score > 0:
            candidates.append((score, -size, cut))
    if not candidates:
        return [people]
    return max(candidates)[2]


def group_supports(stances, group):
    """Whether a group supports an item, from {participant id: stance}."""
    answered = [stances[p] for p in group if p in stances]
    agree = answered.count(Endorsement.Stance.AGREE)
    disagree = answered.count(Endorsement.Stance.DISAGREE)
    return bool(answered) and agree > disagree and 2 * agree >= len(answered)


def agreement(round, clauses):
    """The room's groups and, per clause id, which groups support it and whether all do.

    Returns {"groups": [sorted ids], "by_clause": {id: {"groups": [bool, ...], "across": bool}}}.
    "across" is True only when there are at least two groups and every one supports the clause.
    """
    groups = group_participants(dilemma_answers(round))
    stances = {}
    for clause_id, participant_id, stance in Endorsement.objects.filter(
        still_counted(), clause__in=[c.pk for c in clauses]
    ).values_list("clause_id", "participant_id", "stance"):
        stances.setdefault(clause_id, {})[participant_id] = stance
    by_clause = {}
    for clause in clauses:
        support = [group_supports(stances.get(clause.pk, {}), group) for group in groups]
        by_clause[clause.pk] = {
            "groups": support,
            "across": len(groups) >= 2 and all(support),
        }
    return {"groups": groups, "by_clause": by_clause}
