"""Building agendas: adding, editing, moving, duplicating, deleting and restoring steps."""

import pytest

from facilitation.deliberation import authoring
from facilitation.deliberation.models import Option, Response, Statement
from facilitation.deliberation.services import cast_vote, submit_answer
from facilitation.deliberation.step_content import content_of
from facilitation.workshops import services
from facilitation.workshops.models import Event, Step
from facilitation.workshops.services import ActionRefused

DILEMMA = {
    "kind": "dilemma",
    "title": "Comment moderation at night",
    "body": "Who answers **after hours**?",
    "options": [
        {"label": "Nobody", "honours": ["efficiency_service"], "strains": ["engagement"]},
        {"label": "The duty officer", "explanation": "A rota", "honours": ["network_dialogue"]},
        {"label": "An outside agency"},
    ],
}


def titles(round):
    return list(round.ordered_steps().values_list("title", flat=True))


def events(kind):
    return list(Event.objects.filter(kind=kind))


class TestAddingSteps:
    def test_a_step_is_added_at_the_end_with_its_options_and_an_event(
        self, draft_round, facilitator
    ):
        count = draft_round.steps.count()
        step = authoring.add_step(draft_round, DILEMMA, by=facilitator)
        assert step.position == count + 1
        assert list(step.options.values_list("label", flat=True)) == [
            "Nobody",
            "The duty officer",
            "An outside agency",
        ]
        assert step.options.first().honours == ["efficiency_service"]
        [event] = events("step.added")
        assert event.step == step and event.user == facilitator
        assert event.payload["content"] == content_of(step)

    def test_a_step_can_be_added_at_a_position(self, draft_round, facilitator):
        step = authoring.add_step(draft_round, DILEMMA, by=facilitator, position=2)
        assert titles(draft_round)[1] == DILEMMA["title"]
        assert step.position == 2
        positions = list(draft_round.ordered_steps().values_list("position", flat=True))
        assert positions == list(range(1, len(positions) + 1))

    @pytest.mark.parametrize(
        ("change", "complaint"),
        [
            ({"title": ""}, "Title: is empty"),
            ({"title": "x" * 201}, "at most 200"),
            ({"title": "<script>alert(1)</script>"}, "HTML markup"),
            ({"options": DILEMMA["options"][:1]}, "from 2 to 6 options"),
            ({"options": [{"label": "A", "honours": ["fame"]}, {"label": "B"}]}, "fame"),
            (
                {
                    "options": [
                        {"label": "A", "honours": ["reach"], "strains": ["reach"]},
                        {"label": "B"},
                    ]
                },
                "both honour and strain",
            ),
            ({"options": [{"label": "Same"}, {"label": "same"}]}, "same label"),
            ({"kind": "poll"}, "not a kind of step"),
            ({"settings": {"points": 7}}, "unknown settings"),
            ({"hide_results": "yes"}, "true or false"),
        ],
    )
    def test_bad_content_is_refused_with_what_is_wrong_and_nothing_is_stored(
        self, draft_round, facilitator, change, complaint
    ):
        count = Step.objects.count()
        with pytest.raises(authoring.ContentRefused) as refusal:
            authoring.add_step(draft_round, {**DILEMMA, **change}, by=facilitator)
        assert any(complaint in problem for problem in refusal.value.problems), (
            refusal.value.problems
        )
        assert Step.objects.count() == count
        assert not events("step.added")

    def test_a_scale_checks_its_points_and_a_multiple_choice_its_maximum(
        self, draft_round, facilitator
    ):
        with pytest.raises(authoring.ContentRefused, match="from 2 to 11"):
            authoring.add_step(
                draft_round,
                {"kind": "scale", "title": "How sure?", "settings": {"points": 12}},
                by=facilitator,
            )
        with pytest.raises(authoring.ContentRefused, match="at most 3 options"):
            authoring.add_step(
                draft_round,
                {
                    "kind": "multiple_choice",
                    "title": "Channels",
                    "settings": {"max_picks": 3},
                    "options": [{"label": "A"}, {"label": "B"}],
                },
                by=facilitator,
            )

    def test_a_statements_step_cannot_be_anonymous(self, draft_round, facilitator):
        with pytest.raises(authoring.ContentRefused, match="cannot be fully anonymous"):
            authoring.add_step(
                draft_round,
                {"kind": "statements", "title": "S", "anonymous": True, "statements": ["One"]},
                by=facilitator,
            )

    def test_a_closed_round_refuses_changes(self, live_round, facilitator):
        services.close_round(live_round, by=facilitator)
        with pytest.raises(ActionRefused, match="closed"):
            authoring.add_step(live_round, DILEMMA, by=facilitator)


class TestEditingSteps:
    def test_editing_changes_the_step_and_records_what_changed(self, draft_round, facilitator):
        step = authoring.add_step(draft_round, DILEMMA, by=facilitator)
        content = content_of(step)
        content["title"] = "Comments at night"
        options = [
            {"id": o.pk, **c} for o, c in zip(step.options.all(), content["options"], strict=True)
        ]
        options[0]["label"] = "No one"
        authoring.edit_step(step, {**content, "options": options}, by=facilitator)
        step.refresh_from_db()
        assert step.title == "Comments at night"
        assert step.options.first().label == "No one"
        [event] = events("step.edited")
        assert event.payload["changed"] == ["options", "title"]
        assert event.payload["before"]["title"] == DILEMMA["title"]

    def test_a_live_step_keeps_its_answers_when_reworded(
        self, dilemma_round, dilemma, participant, facilitator
    ):
        chosen = dilemma.options.first()
        cast_vote(dilemma, participant, chosen.pk)
        content = content_of(dilemma)
        options = [
            {"id": o.pk, **c}
            for o, c in zip(dilemma.options.all(), content["options"], strict=True)
        ]
        options[0]["label"] = "A clearer wording"
        authoring.edit_step(dilemma, {**content, "options": options}, by=facilitator)
        response = Response.objects.get(step=dilemma)
        assert response.option_id == chosen.pk
        assert Option.objects.get(pk=chosen.pk).label == "A clearer wording"
        assert events("step.edited")[0].payload["answers_kept"] == 1

    def test_an_option_someone_chose_cannot_be_removed(
        self, dilemma_round, dilemma, participant, facilitator
    ):
        chosen, *others = dilemma.options.all()
        cast_vote(dilemma, participant, chosen.pk)
        content = content_of(dilemma)
        kept = [
            {"id": o.pk, **c}
            for o, c in zip(dilemma.options.all(), content["options"], strict=True)
        ][1:]
        with pytest.raises(
            ActionRefused, match="cannot be removed: people have chosen it"
        ) as refusal:
            authoring.edit_step(dilemma, {**content, "options": kept}, by=facilitator)
        assert chosen.label in refusal.value.message
        assert dilemma.options.count() == 1 + len(others)
        # An option nobody chose can go.
        without_last = [
            {"id": o.pk, **c}
            for o, c in zip(dilemma.options.all(), content["options"], strict=True)
        ][:-1]
        authoring.edit_step(dilemma, {**content, "options": without_last}, by=facilitator)
        assert dilemma.options.count() == len(others)
        assert Response.objects.filter(step=dilemma, option=chosen).exists()

    def test_answered_steps_keep_how_their_answers_are_stored(
        self, live_round, participant, facilitator
    ):
        scale = live_round.steps.get(kind=Step.Kind.SCALE)
        services.go_to_step(live_round, scale, by=facilitator)
        submit_answer(scale, participant, {"value": ["3"]})
        content = content_of(scale)
        with pytest.raises(ActionRefused, match="number of points"):
            authoring.edit_step(
                scale, {**content, "settings": {**content["settings"], "points": 5}}, by=facilitator
            )
        with pytest.raises(ActionRefused, match="anonymous"):
            authoring.edit_step(scale, {**content, "anonymous": False}, by=facilitator)
        authoring.edit_step(scale, {**content, "title": "How personal?"}, by=facilitator)
        assert Response.objects.filter(step=scale).count() == 1

    def test_a_ranked_ranking_takes_no_new_items(self, live_round, participant, facilitator):
        ranking = live_round.steps.get(kind=Step.Kind.RANKING)
        services.go_to_step(live_round, ranking, by=facilitator)
        items = list(ranking.options.all())
        submit_answer(
            ranking, participant, {f"rank_{o.pk}": [str(n)] for n, o in enumerate(items, start=1)}
        )
        content = content_of(ranking)
        options = [{"id": o.pk, **c} for o, c in zip(items, content["options"], strict=True)]
        with pytest.raises(ActionRefused, match="no item can be added"):
            authoring.edit_step(
                ranking, {**content, "options": [*options, {"label": "New"}]}, by=facilitator
            )
        with pytest.raises(ActionRefused, match="cannot be removed"):
            authoring.edit_step(ranking, {**content, "options": options[1:]}, by=facilitator)

    def test_an_answered_statement_stays(self, live_round, participant, facilitator):
        step = live_round.steps.get(kind=Step.Kind.STATEMENTS)
        services.go_to_step(live_round, step, by=facilitator)
        first = step.statements.first()
        submit_answer(step, participant, {"statement": [str(first.pk)], "answer": ["agree"]})
        content = content_of(step)
        with pytest.raises(ActionRefused, match="people have answered it"):
            authoring.edit_step(
                step, {**content, "statements": content["statements"][1:]}, by=facilitator
            )
        authoring.edit_step(
            step,
            {**content, "statements": [*content["statements"][:-1], "A new one"]},
            by=facilitator,
        )
        assert Statement.objects.filter(pk=first.pk).exists()
        assert step.statements.filter(text="A new one").exists()

    def test_the_kind_cannot_change(self, draft_round, facilitator):
        step = authoring.add_step(draft_round, DILEMMA, by=facilitator)
        with pytest.raises(ActionRefused, match="kind cannot change"):
            authoring.edit_step(
                step,
                {
                    "kind": "single_choice",
                    "title": "T",
                    "options": [{"label": "A"}, {"label": "B"}],
                },
                by=facilitator,
            )


class TestArrangingTheAgenda:
    def test_moving_up_and_down(self, draft_round, facilitator):
        before = titles(draft_round)
        second = draft_round.ordered_steps()[1]
        authoring.move_step(second, -1, by=facilitator)
        assert titles(draft_round)[:2] == [before[1], before[0]]
        authoring.move_step(second, -1, by=facilitator)  # already first: nothing happens
        assert titles(draft_round)[:2] == [before[1], before[0]]
        authoring.move_step(second, 1, by=facilitator)
        assert titles(draft_round) == before
        assert [e.payload["position"] for e in events("step.moved")] == [1, 2]

    def test_duplicating_puts_a_copy_after_the_step_without_answers(
        self, dilemma_round, dilemma, participant, facilitator
    ):
        cast_vote(dilemma, participant, dilemma.options.first().pk)
        copy = authoring.duplicate_step(dilemma, by=facilitator)
        assert copy.position == dilemma.position + 1
        assert copy.title == f"Copy of {dilemma.title}"
        assert [o.label for o in copy.options.all()] == [o.label for o in dilemma.options.all()]
        assert not Response.objects.filter(step=copy).exists()
        assert events("step.duplicated")[0].payload["source"] == dilemma.pk

    def test_deleting_and_undoing_restores_the_step_where_it_was(self, draft_round, facilitator):
        before = titles(draft_round)
        step = draft_round.steps.get(kind=Step.Kind.STATEMENTS)
        content, position = content_of(step), step.position
        event = authoring.delete_step(step, by=facilitator)
        assert step.title not in titles(draft_round)
        assert [e.pk for e in authoring.deleted_steps(draft_round)] == [event.pk]
        restored = authoring.restore_step(draft_round, event.pk, by=facilitator)
        assert titles(draft_round) == before
        assert restored.position == position
        assert content_of(restored) == content
        assert authoring.deleted_steps(draft_round) == []
        with pytest.raises(ActionRefused, match="already restored"):
            authoring.restore_step(draft_round, event.pk, by=facilitator)

    def test_a_step_with_answers_or_on_screen_is_not_deleted(
        self, dilemma_round, dilemma, participant, facilitator
    ):
        with pytest.raises(ActionRefused, match="on the screens now"):
            authoring.delete_step(dilemma, by=facilitator)
        cast_vote(dilemma, participant, dilemma.options.first().pk)
        services.go_to_step(dilemma_round, None, by=facilitator)
        with pytest.raises(ActionRefused, match="part of the workshop's record"):
            authoring.delete_step(dilemma, by=facilitator)
        assert Step.objects.filter(pk=dilemma.pk).exists()
