import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from facilitation.research.dictionary import data_dictionary
from facilitation.workshops.models import Event, Round, Step
from tests import played

# One round played for the module (tests.played): every test here sees it, asked for or not.
played_once, facilitator, workshop, played_round = played.SHARED

DICTIONARY = Path(__file__).parents[2] / "docs" / "data-dictionary.md"


def test_the_data_dictionary_matches_the_tables():
    assert DICTIONARY.read_text() == data_dictionary(), (
        "Regenerate it: python manage.py data_dictionary > docs/data-dictionary.md"
    )


def test_every_column_is_in_the_data_dictionary():
    from facilitation.research.tables import TABLES

    text = DICTIONARY.read_text()
    for table in TABLES:
        section = text.split(f"\n## {table.name}\n", 1)[1].split("\n## ", 1)[0]
        for column in table.columns:
            assert f"| `{column.name}` | {column.type} |" in section


@pytest.mark.parametrize(
    "key", ["csv", "json", "xlsx", "qdpx", "qdc", "transcript", "log", "jsonld"]
)
def test_export_workshop_writes_each_format(tmp_path, workshop, played_round, key):
    out = io.StringIO()
    call_command("export_workshop", str(workshop.pk), format=key, output=str(tmp_path), stdout=out)
    written = list(tmp_path.iterdir())
    assert len(written) == 1 and written[0].stat().st_size > 100
    if key == "json":
        assert json.loads(written[0].read_text())["workshop"]["title"] == workshop.title
    if key in {"csv", "qdpx", "xlsx"}:
        assert zipfile.is_zipfile(written[0])


def test_export_workshop_by_title_and_round(tmp_path, workshop, played_round):
    path = tmp_path / "round.json"
    call_command(
        "export_workshop",
        workshop.title,
        format="json",
        output=str(path),
        round=played_round.pk,
        stdout=io.StringIO(),
    )
    assert [r["round_id"] for r in json.loads(path.read_text())["rounds"]] == [played_round.pk]


def test_export_workshop_refuses_unknown_workshops_and_rounds(tmp_path, workshop):
    with pytest.raises(CommandError, match="No workshop"):
        call_command("export_workshop", "999", output=str(tmp_path / "x"))
    with pytest.raises(CommandError, match="has no round"):
        call_command("export_workshop", str(workshop.pk), output=str(tmp_path / "x"), round=999)


def test_seed_demo_with_sample_activity_leaves_a_closed_played_round(db):
    call_command("seed_demo", "--sample-activity", stdout=io.StringIO())
    closed = Round.objects.get(status=Round.Status.CLOSED)
    assert Round.objects.filter(status=Round.Status.DRAFT).count() == 1
    kinds = set(Event.objects.filter(round=closed).values_list("kind", flat=True))
    assert {"answer.given", "annotation.created", "results.revealed", "round.closed"} <= kinds
    finding = closed.steps.filter(kind=Step.Kind.FINDING).first()
    assert finding.annotations.count() == 6
    call_command("seed_demo", "--sample-activity", stdout=io.StringIO())
    assert Round.objects.filter(status=Round.Status.CLOSED).count() == 1
