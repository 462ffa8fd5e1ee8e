"""A vote's response, rendered once for every phone that gave the same answer.

In a hall a burst of votes comes back as a handful of different forms: one per option chosen, in
each language. Rendering the form took an eighth of a vote's server time (bench/README.md), so each
variant is rendered once and kept, and every response gets its own CSRF token put into it.

A variant is named by everything the form shows: the step and its round as the vote's write read
them (under its lock), the step's related rows that its kind reads (``AnswerKind.related``), the
answer, the language, and whether the step still takes answers. A step that is edited, locked or
moved on is a new variant; old ones fall out of the bounded store. A kind whose form shows more
than that (statements, which the room adds during the step) is rendered for each response.
"""

import secrets
import threading
from collections import OrderedDict

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation

from facilitation.deliberation.services import answer_key

from .kinds import kind_of

TEMPLATE = "phone/round.html#answer"
# Variants kept: a few steps' worth of options in two languages, and open answers as they come.
VARIANTS_KEPT = 256
# Stands in for the request's CSRF token in a kept form: hex, which escaping leaves alone, and
# random, so that no step's text contains it.
_TOKEN_MARK = secrets.token_hex(16)

_kept = OrderedDict()
_guard = threading.Lock()


def answer_form_response(request, response):
    """The HTML response to a phone whose answer ``response`` was just saved: the step's answer
    form with the answer marked, and the status line (``steps/<kind>.html#answer``).

    ``response.step`` is the step as the write read it, with its round and its kind's related rows.
    Effects: keeps the rendered variant for the next phone with the same answer.
    """
    step = response.step
    kind = kind_of(step)
    context = {
        "round": step.round,
        "step": step,
        "kind": kind,
        # An anonymous answer shows only as "answered".
        "answer": True if step.anonymous else response,
    }
    if not kind.answers.form_is_shared:
        return render(request, TEMPLATE, context)
    variant = _variant(step, kind, context["answer"])
    with _guard:
        html = _kept.get(variant)
        if html is not None:
            _kept.move_to_end(variant)
    if html is None:
        html = render_to_string(TEMPLATE, {**context, "csrf_token": _TOKEN_MARK})
        with _guard:
            _kept[variant] = html
            while len(_kept) > VARIANTS_KEPT:
                _kept.popitem(last=False)
    return HttpResponse(html.replace(_TOKEN_MARK, get_token(request)))


def forget_answer_forms():
    """Drop every kept variant (tests start from none)."""
    with _guard:
        _kept.clear()


def _variant(step, kind, answer):
    related = tuple(
        tuple(_row(row) for row in getattr(step, name).all()) for name in kind.answers.related
    )
    answered = answer if answer is True else (answer_key(answer), answer.hidden)
    return repr(
        (
            translation.get_language(),
            step.accepts_answers(),
            _row(step),
            _row(step.round),
            related,
            answered,
        )
    )


def _row(instance):
    return tuple(getattr(instance, field.attname) for field in instance._meta.concrete_fields)
