import pytest

from facilitation.deliberation.sample_activity import add_sample_round


@pytest.fixture
def played_round(workshop, facilitator):
    """The demo's round played through by twelve simulated people, and closed."""
    round, _created = add_sample_round(workshop, language="en", facilitator=facilitator)
    return round
