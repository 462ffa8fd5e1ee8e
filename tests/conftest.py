import uuid

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import settings as hypothesis_settings

from facilitation.deliberation.demo import load_demo_workshop
from facilitation.workshops import services
from facilitation.workshops.models import Round, Step
from tests.services import REDIS_URL, redis_answers, require

# The same examples on every run, so a newcomer's `make test` passes (or fails) as it did here.
hypothesis_settings.register_profile("balans", derandomize=True, database=None)
hypothesis_settings.load_profile("balans")


DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def pytest_collection_modifyitems(items):
    """The end-to-end tests start servers with deployments of their own, so they test the same
    thing whichever database this process uses: the PostgreSQL pass leaves them out, and the
    tests that use no database at all (``engine_neutral``) too."""
    for item in items:
        if item.path.parent.name == "e2e":
            item.add_marker(pytest.mark.server)
        elif not item.get_closest_marker("django_db") and not (
            DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        ):
            item.add_marker(pytest.mark.engine_neutral)
    # The longest first: started last, one of them would hold up the end of the run on one worker.
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


@pytest.fixture
def facilitator(db):
    return get_user_model().objects.create_user("facilitator", password="a long pass phrase")


@pytest.fixture
def stranger(db):
    """A logged-in user who facilitates nothing of ours."""
    return get_user_model().objects.create_user("stranger", password="another pass phrase")


@pytest.fixture
def researcher(workshop):
    """A researcher of the demo workshop: reads its record, facilitates nothing."""
    user = get_user_model().objects.create_user("researcher", password="a research pass phrase")
    workshop.researchers.add(user)
    return user


@pytest.fixture
def workshop(facilitator):
    workshop, _created = load_demo_workshop("en", facilitators=[facilitator])
    return workshop


@pytest.fixture
def draft_round(workshop):
    """The demo's round, not yet started (in a workshop that may also have a played one)."""
    return workshop.rounds.get(status=Round.Status.DRAFT)


@pytest.fixture
def live_round(draft_round, facilitator):
    return services.start_round(draft_round, by=facilitator)


@pytest.fixture
def dilemma(live_round):
    return live_round.steps.filter(kind=Step.Kind.DILEMMA).order_by("position").first()


@pytest.fixture
def dilemma_round(live_round, dilemma, facilitator):
    """A live round showing its first dilemma."""
    return services.go_to_step(live_round, dilemma, by=facilitator)


@pytest.fixture
def show(live_round, facilitator):
    """Puts a step on screen in the live round: ``show(step)``, which returns the step."""

    def show(step):
        services.go_to_step(live_round, step, by=facilitator)
        return step

    return show


@pytest.fixture
def participant(live_round):
    return services.join_round(live_round, display_name="Anna")


@pytest.fixture
def other_participant(live_round):
    return services.join_round(live_round, display_name="Bo")


@pytest.fixture
def console(client, facilitator):
    client.force_login(facilitator)
    return client


def phone_for(participant):
    """A browser that joined as ``participant``."""
    from django.http import HttpResponse

    from facilitation.screens.identity import remember_participant

    response = HttpResponse()
    remember_participant(response, participant)
    phone = Client()
    phone.cookies.update(response.cookies)
    return phone


@pytest.fixture
def phone(participant):
    return phone_for(participant)


@pytest.fixture(params=["memory", "redis"])
def channel_layer(request, settings):
    """The in-memory layer, then the real Redis layer (with a prefix of its own per test)."""
    from channels.layers import get_channel_layer

    if request.param == "redis":
        require("Redis", redis_answers())
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {
                    "hosts": [{"address": REDIS_URL, "max_connections": 500}],
                    "prefix": f"balans-test-{uuid.uuid4().hex[:8]}",
                },
            }
        }
    else:
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    return get_channel_layer()


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """Almost every test creates a facilitator, and the real hasher spends a third of a second on
    each password by design; here that buys nothing (servers started by the end-to-end tests
    still hash for real)."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit and login-failure counters (and what is remembered of steps, and the answer forms
    kept) must not leak from one test into the next."""
    from django.core.cache import cache

    from facilitation.screens.answer_forms import forget_answer_forms
    from facilitation.screens.code_guessing import forget_counts
    from facilitation.screens.identity import forget_attendees
    from facilitation.screens.views.base import round_of_step

    cache.clear()
    forget_counts()
    forget_attendees()
    round_of_step.cache_clear()
    forget_answer_forms()
    yield
    cache.clear()
    forget_counts()
    forget_attendees()
    round_of_step.cache_clear()
    forget_answer_forms()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request (LocaleMiddleware) leaves its
    language active in the thread, and a later test must not read English as Swedish."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
