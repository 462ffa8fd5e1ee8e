"""Workshop templates: a workshop's design as JSON, to export, share and import again.

A template holds what a facilitator designs and nothing about the people who took part: the
title and description, the consent text and withdrawal rule, the participant attributes asked
for, the codebook, and each round's agenda with every step's content (see ``step_content``).
No participants, answers, notes, events, join codes or projector keys. The format is documented
in docs/authoring.md; ``FORMAT`` and ``VERSION`` say which one a file is.

Importing checks the whole file first and creates nothing unless every part is right; the
refusal lists every problem found. The demo workshop is built the same way (``demo.py``).
"""

import json

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from facilitation.workshops.models import Workshop
from facilitation.workshops.services import ActionRefused, create_round, record_event

from .authoring import MAX_STEPS_PER_ROUND, create_step
from .models import Code
from .step_content import (
    Invalid,
    Problems,
    check_step,
    clean_small_json,
    clean_text,
    content_of,
)

FORMAT = "balans-workshop-template"
VERSION = 1
MAX_TEMPLATE_BYTES = 2_000_000
MAX_ROUNDS = 10
MAX_STEPS = 200
MAX_CODES = 60
MAX_ATTRIBUTES = 20
MAX_ATTRIBUTE_CHOICES = 50
ATTRIBUTE_TEXT_MAX = 100
# Beyond this a file is not a template; checked before anything else is looked at.
MAX_DEPTH = 8
# How many problems a refusal lists (a file of 200 bad steps does not need 2,000 lines).
MAX_PROBLEMS = 50

TOP_FIELDS = {
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


class TemplateRefused(ActionRefused):
    """A template with problems; ``problems`` lists them (nothing was created)."""

    def __init__(self, problems):
        problems = list(problems)
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            shown.append(
                _("… and %(count)d more problems.") % {"count": len(problems) - MAX_PROBLEMS}
            )
        super().__init__(_("This template cannot be imported."), status=400)
        self.problems = shown


# Export ---------------------------------------------------------------------------------------


def _lean(content):
    """A step's content without the empty parts, so a template reads easily."""
    return {key: value for key, value in content.items() if value not in ([], {})}


def export_workshop(workshop):
    """The template of ``workshop`` as a dict, ready for ``json.dumps``."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "title": workshop.title,
        "description": workshop.description,
        "language": workshop.language,
        "consent_text": workshop.consent_text,
        "on_withdrawal": workshop.on_withdrawal,
        "participant_attributes": list(workshop.participant_attributes or []),
        "recorded": workshop.recorded,
        "codebook": [
            {"name": code.name, "description": code.description}
            for code in workshop.codes.order_by("name")
        ],
        "rounds": [
            {
                "title": round.title,
                "steps": [
                    _lean(content_of(step))
                    for step in round.ordered_steps().prefetch_related("options", "statements")
                ],
            }
            for round in workshop.rounds.order_by("created_at", "pk")
        ],
    }


def template_json(workshop):
    return json.dumps(export_workshop(workshop), ensure_ascii=False, indent=2)


# Reading and checking -------------------------------------------------------------------------


def _refuse_constant(name):
    raise ValueError(name)


def parse_template(raw):
    """The template in ``raw`` (bytes or text), or TemplateRefused saying why it is unreadable."""
    if len(raw) > MAX_TEMPLATE_BYTES:
        raise TemplateRefused(
            [
                _("The file is %(size)d KB; a template can be at most %(max)d KB.")
                % {"size": len(raw) // 1000, "max": MAX_TEMPLATE_BYTES // 1000}
            ]
        )
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        data = json.loads(text, parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise TemplateRefused([_("The file is not UTF-8 text.")]) from None
    except RecursionError:
        raise TemplateRefused([_("The file is nested too deeply to be a template.")]) from None
    except ValueError as error:
        raise TemplateRefused(
            [_("The file is not valid JSON (%(error)s).") % {"error": str(error)[:120]}]
        ) from None
    return data


def _too_deep(value, depth=0):
    if depth > MAX_DEPTH:
        return True
    if isinstance(value, dict):
        return any(_too_deep(item, depth + 1) for item in value.values())
    if isinstance(value, list):
        return any(_too_deep(item, depth + 1) for item in value)
    return False


def _check_attributes(value):
    if not isinstance(value, list):
        raise Invalid(_("must be a list"))
    if len(value) > MAX_ATTRIBUTES:
        raise Invalid(_("at most %(max)d attributes") % {"max": MAX_ATTRIBUTES})
    cleaned, keys = [], set()
    for attribute in value:
        if not isinstance(attribute, dict):
            raise Invalid(_("each attribute must be an object with a key and a label"))
        attribute = clean_small_json(attribute, depth=1)
        key, label = attribute.get("key"), attribute.get("label")
        if not isinstance(key, str) or not key or key in keys:
            raise Invalid(_("each attribute needs a key of its own"))
        keys.add(key)
        attribute["label"] = clean_text(label, ATTRIBUTE_TEXT_MAX)
        choices = attribute.get("choices", [])
        if not isinstance(choices, list) or len(choices) > MAX_ATTRIBUTE_CHOICES:
            raise Invalid(
                _("choices must be a list of at most %(max)d texts")
                % {"max": MAX_ATTRIBUTE_CHOICES}
            )
        if choices:
            attribute["choices"] = [clean_text(c, ATTRIBUTE_TEXT_MAX) for c in choices]
        cleaned.append(attribute)
    return cleaned


def _check_codebook(value, problems):
    if not isinstance(value, list):
        problems.add(_("Codebook"), _("must be a list of codes"))
        return []
    if len(value) > MAX_CODES:
        problems.add(_("Codebook"), _("at most %(max)d codes") % {"max": MAX_CODES})
        return []
    codes, names = [], set()
    for number, code in enumerate(value, start=1):
        where = _("Code %(number)d") % {"number": number}
        if not isinstance(code, dict) or set(code) - {"name", "description"}:
            problems.add(where, _("must be an object with a name and a description"))
            continue
        name = problems.check(where, clean_text, code.get("name"), 60)
        description = problems.check(
            where, clean_text, code.get("description", ""), 300, required=False
        )
        if name and name.casefold() in names:
            problems.add(where, _("“%(name)s” is in the codebook twice") % {"name": name})
        names.add((name or "").casefold())
        codes.append({"name": name, "description": description})
    return codes


def check_template(data):
    """Clean template ``data``, or raise TemplateRefused listing every problem."""
    if _too_deep(data):
        raise TemplateRefused([_("The file is nested too deeply to be a template.")])
    if not isinstance(data, dict):
        raise TemplateRefused([_("A template is a JSON object; this file holds something else.")])
    problems = Problems()
    if data.get("format") != FORMAT:
        problems.add("", _("This is not a Balans workshop template (“format” is missing)."))
    if data.get("version") != VERSION:
        problems.add(
            "",
            _("This template has version %(version)s; this Balans reads version %(known)d.")
            % {"version": str(data.get("version"))[:20], "known": VERSION},
        )
    if problems:
        raise TemplateRefused(problems.messages)
    if unknown := sorted(map(str, set(data) - TOP_FIELDS)):
        problems.add("", _("unknown fields: %(names)s") % {"names": ", ".join(unknown[:5])})
    workshop = {
        "title": problems.check(_("Title"), clean_text, data.get("title"), 200),
        "description": problems.check(
            _("Description"),
            clean_text,
            data.get("description", ""),
            2000,
            required=False,
            markdown=True,
        ),
        "consent_text": problems.check(
            _("Consent text"),
            clean_text,
            data.get("consent_text", ""),
            5000,
            required=False,
            markdown=True,
        ),
        "on_withdrawal": data.get("on_withdrawal", Workshop.Withdrawal.REMOVE),
        "language": data.get("language", settings.LANGUAGE_CODE),
        "participant_attributes": problems.check(
            _("Participant attributes"), _check_attributes, data.get("participant_attributes", [])
        ),
        "codebook": _check_codebook(data.get("codebook", []), problems),
        "recorded": data.get("recorded", False),
    }
    if not isinstance(workshop["recorded"], bool):
        problems.add(_("Recorded"), _("must be true or false"))
    elif workshop["recorded"] and not workshop["consent_text"]:
        # The same rule as the participation page: a recorded room must be told so.
        problems.add(
            _("Recorded"),
            _("a recorded workshop needs a consent text that says the room is recorded"),
        )
    if workshop["language"] not in dict(settings.LANGUAGES):
        problems.add(
            _("Language"),
            _("must be one of: %(values)s") % {"values": ", ".join(dict(settings.LANGUAGES))},
        )
    if workshop["on_withdrawal"] not in Workshop.Withdrawal.values:
        problems.add(
            _("When a participant withdraws"),
            _("must be one of: %(values)s") % {"values": ", ".join(Workshop.Withdrawal.values)},
        )
    workshop["rounds"] = _check_rounds(data.get("rounds"), problems)
    if problems:
        raise TemplateRefused(problems.messages)
    return workshop


def _check_rounds(rounds, problems):
    if not isinstance(rounds, list) or not rounds:
        problems.add(_("Rounds"), _("a template needs a list of at least one round"))
        return []
    if len(rounds) > MAX_ROUNDS:
        problems.add(
            _("Rounds"),
            _("at most %(max)d rounds; there are %(count)d")
            % {"max": MAX_ROUNDS, "count": len(rounds)},
        )
        return []
    total = sum(
        len(r["steps"]) for r in rounds if isinstance(r, dict) and isinstance(r.get("steps"), list)
    )
    if total > MAX_STEPS:
        problems.add(
            _("Rounds"),
            _("at most %(max)d steps in all; there are %(count)d")
            % {"max": MAX_STEPS, "count": total},
        )
        return []
    cleaned = []
    for number, round in enumerate(rounds, start=1):
        where = _("Round %(number)d") % {"number": number}
        if not isinstance(round, dict) or set(round) - {"title", "steps"}:
            problems.add(where, _("must be an object with a title and a list of steps"))
            continue
        title = problems.check(where + ", " + _("title"), clean_text, round.get("title"), 200)
        steps = round.get("steps", [])
        if not isinstance(steps, list):
            problems.add(where, _("its steps must be a list"))
            continue
        if len(steps) > MAX_STEPS_PER_ROUND:
            problems.add(
                where,
                _("at most %(max)d steps; there are %(count)d")
                % {"max": MAX_STEPS_PER_ROUND, "count": len(steps)},
            )
            continue
        contents = [
            check_step(
                step,
                problems,
                _("%(round)s, step %(number)d") % {"round": where, "number": position},
            )
            for position, step in enumerate(steps, start=1)
        ]
        cleaned.append({"title": title, "steps": contents})
    return cleaned


# Import ---------------------------------------------------------------------------------------


def import_template(data, *, by=None, facilitators=(), demo_key="", **event_payload):
    """Create a workshop from template ``data`` (already parsed), or refuse it whole.

    Effects, in one transaction: the workshop (``by`` and ``facilitators`` run it), its codebook,
    its rounds as drafts with fresh join codes, their steps with options and statements, a
    ``workshop.created`` event saying it came from a template, and a ``round.created`` event per
    round. Nothing is created if any part of the template is wrong.
    """
    clean = check_template(data)
    with transaction.atomic():
        workshop = Workshop.objects.create(
            title=clean["title"],
            description=clean["description"],
            language=clean["language"],
            consent_text=clean["consent_text"],
            on_withdrawal=clean["on_withdrawal"],
            participant_attributes=clean["participant_attributes"],
            recorded=clean["recorded"],
            demo_key=demo_key,
        )
        workshop.facilitators.add(*facilitators, *([by] if by else []))
        record_event(
            "workshop.created",
            workshop=workshop,
            user=by,
            template_version=VERSION,
            rounds=len(clean["rounds"]),
            steps=sum(len(r["steps"]) for r in clean["rounds"]),
            **event_payload,
        )
        Code.objects.bulk_create(Code(workshop=workshop, **code) for code in clean["codebook"])
        for round_content in clean["rounds"]:
            round = create_round(workshop, title=round_content["title"], by=by)
            for position, content in enumerate(round_content["steps"], start=1):
                create_step(round, position, content)
    return workshop
