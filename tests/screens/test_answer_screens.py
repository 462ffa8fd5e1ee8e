"""How multiple choice, scale, anonymity, timers and second votes look on each screen."""

import pytest

from facilitation.deliberation.models import Response
from facilitation.deliberation.services import cast_vote, open_second_pass
from facilitation.workshops import services
from tests.deliberation.test_answer_kinds import add_step


def vote_url(round, step):
    return f"/r/{round.join_code}/steps/{step.pk}/vote/"


def test_multiple_choice_on_the_phone(phone, live_round, show):
    step = show(add_step(live_round, "multiple_choice", options="ABC", settings={"max_picks": 2}))
    a, b, _c = step.options.all()
    page = phone.get(f"/r/{live_round.join_code}/").content.decode()
    assert "Pick up to 2 options" in page
    response = phone.post(
        vote_url(live_round, step), {"option": [a.pk, b.pk]}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.count("checked") == 2
    assert "Your answer is saved" in html


def test_too_many_picks_get_a_message_on_the_phone(phone, live_round, show):
    step = show(add_step(live_round, "multiple_choice", options="ABC", settings={"max_picks": 1}))
    ids = [o.pk for o in step.options.all()]
    response = phone.post(vote_url(live_round, step), {"option": ids}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "Pick at most 1 options" in response.content.decode()
    assert not Response.objects.exists()


def test_a_scale_on_the_phone_and_the_projector(client, phone, live_round, show, facilitator):
    settings = {"points": 5, "low_label": "not at all", "high_label": "completely"}
    step = show(add_step(live_round, "scale", settings=settings, hide_results=False))
    response = phone.post(vote_url(live_round, step), {"value": "4"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'value="4" class="scale-point" aria-pressed="true"' in html
    projector = client.get(f"/projector/{live_round.projector_key}/").content.decode()
    assert "Median 4 · 1 answer" in projector
    assert "completely" in projector


def test_the_phone_says_which_anonymity_mode_is_on_before_answering(phone, live_round, show):
    step = show(add_step(live_round, "single_choice", options="AB", anonymous=True))
    page = phone.get(f"/r/{live_round.join_code}/").content.decode()
    assert "Fully anonymous" in page
    services.go_to_step(live_round, None, by=None)
    step.anonymous = False
    step.save()
    show(step)
    page = phone.get(f"/r/{live_round.join_code}/").content.decode()
    assert "kept under your pseudonym" in page


def test_the_console_starts_a_timer_and_phones_count_down(console, phone, dilemma_round, dilemma):
    url = f"/console/rounds/{dilemma_round.pk}/steps/{dilemma.pk}/timer/"
    response = console.post(url, {"seconds": "60"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    dilemma.refresh_from_db()
    assert dilemma.closes_at is not None
    page = phone.get(f"/r/{dilemma_round.join_code}/").content.decode()
    assert "data-closes-at=" in page


@pytest.mark.parametrize("seconds", ["7", "abc", ""])
def test_a_bad_timer_length_is_refused(console, dilemma_round, dilemma, seconds):
    url = f"/console/rounds/{dilemma_round.pk}/steps/{dilemma.pk}/timer/"
    response = console.post(url, {"seconds": seconds}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "timer lengths" in response.content.decode()


def test_the_projector_compares_the_first_and_second_vote(
    client, console, dilemma_round, dilemma, participant, facilitator
):
    first, second = dilemma.options.all()[:2]
    cast_vote(dilemma, participant, first.pk)
    console.post(
        f"/console/rounds/{dilemma_round.pk}/steps/{dilemma.pk}/second-pass/",
        HTTP_HX_REQUEST="true",
    )
    dilemma.refresh_from_db()
    assert dilemma.current_pass == 2
    cast_vote(dilemma, participant, second.pk)
    services.reveal_results(dilemma, by=facilitator)
    page = client.get(f"/projector/{dilemma_round.projector_key}/").content.decode()
    assert "First vote and the vote after discussion" in page
    assert "Answers: 1 in the first vote, 1 after discussion" in page
    assert page.count("100% · 1 vote") == 2


def test_the_second_vote_button_is_offered_once(console, dilemma_round, dilemma, facilitator):
    page = console.get(f"/console/rounds/{dilemma_round.pk}/").content.decode()
    assert "Vote again after discussion" in page
    open_second_pass(dilemma, by=facilitator)
    page = console.get(f"/console/rounds/{dilemma_round.pk}/").content.decode()
    assert "Vote again after discussion" not in page


def test_the_projector_shows_where_the_room_stands(
    client, dilemma_round, dilemma, participant, facilitator
):
    chosen = max(dilemma.options.all(), key=lambda o: o.lean() or 0)
    cast_vote(dilemma, participant, chosen.pk)
    services.reveal_results(dilemma, by=facilitator)
    page = client.get(f"/projector/{dilemma_round.projector_key}/").content.decode()
    assert "Where the room stands between the two logics" in page
    assert f"{round(50 * (chosen.lean() + 1))} on a line from 0 to 100" in page
