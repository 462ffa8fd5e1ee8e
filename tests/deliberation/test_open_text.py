from unittest import mock

import pytest
from django.db.models import Max
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitation.deliberation.answer_kinds.open_text import (
    MAX_LENGTH,
    cloud_layout,
    tidy_text,
    word_cloud,
    words_of,
)
from facilitation.deliberation.models import Response
from facilitation.deliberation.moderation import set_answer_hidden
from facilitation.deliberation.services import submit_answer, tally
from facilitation.workshops import services
from facilitation.workshops.models import Event, Step


def add_step(round, kind, by, **fields):
    """A new step at the end of ``round``'s agenda, shown now."""
    position = (round.steps.aggregate(top=Max("position"))["top"] or 0) + 1
    step = Step.objects.create(
        round=round, position=position, kind=kind, title=fields.pop("title", kind), **fields
    )
    services.go_to_step(round, step, by=by)
    return step


@pytest.fixture
def open_text(live_round, facilitator):
    return add_step(live_round, Step.Kind.OPEN_TEXT, facilitator)


def write(step, participant, text):
    return submit_answer(step, participant, {"text": [text]})


def events(step, kind):
    return list(Event.objects.filter(step=step, kind=kind).values_list("payload", flat=True))


class TestWriting:
    def test_an_answer_is_trimmed_and_stored_with_its_event(self, open_text, participant):
        write(open_text, participant, "  Likabehandling går före räckvidd.  \n")
        assert Response.objects.get().value == "Likabehandling går före räckvidd."
        assert [e["value"] for e in events(open_text, "answer.given")] == [
            "Likabehandling går före räckvidd."
        ]

    def test_rewriting_updates_the_one_answer(self, open_text, participant):
        write(open_text, participant, "First thought")
        write(open_text, participant, "Second thought")
        assert list(Response.objects.values_list("value", flat=True)) == ["Second thought"]
        assert events(open_text, "answer.given")[-1]["previous_value"] == "First thought"

    @pytest.mark.parametrize("payload", [{}, {"text": []}, {"text": [""]}, {"text": [" \n\t "]}])
    def test_an_empty_answer_is_refused(self, open_text, participant, payload):
        with pytest.raises(services.ActionRefused, match="Write an answer") as refused:
            submit_answer(open_text, participant, payload)
        assert refused.value.status == 400
        assert not Response.objects.exists()

    def test_the_limit_is_said_when_an_answer_is_too_long(self, open_text, participant):
        with pytest.raises(
            services.ActionRefused, match="at most 500 characters; this one has 501"
        ):
            write(open_text, participant, "å" * (MAX_LENGTH + 1))
        assert not Response.objects.exists()
        write(open_text, participant, "å" * MAX_LENGTH)
        assert len(Response.objects.get().value) == MAX_LENGTH

    def test_spaces_around_do_not_count_towards_the_limit(self, open_text, participant):
        write(open_text, participant, "  " + "x" * MAX_LENGTH + "  ")
        assert Response.objects.get().value == "x" * MAX_LENGTH

    def test_two_answers_in_one_post_are_refused(self, open_text, participant):
        with pytest.raises(services.ActionRefused, match="one answer at a time"):
            submit_answer(open_text, participant, {"text": ["a", "b"]})
        assert not Response.objects.exists()

    def test_control_characters_are_dropped_and_text_is_composed(self, open_text, participant):
        write(open_text, participant, "a\x00b\x1b c\r\nd a\u030a")
        assert Response.objects.get().value == "ab c\nd å"

    def test_markup_is_stored_as_text(self, open_text, participant):
        write(open_text, participant, "<script>alert(1)</script>")
        assert Response.objects.get().value == "<script>alert(1)</script>"

    def test_a_locked_step_refuses_and_keeps_the_earlier_answer(
        self, open_text, participant, facilitator
    ):
        write(open_text, participant, "Kept")
        services.lock_voting(open_text, by=facilitator)
        with pytest.raises(services.ActionRefused, match="closed"):
            write(open_text, participant, "Changed")
        assert Response.objects.get().value == "Kept"

    def test_there_is_no_second_pass(self, open_text, facilitator):
        from facilitation.deliberation.services import open_second_pass

        with pytest.raises(services.ActionRefused, match="no second vote"):
            open_second_pass(open_text, by=facilitator)


class TestWordCloud:
    def test_stop_words_go_and_words_are_casefolded_keeping_swedish_letters(self):
        assert words_of("Det är ÖPPENHET och Likabehandling, the REACH of it!") == [
            "öppenhet",
            "likabehandling",
            "reach",
        ]

    def test_hyphenated_words_stay_whole_and_digits_and_single_letters_go(self):
        assert words_of("e-tjänst 2024 x ÅÄÖ") == ["e-tjänst", "åäö"]

    def test_a_word_counts_once_per_answer(self):
        cloud = word_cloud(["spam spam spam", "trust", "trust matters"])
        assert [(w.word, w.count) for w in cloud] == [("trust", 2), ("matters", 1), ("spam", 1)]

    def test_sizes_run_from_one_to_five_by_frequency(self):
        texts = ["trygghet"] * 5 + ["räckvidd"] * 3 + ["algoritm"]
        sizes = {w.word: w.size for w in word_cloud(texts)}
        assert sizes == {"trygghet": 5, "räckvidd": 3, "algoritm": 1}

    def test_only_the_most_frequent_words_are_shown(self):
        cloud = word_cloud([f"ord{chr(97 + i)}" for i in range(26)] + ["vanlig"] * 2, limit=5)
        assert len(cloud) == 5
        assert cloud[0].word == "vanlig"

    def test_the_layout_puts_the_most_frequent_word_in_the_middle(self):
        ranked = word_cloud(["a1 bb", "bb cc", "bb cc dd"])
        layout = cloud_layout(ranked)
        assert sorted(layout, key=lambda w: w.word) == sorted(ranked, key=lambda w: w.word)
        assert layout[len(layout) // 2].word == "bb"

    def test_no_answers_no_cloud(self):
        assert word_cloud([]) == []
        assert word_cloud(["och det är"]) == []


class TestTally:
    def test_answers_come_newest_first_and_make_the_cloud(
        self, open_text, participant, other_participant
    ):
        write(open_text, participant, "Transparens först")
        write(open_text, other_participant, "Transparens och räckvidd")
        results = tally(open_text)
        assert [r.value for r in results.answers] == [
            "Transparens och räckvidd",
            "Transparens först",
        ]
        assert results.total == 2
        assert results.words[0].word == "transparens"

    def test_hidden_answers_leave_the_room_but_not_the_record(
        self, open_text, participant, other_participant, facilitator
    ):
        write(open_text, participant, "Rude words")
        write(open_text, other_participant, "Kind words")
        set_answer_hidden(Response.objects.get(value="Rude words"), True, by=facilitator)
        results = tally(open_text)
        assert [r.value for r in results.answers] == ["Kind words"]
        assert "rude" not in {w.word for w in results.words}
        assert {r.value for r in results.moderation} == {"Rude words", "Kind words"}
        assert Response.objects.count() == 2


class TestModeration:
    def test_hiding_and_showing_record_events_and_push_results(
        self, open_text, participant, facilitator
    ):
        response = write(open_text, participant, "Something to hide")
        with mock.patch("facilitation.deliberation.moderation.notify_round") as notify:
            set_answer_hidden(response, True, by=facilitator)
            notify.assert_called_once_with(open_text.round_id, "results")
        response.refresh_from_db()
        assert response.hidden
        hidden = Event.objects.get(kind="answer.hidden")
        assert hidden.user == facilitator
        assert hidden.payload == {"response": response.pk, "pass_number": 1}
        set_answer_hidden(response, False, by=facilitator)
        response.refresh_from_db()
        assert not response.hidden
        assert Event.objects.filter(kind="answer.shown", step=open_text).count() == 1

    def test_asking_for_the_present_state_records_nothing(
        self, open_text, participant, facilitator
    ):
        response = write(open_text, participant, "Fine")
        set_answer_hidden(response, False, by=facilitator)
        set_answer_hidden(response, True, by=facilitator)
        set_answer_hidden(response, True, by=facilitator)
        assert Event.objects.filter(kind__startswith="answer.h").count() == 1

    def test_hiding_keeps_the_answers_place_in_the_list(
        self, open_text, participant, other_participant, facilitator
    ):
        older = write(open_text, participant, "Older")
        write(open_text, other_participant, "Newer")
        set_answer_hidden(older, True, by=facilitator)
        set_answer_hidden(older, False, by=facilitator)
        assert [r.value for r in tally(open_text).answers] == ["Newer", "Older"]

    def test_an_edited_hidden_answer_stays_hidden(self, open_text, participant, facilitator):
        response = write(open_text, participant, "Rude")
        set_answer_hidden(response, True, by=facilitator)
        write(open_text, participant, "Still rude")
        assert tally(open_text).answers == []

    def test_a_closed_round_cannot_be_moderated(
        self, open_text, participant, facilitator, live_round
    ):
        response = write(open_text, participant, "Kept as it was")
        services.close_round(live_round, by=facilitator)
        with pytest.raises(services.ActionRefused, match="closed"):
            set_answer_hidden(response, True, by=facilitator)
        response.refresh_from_db()
        assert not response.hidden
        assert not Event.objects.filter(kind="answer.hidden").exists()


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    payload=st.dictionaries(
        st.sampled_from(["text", "option", "value", ""]),
        st.lists(st.one_of(st.text(max_size=600), st.text("ab \n\x00", max_size=520)), max_size=3),
        max_size=3,
    )
)
def test_any_payload_is_either_a_valid_answer_or_refused_with_nothing_stored(payload):
    from django.contrib.auth import get_user_model

    from facilitation.deliberation.demo import load_demo_workshop

    user, _ = get_user_model().objects.get_or_create(username="hypothesis-facilitator")
    workshop, _ = load_demo_workshop("en", facilitators=[user])
    round = workshop.rounds.get()
    if round.status == "draft":
        services.start_round(round, by=user)
    step = round.steps.filter(kind=Step.Kind.OPEN_TEXT).first() or add_step(
        round, Step.Kind.OPEN_TEXT, user
    )
    services.go_to_step(round, step, by=user)
    participant = services.join_round(round)
    try:
        submit_answer(step, participant, payload)
    except services.ActionRefused as refusal:
        assert refusal.status == 400
        assert refusal.message
        assert not Response.objects.filter(participant=participant).exists()
    else:
        value = Response.objects.get(participant=participant).value
        assert isinstance(value, str)
        assert 0 < len(value) <= MAX_LENGTH
        assert value == value.strip()
        assert "\x00" not in value
        assert payload["text"] and len(payload["text"]) == 1
        assert value == tidy_text(payload["text"][0])
