"""Groups and discussions through the screens: phones write, the console splits and moves,
every audience sees what it should, and bad input gets a message."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitation.deliberation.discussion import add_note, set_report_back
from facilitation.deliberation.models import DiscussionNote
from facilitation.live.push import EVERYTHING
from facilitation.screens.stages import render_push
from facilitation.workshops import services
from facilitation.workshops.groups import NAMES_SHOWN, group_of, split_into_groups
from facilitation.workshops.models import BreakoutGroup, Event, GroupMembership, Step
from facilitation.workshops.participants import describe_participant
from tests.conftest import phone_for

HX = {"HTTP_HX_REQUEST": "true"}
SCRIPT = '<script>alert("x")</script><b>fet</b>'


@pytest.fixture
def discussion(live_round):
    return live_round.steps.get(kind=Step.Kind.DISCUSSION)


@pytest.fixture
def groups(live_round, participant, other_participant, facilitator):
    """Anna (P01) in group 1, Bo (P02) in group 2."""
    live_round.workshop.participant_attributes = [{"key": "role", "label": "Role"}]
    live_round.workshop.save()
    # Both answer the workshop's question alike, so the split falls back on pseudonyms; having
    # answered, their phones go straight to the stage.
    for person in (participant, other_participant):
        describe_participant(person, {"role": "Kommunikatör"})
    return split_into_groups(
        live_round, method="balanced", attribute="role", count=2, by=facilitator
    )


@pytest.fixture
def on_discussion(live_round, discussion, groups, facilitator):
    services.go_to_step(live_round, discussion, by=facilitator)
    return discussion


def add_url(round, step):
    return f"/r/{round.join_code}/steps/{step.pk}/discussion-notes/"


def note_url(round, note, what):
    return f"/r/{round.join_code}/discussion-notes/{note.pk}/{what}/"


class TestPhone:
    def test_the_phone_shows_the_prompt_the_group_and_its_notes(
        self, phone, live_round, on_discussion, groups, participant, other_participant
    ):
        add_note(on_discussion, participant, group=groups[0], text="Vem säger ja?")
        add_note(on_discussion, other_participant, group=groups[1], text="Bos grupps idé")
        page = phone.get(f"/r/{live_round.join_code}/").content.decode()
        assert on_discussion.title in page
        assert "You are in Group 1" in page
        assert "Vem säger ja?" in page
        assert "Bos grupps idé" not in page
        assert f'name="group" value="{groups[0].pk}"' in page

    def test_a_participant_adds_a_note_and_sees_it_escaped(
        self, phone, live_round, on_discussion, groups, participant
    ):
        response = phone.post(
            add_url(live_round, on_discussion), {"group": groups[0].pk, "text": SCRIPT}, **HX
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;fet&lt;/b&gt;" in page
        assert "<script>alert" not in page
        note = DiscussionNote.objects.get()
        assert note.participant == participant and note.group == groups[0]
        assert note_url(live_round, note, "edit") in page  # their own: edit and delete

    def test_a_note_for_another_group_is_refused_with_a_message(
        self, phone, live_round, on_discussion, groups
    ):
        response = phone.post(
            add_url(live_round, on_discussion), {"group": groups[1].pk, "text": "Smyg"}, **HX
        )
        assert response.status_code == 403
        assert "You are in Group 1 now" in response.content.decode()
        assert not DiscussionNote.objects.exists()

    @pytest.mark.parametrize("group", ["", "abc", "999999"])
    def test_a_missing_or_unknown_group_is_refused(
        self, phone, live_round, on_discussion, groups, group
    ):
        response = phone.post(
            add_url(live_round, on_discussion), {"group": group, "text": "Hej"}, **HX
        )
        assert response.status_code == 403
        assert 'class="error"' in response.content.decode()
        assert not DiscussionNote.objects.exists()

    def test_an_overlong_note_is_refused_and_says_the_limit(
        self, phone, live_round, on_discussion, groups
    ):
        response = phone.post(
            add_url(live_round, on_discussion), {"group": groups[0].pk, "text": "x" * 281}, **HX
        )
        assert response.status_code == 400
        assert "at most 280 characters; this one has 281" in response.content.decode()

    def test_someone_elses_note_cannot_be_edited_or_deleted(
        self, live_round, on_discussion, groups, participant, other_participant
    ):
        note = add_note(on_discussion, participant, group=groups[0], text="Annas")
        bo = phone_for(other_participant)
        for what, data in [("edit", {"text": "Bos"}), ("delete", {})]:
            response = bo.post(note_url(live_round, note, what), data, **HX)
            assert response.status_code == 403
            assert "only change your own notes" in response.content.decode()
        note.refresh_from_db()
        assert note.text == "Annas" and not note.deleted

    def test_the_author_edits_and_deletes(
        self, phone, live_round, on_discussion, groups, participant
    ):
        note = add_note(on_discussion, participant, group=groups[0], text="Först")
        response = phone.post(note_url(live_round, note, "edit"), {"text": "Sedan"}, **HX)
        assert response.status_code == 200 and "Sedan" in response.content.decode()
        response = phone.post(note_url(live_round, note, "delete"), {}, **HX)
        assert response.status_code == 200 and "Sedan" not in response.content.decode()

    def test_a_note_on_a_step_that_is_not_current_is_refused(
        self, phone, live_round, on_discussion, groups, dilemma, facilitator
    ):
        services.go_to_step(live_round, dilemma, by=facilitator)
        response = phone.post(
            add_url(live_round, on_discussion), {"group": groups[0].pk, "text": "Sent"}, **HX
        )
        assert response.status_code == 409
        assert "moved on" in response.content.decode()
        assert not DiscussionNote.objects.exists()

    def test_without_htmx_the_message_comes_back_on_the_page(
        self, phone, live_round, on_discussion, groups
    ):
        response = phone.post(
            add_url(live_round, on_discussion), {"group": groups[0].pk, "text": ""}, follow=True
        )
        assert "Write something before adding a note." in response.content.decode()

    def test_a_stranger_is_sent_to_the_join_page(self, client, live_round, on_discussion, groups):
        response = client.post(
            add_url(live_round, on_discussion), {"group": groups[0].pk, "text": "Hej"}
        )
        assert "Join this workshop round before adding notes." in response.content.decode()
        assert not DiscussionNote.objects.exists()

    def test_a_vote_on_a_discussion_is_refused_with_a_message(
        self, phone, live_round, on_discussion
    ):
        response = phone.post(
            f"/r/{live_round.join_code}/steps/{on_discussion.pk}/vote/", {"option": "1"}, **HX
        )
        assert response.status_code in {400, 409}
        assert 'class="error"' in response.content.decode()

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        payload=st.dictionaries(
            st.sampled_from(["group", "text", "x"]),
            st.lists(st.text(max_size=400), max_size=3),
            max_size=3,
        )
    )
    def test_any_payload_gets_a_note_or_a_message(
        self, phone, live_round, on_discussion, groups, payload
    ):
        before = DiscussionNote.objects.count()
        response = phone.post(add_url(live_round, on_discussion), payload, **HX)
        assert response.status_code in {200, 400, 403, 409}
        if response.status_code != 200:
            assert 'class="error"' in response.content.decode()
            assert DiscussionNote.objects.count() == before


class TestConsole:
    def split_url(self, round):
        return f"/console/rounds/{round.pk}/groups/split/"

    def test_the_console_shows_the_groups_panel_and_splits_the_room(
        self, console, live_round, participant, other_participant
    ):
        page = console.get(f"/console/rounds/{live_round.pk}/").content.decode()
        assert "Split the room into groups" in page
        assert "No groups yet; 2 people in the room." in page
        response = console.post(
            self.split_url(live_round), {"method": "random", "by": "count", "number": "2"}, **HX
        )
        assert response.status_code == 200
        assert GroupMembership.objects.filter(round=live_round).count() == 2
        assert "Group 2" in response.content.decode()

    def test_a_split_mixed_by_an_attribute(self, console, live_round, facilitator):
        live_round.workshop.participant_attributes = [
            {"key": "municipality", "label": "Municipality"}
        ]
        live_round.workshop.save()
        people = []
        for name, municipality in [("A", "Lund"), ("B", "Lund"), ("C", "Ystad"), ("D", "Ystad")]:
            person = services.join_round(live_round, display_name=name)
            person.attributes = {"municipality": municipality}
            person.save()
            people.append(person)
        page = console.get(f"/console/rounds/{live_round.pk}/").content.decode()
        assert '<option value="municipality">Municipality</option>' in page
        response = console.post(
            self.split_url(live_round),
            {"method": "balanced", "attribute": "municipality", "by": "count", "number": "2"},
            **HX,
        )
        assert response.status_code == 200
        # Lund, Lund, Ystad, Ystad dealt out in turn: each group gets one of each.
        assert group_of(live_round, people[0]).number == 1
        assert group_of(live_round, people[1]).number == 2
        assert group_of(live_round, people[2]).number == 1
        assert group_of(live_round, people[3]).number == 2

    def test_a_split_by_size(self, console, live_round, participant, other_participant):
        console.post(
            self.split_url(live_round), {"method": "random", "by": "size", "number": "2"}, **HX
        )
        assert live_round.groups.count() == 1

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"method": "random", "by": "count", "number": "x"}, "whole number"),
            ({"method": "random", "by": "count", "number": "9"}, "at most 2 groups"),
            ({"method": "balanced", "attribute": "age", "number": "2"}, "participant attributes"),
            ({"method": "??", "number": "2"}, "at random or balanced"),
        ],
    )
    def test_bad_splits_get_a_message_and_change_nothing(
        self, console, live_round, participant, other_participant, data, message
    ):
        response = console.post(self.split_url(live_round), data, **HX)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not BreakoutGroup.objects.exists()

    def move_url(self, round):
        return f"/console/rounds/{round.pk}/groups/move/"

    def test_a_person_is_moved_by_hand_named_by_pseudonym_or_name(
        self, console, live_round, groups, participant
    ):
        page = console.get(f"/console/rounds/{live_round.pk}/").content.decode()
        assert page.count('name="person"') == 1  # one form for the room, not one per person
        response = console.post(
            self.move_url(live_round), {"person": "P01", "group": groups[1].pk}, **HX
        )
        assert response.status_code == 200
        assert group_of(live_round, participant) == groups[1]
        for typed in ("p1", " 01 ", "anna"):
            console.post(self.move_url(live_round), {"person": typed, "group": "new"}, **HX)
        # Each of them named Anna: three new groups, the last one hers.
        assert group_of(live_round, participant).number == 5
        assert Event.objects.filter(kind="groups.moved", participant=participant).count() == 4

    @pytest.mark.parametrize(
        ("typed", "message", "status"),
        [
            ("", "Type the pseudonym (such as P07) or the name", 400),
            ("\x00\u200b ", "Type the pseudonym (such as P07) or the name", 400),
            ("P99", "Nobody in this round goes by “P99”.", 404),
            ("Cecilia", "Nobody in this round goes by “Cecilia”.", 404),
            ("<b>Cai</b>", "goes by “&lt;b&gt;Cai&lt;/b&gt;”.", 404),
        ],
    )
    def test_a_move_of_someone_unknown_gets_a_message_and_moves_no_one(
        self, console, live_round, groups, participant, typed, message, status
    ):
        response = console.post(
            self.move_url(live_round), {"person": typed, "group": groups[1].pk}, **HX
        )
        assert response.status_code == status
        assert message in response.content.decode()
        assert group_of(live_round, participant) == groups[0]

    def test_a_name_two_people_share_asks_for_the_pseudonym(
        self, console, live_round, groups, participant
    ):
        namesake = services.join_round(live_round, display_name="ANNA")
        response = console.post(
            self.move_url(live_round), {"person": "Anna", "group": groups[1].pk}, **HX
        )
        assert response.status_code == 400
        assert "More than one person here is called “Anna”" in response.content.decode()
        assert group_of(live_round, participant) == groups[0]
        assert group_of(live_round, namesake) != groups[1]

    def test_someone_of_another_round_is_not_found(self, console, live_round, groups, facilitator):
        later = services.start_round(
            services.create_round(live_round.workshop, title="November"), by=facilitator
        )
        stranger = services.join_round(later, display_name="Stina")
        response = console.post(
            self.move_url(live_round), {"person": stranger.pseudonym, "group": "new"}, **HX
        )
        assert response.status_code == 404
        assert not GroupMembership.objects.filter(participant=stranger, round=live_round).exists()

    def test_people_in_no_group_are_listed_and_placed(
        self, console, live_round, groups, participant, other_participant, facilitator
    ):
        GroupMembership.objects.filter(participant=other_participant).delete()
        page = console.get(f"/console/rounds/{live_round.pk}/").content.decode()
        assert "1 person is in no group:" in page and "Bo" in page
        response = console.post(f"/console/rounds/{live_round.pk}/groups/place/", **HX)
        assert response.status_code == 200
        # Group 2 was left empty, so it is no longer in use: Bo joins Anna in group 1.
        assert group_of(live_round, other_participant) == groups[0]
        assert Event.objects.filter(kind="groups.placed", user=facilitator).exists()

    def test_placing_people_without_groups_is_refused(self, console, live_round, participant):
        response = console.post(f"/console/rounds/{live_round.pk}/groups/place/", **HX)
        assert response.status_code == 409
        assert "Split the room into groups first." in response.content.decode()

    def test_a_move_to_no_group_gets_a_message(self, console, live_round, groups, participant):
        response = console.post(self.move_url(live_round), {"person": "P01", "group": "x"}, **HX)
        assert response.status_code == 400
        assert "Choose the group" in response.content.decode()

    def test_the_console_sees_every_groups_notes_and_toggles_the_report_back(
        self, console, live_round, on_discussion, groups, participant, other_participant
    ):
        add_note(on_discussion, participant, group=groups[0], text="Grupp ett")
        add_note(on_discussion, other_participant, group=groups[1], text="Grupp två")
        page = console.get(f"/console/rounds/{live_round.pk}/").content.decode()
        assert "Grupp ett" in page and "Grupp två" in page
        assert "Propose as clause" in page
        response = console.post(
            f"/console/rounds/{live_round.pk}/discussions/{on_discussion.pk}/report-back/",
            {"on": "1"},
            **HX,
        )
        assert response.status_code == 200
        on_discussion.refresh_from_db()
        assert on_discussion.settings["report_back"]

    def test_proposing_a_note_as_a_clause(
        self, console, live_round, on_discussion, groups, participant
    ):
        note = add_note(on_discussion, participant, group=groups[0], text="Svara inom ett dygn")
        response = console.post(
            f"/console/rounds/{live_round.pk}/discussion-notes/{note.pk}/propose-clause/", **HX
        )
        assert response.status_code == 200
        assert "Proposed as a clause" in response.content.decode()
        note.refresh_from_db()
        assert note.clause.text == "Svara inom ett dygn"

    def test_participants_and_strangers_cannot_use_facilitator_actions(
        self, phone, client, stranger, live_round, on_discussion, groups, participant
    ):
        urls = [
            (self.split_url(live_round), {"method": "random", "number": "2"}),
            (f"/console/rounds/{live_round.pk}/groups/end/", {}),
            (f"/console/rounds/{live_round.pk}/groups/place/", {}),
            (self.move_url(live_round), {"person": participant.pseudonym, "group": "new"}),
            (
                f"/console/rounds/{live_round.pk}/discussions/{on_discussion.pk}/report-back/",
                {"on": "1"},
            ),
        ]
        client.force_login(stranger)
        for url, data in urls:
            assert phone.post(url, data).status_code == 302  # to the login page
            assert client.post(url, data).status_code == 404
        assert live_round.groups.count() == 2
        assert not Event.objects.filter(kind__in=["groups.moved", "discussion.report_back"])
        assert group_of(live_round, participant) == groups[0]


class TestProjector:
    def test_during_the_discussion_it_shows_who_is_where_and_how_many_notes(
        self, client, live_round, on_discussion, groups, participant
    ):
        add_note(on_discussion, participant, group=groups[0], text="Inte på projektorn än")
        page = client.get(f"/projector/{live_round.projector_key}/").content.decode()
        assert "Group 1" in page and "Anna" in page and "Bo" in page
        assert "1 note" in page
        assert "Inte på projektorn än" not in page

    def test_the_report_back_shows_each_groups_notes_escaped(
        self, client, live_round, on_discussion, groups, participant, facilitator
    ):
        add_note(on_discussion, participant, group=groups[0], text=SCRIPT)
        set_report_back(on_discussion, True, by=facilitator)
        page = client.get(f"/projector/{live_round.projector_key}/").content.decode()
        assert "Report-back" in page
        assert "&lt;script&gt;" in page and "<script>alert" not in page

    def test_the_report_back_says_how_many_notes_do_not_fit(
        self, client, live_round, on_discussion, groups, participant, facilitator
    ):
        for number in range(7):
            add_note(on_discussion, participant, group=groups[0], text=f"Idé {number}")
        set_report_back(on_discussion, True, by=facilitator)
        page = client.get(f"/projector/{live_round.projector_key}/").content.decode()
        assert "and 2 more notes on the console" in page


class TestPushes:
    def test_phones_of_different_groups_get_different_notes(
        self, live_round, on_discussion, groups, participant, other_participant
    ):
        add_note(on_discussion, participant, group=groups[0], text="Bara grupp ett")
        add_note(on_discussion, other_participant, group=groups[1], text="Bara grupp två")
        members = [participant.pk, other_participant.pk]
        for topics in ({"discussion"}, {EVERYTHING}):
            fragments = render_push(live_round.pk, "participant", topics, members)
            to_anna = "".join(t for t, m in fragments if m is None or participant.pk in m)
            to_bo = "".join(t for t, m in fragments if m is None or other_participant.pk in m)
            assert "Bara grupp ett" in to_anna and "Bara grupp två" not in to_anna
            assert "Bara grupp två" in to_bo and "Bara grupp ett" not in to_bo

    @pytest.mark.parametrize("authors", [2, 12])
    def test_a_whole_stage_push_reads_the_groups_and_notes_once_however_many_write(
        self, live_round, on_discussion, groups, participant, other_participant, authors
    ):
        people = [participant, other_participant]
        people += [services.join_round(live_round, display_name=f"N{n}") for n in range(10)]
        for person in people[:authors]:
            add_note(on_discussion, person, group=group_of(live_round, person), text="En tanke")
        members = [person.pk for person in people]
        with CaptureQueriesContext(connection) as queries:
            fragments = render_push(live_round.pk, "participant", {EVERYTHING}, members)
        # One for each author, then one for each group's others (none left when all wrote).
        assert len(fragments) == {2: 2 + 2, 12: 12}[authors]
        # The round, the people's languages, the authors' notes, their groups, the groups with
        # their members and notes, the questions board, the recording mark and the report: the
        # same however many authors there are.
        assert len(queries) <= 10, [q["sql"][:80] for q in queries]

    def test_a_group_of_many_is_named_in_part_on_every_screen(
        self, client, console, live_round, on_discussion, groups, participant, facilitator
    ):
        for n in range(2 * NAMES_SHOWN):
            services.join_round(live_round, display_name=f"Deltagare {n}")  # the smallest group
        sizes = [g.memberships.count() for g in live_round.groups.order_by("number")]
        assert sizes == [NAMES_SHOWN + 1, NAMES_SHOWN + 1]
        more = "and 1 more"
        phone = phone_for(participant).get(f"/r/{live_round.join_code}/").content.decode()
        projector = client.get(f"/projector/{live_round.projector_key}/").content.decode()
        console_page = console.get(f"/console/rounds/{live_round.pk}/").content.decode()
        assert more in phone
        assert projector.count(more) == 2
        assert console_page.count(more) == 4  # the discussion's cards and the groups panel

    def test_a_note_push_is_one_render_per_group(
        self, live_round, on_discussion, groups, participant, other_participant
    ):
        cai = services.join_round(live_round, display_name="Cai")  # the smallest group: 1
        add_note(on_discussion, participant, group=groups[0], text="Ett")
        fragments = render_push(
            live_round.pk,
            "participant",
            {"discussion"},
            [participant.pk, other_participant.pk, cai.pk],
        )
        assert sorted(sorted(m) for _t, m in fragments) == [
            sorted([participant.pk, cai.pk]),
            [other_participant.pk],
        ]
        assert all(t.lstrip().startswith('<section id="group-notes"') for t, _m in fragments)

    def test_the_projector_and_console_get_the_groups_live(
        self, live_round, on_discussion, groups, participant
    ):
        add_note(on_discussion, participant, group=groups[0], text="Synlig för konsolen")
        ((projector, _),) = render_push(live_round.pk, "projector", {"discussion"}, [])
        assert projector.lstrip().startswith('<div id="discussion"') and "1 note" in projector
        ((console, _),) = render_push(live_round.pk, "facilitator", {"discussion"}, [])
        assert "Synlig för konsolen" in console

    def test_a_new_split_during_a_discussion_redraws_every_stage(
        self, live_round, on_discussion, groups, participant
    ):
        fragments = render_push(live_round.pk, "participant", {"groups"}, [participant.pk])
        assert fragments[0][0].lstrip().startswith('<div id="stage"')
        ((console, _),) = render_push(live_round.pk, "facilitator", {"groups"}, [])
        assert 'id="stage"' in console

    def test_away_from_a_discussion_the_console_gets_just_its_groups_panel(
        self, live_round, groups
    ):
        ((console, _),) = render_push(live_round.pk, "facilitator", {"groups"}, [])
        assert console.lstrip().startswith('<section id="groups"')
        assert render_push(live_round.pk, "participant", {"groups"}, [1]) == []
