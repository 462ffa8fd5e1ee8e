"""Driving the room: blank and join-code buttons, the keys' hooks, the presenter strip."""

from facilitation.deliberation.services import cast_vote
from facilitation.workshops import services


def action_url(round, action):
    return f"/console/rounds/{round.pk}/{action}/"


def projector_page(client, round):
    return client.get(f"/projector/{round.projector_key}/").content.decode()


class TestBlankAndJoinCodeButtons:
    def test_blank_and_back(self, console, dilemma_round):
        response = console.post(action_url(dilemma_round, "blank"), HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert "Show the projector again" in response.content.decode()
        dilemma_round.refresh_from_db()
        assert dilemma_round.projector_blanked
        assert 'class="blank-screen"' in projector_page(console, dilemma_round)
        console.post(action_url(dilemma_round, "unblank"), HTTP_HX_REQUEST="true")
        dilemma_round.refresh_from_db()
        assert not dilemma_round.projector_blanked
        assert 'class="blank-screen"' not in projector_page(console, dilemma_round)

    def test_show_and_hide_the_join_code(self, console, dilemma_round):
        response = console.post(action_url(dilemma_round, "show-join"), HTTP_HX_REQUEST="true")
        assert "Hide the join code" in response.content.decode()
        assert 'class="join-overlay"' in projector_page(console, dilemma_round)
        console.post(action_url(dilemma_round, "hide-join"), HTTP_HX_REQUEST="true")
        dilemma_round.refresh_from_db()
        assert not dilemma_round.join_overlay_shown

    def test_a_closed_round_refuses_with_a_message(self, console, live_round, facilitator):
        services.close_round(live_round, by=facilitator)
        response = console.post(action_url(live_round, "blank"), HTTP_HX_REQUEST="true")
        assert response.status_code == 409
        assert "This round is closed" in response.content.decode()

    def test_nobody_else_can_blank_the_projector(self, client, phone, stranger, dilemma_round):
        assert phone.post(action_url(dilemma_round, "blank")).status_code == 302
        client.force_login(stranger)
        assert client.post(action_url(dilemma_round, "blank")).status_code == 404
        dilemma_round.refresh_from_db()
        assert not dilemma_round.projector_blanked


class TestKeys:
    def test_a_facilitators_projector_carries_the_keys(self, console, dilemma_round, dilemma):
        page = projector_page(console, dilemma_round)
        assert 'id="keys" data-keys="projector"' in page
        assert f'data-round-action="/console/rounds/{dilemma_round.pk}/ACTION/"' in page
        assert f'data-step="{dilemma.pk}"' in page

    def test_a_projector_without_a_login_has_no_keys(self, client, dilemma_round):
        assert 'id="keys"' not in projector_page(client, dilemma_round)

    def test_another_users_projector_has_no_keys(self, client, stranger, dilemma_round):
        client.force_login(stranger)
        assert 'id="keys"' not in projector_page(client, dilemma_round)

    def test_the_console_shows_the_keys_beside_its_buttons(self, console, dilemma_round):
        page = console.get(f"/console/rounds/{dilemma_round.pk}/").content.decode()
        assert 'id="keys" data-keys="console"' in page
        assert 'data-key="next" aria-keyshortcuts="ArrowRight PageDown"' in page
        assert 'data-key="reveal" aria-keyshortcuts="R"' in page
        assert 'data-key="lock" aria-keyshortcuts="L"' in page
        assert 'data-key="blank" aria-keyshortcuts="B"' in page
        assert 'data-key="join" aria-keyshortcuts="J"' in page


class TestPresenterStrip:
    def test_it_says_what_is_shown_what_comes_next_and_who_answered(
        self, console, dilemma_round, dilemma, participant, other_participant
    ):
        cast_vote(dilemma, participant, dilemma.options.first().pk)
        steps = list(dilemma_round.ordered_steps())
        after = steps[steps.index(dilemma) + 1]
        page = console.get(f"/console/rounds/{dilemma_round.pk}/").content.decode()
        strip = page[page.index('class="presenter"') :]
        strip = strip[: strip.index("</section>")]
        assert dilemma.title in strip and after.title in strip
        assert "results hidden" in strip
        assert "1 of 2 answered" in strip

    def test_it_shows_the_timer_while_it_runs(self, console, dilemma_round, dilemma, facilitator):
        services.start_timer(dilemma, seconds=60, by=facilitator)
        page = console.get(f"/console/rounds/{dilemma_round.pk}/").content.decode()
        strip = page[page.index('class="presenter"') :]
        strip = strip[: strip.index("</section>")]
        assert 'class="timer" data-closes-at="' in strip  # balans.js counts it down
        assert 'role="timer"' in strip and "Answers close at" in strip

    def test_the_lobby_comes_before_the_first_step(self, console, live_round):
        first = live_round.ordered_steps().first()
        page = console.get(f"/console/rounds/{live_round.pk}/").content.decode()
        strip = page[page.index('class="presenter"') :]
        assert "Lobby (QR code)" in strip[: strip.index("</section>")]
        assert first.title in strip[: strip.index("</section>")]

    def test_a_new_answer_pushes_the_strips_count_with_the_results(
        self, dilemma_round, dilemma, participant
    ):
        from facilitation.screens.stages import render_push

        cast_vote(dilemma, participant, dilemma.options.first().pk)
        [(html, _receivers)] = render_push(
            dilemma_round.pk, "facilitator", {"results"}, ["http://x"]
        )
        assert 'id="presenter-answered"' in html and "1 of 1 answered" in html
