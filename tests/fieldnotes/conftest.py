import pytest
from django.contrib.auth import get_user_model

from facilitation.fieldnotes.services import write_field_note
from facilitation.workshops import services
from facilitation.workshops.models import Step


@pytest.fixture
def co_facilitator(workshop):
    user = get_user_model().objects.create_user("cofacilitator", password="a co pass phrase")
    workshop.facilitators.add(user)
    return user


@pytest.fixture
def finding_round(live_round, facilitator):
    """A live round showing its first finding."""
    finding = live_round.steps.filter(kind=Step.Kind.FINDING).order_by("position").first()
    return services.go_to_step(live_round, finding, by=facilitator)


@pytest.fixture
def note(finding_round, researcher, participant):
    return write_field_note(
        finding_round, by=researcher, text="P01 leads the table.", participant_id=participant.pk
    )
