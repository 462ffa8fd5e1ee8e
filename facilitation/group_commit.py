"""Group commit: writes that arrive together are made in one transaction, each answered after it.

A hall votes within seconds. Written one by one, each vote pays for its own transaction: the
same step read and locked again, a dozen statements, a commit. ``GroupCommit`` lets the requests
that arrive while a write is under way wait for the next one, which takes them all: the first
of them writes the whole group on its own thread and connection, then hands over to whoever came
meanwhile. Under a trickle every group is one write and no request waits for a timer; under a
burst the groups grow by themselves, up to ``most``. While a burst lasts (the last group had
company), the next group may ``linger``: its first item waits a few milliseconds, no more, until
``enough`` have come, because each group costs the same few statements and a commit whatever its
size, and in a burst more are always on their way.

Nothing is answered before it is committed: each submitter gets its own outcome (its value, or its
own refusal) only when the group's transaction is done. When the group's write fails as a whole
(a deadlock, a constraint, a bug), each item is written again on its own, so one item's trouble is
reported to its submitter and no other.
"""

import threading

from django.db import transaction


class _Ticket:
    """One submitted item, waiting for its outcome or for its turn to write the next group."""

    __slots__ = ("item", "outcome", "settled", "leads", "wake")

    def __init__(self, item):
        self.item = item
        self.outcome = None
        self.settled = False
        self.leads = False
        self.wake = threading.Event()

    def settle(self, outcome):
        self.outcome, self.settled = outcome, True
        self.wake.set()

    def result(self):
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome


class GroupCommit:
    """Submit items from any thread; ``write(items)`` writes a group of them in one transaction.

    ``write`` returns one outcome per item, in order: a value for the submitter, or an exception
    instance to raise in the submitter's thread. It runs on the thread of one of the submitters,
    one group at a time per process.
    """

    def __init__(self, write, *, most=200, linger=0.0, enough=1):
        self._write = write
        self._most = most
        self._linger = linger
        self._enough = min(enough, most)
        self._guard = threading.Lock()
        self._arrived = threading.Condition(self._guard)
        self._waiting = []
        self._writing = False
        self._in_a_burst = False

    def submit(self, item):
        """Write ``item`` with whatever else is waiting; return its value or raise its refusal."""
        if transaction.get_connection().in_atomic_block:
            # Inside the caller's transaction: joining another thread's would escape it, and that
            # thread could wait for the locks this one holds.
            return self._write_alone(item).result()
        ticket = _Ticket(item)
        with self._guard:
            self._waiting.append(ticket)
            ticket.leads = not self._writing
            self._writing = True
            if len(self._waiting) >= self._enough:
                self._arrived.notify()
        while not ticket.settled:
            if ticket.leads:
                self._write_next_group()
            else:
                ticket.wake.wait()
        return ticket.result()

    def _write_next_group(self):
        with self._guard:
            if self._in_a_burst and self._linger:
                self._arrived.wait_for(lambda: len(self._waiting) >= self._enough, self._linger)
            group = self._waiting[: self._most]
            del self._waiting[: self._most]
            self._in_a_burst = len(group) > 1
        try:
            outcomes = self._write_group(group)
        except BaseException as error:  # noqa: BLE001 - every waiting submitter must hear of it
            outcomes = [error] * len(group)
        with self._guard:
            successor = self._waiting[0] if self._waiting else None
            if successor is None:
                self._writing = False
            else:
                successor.leads = True
        for ticket, outcome in zip(group, outcomes, strict=True):
            ticket.settle(outcome)
        if successor is not None:
            successor.wake.set()

    def _write_group(self, group):
        items = [ticket.item for ticket in group]
        if len(items) == 1:
            return [self._write_alone(items[0]).outcome]
        try:
            return self._write(items)
        except Exception:  # noqa: BLE001 - a deadlock, a constraint, a bug: told to its own item
            # Written again one by one: the error goes to the item that caused it, if any.
            return [self._write_alone(item).outcome for item in items]

    def _write_alone(self, item):
        ticket = _Ticket(item)
        try:
            (outcome,) = self._write([item])
        except Exception as error:  # noqa: BLE001 - raised in the submitter's thread
            outcome = error
        ticket.settle(outcome)
        return ticket
