"""The demo workshop, built from the study: an idempotent loader that later capabilities extend.

Its content lives in ``demo/<language>.json``: a workshop template (see ``workshop_templates``)
in the demo's own words, whose code-of-conduct step also lists ``clauses``, the code's starting
clauses (a template carries agendas, not a code). ``demo/sample-<language>.json`` holds what the
simulated participants of ``sample_activity`` write and say about themselves.
"""

import copy
import json
from functools import cache
from pathlib import Path

from django.db import transaction
from django.utils import translation

from facilitation.workshops.models import Workshop

from .conduct import seed_code
from .workshop_templates import import_template

DEMO_DIR = Path(__file__).with_name("demo")
DEMO_LANGUAGES = ("en", "sv")


@cache
def _demo_file(name):
    return json.loads((DEMO_DIR / f"{name}.json").read_text(encoding="utf-8"))


def demo_content(language="en"):
    """The demo's file in ``language``, as it is written (starting clauses included)."""
    return copy.deepcopy(_demo_file(language))


def sample_content(language="en"):
    """What the sample activity's simulated participants write, in ``language``."""
    return copy.deepcopy(_demo_file(f"sample-{language}"))


def demo_key(language):
    return f"social-media-{language}"


def demo_template(language="en"):
    """The demo workshop in ``language`` as a workshop template (see ``workshop_templates``)."""
    template = demo_content(language)
    for round in template["rounds"]:
        round["steps"] = [_without_clauses(step) for step in round["steps"]]
    return template


def demo_clauses(language="en"):
    """The starting clauses of the demo's code of conduct, as (text, rationale)."""
    return [
        (clause["text"], clause.get("rationale", ""))
        for round in demo_content(language)["rounds"]
        for step in round["steps"]
        for clause in step.get("clauses", [])
    ]


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
            clauses = demo_clauses(language)
            if clauses:
                with translation.override(language):
                    seed_code(workshop, clauses, round=workshop.rounds.get())
        workshop.facilitators.add(*facilitators)
    return workshop, created
