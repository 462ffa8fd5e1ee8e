import pytest

from facilitation.deliberation.models import Statement
from facilitation.deliberation.rounds import RERUNNABLE_KINDS, new_round_from, then_and_now
from facilitation.deliberation.services import cast_vote, tally
from facilitation.workshops import services
from facilitation.workshops.models import Event, Round, Step
from facilitation.workshops.participants import withdraw
from facilitation.workshops.services import ActionRefused


def vote(round, step, participant, position, *, by):
    services.go_to_step(round, step, by=by)
    cast_vote(step, participant, step.options.get(position=position).pk)


@pytest.fixture
def may(dilemma_round, dilemma, participant, other_participant, facilitator):
    """The May round: Anna chose the first option, Bo the second, then the round closed."""
    vote(dilemma_round, dilemma, participant, 1, by=facilitator)
    cast_vote(dilemma, other_participant, dilemma.options.get(position=2).pk)
    services.reveal_results(dilemma, by=facilitator)
    return services.close_round(dilemma_round, by=facilitator)


def november_dilemma(november, may_dilemma):
    return november.steps.get(rerun_of=may_dilemma)


class TestNewRoundFrom:
    def test_it_copies_the_whole_agenda_as_a_fresh_draft(self, may, dilemma, facilitator):
        november = new_round_from(may, title="November", by=facilitator)
        assert november.status == Round.Status.DRAFT
        assert november.workshop == may.workshop
        assert november.join_code != may.join_code
        old, new = list(may.ordered_steps()), list(november.ordered_steps())
        assert [(s.kind, s.title, s.body, s.settings) for s in new] == [
            (s.kind, s.title, s.body, s.settings) for s in old
        ]
        copy = november_dilemma(november, dilemma)
        assert not copy.results_revealed and not copy.voting_locked and copy.current_pass == 1
        assert copy.closes_at is None and not copy.responses.exists()
        assert [o.label for o in copy.options.all()] == [o.label for o in dilemma.options.all()]
        assert set(copy.options.all()).isdisjoint(dilemma.options.all())

    def test_choice_steps_are_re_run_by_default_and_others_only_copied(self, may, facilitator):
        november = new_round_from(may, title="November", by=facilitator)
        for step in november.ordered_steps():
            assert (step.rerun_of is not None) == (step.kind in RERUNNABLE_KINDS)

    def test_the_facilitator_chooses_what_to_copy_and_what_to_ask_again(
        self, may, dilemma, facilitator
    ):
        finding = may.steps.filter(kind=Step.Kind.FINDING).first()
        november = new_round_from(
            may,
            title="November",
            step_ids=[finding.pk, dilemma.pk],
            rerun_ids=[],
            by=facilitator,
        )
        steps = list(november.ordered_steps())
        in_order = sorted([finding, dilemma], key=lambda s: s.position)
        assert [s.title for s in steps] == [s.title for s in in_order]
        assert [s.position for s in steps] == [1, 2]
        assert all(s.rerun_of is None for s in steps)

    def test_approved_statements_come_along_and_waiting_ones_do_not(self, may, facilitator):
        step = may.steps.filter(kind=Step.Kind.STATEMENTS).first()
        Statement.objects.create(step=step, text="Waiting", status=Statement.Status.PENDING)
        november = new_round_from(may, title="November", by=facilitator)
        copy = november.steps.get(position=step.position)
        assert list(copy.statements.values_list("text", flat=True)) == list(
            step.statements.filter(status=Statement.Status.APPROVED).values_list("text", flat=True)
        )
        assert not copy.statements.filter(text="Waiting").exists()

    def test_it_records_where_each_step_came_from(self, may, facilitator):
        november = new_round_from(may, title="November", by=facilitator)
        event = Event.objects.get(kind="round.continued", round=november)
        assert event.payload["source"] == may.pk
        copied = {int(new): old for new, old in event.payload["copied_from"].items()}
        assert copied == {
            new.pk: old.pk
            for new, old in zip(november.ordered_steps(), may.ordered_steps(), strict=True)
        }

    @pytest.mark.parametrize("title", ["", "   ", "x" * 201])
    def test_a_bad_title_is_refused_and_nothing_is_created(self, may, facilitator, title):
        rounds = Round.objects.count()
        with pytest.raises(ActionRefused):
            new_round_from(may, title=title, by=facilitator)
        assert Round.objects.count() == rounds

    def test_steps_of_another_round_are_refused(self, may, facilitator):
        other = services.create_round(may.workshop, title="Other", by=facilitator)
        stranger_step = Step.objects.create(round=other, position=1, kind="finding", title="x")
        with pytest.raises(ActionRefused, match="not on that round"):
            new_round_from(may, title="N", step_ids=[stranger_step.pk], by=facilitator)

    def test_only_choice_steps_can_be_asked_again(self, may, facilitator):
        finding = may.steps.filter(kind=Step.Kind.FINDING).first()
        with pytest.raises(ActionRefused, match="asked again"):
            new_round_from(
                may, title="N", step_ids=[finding.pk], rerun_ids=[finding.pk], by=facilitator
            )


class TestThenAndNow:
    @pytest.fixture
    def november(self, may, facilitator):
        return services.start_round(
            new_round_from(may, title="November", by=facilitator), by=facilitator
        )

    def test_it_sets_the_earlier_results_beside_the_new_ones(
        self, november, dilemma, participant, other_participant, facilitator
    ):
        copy = november_dilemma(november, dilemma)
        services.join_round(november, participant=participant)
        services.join_round(november, participant=other_participant)
        vote(november, copy, participant, 2, by=facilitator)  # Anna changed her mind
        cast_vote(copy, other_participant, copy.options.get(position=2).pk)  # Bo did not
        result = then_and_now(copy, tally(copy))
        then = {label: t.votes for label, t, _now in result.rows}
        now = {label: n.votes for label, _then, n in result.rows}
        first, second = (o.label for o in dilemma.options.all()[:2])
        assert then[first] == 1 and then[second] == 1
        assert now[first] == 0 and now[second] == 2
        assert (result.present_in_both, result.changed) == (2, 1)

    def test_newcomers_and_absentees_are_not_counted_as_changed(
        self, november, dilemma, participant, facilitator
    ):
        copy = november_dilemma(november, dilemma)
        newcomer = services.join_round(november, display_name="Cleo")
        vote(november, copy, newcomer, 1, by=facilitator)
        result = then_and_now(copy, tally(copy))
        assert (result.present_in_both, result.changed) == (0, 0)

    def test_someone_who_withdrew_leaves_then_and_now(
        self, november, dilemma, participant, other_participant, facilitator
    ):
        copy = november_dilemma(november, dilemma)
        services.join_round(november, participant=participant)
        vote(november, copy, participant, 2, by=facilitator)
        withdraw(participant)
        result = then_and_now(copy, tally(copy))
        assert sum(t.votes for _l, t, _n in result.rows) == 1  # Bo's vote in May
        assert result.present_in_both == 0

    def test_a_step_that_is_no_re_run_has_none(self, november):
        finding = november.steps.filter(kind=Step.Kind.FINDING).first()
        assert finding.rerun_of is None


class TestWhatComesAlong:
    def test_the_code_of_conduct_comes_along_with_what_is_still_open(self, may, facilitator):
        from facilitation.deliberation.conduct import latest_version, propose_clause

        clause = propose_clause(
            may.workshop, "Vi svarar inom två arbetsdagar.", by_user=facilitator
        )
        november = new_round_from(may, title="November", by=facilitator)
        event = Event.objects.get(kind="conduct.carried_forward", round=november)
        assert event.payload["version"] == latest_version(may.workshop).number > 0
        assert clause.pk in event.payload["open_clauses"]

    def test_a_step_is_copied_without_what_running_it_left(self, may, facilitator):
        discussion = may.steps.get(kind=Step.Kind.DISCUSSION)
        Step.objects.filter(pk=discussion.pk).update(settings={"report_back": True})
        november = new_round_from(may, title="November", by=facilitator)
        assert november.steps.get(kind=Step.Kind.DISCUSSION).settings == {}
