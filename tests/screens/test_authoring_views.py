"""The authoring pages: workshops, rounds, agendas, step editing, previews, templates."""

import html
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitation.deliberation.demo import demo_template
from facilitation.deliberation.services import cast_vote
from facilitation.deliberation.step_content import content_of
from facilitation.workshops.models import Event, Round, Step, Workshop


def agenda_url(round, rest=""):
    return f"/console/agendas/{round.pk}/{rest}"


def formset(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for number, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{number}-{key}"] = value
    return data


def text(response):
    return response.content.decode()


class TestAccess:
    @pytest.mark.parametrize(
        "url",
        [
            "/console/workshops/{workshop}/",
            "/console/workshops/{workshop}/template.json",
            "/console/agendas/{round}/",
            "/console/agendas/{round}/steps/new/?kind=dilemma",
            "/console/agendas/{round}/steps/{step}/",
            "/console/agendas/{round}/steps/{step}/preview/phone/",
        ],
    )
    def test_only_the_workshops_facilitators_see_its_authoring_pages(
        self, client, stranger, draft_round, url
    ):
        step = draft_round.steps.first()
        url = url.format(workshop=draft_round.workshop_id, round=draft_round.pk, step=step.pk)
        assert client.get(url).status_code == 302  # to the login
        client.force_login(stranger)
        assert client.get(url).status_code == 404

    def test_a_stranger_changes_nothing(self, client, stranger, draft_round):
        client.force_login(stranger)
        step = draft_round.steps.first()
        for url in [
            agenda_url(draft_round, f"steps/{step.pk}/delete/"),
            agenda_url(draft_round, f"steps/{step.pk}/down/"),
            f"/console/workshops/{draft_round.workshop_id}/facilitators/",
            f"/console/workshops/{draft_round.workshop_id}/rounds/new/",
        ]:
            assert client.post(url, {"username": "stranger", "title": "x"}).status_code == 404
        assert draft_round.steps.first() == step
        assert not draft_round.workshop.is_facilitated_by(stranger)


class TestWorkshops:
    def test_creating_a_workshop_and_its_first_round(self, console, facilitator):
        response = console.post(
            "/console/workshops/new/",
            {"title": "Autumn series", "description": "For Q4", "language": "sv"},
        )
        workshop = Workshop.objects.get(title="Autumn series")
        assert workshop.language == "sv"
        assert response.url == f"/console/workshops/{workshop.pk}/"
        assert workshop.is_facilitated_by(facilitator)
        response = console.post(
            f"/console/workshops/{workshop.pk}/rounds/new/", {"title": "October"}
        )
        round = workshop.rounds.get()
        assert response.url == agenda_url(round)
        assert round.status == Round.Status.DRAFT
        page = text(console.get(f"/console/workshops/{workshop.pk}/"))
        assert "October" in page and round.join_code in page

    def test_a_workshop_without_title_is_refused_with_a_message(self, console):
        response = console.post("/console/workshops/new/", {"title": ""})
        assert response.status_code == 200
        assert "This field is required." in text(response)
        assert not Workshop.objects.exists()

    def test_editing_the_title(self, console, workshop):
        console.post(
            f"/console/workshops/{workshop.pk}/edit/",
            {"title": "Renamed", "description": "", "language": "en"},
        )
        workshop.refresh_from_db()
        assert workshop.title == "Renamed"
        response = console.post(f"/console/workshops/{workshop.pk}/edit/", {"title": "x" * 300})
        assert response.status_code == 400
        assert "at most 200 characters" in text(response)

    def test_inviting_a_co_facilitator_by_username(self, console, workshop):
        colleague = get_user_model().objects.create_user("kim")
        response = console.post(
            f"/console/workshops/{workshop.pk}/facilitators/", {"username": "kim"}
        )
        assert response.status_code == 302
        assert workshop.is_facilitated_by(colleague)
        assert Event.objects.filter(kind="facilitator.invited").exists()

    def test_an_unknown_username_gets_a_clear_message(self, console, workshop):
        response = console.post(
            f"/console/workshops/{workshop.pk}/facilitators/", {"username": "<b>kim</b>"}
        )
        assert response.status_code == 400
        assert "There is no user called “&lt;b&gt;kim&lt;/b&gt;”" in text(response)


class TestTemplates:
    def test_exporting_downloads_the_template(self, console, workshop):
        response = console.get(f"/console/workshops/{workshop.pk}/template.json")
        assert response["Content-Type"] == "application/json"
        assert "attachment" in response["Content-Disposition"]
        assert json.loads(response.content)["title"] == workshop.title

    def test_importing_a_template_creates_a_workshop_i_run(self, console, facilitator):
        upload = SimpleUploadedFile(
            "t.json", json.dumps(demo_template("sv")).encode(), "application/json"
        )
        response = console.post("/console/workshops/import/", {"template": upload})
        workshop = Workshop.objects.get()
        assert response.url == f"/console/workshops/{workshop.pk}/"
        assert workshop.is_facilitated_by(facilitator)

    def test_a_bad_template_lists_its_problems_and_creates_nothing(self, console):
        template = demo_template("en")
        template["title"] = "<script>alert(1)</script>"
        template["rounds"][0]["steps"][0]["kind"] = "quiz"
        upload = SimpleUploadedFile("t.json", json.dumps(template).encode())
        response = console.post("/console/workshops/import/", {"template": upload})
        assert response.status_code == 400
        page = text(response)
        assert "Nothing was created" in page
        assert "HTML markup" in page and "“quiz” is not a kind of step" in page
        assert "<script>alert" not in page
        assert not Workshop.objects.exists()

    def test_a_file_that_is_not_json_is_refused(self, console):
        upload = SimpleUploadedFile("t.json", b"\x89PNG not a template")
        response = console.post("/console/workshops/import/", {"template": upload})
        assert response.status_code == 400
        assert "not UTF-8" in text(response) or "not valid JSON" in text(response)


class TestTheAgenda:
    def test_the_agenda_lists_the_steps_with_their_actions(self, console, draft_round):
        page = text(console.get(agenda_url(draft_round)))
        for step in draft_round.steps.all():
            assert step.title in page
            assert f'id="up-{step.pk}"' in page
        assert "Add a step" in page

    def test_moving_a_step_over_htmx_answers_with_the_list(self, console, draft_round):
        first, second = draft_round.ordered_steps()[:2]
        response = console.post(
            agenda_url(draft_round, f"steps/{second.pk}/up/"), HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200
        assert text(response).lstrip().startswith('<section id="agenda-steps"')
        assert "moved up" in text(response)
        assert list(draft_round.ordered_steps()[:2]) == [second, first]

    def test_deleting_offers_undo_and_undo_restores(self, console, draft_round):
        step = draft_round.ordered_steps()[2]
        response = console.post(
            agenda_url(draft_round, f"steps/{step.pk}/delete/"), HTTP_HX_REQUEST="true"
        )
        assert "deleted" in text(response) and "Undo" in text(response)
        event = Event.objects.get(kind="step.deleted")
        response = console.post(
            agenda_url(draft_round, f"restore/{event.pk}/"), HTTP_HX_REQUEST="true"
        )
        assert "restored" in text(response)
        assert draft_round.ordered_steps()[2].title == step.title

    def test_a_refused_delete_says_why(self, console, dilemma_round, dilemma):
        response = console.post(
            agenda_url(dilemma_round, f"steps/{dilemma.pk}/delete/"), HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 409
        assert "on the screens now" in text(response)
        assert Step.objects.filter(pk=dilemma.pk).exists()

    def test_duplicating_without_htmx_returns_to_the_agenda(self, console, draft_round):
        step = draft_round.ordered_steps()[0]
        response = console.post(agenda_url(draft_round, f"steps/{step.pk}/duplicate/"))
        assert response.url == agenda_url(draft_round)
        assert draft_round.ordered_steps()[1].title == f"Copy of {step.title}"


class TestEditingSteps:
    def test_adding_a_dilemma_with_options_and_logics(self, console, draft_round):
        data = {
            "kind": "dilemma",
            "title": "Live-streaming council meetings",
            "body": "Stream on **Facebook**?",
            "hide_results": "on",
            **formset(
                "options",
                [
                    {"label": "Yes, on Facebook", "honours": "reach", "ORDER": "2"},
                    {"label": "Only on our website", "honours": "legality_equity", "ORDER": "1"},
                    {"label": "", "ORDER": ""},
                ],
            ),
        }
        response = console.post(agenda_url(draft_round, "steps/new/"), data)
        assert response.status_code == 302, text(response)
        step = draft_round.ordered_steps().last()
        assert step.title == "Live-streaming council meetings"
        assert [o.label for o in step.options.all()] == ["Only on our website", "Yes, on Facebook"]
        assert step.options.last().honours == ["reach"]

    def test_a_scale_with_points_out_of_bounds_is_refused_in_the_field(self, console, draft_round):
        data = {"kind": "scale", "title": "How sure?", "setting_points": "40"}
        response = console.post(agenda_url(draft_round, "steps/new/"), data)
        assert response.status_code == 400
        assert "less than or equal to 11" in text(response)

    def test_too_few_options_are_refused_with_nothing_saved(self, console, draft_round):
        count = Step.objects.count()
        data = {
            "kind": "single_choice",
            "title": "One option only",
            **formset("options", [{"label": "Lonely", "ORDER": "1"}]),
        }
        response = console.post(agenda_url(draft_round, "steps/new/"), data)
        assert response.status_code == 400
        assert "Nothing was saved" in text(response) and "from 2 to 12 options" in text(response)
        assert Step.objects.count() == count

    def test_an_unknown_kind_goes_back_to_the_agenda_with_a_message(self, console, draft_round):
        response = console.get(agenda_url(draft_round, "steps/new/?kind=quiz"))
        assert response.url == agenda_url(draft_round)

    def test_editing_a_step_with_answers_warns_and_keeps_them(
        self, console, dilemma_round, dilemma, participant
    ):
        chosen = dilemma.options.first()
        cast_vote(dilemma, participant, chosen.pk)
        url = agenda_url(dilemma_round, f"steps/{dilemma.pk}/")
        page = text(console.get(url))
        assert "already has 1 answer" in page
        assert "on the screens now" in page
        options = [
            {"id": str(o.pk), "label": o.label, "ORDER": str(n)}
            for n, o in enumerate(dilemma.options.all(), start=1)
        ]
        options[0]["DELETE"] = "on"
        data = {"title": dilemma.title, "body": dilemma.body, "hide_results": "on"}
        response = console.post(url, data | formset("options", options, initial=len(options)))
        assert response.status_code == 400
        assert "cannot be removed: people have chosen it" in text(response)
        del options[0]["DELETE"]
        options[0]["label"] = "Reworded"
        response = console.post(url, data | formset("options", options, initial=len(options)))
        assert response.status_code == 302
        chosen.refresh_from_db()
        assert chosen.label == "Reworded"
        assert chosen.responses.count() == 1

    def test_statements_are_edited_as_a_list(self, console, draft_round):
        step = draft_round.steps.get(kind=Step.Kind.STATEMENTS)
        statements = [
            {"text": s.text, "ORDER": str(n)} for n, s in enumerate(step.statements.all(), start=1)
        ]
        statements.append({"text": "We answer within a day.", "ORDER": "99"})
        data = {
            "title": step.title,
            "body": "",
            "setting_allow_submissions": "on",
            **formset("statements", statements, initial=len(statements) - 1),
            "continue": "1",
        }
        response = console.post(agenda_url(draft_round, f"steps/{step.pk}/"), data)
        assert response.url == agenda_url(draft_round, f"steps/{step.pk}/")
        assert step.statements.filter(text="We answer within a day.").exists()

    @pytest.mark.parametrize(
        ("kind", "prefix", "most", "message"),
        [
            ("dilemma", "options", 12, "A step can have at most 12 options."),
            ("statements", "statements", 60, "A step can have at most 60 statements."),
        ],
    )
    def test_a_post_claiming_a_thousand_rows_is_refused_with_the_limit_and_not_shown_back(
        self, console, draft_round, kind, prefix, most, message
    ):
        step = draft_round.steps.filter(kind=kind).first()
        before = content_of(step)
        data = {
            "title": "Retitled",
            f"{prefix}-TOTAL_FORMS": "1000",
            f"{prefix}-INITIAL_FORMS": "0",
        }
        response = console.post(agenda_url(draft_round, f"steps/{step.pk}/"), data)
        assert response.status_code == 400
        assert message in text(response)
        # The page shows no more rows than a step can hold, not the thousand the post claimed.
        assert f'name="{prefix}-{most - 1}-ORDER"' in text(response)
        assert f'name="{prefix}-{most}-ORDER"' not in text(response)
        assert content_of(step) == before


class TestPreview:
    @pytest.mark.parametrize("audience", ["phone", "projector"])
    def test_every_step_previews_without_being_shown(self, console, draft_round, audience):
        for step in draft_round.steps.all():
            response = console.get(agenda_url(draft_round, f"steps/{step.pk}/preview/{audience}/"))
            page = text(response)
            assert response.status_code == 200
            assert step.title in page
            assert '<fieldset class="preview-frame' in page and "disabled" in page
        draft_round.refresh_from_db()
        assert draft_round.current_step is None
        assert draft_round.status == Round.Status.DRAFT

    def test_the_phone_shows_the_options_and_the_projector_the_results(self, console, draft_round):
        dilemma = draft_round.steps.filter(kind=Step.Kind.DILEMMA).first()
        phone = text(console.get(agenda_url(draft_round, f"steps/{dilemma.pk}/preview/phone/")))
        for option in dilemma.options.all():
            assert html.escape(option.label) in phone
        projector = text(
            console.get(agenda_url(draft_round, f"steps/{dilemma.pk}/preview/projector/?results=1"))
        )
        assert "0 answers in all" in projector
        dilemma.refresh_from_db()
        assert not dilemma.results_revealed

    def test_an_unknown_audience_is_not_found(self, console, draft_round):
        step = draft_round.steps.first()
        assert (
            console.get(agenda_url(draft_round, f"steps/{step.pk}/preview/tv/")).status_code == 404
        )


class TestRenamingARound:
    def test_renaming_and_refusing_an_empty_title(self, console, draft_round):
        response = console.post(agenda_url(draft_round, "title/"), {"title": "June"})
        assert response.url == agenda_url(draft_round)
        draft_round.refresh_from_db()
        assert draft_round.title == "June"
        response = console.post(agenda_url(draft_round, "title/"), {"title": "  "})
        assert response.status_code == 400
        assert "This field is required." in text(response)


EDITOR_FIELDS = [
    "title",
    "body",
    "hide_results",
    "anonymous",
    "setting_points",
    "setting_max_picks",
    "setting_low_label",
    "options-TOTAL_FORMS",
    "options-INITIAL_FORMS",
    "options-0-id",
    "options-0-label",
    "options-0-honours",
    "options-0-ORDER",
    "options-0-DELETE",
    "options-1-label",
    "statements-TOTAL_FORMS",
    "statements-0-text",
]
editor_posts = st.dictionaries(
    st.sampled_from(EDITOR_FIELDS),
    st.one_of(
        st.text(max_size=300),
        st.integers(min_value=-(10**12), max_value=10**12).map(str),
        st.sampled_from(["", "on", "0", "1", "2", "1001", "reach", "fame", "<b>x</b>"]),
    ),
    max_size=10,
)


@pytest.mark.parametrize("kind", ["dilemma", "multiple_choice", "scale", "statements"])
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=editor_posts)
def test_any_post_to_the_step_editor_saves_or_says_why(console, draft_round, kind, data):
    step = draft_round.steps.filter(kind=kind).first()
    before = content_of(step)
    response = console.post(agenda_url(draft_round, f"steps/{step.pk}/"), data)
    assert response.status_code in {302, 400}
    if response.status_code == 400:
        assert 'class="error"' in text(response) or 'class="problems"' in text(response)
        assert content_of(step) == before
    new = console.post(agenda_url(draft_round, "steps/new/"), {**data, "kind": kind})
    assert new.status_code in {302, 400}
