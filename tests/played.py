"""One played round for a whole test module, instead of one per test.

Playing the demo's round through (twelve simulated people, every step) takes seconds, and many
research and report tests read such a round. A module whose tests all read it, or can run beside
it, takes these fixtures in (``played_once, facilitator, workshop, played_round = played.SHARED``):
``played_once`` plays the round once per module and test worker, in a transaction of the
module's, rolled back after its last test. Each test runs in a savepoint inside it
(pytest-django's own, for a test that is not transactional), so what one test changes is undone
before the next; ``facilitator``, ``workshop`` and ``played_round`` read the round's rows afresh
for each test. Every test of such a module sees the round, asked for or not, and may reach the
database while the module's transaction is open. A test that needs a workshop with no played
round, or a transaction of its own, belongs in a module that does not take them in.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from facilitation.deliberation.demo import load_demo_workshop
from facilitation.deliberation.sample_activity import add_sample_round
from facilitation.workshops.models import Round, Workshop


@dataclass(frozen=True)
class Played:
    facilitator: int
    workshop: int
    round: int


@pytest.fixture(scope="module")
def played_once(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        user = get_user_model().objects.create_user("facilitator", password="a long pass phrase")
        workshop, _created = load_demo_workshop("en", facilitators=[user])
        round, _played = add_sample_round(workshop, language="en", facilitator=user)
        yield Played(facilitator=user.pk, workshop=workshop.pk, round=round.pk)
        transaction.set_rollback(True)


@pytest.fixture
def facilitator(played_once, db):
    return get_user_model().objects.get(pk=played_once.facilitator)


@pytest.fixture
def workshop(played_once, db):
    return Workshop.objects.get(pk=played_once.workshop)


@pytest.fixture
def played_round(played_once, db):
    """The demo's round played through by twelve simulated people, and closed."""
    return Round.objects.get(pk=played_once.round)


SHARED = (played_once, facilitator, workshop, played_round)
