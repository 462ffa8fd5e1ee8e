"""Open text: a short written answer; the room sees a word cloud and the answers themselves."""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext as _

from ..models import Response
from ..stopwords import is_stop_word
from .base import Answer, answers_of, refuse

MAX_LENGTH = 500
CLOUD_WORDS = 30  # the most frequent words the cloud shows
CLOUD_SIZES = 5  # word sizes: css classes size-1 (rare) .. size-5 (most frequent)

# A word: letters (any script, so å ä ö stay), with inner hyphens or apostrophes ("e-tjänst").
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_KEEP_CONTROLS = {"\n", "\t"}


def tidy_text(raw, *, one_line=False):
    """Participant text as it is stored: NFC, no control characters, trimmed.

    Control characters (NUL and the like) and lone surrogates are dropped: they have no place in
    an answer and some databases refuse them. ``one_line`` folds every run of spaces and line
    breaks into one space.
    """
    text = unicodedata.normalize("NFC", str(raw).replace("\r\n", "\n").replace("\r", "\n"))
    text = "".join(
        c for c in text if c in _KEEP_CONTROLS or unicodedata.category(c) not in {"Cc", "Cs"}
    )
    if one_line:
        text = " ".join(text.split())
    return text.strip()


def single_text(payload, name):
    """The one text posted as ``name`` ("" if none); two or more is a malformed request."""
    values = payload.get(name, [])
    if len(values) > 1:
        refuse(_("Send one answer at a time."))
    return values[0] if values else ""


def clean_open_text(step, payload):
    text = tidy_text(single_text(payload, "text"))
    if not text:
        refuse(_("Write an answer before sending."))
    if len(text) > MAX_LENGTH:
        refuse(
            _("Keep your answer to at most %(max)d characters; this one has %(length)d.")
            % {"max": MAX_LENGTH, "length": len(text)}
        )
    return Answer(value=text)


def words_of(text):
    """The words of ``text`` worth counting: casefolded, without stop words and single letters."""
    words = (unicodedata.normalize("NFC", w.casefold()) for w in WORD.findall(text))
    return [w for w in words if len(w) > 1 and not is_stop_word(w)]


@dataclass(frozen=True)
class CloudWord:
    word: str
    count: int  # in how many answers the word appears
    size: int  # 1 .. CLOUD_SIZES


def word_cloud(texts, limit=CLOUD_WORDS):
    """The most frequent words, ranked (most frequent first).

    A word counts once per answer, so one person repeating a word does not fill the cloud.
    """
    counts = Counter(word for text in texts for word in set(words_of(text)))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    if not ranked:
        return []
    most, least = ranked[0][1], ranked[-1][1]
    spread = most - least

    def size(count):
        if not spread:
            return 3 if most > 1 else 2
        return 1 + round((CLOUD_SIZES - 1) * (count - least) / spread)

    return [CloudWord(word, count, size(count)) for word, count in ranked]


def cloud_layout(ranked):
    """The ranked words arranged for the eye: the most frequent in the middle, rarer outwards."""
    arranged = []
    for index, word in enumerate(ranked):
        if index % 2:
            arranged.insert(0, word)
        else:
            arranged.append(word)
    return arranged


@dataclass(frozen=True)
class OpenTextResults:
    step: object
    pass_number: int
    answers: list  # the visible Responses, newest first
    words: list  # CloudWord, most frequent first

    @property
    def total(self):
        return len(self.answers)

    @property
    def cloud(self):
        return cloud_layout(self.words)

    @cached_property
    def moderation(self):
        """Every answer of the pass, hidden ones too, newest first: for the facilitator only."""
        return list(
            Response.objects.filter(step=self.step, pass_number=self.pass_number).order_by(
                "-updated_at", "-pk"
            )
        )

    @property
    def hidden_count(self):
        return sum(1 for response in self.moderation if response.hidden)


def tally_open_text(step, pass_number):
    answers = list(answers_of(step, pass_number).order_by("-updated_at", "-pk"))
    return OpenTextResults(
        step=step,
        pass_number=pass_number,
        answers=answers,
        words=word_cloud(a.value for a in answers if isinstance(a.value, str)),
    )
