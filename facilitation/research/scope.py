"""What one export covers and who appears in it under which name.

Every format reads the workshop through an ``ExportScope``: the workshop, optionally one round,
and whether display names were asked for. The scope applies the rules every format shares, so no
format can forget one:

- participants appear as stable pseudonyms (P01, P02, ...), display names only when asked for;
- withdrawn participants are left out with everything they contributed ("remove"), or their
  contributions stay without any link to them ("anonymise"), per ``Workshop.on_withdrawal``;
- secrets (cookie tokens, re-join codes, join codes, projector keys) are never read at all;
- the recordings' audio is left out unless asked for (``include_recordings``).
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.utils import timezone

from facilitation.deliberation.models import (
    Amendment,
    Annotation,
    Clause,
    ConductVersion,
    DiscussionNote,
    Response,
    Statement,
)
from facilitation.fieldnotes.models import FieldNote
from facilitation.workshops.models import Participant, Round, Workshop

# Rows are read from the database in chunks of this size, so memory stays flat for big workshops.
CHUNK_SIZE = 2000
# Event payload keys that never leave the server, whatever an event of a later capability records.
SECRET_KEYS = frozenset({"token", "rejoin_code", "join_code", "projector_key", "cookie", "secret"})
# Payload keys that name a person: exported only when names were asked for.
NAME_KEYS = frozenset({"display_name", "username", "email"})


@dataclass
class ExportScope:
    workshop: Workshop
    round: Round | None = None
    include_names: bool = False
    exported_at: object = field(default_factory=timezone.now)
    # The recordings' audio and WebVTT files go into the archives only when asked for: they
    # are large and identifying. Their listing and their marks are always in the tables.
    include_recordings: bool = False

    @property
    def removes_withdrawn(self):
        return self.workshop.on_withdrawal == Workshop.Withdrawal.REMOVE

    @cached_property
    def withdrawn_ids(self):
        return set(
            self.workshop.participants.filter(withdrawn_at__isnull=False).values_list(
                "pk", flat=True
            )
        )

    @cached_property
    def _participants(self):
        """id -> (pseudonym, display name) of everyone who may be named, in number order.

        Small (one row per person), so it is held in memory for the whole export.
        """
        rows = Participant.objects.filter(workshop=self.workshop, withdrawn_at__isnull=True)
        if self.round is not None:
            rows = rows.filter(attendances__round=self.round)
        return {
            pk: (f"P{number:02d}", name)
            for pk, number, name in rows.order_by("number").values_list(
                "pk", "number", "display_name"
            )
        }

    def participants(self):
        """The participants the export names, as model instances (secret fields not loaded)."""
        return (
            Participant.objects.filter(pk__in=list(self._participants))
            .only("pk", "number", "display_name", "joined_at", "attributes", "consented_at")
            .order_by("number")
        )

    def pseudonym(self, participant_id):
        """P07 for a named participant; "" for nobody, an anonymous answer or an anonymised one."""
        found = self._participants.get(participant_id)
        return found[0] if found else ""

    def display_name(self, participant_id):
        found = self._participants.get(participant_id)
        return found[1] if found and self.include_names else ""

    def speaker(self, participant_id):
        """How a transcript or a QDA case names a person: the pseudonym, with the name if asked."""
        pseudonym, name = self._participants.get(participant_id, ("", ""))
        if not pseudonym:
            return ""
        return f"{name} ({pseudonym})" if self.include_names and name else pseudonym

    def keeps(self, participant_id):
        """Whether a contribution by this participant belongs in the export at all."""
        return participant_id not in self.withdrawn_ids or not self.removes_withdrawn

    def contributions(self, queryset, participant_field="participant"):
        """Leave out what withdrawn participants contributed, if the workshop says "remove"."""
        if self.removes_withdrawn and self.withdrawn_ids:
            queryset = queryset.exclude(**{f"{participant_field}_id__in": self.withdrawn_ids})
        return queryset

    def in_rounds(self, queryset, round_field="round"):
        if self.round is not None:
            return queryset.filter(**{round_field: self.round})
        return queryset.filter(**{f"{round_field}__workshop": self.workshop})

    def rounds(self):
        rounds = Round.objects.filter(workshop=self.workshop)
        if self.round is not None:
            rounds = rounds.filter(pk=self.round.pk)
        return rounds.order_by("created_at", "pk")

    @cached_property
    def removed_annotation_ids(self):
        """Annotations of withdrawn participants that "remove" leaves out (events name them)."""
        if not (self.removes_withdrawn and self.withdrawn_ids):
            return set()
        return set(
            Annotation.objects.filter(participant_id__in=self.withdrawn_ids).values_list(
                "pk", flat=True
            )
        )

    @cached_property
    def removed_statement_ids(self):
        if not (self.removes_withdrawn and self.withdrawn_ids):
            return set()
        return set(
            Statement.objects.filter(submitted_by_id__in=self.withdrawn_ids).values_list(
                "pk", flat=True
            )
        )

    @cached_property
    def removed_response_ids(self):
        if not (self.removes_withdrawn and self.withdrawn_ids):
            return set()
        return set(
            Response.objects.filter(participant_id__in=self.withdrawn_ids).values_list(
                "pk", flat=True
            )
        )

    @cached_property
    def clauses_in_code(self):
        """Clauses that were ever part of a version of the code of conduct.

        The code is the room's shared document: like the app, which keeps such clauses in the
        code when their proposer withdraws, the export keeps them (without the proposer's
        pseudonym) even when the workshop removes what withdrawn people contributed.
        """
        ids = set()
        for document in ConductVersion.objects.filter(workshop=self.workshop).values_list(
            "clauses", flat=True
        ):
            ids |= {entry.get("clause") for entry in document or [] if isinstance(entry, dict)}
        return ids

    @cached_property
    def removed_clause_ids(self):
        """Clauses proposed by withdrawn participants that never made it into the code."""
        if not (self.removes_withdrawn and self.withdrawn_ids):
            return set()
        return set(
            Clause.objects.filter(proposed_by_id__in=self.withdrawn_ids)
            .exclude(pk__in=self.clauses_in_code)
            .values_list("pk", flat=True)
        )

    @cached_property
    def removed_amendment_ids(self):
        """Amendments of withdrawn participants, except accepted ones (their wording is the
        code's now), and every amendment of a removed clause."""
        if not (self.removes_withdrawn and self.withdrawn_ids):
            return set()
        by_them = Amendment.objects.filter(proposed_by_id__in=self.withdrawn_ids).exclude(
            status=Amendment.Status.ACCEPTED
        )
        of_removed = Amendment.objects.filter(clause_id__in=self.removed_clause_ids)
        return set(by_them.values_list("pk", flat=True)) | set(
            of_removed.values_list("pk", flat=True)
        )

    @cached_property
    def removed_note_ids(self):
        if not (self.removes_withdrawn and self.withdrawn_ids):
            return set()
        return set(
            DiscussionNote.objects.filter(participant_id__in=self.withdrawn_ids).values_list(
                "pk", flat=True
            )
        )

    @cached_property
    def removed_field_note_ids(self):
        """Field notes about withdrawn participants, when the workshop removes what they did."""
        if not (self.removes_withdrawn and self.withdrawn_ids):
            return set()
        return set(
            FieldNote.objects.filter(participant_id__in=self.withdrawn_ids).values_list(
                "pk", flat=True
            )
        )

    @property
    def basename(self):
        """A file name stem that says what the file holds, e.g. balans-workshop-3-round-7."""
        name = f"balans-workshop-{self.workshop.pk}"
        return f"{name}-round-{self.round.pk}" if self.round else name


def iso(moment):
    return moment.isoformat() if moment else ""


def clean_payload(payload, *, include_names=False):
    """An event payload without any secret key, at any depth, and without names unless asked."""
    dropped = SECRET_KEYS if include_names else SECRET_KEYS | NAME_KEYS
    if isinstance(payload, dict):
        return {
            k: clean_payload(v, include_names=include_names)
            for k, v in payload.items()
            if k not in dropped
        }
    if isinstance(payload, list):
        return [clean_payload(v, include_names=include_names) for v in payload]
    return payload
