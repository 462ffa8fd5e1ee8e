"""The registry of step kinds as the screens see them.

Each kind's template is ``templates/steps/<kind>.html`` with the partials ``phone``, ``projector``
and ``console``; a kind that takes answers (one with an entry in ``deliberation.answer_kinds``)
also has ``answer`` (inside ``phone``: the form, the own answer and the status line, in
``#answer-<step id>``, which the response to an answer replaces), ``results`` (the room's
answers) and ``choices`` (what the projector shows while they are hidden). A kind whose stage
shows more than its answers names the function that gathers it (``screen``). A new kind is its
entry in ``Step.Kind``, its answer kind or its screen, and that template.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import prefetch_related_objects

from facilitation.deliberation.answer_kinds import ANSWER_KINDS
from facilitation.deliberation.rounds import then_and_now
from facilitation.deliberation.services import tally
from facilitation.deliberation.statements import own_statements
from facilitation.workshops.models import Step

from .audiences import PARTICIPANT
from .conduct_stage import conduct_screen
from .discussion_stage import discussion_context
from .finding_stage import finding_context
from .recap_stage import recap_screen
from .render_once import kept_for_this_render


def paired_rows(rows):
    """Rows of a two-vote comparison, ``(label, first, second)``, with the change between them.

    ``first`` is None for an option the earlier vote did not have; the change is in percentage
    points, and ``direction`` is "up", "down" or "same" (None without a first value).
    """
    paired = []
    for label, first, second in rows:
        change = None if first is None else second.percent - first.percent
        direction = None if change is None else "up" if change > 0 else "down" if change else "same"
        paired.append(
            {
                "label": label,
                "first": first,
                "second": second,
                "change": change,
                "direction": direction,
            }
        )
    return paired


@dataclass(frozen=True)
class Viewer:
    """What differs between two phones looking at the same step: their own notes (for edit and
    delete buttons), their breakout group, their own stances on the code of conduct."""

    own_notes: list = field(default_factory=list)
    group: object = None
    stances: dict | None = None
    # On a statements step: the person's statements the room does not see (None: look them up
    # for ``participant_id``, the author of the answer shown).
    waiting: list | None = None
    participant_id: int | None = None
    # The version of the record their own notes or statements were read at (the phone keeps the
    # newest render of them: deliberation.own_contributions).
    own_version: int = 0


@dataclass(frozen=True)
class StepKind:
    name: str
    # (round, step, audience, viewer) -> what this kind's stage shows besides its answers.
    screen: Callable | None = None

    @property
    def answers(self):
        return ANSWER_KINDS.get(self.name)

    @property
    def collects_answers(self):
        return self.answers is not None

    @property
    def second_pass(self):
        """Whether the facilitator can re-open the step for a vote after discussion."""
        return bool(self.answers and self.answers.second_pass)

    def results(self, step, pass_number=None):
        return tally(step, pass_number)

    def stage_context(self, round, step, audience, viewer):
        """What the stage of ``audience`` shows of ``step``: its screen, and its results to
        those who may see them (the console always; phones once they are revealed)."""
        context = self.screen(round, step, audience, viewer) if self.screen else {}
        if self.collects_answers and (audience != PARTICIPANT or step.results_visible_to_room):
            context.update(self._results_of_this_render(step))
        return context

    def _results_of_this_render(self, step):
        # Every variant of one render (phones by answer, by author, by group) shows the same
        # results: counted once, not once per variant.
        return kept_for_this_render(step, "_results_context", lambda: self.results_context(step))

    def results_context(self, step):
        """The current pass's results and, on a second pass, the first one compared with it."""
        context = {"results": self.results(step)}
        if step.rerun_of_id:
            context["then_now"] = then_and_now(step, context["results"])
            if context["then_now"] is not None:
                context["then_now_rows"] = paired_rows(context["then_now"].rows)
        if step.current_pass > 1 and self.answers.compare:
            context["first_results"] = self.results(step, 1)
            context["comparison"] = self.answers.compare(
                step, context["first_results"], context["results"]
            )
            # Choices compare option by option (a placement compares people's moves instead).
            if isinstance(context["comparison"], list):
                context["compare_rows"] = paired_rows(
                    (option.label, first, second) for option, first, second in context["comparison"]
                )
        return context

    def partial(self, name):
        return f"steps/{self.name}.html#{name}"

    @property
    def phone(self):
        return self.partial("phone")

    @property
    def phone_answer(self):
        """The answer form, the own answer and the status line: what a vote's response holds."""
        return self.partial("answer")

    @property
    def projector(self):
        return self.partial("projector")

    @property
    def console(self):
        return self.partial("console")

    @property
    def results_template(self):
        return self.partial("results")

    @property
    def partial_choices(self):
        return self.partial("choices")


def statements_screen(round, step, audience, viewer):
    """A statements step shows a phone its own statements and what became of them (waiting for
    approval, approved, not accepted)."""
    if audience != PARTICIPANT:
        return {}
    # The list to answer is the same for every variant of one render (one per author of waiting
    # statements, one per answer): read once, kept on the step being rendered.
    prefetch_related_objects([step], "statements")
    waiting, version = viewer.waiting, viewer.own_version
    if waiting is None and viewer.participant_id:
        mine = own_statements(step, [viewer.participant_id])
        waiting, version = mine.get(viewer.participant_id), mine.version
    return {"own_statements": waiting or [], "own_version": version}


SCREENS = {
    Step.Kind.STATEMENTS: statements_screen,
    Step.Kind.FINDING: finding_context,
    Step.Kind.DISCUSSION: discussion_context,
    Step.Kind.CONDUCT: conduct_screen,
    Step.Kind.RECAP: recap_screen,
}
KINDS = {kind: StepKind(kind, screen=SCREENS.get(kind)) for kind in Step.Kind.values}


def kind_of(step):
    return KINDS[step.kind]
