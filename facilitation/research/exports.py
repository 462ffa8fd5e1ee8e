"""Every export format in one registry: its file name, media type and the bytes it streams.

The console's exports page, the ``export_workshop`` command and the tests all go through
``EXPORT_FORMATS``, so a new format is one entry here. Every export is written in the
workshop's language (``Workshop.language``): its labels, names of codes and log lines.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from facilitation.recording.services import log_export
from facilitation.recording.timeline import recordings_of

from .qdpx import qdc_chunks, qdpx_chunks
from .scope import ExportScope
from .tabular import csv_zip, json_chunks, xlsx_chunks
from .texts import jsonld_chunks, log_chunks, transcript_chunks


@dataclass(frozen=True)
class ExportFormat:
    key: str
    label: str
    suffix: str
    content_type: str
    make: Callable[[ExportScope], Iterable[bytes]]
    opens_in: str
    # An archive that takes the recordings' audio and WebVTT files when the export asks.
    carries_recordings: bool = False

    def filename(self, scope):
        return f"{scope.basename}{self.suffix}"

    def chunks(self, scope):
        """The export's bytes, each chunk made in the workshop's language.

        The language is switched on around every step of the generator rather than once, since
        a streaming response may resume it in another thread than the one it started in.
        """
        with translation.override(scope.workshop.language):
            # Some formats build their whole first part when called, not when iterated.
            iterator = iter(self.make(scope))
        while True:
            with translation.override(scope.workshop.language):
                try:
                    chunk = next(iterator)
                except StopIteration:
                    return
            yield chunk


EXPORT_FORMATS = {
    f.key: f
    for f in [
        ExportFormat(
            "csv",
            _("Tables (CSV, zipped)"),
            "-tables.zip",
            "application/zip",
            csv_zip,
            _("R, pandas, SPSS, Excel"),
            carries_recordings=True,
        ),
        ExportFormat(
            "xlsx",
            _("Workbook (XLSX)"),
            ".xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            xlsx_chunks,
            _("Excel, LibreOffice, Numbers"),
        ),
        ExportFormat(
            "json",
            _("Complete record (JSON)"),
            ".json",
            "application/json",
            json_chunks,
            _("Python, R, any programming language"),
        ),
        ExportFormat(
            "qdpx",
            _("QDA project (REFI-QDA .qdpx)"),
            ".qdpx",
            "application/zip",
            qdpx_chunks,
            _("ATLAS.ti, MAXQDA, NVivo, QualCoder"),
            carries_recordings=True,
        ),
        ExportFormat(
            "qdc",
            _("Codebook (REFI-QDA .qdc)"),
            ".qdc",
            "application/xml",
            qdc_chunks,
            _("ATLAS.ti, MAXQDA, NVivo, QualCoder"),
        ),
        ExportFormat(
            "transcript",
            _("Focus-group transcript (text)"),
            "-transcript.txt",
            "text/plain; charset=utf-8",
            transcript_chunks,
            _("MAXQDA, NVivo, any text editor"),
        ),
        ExportFormat(
            "transcript-bom",
            _("Focus-group transcript for Windows tools (text with a byte-order mark)"),
            "-transcript-windows.txt",
            "text/plain; charset=utf-8",
            partial(transcript_chunks, bom=True),
            _("MAXQDA and NVivo on Windows, Notepad"),
        ),
        ExportFormat(
            "log",
            _("Facilitation log (CSV)"),
            "-facilitation-log.csv",
            "text/csv; charset=utf-8",
            log_chunks,
            _("Excel, R, pandas"),
        ),
        ExportFormat(
            "jsonld",
            _("Annotations (W3C Web Annotation JSON-LD)"),
            "-annotations.jsonld",
            "application/ld+json",
            jsonld_chunks,
            _("Hypothesis-style annotation tools, Python"),
        ),
    ]
}


def write_export(scope, key, file):
    """Write the export ``key`` of ``scope`` to an open binary file, chunk by chunk."""
    for chunk in EXPORT_FORMATS[key].chunks(scope):
        file.write(chunk)


def log_recordings_leaving(scope, key, *, by):
    """Before an export streams: if it carries recordings, each one's ``recording.exported``
    event (see ``recording.services.log_export``). Returns the recordings it carries."""
    if not (scope.include_recordings and EXPORT_FORMATS[key].carries_recordings):
        return []
    recordings = [r for r in recordings_of(scope) if r.byte_size > 0]
    log_export(recordings, by=by, format=key, include_names=scope.include_names)
    return recordings
