import pytest

from facilitation.workshops import services
from facilitation.workshops.models import Attendance, Event, Participant, Round


class TestFindRoundToJoin:
    def test_it_finds_a_live_round_whatever_the_case_and_spacing(self, live_round):
        typed = " " + live_round.join_code.lower()[:3] + "-" + live_round.join_code.lower()[3:]
        assert services.find_round_to_join(typed) == live_round

    def test_it_refuses_an_unknown_code(self, live_round):
        with pytest.raises(services.ActionRefused, match="no workshop with the code") as refused:
            services.find_round_to_join("NOPE99")
        assert refused.value.status == 404

    def test_it_refuses_an_empty_code(self, live_round):
        with pytest.raises(services.ActionRefused):
            services.find_round_to_join("  - ")

    def test_it_refuses_a_round_that_has_not_started(self, draft_round):
        with pytest.raises(services.ActionRefused, match="not started"):
            services.find_round_to_join(draft_round.join_code)

    def test_it_refuses_a_closed_round(self, live_round, facilitator):
        services.close_round(live_round, by=facilitator)
        with pytest.raises(services.ActionRefused, match="ended"):
            services.find_round_to_join(live_round.join_code)


class TestJoinRound:
    def test_it_creates_a_pseudonymous_participant_with_a_rejoin_code(self, live_round):
        participant = services.join_round(live_round, display_name="  Anna   Berg ")
        assert participant.display_name == "Anna Berg"
        assert participant.pseudonym == "P01"
        assert len(participant.rejoin_code) == 8
        assert Attendance.objects.filter(round=live_round, participant=participant).exists()
        assert Event.objects.filter(kind="participant.joined", participant=participant).count() == 1

    def test_numbers_count_up_within_a_workshop(self, live_round):
        first = services.join_round(live_round)
        second = services.join_round(live_round)
        assert (first.pseudonym, second.pseudonym) == ("P01", "P02")
        assert first.rejoin_code != second.rejoin_code
        assert first.token != second.token

    def test_joining_again_as_the_same_participant_adds_nothing(self, live_round, participant):
        again = services.join_round(live_round, participant=participant)
        assert again == participant
        assert Participant.objects.count() == 1
        assert Attendance.objects.count() == 1
        assert Event.objects.filter(kind="participant.joined").count() == 1

    def test_a_participant_of_another_workshop_joins_as_someone_new(self, live_round, facilitator):
        from facilitation.workshops.models import Workshop

        elsewhere = Workshop.objects.create(title="Elsewhere")
        other_round = services.create_round(elsewhere, title="R")
        services.start_round(other_round, by=facilitator)
        outsider = services.join_round(other_round)
        joined = services.join_round(live_round, participant=outsider)
        assert joined != outsider
        assert joined.workshop == live_round.workshop

    def test_an_overlong_display_name_is_refused_and_nothing_is_stored(self, live_round):
        with pytest.raises(services.ActionRefused, match="at most 40 characters"):
            services.join_round(live_round, display_name="x" * 41)
        assert not Participant.objects.exists()

    def test_no_name_means_anonymous(self, live_round):
        assert services.join_round(live_round, display_name="").display_name == ""

    @pytest.mark.parametrize("blank", ["   \n ", "\u200b\u200b", "\x00 \t"])
    def test_a_name_that_is_empty_after_trimming_is_refused(self, live_round, blank):
        with pytest.raises(services.ActionRefused, match="at least one visible character"):
            services.join_round(live_round, display_name=blank)
        assert not Participant.objects.exists()

    def test_invisible_characters_are_dropped_from_a_name(self, live_round):
        joined = services.join_round(live_round, display_name="An\u200bna\u202e")
        assert joined.display_name == "Anna"

    @pytest.mark.parametrize("status", [Round.Status.DRAFT, Round.Status.CLOSED])
    def test_a_round_that_is_not_open_cannot_be_joined(self, draft_round, status):
        draft_round.status = status
        draft_round.save()
        with pytest.raises(services.ActionRefused):
            services.join_round(draft_round)
        assert not Participant.objects.exists()

    def test_a_paused_round_can_still_be_joined(self, live_round, facilitator):
        services.pause_round(live_round, by=facilitator)
        live_round.refresh_from_db()
        assert services.join_round(live_round).pk


class TestRejoinCode:
    def test_it_finds_the_participant_however_the_code_is_typed(self, live_round, participant):
        typed = participant.formatted_rejoin_code.lower()
        assert services.find_participant_by_rejoin_code(live_round, typed) == participant

    def test_a_wrong_code_is_refused(self, live_round, participant):
        with pytest.raises(services.ActionRefused, match="not known"):
            services.find_participant_by_rejoin_code(live_round, "AAAA-AAAA")

    def test_a_code_from_another_workshop_is_refused(self, live_round, facilitator):
        from facilitation.workshops.models import Workshop

        elsewhere = Workshop.objects.create(title="Elsewhere")
        other_round = services.start_round(
            services.create_round(elsewhere, title="R"), by=facilitator
        )
        outsider = services.join_round(other_round)
        with pytest.raises(services.ActionRefused):
            services.find_participant_by_rejoin_code(live_round, outsider.rejoin_code)
