import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from facilitation.deliberation.models import Response
from facilitation.screens.identity import cookie_name
from facilitation.workshops import services
from facilitation.workshops.models import Participant
from facilitation.workshops.participants import withdraw
from tests.conftest import phone_for


def vote_url(round, step):
    return f"/r/{round.join_code}/steps/{step.pk}/vote/"


class TestHome:
    def test_it_offers_the_code_form(self, client, db):
        response = client.get("/")
        assert response.status_code == 200
        assert b'name="code"' in response.content

    def test_a_good_code_leads_to_the_round(self, client, live_round):
        response = client.get("/", {"code": live_round.join_code.lower()})
        assert response.status_code == 302
        assert response.url == f"/r/{live_round.join_code}/"

    def test_a_wrong_code_says_so(self, client, live_round):
        response = client.get("/", {"code": "WRONG1"})
        assert response.status_code == 404
        assert "no workshop with the code" in response.content.decode()

    def test_it_speaks_swedish_to_a_swedish_browser(self, client, db):
        response = client.get("/", HTTP_ACCEPT_LANGUAGE="sv-SE,sv;q=0.9")
        assert "Gå med i en workshop" in response.content.decode()
        assert 'lang="sv"' in response.content.decode()

    def test_a_round_that_has_not_started_says_so(self, client, draft_round):
        response = client.get("/", {"code": draft_round.join_code})
        assert response.status_code == 409
        assert "not started yet" in response.content.decode()


class TestJoin:
    def test_a_newcomer_sees_the_join_form(self, client, live_round):
        response = client.get(f"/r/{live_round.join_code}/")
        assert response.status_code == 200
        assert b'name="display_name"' in response.content

    def test_joining_sets_a_signed_httponly_cookie_and_shows_the_personal_code(
        self, client, live_round
    ):
        response = client.post(f"/r/{live_round.join_code}/join/", {"display_name": "Anna"})
        assert response.status_code == 302
        cookie = response.cookies[cookie_name(live_round.workshop_id)]
        assert cookie["httponly"]
        assert cookie["samesite"] == "Lax"
        participant = Participant.objects.get()
        assert participant.token not in cookie.value.split(":")[-1]
        page = client.get(response.url)
        assert participant.formatted_rejoin_code in page.content.decode()
        assert "Anna" in page.content.decode()

    def test_the_personal_code_is_shown_large_once_then_waits_behind_your_code(
        self, client, live_round
    ):
        response = client.post(f"/r/{live_round.join_code}/join/", {"display_name": "Anna"})
        assert response.url.endswith("?welcome")
        code = Participant.objects.get().formatted_rejoin_code
        first = client.get(response.url).content.decode()
        welcome = first[first.index('class="personal-code welcome-code"') :]
        welcome = welcome[: welcome.index("</section>")]
        assert code in welcome and "Write it down." in welcome
        assert f'data-copy="{code}"' in welcome and "I have written it down" in welcome
        assert 'class="your-code"' not in first
        later = client.get(f"/r/{live_round.join_code}/").content.decode()
        assert "welcome-code" not in later and "Write it down." not in later
        behind = later[later.index('<details class="your-code">') :]
        assert code in behind[: behind.index("</details>")]
        # Withdrawing comes after the step, at the foot of the page.
        assert later.index('id="stage"') < later.index("Withdraw from this workshop")

    def test_a_reload_keeps_the_same_participant(self, client, live_round):
        client.post(f"/r/{live_round.join_code}/join/", {"display_name": ""})
        client.get(f"/r/{live_round.join_code}/")
        client.post(f"/r/{live_round.join_code}/join/", {"display_name": ""})
        assert Participant.objects.count() == 1

    def test_an_overlong_name_is_refused_with_a_message(self, client, live_round):
        response = client.post(f"/r/{live_round.join_code}/join/", {"display_name": "x" * 41})
        assert response.status_code == 400
        assert "at most 40 characters" in response.content.decode()
        assert not Participant.objects.exists()

    def test_a_closed_round_cannot_be_joined(self, client, live_round, facilitator):
        services.close_round(live_round, by=facilitator)
        response = client.post(f"/r/{live_round.join_code}/join/", {"display_name": "A"})
        assert response.status_code == 409
        assert "not open to join" in response.content.decode()
        assert not Participant.objects.exists()

    def test_an_unknown_round_is_a_friendly_404(self, client, db):
        response = client.get("/r/NOPE99/")
        assert response.status_code == 404
        assert "Check the address or the workshop code" in response.content.decode()

    def test_a_tampered_cookie_is_not_trusted(self, client, live_round, participant):
        client.cookies[cookie_name(live_round.workshop_id)] = participant.token + ":forged"
        response = client.get(f"/r/{live_round.join_code}/")
        assert b'name="display_name"' in response.content
        assert "was not recognised" in response.content.decode()

    def test_a_cookie_copied_from_another_workshop_is_not_trusted(
        self, live_round, participant, facilitator
    ):
        from facilitation.workshops.models import Workshop

        elsewhere = Workshop.objects.create(title="Elsewhere")
        other = services.start_round(services.create_round(elsewhere, title="R"), by=facilitator)
        phone = phone_for(participant)
        phone.cookies[cookie_name(elsewhere.pk)] = phone.cookies[
            cookie_name(live_round.workshop_id)
        ].value
        response = phone.get(f"/r/{other.join_code}/")
        assert b'name="display_name"' in response.content
        assert "was not recognised" in response.content.decode()

    def test_the_personal_code_brings_a_person_back_on_a_new_phone(self, live_round, participant):
        new_phone = Client()
        response = new_phone.post(
            f"/r/{live_round.join_code}/rejoin/",
            {"rejoin_code": participant.formatted_rejoin_code.lower()},
        )
        assert response.status_code == 302
        page = new_phone.get(response.url)
        assert participant.formatted_rejoin_code in page.content.decode()
        assert Participant.objects.count() == 1

    def test_a_wrong_personal_code_is_refused(self, client, live_round, participant):
        response = client.post(f"/r/{live_round.join_code}/rejoin/", {"rejoin_code": "ZZZZ-ZZZZ"})
        assert response.status_code == 400
        assert "not known in this workshop" in response.content.decode()


class TestVote:
    def test_a_vote_returns_the_stage_with_the_choice_marked(self, phone, dilemma_round, dilemma):
        option = dilemma.options.first()
        response = phone.post(
            vote_url(dilemma_round, dilemma), {"option": option.pk}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert f'value="{option.pk}" class="option" aria-pressed="true"' in html
        assert "Your answer is saved" in html
        assert Response.objects.get().option == option

    def test_without_htmx_a_vote_redirects_back_to_the_round(self, phone, dilemma_round, dilemma):
        response = phone.post(
            vote_url(dilemma_round, dilemma), {"option": dilemma.options.first().pk}
        )
        assert response.status_code == 302
        assert Response.objects.count() == 1

    def test_a_foreign_option_gets_a_message_and_stores_nothing(
        self, phone, dilemma_round, dilemma
    ):
        response = phone.post(
            vote_url(dilemma_round, dilemma), {"option": "999999"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 400
        assert "not one of this question" in response.content.decode()
        assert not Response.objects.exists()

    def test_garbage_instead_of_an_option_gets_a_message(self, phone, dilemma_round, dilemma):
        response = phone.post(
            vote_url(dilemma_round, dilemma), {"option": "<script>"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 400
        assert "not one of this question" in response.content.decode()

    def test_a_locked_step_answers_with_the_reason(
        self, phone, dilemma_round, dilemma, facilitator
    ):
        services.lock_voting(dilemma, by=facilitator)
        response = phone.post(
            vote_url(dilemma_round, dilemma),
            {"option": dilemma.options.first().pk},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 409
        assert "The facilitator has closed answers on this step" in response.content.decode()
        assert not Response.objects.exists()

    def test_a_stranger_without_a_cookie_cannot_vote(self, client, dilemma_round, dilemma):
        response = client.post(
            vote_url(dilemma_round, dilemma), {"option": dilemma.options.first().pk}
        )
        assert "Join this workshop round before answering" in response.content.decode()
        assert not Response.objects.exists()

    def test_a_step_of_another_round_is_not_found(self, phone, dilemma_round, facilitator):
        other = services.create_round(dilemma_round.workshop, title="November")
        from facilitation.workshops.models import Step

        step = Step.objects.create(round=other, position=1, kind="dilemma", title="D")
        response = phone.post(vote_url(dilemma_round, step), {"option": 1})
        assert response.status_code == 404

    def test_csrf_is_enforced(self, participant, dilemma_round, dilemma):
        strict = phone_for(participant)
        strict.handler.enforce_csrf_checks = True
        response = strict.post(
            vote_url(dilemma_round, dilemma), {"option": dilemma.options.first().pk}
        )
        assert response.status_code == 403
        assert "expired" in response.content.decode()
        assert not Response.objects.exists()


class TestPhonePage:
    def test_results_stay_hidden_until_revealed(
        self, phone, dilemma_round, dilemma, participant, facilitator
    ):
        from facilitation.deliberation.services import cast_vote

        cast_vote(dilemma, participant, dilemma.options.first().pk)
        page = phone.get(f"/r/{dilemma_round.join_code}/").content.decode()
        assert "1 answer in all" not in page
        services.reveal_results(dilemma, by=facilitator)
        page = phone.get(f"/r/{dilemma_round.join_code}/").content.decode()
        assert "1 answer in all" in page
        assert "100% · 1 vote" in page

    def test_markup_in_a_display_name_is_shown_as_text(self, client, live_round):
        client.post(f"/r/{live_round.join_code}/join/", {"display_name": "<b>x</b>"})
        page = client.get(f"/r/{live_round.join_code}/").content.decode()
        assert "&lt;b&gt;x&lt;/b&gt;" in page
        assert "<b>x</b>" not in page


class TestRateLimits:
    def test_guessing_personal_codes_is_throttled_with_a_clear_message(self, client, live_round):
        # Wrong codes are counted per round and address (see test_rounds_views for the details).
        url = f"/r/{live_round.join_code}/rejoin/"
        statuses = [client.post(url, {"rejoin_code": "ZZZZ-ZZZZ"}).status_code for _ in range(10)]
        assert set(statuses) == {400}
        response = client.post(url, {"rejoin_code": "ZZZZ-ZZZZ"})
        assert response.status_code == 429
        assert "Too many wrong personal codes" in response.content.decode()


def test_a_name_of_only_spaces_gets_a_message_and_nothing_is_stored(client, live_round):
    response = client.post(f"/r/{live_round.join_code}/join/", {"display_name": "    "})
    assert response.status_code == 400
    assert "at least one visible character" in response.content.decode()
    assert not Participant.objects.exists()


class TestVotesOfAHall:
    def test_a_steps_round_is_read_once_not_at_every_vote(
        self, dilemma_round, dilemma, participant, other_participant
    ):
        option = dilemma.options.first()
        url = vote_url(dilemma_round, dilemma)
        with CaptureQueriesContext(connection) as first:
            phone_for(participant).post(url, {"option": option.pk}, HTTP_HX_REQUEST="true")
        with CaptureQueriesContext(connection) as second:
            response = phone_for(other_participant).post(
                url, {"option": option.pk}, HTTP_HX_REQUEST="true"
            )
        assert response.status_code == 200
        assert len(second) == len(first) - 1
        assert Response.objects.count() == 2

    def test_a_vote_on_a_step_deleted_meanwhile_is_refused_with_a_message(
        self, dilemma_round, dilemma, participant, other_participant
    ):
        url = vote_url(dilemma_round, dilemma)
        option = dilemma.options.first()
        phone_for(participant).post(url, {"option": option.pk}, HTTP_HX_REQUEST="true")
        dilemma.delete()
        response = phone_for(other_participant).post(
            url, {"option": option.pk}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 409
        assert "no longer on screen" in response.content.decode()

    def test_a_phone_that_has_voted_is_found_again_without_reading_its_person(
        self, dilemma_round, dilemma, participant
    ):
        first, second = dilemma.options.all()[:2]
        url = vote_url(dilemma_round, dilemma)
        phone = phone_for(participant)
        with CaptureQueriesContext(connection) as found:
            phone.post(url, {"option": first.pk}, HTTP_HX_REQUEST="true")
        with CaptureQueriesContext(connection) as remembered:
            response = phone.post(url, {"option": second.pk}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200

        def by_token(queries):
            return [query for query in queries if '"token" = ' in query["sql"]]

        assert len(by_token(found)) == 1
        assert by_token(remembered) == []
        assert Response.objects.get().option == second

    def test_a_phone_whose_page_was_loaded_votes_without_reading_its_person(
        self, dilemma_round, dilemma, participant
    ):
        phone = phone_for(participant)
        assert phone.get(f"/r/{dilemma_round.join_code}/").status_code == 200
        with CaptureQueriesContext(connection) as queries:
            response = phone.post(
                vote_url(dilemma_round, dilemma),
                {"option": dilemma.options.first().pk},
                HTTP_HX_REQUEST="true",
            )
        assert response.status_code == 200
        assert [query for query in queries if '"token" = ' in query["sql"]] == []

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (lambda person: withdraw(person), "withdrawn"),
            (lambda person: person.attendances.all().delete(), "Join this workshop round first"),
        ],
        ids=["withdrawn", "no longer attending"],
    )
    def test_a_change_to_the_person_since_their_last_vote_is_seen_by_the_next_one(
        self, dilemma_round, dilemma, participant, change, message
    ):
        first, second = dilemma.options.all()[:2]
        url = vote_url(dilemma_round, dilemma)
        phone = phone_for(participant)
        phone.post(url, {"option": first.pk}, HTTP_HX_REQUEST="true")
        change(Participant.objects.get(pk=participant.pk))
        response = phone.post(url, {"option": second.pk}, HTTP_HX_REQUEST="true")
        assert response.status_code == 403
        assert message in response.content.decode()
        assert Response.objects.get().option == first


class TestJoiningOfAHall:
    """A hall joins within minutes: each arrival's requests read nothing twice."""

    def test_someone_new_is_admitted_without_looking_for_an_earlier_attendance(
        self, client, live_round
    ):
        with CaptureQueriesContext(connection) as joining:
            response = client.post(f"/r/{live_round.join_code}/join/", {"display_name": ""})
        assert response.status_code == 302
        assert live_round.attendances.count() == 1
        assert not [q for q in joining if 'FROM "workshops_attendance"' in q["sql"]]

    def test_the_phone_page_reads_the_workshop_with_the_round_and_the_options_once(
        self, dilemma_round, dilemma, participant, facilitator
    ):
        services.reveal_results(dilemma, by=facilitator)  # the tally reads the options too
        with CaptureQueriesContext(connection) as page:
            response = phone_for(participant).get(f"/r/{dilemma_round.join_code}/")
        assert response.status_code == 200
        assert dilemma.options.first().label in response.content.decode()

        def reading(table):
            return [q["sql"] for q in page if f'FROM "{table}"' in q["sql"]]

        assert reading("workshops_workshop") == []  # joined to the round's
        assert len(reading("deliberation_option")) == 1
