"""A database that cannot serve in time answers "busy, try again" (503), never a 500.

Each test makes the database really busy: another connection holds SQLite's write lock, or every
connection of PostgreSQL's pool is taken. Nothing is stored, and once it frees up the same vote goes
through.
"""

import contextlib
import sqlite3

import pytest
from django.db import connection

from facilitation.deliberation.models import Response

pytestmark = pytest.mark.django_db(transaction=True)


def vote(phone, round, step, option, **headers):
    return phone.post(
        f"/r/{round.join_code}/steps/{step.pk}/vote/", {"option": option.pk}, **headers
    )


@contextlib.contextmanager
def database_busy():
    """Hold what a vote needs: SQLite's write lock, or every connection of PostgreSQL's pool."""
    if connection.vendor == "sqlite":
        holder = sqlite3.connect(connection.settings_dict["NAME"], uri=True, timeout=0)
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("DELETE FROM deliberation_response WHERE 0")
        try:
            yield
        finally:
            holder.rollback()
            holder.close()
        return
    options = connection.settings_dict["OPTIONS"]
    saved = options["pool"]
    connection.close()
    connection.close_pool()
    options["pool"] = {**saved, "min_size": 1, "max_size": 1, "timeout": 0.5}
    held = connection.pool
    held.open()
    taken = held.getconn()
    try:
        yield
    finally:
        held.putconn(taken)
        connection.close()
        connection.close_pool()
        options["pool"] = saved


class TestBusyDatabase:
    def test_a_vote_gets_503_with_retry_after_and_nothing_is_stored(
        self, phone, dilemma_round, dilemma
    ):
        option = dilemma.options.first()
        with database_busy():
            response = vote(phone, dilemma_round, dilemma, option, HTTP_HX_REQUEST="true")
        assert response.status_code == 503
        assert response["Retry-After"] == "1"
        assert "The server is busy and did not save this" in response.content.decode()
        assert not Response.objects.exists()
        again = vote(phone, dilemma_round, dilemma, option, HTTP_HX_REQUEST="true")
        assert again.status_code == 200
        assert Response.objects.get().option == option

    def test_without_htmx_the_busy_page_says_so_in_words(self, phone, dilemma_round, dilemma):
        option = dilemma.options.first()
        with database_busy():
            response = vote(phone, dilemma_round, dilemma, option)
        assert response.status_code == 503
        page = response.content.decode()
        assert "The server is busy and did not save this" in page
        assert 'role="alert"' in page
        assert "Traceback" not in page

    def test_it_speaks_swedish(self, phone, dilemma_round, dilemma):
        option = dilemma.options.first()
        with database_busy():
            response = vote(
                phone,
                dilemma_round,
                dilemma,
                option,
                HTTP_HX_REQUEST="true",
                HTTP_ACCEPT_LANGUAGE="sv",
            )
        assert response.status_code == 503
        assert "upptagen" in response.content.decode()


class TestBusyOutsideTheView:
    """A database error raised by a middleware (before the view runs) reaches the 500 handler,
    which says "busy, try again" as the view's error would."""

    def test_the_error_handler_answers_503_for_a_database_that_cannot_serve(self, rf, db):
        from django.db import OperationalError, transaction

        from facilitation.screens.errors import server_error

        request = rf.post("/r/ABCDEF/join/", HTTP_HX_REQUEST="true")
        with database_busy(), pytest.raises(OperationalError):
            try:
                with transaction.atomic():  # as a middleware that writes would
                    Response.objects.filter(pk=0).delete()
            except OperationalError:
                response = server_error(request)
                raise
        assert response.status_code == 503
        assert response["Retry-After"] == "1"
        assert "The server is busy and did not save this" in response.content.decode()

    def test_any_other_error_is_the_plain_500_page(self, rf, db):
        from facilitation.screens.errors import server_error

        request = rf.get("/")
        try:
            raise ValueError("a bug")
        except ValueError:
            response = server_error(request)
        assert response.status_code == 500
        assert "Something went wrong on our side" in response.content.decode()
