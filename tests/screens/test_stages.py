from django.db import connection
from django.test.utils import CaptureQueriesContext

from facilitation.deliberation.services import cast_vote
from facilitation.live.push import EVERYTHING
from facilitation.screens.stages import render_push
from facilitation.workshops import services


def queries_to_render(round, audience, topics, members):
    with CaptureQueriesContext(connection) as captured:
        fragments = render_push(round.pk, audience, topics, members)
    return len(captured), fragments


def test_rendering_costs_the_same_queries_however_many_have_voted(dilemma_round, dilemma):
    options = list(dilemma.options.all())
    people = [services.join_round(dilemma_round) for _ in range(3)]
    for person in people:
        cast_vote(dilemma, person, options[0].pk)
    few = {
        audience: queries_to_render(dilemma_round, audience, {EVERYTHING}, members)[0]
        for audience, members in [
            ("projector", ["http://x"]),
            ("facilitator", ["http://x"]),
            ("participant", [p.pk for p in people]),
        ]
    }
    people += [services.join_round(dilemma_round) for _ in range(27)]
    for number, person in enumerate(people[3:]):
        cast_vote(dilemma, person, options[number % len(options)].pk)
    many = {
        audience: queries_to_render(dilemma_round, audience, {EVERYTHING}, members)[0]
        for audience, members in [
            ("projector", ["http://x"]),
            ("facilitator", ["http://x"]),
            ("participant", [p.pk for p in people]),
        ]
    }
    # Phones are rendered once per distinct choice, so that part grows with the options only.
    assert many["projector"] == few["projector"]
    assert many["facilitator"] == few["facilitator"]
    assert many["participant"] <= few["participant"] + len(options)


def test_phones_get_one_render_per_choice_not_per_phone(dilemma_round, dilemma):
    options = list(dilemma.options.all())[:2]
    people = [services.join_round(dilemma_round) for _ in range(6)]
    for number, person in enumerate(people[:4]):
        cast_vote(dilemma, person, options[number % 2].pk)
    _queries, fragments = queries_to_render(
        dilemma_round, "participant", {"stage"}, [p.pk for p in people]
    )
    groups = sorted(sorted(members) for _html, members in fragments)
    assert len(fragments) == 3  # first option, second option, no answer yet
    assert sorted(pk for group in groups for pk in group) == sorted(p.pk for p in people)
    for html, members in fragments:
        pressed = html.count('aria-pressed="true"')
        assert pressed == (0 if members == {p.pk for p in people[4:]} else 1)


def test_hidden_results_are_not_pushed_to_phones(dilemma_round, dilemma, facilitator):
    person = services.join_round(dilemma_round)
    cast_vote(dilemma, person, dilemma.options.first().pk)
    assert render_push(dilemma_round.pk, "participant", {"results"}, [person.pk]) == []
    services.reveal_results(dilemma, by=facilitator)
    [(html, receivers)] = render_push(dilemma_round.pk, "participant", {"results"}, [person.pk])
    assert receivers is None
    assert "100% · 1 vote" in html
