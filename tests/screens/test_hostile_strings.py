"""The hostile-string corpus (tests/hostile_strings.py) entered in every field a person types,
then read back on the phone, the projector and the console (pages and pushes) and in every export.

What must hold: no element or attribute comes alive from a string (the pages are parsed, not
searched), no spreadsheet cell starts like a formula, every export still parses, a refused string
gets a message, and nothing fails with a 500.
"""

import csv
import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from lxml import etree
from lxml import html as lxml_html
from openpyxl import load_workbook

from facilitation.deliberation import conduct
from facilitation.deliberation.annotations import annotate, sentence_spans
from facilitation.deliberation.discussion import add_note
from facilitation.deliberation.services import submit_answer
from facilitation.deliberation.statements import submit_statement
from facilitation.live.push import EVERYTHING
from facilitation.research.exports import EXPORT_FORMATS
from facilitation.research.scope import ExportScope
from facilitation.research.tabular import FORMULA_TRIGGERS
from facilitation.screens.stages import FACILITATOR, PARTICIPANT, PROJECTOR, render_push
from facilitation.workshops import services
from facilitation.workshops.groups import group_of, split_into_groups
from facilitation.workshops.models import Step, Workshop
from tests.conftest import phone_for
from tests.hostile_strings import CORPUS

HX = {"HTTP_HX_REQUEST": "true"}
# Where the room shows what people typed, one step of each kind.
SHOWN_ON = [
    Step.Kind.FINDING,
    Step.Kind.DISCUSSION,
    Step.Kind.STATEMENTS,
    Step.Kind.OPEN_TEXT,
    Step.Kind.PLACEMENT,
    Step.Kind.CONDUCT,
    Step.Kind.DILEMMA,
]


def test_the_corpus_is_big_enough():
    assert len(CORPUS) >= 40
    assert len(set(CORPUS)) == len(CORPUS)


def assert_inert(text, where):
    """No element or attribute in ``text`` (HTML) came from a string of the corpus."""
    if not text.strip():
        return
    root = lxml_html.fromstring(f"<div>{text}</div>") if "<html" not in text[:200] else None
    root = root if root is not None else lxml_html.document_fromstring(text)
    alive = root.xpath("//*[@data-hostile] | //hostile-tag | //iframe | //meta[@http-equiv]")
    assert not alive, f"{where}: live markup {[etree.tostring(e)[:120] for e in alive]}"
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        handlers = [name for name in element.attrib if name.lower().startswith(("on", "hx-on"))]
        assert not handlers, f"{where}: event handler {handlers} on <{element.tag}>"
        for name in ("href", "src", "action", "formaction"):
            value = element.get(name, "").strip().lower()
            assert not value.startswith("javascript:"), f"{where}: {name}={value!r}"
        if element.tag == "script":
            assert element.get("src"), f"{where}: an inline script"


def _number(cell):
    try:
        float(cell)
    except ValueError:
        return False
    return True


class World:
    """One live round with every corpus string typed into every field (where accepted)."""

    def __init__(self, facilitator, workshop, live_round):
        self.round, self.workshop, self.facilitator = live_round, workshop, facilitator
        self.accepted, self.refused, self.messages = {}, {}, {}
        self.steps = {
            kind: live_round.steps.filter(kind=kind).order_by("position").first()
            for kind in SHOWN_ON
        }
        self.people = []
        for n, text in enumerate(CORPUS):
            person = self.enter("display name", lambda t=text: services.join_round(
                live_round, display_name=t))  # fmt: skip
            if person is None:
                person = services.join_round(live_round, display_name=f"Person {n}")
            self.people.append(person)
        self.facilitator_texts()
        self.groups = split_into_groups(live_round, method="random", count=3, by=facilitator)
        conduct.set_open_any_time(workshop, True, by=facilitator)
        clause = conduct.current_clauses(workshop)[0]
        for kind, field, write in self.writers(clause):
            self.go(kind)
            for person, text in zip(self.people, CORPUS, strict=True):
                self.enter(field, lambda w=write, p=person, t=text: w(p, t))

    def writers(self, clause):
        round, steps = self.round, self.steps
        finding = steps[Step.Kind.FINDING]
        start, end = sentence_spans(finding)[0][:2]
        return [
            (Step.Kind.FINDING, "note", lambda p, t: annotate(
                finding, p, start=start, end=end, note=t)),
            (Step.Kind.DISCUSSION, "discussion note", lambda p, t: add_note(
                steps[Step.Kind.DISCUSSION], p, group=group_of(round, p), text=t)),
            (Step.Kind.STATEMENTS, "statement", lambda p, t: submit_statement(
                steps[Step.Kind.STATEMENTS], p, t)),
            (Step.Kind.OPEN_TEXT, "open text answer", lambda p, t: submit_answer(
                steps[Step.Kind.OPEN_TEXT], p, {"text": [t]})),
            (Step.Kind.PLACEMENT, "placement reason", lambda p, t: submit_answer(
                steps[Step.Kind.PLACEMENT], p, {"position": ["3"], "reason": [t]})),
            (Step.Kind.CONDUCT, "clause", lambda p, t: conduct.propose_clause(
                self.workshop, t, t, by_participant=p, round=round)),
            (Step.Kind.CONDUCT, "amendment", lambda p, t: conduct.propose_amendment(
                clause, t, t, by_participant=p, round=round)),
            (Step.Kind.CONDUCT, "objection", lambda p, t: conduct.endorse(
                clause, p, "disagree", t, round=round)),
        ]  # fmt: skip

    def facilitator_texts(self):
        """The facilitator's own texts: the workshop's title and a dilemma's title, body and
        options (the authoring forms' limits apply: the longest strings are cut to fit, and NUL
        is left out, as Django's form fields refuse it)."""
        markup = [t for t in CORPUS if "<" in t]
        Workshop.objects.filter(pk=self.workshop.pk).update(title=markup[2][:200])
        dilemma = self.steps[Step.Kind.DILEMMA]
        Step.objects.filter(pk=dilemma.pk).update(
            title=markup[17][:200], body="\n\n".join(t[:300].replace("\x00", "") for t in CORPUS)
        )
        for option, text in zip(dilemma.options.all(), markup, strict=False):
            option.label = text[:120]
            option.save(update_fields=["label"])
        self.accepted["step texts and workshop title"] = len(markup)

    def go(self, kind):
        self.round = services.go_to_step(self.round, self.steps[kind], by=self.facilitator)

    def enter(self, field, write):
        try:
            result = write()
        except services.ActionRefused as refusal:
            assert str(refusal.message).strip(), f"{field}: a refusal without a message"
            self.refused[field] = self.refused.get(field, 0) + 1
            self.messages.setdefault(field, set()).add(str(refusal.message))
            return None
        except ValidationError as refusal:
            assert refusal.messages, f"{field}: a refusal without a message"
            self.refused[field] = self.refused.get(field, 0) + 1
            return None
        self.accepted[field] = self.accepted.get(field, 0) + 1
        return result


@pytest.fixture
def world(facilitator, workshop, live_round):
    return World(facilitator, workshop, live_round)


@pytest.mark.django_db
class TestEveryScreenShowsTheCorpusAsText:
    def test_every_field_took_the_corpus_or_said_why_not(self, world):
        fields = {"display name", "note", "discussion note", "statement", "open text answer"}
        fields |= {"placement reason", "clause", "amendment", "objection"}
        for field in fields:
            taken = world.accepted.get(field, 0)
            assert taken + world.refused.get(field, 0) == len(CORPUS), field
            # Much of the corpus is kept as text (the code of conduct refuses tags outright).
            assert taken >= len(CORPUS) // 3, (
                f"{field}: only {taken} of {len(CORPUS)} accepted: {world.messages.get(field)}"
            )
        print(f"hostile strings: accepted {world.accepted}, refused {world.refused}")

    def test_phone_projector_and_console_pages_and_pushes(self, world, client):
        client.force_login(world.facilitator)
        phones = [phone_for(p) for p in world.people[:3]]
        members = {p.pk for p in world.people[:5]}
        checked = 0
        for kind in SHOWN_ON:
            world.go(kind)
            round = world.round
            pages = {
                "console": client.get(f"/console/rounds/{round.pk}/"),
                "projector": client.get(f"/projector/{round.projector_key}/"),
            }
            for n, phone in enumerate(phones):
                pages[f"phone {n}"] = phone.get(f"/r/{round.join_code}/")
            for name, response in pages.items():
                assert response.status_code == 200, f"{kind} {name}: {response.status_code}"
                assert_inert(response.content.decode(), f"{kind} {name}")
                checked += 1
            for audience, who in [(FACILITATOR, set()), (PROJECTOR, set()), (PARTICIPANT, members)]:
                for topics in [{EVERYTHING}, {"annotations", "discussion", "conduct", "results"}]:
                    for fragment, _receivers in render_push(round.pk, audience, topics, who):
                        assert_inert(fragment, f"{kind} push to {audience} {sorted(topics)}")
                        checked += 1
        # The round report holds everything the room wrote, on one page.
        response = client.get(f"/console/rounds/{world.round.pk}/report/")
        assert response.status_code == 200
        assert_inert(response.content.decode(), "round report")
        print(f"hostile strings: {checked + 1} pages and pushes parsed")

    def test_a_refused_string_gets_a_clear_message_on_the_phone(self, world):
        world.go(Step.Kind.FINDING)
        finding = world.steps[Step.Kind.FINDING]
        start, end = sentence_spans(finding)[0][:2]
        phone = phone_for(world.people[0])
        url = f"/r/{world.round.join_code}/steps/{finding.pk}/annotations/"
        response = phone.post(url, {"start": start, "end": end, "note": "A" * 5000}, **HX)
        assert response.status_code == 400
        assert "at most 500 characters" in response.content.decode()


@pytest.mark.django_db
class TestEveryExportHoldsTheCorpusSafely:
    def export(self, world, key):
        scope = ExportScope(world.workshop, None, include_names=True)
        return b"".join(EXPORT_FORMATS[key].chunks(scope))

    def test_every_format_exports_and_parses(self, world):
        for key in EXPORT_FORMATS:
            data = self.export(world, key)
            assert data, key
            if key == "json":
                json.loads(data)
            elif key in {"qdpx", "csv"}:
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    for name in archive.namelist():
                        if name.endswith((".xml", ".qde", ".qdc")):
                            root = etree.fromstring(archive.read(name))
                            assert not root.xpath("//hostile-tag"), name
            elif key == "qdc":
                assert not etree.fromstring(data).xpath("//hostile-tag")
            elif key in {"transcript", "jsonld", "log"}:
                text = data.decode("utf-8")
                at = text.find("\x00")
                assert at < 0, f"{key}: a NUL byte in {text[max(0, at - 80) : at + 20]!r}"
                if key == "jsonld":
                    json.loads(text)

    def test_no_csv_cell_starts_like_a_formula(self, world):
        cells = 0
        with zipfile.ZipFile(io.BytesIO(self.export(world, "csv"))) as archive:
            for name in archive.namelist():
                if not name.endswith(".csv"):
                    continue
                text = archive.read(name).decode("utf-8-sig")
                for line in csv.reader(io.StringIO(text)):
                    for cell in line:
                        cells += 1
                        if _number(cell):
                            continue  # a negative number is a number, not a formula
                        assert not cell.startswith(FORMULA_TRIGGERS), f"{name}: {cell[:60]!r}"
        assert cells

    def test_no_xlsx_cell_is_a_formula(self, world):
        book = load_workbook(io.BytesIO(self.export(world, "xlsx")))
        for sheet in book.worksheets:
            for line in sheet.iter_rows():
                for cell in line:
                    assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}"
                    if isinstance(cell.value, str):
                        assert not cell.value.startswith(FORMULA_TRIGGERS), cell.value[:60]
