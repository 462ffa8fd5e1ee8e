"""Random payloads at the answer endpoint of every kind: an answer or a message, never a 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitation.deliberation.answer_kinds import ANSWER_KINDS
from facilitation.deliberation.models import Response
from facilitation.workshops import services
from facilitation.workshops.models import Step
from tests.conftest import phone_for

FIELDS = ["option", "value", "text", "position", "reason", "statement", "answer", "rank_1", "x"]
payloads = st.dictionaries(
    st.sampled_from(FIELDS),
    st.lists(
        st.one_of(
            st.text(max_size=600),
            st.integers(min_value=-(10**12), max_value=10**12).map(str),
            st.sampled_from(["agree", "disagree", "pass", "", "  ", "1", "0", "100", "101"]),
        ),
        max_size=4,
    ),
    max_size=5,
)


@pytest.mark.parametrize("kind", sorted(ANSWER_KINDS))
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(payload=payloads)
def test_any_payload_gets_an_answer_or_a_message(kind, payload, live_round, facilitator):
    step = Step.objects.filter(round=live_round, kind=kind).first()
    services.go_to_step(live_round, step, by=facilitator)
    phone = phone_for(services.join_round(live_round))
    before = Response.objects.count()
    response = phone.post(
        f"/r/{live_round.join_code}/steps/{step.pk}/vote/", payload, HTTP_HX_REQUEST="true"
    )
    assert response.status_code in {200, 400, 409}
    if response.status_code != 200:
        assert 'class="error"' in response.content.decode()
        assert Response.objects.count() == before
