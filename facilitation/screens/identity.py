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

    With ``attending`` (a round), only if they have joined that round (in the same query); one
    found is remembered for ``attendee_id_from_cookies``.
    """
    token = _token(cookies, workshop_id)
    if token is None:
        return None
    # A token names one person: get(), which orders nothing (the default order joins the workshop).
    participants = Participant.objects.filter(workshop_id=workshop_id, token=token)
    if attending is not None:
        participants = participants.filter(attendances__round=attending)
    try:
        participant = participants.get()
    except Participant.DoesNotExist:
        return None
    if attending is not None:
        _remember_attendee(attending, token, participant.pk)
    return participant


def attendee_id_from_cookies(cookies, round):
    """The id of the participant the cookies name, if they have joined ``round``, as this worker
    remembers it: a hall's votes find their person without a query (the phone's page, loaded
    after joining, was found by ``participant_from_cookies``, which remembers them).

    A token names one person for good (it is made with them and never changes), so what is
    remembered stays true; whether they still attend, have consented and not withdrawn is for
    the caller to read where it acts (an answer reads it under its lock). Only those found
    attending are remembered: someone who joins later is looked up again.
    """
    token = _token(cookies, round.workshop_id)
    if token is None:
        return None
    if (remembered := _attendees.get((round.pk, round.workshop_id, token))) is not None:
        return remembered
    found = (
        Participant.objects.filter(
            workshop_id=round.workshop_id, token=token, attendances__round_id=round.pk
        )
        .order_by()
        .values_list("pk", flat=True)
    )
    if not found:
        return None  # not remembered: they may join yet
    _remember_attendee(round, token, found[0])
    return found[0]


def remembered_phone(cookies, join_code):
    """(round id, participant id) of the phone whose cookies name someone this worker found
    attending the round of ``join_code``, from memory alone, or None (then ask the database).

    A join code names one round for good, and a token one person: a hall's sockets, opened just
    after their pages were served, are let in without a query or a hand-off to a thread."""
    if (round_ref := _rounds_of_codes.get(join_code)) is None:
        return None
    round_id, workshop_id = round_ref
    token = _token(cookies, workshop_id)
    participant_id = _attendees.get((round_id, workshop_id, token)) if token else None
    return None if participant_id is None else (round_id, participant_id)


def _token(cookies, workshop_id):
    raw = cookies.get(cookie_name(workshop_id))
    if not raw:
        return None
    try:
        return _signer(workshop_id).unsign(raw)
    except signing.BadSignature:
        return None


# (round id, workshop id, token) -> participant id, per worker; emptied when full (a hall of
# 5,000 in a few rounds fits), which costs each phone one lookup again.
ATTENDEES_KEPT = 20_000
_attendees = {}
# join code -> (round id, workshop id) of the rounds those attendees attend.
_rounds_of_codes = {}


def _remember_attendee(round, token, participant_id):
    if len(_attendees) >= ATTENDEES_KEPT:
        forget_attendees()
    _attendees[(round.pk, round.workshop_id, token)] = participant_id
    _rounds_of_codes[round.join_code] = (round.pk, round.workshop_id)


def forget_attendees():
    """Forget the remembered attendees (tests, whose databases come and go)."""
    _attendees.clear()
    _rounds_of_codes.clear()


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
