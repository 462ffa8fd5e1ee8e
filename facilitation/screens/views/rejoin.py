"""Coming back as the same person on another device: the personal code, typed or scanned from a
printed card, and the throttle on wrong codes."""

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from facilitation.workshops import services

from ..forms import RejoinForm
from ..identity import remember_participant
from ..stages import public_base_url, qr_svg
from .base import facilitated_round, first_error, join_page, round_for_phone

# A room shares one address behind its wifi, so a few people's typos must not lock the others out;
# guessing one of a workshop's codes (8 characters from 31) stays hopeless at this pace.
WRONG_CODE_LIMIT = 10
WRONG_CODE_WINDOW = 5 * 60


def _wrong_code_key(request, round):
    return f"rejoin-failures:{round.pk}:{request.META.get('REMOTE_ADDR', '')}"


def _throttled(request, round):
    # ``or 0``: with Redis away the cache answers None, and the throttle pauses.
    return (cache.get(_wrong_code_key(request, round)) or 0) >= WRONG_CODE_LIMIT


def _count_wrong_code(request, round):
    key = _wrong_code_key(request, round)
    cache.add(key, 0, WRONG_CODE_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WRONG_CODE_WINDOW)


def rejoin_url(round, participant, base_url):
    """The address a printed card's QR code opens: this round's re-join form, filled in."""
    path = reverse("phone-rejoin", args=[round.join_code])
    return f"{base_url}{path}?code={participant.rejoin_code}"


@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate="30/m", method="POST", block=True)
def phone_rejoin(request, code):
    """GET (from a card's QR code): the re-join form filled in, to confirm with one tap; a link
    alone never signs anyone in. POST: continue as the person whose code it is."""
    round = round_for_phone(code)
    if request.method == "GET":
        form = RejoinForm(initial={"rejoin_code": request.GET.get("code", "")[:20]})
        return join_page(request, round, rejoin_form=form, rejoin_open=True)
    form = RejoinForm(request.POST)
    try:
        if _throttled(request, round):
            raise services.ActionRefused(
                _(
                    "Too many wrong personal codes were typed here. Wait 5 minutes and try "
                    "again, or ask the facilitator for your card, or join as new."
                ),
                status=429,
            )
        if not form.is_valid():
            raise services.ActionRefused(first_error(form), status=400)
        try:
            participant = services.find_participant_by_rejoin_code(
                round, form.cleaned_data["rejoin_code"]
            )
        except services.ActionRefused:
            _count_wrong_code(request, round)
            raise
        services.join_round(round, participant=participant)
    except services.ActionRefused as refusal:
        status = 429 if refusal.status == 429 else 400
        return join_page(request, round, rejoin_form=form, error=refusal.message, status=status)
    response = redirect("phone-round", round.join_code)
    remember_participant(response, participant)
    return response


@login_required
@never_cache
@require_GET
def console_rejoin_cards(request, round_id):
    """Printable cards, one per participant of the workshop, each with their personal code and a
    QR code that opens this round's re-join form with it. Cards are handed to their owner."""
    round = facilitated_round(request, round_id)
    base_url = public_base_url(request.build_absolute_uri("/"))
    participants = round.workshop.participants.filter(withdrawn_at=None).order_by("number")
    cards = [{"participant": p, "qr": qr_svg(rejoin_url(round, p, base_url))} for p in participants]
    join_url = base_url + reverse("phone-round", args=[round.join_code])
    return render(
        request, "console/rejoin_cards.html", {"round": round, "cards": cards, "join_url": join_url}
    )
