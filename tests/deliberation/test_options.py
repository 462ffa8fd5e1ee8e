import pytest
from django.core.exceptions import ValidationError

from facilitation.deliberation.models import Option


def option(dilemma, **logics):
    return Option(step=dilemma, position=99, label="An option", **logics)


def test_an_option_cannot_honour_and_strain_the_same_logic(dilemma):
    with pytest.raises(ValidationError, match="Engagement"):
        option(dilemma, honours=["engagement"], strains=["engagement", "reach"]).full_clean()


def test_unknown_logics_are_named_in_the_error(dilemma):
    with pytest.raises(ValidationError, match="Unknown value logic: popularity"):
        option(dilemma, honours=["popularity", "reach"]).full_clean()


def test_logics_must_be_a_list(dilemma):
    with pytest.raises(ValidationError, match="must be a list"):
        option(dilemma, strains="reach").full_clean()


def test_every_demo_dilemma_option_records_the_logics_it_honours_or_strains(workshop):
    options = Option.objects.filter(step__round__workshop=workshop, step__kind="dilemma")
    assert options.count() >= 6
    for demo_option in options:
        assert demo_option.honours or demo_option.strains
        demo_option.full_clean()
