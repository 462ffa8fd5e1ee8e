import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from facilitation.deliberation.demo import DEMO_LANGUAGES, load_demo_workshop, sample_content
from facilitation.deliberation.models import (
    Amendment,
    Clause,
    ConductVersion,
    DiscussionNote,
    Option,
)
from facilitation.workshops.models import GroupMembership, Round, Step, Workshop


@pytest.mark.parametrize("language", DEMO_LANGUAGES)
def test_the_demo_has_three_findings_and_dilemmas_with_three_or_four_options(db, language):
    workshop, created = load_demo_workshop(language)
    assert created
    steps = Step.objects.filter(round__workshop=workshop)
    assert steps.filter(kind=Step.Kind.FINDING).count() == 3
    dilemmas = steps.filter(kind=Step.Kind.DILEMMA)
    assert dilemmas.count() >= 2
    for dilemma in dilemmas:
        assert 3 <= dilemma.options.count() <= 4
        assert dilemma.hide_results


def test_loading_twice_keeps_one_demo_and_adds_facilitators(db):
    first_user = get_user_model().objects.create_user("first")
    second_user = get_user_model().objects.create_user("second")
    workshop, _ = load_demo_workshop("en", facilitators=[first_user])
    again, created = load_demo_workshop("en", facilitators=[second_user])
    assert again == workshop and not created
    assert Workshop.objects.count() == 1
    assert Option.objects.filter(step__round__workshop=workshop).count() == (Option.objects.count())
    assert set(workshop.facilitators.all()) == {first_user, second_user}


def test_the_command_is_idempotent_and_prints_the_join_code(db, capsys):
    get_user_model().objects.create_user("facilitator")
    call_command("seed_demo", "--facilitator", "facilitator")
    call_command("seed_demo", "--facilitator", "facilitator")
    output = capsys.readouterr().out
    assert "Created the demo workshop" in output
    assert "Kept the demo workshop" in output
    assert Workshop.objects.get().rounds.get().join_code in output


def test_the_command_refuses_an_unknown_facilitator(db):
    with pytest.raises(CommandError, match="No such user: nobody"):
        call_command("seed_demo", "--facilitator", "nobody")
    assert not Workshop.objects.exists()


def test_ensure_facilitator_takes_the_password_from_the_environment(db, monkeypatch, capsys):
    monkeypatch.setenv("BALANS_FACILITATOR_USERNAME", "maria")
    monkeypatch.setenv("BALANS_FACILITATOR_PASSWORD", "a chosen pass phrase")
    call_command("ensure_facilitator")
    call_command("ensure_facilitator")
    user = get_user_model().objects.get()
    assert user.username == "maria"
    assert user.check_password("a chosen pass phrase")
    assert "maria / a chosen pass phrase" in capsys.readouterr().out


def test_ensure_facilitator_generates_a_password_and_shows_it_again(
    db, monkeypatch, capsys, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    monkeypatch.delenv("BALANS_FACILITATOR_PASSWORD", raising=False)
    monkeypatch.delenv("BALANS_FACILITATOR_USERNAME", raising=False)
    call_command("ensure_facilitator")
    call_command("ensure_facilitator")
    password = (tmp_path / "facilitator-password").read_text()
    assert get_user_model().objects.get(username="facilitator").check_password(password)
    assert capsys.readouterr().out.count(f"facilitator / {password}") == 2


def test_ensure_facilitator_makes_no_operator_unless_asked(db, monkeypatch, capsys):
    monkeypatch.setenv("BALANS_FACILITATOR_PASSWORD", "a chosen pass phrase")
    monkeypatch.delenv("BALANS_FACILITATOR_OPERATOR", raising=False)
    call_command("ensure_facilitator")
    user = get_user_model().objects.get()
    assert not user.is_staff and not user.is_superuser
    call_command("ensure_facilitator", "--operator")
    user.refresh_from_db()
    assert user.is_staff and user.is_superuser
    assert "operator account" in capsys.readouterr().out
    monkeypatch.setenv("BALANS_FACILITATOR_OPERATOR", "0")
    call_command("ensure_facilitator")
    user.refresh_from_db()
    assert not user.is_staff


def test_ensure_facilitator_refuses_a_weak_password_and_changes_nothing(db, monkeypatch):
    monkeypatch.setenv("BALANS_FACILITATOR_PASSWORD", "a chosen pass phrase")
    call_command("ensure_facilitator")
    monkeypatch.setenv("BALANS_FACILITATOR_PASSWORD", "password")
    with pytest.raises(CommandError, match="BALANS_FACILITATOR_PASSWORD is not accepted.*common"):
        call_command("ensure_facilitator")
    assert get_user_model().objects.get().check_password("a chosen pass phrase")


def test_a_weak_facilitator_password_stops_the_command_with_a_non_zero_exit(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "BALANS_DATA_DIR": str(tmp_path), "BALANS_FACILITATOR_PASSWORD": "short"}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, check=True)
    result = subprocess.run(
        [sys.executable, "manage.py", "ensure_facilitator"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "too short" in result.stderr


def test_the_swedish_sample_round_has_clauses_and_group_notes_in_swedish(db):
    get_user_model().objects.create_user("anna", password="a long pass phrase")
    call_command(
        "seed_demo",
        "--language",
        "sv",
        "--facilitator",
        "anna",
        "--sample-activity",
        stdout=io.StringIO(),
    )
    closed = Round.objects.get(status=Round.Status.CLOSED)
    notes = DiscussionNote.objects.filter(step__round=closed)
    assert notes.count() == 8 and all(n.text[0].isupper() for n in notes)
    assert "Någon måste kunna svara på meddelanden även på helger." in set(
        notes.values_list("text", flat=True)
    )
    proposed = Clause.objects.filter(round=closed, proposed_by__isnull=False)
    assert proposed.filter(status=Clause.Status.ACCEPTED).count() == 1
    assert set(proposed.values_list("text", flat=True)) == {
        clause["text"] for clause in sample_content("sv")["clauses"]
    }
    assert Amendment.objects.get().text.startswith("Vi svarar alla invånare")
    assert ConductVersion.objects.filter(round=closed, frozen_for_round=True).exists()
    assert GroupMembership.objects.filter(round=closed).count() == 12
    from_note = Clause.objects.get(from_notes__isnull=False)
    assert from_note.rationale.startswith("Från anteckningarna i Grupp ")
