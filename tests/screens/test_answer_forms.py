"""A vote's response is rendered once for every phone that gave the same answer, and is still
exactly that phone's form: its own CSRF token, its language, the step as it is now."""

import re

import pytest
from django.test import Client
from django.test.signals import template_rendered

from facilitation.deliberation.models import Option, Statement
from facilitation.workshops import services
from tests.conftest import phone_for
from tests.deliberation.test_answer_kinds import add_step

HTMX = {"HTTP_HX_REQUEST": "true"}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def vote_url(round, step):
    return f"/r/{round.join_code}/steps/{step.pk}/vote/"


def without_token(html):
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', html)


@pytest.fixture
def phones(live_round):
    """Browsers of people who joined the round, one after the other."""
    made = []

    def next_phone(**headers):
        person = services.join_round(live_round, display_name=f"Phone {len(made) + 1}")
        phone = phone_for(person)
        phone.defaults.update(headers)
        made.append(person)
        return phone

    return next_phone


@pytest.fixture
def renders():
    """The templates rendered from now on, by name."""
    names = []

    def heard(sender, template, **kwargs):
        names.append(template.name)

    template_rendered.connect(heard)
    yield names
    template_rendered.disconnect(heard)


def payloads(step):
    """A valid answer for each kind, the same for every phone that sends it."""
    options = [option.pk for option in step.options.order_by("position")]
    if step.kind in ("dilemma", "single_choice"):
        return {"option": options[0]}
    if step.kind == "multiple_choice":
        return {"option": options[:2]}
    if step.kind == "ranking":
        return {f"rank_{pk}": str(rank) for rank, pk in enumerate(reversed(options), 1)}
    return {
        "scale": {"value": "4"},
        "open_text": {"text": "Answer the public within a day"},
        "placement": {"position": "30", "reason": "Reach matters"},
    }[step.kind]


KIND_SETUP = {
    "dilemma": {"options": "AB"},
    "single_choice": {"options": "ABC"},
    "multiple_choice": {"options": "ABC", "settings": {"max_picks": 2}},
    "scale": {"settings": {"points": 5, "low_label": "not at all", "high_label": "fully"}},
    "ranking": {"options": "ABC"},
    "open_text": {},
    "placement": {},
}


@pytest.mark.parametrize("kind", KIND_SETUP)
def test_the_second_phone_with_the_same_answer_gets_the_first_ones_form(
    kind, live_round, show, phones, renders
):
    step = show(add_step(live_round, kind, **KIND_SETUP[kind]))
    first = phones().post(vote_url(live_round, step), payloads(step), **HTMX)
    assert first.status_code == 200, first.content
    assert "Your answer is saved" in first.content.decode()
    rendered_for_the_first = len(renders)
    second = phones().post(vote_url(live_round, step), payloads(step), **HTMX)
    assert second.status_code == 200, second.content
    assert len(renders) == rendered_for_the_first  # nothing rendered again
    assert without_token(second.content.decode()) == without_token(first.content.decode())
    # Each form carries its own request's token.
    [first_token] = TOKEN.findall(first.content.decode())
    [second_token] = TOKEN.findall(second.content.decode())
    assert first_token != second_token


def test_a_different_answer_is_a_form_of_its_own(live_round, show, phones):
    step = show(add_step(live_round, "single_choice", options="AB"))
    a, b = step.options.order_by("position")
    phones().post(vote_url(live_round, step), {"option": a.pk}, **HTMX)
    html = phones().post(vote_url(live_round, step), {"option": b.pk}, **HTMX).content.decode()
    assert f'value="{b.pk}" class="option" aria-pressed="true"' in html
    assert f'value="{a.pk}" class="option" aria-pressed="false"' in html


def test_the_token_in_a_kept_form_lets_the_phone_answer_again(live_round, show, phones):
    step = show(add_step(live_round, "single_choice", options="AB"))
    a, b = step.options.order_by("position")
    phones().post(vote_url(live_round, step), {"option": a.pk}, **HTMX)
    phone = Client(enforce_csrf_checks=True)
    phone.cookies.update(phones().cookies)
    page = phone.get(f"/r/{live_round.join_code}/").content.decode()
    [token] = TOKEN.findall(page[page.index(f'id="answer-{step.pk}"') :])[:1]
    kept = phone.post(vote_url(live_round, step), {"option": a.pk, "csrfmiddlewaretoken": token})
    assert kept.status_code == 302  # without htmx: back to the stage
    kept = phone.post(
        vote_url(live_round, step), {"option": a.pk, "csrfmiddlewaretoken": token}, **HTMX
    )
    [kept_token] = TOKEN.findall(kept.content.decode())
    changed = phone.post(
        vote_url(live_round, step), {"option": b.pk, "csrfmiddlewaretoken": kept_token}, **HTMX
    )
    assert changed.status_code == 200
    assert f'value="{b.pk}" class="option" aria-pressed="true"' in changed.content.decode()


def test_an_option_edited_since_is_shown_as_it_is_now(live_round, show, phones):
    step = show(add_step(live_round, "single_choice", options="AB"))
    a = step.options.order_by("position").first()
    phones().post(vote_url(live_round, step), {"option": a.pk}, **HTMX)
    Option.objects.filter(pk=a.pk).update(label="Answer in the chat itself")
    html = phones().post(vote_url(live_round, step), {"option": a.pk}, **HTMX).content.decode()
    assert "Answer in the chat itself" in html


def test_a_swedish_phone_gets_the_form_in_swedish(live_round, show, phones):
    step = show(add_step(live_round, "single_choice", options="AB"))
    a = step.options.order_by("position").first()
    english = phones(HTTP_ACCEPT_LANGUAGE="en")
    assert (
        "Your answer is saved"
        in english.post(vote_url(live_round, step), {"option": a.pk}, **HTMX).content.decode()
    )
    swedish = phones(HTTP_ACCEPT_LANGUAGE="sv")
    html = swedish.post(vote_url(live_round, step), {"option": a.pk}, **HTMX).content.decode()
    assert "Your answer is saved" not in html
    assert "Ditt svar är sparat" in html


def test_a_statements_form_shows_statements_approved_since(live_round, show, phones):
    step = show(add_step(live_round, "statements"))
    first = Statement.objects.create(step=step, text="Reply within a day", status="approved")
    answer = {"statement": first.pk, "answer": "agree"}
    phones().post(vote_url(live_round, step), answer, **HTMX)
    Statement.objects.create(step=step, text="Keep a copy of every chat", status="approved")
    html = phones().post(vote_url(live_round, step), answer, **HTMX).content.decode()
    assert "Keep a copy of every chat" in html


def test_an_anonymous_answer_is_shown_as_answered_only(live_round, show, phones):
    step = show(add_step(live_round, "single_choice", options="AB", anonymous=True))
    a = step.options.order_by("position").first()
    phones().post(vote_url(live_round, step), {"option": a.pk}, **HTMX)
    html = phones().post(vote_url(live_round, step), {"option": a.pk}, **HTMX).content.decode()
    assert "Your anonymous answer is saved" in html
    assert 'aria-pressed="true"' not in html
