"""The demo workshop, built from the study: an idempotent loader that later capabilities extend."""

import copy

from django.db import transaction
from django.utils import translation

from facilitation.workshops.models import Workshop

from .conduct import seed_code
from .demo_content import DEMO_WORKSHOPS
from .workshop_templates import FORMAT, VERSION, import_template

DEMO_LANGUAGES = tuple(DEMO_WORKSHOPS)


def demo_key(language):
    return f"social-media-{language}"


def demo_template(language="en"):
    """The demo workshop in ``language`` as a workshop template (see ``workshop_templates``)."""
    content = copy.deepcopy(DEMO_WORKSHOPS[language])
    return {
        "format": FORMAT,
        "version": VERSION,
        "title": content["title"],
        "description": content["description"],
        "language": language,
        "codebook": [
            {"name": name, "description": description} for name, description in content["codebook"]
        ],
        "rounds": [
            {
                "title": content["round_title"],
                "steps": [_without_clauses(step) for step in content["steps"]],
            }
        ],
    }


def step_clauses(step):
    """The starting clauses a code-of-conduct step of the demo brings, as (text, rationale)."""
    return step.get("clauses", [])


def _without_clauses(step):
    # The clauses belong to the workshop's code of conduct, not to the step: seeded after import.
    return {key: value for key, value in step.items() if key != "clauses"}


def load_demo_workshop(language="en", *, facilitators=()):
    """Create the demo workshop in ``language`` unless it exists; return (workshop, created).

    The demo is built from its template like any imported workshop. Running it again adds the
    named facilitators and changes nothing else, so the data of a demo round that was already run
    stays as it is.
    """
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().filter(demo_key=demo_key(language)).first()
        created = workshop is None
        if created:
            workshop = import_template(
                demo_template(language), demo_key=demo_key(language), demo=language
            )
            # The demo's code of conduct starts with a few clauses, in the demo's language.
            clauses = [c for step in DEMO_WORKSHOPS[language]["steps"] for c in step_clauses(step)]
            if clauses:
                with translation.override(language):
                    seed_code(workshop, clauses, round=workshop.rounds.get())
        workshop.facilitators.add(*facilitators)
    return workshop, created
