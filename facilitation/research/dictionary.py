"""``docs/data-dictionary.md``, generated from the table registry so the two cannot drift.

Regenerate it with ``python manage.py data_dictionary > docs/data-dictionary.md``; a test fails
when the file and the registry differ.
"""

from .tables import TABLES, TYPE_MEANINGS
from .tabular import SCHEMA_VERSION


def data_dictionary():
    lines = [
        "# Data dictionary of the research exports",
        "",
        "Generated from the export's table registry (`facilitation/research/tables.py`) by",
        "`python manage.py data_dictionary`; do not edit by hand. How to open each export is in",
        "[exports.md](exports.md).",
        "",
        f"Schema version {SCHEMA_VERSION}. The CSV zip holds one file per table below, the XLSX",
        "workbook one sheet per table, and the JSON record the same tables, with `attendances`,",
        "`steps`, `breakout_groups` and `group_memberships` nested in their round and `options`,",
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
        lines += ["| column | type | meaning |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.type} | {c.meaning} |" for c in table.columns]
    return "\n".join(lines) + "\n"
