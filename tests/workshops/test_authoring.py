"""Setting up workshops: creating, editing, rounds, and inviting co-facilitators."""

import pytest
from django.contrib.auth import get_user_model

from facilitation.workshops import authoring
from facilitation.workshops.models import Event, Workshop
from facilitation.workshops.services import ActionRefused


def test_a_new_workshop_is_run_by_its_creator(facilitator):
    workshop = authoring.create_workshop(
        title="Summer series", description="Three rounds", by=facilitator
    )
    assert workshop.is_facilitated_by(facilitator)
    event = Event.objects.get(kind="workshop.created")
    assert event.workshop == workshop and event.user == facilitator


def test_editing_records_what_changed(facilitator):
    workshop = authoring.create_workshop(title="Summer", by=facilitator)
    authoring.update_workshop(workshop, title="Summer series", description="", by=facilitator)
    assert Workshop.objects.get().title == "Summer series"
    event = Event.objects.get(kind="workshop.edited")
    assert event.payload == {"changed": ["title"], "before": {"title": "Summer"}}
    authoring.update_workshop(workshop, title="Summer series", by=facilitator)
    assert Event.objects.filter(kind="workshop.edited").count() == 1


def test_renaming_a_round(draft_round, facilitator):
    authoring.rename_round(draft_round, title="June workshop", by=facilitator)
    assert draft_round.title == "June workshop"
    assert Event.objects.get(kind="round.renamed").payload == {"previous": "May workshop"}


class TestInvitingCoFacilitators:
    def test_a_known_username_becomes_a_co_facilitator(self, workshop, facilitator):
        colleague = get_user_model().objects.create_user("Colleague")
        user = authoring.invite_facilitator(workshop, username=" colleague ", by=facilitator)
        assert user == colleague and workshop.is_facilitated_by(colleague)
        event = Event.objects.get(kind="facilitator.invited")
        assert event.user == facilitator and event.payload["username"] == "Colleague"

    @pytest.mark.parametrize("username", ["nobody", "", "x" * 500])
    def test_an_unknown_username_is_refused_with_a_message(self, workshop, facilitator, username):
        with pytest.raises(ActionRefused, match="There is no user called"):
            authoring.invite_facilitator(workshop, username=username, by=facilitator)
        assert not Event.objects.filter(kind="facilitator.invited").exists()

    def test_an_inactive_account_cannot_be_invited(self, workshop, facilitator):
        get_user_model().objects.create_user("gone", is_active=False)
        with pytest.raises(ActionRefused, match="There is no user called"):
            authoring.invite_facilitator(workshop, username="gone", by=facilitator)

    def test_inviting_someone_twice_says_so(self, workshop, facilitator):
        with pytest.raises(ActionRefused, match="already facilitates"):
            authoring.invite_facilitator(workshop, username="facilitator", by=facilitator)
