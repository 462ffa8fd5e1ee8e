import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitation.deliberation.annotations import annotate, placed_annotations
from facilitation.deliberation.models import Statement
from facilitation.deliberation.services import answered_count, cast_vote, tally
from facilitation.workshops import services
from facilitation.workshops.models import Event, Step, Workshop
from facilitation.workshops.participants import (
    archive_workshop,
    configure_participation,
    describe_participant,
    give_consent,
    parse_attributes,
    should_ask_attributes,
    unarchive_workshop,
    withdraw,
)
from facilitation.workshops.services import ActionRefused


def configure(workshop, facilitator, *, attributes="", consent="", on_withdrawal="remove"):
    return configure_participation(
        workshop,
        attributes=attributes,
        consent_text=consent,
        on_withdrawal=on_withdrawal,
        by=facilitator,
    )


class TestAttributes:
    def test_lines_become_questions_with_or_without_choices(self):
        assert parse_attributes("Municipality\nRole: Communicator, Manager , Other\n\n") == [
            {"key": "municipality", "label": "Municipality"},
            {"key": "role", "label": "Role", "choices": ["Communicator", "Manager", "Other"]},
        ]

    @pytest.mark.parametrize(
        "text, problem",
        [
            ("\n".join(f"Q{i}" for i in range(11)), "at most 10 questions"),
            ("x" * 81, "at most 80 characters"),
            ("Role: " + ", ".join(f"c{i}" for i in range(21)), "at most 20 choices"),
            ("Role: a, a", "same choice twice"),
            ("Role\nrole", "same question again"),
            ("!!!", "letters or digits"),
        ],
    )
    def test_bad_lines_are_refused_with_what_is_wrong(self, text, problem):
        with pytest.raises(ActionRefused, match=problem):
            parse_attributes(text)

    @settings(max_examples=60, deadline=None)
    @given(st.text(max_size=400))
    def test_any_text_is_read_or_refused_never_crashes(self, text):
        try:
            attributes = parse_attributes(text)
        except ActionRefused:
            return
        assert len(attributes) <= 10
        assert all(a["key"] and len(a["label"]) <= 80 for a in attributes)

    def test_they_are_asked_once_and_only_configured_answers_are_kept(
        self, workshop, facilitator, participant
    ):
        configure(workshop, facilitator, attributes="Municipality\nRole: Communicator, Manager")
        participant.refresh_from_db()
        assert should_ask_attributes(participant)
        describe_participant(participant, {"municipality": " Umeå ", "role": "Manager", "x": "y"})
        assert participant.attributes == {"municipality": "Umeå", "role": "Manager"}
        assert not should_ask_attributes(participant)
        assert Event.objects.filter(kind="participant.described", participant=participant)

    def test_a_choice_not_offered_and_an_overlong_answer_are_refused(
        self, workshop, facilitator, participant
    ):
        configure(workshop, facilitator, attributes="Municipality\nRole: Communicator, Manager")
        participant.refresh_from_db()
        with pytest.raises(ActionRefused, match="choose one of the choices"):
            describe_participant(participant, {"role": "Boss"})
        with pytest.raises(ActionRefused, match="at most 100 characters"):
            describe_participant(participant, {"municipality": "x" * 101})
        participant.refresh_from_db()
        assert participant.attributes == {} and should_ask_attributes(participant)

    def test_answering_nothing_declines_and_is_not_asked_again(
        self, workshop, facilitator, participant
    ):
        configure(workshop, facilitator, attributes="Municipality")
        participant.refresh_from_db()
        describe_participant(participant, {})
        assert not should_ask_attributes(participant)
        assert Event.objects.filter(kind="participant.declined_to_describe").count() == 1


def test_any_answers_are_kept_within_bounds_or_refused(workshop):
    from facilitation.workshops.participants import clean_attribute_answers

    workshop.participant_attributes = parse_attributes("Municipality\nRole: A, B")

    @settings(max_examples=80, deadline=None)
    @given(st.dictionaries(st.sampled_from(["municipality", "role", "x"]), st.text(max_size=150)))
    def check(answers):
        try:
            cleaned = clean_attribute_answers(workshop, answers)
        except ActionRefused:
            return
        assert set(cleaned) <= {"municipality", "role"}
        assert all(0 < len(v) <= 100 for v in cleaned.values())
        assert cleaned.get("role", "A") in {"A", "B"}

    check()


class TestConsent:
    def test_without_consent_nobody_can_answer(
        self, workshop, facilitator, dilemma_round, dilemma, participant
    ):
        configure(workshop, facilitator, consent="We keep your answers for research.")
        participant.refresh_from_db()
        with pytest.raises(ActionRefused, match="consent"):
            cast_vote(dilemma, participant, dilemma.options.first().pk)
        give_consent(participant, round=dilemma_round)
        cast_vote(dilemma, participant, dilemma.options.first().pk)
        event = Event.objects.get(kind="participant.consented")
        assert event.payload["consent_text"] == "We keep your answers for research."

    def test_an_overlong_consent_text_is_refused(self, workshop, facilitator):
        with pytest.raises(ActionRefused, match="at most 5000"):
            configure(workshop, facilitator, consent="x" * 5001)
        workshop.refresh_from_db()
        assert workshop.consent_text == ""


class TestWithdrawal:
    def test_their_votes_leave_the_tally_and_the_count(
        self, dilemma_round, dilemma, participant, other_participant
    ):
        cast_vote(dilemma, participant, dilemma.options.first().pk)
        cast_vote(dilemma, other_participant, dilemma.options.last().pk)
        withdraw(participant, round=dilemma_round)
        results = tally(dilemma)
        assert results.total == 1 and answered_count(dilemma) == 1
        assert [r.votes for r in results.options if r.votes] == [1]
        assert results.options[-1].votes == 1
        event = Event.objects.get(kind="participant.withdrew")
        assert event.participant == participant and event.payload["on_withdrawal"] == "remove"

    def test_anonymising_keeps_their_votes_in_the_tally(
        self, workshop, facilitator, dilemma_round, dilemma, participant
    ):
        configure(workshop, facilitator, on_withdrawal=Workshop.Withdrawal.ANONYMISE)
        cast_vote(dilemma, participant, dilemma.options.first().pk)
        withdraw(participant)
        assert tally(dilemma).total == 1

    def test_their_notes_leave_the_wall_and_their_statements_the_list(
        self, live_round, facilitator, participant, other_participant
    ):
        finding = live_round.steps.filter(kind=Step.Kind.FINDING).first()
        services.go_to_step(live_round, finding, by=facilitator)
        annotate(finding, participant, start=0, end=10, note="mine")
        annotate(finding, other_participant, start=0, end=10, note="theirs")
        statements = live_round.steps.filter(kind=Step.Kind.STATEMENTS).first()
        Statement.objects.create(step=statements, text="Mine", submitted_by=participant)
        withdraw(participant)
        assert [p.annotation.note for p in placed_annotations(finding)] == ["theirs"]
        listed = [r.statement.text for r in tally(statements).statements]
        assert "Mine" not in listed

    def test_they_can_no_longer_answer_nor_come_back_with_their_code(
        self, dilemma_round, dilemma, participant
    ):
        withdraw(participant)
        with pytest.raises(ActionRefused, match="withdrawn"):
            cast_vote(dilemma, participant, dilemma.options.first().pk)
        with pytest.raises(ActionRefused, match="withdrawn"):
            services.find_participant_by_rejoin_code(dilemma_round, participant.rejoin_code)
        with pytest.raises(ActionRefused, match="already withdrawn"):
            withdraw(participant)

    def test_the_same_browser_joins_again_as_someone_new(self, live_round, participant):
        withdraw(participant)
        again = services.join_round(live_round, participant=participant)
        assert again != participant and again.withdrawn_at is None


class TestArchive:
    def test_archiving_and_unarchiving_are_recorded(self, workshop, facilitator):
        archive_workshop(workshop, by=facilitator)
        assert workshop.archived_at is not None
        unarchive_workshop(workshop, by=facilitator)
        assert workshop.archived_at is None
        kinds = list(workshop.events.values_list("kind", flat=True))
        assert kinds[-2:] == ["workshop.archived", "workshop.unarchived"]
