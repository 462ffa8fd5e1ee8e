"""What a step is made of, kind by kind, and the checks that content must pass to be stored.

A step's *content* is a plain dict, the same in the editor, in a workshop template and in the
event that records a deleted step (so undo can rebuild it)::

    {"kind": "dilemma", "title": "...", "body": "Markdown", "hide_results": True,
     "anonymous": False, "settings": {...}, "options": [{"label": ..., "explanation": ...,
     "honours": [...], "strains": [...]}], "statements": ["...", ...]}

``KIND_SPECS`` says, for each kind, which settings it has (with their bounds), whether it has
options (and how many) and statements. ``check_step`` turns untrusted content into clean content
or a list of problems, each a sentence a person can act on. A kind without an entry (a kind added
later) still works: its settings are checked only for size and shape, see ``GENERIC_SPEC``.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facilitation.workshops.models import Step, ValueLogic

from .models import Option, Statement

TITLE_MAX = Step._meta.get_field("title").max_length
BODY_MAX = Step._meta.get_field("body").max_length
LABEL_MAX = Option._meta.get_field("label").max_length
EXPLANATION_MAX = Option._meta.get_field("explanation").max_length
STATEMENT_MAX = Statement._meta.get_field("text").max_length
END_LABEL_MAX = 60
MAX_STATEMENTS = 60
# Settings of a kind without a spec: a small flat-ish object, never a place to hide a payload.
GENERIC_MAX_KEYS, GENERIC_MAX_DEPTH, GENERIC_MAX_ITEMS, GENERIC_TEXT_MAX = 20, 3, 50, 2000

STEP_FIELDS = {
    "kind",
    "title",
    "body",
    "hide_results",
    "anonymous",
    "settings",
    "options",
    "statements",
}
OPTION_FIELDS = {"id", "label", "explanation", "honours", "strains"}
# An HTML tag, comment or doctype: templates and editors hold plain text and Markdown only.
MARKUP = re.compile(r"<\s*[/!?]?\s*[a-zA-Z][^>]*>|<!--")


class Invalid(ValueError):
    """One problem with a value; the message says what is wrong and what is allowed."""


@dataclass(frozen=True)
class Flag:
    label: str
    help_text: str = ""

    def clean(self, value):
        if not isinstance(value, bool):
            raise Invalid(_("must be true or false"))
        return value


@dataclass(frozen=True)
class Number:
    label: str
    low: int
    high: int
    default: int | None = None
    help_text: str = ""

    def clean(self, value):
        if value is None and self.default is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(_("must be a whole number"))
        if not self.low <= value <= self.high:
            raise Invalid(
                _("must be from %(low)d to %(high)d") % {"low": self.low, "high": self.high}
            )
        return value


@dataclass(frozen=True)
class Text:
    label: str
    max_length: int
    help_text: str = ""

    def clean(self, value):
        return clean_text(value, self.max_length, required=False)


@dataclass(frozen=True)
class KindSpec:
    settings: dict = field(default_factory=dict)
    # (fewest, most) options, or None for a kind without options.
    options: tuple | None = None
    # Options say which value logics they honour and strain.
    logics: bool = False
    statements: bool = False
    can_be_anonymous: bool = True
    # Settings not in ``settings`` are accepted (checked only for size); for kinds without a spec.
    open_settings: bool = False


KIND_SPECS = {
    Step.Kind.FINDING: KindSpec(
        settings={
            "premoderate": Flag(
                gettext_lazy("Approve notes first"),
                gettext_lazy("New notes wait for your approval before the room sees them."),
            )
        }
    ),
    Step.Kind.DILEMMA: KindSpec(options=(2, 6), logics=True),
    Step.Kind.SINGLE_CHOICE: KindSpec(options=(2, 12)),
    Step.Kind.MULTIPLE_CHOICE: KindSpec(
        options=(2, 12),
        settings={
            "max_picks": Number(
                gettext_lazy("Most options one person may pick"),
                1,
                12,
                help_text=gettext_lazy("Leave empty to let people pick all that apply."),
            )
        },
    ),
    Step.Kind.SCALE: KindSpec(
        settings={
            "points": Number(gettext_lazy("Number of points"), 2, 11, default=5),
            "low_label": Text(gettext_lazy("Label of the lowest point"), END_LABEL_MAX),
            "high_label": Text(gettext_lazy("Label of the highest point"), END_LABEL_MAX),
        }
    ),
    Step.Kind.RANKING: KindSpec(options=(2, 10)),
    Step.Kind.STATEMENTS: KindSpec(
        statements=True,
        can_be_anonymous=False,
        settings={
            "allow_submissions": Flag(
                gettext_lazy("Participants may add statements"),
                gettext_lazy("Their statements wait for your approval on the console."),
            )
        },
    ),
    Step.Kind.OPEN_TEXT: KindSpec(),
    # A discussion's prompt is its text; its notes belong to groups, so it is never anonymous.
    Step.Kind.DISCUSSION: KindSpec(can_be_anonymous=False),
    # A code-of-conduct step shows the workshop's one code: the step itself holds only its text.
    Step.Kind.CONDUCT: KindSpec(can_be_anonymous=False),
    # The round's questions on screen: the step holds only its text; questions are anonymous to
    # the room already and kept with their pseudonym for the record.
    Step.Kind.QUESTIONS: KindSpec(can_be_anonymous=False),
    # What the last round concluded: the step holds its text; what it shows (results picked
    # from the earlier round, the code, the open questions) is chosen on its page (``recap``).
    Step.Kind.RECAP: KindSpec(can_be_anonymous=False),
    Step.Kind.PLACEMENT: KindSpec(
        settings={
            "low_label": Text(
                gettext_lazy("Name of the left end (0)"),
                END_LABEL_MAX,
                gettext_lazy("Empty: “Digital government logic”."),
            ),
            "high_label": Text(
                gettext_lazy("Name of the right end (100)"),
                END_LABEL_MAX,
                gettext_lazy("Empty: “Platform logic”."),
            ),
        }
    ),
}
GENERIC_SPEC = KindSpec(options=(0, 12), logics=True, statements=True, open_settings=True)


def spec_of(kind):
    return KIND_SPECS.get(kind, GENERIC_SPEC)


def normalise_line_breaks(text):
    """``\\r\\n`` and a lone ``\\r`` become ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_text(value, max_length, *, required=True, markdown=False):
    """A string of at most ``max_length`` characters, without control characters or HTML."""
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise Invalid(_("must be text"))
    if markdown:
        # One line break is one character everywhere (QDA tools count so), so annotation
        # offsets into a text pasted from Windows are the same in every export.
        value = normalise_line_breaks(value)
    allowed = {"\n", "\t"} if markdown else set()
    if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value):
        raise Invalid(_("contains control characters"))
    value = value.strip() if markdown else " ".join(value.split())
    if required and not value:
        raise Invalid(_("is empty"))
    if len(value) > max_length:
        raise Invalid(
            _("is %(length)d characters long; at most %(max)d are allowed")
            % {"length": len(value), "max": max_length}
        )
    if MARKUP.search(value):
        raise Invalid(_("contains HTML markup; use plain text (and Markdown in step texts)"))
    return value


def clean_small_json(value, depth=0):
    """Settings of a kind without a spec: small JSON of text, numbers, true/false and lists."""
    if depth > GENERIC_MAX_DEPTH:
        raise Invalid(_("is nested too deeply"))
    if value is None or isinstance(value, bool | int | float):
        if isinstance(value, float) and value != value:  # NaN
            raise Invalid(_("must be a number"))
        return value
    if isinstance(value, str):
        return clean_text(value, GENERIC_TEXT_MAX, required=False, markdown=True)
    if isinstance(value, list):
        if len(value) > GENERIC_MAX_ITEMS:
            raise Invalid(_("has more than %(max)d items") % {"max": GENERIC_MAX_ITEMS})
        return [clean_small_json(item, depth + 1) for item in value]
    if isinstance(value, dict):
        if len(value) > GENERIC_MAX_KEYS:
            raise Invalid(_("has more than %(max)d settings") % {"max": GENERIC_MAX_KEYS})
        cleaned = {}
        for key, item in value.items():
            if not isinstance(key, str) or not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", key):
                raise Invalid(_("has a setting name that is not a short lower-case word"))
            cleaned[key] = clean_small_json(item, depth + 1)
        return cleaned
    raise Invalid(_("has a value of an unknown type"))


class Problems:
    """Problems found in content, each prefixed with where it is (“Step 3, option 2: ...”)."""

    def __init__(self):
        self.messages = []

    def add(self, where, message):
        text = f"{where}: {message}" if where else str(message)
        self.messages.append(text[:1].upper() + text[1:])

    def check(self, where, function, *args, **kwargs):
        """``function(*args)``, or None after noting why it refused."""
        try:
            return function(*args, **kwargs)
        except Invalid as problem:
            self.add(where, problem)
            return None

    def __bool__(self):
        return bool(self.messages)


def _bool(value):
    if not isinstance(value, bool):
        raise Invalid(_("must be true or false"))
    return value


def _label(where, name):
    return f"{where}, {name}" if where else name


def check_step(data, problems, where="", *, allow_ids=False):
    """Clean step content (see the module's docstring), noting what is wrong in ``problems``.

    ``allow_ids``: options may name an existing option by ``id`` (the editor does; templates do
    not). Returns the clean content, or None when the problems make it unusable.
    """
    if not isinstance(data, dict):
        problems.add(where, _("a step must be an object with a kind and a title"))
        return None
    if unknown := sorted(map(str, set(data) - STEP_FIELDS)):
        problems.add(where, _("unknown fields: %(names)s") % {"names": ", ".join(unknown[:5])})
    kind = data.get("kind")
    if kind not in Step.Kind.values:
        problems.add(
            _label(where, _("kind")),
            _("“%(kind)s” is not a kind of step; known kinds: %(kinds)s")
            % {"kind": str(kind)[:40], "kinds": ", ".join(Step.Kind.values)},
        )
        return None
    spec = spec_of(kind)
    before = len(problems.messages)
    content = {
        "kind": kind,
        "title": problems.check(
            _label(where, _("title")), clean_text, data.get("title"), TITLE_MAX
        ),
        "body": problems.check(
            _label(where, _("text")),
            clean_text,
            data.get("body", ""),
            BODY_MAX,
            required=False,
            markdown=True,
        ),
        "hide_results": problems.check(
            _label(where, _("hide results")), _bool, data.get("hide_results", True)
        ),
        "anonymous": problems.check(
            _label(where, _("anonymous")), _bool, data.get("anonymous", False)
        ),
        "settings": _check_settings(data.get("settings", {}), spec, problems, where),
        "options": _check_options(data.get("options", []), spec, problems, where, allow_ids),
        "statements": _check_statements(data.get("statements", []), spec, problems, where),
    }
    if content["anonymous"] and not spec.can_be_anonymous:
        problems.add(
            where,
            _("a %(kind)s step cannot be fully anonymous")
            % {"kind": Step.Kind(kind).label.lower()},
        )
    maximum = (content["settings"] or {}).get("max_picks")
    if maximum and content["options"] is not None and maximum > len(content["options"]):
        problems.add(
            where,
            _("people may pick at most %(max)d options, but the step has only %(count)d")
            % {"max": maximum, "count": len(content["options"])},
        )
    if (
        kind == Step.Kind.STATEMENTS
        and content["statements"] == []
        and not (content["settings"] or {}).get("allow_submissions")
    ):
        problems.add(
            where, _("add at least one statement, or let participants add their own statements")
        )
    return content if len(problems.messages) == before else None


def _check_settings(settings, spec, problems, where):
    where = _label(where, _("settings"))
    if not isinstance(settings, dict):
        problems.add(where, _("must be an object of named settings"))
        return None
    if spec.open_settings:
        return problems.check(where, clean_small_json, settings)
    if unknown := sorted(map(str, set(settings) - set(spec.settings))):
        problems.add(
            where,
            _("unknown settings: %(names)s (this kind has: %(known)s)")
            % {
                "names": ", ".join(name[:40] for name in unknown[:5]),
                "known": ", ".join(spec.settings) or _("none"),
            },
        )
        return None
    cleaned = {}
    for name, setting in spec.settings.items():
        if name not in settings:
            continue
        value = problems.check(f"{where}, {name}", setting.clean, settings[name])
        if value not in (None, ""):
            cleaned[name] = value
    return cleaned


def _check_logics(value):
    if not isinstance(value, list) or len(value) > len(ValueLogic.values):
        raise Invalid(_("must be a list of value logics"))
    if unknown := [str(v)[:40] for v in value if v not in ValueLogic.values]:
        raise Invalid(
            _("unknown value logic %(names)s; known: %(known)s")
            % {"names": ", ".join(unknown), "known": ", ".join(ValueLogic.values)}
        )
    return list(dict.fromkeys(value))


def _check_options(options, spec, problems, where, allow_ids):
    here = _label(where, _("options"))
    if not isinstance(options, list):
        problems.add(here, _("must be a list"))
        return None
    if spec.options is None:
        if options:
            problems.add(here, _("this kind of step has no options"))
            return None
        return []
    fewest, most = spec.options
    if not fewest <= len(options) <= most:
        problems.add(
            here,
            _("this kind needs from %(low)d to %(high)d options; there are %(count)d")
            % {"low": fewest, "high": most, "count": len(options)},
        )
        return None
    cleaned = []
    for number, option in enumerate(options, start=1):
        place = _label(where, _("option %(number)d") % {"number": number})
        if not isinstance(option, dict):
            problems.add(place, _("must be an object with a label"))
            continue
        known = OPTION_FIELDS if allow_ids else OPTION_FIELDS - {"id"}
        if unknown := sorted(map(str, set(option) - known)):
            problems.add(place, _("unknown fields: %(names)s") % {"names": ", ".join(unknown[:5])})
            continue
        label = problems.check(
            f"{place}, " + _("label"), clean_text, option.get("label"), LABEL_MAX
        )
        explanation = problems.check(
            f"{place}, " + _("explanation"),
            clean_text,
            option.get("explanation", ""),
            EXPLANATION_MAX,
            required=False,
        )
        honours = problems.check(place, _check_logics, option.get("honours", []))
        strains = problems.check(place, _check_logics, option.get("strains", []))
        if (honours or strains) and not spec.logics:
            problems.add(place, _("only dilemma options honour or strain value logics"))
        if honours and strains and (both := set(honours) & set(strains)):
            problems.add(
                place,
                _("an option cannot both honour and strain %(names)s")
                % {"names": ", ".join(str(ValueLogic(key).label) for key in sorted(both))},
            )
        item = {
            "label": label,
            "explanation": explanation,
            "honours": honours or [],
            "strains": strains or [],
        }
        if allow_ids and option.get("id") is not None:
            if isinstance(option["id"], bool) or not isinstance(option["id"], int):
                problems.add(place, _("refers to an unknown option"))
            item["id"] = option["id"]
        cleaned.append(item)
    labels = [o["label"].casefold() for o in cleaned if o["label"]]
    if len(set(labels)) != len(labels):
        problems.add(here, _("two options have the same label"))
    return cleaned


def _check_statements(statements, spec, problems, where):
    here = _label(where, _("statements"))
    if not isinstance(statements, list):
        problems.add(here, _("must be a list of texts"))
        return None
    if statements and not spec.statements:
        problems.add(here, _("this kind of step has no statements"))
        return None
    if len(statements) > MAX_STATEMENTS:
        problems.add(
            here,
            _("at most %(max)d statements; there are %(count)d")
            % {"max": MAX_STATEMENTS, "count": len(statements)},
        )
        return None
    cleaned = [
        problems.check(
            _label(where, _("statement %(number)d") % {"number": number}),
            clean_text,
            text,
            STATEMENT_MAX,
        )
        for number, text in enumerate(statements, start=1)
    ]
    folded = [text.casefold() for text in cleaned if text]
    if len(set(folded)) != len(folded):
        problems.add(here, _("two statements are the same"))
    return cleaned


def authored_settings(step):
    """The settings the facilitator chose, without what running the step left there (a
    report-back shown): what a copy of the step starts from."""
    spec = spec_of(step.kind)
    return {
        key: value
        for key, value in (step.settings or {}).items()
        if spec.open_settings or key in spec.settings
    }


def content_of(step):
    """The content of a stored step (the facilitator's own statements only), ready to check again
    or to copy: what duplicating, undoing a deletion and exporting a template all start from."""
    spec = spec_of(step.kind)
    return {
        "kind": step.kind,
        "title": step.title,
        "body": step.body,
        "hide_results": step.hide_results,
        "anonymous": step.anonymous,
        "settings": authored_settings(step),
        "options": [
            {
                "label": option.label,
                "explanation": option.explanation,
                "honours": list(option.honours),
                "strains": list(option.strains),
            }
            for option in step.options.order_by("position")
        ]
        if spec.options is not None
        else [],
        "statements": list(
            step.statements.filter(submitted_by__isnull=True)
            .exclude(status=Statement.Status.REJECTED)
            .values_list("text", flat=True)
        )
        if spec.statements
        else [],
    }
