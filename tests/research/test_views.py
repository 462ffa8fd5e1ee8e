"""The exports page and its downloads: for the workshop's facilitators and researchers only."""

import io
import zipfile

import pytest

from facilitation.research.exports import EXPORT_FORMATS
from tests import played
from tests.conftest import phone_for

from .test_formats import csv_tables

# One round played for the module (tests.played): every test here sees it, asked for or not.
played_once, facilitator, workshop, played_round = played.SHARED


def page_url(workshop):
    return f"/console/workshops/{workshop.pk}/exports/"


def download_url(workshop, key, **extra):
    query = "&".join(f"{k}={v}" for k, v in {"format": key, **extra}.items())
    return f"/console/workshops/{workshop.pk}/exports/download/?{query}"


def body(response):
    return b"".join(response.streaming_content)


class TestAccess:
    def test_a_stranger_gets_nothing(self, client, stranger, workshop, played_round):
        client.force_login(stranger)
        assert client.get(page_url(workshop)).status_code == 404
        for key in EXPORT_FORMATS:
            assert client.get(download_url(workshop, key)).status_code == 404

    def test_a_participant_gets_nothing(self, workshop, played_round):
        participant = played_round.attendances.first().participant
        phone = phone_for(participant)
        for url in (page_url(workshop), download_url(workshop, "csv")):
            response = phone.get(url)
            assert response.status_code == 302
            assert response.url.startswith("/accounts/login/")

    def test_a_round_of_another_workshop_is_not_found(self, console, workshop, stranger):
        from facilitation.workshops.models import Workshop
        from facilitation.workshops.services import create_round

        other = Workshop.objects.create(title="Theirs")
        other.facilitators.add(stranger)
        theirs = create_round(other, title="Their round")
        response = console.get(download_url(workshop, "csv", round=theirs.pk))
        assert response.status_code == 404
        assert console.get(download_url(workshop, "nonsense")).status_code == 404
        assert console.get(download_url(workshop, "csv", round="x")).status_code == 404

    def test_the_console_home_links_the_exports(self, console, workshop):
        assert page_url(workshop) in console.get("/console/").content.decode()

    def test_an_archived_workshop_is_still_exportable(self, console, workshop, played_round):
        console.post(f"/console/workshops/{workshop.pk}/archive/")
        workshop.refresh_from_db()
        assert workshop.archived_at is not None
        assert page_url(workshop) not in console.get("/console/").content.decode()
        assert page_url(workshop) in console.get("/console/?archived=1").content.decode()
        assert console.get(page_url(workshop)).status_code == 200
        tables = csv_tables(body(console.get(download_url(workshop, "csv"))))
        assert len(tables["rounds"]) == workshop.rounds.count()


class TestDownloads:
    @pytest.mark.parametrize("key", list(EXPORT_FORMATS))
    def test_a_researcher_downloads_every_format(
        self, client, researcher, workshop, played_round, key
    ):
        client.force_login(researcher)
        response = client.get(download_url(workshop, key))
        assert response.status_code == 200
        assert response.streaming
        assert response["Content-Type"] == EXPORT_FORMATS[key].content_type
        assert "attachment" in response["Content-Disposition"]
        assert response["Cache-Control"] == "private, no-store"
        assert len(body(response)) > 100

    def test_names_only_when_ticked(self, console, workshop, played_round):
        first = played_round.attendances.first().participant
        first.display_name = "Greta"
        first.save()
        without = csv_tables(body(console.get(download_url(workshop, "csv"))))
        with_names = csv_tables(body(console.get(download_url(workshop, "csv", names=1))))
        assert "Greta" not in {r["display_name"] for r in without["participants"]}
        assert "Greta" in {r["display_name"] for r in with_names["participants"]}

    def test_a_round_download_is_named_for_the_round(self, console, workshop, played_round):
        response = console.get(download_url(workshop, "qdpx", round=played_round.pk))
        assert f"round-{played_round.pk}.qdpx" in response["Content-Disposition"]
        assert "project.qde" in zipfile.ZipFile(io.BytesIO(body(response))).namelist()

    def test_the_page_offers_every_format_for_the_workshop_and_each_round(
        self, client, researcher, workshop, played_round
    ):
        client.force_login(researcher)
        page = client.get(page_url(workshop)).content.decode()
        for export in EXPORT_FORMATS.values():
            assert page.count(f'value="{export.key}"') == 1 + workshop.rounds.count()
        assert f'name="round" value="{played_round.pk}"' in page
        assert 'name="names" value="1"' in page
