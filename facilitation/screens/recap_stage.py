"""What the screens show of a recap step: what the round this one was started from concluded.

Each picked step is shown with the results the projector showed for it (its kind's
``results_context`` and ``results`` partial, then and now included), read-only: the room's view
on every screen, so the console's moderation buttons of those results do not appear. The recap is
the same for every phone (one render per language); nothing on it is anyone's own.
"""

from facilitation.recap.services import (
    MAX_PICKS,
    choices_of,
    open_questions,
    previous_round,
    recap_content,
    result_steps,
    version_ended_with,
)

from .audiences import PARTICIPANT, PROJECTOR

# The projector shows this many of the open questions at most (most votes first); phones show
# them all.
PROJECTOR_QUESTIONS = 6
# What the results partials expect; a pick without one of them gets None, not the recap's own.
RESULT_NAMES = (
    "results",
    "then_now",
    "then_now_rows",
    "first_results",
    "comparison",
    "compare_rows",
)


def picked_results(step):
    """A picked step with what its ``results`` partial needs, as the projector showed it."""
    # The registry imports this module for its entry; the registry itself is looked up here.
    from .kinds import kind_of

    kind = kind_of(step)
    context = kind.results_context(step)
    return {
        "step": step,
        "kind": kind,
        **{name: context.get(name) for name in RESULT_NAMES},
        "then_now_id": f"recap-then-now-{step.pk}",
    }


def recap_screen(round, step, audience, viewer):
    """The recap's content for ``audience`` (the same for every viewer): the earlier round,
    its picked results, the code of conduct version it ended with and its open questions."""
    content = recap_content(step)
    questions = content.open_questions
    clauses = content.conduct.clauses if content.conduct else []
    shown = {
        "previous": content.previous,
        "choices": content.choices,
        "picks": [picked_results(pick) for pick in content.picks],
        "conduct": content.conduct,
        "clauses": clauses,
        "open_questions": questions,
        # The results partials take the room's view on every screen: nothing to moderate here.
        "results_audience": PARTICIPANT if audience == PARTICIPANT else PROJECTOR,
    }
    if audience == PROJECTOR:
        # The heading counts them all; the fitting script trims what the frame cannot hold.
        shown["top_questions"] = questions[:PROJECTOR_QUESTIONS]
    return {"recap": shown}


def recap_picker(step, *, posted=None, error=None, notice=None):
    """The recap step's page: the earlier round's steps with results to pick from, and the
    switches. ``posted``: (picked ids as text, show_conduct, show_questions) from a refused form,
    shown as they were ticked; else the stored choices."""
    previous = previous_round(step.round)
    if previous is None:
        return {"recap_picker": {"previous": None, "error": error, "notice": notice}}
    choices = choices_of(step)
    if posted is None:
        picked = {str(pk) for pk in choices.picks}
        show_conduct, show_questions = choices.show_conduct, choices.show_questions
    else:
        picked, show_conduct, show_questions = posted
    return {
        "recap_picker": {
            "previous": previous,
            "rows": [
                {"step": candidate, "checked": str(candidate.pk) in picked}
                for candidate in result_steps(previous)
            ],
            "show_conduct": show_conduct,
            "show_questions": show_questions,
            "version": version_ended_with(previous),
            "open_questions": len(open_questions(previous)),
            "max": MAX_PICKS,
            "error": error,
            "notice": notice,
        }
    }
