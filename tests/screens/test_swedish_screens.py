"""No English on the screens of a Swedish workshop, and no English-only entry in the catalogue.

The walk goes through the Swedish demo as a room would: join, consent, the research questions,
every step on the phones, the projector and the console in every state (a recap of the last
round, before answers, answers in, revealed, locked, a second pass, then and now, groups, the
code of conduct), every pushed fragment, the authoring pages, the code-of-conduct pages,
re-joining and withdrawing. It collects every English run it sees and fails with all of them at
once, so one run shows every gap.
"""

import contextlib
import random
import re

import pytest
from django.test import Client
from django.utils import translation

from facilitation.deliberation.demo import load_demo_workshop, sample_content
from facilitation.deliberation.sample_activity import SAMPLE_ACTIVITIES, add_sample_round
from facilitation.deliberation.services import open_second_pass
from facilitation.live.push import EVERYTHING
from facilitation.recap.services import choose_recap, result_steps, start_round_from
from facilitation.screens.kinds import kind_of
from facilitation.screens.stages import FACILITATOR, PARTICIPANT, PROJECTOR, render_push
from facilitation.workshops import participants as participation
from facilitation.workshops import services
from facilitation.workshops.models import Participant, Step

from .catalogue import english_left, live_entries, pieces

TOPICS = ["stage", "results", "people", "annotations", "own-notes", "discussion", "groups"]
TOPICS += ["conduct"]
SWEDISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "sv-SE,sv;q=0.9,en;q=0.5"}


class Walk:
    """Pages and fragments seen, and the English found on them, by where it was seen."""

    def __init__(self):
        self.found = {}
        self.seen = 0

    def check(self, where, html):
        self.seen += 1
        left = english_left(html)
        if left:
            self.found.setdefault(where, set()).update(left)

    def page(self, where, client, url, status=200, **extra):
        response = client.get(url, **SWEDISH_BROWSER, **extra)
        assert response.status_code == status, (where, url, response.status_code)
        self.check(where, response.content.decode())
        return response

    def pushes(self, where, round, members):
        # The whole stage, then every other fragment at once (each topic's partial).
        for audience in (PARTICIPANT, PROJECTOR, FACILITATOR):
            who = members if audience == PARTICIPANT else ["http://testserver"]
            for topics in ({EVERYTHING}, set(TOPICS) - {"stage"}):
                # As in the hub: no request, so nothing but the render says which language.
                with translation.override("en"):
                    fragments = render_push(round.pk, audience, topics, who)
                for html, _receivers in fragments:
                    self.check(f"{where}: push {audience} {sorted(topics)}", html)

    def report(self):
        lines = []
        for where, found in sorted(self.found.items()):
            lines.append(f"{where}:")
            lines.extend(f"    {run!r} in {text!r}" for run, text in sorted(found))
        return "\n".join(lines)


def swedish_phone():
    return Client(**SWEDISH_BROWSER)


def join_by_phone(walk, round, name):
    """A Swedish browser joins as a newcomer would, through consent and the questions."""
    phone = swedish_phone()
    walk.page("join page", phone, f"/r/{round.join_code}/")
    response = phone.post(f"/r/{round.join_code}/join/", {"display_name": "x" * 41})
    walk.check("join page with an error", response.content.decode())
    response = phone.post(f"/r/{round.join_code}/join/", {"display_name": name})
    assert response.status_code == 302
    walk.page("consent page", phone, response.url)
    phone.post(f"/r/{round.join_code}/consent/")
    walk.page("research questions page", phone, f"/r/{round.join_code}/")
    phone.post(f"/r/{round.join_code}/about-you/", {"skip": "1"})
    walk.page("phone, welcome", phone, f"/r/{round.join_code}/?welcome")
    return phone


@pytest.fixture
def swedish_demo(facilitator):
    """The Swedish demo with its played sample round, and a live round continuing it."""
    workshop, _created = load_demo_workshop("sv", facilitators=[facilitator])
    with translation.override("sv"):
        sample, _created = add_sample_round(workshop, language="sv", facilitator=facilitator)
        participation.configure_participation(
            workshop,
            attributes="Roll: Kommunikatör, Chef, Annat\nKommun",
            consent_text="Jag vill vara med i studien.",
            on_withdrawal=workshop.on_withdrawal,
            by=facilitator,
        )
    # It opens with a recap of the sample round: three of its results, its code, its questions.
    round = start_round_from(sample, title="Workshop i september", with_recap=True, by=facilitator)
    recap = round.ordered_steps().first()
    picks = [step.pk for step in result_steps(sample)[:3]]
    choose_recap(recap, step_ids=picks, show_conduct=True, show_questions=True, by=facilitator)
    return workshop, round


def facilitator_browser(facilitator):
    console = Client(**SWEDISH_BROWSER)
    console.force_login(facilitator)
    return console


def walk_room(walk, round, facilitator, phones):
    """Every step, in every state, on every screen and in every push."""
    console = facilitator_browser(facilitator)
    projector = Client(**SWEDISH_BROWSER)
    members = list(round.attendances.values_list("participant_id", flat=True))
    crowd = list(Participant.objects.filter(pk__in=members))
    rng = random.Random(3)

    def everywhere(state):
        walk.page(f"{state}: phone", phones[0], f"/r/{round.join_code}/")
        walk.page(f"{state}: projector", projector, f"/projector/{round.projector_key}/")
        walk.page(f"{state}: console", console, f"/console/rounds/{round.pk}/")
        walk.pushes(state, round, members)

    def play(step, activities):
        with translation.override("sv"):
            for activity in activities:
                # The sample round proposed these clauses already: a refusal is fine.
                with contextlib.suppress(services.ActionRefused):
                    activity(round, step, crowd, facilitator, rng, sample_content("sv"))

    everywhere("lobby")
    for step in round.ordered_steps():
        services.go_to_step(round, step, by=facilitator)
        name = f"{step.position}. {step.get_kind_display()} “{step.title[:30]}”"
        everywhere(f"{name}, shown")
        play(step, SAMPLE_ACTIVITIES)
        everywhere(f"{name}, answered")
        if kind_of(step).collects_answers:
            services.reveal_results(step, by=facilitator)
            services.lock_voting(step, by=facilitator)
            everywhere(f"{name}, revealed and locked")
            if kind_of(step).answers.second_pass:
                open_second_pass(step, by=facilitator)
                play(step, SAMPLE_ACTIVITIES[:1])
                services.reveal_results(step, by=facilitator)
                everywhere(f"{name}, second pass revealed")
    services.pause_round(round, by=facilitator)
    everywhere("paused")
    services.resume_round(round, by=facilitator)
    services.go_to_step(round, None, by=facilitator)
    everywhere("back in the lobby")


def walk_authoring(walk, workshop, round, facilitator):
    console = facilitator_browser(facilitator)
    walk.page("console home", console, "/console/")
    walk.page("new workshop", console, "/console/workshops/new/")
    walk.page("import a workshop", console, "/console/workshops/import/")
    walk.page("workshop page", console, f"/console/workshops/{workshop.pk}/")
    walk.page("participation", console, f"/console/workshops/{workshop.pk}/participants/")
    walk.page("exports", console, f"/console/workshops/{workshop.pk}/exports/")
    walk.page("agenda", console, f"/console/agendas/{round.pk}/")
    walk.page("new round", console, f"/console/rounds/{round.pk}/new-round/")
    walk.page("rejoin cards", console, f"/console/rounds/{round.pk}/cards/")
    for kind in Step.Kind.values:
        walk.page(
            f"new step: {kind}", console, f"/console/agendas/{round.pk}/steps/new/?kind={kind}"
        )
    for step in round.ordered_steps():
        where = f"edit step {step.position} ({step.kind})"
        walk.page(where, console, f"/console/agendas/{round.pk}/steps/{step.pk}/")
        for audience in ("phone", "projector"):
            url = f"/console/agendas/{round.pk}/steps/{step.pk}/preview/{audience}/"
            walk.page(f"{where}: {audience} preview", console, url)


def walk_phone_pages(walk, round, phone):
    code = round.join_code
    walk.page("home", swedish_phone(), "/")
    walk.page("home, unknown code", swedish_phone(), "/?code=ZZZZZZ", status=404)
    walk.page("log in", swedish_phone(), "/accounts/login/")
    walk.page("code of conduct", phone, f"/r/{code}/conduct/")
    walk.page("code of conduct, compared", phone, f"/r/{code}/conduct/compare/")
    version = round.workshop.conduct_versions.order_by("-number").first()
    url = f"/r/{code}/conduct/versions/{version.number}/print/"
    walk.page("code of conduct, printed", phone, url)
    someone = Participant.objects.filter(workshop=round.workshop).first()
    walk.page(
        "rejoin from a card", swedish_phone(), f"/r/{code}/rejoin/?code={someone.rejoin_code}"
    )
    response = swedish_phone().post(f"/r/{code}/rejoin/", {"rejoin_code": "WRONGCODE"})
    walk.check("rejoin with a wrong code", response.content.decode())
    walk.page("withdraw", phone, f"/r/{code}/withdraw/")
    phone.post(f"/r/{code}/withdraw/", {"confirm": "1"})
    walk.page("withdrawn", phone, f"/r/{code}/")


def walk_report(walk, round, facilitator, phone, where):
    """The round report on the console, published, and as the participants open it."""
    console = facilitator_browser(facilitator)
    code = round.join_code
    walk.page(f"round report, {where}", console, f"/console/rounds/{round.pk}/report/")
    response = console.post(f"/console/rounds/{round.pk}/report/publish/", {"published": "x"})
    walk.check(f"round report with an error, {where}", response.content.decode())
    console.post(f"/console/rounds/{round.pk}/report/publish/", {"published": "1"})
    walk.page(f"round report, published, {where}", console, f"/console/rounds/{round.pk}/report/")
    walk.page(f"participants' round report, {where}", phone, f"/r/{code}/report/")


@pytest.mark.long
@pytest.mark.engine_neutral
def test_a_swedish_workshop_shows_no_english_anywhere(swedish_demo, facilitator):
    workshop, round = swedish_demo
    walk = Walk()
    services.start_round(round, by=facilitator)
    phones = [join_by_phone(walk, round, name) for name in ("Sara", "Johan")]
    with translation.override("sv"):
        for _ in range(10):
            participant = services.join_round(round, language="sv")
            participation.give_consent(participant, round=round)
    walk_room(walk, round, facilitator, phones)
    walk_report(walk, round, facilitator, phones[1], "live")
    walk.page("phone with the report's link", phones[1], f"/r/{round.join_code}/")
    walk_authoring(walk, workshop, round, facilitator)
    walk_phone_pages(walk, round, phones[0])
    services.close_round(round, by=facilitator)
    walk.page("closed: projector", Client(), f"/projector/{round.projector_key}/")
    walk.page("closed: join page", swedish_phone(), f"/r/{round.join_code}/", status=409)
    walk_report(walk, round, facilitator, swedish_phone(), "closed")
    assert walk.seen > 300
    assert not walk.found, "English on Swedish screens:\n" + walk.report()


def test_every_catalogue_entry_has_swedish():
    missing = [e.msgid for e in live_entries() if not e.translated]
    assert not missing, "Without Swedish (or fuzzy):\n" + "\n".join(missing)


def test_the_checker_sees_english_and_leaves_swedish_alone():
    assert english_left("<p>Gå med på <b>x</b> · kod <strong>AB</strong></p><p>3 röster</p>") == []
    found = {run for run, _text in english_left("<footer>Join at x · code <b>AB</b></footer>")}
    assert "Join at" in found
    assert english_left('<button aria-label="Results">R</button>')
    assert english_left("<p>Nobody wrote this in gettext</p>")
    assert pieces("%(counter)s person has joined") == ["person has joined"]
    assert re.search("votes", str(english_left("<p>12 votes</p>")))
