"""The recap through the screens: the new round's checkbox, picking on the step's page (with
bad input refused), and the recap on the projector, the phones and the console."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from facilitation.deliberation.services import cast_vote, open_second_pass
from facilitation.live.push import EVERYTHING
from facilitation.recap.models import RecapPick
from facilitation.recap.services import choices_of, choose_recap, start_round_from
from facilitation.screens.stages import FACILITATOR, PARTICIPANT, PROJECTOR, render_push
from facilitation.workshops import services
from facilitation.workshops.models import Round, Step
from tests.conftest import phone_for

HX = {"HTTP_HX_REQUEST": "true"}


def text(response):
    return response.content.decode()


def picker_url(step):
    return f"/console/agendas/{step.round_id}/recaps/{step.pk}/"


def on_screens(november, recap_step, dilemma, scale, facilitator, participant):
    choose_recap(
        recap_step,
        step_ids=[dilemma.pk, scale.pk],
        show_conduct=True,
        show_questions=True,
        by=facilitator,
    )
    services.start_round(november, by=facilitator)
    services.join_round(november, participant=participant)
    services.go_to_step(november, recap_step, by=facilitator)
    november.refresh_from_db()
    return november


class TestTheNewRoundPage:
    def test_the_recap_is_offered_and_ticked_when_the_round_has_results(self, console, may):
        page = text(console.get(f"/console/rounds/{may.pk}/new-round/"))
        assert 'name="recap" value="1"' in page
        assert 'id="new-round-recap" name="recap" value="1" aria-describedby' in page
        assert "checked" in page.split('id="new-round-recap"')[1].split(">")[0]

    def test_it_is_not_ticked_for_a_round_without_results(self, console, draft_round):
        page = text(console.get(f"/console/rounds/{draft_round.pk}/new-round/"))
        assert "checked" not in page.split('id="new-round-recap"')[1].split(">")[0]

    def test_ticked_the_new_round_opens_with_a_recap(self, console, may):
        copy = list(may.steps.values_list("pk", flat=True))
        response = console.post(
            f"/console/rounds/{may.pk}/new-round/",
            {"title": "November", "copy": copy, "recap": "1"},
        )
        november = Round.objects.get(title="November")
        assert response.status_code == 302
        assert november.ordered_steps().first().kind == Step.Kind.RECAP

    def test_unticked_there_is_no_recap(self, console, may):
        console.post(f"/console/rounds/{may.pk}/new-round/", {"title": "November", "copy": []})
        assert not Round.objects.get(title="November").steps.exists()

    def test_an_earlier_recap_is_offered_but_not_ticked(self, console, november, recap_step):
        page = text(console.get(f"/console/rounds/{november.pk}/new-round/"))
        box = page.split(f'name="copy" value="{recap_step.pk}"')[1].split(">")[0]
        assert "checked" not in box


class TestPickingOnTheStepPage:
    def test_the_page_lists_the_answered_steps_of_the_earlier_round(
        self, console, november, recap_step, dilemma, scale, may
    ):
        page = text(console.get(f"/console/agendas/{november.pk}/steps/{recap_step.pk}/"))
        assert 'id="recap-picker"' in page
        assert f"This round was started from “{may.title}”" in page
        assert page.count('name="pick"') == 2
        assert f'name="pick" value="{dilemma.pk}"' in page
        assert f'name="pick" value="{scale.pk}"' in page
        assert 'name="show_conduct" value="1" checked' in page
        version = may.workshop.conduct_versions.get(round=may, frozen_for_round=True)
        assert f"(version {version.number}, " in page

    def test_picking_saves_and_answers_with_the_picker(self, console, recap_step, dilemma, scale):
        response = console.post(
            picker_url(recap_step),
            {"pick": [dilemma.pk, scale.pk], "show_questions": "1"},
            **HX,
        )
        assert response.status_code == 200
        page = text(response)
        assert "Saved: the recap shows your choice." in page
        assert page.count("checked") == 3  # two picks and the questions
        choices = choices_of(recap_step)
        assert choices.picks == [dilemma.pk, scale.pk]
        assert not choices.show_conduct and choices.show_questions

    def test_without_htmx_it_goes_back_to_the_step_page(self, console, recap_step, dilemma):
        response = console.post(picker_url(recap_step), {"pick": [dilemma.pk]})
        assert response.status_code == 302
        assert response.url == f"/console/agendas/{recap_step.round_id}/steps/{recap_step.pk}/"

    def test_more_than_three_are_refused_with_a_message_and_nothing_saved(
        self, console, may, recap_step, dilemma, scale
    ):
        others = list(may.steps.exclude(pk__in=[dilemma.pk, scale.pk]).values_list("pk", flat=True))
        response = console.post(
            picker_url(recap_step), {"pick": [dilemma.pk, scale.pk, *others[:2]]}, **HX
        )
        assert response.status_code == 400
        assert "A recap shows at most 3 results; you chose 4." in text(response)
        assert "Nothing was saved" in text(response)
        assert not RecapPick.objects.exists()

    def test_a_step_of_another_round_is_refused(self, console, november, recap_step):
        own = november.steps.exclude(pk=recap_step.pk).first()
        response = console.post(picker_url(recap_step), {"pick": [own.pk]})
        assert response.status_code == 400
        page = text(response)
        assert "one of the chosen steps is not on its agenda" in page
        assert 'id="recap-picker"' in page and "Edit “" in page  # the whole page again
        assert not RecapPick.objects.exists()

    def test_junk_ids_are_refused_plainly(self, console, recap_step):
        for junk in ("x'; drop", "99999999999999999999", "-1"):
            response = console.post(picker_url(recap_step), {"pick": [junk]}, **HX)
            assert response.status_code == 400
            assert "Choose results from the list." in text(response)
        assert not RecapPick.objects.exists()

    def test_a_step_that_is_no_recap_is_not_found(self, console, november):
        other = november.steps.exclude(kind=Step.Kind.RECAP).first()
        assert console.post(picker_url(other), {"pick": []}).status_code == 404

    def test_strangers_and_phones_get_nothing(self, client, stranger, recap_step, dilemma):
        assert client.post(picker_url(recap_step), {"pick": [dilemma.pk]}).status_code == 302
        client.force_login(stranger)
        assert client.post(picker_url(recap_step), {"pick": [dilemma.pk]}).status_code == 404
        assert not RecapPick.objects.exists()

    def test_a_recap_added_from_the_agenda_opens_its_page(self, console, november):
        response = console.post(
            f"/console/agendas/{november.pk}/steps/new/",
            {"kind": "recap", "title": "Last time", "body": ""},
        )
        step = november.steps.get(title="Last time")
        assert response.url == f"/console/agendas/{november.pk}/steps/{step.pk}/"

    def test_the_editor_has_no_results_or_anonymity_fields(self, console, november, recap_step):
        page = text(console.get(f"/console/agendas/{november.pk}/steps/{recap_step.pk}/"))
        assert 'name="hide_results"' not in page and 'name="anonymous"' not in page


class TestTheRecapOnScreen:
    def test_the_projector_shows_the_picks_the_code_and_the_open_questions(
        self, client, november, recap_step, dilemma, scale, facilitator, participant
    ):
        on_screens(november, recap_step, dilemma, scale, facilitator, participant)
        page = text(client.get(f"/projector/{november.projector_key}/"))
        assert "kind-recap" in page and "Recap of the last round" in page
        assert dilemma.title in page and scale.title in page
        assert "2 answers in all" in page  # the dilemma's bars, as its own projector showed
        assert "Median 4" in page
        assert "Our code of conduct, version" in page
        assert '<ol class="recap-clauses" data-fit-trim=' in page  # trimmed to fit the frame
        assert "Can we see the rules?" in page and "Who answers on weekends?" in page
        assert "When is the next round?" not in page  # answered

    def test_the_phone_shows_the_same_recap(
        self, november, recap_step, dilemma, scale, facilitator, participant
    ):
        on_screens(november, recap_step, dilemma, scale, facilitator, participant)
        page = text(phone_for(participant).get(f"/r/{november.join_code}/"))
        assert "Recap of the last round" in page and "Where we left off" in page
        assert dilemma.title in page and "Median 4" in page
        assert "1 vote" in page  # the popular question's upvote
        assert "Questions still open" in page
        assert '<ol class="recap-clauses">' in page  # a phone scrolls: nothing trimmed

    def test_the_console_shows_it_read_only_with_a_link_to_choose(
        self, console, november, recap_step, dilemma, scale, facilitator, participant
    ):
        on_screens(november, recap_step, dilemma, scale, facilitator, participant)
        page = text(console.get(f"/console/rounds/{november.pk}/"))
        assert "2 results picked." in page
        assert "2 open questions." in page
        assert f"/console/agendas/{november.pk}/steps/{recap_step.pk}/" in page
        assert "Reveal results" not in page  # the recap itself has nothing to reveal

    def test_switched_off_parts_are_not_on_the_projector(
        self, client, november, recap_step, dilemma, facilitator
    ):
        choose_recap(
            recap_step,
            step_ids=[dilemma.pk],
            show_conduct=False,
            show_questions=False,
            by=facilitator,
        )
        services.start_round(november, by=facilitator)
        services.go_to_step(november, recap_step, by=facilitator)
        page = text(client.get(f"/projector/{november.projector_key}/"))
        assert "Our code of conduct" not in page and "Questions still open" not in page
        assert dilemma.options.get(position=1).label in page

    def test_a_second_vote_and_then_and_now_show_as_the_projector_showed_them(
        self, client, november, recap_step, may, dilemma, participant, facilitator
    ):
        # November asks May's dilemma again, after a second vote; its recap in a third round
        # shows both comparisons, as November's projector did.
        services.start_round(november, by=facilitator)
        services.join_round(november, participant=participant)
        again = november.steps.get(rerun_of=dilemma)
        services.go_to_step(november, again, by=facilitator)
        cast_vote(again, participant, again.options.get(position=2).pk)
        open_second_pass(again, by=facilitator)
        cast_vote(again, participant, again.options.get(position=1).pk)
        services.close_round(november, by=facilitator)
        december = start_round_from(november, title="December", with_recap=True, by=facilitator)
        recap = december.ordered_steps().first()
        choose_recap(
            recap, step_ids=[again.pk], show_conduct=False, show_questions=False, by=facilitator
        )
        services.start_round(december, by=facilitator)
        services.go_to_step(december, recap, by=facilitator)
        page = text(client.get(f"/projector/{december.projector_key}/"))
        assert f"Then ({may.title}) and now" in page
        assert f'id="recap-then-now-{again.pk}"' in page

    def test_a_recap_in_a_round_from_nowhere_says_so(self, client, workshop, facilitator):
        from facilitation.recap.services import add_recap_step

        fresh = services.create_round(workshop, title="Fresh", by=facilitator)
        step = add_recap_step(fresh, by=facilitator)
        services.start_round(fresh, by=facilitator)
        services.go_to_step(fresh, step, by=facilitator)
        page = text(client.get(f"/projector/{fresh.projector_key}/"))
        assert "not started from an earlier one" in page

    def test_the_previews_render(self, console, november, recap_step, dilemma, scale, facilitator):
        choose_recap(
            recap_step,
            step_ids=[dilemma.pk, scale.pk],
            show_conduct=True,
            show_questions=True,
            by=facilitator,
        )
        for audience in ("phone", "projector"):
            url = f"/console/agendas/{november.pk}/steps/{recap_step.pk}/preview/{audience}/"
            response = console.get(url)
            assert response.status_code == 200
            assert dilemma.title in text(response)


class TestPushes:
    def test_a_whole_stage_push_is_one_render_for_every_phone(
        self, november, recap_step, dilemma, scale, facilitator, participant, other_participant
    ):
        on_screens(november, recap_step, dilemma, scale, facilitator, participant)
        services.join_round(november, participant=other_participant)
        members = [participant.pk, other_participant.pk]
        fragments = render_push(november.pk, PARTICIPANT, {EVERYTHING}, members)
        assert len(fragments) == 1
        html, receivers = fragments[0]
        assert dilemma.title in html and receivers is None or receivers == set(members)

    def test_rendering_costs_the_same_for_two_phones_as_for_twenty(
        self, november, recap_step, dilemma, scale, facilitator, participant, live_round
    ):
        on_screens(november, recap_step, dilemma, scale, facilitator, participant)
        few = [participant.pk]
        many = [services.join_round(november).pk for _ in range(20)]
        with CaptureQueriesContext(connection) as one:
            render_push(november.pk, PARTICIPANT, {"stage"}, few)
        with CaptureQueriesContext(connection) as twenty:
            render_push(november.pk, PARTICIPANT, {"stage"}, few + many)
        assert len(twenty.captured_queries) == len(one.captured_queries)

    def test_results_and_people_pushes_do_not_redraw_the_recap(
        self, november, recap_step, dilemma, scale, facilitator, participant
    ):
        on_screens(november, recap_step, dilemma, scale, facilitator, participant)
        for audience in (PROJECTOR, FACILITATOR):
            fragments = render_push(november.pk, audience, {"results"}, ["http://testserver"])
            assert all("recap-board" not in html for html, _ in fragments)

    def test_choosing_again_pushes_the_stage_at_once(
        self, november, recap_step, dilemma, facilitator, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            choose_recap(
                recap_step,
                step_ids=[dilemma.pk],
                show_conduct=True,
                show_questions=True,
                by=facilitator,
            )
        assert callbacks


class TestSwedish:
    def test_the_recap_speaks_swedish_on_every_screen(
        self, client, november, recap_step, dilemma, scale, facilitator, participant
    ):
        november.workshop.language = "sv"
        november.workshop.save()
        on_screens(november, recap_step, dilemma, scale, facilitator, participant)
        swedish = {"HTTP_ACCEPT_LANGUAGE": "sv"}
        console = Client(**swedish)
        console.force_login(facilitator)
        editor = f"/console/agendas/{november.pk}/steps/{recap_step.pk}/"
        pages = {
            "projector": text(client.get(f"/projector/{november.projector_key}/")),
            "phone": text(phone_for(participant).get(f"/r/{november.join_code}/", **swedish)),
            "console": text(console.get(f"/console/rounds/{november.pk}/")),
            "editor": text(console.get(editor)),
        }
        expected = {
            "projector": ["Sammanfattning av förra omgången", "Frågor som är öppna"],
            "phone": ["Sammanfattning av förra omgången", "Vad ”May workshop” kom fram till."],
            "console": ["resultat valda.", "2 öppna frågor.", "Välj vad sammanfattningen visar"],
            "editor": ["Vad sammanfattningen visar", "Visa också", "Spara vad sammanfattningen"],
        }
        english = ["Recap of the last round", "Questions still open", "What the recap shows"]
        english += ["results picked", "open questions", "Also show", "Our code of conduct"]
        for where, html in pages.items():
            for words in expected[where]:
                assert words in html, (where, words)
            assert not [words for words in english if words in html], where
