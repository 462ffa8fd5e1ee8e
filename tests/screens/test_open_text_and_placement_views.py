import re

import pytest
from django.test import Client

from facilitation.deliberation.answer_kinds.open_text import MAX_LENGTH
from facilitation.deliberation.answer_kinds.placement import REASON_LENGTH
from facilitation.deliberation.models import Response
from facilitation.deliberation.moderation import set_answer_hidden
from facilitation.deliberation.services import open_second_pass, submit_answer
from facilitation.live.push import EVERYTHING
from facilitation.screens.stages import render_push
from facilitation.workshops import services
from facilitation.workshops.models import Event, Step, Workshop
from tests.conftest import phone_for
from tests.deliberation.test_open_text import add_step

MARKUP = '<b onmouseover="x">bold</b><script>alert(1)</script>'


@pytest.fixture
def open_text(live_round, facilitator):
    return add_step(
        live_round, Step.Kind.OPEN_TEXT, facilitator, title="Vad betyder likabehandling?"
    )


@pytest.fixture
def placement(live_round, facilitator):
    return add_step(live_round, Step.Kind.PLACEMENT, facilitator, title="Algoritmstyrd räckvidd")


def vote_url(step):
    return f"/r/{step.round.join_code}/steps/{step.pk}/vote/"


def post(phone, step, data):
    return phone.post(vote_url(step), data, HTTP_HX_REQUEST="true")


def projector_page(step, **headers):
    return Client().get(f"/projector/{step.round.projector_key}/", **headers).content.decode()


def console_page(console, step):
    return console.get(f"/console/rounds/{step.round_id}/").content.decode()


def visibility_url(response):
    return f"/console/rounds/{response.step.round_id}/answers/{response.pk}/visibility/"


def no_inline_styles(html):
    assert "style=" not in html


class TestOpenTextPhone:
    def test_the_phone_offers_a_text_box_with_the_limit(self, phone, open_text):
        page = phone.get(f"/r/{open_text.round.join_code}/").content.decode()
        assert f'maxlength="{MAX_LENGTH}"' in page
        assert 'name="text"' in page
        assert f"At most {MAX_LENGTH} characters" in page
        no_inline_styles(page)

    def test_an_answer_is_saved_and_shown_back_escaped(self, phone, open_text):
        response = post(phone, open_text, {"text": MARKUP})
        page = response.content.decode()
        assert response.status_code == 200
        assert Response.objects.get().value == MARKUP
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<script>alert(1)" not in page
        assert "Your answer is saved" in page

    def test_an_empty_answer_gets_a_message_and_nothing_is_stored(self, phone, open_text):
        response = post(phone, open_text, {"text": "   "})
        assert response.status_code == 400
        assert "Write an answer before sending." in response.content.decode()
        assert not Response.objects.exists()

    def test_an_overlong_answer_says_the_limit(self, phone, open_text):
        response = post(phone, open_text, {"text": "x" * (MAX_LENGTH + 1)})
        assert response.status_code == 400
        assert "at most 500 characters" in response.content.decode()
        assert not Response.objects.exists()

    def test_the_writer_learns_that_their_answer_was_hidden(
        self, phone, open_text, participant, facilitator
    ):
        set_answer_hidden(
            submit_answer(open_text, participant, {"text": ["x"]}), True, by=facilitator
        )
        page = phone.get(f"/r/{open_text.round.join_code}/").content.decode()
        assert "has hidden your answer" in page


class TestOpenTextProjector:
    def test_hidden_results_show_no_answers(self, open_text, participant):
        submit_answer(open_text, participant, {"text": ["Secret thought"]})
        page = projector_page(open_text)
        assert "1 answer so far · results are hidden" in page
        assert "Secret thought" not in page

    def test_revealed_results_show_a_cloud_and_the_answers_newest_first_without_names(
        self, open_text, participant, other_participant, facilitator
    ):
        submit_answer(open_text, participant, {"text": ["Transparens först"]})
        submit_answer(open_text, other_participant, {"text": ["Transparens och " + MARKUP]})
        services.reveal_results(open_text, by=facilitator)
        page = projector_page(open_text)
        assert re.search(r'class="cloud-word size-5">transparens<', page)
        assert "transparens: 2 answers" in page
        assert page.index("Transparens och") < page.index("Transparens först")
        assert "<script>alert(1)" not in page
        assert "&lt;b onmouseover=&quot;x&quot;&gt;" in page
        assert "Anna" not in page
        assert "Bo<" not in page
        assert "2 answers in all" in page
        assert "Hide" not in page
        no_inline_styles(page)

    def test_a_hidden_answer_leaves_the_projector_and_the_cloud(
        self, open_text, participant, other_participant, facilitator
    ):
        rude = submit_answer(open_text, participant, {"text": ["Otrevligt skällsord"]})
        submit_answer(open_text, other_participant, {"text": ["Vänligt"]})
        services.reveal_results(open_text, by=facilitator)
        set_answer_hidden(rude, True, by=facilitator)
        page = projector_page(open_text)
        assert "Otrevligt" not in page
        assert "skällsord" not in page
        assert "Vänligt" in page

    def test_the_room_sees_the_answers_on_phones_once_revealed_and_never_hidden_ones(
        self, open_text, participant, other_participant, facilitator
    ):
        rude = submit_answer(open_text, participant, {"text": ["Otrevligt"]})
        submit_answer(open_text, other_participant, {"text": ["Vänligt"]})
        services.reveal_results(open_text, by=facilitator)
        set_answer_hidden(rude, True, by=facilitator)
        page = phone_for(other_participant).get(f"/r/{open_text.round.join_code}/")
        assert "Vänligt" in page.content.decode()
        assert "Otrevligt" not in page.content.decode()


class TestOpenTextConsole:
    def test_the_console_lists_every_answer_with_hide_and_show(
        self, console, open_text, participant, other_participant, facilitator
    ):
        rude = submit_answer(open_text, participant, {"text": [MARKUP]})
        submit_answer(open_text, other_participant, {"text": ["Vänligt"]})
        set_answer_hidden(rude, True, by=facilitator)
        page = console_page(console, open_text)
        assert "<script>alert(1)" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "Vänligt" in page
        assert "Show again" in page
        assert ">Hide<" in page
        assert visibility_url(rude) in page
        assert "Anna" not in page.split('id="stage"')[1]
        no_inline_styles(page)

    def test_hiding_from_the_console(self, console, open_text, participant):
        answer = submit_answer(open_text, participant, {"text": ["Remove me"]})
        response = console.post(visibility_url(answer), {"hidden": "1"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert "Show again" in response.content.decode()
        answer.refresh_from_db()
        assert answer.hidden
        assert Event.objects.filter(kind="answer.hidden").count() == 1
        console.post(visibility_url(answer), {"hidden": "0"}, HTTP_HX_REQUEST="true")
        answer.refresh_from_db()
        assert not answer.hidden
        assert Event.objects.filter(kind="answer.shown").count() == 1

    def test_without_htmx_the_console_redirects(self, console, open_text, participant):
        answer = submit_answer(open_text, participant, {"text": ["Remove me"]})
        response = console.post(visibility_url(answer), {"hidden": "1"})
        assert response.status_code == 302
        answer.refresh_from_db()
        assert answer.hidden

    @pytest.mark.parametrize("hidden", ["", "yes", "2"])
    def test_a_malformed_request_says_so(self, console, open_text, participant, hidden):
        answer = submit_answer(open_text, participant, {"text": ["Stay"]})
        response = console.post(visibility_url(answer), {"hidden": hidden}, HTTP_HX_REQUEST="true")
        assert response.status_code == 400
        assert "hide or show" in response.content.decode()
        answer.refresh_from_db()
        assert not answer.hidden

    def test_only_the_rounds_facilitators_can_hide(
        self, client, stranger, phone, open_text, participant
    ):
        answer = submit_answer(open_text, participant, {"text": ["Stay"]})
        assert phone.post(visibility_url(answer), {"hidden": "1"}).status_code == 302
        client.force_login(stranger)
        assert client.post(visibility_url(answer), {"hidden": "1"}).status_code == 404
        answer.refresh_from_db()
        assert not answer.hidden

    def test_an_answer_from_another_round_is_not_found(
        self, console, open_text, participant, facilitator, live_round
    ):
        answer = submit_answer(open_text, participant, {"text": ["Stay"]})
        other = services.create_round(live_round.workshop, title="November")
        url = f"/console/rounds/{other.pk}/answers/{answer.pk}/visibility/"
        assert console.post(url, {"hidden": "1"}).status_code == 404
        answer.refresh_from_db()
        assert not answer.hidden

    def test_a_closed_round_refuses_with_a_message(
        self, console, open_text, participant, facilitator, live_round
    ):
        answer = submit_answer(open_text, participant, {"text": ["Stay"]})
        services.close_round(live_round, by=facilitator)
        response = console.post(visibility_url(answer), {"hidden": "1"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 409
        assert "closed" in response.content.decode()


class TestPlacementPhone:
    def test_the_phone_offers_a_slider_with_both_ends_labelled(self, phone, placement):
        page = phone.get(f"/r/{placement.round.join_code}/").content.decode()
        assert 'type="range"' in page
        assert 'min="0" max="100"' in page
        assert "Digital government logic" in page
        assert "Platform logic" in page
        assert f'maxlength="{REASON_LENGTH}"' in page
        assert 'value="50"' in page
        no_inline_styles(page)

    def test_settings_rename_the_ends(self, phone, placement):
        placement.settings = {"low_label": "Myndighet", "high_label": "<i>Plattform</i>"}
        placement.save()
        page = phone.get(f"/r/{placement.round.join_code}/").content.decode()
        assert "Myndighet" in page
        assert "&lt;i&gt;Plattform&lt;/i&gt;" in page
        assert "Digital government logic" not in page

    def test_a_placement_is_saved_and_shown_back(self, phone, placement):
        response = post(phone, placement, {"position": "0", "reason": MARKUP[:100]})
        page = response.content.decode()
        assert response.status_code == 200
        assert Response.objects.get().value == {"position": 0, "reason": MARKUP[:100]}
        assert 'value="0"' in page
        assert "You placed it at 0." in page
        assert "<b onmouseover" not in page

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"position": "150"}, "a position from 0 to 100"),
            ({"reason": "no position"}, "a position from 0 to 100"),
            ({"position": "40", "reason": "r" * 141}, "at most 140 characters"),
        ],
    )
    def test_bad_input_gets_a_message_and_nothing_is_stored(self, phone, placement, data, message):
        response = post(phone, placement, data)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not Response.objects.exists()


class TestPlacementProjector:
    def test_revealed_results_show_a_dot_per_answer_the_mean_and_the_reasons(
        self, placement, participant, other_participant, facilitator
    ):
        submit_answer(placement, participant, {"position": ["20"], "reason": [MARKUP[:120]]})
        submit_answer(placement, other_participant, {"position": ["65"], "reason": ["Räckvidd"]})
        services.reveal_results(placement, by=facilitator)
        page = projector_page(placement)
        assert page.count('class="placement-dot"') == 2
        assert "Mean 42 · median 42.5 · 2 answers" in page
        assert "Räckvidd" in page
        assert "<b onmouseover" not in page
        assert "Anna" not in page
        no_inline_styles(page)

    def test_swedish_numbers_do_not_break_the_drawing(
        self, placement, participant, other_participant, facilitator
    ):
        submit_answer(placement, participant, {"position": ["21"]})
        submit_answer(placement, other_participant, {"position": ["66"]})
        services.reveal_results(placement, by=facilitator)
        # The projector speaks its workshop's language (with a decimal comma).
        Workshop.objects.filter(pk=placement.round.workshop_id).update(language="sv")
        page = projector_page(placement)
        assert 'lang="sv"' in page
        coordinates = re.findall(r'c[xy]="([^"]*)"', page)
        assert coordinates
        assert all(re.fullmatch(r"-?\d+", c) for c in coordinates), coordinates

    def test_hidden_results_show_the_line_without_dots(self, placement, participant):
        submit_answer(placement, participant, {"position": ["20"], "reason": ["Secret"]})
        page = projector_page(placement)
        assert "placement-axis" in page
        assert "placement-dot" not in page
        assert "Secret" not in page

    def test_the_second_pass_shows_arrows_and_who_moved_where(
        self, placement, live_round, facilitator
    ):
        anna, bo, cecilia = (services.join_round(live_round) for _ in range(3))
        for person, position in [(anna, 20), (bo, 60), (cecilia, 50)]:
            submit_answer(placement, person, {"position": [str(position)]})
        open_second_pass(placement, by=facilitator)
        placement.refresh_from_db()
        for person, position in [(anna, 70), (bo, 10), (cecilia, 52)]:
            submit_answer(placement, person, {"position": [str(position)]})
        services.reveal_results(placement, by=facilitator)
        page = projector_page(placement)
        assert page.count('class="placement-move towards-platform"') == 1
        assert page.count('class="placement-move towards-government"') == 1
        assert page.count('class="placement-move towards-stayed"') == 1
        assert (
            "1 moved towards “Platform logic”, 1 towards “Digital government logic”, 1 stayed"
            in page
        )
        assert "First vote" in page
        assert "After discussion" in page

    def test_the_console_can_hide_a_reason(self, console, placement, participant, facilitator):
        answer = submit_answer(placement, participant, {"position": ["30"], "reason": ["Rude"]})
        assert visibility_url(answer) in console_page(console, placement)
        console.post(visibility_url(answer), {"hidden": "1"}, HTTP_HX_REQUEST="true")
        services.reveal_results(placement, by=facilitator)
        assert "Rude" not in projector_page(placement)


@pytest.mark.parametrize("kind", [Step.Kind.OPEN_TEXT, Step.Kind.PLACEMENT])
def test_pushed_fragments_render_for_every_audience(live_round, facilitator, kind):
    step = add_step(live_round, kind, facilitator)
    person = services.join_round(live_round)
    payload = {"text": ["Hej"]} if kind == Step.Kind.OPEN_TEXT else {"position": ["10"]}
    submit_answer(step, person, payload)
    services.reveal_results(step, by=facilitator)
    for audience, members in [
        ("projector", ["http://x"]),
        ("facilitator", ["http://x"]),
        ("participant", [person.pk]),
    ]:
        for topics in ({EVERYTHING}, {"results"}):
            fragments = render_push(live_round.pk, audience, topics, members)
            assert fragments and all('id="' in html for html, _members in fragments)
