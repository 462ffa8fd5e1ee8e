"""The report's pages: the console's (facilitators only, in the workshop's language, with the
publish toggle) and the participants' (only once published), and the links to them."""

import pytest
from django.test import Client

from facilitation.deliberation.demo import load_demo_workshop
from facilitation.reports.services import is_published, publish_report
from facilitation.workshops import services
from facilitation.workshops.models import Event
from tests.conftest import phone_for


def text(response):
    return response.content.decode()


def report_url(round):
    return f"/console/rounds/{round.pk}/report/"


def publish_url(round):
    return f"/console/rounds/{round.pk}/report/publish/"


class TestConsolePage:
    def test_a_facilitator_sees_every_step_and_the_publish_button(self, console, live_round):
        response = console.get(report_url(live_round))
        assert response.status_code == 200
        page = text(response)
        assert "Report of the round" in page
        for step in live_round.ordered_steps():
            assert f">{step.title}</h2>" in page.replace("&#x27;", "'")
        assert "Publish the report to the participants" in page
        assert "data-print" in page

    def test_the_console_of_the_round_links_to_it(self, console, live_round):
        assert f'href="{report_url(live_round)}"' in text(
            console.get(f"/console/rounds/{live_round.pk}/")
        )

    def test_another_facilitator_gets_not_found(self, client, stranger, live_round):
        client.force_login(stranger)
        assert client.get(report_url(live_round)).status_code == 404
        assert client.post(publish_url(live_round), {"published": "1"}).status_code == 404
        assert not is_published(live_round)

    def test_without_an_account_it_asks_to_log_in(self, client, live_round):
        response = client.get(report_url(live_round))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_a_participant_is_asked_to_log_in(self, phone, live_round):
        response = phone.get(report_url(live_round))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert phone.post(publish_url(live_round), {"published": "1"}).status_code == 302
        assert not is_published(live_round)

    def test_it_speaks_the_workshops_language_whatever_the_browser_asks(self, facilitator):
        workshop, _created = load_demo_workshop("sv", facilitators=[facilitator])
        round = services.start_round(workshop.rounds.get(), by=facilitator)
        console = Client(HTTP_ACCEPT_LANGUAGE="en")
        console.force_login(facilitator)
        page = text(console.get(report_url(round)))
        assert 'lang="sv"' in page
        assert "Rapport från omgången" in page


class TestPublishing:
    def test_publishing_opens_the_participants_page_and_links_to_it(
        self, console, live_round, participant
    ):
        phone = phone_for(participant)
        code = live_round.join_code
        assert phone.get(f"/r/{code}/report/").status_code == 404
        assert f"/r/{code}/report/" not in text(phone.get(f"/r/{code}/"))
        response = console.post(publish_url(live_round), {"published": "1"})
        assert response.status_code == 302 and response["Location"] == report_url(live_round)
        assert Event.objects.filter(kind="report.published").count() == 1
        page = text(console.get(report_url(live_round)))
        assert "The report is published" in page and "Take the report back" in page
        assert f'href="/r/{code}/report/"' in text(phone.get(f"/r/{code}/"))
        assert f'href="/r/{code}/report/"' in text(Client().get(f"/r/{code}/"))
        report = phone.get(f"/r/{code}/report/")
        assert report.status_code == 200 and "Report of the round" in text(report)
        # Anyone with the round's code may read it, as they may open the join page.
        assert Client().get(f"/r/{code}/report/").status_code == 200

    def test_taking_it_back_closes_the_page_again(self, console, live_round):
        publish_report(live_round, published=True, by=console_user(console))
        console.post(publish_url(live_round), {"published": "0"})
        assert not is_published(live_round)
        assert Client().get(f"/r/{live_round.join_code}/report/").status_code == 404
        assert Event.objects.filter(kind="report.unpublished").count() == 1

    def test_the_join_page_of_a_closed_round_links_to_a_published_report(
        self, console, live_round, facilitator
    ):
        services.close_round(live_round, by=facilitator)
        console.post(publish_url(live_round), {"published": "1"})
        response = Client().get(f"/r/{live_round.join_code}/")
        assert response.status_code == 409
        assert "The report of this round" in text(response)

    @pytest.mark.parametrize("value", ["", "yes", "2"])
    def test_a_value_other_than_0_or_1_is_refused_with_a_message(self, console, live_round, value):
        response = console.post(publish_url(live_round), {"published": value})
        assert response.status_code == 400
        assert "Say whether to publish the report" in text(response)
        assert not is_published(live_round)

    def test_a_draft_round_is_refused_with_a_message(self, console, draft_round):
        response = console.post(publish_url(draft_round), {"published": "1"})
        assert response.status_code == 409
        assert "has not started yet" in text(response)

    def test_publishing_needs_the_csrf_token(self, facilitator, live_round):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(facilitator)
        assert browser.post(publish_url(live_round), {"published": "1"}).status_code == 403
        assert not is_published(live_round)

    def test_publishing_is_a_post(self, console, live_round):
        assert console.get(publish_url(live_round)).status_code == 405


class TestParticipantsPage:
    def test_an_unpublished_report_is_not_found(self, phone, live_round):
        assert phone.get(f"/r/{live_round.join_code}/report/").status_code == 404

    def test_an_unknown_code_is_not_found(self, client, db):
        assert client.get("/r/ZZZZZZ/report/").status_code == 404

    def test_it_has_no_console_controls(self, live_round, facilitator, phone):
        publish_report(live_round, published=True, by=facilitator)
        page = text(phone.get(f"/r/{live_round.join_code}/report/"))
        assert "Publish the report" not in page and "Take the report back" not in page
        assert "csrfmiddlewaretoken" not in page

    def test_a_hall_opening_it_at_once_gets_one_render(self, live_round, facilitator, phone):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        publish_report(live_round, published=True, by=facilitator)
        url = f"/r/{live_round.join_code}/report/"
        with CaptureQueriesContext(connection) as first:
            page = text(phone.get(url))
        others = [Client() for _ in range(3)]
        with CaptureQueriesContext(connection) as later:
            pages = [text(other.get(url)) for other in others]
        # The report is built once; the others only find the round and that it is published.
        assert len(later) <= 3 * 3 < len(first)
        assert all(live_round.title in p for p in pages)
        assert {p.split("<main", 1)[1] for p in pages} == {page.split("<main", 1)[1]}

    def test_taking_it_back_closes_it_at_once_despite_the_cache(
        self, live_round, facilitator, phone
    ):
        publish_report(live_round, published=True, by=facilitator)
        url = f"/r/{live_round.join_code}/report/"
        assert phone.get(url).status_code == 200
        publish_report(live_round, published=False, by=facilitator)
        assert phone.get(url).status_code == 404


def console_user(console):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=console.session["_auth_user_id"])
