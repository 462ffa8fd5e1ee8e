"""The demo workshop, built from the study: an idempotent loader that later capabilities extend."""

from django.db import transaction
from django.utils import translation

from facilitation.workshops.models import Step, Workshop
from facilitation.workshops.services import create_round, record_event

from .conduct import seed_code
from .demo_content import DEMO_WORKSHOPS
from .models import Code, Option, Statement

DEMO_LANGUAGES = tuple(DEMO_WORKSHOPS)


def demo_key(language):
    return f"social-media-{language}"


def load_demo_workshop(language="en", *, facilitators=()):
    """Create the demo workshop in ``language`` unless it exists; return (workshop, created).

    Running it again adds the named facilitators and changes nothing else, so the data of a demo
    round that was already run stays as it is.
    """
    content = DEMO_WORKSHOPS[language]
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().filter(demo_key=demo_key(language)).first()
        created = workshop is None
        if created:
            workshop = Workshop.objects.create(
                title=content["title"],
                description=content["description"],
                demo_key=demo_key(language),
            )
            record_event("workshop.created", workshop=workshop, demo=language)
            Code.objects.bulk_create(
                Code(workshop=workshop, name=name, description=description)
                for name, description in content["codebook"]
            )
            round = create_round(workshop, title=content["round_title"])
            for position, step_content in enumerate(content["steps"], start=1):
                _create_step(round, position, step_content)
                if step_content.get("clauses"):
                    # The reason recorded with the starting clauses is in the demo's language.
                    with translation.override(language):
                        seed_code(workshop, step_content["clauses"], round=round)
        workshop.facilitators.add(*facilitators)
    return workshop, created


def _create_step(round, position, content):
    step = Step(
        round=round,
        position=position,
        kind=content["kind"],
        title=content["title"],
        body=content["body"],
        hide_results=content.get("hide_results", True),
        anonymous=content.get("anonymous", False),
        settings=content.get("settings", {}),
    )
    step.full_clean()
    step.save()
    for option_position, option_content in enumerate(content.get("options", []), start=1):
        option = Option(step=step, position=option_position, **option_content)
        option.full_clean()
        option.save()
    for text in content.get("statements", []):
        Statement.objects.create(step=step, text=text)
    return step
