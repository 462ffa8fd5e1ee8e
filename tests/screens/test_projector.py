from facilitation.deliberation.services import cast_vote
from facilitation.workshops import services


def projector_page(client, round):
    return client.get(f"/projector/{round.projector_key}/").content.decode()


class TestProjector:
    def test_the_lobby_shows_the_qr_code_the_join_code_and_the_count(
        self, client, live_round, participant
    ):
        page = projector_page(client, live_round)
        assert "<svg" in page
        assert live_round.join_code in page
        assert f"http://testserver/r/{live_round.join_code}/" in page
        assert "1 person has joined" in page

    def test_public_url_decides_the_address_in_the_qr_code(self, client, live_round, settings):
        settings.PUBLIC_URL = "https://balans.example.org/"
        page = projector_page(client, live_round)
        assert f"https://balans.example.org/r/{live_round.join_code}/" in page

    def test_results_are_hidden_until_revealed(
        self, client, dilemma_round, dilemma, participant, facilitator
    ):
        cast_vote(dilemma, participant, dilemma.options.first().pk)
        page = projector_page(client, dilemma_round)
        assert "1 answer so far · results are hidden" in page
        assert "100% · 1 vote" not in page
        services.reveal_results(dilemma, by=facilitator)
        page = projector_page(client, dilemma_round)
        assert "100% · 1 vote" in page
        assert "0% · 0 votes" in page

    def test_a_wrong_key_is_not_found(self, client, live_round):
        assert client.get("/projector/wrongkey/").status_code == 404

    def test_facilitator_markdown_is_sanitised(self, client, dilemma_round, dilemma):
        dilemma.body = "**Bold** <script>alert(1)</script> [x](javascript:alert(1))"
        dilemma.save()
        page = projector_page(client, dilemma_round)
        assert "<strong>Bold</strong>" in page
        assert "<script>alert(1)" not in page
        assert 'href="javascript:' not in page
