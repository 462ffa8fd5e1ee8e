"""What an answer looks like for each kind of step, and how the room's answers add up.

Each kind has ``clean(step, payload) -> Answer`` (refusing bad input with a message that says
why) and ``tally(step, pass_number)``; a kind whose answer is built up in parts (statements) also
has ``merge(previous, new) -> Answer``. A new kind is one entry in ``ANSWER_KINDS``.
"""

from facilitation.workshops.models import Step

from .base import Answer, AnswerKind
from .choices import (
    clean_multiple_choice,
    clean_single_choice,
    compare_choices,
    tally_multiple_choice,
    tally_single_choice,
)
from .open_text import clean_open_text, tally_open_text
from .placement import clean_placement, compare_placements, tally_placement
from .ranking import clean_ranking, tally_ranking
from .scale import clean_scale, scale_points, tally_scale
from .statements import clean_statement_answer, merge_statement_answers, tally_statements

__all__ = ["ANSWER_KINDS", "Answer", "AnswerKind", "scale_points"]

ANSWER_KINDS = {
    Step.Kind.DILEMMA: AnswerKind(
        clean_single_choice,
        tally_single_choice,
        second_pass=True,
        compare=compare_choices,
        related=("options",),
    ),
    Step.Kind.SINGLE_CHOICE: AnswerKind(
        clean_single_choice, tally_single_choice, related=("options",)
    ),
    Step.Kind.MULTIPLE_CHOICE: AnswerKind(
        clean_multiple_choice, tally_multiple_choice, related=("options",)
    ),
    Step.Kind.SCALE: AnswerKind(clean_scale, tally_scale),
    Step.Kind.OPEN_TEXT: AnswerKind(clean_open_text, tally_open_text),
    Step.Kind.PLACEMENT: AnswerKind(
        clean_placement, tally_placement, second_pass=True, compare=compare_placements
    ),
    Step.Kind.RANKING: AnswerKind(clean_ranking, tally_ranking, related=("options",)),
    # The form lists the statements approved so far, which the room adds during the step.
    Step.Kind.STATEMENTS: AnswerKind(
        clean_statement_answer,
        tally_statements,
        merge=merge_statement_answers,
        form_is_shared=False,
    ),
}
