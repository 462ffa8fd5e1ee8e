"""Each phone speaks its person's language in every push; the projector and the console speak the
workshop's. Real sockets, on the in-memory and on the real Redis layer."""

import pytest
from channels.db import database_sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext

from facilitation.deliberation.demo import load_demo_workshop
from facilitation.deliberation.services import cast_vote
from facilitation.screens.stages import FEW_PHONES, render_push
from facilitation.workshops import services
from facilitation.workshops.models import Step
from tests.live.test_consumers import connect, participant_cookie, receive_until, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

SWEDISH_QUESTION, ENGLISH_QUESTION = "Vad skulle du göra?", "What would you do?"
SWEDISH_RESULTS, ENGLISH_RESULTS = "Gruppens svar", "The room's answers"


@pytest.fixture
def swedish_round(facilitator):
    """The Swedish demo's round, live, with a Swedish and an English phone in it."""
    workshop, _created = load_demo_workshop("sv", facilitators=[facilitator])
    round = services.start_round(workshop.rounds.get(), by=facilitator)
    swedish = services.join_round(round, display_name="Sara", language="sv")
    english = services.join_round(round, display_name="Emma", language="en")
    return round, swedish, english


def dilemma_of(round):
    return round.steps.filter(kind=Step.Kind.DILEMMA).order_by("position").first()


async def phone(round, participant):
    communicator, _ = await connect(
        f"/ws/participant/{round.join_code}/", participant_cookie(participant)
    )
    return communicator


async def stage_in(communicator, wanted, unwanted):
    """The next whole stage; it speaks ``wanted``'s language and not ``unwanted``'s."""
    message, _seen = await receive_until(communicator, wanted)
    assert unwanted not in message
    return message


async def test_each_phone_keeps_its_language_across_a_step_change_a_reveal_and_a_reconnect(
    channel_layer, swedish_round, facilitator
):
    round, swedish, english = swedish_round
    sara, emma = await phone(round, swedish), await phone(round, english)
    await receive_until(sara, "Du är med!")
    await receive_until(emma, "You are in.")

    dilemma = await database_sync_to_async(dilemma_of)(round)
    await database_sync_to_async(services.go_to_step)(round, dilemma, by=facilitator)
    await stage_in(sara, SWEDISH_QUESTION, ENGLISH_QUESTION)
    await stage_in(emma, ENGLISH_QUESTION, SWEDISH_QUESTION)

    option = await database_sync_to_async(lambda: dilemma.options.first().pk)()
    await database_sync_to_async(cast_vote)(dilemma, swedish, option)
    await database_sync_to_async(services.reveal_results)(dilemma, by=facilitator)
    await stage_in(sara, SWEDISH_RESULTS, ENGLISH_RESULTS)
    await stage_in(emma, ENGLISH_RESULTS, SWEDISH_RESULTS)

    # A phone that lost the wifi comes back: its snapshot is in its own language too.
    await emma.disconnect()
    emma = await phone(round, english)
    message = await stage_in(emma, ENGLISH_RESULTS, SWEDISH_RESULTS)
    assert ENGLISH_QUESTION in message
    await sara.disconnect()
    sara = await phone(round, swedish)
    message = await stage_in(sara, SWEDISH_RESULTS, ENGLISH_RESULTS)
    assert SWEDISH_QUESTION in message and "Ditt svar är sparat." in message
    for socket in (sara, emma):
        await socket.disconnect()


async def test_the_projector_and_the_console_speak_the_workshops_language(
    channel_layer, swedish_round, facilitator
):
    round, swedish, _english = swedish_round
    projector, _ = await connect(f"/ws/projector/{round.projector_key}/")
    console, _ = await connect(f"/ws/facilitator/{round.pk}/", await session_cookie(facilitator))
    await stage_in(projector, "Skanna koden", "Scan the code")
    await stage_in(console, "Visas nu", "Now showing")

    dilemma = await database_sync_to_async(dilemma_of)(round)
    await database_sync_to_async(services.go_to_step)(round, dilemma, by=facilitator)
    await stage_in(projector, "Gå med på", "Join at")
    await database_sync_to_async(services.join_round)(round, display_name="Sam", language="en")
    await stage_in(projector, "3 personer har anslutit", "people have joined")
    for socket in (projector, console):
        await socket.disconnect()


class TestRenderedVariants:
    """What the hub is given: one render per language and variant present, for its phones only."""

    def test_a_choice_step_renders_once_per_language_and_answer(self, swedish_round, facilitator):
        round, swedish, english = swedish_round
        dilemma = dilemma_of(round)
        services.go_to_step(round, dilemma, by=facilitator)
        also_swedish = services.join_round(round, language="sv")
        cast_vote(dilemma, swedish, dilemma.options.first().pk)
        members = [swedish.pk, english.pk, also_swedish.pk]
        fragments = render_push(round.pk, "participant", {"stage"}, members)
        by_receivers = {frozenset(receivers): html for html, receivers in fragments}
        assert set(by_receivers) == {
            frozenset({swedish.pk}),
            frozenset({also_swedish.pk}),
            frozenset({english.pk}),
        }
        assert SWEDISH_QUESTION in by_receivers[frozenset({also_swedish.pk})]
        assert ENGLISH_QUESTION in by_receivers[frozenset({english.pk})]

    def test_a_push_for_every_phone_is_split_by_language(self, swedish_round, facilitator):
        round, swedish, english = swedish_round
        dilemma = dilemma_of(round)
        services.go_to_step(round, dilemma, by=facilitator)
        services.reveal_results(dilemma, by=facilitator)
        fragments = render_push(round.pk, "participant", {"results"}, [swedish.pk, english.pk])
        assert sorted((sorted(r), "röster" in html) for html, r in fragments) == [
            ([swedish.pk], True),
            ([english.pk], False),
        ]

    def test_the_languages_of_a_halls_phones_are_read_without_listing_them(
        self, swedish_round, facilitator
    ):
        round, _swedish, _english = swedish_round
        dilemma = dilemma_of(round)
        services.go_to_step(round, dilemma, by=facilitator)
        services.reveal_results(dilemma, by=facilitator)
        # Beyond a few phones (a snapshot's), the round's people are read, not the ids.
        hall = [services.join_round(round, language="sv").pk for _ in range(FEW_PHONES + 40)]

        def sql_sent(members):
            with CaptureQueriesContext(connection) as queries:
                render_push(round.pk, "participant", {"results"}, members)
            return sum(len(query["sql"]) for query in queries)

        assert sql_sent(hall) == sql_sent(hall[: FEW_PHONES + 1])

    def test_a_phone_whose_language_is_not_known_speaks_the_workshops(
        self, swedish_round, facilitator
    ):
        round, swedish, _english = swedish_round
        unknown = services.join_round(round)
        fragments = render_push(round.pk, "participant", {"stage"}, [unknown.pk, swedish.pk])
        [(html, receivers)] = fragments
        assert receivers == {unknown.pk, swedish.pk} and "Du är med!" in html

    def test_loading_the_page_in_another_language_changes_the_pushes(self, swedish_round, client):
        from tests.conftest import phone_for

        round, swedish, _english = swedish_round
        browser = phone_for(swedish)
        browser.get(f"/r/{round.join_code}/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
        swedish.refresh_from_db()
        assert swedish.language == "en"
        [(html, _receivers)] = render_push(round.pk, "participant", {"stage"}, [swedish.pk])
        assert "You are in." in html

    def test_own_notes_on_a_finding_are_rendered_per_author_in_their_language(
        self, swedish_round, facilitator
    ):
        from facilitation.deliberation.anchoring import sentences
        from facilitation.deliberation.annotations import annotate

        round, swedish, english = swedish_round
        finding = round.steps.filter(kind=Step.Kind.FINDING).order_by("position").first()
        services.go_to_step(round, finding, by=facilitator)
        start, end = sentences(finding.body)[0]
        annotate(finding, swedish, start=start, end=end, note="Känns igen")
        annotate(finding, english, start=start, end=end, note="Sounds familiar")
        reader = services.join_round(round, language="en")
        members = [swedish.pk, english.pk, reader.pk]
        # The whole stage goes to everyone; "Your notes" alone only to the authors.
        for topics, readers in (({"stage"}, [reader.pk]), ({"own-notes"}, [])):
            fragments = render_push(round.pk, "participant", topics, members)
            by_receivers = {frozenset(receivers): html for html, receivers in fragments}
            assert set(by_receivers) == {
                frozenset({swedish.pk}),
                frozenset({english.pk}),
                *(frozenset({r}) for r in readers),
            }, topics
            assert "Dina anteckningar" in by_receivers[frozenset({swedish.pk})]
            assert "Your notes" in by_receivers[frozenset({english.pk})]
            assert "Dina anteckningar" not in by_receivers[frozenset({english.pk})]

    def test_stances_on_the_code_of_conduct_are_rendered_per_language(
        self, swedish_round, facilitator
    ):
        from facilitation.deliberation import conduct

        round, swedish, english = swedish_round
        step = round.steps.get(kind=Step.Kind.CONDUCT)
        services.go_to_step(round, step, by=facilitator)
        clause = conduct.current_clauses(round.workshop)[0]
        for person in (swedish, english):
            conduct.endorse(clause, person, "agree", round=round)
        fragments = render_push(round.pk, "participant", {"conduct"}, [swedish.pk, english.pk])
        by_receivers = {frozenset(receivers): html for html, receivers in fragments}
        assert set(by_receivers) == {frozenset({swedish.pk}), frozenset({english.pk})}
        assert "Håller med" in by_receivers[frozenset({swedish.pk})]
        assert "Agree" in by_receivers[frozenset({english.pk})]
