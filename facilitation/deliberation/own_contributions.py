"""What a phone shows of its person's own contributions (notes on a finding, statements, questions),
with how recent that reading of the record is.

Two renders of "Your notes" can reach a phone out of order: the push of the facilitator's
decision (a note hidden, a statement approved) and the reply to the author's own action, rendered
a moment earlier but arriving later over HTTP. Each render carries the version of the record it
was read at, and the phone keeps the newest (``balans.js``), so the decision's message is not
overwritten by an older reply. Notes and statements are a step's (their version is per step);
questions are the round's (per round).
"""

from django.db.models import Max

from facilitation.workshops.models import Event, Round

# Readings of the version while changes keep landing between them (a version is read before and
# after the contributions, and the reading is done again if they differ).
ATTEMPTS = 3


class Own(dict):
    """{participant id: their contributions}, read at ``version``."""

    version = 0


def newest_event(scope, kinds):
    """The id of the newest event of ``kinds`` (a prefix, "annotation.") on ``scope``, or 0.

    ``scope``: a step, or a round for what belongs to the whole round (its questions)."""
    where = {"round": scope} if isinstance(scope, Round) else {"step": scope}
    found = Event.objects.filter(kind__startswith=kinds, **where).aggregate(newest=Max("pk"))
    return found["newest"] or 0


def read_own(scope, kinds, read):
    """``read()`` (a dict by participant) as an ``Own`` with the version it shows: the newest
    event of ``kinds`` on ``scope``.

    Every change that records such an event holds one row lock of its scope while it does (the
    step's row; for questions the round's question board), so their ids grow in the order they
    commit: a later reading never has a smaller version, and two readings with one version show
    the same. The version is read before and after ``read()``, and all of it again when a change
    landed in between, so a reading never claims a version older or newer than what it shows.
    """
    for _attempt in range(ATTEMPTS):
        version = newest_event(scope, kinds)
        own = Own(read())
        if newest_event(scope, kinds) == version:
            break
    own.version = version
    return own
