"""What a hall's joining costs the live side: each phone's socket and snapshot, and the pushes
about people coming in, may not grow with the room or query for nothing."""

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext

from facilitation.live.consumers import CLOSE_FORBIDDEN, authorise
from facilitation.live.push import EVERYTHING
from facilitation.screens.identity import (
    forget_attendees,
    participant_from_cookies,
    remember_participant,
    remembered_phone,
)
from facilitation.screens.stages import (
    FACILITATOR,
    PARTICIPANT,
    PROJECTOR,
    qr_svg,
    render_push,
)
from facilitation.workshops import services
from facilitation.workshops.groups import NAMES_SHOWN, split_into_groups
from facilitation.workshops.models import GroupMembership

pytestmark = pytest.mark.django_db


def cookies_of(participant):
    response = HttpResponse()
    remember_participant(response, participant)
    return {name: morsel.value for name, morsel in response.cookies.items()}


def let_in(round, cookies):
    """The socket's authorisation as the consumer runs it, outside the event loop."""
    return authorise.func(PARTICIPANT, round.join_code, {"cookies": cookies})


class TestAPhonesSocket:
    def test_once_its_page_found_them_it_is_let_in_on_the_round_alone(
        self, live_round, participant, django_assert_num_queries
    ):
        cookies = cookies_of(participant)
        # The phone's page, loaded after joining, finds them (and the worker remembers them).
        participant_from_cookies(cookies, live_round.workshop_id, attending=live_round)
        with django_assert_num_queries(1):  # the round of the code, nothing about the person
            assert let_in(live_round, cookies) == ((live_round.pk, participant.pk), None)

    def test_once_its_page_found_them_the_worker_knows_it_without_the_database(
        self, live_round, participant, facilitator, django_assert_num_queries
    ):
        forget_attendees()
        cookies = cookies_of(participant)
        assert remembered_phone(cookies, live_round.join_code) is None  # no page served yet
        participant_from_cookies(cookies, live_round.workshop_id, attending=live_round)
        later = services.start_round(
            services.create_round(live_round.workshop, title="November"), by=facilitator
        )
        # Someone's page in the later round was served too, so its code is known here.
        stina = services.join_round(later, display_name="Stina")
        participant_from_cookies(cookies_of(stina), later.workshop_id, attending=later)
        tampered = {name: value[:-1] + "x" for name, value in cookies.items()}
        with django_assert_num_queries(0):
            assert remembered_phone(cookies, live_round.join_code) == (
                live_round.pk,
                participant.pk,
            )
            assert remembered_phone(cookies, later.join_code) is None  # not in that round
            assert remembered_phone(tampered, live_round.join_code) is None
            assert remembered_phone({}, live_round.join_code) is None

    def test_without_the_page_it_finds_them_in_one_query(self, live_round, participant):
        with CaptureQueriesContext(connection) as queries:
            allowed = let_in(live_round, cookies_of(participant))
        assert allowed == ((live_round.pk, participant.pk), None)
        assert len(queries) == 2  # the round, then the person with their attendance

    def test_someone_of_the_workshop_who_has_not_joined_this_round_is_refused(
        self, live_round, participant, facilitator
    ):
        later = services.create_round(live_round.workshop, title="November", by=facilitator)
        later = services.start_round(later, by=facilitator)
        assert let_in(later, cookies_of(participant)) == (None, CLOSE_FORBIDDEN)


PHONE_LANGUAGE = '"workshops_participant"."language"'


def join_many(round, count):
    return [services.join_round(round).pk for _ in range(count)]


class TestPushesWhileAHallJoins:
    def test_a_snapshot_for_a_few_phones_reads_their_languages_by_id_not_the_room(
        self, dilemma_round, participant
    ):
        join_many(dilemma_round, 30)
        with CaptureQueriesContext(connection) as queries:
            render_push(dilemma_round.pk, PARTICIPANT, {EVERYTHING}, [participant.pk])
        [languages] = [q["sql"] for q in queries if PHONE_LANGUAGE in q["sql"]]
        assert '"workshops_participant"."id" IN (' in languages
        assert "workshops_attendance" not in languages  # not every attendee of the round

    def test_people_coming_in_push_nothing_to_phones_and_read_no_stage(
        self, dilemma_round, participant, other_participant
    ):
        members = [participant.pk, other_participant.pk]
        with CaptureQueriesContext(connection) as queries:
            fragments = render_push(dilemma_round.pk, PARTICIPANT, {"people"}, members)
        assert fragments == []  # a phone shows no count of the room
        assert len(queries) <= 2, [q["sql"] for q in queries]  # the round and the languages

    def test_the_lobbys_qr_code_is_drawn_once_however_often_the_lobby_is_pushed(
        self, live_round, participant
    ):
        assert live_round.current_step is None  # the lobby shows the QR code
        qr_svg.cache_clear()
        for _ in range(3):
            [(html, _receivers)] = render_push(live_round.pk, PROJECTOR, {EVERYTHING}, [""])
            assert "<svg" in html and "1 person has joined" in html
            # The count alone is pushed as people come in: no QR code is drawn for it.
            [(html, _receivers)] = render_push(live_round.pk, PROJECTOR, {"people"}, [""])
            assert html.strip().startswith('<p id="people"') and "<svg" not in html
        assert qr_svg.cache_info().misses == 1

    @pytest.mark.parametrize("audience", [PROJECTOR, FACILITATOR])
    def test_people_coming_in_push_the_screens_their_counts_and_read_no_stage(
        self, dilemma_round, participant, audience
    ):
        join_many(dilemma_round, 30)
        services.reveal_results(
            dilemma_round.current_step, by=dilemma_round.workshop.facilitators.get()
        )
        with CaptureQueriesContext(connection) as queries:
            [(html, _receivers)] = render_push(dilemma_round.pk, audience, {"people"}, [""])
        assert "31 people have joined" in html
        read = " ".join(q["sql"] for q in queries)
        # Not the tally, the questions, the recording mark, nor the room's people one by one
        # (the console counts who has answered: "3 of 31 have answered").
        tally = '"deliberation_response"."option_id"'
        for table in (tally, "questions_", "recording_", 'SELECT "workshops_participant"'):
            assert table not in read, table
        assert ("deliberation_response" in read) == (audience == FACILITATOR)
        assert len(queries) <= {PROJECTOR: 2, FACILITATOR: 6}[audience], read


class TestTheConsolesGroupsPanelInAHall:
    def test_after_a_split_it_counts_names_a_few_and_has_one_move_form_for_the_room(
        self, console, live_round, facilitator
    ):
        join_many(live_round, 400)
        split_into_groups(live_round, method="random", count=10, by=facilitator)
        [(html, _receivers)] = render_push(live_round.pk, FACILITATOR, {"people"}, [""])
        assert html.count("(40 people)") == 10
        assert html.count('class="member"') == 10 * NAMES_SHOWN
        assert html.count(f"and {40 - NAMES_SHOWN} more") == 10
        assert html.count("<form") == 3  # split, move someone, end the groups
        assert html.count("<option") == 11  # the ten groups and a new one, once
        page = console.get(f"/console/rounds/{live_round.pk}/").content.decode()
        assert page.count('name="person"') == 1
        assert len(html) < 40_000, len(html)

    def test_those_in_no_group_are_counted_and_named(self, console, live_round, facilitator):
        join_many(live_round, 5)
        split_into_groups(live_round, method="random", count=2, by=facilitator)
        # As when people joined at the very moment of the split: only P01 is in a group.
        GroupMembership.objects.exclude(participant__number=1).delete()
        page = console.get(f"/console/rounds/{live_round.pk}/").content.decode()
        assert "4 people are in no group:" in page
        assert "P02, P03, P04, P05" in page
