"""Publishing the report to participants: the facilitator's choice, an event each way."""

import csv
import io

import pytest

from facilitation.reports.models import ReportPublication
from facilitation.reports.services import is_published, publish_report
from facilitation.research.exports import EXPORT_FORMATS
from facilitation.research.scope import ExportScope
from facilitation.workshops.models import Event
from facilitation.workshops.services import ActionRefused


def test_publishing_and_taking_back_are_each_one_event(live_round, facilitator):
    publish_report(live_round, published=True, by=facilitator)
    assert is_published(live_round)
    publish_report(live_round, published=True, by=facilitator)
    publish_report(live_round, published=False, by=facilitator)
    assert not is_published(live_round)
    kinds = list(
        Event.objects.filter(kind__startswith="report.").values_list("kind", "user", "round")
    )
    assert kinds == [
        ("report.published", facilitator.pk, live_round.pk),
        ("report.unpublished", facilitator.pk, live_round.pk),
    ]


def test_someone_who_does_not_facilitate_the_workshop_is_refused(live_round, stranger):
    with pytest.raises(ActionRefused) as refused:
        publish_report(live_round, published=True, by=stranger)
    assert refused.value.status == 403
    assert not ReportPublication.objects.exists()
    assert not Event.objects.filter(kind__startswith="report.").exists()


def test_a_round_that_has_not_started_has_nothing_to_publish(draft_round, facilitator):
    with pytest.raises(ActionRefused, match="has not started"):
        publish_report(draft_round, published=True, by=facilitator)
    assert not is_published(draft_round)


def test_the_facilitation_log_of_the_exports_says_when_the_report_was_published(
    played_round, facilitator
):
    publish_report(played_round, published=True, by=facilitator)
    publish_report(played_round, published=False, by=facilitator)
    log = b"".join(EXPORT_FORMATS["log"].chunks(ExportScope(played_round.workshop))).decode()
    rows = [r for r in csv.DictReader(io.StringIO(log)) if r["event"].startswith("report.")]
    assert [r["event"] for r in rows] == ["report.published", "report.unpublished"]
    assert "Round report published to the participants" in log


def test_publishing_is_pushed_to_the_phones_whose_footer_link_appears_and_goes(
    live_round, facilitator, django_capture_on_commit_callbacks
):
    from facilitation.live.push import send_notification
    from facilitation.screens.stages import render_push
    from facilitation.workshops import services

    phone = services.join_round(live_round, display_name="Anna")
    [(before, _)] = render_push(live_round.pk, "participant", {"report"}, [phone.pk])
    assert 'id="report-link"' in before and "hidden" in before and "<a " not in before

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        publish_report(live_round, published=True, by=facilitator)
    topics = [c.args[1] for c in callbacks if getattr(c, "func", None) is send_notification]
    assert topics == [["report"]]
    [(after, receivers)] = render_push(live_round.pk, "participant", {"report"}, [phone.pk])
    assert receivers is None  # one render for every phone
    assert f'href="/r/{live_round.join_code}/report/"' in after and "hidden" not in after
