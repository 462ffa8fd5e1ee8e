import pytest
from django.test import Client

from facilitation.deliberation.rounds import new_round_from
from facilitation.deliberation.services import cast_vote
from facilitation.screens.identity import cookie_name
from facilitation.workshops import services
from facilitation.workshops.models import Event, Round, Step
from facilitation.workshops.participants import configure_participation, withdraw
from tests.conftest import phone_for


@pytest.fixture
def may(dilemma_round, dilemma, participant, other_participant, facilitator):
    cast_vote(dilemma, participant, dilemma.options.get(position=1).pk)
    cast_vote(dilemma, other_participant, dilemma.options.get(position=2).pk)
    return services.close_round(dilemma_round, by=facilitator)


class TestNewRoundPage:
    def test_it_offers_every_step_to_copy_and_the_choice_steps_to_ask_again(
        self, console, may, dilemma
    ):
        response = console.get(f"/console/rounds/{may.pk}/new-round/")
        page = response.content.decode()
        assert response.status_code == 200
        assert page.count('name="copy"') == may.steps.count()
        assert f'name="rerun" value="{dilemma.pk}"' in page
        assert "(continued)" in page

    def test_posting_creates_the_draft_and_opens_its_console(self, console, may, dilemma):
        response = console.post(
            f"/console/rounds/{may.pk}/new-round/",
            {"title": "November", "copy": [dilemma.pk], "rerun": [dilemma.pk]},
        )
        november = Round.objects.get(title="November")
        assert response.status_code == 302 and response.url == f"/console/rounds/{november.pk}/"
        assert [s.rerun_of for s in november.ordered_steps()] == [dilemma]

    def test_a_missing_title_is_said_and_nothing_is_created(self, console, may, dilemma):
        rounds = Round.objects.count()
        response = console.post(
            f"/console/rounds/{may.pk}/new-round/", {"title": "", "copy": [dilemma.pk]}
        )
        assert response.status_code == 400
        assert "This field is required" in response.content.decode()
        assert Round.objects.count() == rounds

    def test_junk_step_ids_are_refused_plainly(self, console, may):
        response = console.post(
            f"/console/rounds/{may.pk}/new-round/", {"title": "N", "copy": ["x'; drop"]}
        )
        assert response.status_code == 400
        assert "Choose steps from the list" in response.content.decode()

    def test_strangers_get_nothing(self, client, stranger, may):
        client.force_login(stranger)
        assert client.get(f"/console/rounds/{may.pk}/new-round/").status_code == 404
        assert (
            client.post(f"/console/rounds/{may.pk}/new-round/", {"title": "N"}).status_code == 404
        )


class TestThenAndNowOnScreens:
    def test_projector_and_console_show_then_beside_now_and_who_changed(
        self, console, client, may, dilemma, participant, other_participant, facilitator
    ):
        november = services.start_round(
            new_round_from(may, title="November", by=facilitator), by=facilitator
        )
        copy = november.steps.get(rerun_of=dilemma)
        services.go_to_step(november, copy, by=facilitator)
        for person in (participant, other_participant):
            services.join_round(november, participant=person)
            cast_vote(copy, person, copy.options.get(position=2).pk)
        services.reveal_results(copy, by=facilitator)
        for page in (
            console.get(f"/console/rounds/{november.pk}/").content.decode(),
            client.get(f"/projector/{november.projector_key}/").content.decode(),
        ):
            assert "then-and-now" in page
            assert f"Then ({may.title}) and now" in page
            assert "Of the 2 people who answered both times, 1 changed their answer." in page


class TestReturningParticipants:
    def test_the_same_browser_is_the_same_participant_in_the_next_round(
        self, may, participant, facilitator
    ):
        november = services.start_round(
            new_round_from(may, title="November", by=facilitator), by=facilitator
        )
        phone = phone_for(participant)
        page = phone.get(f"/r/{november.join_code}/")
        assert "Welcome back, Anna" in page.content.decode()
        response = phone.post(f"/r/{november.join_code}/join/", {"display_name": ""})
        assert response.status_code == 302
        assert november.is_attended_by(participant)
        assert november.workshop.participants.count() == 2  # nobody new

    def test_the_personal_code_is_on_the_phone_at_any_time(self, phone, live_round, participant):
        page = phone.get(f"/r/{live_round.join_code}/").content.decode()
        assert "Your personal code" in page
        assert participant.formatted_rejoin_code in page

    def test_a_card_link_fills_in_the_code_but_signs_nobody_in(
        self, client, live_round, participant
    ):
        response = client.get(
            f"/r/{live_round.join_code}/rejoin/", {"code": participant.rejoin_code}
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert f'value="{participant.rejoin_code}"' in page
        assert cookie_name(live_round.workshop_id) not in response.cookies
        assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]

    def test_a_new_device_continues_with_the_code(self, live_round, participant):
        device = Client()
        response = device.post(
            f"/r/{live_round.join_code}/rejoin/",
            {"rejoin_code": participant.formatted_rejoin_code.lower()},
        )
        assert response.status_code == 302
        page = device.get(f"/r/{live_round.join_code}/").content.decode()
        assert "Anna" in page

    def test_wrong_codes_are_throttled_per_round_and_address_with_a_clear_message(
        self, live_round, participant, facilitator
    ):
        device = Client()
        url = f"/r/{live_round.join_code}/rejoin/"
        for _attempt in range(10):
            assert device.post(url, {"rejoin_code": "WRONGCODE"}).status_code == 400
        response = device.post(url, {"rejoin_code": participant.rejoin_code})
        assert response.status_code == 429
        assert "Too many wrong personal codes" in response.content.decode()
        # Another round of the workshop is counted on its own.
        other = services.start_round(
            services.create_round(live_round.workshop, title="Other", by=facilitator),
            by=facilitator,
        )
        response = device.post(f"/r/{other.join_code}/rejoin/", {"rejoin_code": "WRONGCODE"})
        assert response.status_code == 400

    def test_the_cards_carry_each_code_and_a_qr_for_the_round(
        self, console, live_round, participant, other_participant
    ):
        withdraw(other_participant)
        response = console.get(f"/console/rounds/{live_round.pk}/cards/")
        page = response.content.decode()
        assert response.status_code == 200
        assert participant.formatted_rejoin_code in page
        assert other_participant.formatted_rejoin_code not in page
        assert page.count("<svg") >= 1

    def test_strangers_cannot_print_cards(self, client, stranger, live_round, participant):
        client.force_login(stranger)
        assert client.get(f"/console/rounds/{live_round.pk}/cards/").status_code == 404


class TestConsentAndQuestionsOnThePhone:
    def test_consent_comes_first_then_the_questions_then_the_stage(
        self, workshop, facilitator, live_round, phone, participant
    ):
        configure_participation(
            workshop,
            attributes="Municipality\nRole: Communicator, Manager",
            consent_text="We keep **your answers**.",
            on_withdrawal="remove",
            by=facilitator,
        )
        url = f"/r/{live_round.join_code}/"
        page = phone.get(url).content.decode()
        assert "<strong>your answers</strong>" in page and "I agree" in page
        assert phone.post(url + "consent/").status_code == 302
        page = phone.get(url).content.decode()
        assert "A few questions for the research" in page
        response = phone.post(url + "about-you/", {"municipality": "Umeå", "role": "Boss"})
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
        response = phone.post(url + "about-you/", {"municipality": "Umeå", "role": "Manager"})
        assert response.status_code == 302
        participant.refresh_from_db()
        assert participant.attributes == {"municipality": "Umeå", "role": "Manager"}
        assert 'id="stage"' in phone.get(url).content.decode()

    def test_skipping_the_questions_is_fine(self, workshop, facilitator, live_round, phone):
        configure_participation(
            workshop,
            attributes="Municipality",
            consent_text="",
            on_withdrawal="remove",
            by=facilitator,
        )
        url = f"/r/{live_round.join_code}/"
        assert phone.post(url + "about-you/", {"skip": "1", "municipality": "x"}).status_code == 302
        assert 'id="stage"' in phone.get(url).content.decode()

    def test_withdrawing_asks_first_then_records_it(
        self, live_round, phone, participant, facilitator
    ):
        url = f"/r/{live_round.join_code}/withdraw/"
        assert "This cannot be undone" in phone.get(url).content.decode()
        assert phone.post(url).status_code == 302
        participant.refresh_from_db()
        assert participant.withdrawn_at is not None
        page = phone.get(f"/r/{live_round.join_code}/").content.decode()
        assert "You have withdrawn" in page
        assert Event.objects.filter(kind="participant.withdrew", participant=participant)
        # Joining again is as someone new, and the join page does not greet the old self.
        next_round = services.start_round(
            services.create_round(live_round.workshop, title="Next", by=facilitator),
            by=facilitator,
        )
        page = phone.get(f"/r/{next_round.join_code}/").content.decode()
        assert "Take part" in page and "Welcome back" not in page
        response = phone.post(f"/r/{live_round.join_code}/join/", {"display_name": ""})
        assert response.status_code == 302
        assert live_round.workshop.participants.count() == 2


class TestParticipationSettings:
    def test_the_facilitator_sets_questions_consent_and_withdrawal(self, console, workshop):
        url = f"/console/workshops/{workshop.pk}/participants/"
        assert console.get(url).status_code == 200
        response = console.post(
            url,
            {
                "attributes": "Years in the job: 0-2, 3-10, 10+",
                "consent_text": "Yes?",
                "on_withdrawal": "anonymise",
            },
        )
        assert response.status_code == 302
        workshop.refresh_from_db()
        assert workshop.participant_attributes[0]["choices"] == ["0-2", "3-10", "10+"]
        assert (workshop.consent_text, workshop.on_withdrawal) == ("Yes?", "anonymise")

    def test_bad_questions_are_refused_and_the_text_kept(self, console, workshop):
        url = f"/console/workshops/{workshop.pk}/participants/"
        response = console.post(
            url, {"attributes": "Role: a, a", "consent_text": "", "on_withdrawal": "remove"}
        )
        assert response.status_code == 400
        assert "same choice twice" in response.content.decode()
        assert "Role: a, a" in response.content.decode()

    def test_strangers_get_nothing(self, client, stranger, workshop):
        client.force_login(stranger)
        url = f"/console/workshops/{workshop.pk}/participants/"
        assert client.get(url).status_code == 404


class TestArchive:
    def test_an_archived_workshop_leaves_the_list_and_can_be_found_again(self, console, workshop):
        listed = f"{workshop.title}</a></h2>"
        assert listed in console.get("/console/").content.decode()
        console.post(f"/console/workshops/{workshop.pk}/archive/")
        assert listed not in console.get("/console/").content.decode()
        assert listed in console.get("/console/?archived=1").content.decode()
        console.post(f"/console/workshops/{workshop.pk}/unarchive/")
        assert listed in console.get("/console/").content.decode()

    def test_an_archived_workshops_rounds_still_open(self, console, workshop, draft_round):
        console.post(f"/console/workshops/{workshop.pk}/archive/")
        assert console.get(f"/console/rounds/{draft_round.pk}/").status_code == 200


class TestClosedRoundIsReadOnly:
    """Every write on a closed round is refused with a message, and changes nothing."""

    @pytest.fixture
    def closed(self, may):
        return may

    def test_console_actions_are_refused(self, console, closed, dilemma):
        events = Event.objects.count()
        for url, data in [
            (f"/console/rounds/{closed.pk}/next/", {}),
            (f"/console/rounds/{closed.pk}/go/", {"step": "lobby"}),
            (f"/console/rounds/{closed.pk}/start/", {}),
            (f"/console/rounds/{closed.pk}/steps/{dilemma.pk}/reveal/", {}),
            (f"/console/rounds/{closed.pk}/steps/{dilemma.pk}/unlock/", {}),
            (f"/console/rounds/{closed.pk}/steps/{dilemma.pk}/second-pass/", {}),
            (f"/console/rounds/{closed.pk}/steps/{dilemma.pk}/timer/", {"seconds": "60"}),
        ]:
            response = console.post(url, data, HTTP_HX_REQUEST="true")
            assert response.status_code == 409, url
            assert "closed" in response.content.decode(), url
        assert Event.objects.count() == events

    def test_moderation_is_refused(self, console, closed, dilemma, participant):
        from facilitation.deliberation.models import Annotation, Response, Statement

        finding = closed.steps.filter(kind=Step.Kind.FINDING).first()
        note = Annotation.objects.create(
            step=finding, participant=participant, exact="x", start=0, end=1
        )
        statements = closed.steps.filter(kind=Step.Kind.STATEMENTS).first()
        waiting = Statement.objects.create(
            step=statements, text="Waiting", status=Statement.Status.PENDING
        )
        vote = Response.objects.filter(step=dilemma).first()
        events = Event.objects.count()
        for url, data in [
            (f"/console/rounds/{closed.pk}/answers/{vote.pk}/visibility/", {"hidden": "1"}),
            (f"/console/rounds/{closed.pk}/statements/{waiting.pk}/approve/", {}),
            (f"/console/rounds/{closed.pk}/annotations/{note.pk}/hide/", {}),
            (f"/console/rounds/{closed.pk}/steps/{finding.pk}/premoderation/", {"on": "1"}),
        ]:
            response = console.post(url, data, HTTP_HX_REQUEST="true")
            assert response.status_code == 409, url
            assert "closed" in response.content.decode(), url
        assert Event.objects.count() == events
        vote.refresh_from_db()
        waiting.refresh_from_db()
        assert not vote.hidden and waiting.status == Statement.Status.PENDING

    def test_phones_cannot_answer_join_or_annotate(self, closed, dilemma, participant):
        phone = phone_for(participant)
        events = Event.objects.count()
        response = phone.post(
            f"/r/{closed.join_code}/steps/{dilemma.pk}/vote/",
            {"option": dilemma.options.first().pk},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 409
        assert "not running" in response.content.decode()
        response = Client().post(f"/r/{closed.join_code}/join/", {"display_name": "New"})
        assert response.status_code == 409 and "not open to join" in response.content.decode()
        finding = closed.steps.filter(kind=Step.Kind.FINDING).first()
        response = phone.post(
            f"/r/{closed.join_code}/steps/{finding.pk}/annotations/",
            {"start": 0, "end": 5},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code in {403, 409}
        assert Event.objects.count() == events


def test_the_new_round_page_says_which_version_of_the_code_comes_along(db, client, facilitator):
    from facilitation.deliberation.conduct import latest_version
    from facilitation.deliberation.demo import load_demo_workshop

    workshop, _created = load_demo_workshop("en", facilitators=[facilitator])
    client.force_login(facilitator)
    page = client.get(f"/console/rounds/{workshop.rounds.get().pk}/new-round/").content.decode()
    number = latest_version(workshop).number
    assert "The code of conduct comes along" in page
    assert f"starts from version {number} of the code" in page
