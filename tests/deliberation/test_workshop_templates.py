"""Workshop templates: export, import, the demo as a template, and hostile files refused whole."""

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitation.deliberation import step_content
from facilitation.deliberation.demo import DEMO_LANGUAGES, demo_template, load_demo_workshop
from facilitation.deliberation.models import Code, Option
from facilitation.deliberation.services import cast_vote
from facilitation.deliberation.workshop_templates import (
    FORMAT,
    MAX_TEMPLATE_BYTES,
    VERSION,
    TemplateRefused,
    export_workshop,
    import_template,
    parse_template,
    template_json,
)
from facilitation.workshops import services
from facilitation.workshops.models import Event, Round, Step, Workshop


def without_title(template):
    return {**template, "title": None}


class TestRoundTrip:
    @pytest.mark.parametrize("language", DEMO_LANGUAGES)
    def test_the_demo_is_a_template_and_round_trips(self, db, language):
        workshop, _created = load_demo_workshop(language)
        exported = export_workshop(workshop)
        assert exported == _normalised(demo_template(language))
        again = import_template(json.loads(json.dumps(exported)))
        assert export_workshop(again) == exported
        assert again.pk != workshop.pk
        assert not again.demo_key

    def test_an_imported_workshop_is_new_drafts_run_by_the_importer(self, db, facilitator):
        workshop = import_template(demo_template("en"), by=facilitator)
        assert list(workshop.facilitators.all()) == [facilitator]
        round = workshop.rounds.get()
        assert round.status == Round.Status.DRAFT and round.join_code
        assert Code.objects.filter(workshop=workshop).count() == 8
        event = Event.objects.get(workshop=workshop, kind="workshop.created")
        assert event.user == facilitator and event.payload["template_version"] == VERSION
        assert Event.objects.filter(round=round, kind="round.created").exists()

    def test_the_export_holds_no_people_answers_or_secrets(
        self, dilemma_round, dilemma, participant, facilitator
    ):
        cast_vote(dilemma, participant, dilemma.options.first().pk)
        text = template_json(dilemma_round.workshop)
        for secret in (
            dilemma_round.join_code,
            dilemma_round.projector_key,
            participant.rejoin_code,
            participant.token,
            "Anna",
            facilitator.username,
        ):
            assert secret not in text
        data = json.loads(text)
        assert data["format"] == FORMAT and data["version"] == VERSION
        assert set(data) == {
            "format",
            "version",
            "title",
            "description",
            "language",
            "consent_text",
            "on_withdrawal",
            "participant_attributes",
            "recorded",
            "codebook",
            "rounds",
        }

    def test_consent_and_participant_attributes_travel_with_the_template(self, db):
        template = demo_template("en")
        template.update(
            consent_text="I agree that my answers are kept under a pseudonym.",
            on_withdrawal="anonymise",
            participant_attributes=[
                {"key": "municipality", "label": "Municipality"},
                {"key": "role", "label": "Role", "choices": ["Communicator", "Manager"]},
            ],
        )
        workshop = import_template(template)
        assert workshop.on_withdrawal == "anonymise"
        assert workshop.participant_attributes[1]["choices"] == ["Communicator", "Manager"]
        assert export_workshop(workshop)["consent_text"] == template["consent_text"]

    def test_a_kind_without_a_spec_keeps_its_own_settings(self, db, monkeypatch):
        """A kind built later keeps its configuration in Step.settings: it imports as it is."""
        monkeypatch.delitem(step_content.KIND_SPECS, Step.Kind.OPEN_TEXT)
        template = demo_template("en")
        template["rounds"][0]["steps"] = [
            {
                "kind": "open_text",
                "title": "A kind of its own",
                "settings": {"prompt": "Talk in groups", "minutes": 10, "groups": ["A", "B"]},
            }
        ]
        workshop = import_template(template)
        step = Step.objects.get(round__workshop=workshop)
        assert step.settings == {"prompt": "Talk in groups", "minutes": 10, "groups": ["A", "B"]}
        template["rounds"][0]["steps"][0]["settings"] = {"x": {"y": {"z": {"w": [1]}}}}
        with pytest.raises(TemplateRefused) as refusal:
            import_template(template)
        assert "nested too deeply" in " ".join(refusal.value.problems)


def _normalised(template):
    """What the export of an imported template looks like: defaults filled in, empties left out."""
    result = copy.deepcopy(template)
    result.setdefault("consent_text", "")
    result.setdefault("on_withdrawal", "remove")
    result.setdefault("participant_attributes", [])
    result.setdefault("recorded", False)
    result["codebook"] = sorted(result["codebook"], key=lambda code: code["name"])
    for round in result["rounds"]:
        for step in round["steps"]:
            step.setdefault("body", "")
            step.setdefault("hide_results", True)
            step.setdefault("anonymous", False)
            for option in step.get("options", []):
                option.setdefault("explanation", "")
                option.setdefault("honours", [])
                option.setdefault("strains", [])
            for empty in ("settings", "options", "statements"):
                if not step.get(empty):
                    step.pop(empty, None)
    return result


def refusal_of(template):
    before = (Workshop.objects.count(), Step.objects.count(), Option.objects.count())
    with pytest.raises(TemplateRefused) as refusal:
        import_template(template)
    assert (Workshop.objects.count(), Step.objects.count(), Option.objects.count()) == before
    assert refusal.value.problems
    return " | ".join(refusal.value.problems)


def demo_with(**changes):
    template = copy.deepcopy(demo_template("en"))
    template.update(changes)
    return template


def demo_with_step(index, **changes):
    """The demo template with one step changed: by position, or the first step of a kind."""
    template = copy.deepcopy(demo_template("en"))
    steps = template["rounds"][0]["steps"]
    if isinstance(index, str):
        index = next(n for n, step in enumerate(steps) if step["kind"] == index)
    steps[index].update(changes)
    return template


class TestHostileTemplates:
    @pytest.mark.parametrize(
        ("template", "complaint"),
        [
            ([], "JSON object"),
            ({"title": "No format"}, "not a Balans workshop template"),
            (demo_with(version=2), "version 2"),
            (demo_with(title=42), "Title: must be text"),
            (demo_with(title="<img src=x onerror=alert(1)>"), "HTML markup"),
            (demo_with(description="x" * 2001), "at most 2000"),
            (demo_with(rounds="all of them"), "at least one round"),
            (demo_with(rounds=[]), "at least one round"),
            (demo_with(secret_key="abc"), "Unknown fields: secret_key"),
            (demo_with(codebook=[{"name": "Risk"}, {"name": "risk"}]), "twice"),
            (demo_with(on_withdrawal="publish"), "must be one of"),
            (demo_with(participant_attributes=[{"label": "No key"}]), "key of its own"),
            (demo_with_step(0, kind="quiz"), "“quiz” is not a kind of step"),
            (demo_with_step(1, options=[{"label": 5}, {"label": "B"}]), "label: must be text"),
            (demo_with_step(2, title="\x00"), "control characters"),
            (demo_with_step(2, body="<script>x</script>"), "HTML markup"),
            (demo_with_step(2, body="x" * 10_001), "at most 10000"),
            (demo_with_step(2, options=[{"label": f"O{n}"} for n in range(40)]), "from 2 to 6"),
            (demo_with_step("scale", settings={"points": "7"}), "whole number"),
            (demo_with_step("scale", settings={"points": 99}), "from 2 to 11"),
            (demo_with_step(3, participants=["P01"]), "unknown fields: participants"),
            (
                demo_with(
                    rounds=[{"title": "Long", "steps": [{"kind": "open_text", "title": "Q"}] * 61}]
                ),
                "at most 60 steps",
            ),
            (
                demo_with(rounds=[{"title": f"R{n}", "steps": []} for n in range(11)]),
                "at most 10 rounds",
            ),
        ],
    )
    def test_it_is_refused_with_what_is_wrong_and_nothing_created(self, db, template, complaint):
        assert complaint in refusal_of(template)

    def test_every_problem_is_listed_at_once_with_where_it_is(self, db):
        template = demo_with(title="")
        template["rounds"][0]["steps"][0]["kind"] = "quiz"
        template["rounds"][0]["steps"][2]["options"][1]["honours"] = ["fame"]
        problems = refusal_of(template)
        assert "Title: is empty" in problems
        assert "Round 1, step 1" in problems
        assert "Round 1, step 3, option 2" in problems and "fame" in problems

    def test_deep_nesting_is_refused(self, db):
        deep = "[" * 100_000 + "]" * 100_000
        with pytest.raises(TemplateRefused) as refusal:
            check = parse_template(deep)
            import_template(check)
        assert "nested too deeply" in " ".join(
            refusal.value.problems
        ) or "not valid JSON" in " ".join(refusal.value.problems)
        nested = demo_with(
            participant_attributes=[{"key": "a", "label": "A", "x": [[[[[[[[1]]]]]]]]}]
        )
        assert "nested too deeply" in refusal_of(nested)

    @pytest.mark.parametrize(
        ("raw", "complaint"),
        [
            (b"\xff\xfe not utf-8", "not UTF-8"),
            (b"{not json", "not valid JSON"),
            (b'{"version": NaN}', "not valid JSON"),
            (b" " * (MAX_TEMPLATE_BYTES + 1), "at most 2000 KB"),
        ],
    )
    def test_unreadable_files_are_refused(self, raw, complaint):
        with pytest.raises(TemplateRefused) as refusal:
            parse_template(raw)
        assert complaint in " ".join(refusal.value.problems)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
STEP_KEYS = sorted(step_content.STEP_FIELDS) + ["options", "settings", "nonsense"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    step=st.integers(min_value=0, max_value=12),
    key=st.sampled_from(STEP_KEYS),
    value=json_values,
)
def test_a_mutated_template_imports_cleanly_or_is_refused_whole(db, step, key, value):
    template = copy.deepcopy(demo_template("en"))
    template["rounds"][0]["steps"][step][key] = value
    before = (Workshop.objects.count(), Step.objects.count(), Option.objects.count())
    try:
        workshop = import_template(template)
    except TemplateRefused as refusal:
        assert refusal.problems and all(isinstance(p, str) for p in refusal.problems)
        assert (Workshop.objects.count(), Step.objects.count(), Option.objects.count()) == before
    else:
        # What was accepted exports again as a valid template.
        assert import_template(export_workshop(workshop))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=json_values)
def test_any_json_is_refused_or_imported_never_an_error(db, data):
    try:
        import_template(data)
    except TemplateRefused as refusal:
        assert refusal.problems
    assert Workshop.objects.count() == 0


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.binary(max_size=200))
def test_any_bytes_are_parsed_or_refused(text):
    try:
        parse_template(text)
    except TemplateRefused as refusal:
        assert refusal.problems


def test_importing_the_same_template_twice_makes_two_workshops(db, facilitator):
    first = import_template(demo_template("sv"), by=facilitator)
    second = import_template(demo_template("sv"), by=facilitator)
    assert first.pk != second.pk
    assert first.rounds.get().join_code != second.rounds.get().join_code
    services.start_round(second.rounds.get(), by=facilitator)


def test_a_steps_running_state_is_not_part_of_its_content(db):
    from facilitation.deliberation.step_content import content_of
    from facilitation.workshops.models import Round, Step, Workshop

    workshop = Workshop.objects.create(title="W")
    round = Round.objects.create(workshop=workshop, title="R", join_code="RUNNING1")
    step = Step.objects.create(
        round=round, position=1, kind="discussion", title="Talk", settings={"report_back": True}
    )
    assert content_of(step)["settings"] == {}
    finding = Step.objects.create(
        round=round, position=2, kind="finding", title="F", settings={"premoderate": True}
    )
    assert content_of(finding)["settings"] == {"premoderate": True}
