"""The registry of step kinds: how each kind is shown to each audience and what results it has.

A new kind is one entry here plus a template with the partials ``phone``, ``projector``,
``console`` and, if it collects answers, ``results``.
"""

from dataclasses import dataclass

from facilitation.deliberation.services import tally
from facilitation.workshops.models import Step


@dataclass(frozen=True)
class StepKind:
    template: str
    results: object = None  # function(step) -> results, for kinds that collect answers

    @property
    def collects_answers(self):
        return self.results is not None

    def partial(self, name):
        return f"{self.template}#{name}"

    @property
    def phone(self):
        return self.partial("phone")

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
        """What the room can answer, shown while the results are hidden."""
        return self.partial("choices")


KINDS = {
    Step.Kind.FINDING: StepKind(template="steps/finding.html"),
    Step.Kind.DILEMMA: StepKind(template="steps/dilemma.html", results=tally),
}


def kind_of(step):
    return KINDS[step.kind]
