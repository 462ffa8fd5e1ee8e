"""The observer view: who may open it and write in it, and what it shows."""

import pytest
from django.test import Client
from django.urls import reverse

from facilitation.fieldnotes.models import FieldNote
from facilitation.fieldnotes.services import write_field_note
from tests.conftest import phone_for

pytestmark = pytest.mark.django_db


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def urls(round, note=None):
    found = [
        ("get", reverse("console-observe", args=[round.pk])),
        ("get", reverse("console-observe-now", args=[round.pk])),
        ("post", reverse("console-write-field-note", args=[round.pk])),
    ]
    if note is not None:
        found.append(("post", reverse("console-delete-field-note", args=[round.pk, note.pk])))
    return found


class TestWhoMayObserve:
    @pytest.mark.parametrize("who", ["facilitator", "co_facilitator", "researcher"])
    def test_the_workshops_people_see_the_view(self, request, finding_round, who):
        client = logged_in(request.getfixturevalue(who))
        response = client.get(reverse("console-observe", args=[finding_round.pk]))
        assert response.status_code == 200
        assert finding_round.current_step.title in response.content.decode()

    def test_a_facilitator_of_another_workshop_gets_not_found(self, finding_round, stranger, note):
        client = logged_in(stranger)
        for method, url in urls(finding_round, note):
            assert getattr(client, method)(url, {"text": "Hi"}).status_code == 404, url
        assert FieldNote.objects.count() == 1 and not FieldNote.objects.get().deleted

    def test_anonymous_visitors_are_sent_to_log_in(self, finding_round, note):
        for method, url in urls(finding_round, note):
            response = getattr(Client(), method)(url, {"text": "Hi"})
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert FieldNote.objects.count() == 1

    def test_a_participant_is_sent_to_log_in(self, finding_round, participant):
        phone = phone_for(participant)
        response = phone.get(reverse("console-observe", args=[finding_round.pk]))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_an_unknown_round_is_not_found(self, facilitator, db):
        assert logged_in(facilitator).get("/console/rounds/999999/observe/").status_code == 404


class TestWriting:
    def test_a_note_is_written_and_listed(self, finding_round, researcher, participant):
        client = logged_in(researcher)
        code = finding_round.workshop.codes.first()
        response = client.post(
            reverse("console-write-field-note", args=[finding_round.pk]),
            {"text": "Quiet until P01 spoke", "participant": participant.pk, "codes": [code.pk]},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert page.lstrip().startswith('<div id="notes">')
        assert "Quiet until P01 spoke" in page and code.name in page
        note = FieldNote.objects.get()
        assert note.step == finding_round.current_step and note.participant == participant

    def test_without_htmx_the_page_is_shown_again(self, finding_round, researcher):
        response = logged_in(researcher).post(
            reverse("console-write-field-note", args=[finding_round.pk]), {"text": "Plain"}
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("console-observe", args=[finding_round.pk])

    def test_a_refusal_keeps_the_text_and_says_why(self, finding_round, researcher):
        response = logged_in(researcher).post(
            reverse("console-write-field-note", args=[finding_round.pk]),
            {"text": "My note", "participant": "12345678"},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert "That participant is not in this round." in page
        assert ">My note</textarea>" in page
        assert not FieldNote.objects.exists()

    def test_the_author_deletes_their_note(self, finding_round, researcher, note):
        response = logged_in(researcher).post(
            reverse("console-delete-field-note", args=[finding_round.pk, note.pk]),
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200
        assert "P01 leads the table." not in response.content.decode()
        note.refresh_from_db()
        assert note.deleted

    def test_another_observer_cannot_delete_it(self, finding_round, facilitator, note):
        page = logged_in(facilitator).get(reverse("console-observe", args=[finding_round.pk]))
        assert "P01 leads the table." in page.content.decode()
        assert reverse("console-delete-field-note", args=[finding_round.pk, note.pk]) not in (
            page.content.decode()
        )
        response = logged_in(facilitator).post(
            reverse("console-delete-field-note", args=[finding_round.pk, note.pk]),
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 403
        note.refresh_from_db()
        assert not note.deleted


class TestWhatItShows:
    def test_the_header_follows_the_round(self, finding_round, facilitator):
        from facilitation.workshops import services

        client = logged_in(facilitator)
        url = reverse("console-observe-now", args=[finding_round.pk])
        assert finding_round.current_step.title in client.get(url).content.decode()
        services.go_to_step(finding_round, None, by=facilitator)
        assert "The lobby" in client.get(url).content.decode()

    def test_notes_never_reach_the_phone_or_the_projector(
        self, finding_round, researcher, participant
    ):
        write_field_note(finding_round, by=researcher, text="Secret observation 42")
        phone = phone_for(participant).get(reverse("phone-round", args=[finding_round.join_code]))
        projector = Client().get(reverse("projector", args=[finding_round.projector_key]))
        assert phone.status_code == projector.status_code == 200
        assert b"Secret observation 42" not in phone.content + projector.content

    def test_the_round_page_and_the_exports_page_link_it(
        self, finding_round, facilitator, researcher
    ):
        url = reverse("console-observe", args=[finding_round.pk])
        assert (
            url
            in logged_in(facilitator)
            .get(reverse("console-round", args=[finding_round.pk]))
            .content.decode()
        )
        assert (
            url
            in logged_in(facilitator)
            .get(reverse("console-workshop", args=[finding_round.workshop_id]))
            .content.decode()
        )
        assert (
            url
            in logged_in(researcher)
            .get(reverse("console-exports", args=[finding_round.workshop_id]))
            .content.decode()
        )


class TestRewording:
    def test_the_author_rewords_and_the_links_stay(self, finding_round, researcher, note):
        response = logged_in(researcher).post(
            reverse("console-edit-field-note", args=[finding_round.pk, note.pk]),
            {"text": "P01 leads, then stops."},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200
        assert "P01 leads, then stops." in response.content.decode()
        note.refresh_from_db()
        assert note.text == "P01 leads, then stops." and note.participant is not None

    def test_an_empty_wording_is_refused_and_the_note_kept(self, finding_round, researcher, note):
        response = logged_in(researcher).post(
            reverse("console-edit-field-note", args=[finding_round.pk, note.pk]),
            {"text": "  "},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 400
        assert "Write something before saving a field note." in response.content.decode()
        note.refresh_from_db()
        assert note.text == "P01 leads the table."

    def test_someone_else_gets_not_found(self, finding_round, stranger, note):
        response = logged_in(stranger).post(
            reverse("console-edit-field-note", args=[finding_round.pk, note.pk]), {"text": "x"}
        )
        assert response.status_code == 404
