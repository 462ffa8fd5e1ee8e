"""Who a participant is: a signed, HttpOnly cookie per workshop carrying their secret token."""

from django.conf import settings
from django.core import signing

from facilitation.workshops.models import Participant

COOKIE_MAX_AGE = 60 * 60 * 24 * 400  # browsers cap cookies at 400 days


COOKIE_PREFIX = "balans_p"


def cookie_name(workshop_id):
    return f"{COOKIE_PREFIX}{workshop_id}"


def _signer(workshop_id):
    # The salt ties a cookie to its workshop: one copied under another workshop's name fails.
    return signing.get_cookie_signer(salt=f"{cookie_name(workshop_id)}.participant")


def remember_participant(response, participant):
    response.set_cookie(
        cookie_name(participant.workshop_id),
        _signer(participant.workshop_id).sign(participant.token),
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def participant_from_cookies(cookies, workshop_id, *, attending=None):
    """The participant the cookies name for this workshop, or None (absent, tampered, foreign).

    With ``attending`` (a round), only if they have joined that round (in the same query).
    """
    raw = cookies.get(cookie_name(workshop_id))
    if not raw:
        return None
    try:
        token = _signer(workshop_id).unsign(raw)
    except signing.BadSignature:
        return None
    participants = Participant.objects.filter(workshop_id=workshop_id, token=token)
    if attending is not None:
        participants = participants.filter(attendances__round=attending)
    return participants.first()


def has_unrecognised_cookie(cookies, workshop_id):
    return bool(cookies.get(cookie_name(workshop_id))) and not participant_from_cookies(
        cookies, workshop_id
    )


def signed_identity(cookies):
    """``"<workshop id>:<token>"`` of the first participant cookie this server signed, or None.

    A rate-limit key without a query: a cookie the server did not sign names no one, so a junk
    cookie gives no bucket of its own; each real identity cost a join."""
    for name in sorted(cookies):
        workshop_id = name.removeprefix(COOKIE_PREFIX)
        if name == workshop_id or not workshop_id.isdigit():
            continue
        try:
            return f"{workshop_id}:{_signer(workshop_id).unsign(cookies[name])}"
        except signing.BadSignature:
            continue
    return None
