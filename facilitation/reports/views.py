"""The round report's pages: the facilitator's (with publishing) and the participants'."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from facilitation.screens.views.base import (
    facilitated_round,
    round_for_phone,
    speak_workshop_language,
)
from facilitation.workshops.services import ActionRefused

from .report import round_report
from .services import is_published, publish_report

# A hall opens the published report at once: it is built and rendered once per round in this
# long, then served from the cache (a change shows within that time).
PUBLISHED_REPORT_SECONDS = 30


def console_page(request, round, *, error=None, status=200):
    context = {
        "report": round_report(round=round),
        "published": is_published(round),
        "error": error,
    }
    return render(request, "reports/console.html", context, status=status)


@login_required
@require_GET
def console_report(request, round_id):
    return console_page(request, facilitated_round(request, round_id))


@login_required
@require_POST
def console_publish_report(request, round_id):
    """Publish the report to the participants (``published`` 1) or take it back (0)."""
    round = facilitated_round(request, round_id)
    wanted = request.POST.get("published", "")
    if wanted not in {"0", "1"}:
        error = _("Say whether to publish the report or take it back.")
        return console_page(request, round, error=error, status=400)
    try:
        publish_report(round, published=wanted == "1", by=request.user)
    except ActionRefused as refusal:
        return console_page(request, round, error=refusal.message, status=refusal.status)
    if wanted == "1":
        messages.success(request, _("The report is published: participants can open it."))
    else:
        messages.success(request, _("The report is no longer open to participants."))
    return redirect("console-report", round.pk)


@require_GET
def phone_report(request, code):
    """The published report, for anyone who has the round's code (as the join page is)."""
    round = round_for_phone(code)
    if not is_published(round):
        raise Http404
    # The report is the room's record: it speaks the workshop's language, as the projector does.
    speak_workshop_language(round.workshop)
    html = cache.get_or_set(
        f"published-report:{round.pk}:{round.workshop.language}",
        lambda: render_to_string(
            "reports/report.html#report",
            {"report": round_report(round=round), "audience": "report"},
        ),
        PUBLISHED_REPORT_SECONDS,
    )
    # Our own template's output, escaped when it was rendered.
    report_html = mark_safe(html)  # noqa: S308
    return render(request, "reports/phone.html", {"round": round, "report_html": report_html})
