"""The data dictionary, generated from the table registry so that it cannot drift: as
``docs/data-dictionary.md``, and inside every CSV zip and XLSX workbook (Markdown and a
``variables`` table), since researchers have the export, not this repository.

Regenerate the docs with ``python manage.py data_dictionary > docs/data-dictionary.md``; a test
fails when the file and the registry differ.
"""

from .tables import SCHEMA_VERSION, TABLES, TYPE_MEANINGS

VARIABLE_COLUMNS = ["table", "column", "type", "meaning", "allowed_values"]


def variable_rows():
    """One row per column of every table: what the ``variables`` table of an export holds."""
    for table in TABLES:
        for c in table.columns:
            yield (table.name, c.name, c.type, c.meaning, ", ".join(c.allowed_values))


def data_dictionary(*, in_archive=False):
    where = (
        "How to open each file is in the README beside this one; `variables.csv` (the "
        "`variables` sheet of the workbook) holds the same table by table and column."
        if in_archive
        else "How to open each export is in [exports.md](exports.md)."
    )
    lines = [
        "# Data dictionary of the research exports",
        "",
        "Generated from the export's table registry (`facilitation/research/tables.py`) by",
        "`python manage.py data_dictionary`; do not edit by hand.",
        where,
        "",
        f"Schema version {SCHEMA_VERSION}. The CSV zip holds one file per table below, the XLSX",
        "workbook one sheet per table (both hold this dictionary too: `data-dictionary.md` and",
        "`variables.csv` in the zip, the `variables` sheet in the workbook, one row per column",
        "with its table, type, meaning and allowed values), and the JSON record the same tables,",
        "with `attendances`, `steps`, `breakout_groups`, `group_memberships` and `field_notes`",
        "nested in their round and `options`,",
        "`responses`, `statements`, `annotations` and `discussion_notes` nested in their step; the",
        "code of conduct's tables are the workshop's and stand at the top.",
        "",
        "Participants appear only as pseudonyms (`P01`, `P02`, ...), the same in every round of a",
        "workshop; display names only when the export was asked to include them. Withdrawn",
        "participants are left out with everything they contributed, or their contributions are",
        "kept with an empty `participant`, as the workshop's setting says. In CSV and XLSX, text",
        "that begins with `=`, `+`, `-`, `@`, a tab or a carriage return starts with an added `'`",
        "so that no spreadsheet runs it as a formula; remove that first character when analysing.",
        "",
        "## Types",
        "",
        "| type | meaning |",
        "|---|---|",
        *(f"| {name} | {meaning} |" for name, meaning in TYPE_MEANINGS.items()),
        "",
        "An empty cell means no value (`null` in JSON).",
    ]
    for table in TABLES:
        lines += ["", f"## {table.name}", "", table.description, ""]
        lines += ["| column | type | meaning | allowed values |", "|---|---|---|---|"]
        lines += [
            f"| `{c.name}` | {c.type} | {c.meaning} | "
            + ", ".join(f"`{v}`" for v in c.allowed_values)
            + " |"
            for c in table.columns
        ]
    return "\n".join(lines) + "\n"
