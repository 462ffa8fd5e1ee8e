"""Where the room agrees: grouping by dilemma answers, and clauses every group supports."""

import pytest

from facilitation.deliberation import conduct
from facilitation.deliberation.agreement import (
    agreement,
    dilemma_answers,
    distance,
    group_participants,
    group_supports,
)
from facilitation.deliberation.services import cast_vote
from facilitation.workshops import services
from facilitation.workshops.models import Step


class TestGrouping:
    def test_two_camps_are_found(self):
        answers = {
            1: {10: "a", 11: "a", 12: "a"},
            2: {10: "a", 11: "a", 12: "b"},
            3: {10: "a", 11: "a", 12: "a"},
            4: {10: "b", 11: "b", 12: "b"},
            5: {10: "b", 11: "b"},
            6: {10: "b", 11: "b", 12: "a"},
        }
        assert group_participants(answers) == [[1, 2, 3], [4, 5, 6]]

    def test_three_camps_are_found_when_they_are_clearly_apart(self):
        answers = {}
        for person, choice in enumerate("aaabbbccc", start=1):
            answers[person] = {10: choice, 11: choice}
        assert group_participants(answers) == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]

    def test_a_room_that_votes_alike_is_one_group(self):
        answers = {person: {10: "a", 11: "b"} for person in range(1, 9)}
        assert group_participants(answers) == [list(range(1, 9))]

    def test_too_few_people_are_not_split(self):
        assert group_participants({1: {10: "a"}, 2: {10: "b"}, 3: {10: "b"}}) == [[1, 2, 3]]
        assert group_participants({}) == []

    def test_a_lone_outlier_does_not_become_a_group_of_one(self):
        answers = {person: {10: "a", 11: "a"} for person in range(1, 6)}
        answers[6] = {10: "b", 11: "b"}
        groups = group_participants(answers)
        assert all(len(group) >= 2 for group in groups)

    def test_distance_counts_only_shared_dilemmas(self):
        assert distance({1: "a", 2: "b"}, {1: "a", 2: "c"}) == 0.5
        assert distance({1: "a"}, {2: "a"}) == 1.0

    @pytest.mark.parametrize(
        ("stances", "supports"),
        [
            ({1: "agree", 2: "agree", 3: "disagree"}, True),
            ({1: "agree", 2: "disagree"}, False),
            ({1: "agree", 2: "pass", 3: "pass"}, False),
            ({1: "agree", 2: "pass"}, True),
            ({}, False),
        ],
    )
    def test_what_counts_as_a_group_supporting(self, stances, supports):
        assert group_supports(stances, [1, 2, 3]) is supports


def test_a_round_with_two_camps_marks_only_the_clause_both_support(
    live_round, facilitator, workshop
):
    """Six people, two camps on the round's dilemmas; a known answer for three clauses."""
    people = [services.join_round(live_round, display_name=f"P{i}") for i in range(6)]
    dilemmas = list(live_round.steps.filter(kind=Step.Kind.DILEMMA).order_by("position"))
    for dilemma in dilemmas:
        services.go_to_step(live_round, dilemma, by=facilitator)
        first, second = list(dilemma.options.all())[:2]
        for index, person in enumerate(people):
            cast_vote(dilemma, person, (first if index < 3 else second).pk)
    services.go_to_step(live_round, live_round.steps.get(kind=Step.Kind.CONDUCT), by=facilitator)
    everyone, camp_a_only, most_but_not_b = conduct.current_clauses(workshop)
    stances = {
        everyone.pk: ["agree"] * 5 + ["pass"],
        camp_a_only.pk: ["agree"] * 3 + ["disagree"] * 3,
        # Four of six agree (67 %), but camp B is mostly against.
        most_but_not_b.pk: ["agree"] * 4 + ["disagree"] * 2,
    }
    clauses = {c.pk: c for c in (everyone, camp_a_only, most_but_not_b)}
    for clause_id, row in stances.items():
        for person, stance in zip(people, row, strict=True):
            objection = "No" if stance == "disagree" else ""
            conduct.endorse(clauses[clause_id], person, stance, objection, round=live_round)

    assert len(dilemma_answers(live_round)) == 6
    result = agreement(live_round, list(clauses.values()))
    assert result["groups"] == [[p.pk for p in people[:3]], [p.pk for p in people[3:]]]
    assert result["by_clause"][everyone.pk] == {"groups": [True, True], "across": True}
    assert result["by_clause"][camp_a_only.pk] == {"groups": [True, False], "across": False}
    assert result["by_clause"][most_but_not_b.pk] == {"groups": [True, False], "across": False}
