"""The registry of step kinds as the screens see them.

Each kind's template is ``templates/steps/<kind>.html`` with the partials ``phone``, ``projector``
and ``console``; a kind that takes answers (one with an entry in ``deliberation.answer_kinds``)
also has ``answer`` (inside ``phone``: the form, the own answer and the status line, in
``#answer-<step id>``, which the response to an answer replaces), ``results`` (the room's
answers) and ``choices`` (what the projector shows while they are hidden). A new kind is its
entry in ``Step.Kind``, its answer kind, and that template.
"""

from dataclasses import dataclass

from facilitation.deliberation.answer_kinds import ANSWER_KINDS
from facilitation.deliberation.services import tally
from facilitation.workshops.models import Step


@dataclass(frozen=True)
class StepKind:
    name: str

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


KINDS = {kind: StepKind(kind) for kind in Step.Kind.values}


def kind_of(step):
    return KINDS[step.kind]
