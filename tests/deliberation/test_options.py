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


@pytest.mark.parametrize(
    "honours, strains, lean",
    [
        (["legality_equity"], ["engagement", "reach"], -1.0),
        (["engagement"], ["legality_equity"], 1.0),
        (["engagement", "legality_equity"], [], 0.0),
        (["reach", "algorithmic_visibility", "network_dialogue"], [], 1 / 3),
        ([], [], None),
    ],
)
def test_an_option_leans_towards_the_logics_it_honours(dilemma, honours, strains, lean):
    assert option(dilemma, honours=honours, strains=strains).lean() == lean


def test_the_room_stands_where_its_votes_lean(dilemma_round, dilemma, live_round):
    from facilitation.deliberation.services import cast_vote, tally
    from facilitation.workshops import services

    government = option(dilemma, honours=["legality_equity"], strains=["reach"])
    government.position, government.label = 10, "Government"
    government.save()
    platform = option(dilemma, honours=["reach"], strains=[])
    platform.position, platform.label = 11, "Platform"
    platform.save()
    for chosen in [government, government, government, platform]:
        cast_vote(dilemma, services.join_round(live_round), chosen.pk)
    results = tally(dilemma)
    assert results.lean == pytest.approx(-0.5)
    assert results.lean_position == 25
