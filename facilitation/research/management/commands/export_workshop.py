import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from facilitation.research.exports import EXPORT_FORMATS, log_recordings_leaving, write_export
from facilitation.research.scope import ExportScope
from facilitation.workshops.models import Workshop


class Command(BaseCommand):
    help = "Write a workshop's research export (pseudonymised) to a file, e.g. for an archive."

    def add_arguments(self, parser):
        parser.add_argument("workshop", help="the workshop's id or its exact title")
        parser.add_argument("--format", choices=sorted(EXPORT_FORMATS), default="csv")
        parser.add_argument("--output", required=True, help="the file to write ('-': stdout)")
        parser.add_argument("--round", type=int, help="only this round (its id)")
        parser.add_argument(
            "--include-names",
            action="store_true",
            help="include participants' display names (pseudonyms only without it)",
        )
        parser.add_argument(
            "--include-recordings",
            action="store_true",
            help="put the recordings' audio and WebVTT chapters into the archive (csv, qdpx); "
            "they are large and identifying, and left out without it",
        )

    def handle(
        self, *args, workshop, format, output, round, include_names, include_recordings, **options
    ):
        found = find_workshop(workshop)
        chosen_round = None
        if round is not None:
            chosen_round = found.rounds.filter(pk=round).first()
            if chosen_round is None:
                raise CommandError(f"The workshop “{found}” has no round {round}.")
        scope = ExportScope(
            found,
            chosen_round,
            include_names=include_names,
            include_recordings=include_recordings,
        )
        if include_recordings and not EXPORT_FORMATS[format].carries_recordings:
            raise CommandError(
                f"The {format} export cannot carry audio; use --format csv or --format qdpx."
            )
        log_recordings_leaving(scope, format, by=None)
        if output == "-":
            write_export(scope, format, sys.stdout.buffer)
            return
        path = Path(output)
        if path.is_dir():
            path = path / EXPORT_FORMATS[format].filename(scope)
        try:
            with path.open("wb") as file:
                write_export(scope, format, file)
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc.strerror}") from exc
        self.stdout.write(f"Wrote {path} ({path.stat().st_size:,} bytes).")


def find_workshop(text):
    workshops = Workshop.objects.all()
    found = workshops.filter(pk=int(text)).first() if text.isdigit() else None
    found = found or workshops.filter(title=text).first()
    if found is None:
        raise CommandError(f"No workshop has the id or title “{text}”.")
    return found
