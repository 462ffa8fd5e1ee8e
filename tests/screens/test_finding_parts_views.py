"""The console steps a long finding through its parts; the projector shows one part at a time."""

import pytest

from facilitation.deliberation.finding_parts import finding_parts, shown_part
from facilitation.workshops import services
from facilitation.workshops.models import Step
from tests.deliberation.test_finding_parts import LONG


@pytest.fixture
def long_finding(live_round, facilitator):
    step = live_round.steps.filter(kind=Step.Kind.FINDING).first()
    step.body = LONG
    step.save()
    services.go_to_step(live_round, step, by=facilitator)
    return step


def part_url(step):
    return f"/console/rounds/{step.round_id}/steps/{step.pk}/finding-part/"


class TestFindingPartsOnScreens:
    def test_the_projector_shows_one_part_and_says_which(self, client, long_finding):
        page = client.get(f"/projector/{long_finding.round.projector_key}/").content.decode()
        parts = len(finding_parts(LONG))
        assert f"part 1 of {parts}" in page
        assert "First section" in page
        assert "Second section" not in page

    def test_phones_keep_the_whole_text(self, long_finding, phone):
        page = phone.get(f"/r/{long_finding.round.join_code}/").content.decode()
        assert "First section" in page and "Second section" in page

    def test_the_console_steps_to_the_next_part(self, console, client, long_finding):
        page = console.get(f"/console/rounds/{long_finding.round_id}/").content.decode()
        assert "Next part" in page and "The projector shows part 1 of" in page
        response = console.post(part_url(long_finding), {"part": "2"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert "The projector shows part 2 of" in response.content.decode()
        long_finding.refresh_from_db()
        assert shown_part(long_finding) == 1
        projector = client.get(f"/projector/{long_finding.round.projector_key}/").content.decode()
        assert "part 2 of" in projector

    def test_a_part_that_is_not_there_is_refused_with_a_message(self, console, long_finding):
        response = console.post(part_url(long_finding), {"part": "99"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 400
        assert "This finding has parts 1 to" in response.content.decode()
        response = console.post(part_url(long_finding), {"part": "x"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 400
        assert "Choose the part of the finding to show." in response.content.decode()

    def test_someone_who_does_not_facilitate_gets_nothing(self, client, stranger, long_finding):
        client.force_login(stranger)
        response = client.post(part_url(long_finding), {"part": "2"})
        assert response.status_code == 404
        long_finding.refresh_from_db()
        assert shown_part(long_finding) == 0
