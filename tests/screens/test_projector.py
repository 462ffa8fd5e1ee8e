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


class TestComparedVotes:
    """The first vote and the vote after discussion, side by side: a row per option with both
    values as bars with their numbers, a legend, and the change in percentage points."""

    def test_each_option_has_its_row_with_both_values_and_the_signed_change(
        self, client, dilemma_round, dilemma, participant, other_participant, facilitator
    ):
        from facilitation.deliberation.services import open_second_pass

        first, second = list(dilemma.options.order_by("position"))[:2]
        cast_vote(dilemma, participant, first.pk)
        cast_vote(dilemma, other_participant, first.pk)
        open_second_pass(dilemma, by=facilitator)
        cast_vote(dilemma, participant, first.pk)
        cast_vote(dilemma, other_participant, second.pk)  # one changed her mind
        services.reveal_results(dilemma, by=facilitator)
        page = projector_page(client, dilemma_round)
        paired = page[page.index('class="paired"') :]
        paired = paired[: paired.index('class="paired-unit"')]
        assert "First vote and the vote after discussion" in paired
        for key in ("First vote", "After discussion", "Change"):
            assert f'">{key}</span>' in paired  # the legend
        rows = paired.split('class="paired-row"')[1:]
        assert len(rows) == dilemma.options.count()
        options = dilemma.options.all()
        by_label = {option.label: row for option, row in zip(options, rows, strict=True)}
        assert "100% · 2 votes" in by_label[first.label]
        assert "50% · 1 vote" in by_label[first.label]
        assert "paired-change down" in by_label[first.label] and "-50" in by_label[first.label]
        assert "paired-change up" in by_label[second.label] and "+50" in by_label[second.label]
        assert all("paired-change same" in row for row in rows[2:])


def test_a_change_is_up_down_the_same_or_not_known():
    from types import SimpleNamespace

    from facilitation.screens.kinds import paired_rows

    def share(percent):
        return SimpleNamespace(percent=percent)

    rows = paired_rows(
        [("a", share(20), share(50)), ("b", share(50), share(20)), ("c", share(30), share(30))]
        + [("d", None, share(10))]
    )
    assert [(r["change"], r["direction"]) for r in rows] == [
        (30, "up"),
        (-30, "down"),
        (0, "same"),
        (None, None),
    ]
