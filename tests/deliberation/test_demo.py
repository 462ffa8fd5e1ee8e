import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from facilitation.deliberation.demo import DEMO_LANGUAGES, load_demo_workshop
from facilitation.deliberation.models import Option
from facilitation.workshops.models import Step, Workshop


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
