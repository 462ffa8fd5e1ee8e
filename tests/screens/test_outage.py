"""With Redis unreachable, writes still commit and the person gets their answer."""

import pytest

from facilitation.deliberation.models import Response
from facilitation.workshops.models import Event

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def redis_down(settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": UNREACHABLE}], "prefix": "down"},
        }
    }
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": UNREACHABLE,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1},
        }
    }


@pytest.mark.django_db(transaction=True)
def test_a_vote_commits_and_is_acknowledged_while_redis_is_down(
    redis_down, phone, dilemma_round, dilemma
):
    option = dilemma.options.first()
    response = phone.post(
        f"/r/{dilemma_round.join_code}/steps/{dilemma.pk}/vote/",
        {"option": option.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'aria-pressed="true"' in response.content.decode()
    assert Response.objects.get().option == option
    assert Event.objects.filter(kind="answer.given").count() == 1


@pytest.mark.django_db(transaction=True)
def test_joining_works_while_redis_is_down(redis_down, client, live_round):
    response = client.post(f"/r/{live_round.join_code}/join/", {"display_name": "Anna"})
    assert response.status_code == 302
    assert Event.objects.filter(kind="participant.joined").count() == 1
