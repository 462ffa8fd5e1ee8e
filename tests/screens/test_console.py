import pytest

from facilitation.deliberation.services import cast_vote
from facilitation.workshops.models import Round


def action_url(round, action):
    return f"/console/rounds/{round.pk}/{action}/"


class TestAccess:
    def test_the_console_needs_a_login(self, client, draft_round):
        response = client.get(f"/console/rounds/{draft_round.pk}/")
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")

    def test_another_facilitator_sees_nothing_and_changes_nothing(
        self, client, stranger, draft_round
    ):
        client.force_login(stranger)
        assert client.get(f"/console/rounds/{draft_round.pk}/").status_code == 404
        assert client.post(action_url(draft_round, "start")).status_code == 404
        draft_round.refresh_from_db()
        assert draft_round.status == Round.Status.DRAFT

    def test_a_participant_cannot_drive_the_round(self, phone, live_round):
        response = phone.post(action_url(live_round, "next"))
        assert response.status_code == 302
        live_round.refresh_from_db()
        assert live_round.current_step is None

    def test_the_home_lists_only_my_workshops(self, console, workshop, stranger):
        from facilitation.workshops.models import Workshop

        Workshop.objects.create(title="Not mine").facilitators.add(stranger)
        page = console.get("/console/").content.decode()
        assert workshop.title in page
        assert "Not mine" not in page


class TestDrivingARound:
    def test_start_next_and_jump(self, console, draft_round):
        response = console.post(action_url(draft_round, "start"), HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert 'id="stage"' in response.content.decode()
        console.post(action_url(draft_round, "next"), HTTP_HX_REQUEST="true")
        draft_round.refresh_from_db()
        assert draft_round.status == Round.Status.LIVE
        assert draft_round.current_step.position == 1
        last = draft_round.ordered_steps().last()
        console.post(
            f"/console/rounds/{draft_round.pk}/go/", {"step": last.pk}, HTTP_HX_REQUEST="true"
        )
        draft_round.refresh_from_db()
        assert draft_round.current_step == last
        console.post(
            f"/console/rounds/{draft_round.pk}/go/", {"step": "lobby"}, HTTP_HX_REQUEST="true"
        )
        draft_round.refresh_from_db()
        assert draft_round.current_step is None

    def test_a_refused_action_says_why(self, console, draft_round):
        response = console.post(action_url(draft_round, "pause"), HTTP_HX_REQUEST="true")
        assert response.status_code == 409
        assert "cannot be done now" in response.content.decode()

    def test_without_htmx_the_console_redirects_with_a_message(self, console, draft_round):
        response = console.post(action_url(draft_round, "pause"), follow=True)
        assert "cannot be done now" in response.content.decode()

    @pytest.mark.parametrize("target", ["999999", "abc", ""])
    def test_jumping_to_an_unknown_step_is_refused(self, console, live_round, target):
        response = console.post(
            f"/console/rounds/{live_round.pk}/go/", {"step": target}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 400
        assert "not on this agenda" in response.content.decode()

    def test_an_unknown_action_is_not_found(self, console, live_round):
        assert console.post(action_url(live_round, "explode")).status_code == 404

    def test_lock_and_reveal_from_the_console(self, console, dilemma_round, dilemma):
        base = f"/console/rounds/{dilemma_round.pk}/steps/{dilemma.pk}"
        console.post(f"{base}/lock/", HTTP_HX_REQUEST="true")
        response = console.post(f"{base}/reveal/", HTTP_HX_REQUEST="true")
        dilemma.refresh_from_db()
        assert dilemma.voting_locked and dilemma.results_revealed
        assert "Reopen voting" in response.content.decode()

    def test_the_console_counts_answers(
        self, console, dilemma_round, dilemma, participant, other_participant
    ):
        cast_vote(dilemma, participant, dilemma.options.first().pk)
        page = console.get(f"/console/rounds/{dilemma_round.pk}/").content.decode()
        assert "1 of 2 has answered" in page
        assert "hidden from the room" in page

    def test_a_closed_round_offers_no_controls(self, console, live_round):
        console.post(action_url(live_round, "close"), HTTP_HX_REQUEST="true")
        page = console.get(f"/console/rounds/{live_round.pk}/").content.decode()
        assert "Next →" not in page
        assert "Closed" in page


class TestLogin:
    # The lockout in detail (by name and address together, known devices, the admin, unlocking)
    # is in test_logins.py.
    def test_repeated_failed_logins_are_throttled(self, client, facilitator):
        for _attempt in range(5):
            client.post("/accounts/login/", {"username": "facilitator", "password": "wrong"})
        response = client.post(
            "/accounts/login/", {"username": "facilitator", "password": "a long pass phrase"}
        )
        assert response.status_code == 429
        assert "Too many failed attempts" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_a_good_login_works(self, client, facilitator):
        response = client.post(
            "/accounts/login/", {"username": "facilitator", "password": "a long pass phrase"}
        )
        assert response.status_code == 302
        assert response.url == "/console/"


def test_the_console_names_the_value_logics_of_each_option(console, dilemma_round, dilemma):
    page = console.get(f"/console/rounds/{dilemma_round.pk}/").content.decode()
    for option in dilemma.options.all():
        if option.honours:
            assert f"Honours: {', '.join(map(str, option.honoured_logics()))}" in page
        if option.strains:
            assert f"Strains: {', '.join(map(str, option.strained_logics()))}" in page
