"""The tidy tables as a zip of CSV files, as one XLSX workbook, and as a nested JSON record.

All three stream: rows come from the database in chunks and leave as bytes at once, so a
workshop with a hundred thousand events exports in flat memory.
"""

import csv
import io
import json
import os
import tempfile
import time
import zipfile
from collections import defaultdict

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from facilitation.recording.services import CONTAINERS, audio_chunks, read_audio
from facilitation.recording.timeline import chapters_vtt, field_notes_vtt, recordings_of

from .dictionary import VARIABLE_COLUMNS, data_dictionary, variable_rows
from .scope import iso
from .tables import JSON, LIST, LIST_SEPARATOR, SCHEMA_VERSION, TABLES, Table, scope_field_notes

# A spreadsheet runs a cell that starts with one of these as a formula (or a DDE command); a
# leading apostrophe makes it plain text in Excel, LibreOffice and Google Sheets alike.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Bytes gathered before they are handed on, so the response is not a trickle of tiny writes.
FLUSH_SIZE = 64 * 1024


def safe_cell(value):
    """A cell value that no spreadsheet will run: text starting like a formula gets a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return safe_cell(value)


# ---- a zip that streams -----------------------------------------------------------------------


class _Sink:
    """A write-only file for ``zipfile``: it keeps what was written until it is drained."""

    def __init__(self):
        self.chunks = []

    def write(self, data):
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def drain(self):
        data, self.chunks = b"".join(self.chunks), []
        return data


# An entry stored as it is (audio is compressed already), where the others are deflated.
STORED = zipfile.ZIP_STORED


def stream_zip(entries):
    """Yield a zip archive of ``(name, chunks)`` entries as it is written; an entry
    ``(name, chunks, STORED)`` is not compressed.

    ``zipfile`` writes to an unseekable file by putting each entry's sizes after its data, so
    no entry is ever held whole in memory.
    """
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, chunks, *how in entries:
            info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
            info.compress_type = how[0] if how else zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as entry:
                for chunk in chunks:
                    entry.write(chunk)
                    if sum(map(len, sink.chunks)) >= FLUSH_SIZE:
                        yield sink.drain()
            yield sink.drain()
    yield sink.drain()


def csv_chunks(table, scope):
    """One table as CSV bytes (UTF-8 with a byte-order mark, so Excel reads å, ä and ö)."""
    return csv_rows_chunks(table.column_names, table.rows(scope))


def csv_rows_chunks(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    first = True
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
        if buffer.tell() >= FLUSH_SIZE:
            yield _encoded(buffer, first)
            first = False
    yield _encoded(buffer, first)


def _encoded(buffer, first):
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text.encode("utf-8-sig" if first else "utf-8")


def csv_zip(scope):
    entries = [(f"{table.name}.csv", csv_chunks(table, scope)) for table in TABLES]
    entries.append(("README.txt", [readme(scope).encode()]))
    entries.append(("data-dictionary.md", [data_dictionary(in_archive=True).encode()]))
    entries.append(("variables.csv", csv_rows_chunks(VARIABLE_COLUMNS, variable_rows())))
    if scope.include_recordings:
        entries += recording_files(scope)
    return stream_zip(entries)


def recording_files(scope):
    """Each recording's audio (stored as it is), its WebVTT chapters and, if any, its field
    notes as WebVTT, under ``recordings/`` named by the recording's id."""
    for recording in recordings_of(scope):
        if not recording.byte_size:
            continue
        stem = f"recordings/{recording.pk}"
        audio = read_audio(recording, chunks=audio_chunks(recording))
        yield (f"{stem}{CONTAINERS[recording.mime_type]}", audio, STORED)
        yield (f"{stem}-chapters.vtt", [chapters_vtt(recording).encode()])
        notes = field_notes_vtt(recording, notes=scope_field_notes(scope))
        if notes is not None:
            yield (f"{stem}-field-notes.vtt", [notes.encode()])


def readme(scope):
    """The zip's README, in the workshop's language."""
    if scope.round:
        what = _("Balans research export of round “%(round)s” of the workshop “%(workshop)s”.")
    else:
        what = _("Balans research export of the workshop “%(workshop)s”.")
    names = _("included") if scope.include_names else _("left out (pseudonyms only)")
    lines = [
        what
        % {"round": scope.round.title if scope.round else "", "workshop": scope.workshop.title},
        _("Exported at %(time)s. Schema version %(version)s.")
        % {"time": iso(scope.exported_at), "version": SCHEMA_VERSION},
        _("Display names: %(names)s.") % {"names": names},
        recordings_line(scope),
        "",
        _("One CSV file per table, UTF-8, comma-separated, first row the column names."),
        _(
            "Every column is described in the data dictionary beside this file "
            "(data-dictionary.md, and variables.csv: table, column, type, meaning, allowed values)."
        ),
        _(
            "Text that begins with = + - @ (or a tab) starts with an extra ' so that no "
            "spreadsheet runs it as a formula; remove that first character when analysing."
        ),
    ]
    return "\n".join(lines) + "\n"


def recordings_line(scope):
    if scope.include_recordings:
        return _(
            "Recordings: included in recordings/ (the audio as <recording_id>.webm or .ogg, its "
            "chapters as <recording_id>-chapters.vtt, field notes as "
            "<recording_id>-field-notes.vtt)."
        )
    return _("Recordings: listed in recordings.csv, their audio left out.")


# ---- XLSX -------------------------------------------------------------------------------------


def xlsx_value(value):
    if isinstance(value, str):
        return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


DICTIONARY_SHEET = "variables"


def write_xlsx(scope, path):
    """One sheet per table, its header row frozen; openpyxl's write-only mode keeps memory flat."""
    workbook = Workbook(write_only=True)
    for table in TABLES:
        sheet = workbook.create_sheet(title=table.name[:31])
        sheet.freeze_panes = "A2"
        sheet.append(table.column_names)
        for row in table.rows(scope):
            sheet.append([xlsx_value(v) for v in row])
    # The data dictionary travels with the data.
    sheet = workbook.create_sheet(title=DICTIONARY_SHEET)
    sheet.freeze_panes = "A2"
    sheet.append(VARIABLE_COLUMNS)
    for row in variable_rows():
        sheet.append([xlsx_value(v) for v in row])
    workbook.save(path)


def xlsx_chunks(scope, chunk_size=FLUSH_SIZE):
    """The workbook as bytes: built in a temporary file (XLSX cannot be written front to back)."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        write_xlsx(scope, path)
        with open(path, "rb") as file:
            while chunk := file.read(chunk_size):
                yield chunk
    finally:
        os.unlink(path)


# ---- JSON -------------------------------------------------------------------------------------


def json_value(table: Table, column, value):
    """Typed values in JSON: lists as lists, JSON columns as their value, empty as null."""
    if column.type == LIST:
        return value.split(LIST_SEPARATOR) if value else []
    if column.type == JSON:
        return json.loads(value) if value else None
    return None if value == "" and column.type != "text" else value


def json_rows(table, scope):
    for row in table.rows(scope):
        yield {c.name: json_value(table, c, v) for c, v in zip(table.columns, row, strict=True)}


def json_chunks(scope):
    """The complete record, nested: rounds hold their steps, steps hold their answers.

    Rows of nested tables are grouped in memory (they grow with people times steps); the tables
    at the top, the event log above all, stream row by row.
    """
    dump = json.JSONEncoder(ensure_ascii=False).encode
    nested = {
        "round": defaultdict(lambda: defaultdict(list)),
        "step": defaultdict(lambda: defaultdict(list)),
    }
    for table in TABLES:
        if table.nested_under in nested:
            key = f"{table.nested_under}_id"
            for row in json_rows(table, scope):
                nested[table.nested_under][row[key]][table.name].append(row)
    head = {
        "schema_version": SCHEMA_VERSION,
        "exported_at": iso(scope.exported_at),
        "display_names_included": scope.include_names,
        "workshop": {
            "workshop_id": scope.workshop.pk,
            "title": scope.workshop.title,
            "description": scope.workshop.description,
            "on_withdrawal": scope.workshop.on_withdrawal,
            "participant_attributes": scope.workshop.participant_attributes,
        },
        "round_id": scope.round.pk if scope.round else None,
    }
    yield dump(head)[:-1].encode()
    yield b', "rounds": ['
    rounds_table = next(t for t in TABLES if t.name == "rounds")
    for i, round_row in enumerate(json_rows(rounds_table, scope)):
        children = nested["round"].pop(round_row["round_id"], {})
        steps = children.pop("steps", [])
        for step in steps:
            step.update(nested["step"].pop(step["step_id"], {}))
        record = {**round_row, **children, "steps": steps}
        yield (", " if i else "").encode() + dump(record).encode()
    yield b"]"
    for table in TABLES:
        if table.nested_under or table.name == "rounds":
            continue
        yield f', "{table.name}": ['.encode()
        for i, row in enumerate(json_rows(table, scope)):
            yield (", " if i else "").encode() + dump(row).encode()
        yield b"]"
    yield b"}\n"
