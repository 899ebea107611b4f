"""Sharing reports with the family and withholding parts of them (R-PR-6), the deadlines they answer to,
and each report's state (R-PR-5): the services and the selectors below the pages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cpconf import clock
from cpconf.access.models import AuditEntry
from cpconf.conferences.models import ChairDecision, Conference, ConferenceStatus, Report
from cpconf.conferences.selectors.reports import (
    ReportState,
    due_in_words,
    report_deadlines,
    report_state,
    reports_missing_or_late,
    withheld_parts_for,
)
from cpconf.conferences.services.reports import (
    STALE_MESSAGE,
    report_record_shared,
    report_withhold_decide,
    report_withhold_request,
)
from cpconf.people.models import Authority, Professional
from tests import factories

pytestmark = pytest.mark.django_db

# A Wednesday in term time, well clear of bank holidays; the conferences below are counted from it.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen() -> object:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def conference_at(authority: Authority, starts_at: datetime, **kwargs: object) -> Conference:
    fields: dict[str, object] = {
        "status": ConferenceStatus.SCHEDULED,
        "children": [factories.ChildFactory(authority=authority)],
        **kwargs,
    }
    return factories.ConferenceFactory(
        authority=authority, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), **fields
    )


@pytest.fixture
def staffordshire() -> Authority:
    return factories.AuthorityFactory(
        name="Stafford Test Council", slug="stafford-reports", policy_profile="staffordshire"
    )


@pytest.fixture
def chair(staffordshire: Authority) -> Professional:
    return factories.ProfessionalFactory(agency__authority=staffordshire, roles=["chair"])


# Deadlines (R-PR-5, R-PR-6), from the clock


def test_staffordshire_reports_go_to_the_family_two_working_days_before(staffordshire: Authority) -> None:
    # Monday 7 December 2026 at 10am: 2 working days before is Thursday 3 December.
    conference = conference_at(staffordshire, datetime(2026, 12, 7, 10, 0, tzinfo=UTC))
    deadlines = report_deadlines(conference)
    assert deadlines.reports_due == date(2026, 12, 3)
    assert deadlines.family_due == date(2026, 12, 3)
    assert deadlines.recipients_in_words == "the family and the chair"
    # Staffordshire's own deadline for asking the chair (exclusion-requests-due, 2 wd).
    assert deadlines.withhold_due == date(2026, 12, 3)
    assert deadlines.withhold_due_from_policy
    assert deadlines.shared_late(date(2026, 12, 3)) is False
    assert deadlines.shared_late(date(2026, 12, 4)) is True


def test_croydon_reports_go_to_the_chair_so_the_family_need_them_before_the_conference() -> None:
    croydon = factories.AuthorityFactory(slug="croydon-reports", policy_profile="croydon")
    conference = conference_at(croydon, datetime(2026, 12, 7, 10, 0, tzinfo=UTC))
    deadlines = report_deadlines(conference)
    assert deadlines.family_due is None
    assert deadlines.family_due_in_words == "before the conference on 7 December 2026"
    assert deadlines.shared_late(date(2026, 12, 6)) is False
    assert deadlines.shared_late(date(2026, 12, 7)) is True
    # No deadline of its own for asking the chair: R-PR-6's 2 working days.
    assert deadlines.withhold_due == date(2026, 12, 3)
    assert not deadlines.withhold_due_from_policy


def test_medway_reports_are_due_24_hours_before_an_initial_conference() -> None:
    medway = factories.AuthorityFactory(slug="medway-reports", policy_profile="medway")
    conference = conference_at(medway, datetime(2026, 12, 7, 10, 0, tzinfo=UTC))
    deadlines = report_deadlines(conference)
    assert deadlines.reports_due == datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
    assert deadlines.reports_due_in_words == "6 December 2026 at 10:00am"


def test_a_conference_without_a_date_has_no_deadlines_yet(staffordshire: Authority) -> None:
    conference = factories.ConferenceFactory(authority=staffordshire)
    deadlines = report_deadlines(conference)
    assert deadlines.reports_due is None and deadlines.withhold_due is None
    assert deadlines.family_due_in_words == "before the conference"
    assert not deadlines.shared_late(date(2026, 11, 25))


# Each report's state (R-PR-5)


@pytest.mark.parametrize(
    ("due_on", "due_at", "received_at", "state"),
    [
        (date(2026, 11, 25), None, None, ReportState.DUE),  # due today: not overdue until tomorrow
        (date(2026, 11, 24), None, None, ReportState.OVERDUE),
        (date(2026, 11, 24), None, datetime(2026, 11, 24, 23, 30, tzinfo=UTC), ReportState.RECEIVED),
        (date(2026, 11, 24), None, datetime(2026, 11, 25, 0, 30, tzinfo=UTC), ReportState.LATE),
        # A deadline in hours is a moment.
        (date(2026, 11, 25), datetime(2026, 11, 25, 9, 0, tzinfo=UTC), None, ReportState.OVERDUE),
        (date(2026, 11, 25), datetime(2026, 11, 25, 11, 0, tzinfo=UTC), None, ReportState.DUE),
        (
            date(2026, 11, 25),
            datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
            datetime(2026, 11, 25, 9, 30, tzinfo=UTC),
            ReportState.LATE,
        ),
        (None, None, None, ReportState.DUE),
        (None, None, datetime(2026, 11, 20, tzinfo=UTC), ReportState.RECEIVED),
    ],
)
def test_report_states(
    due_on: date | None, due_at: datetime | None, received_at: datetime | None, state: ReportState
) -> None:
    report = Report(due_on=due_on, due_at=due_at, received_at=received_at)
    assert report_state(report, clock.now()) is state


def test_due_in_words() -> None:
    assert due_in_words(Report(due_on=date(2026, 12, 3))) == "3 December 2026"
    assert (
        due_in_words(Report(due_on=date(2026, 12, 6), due_at=datetime(2026, 12, 6, 14, 0, tzinfo=UTC)))
        == "6 December 2026 at 2:00pm"
    )
    assert due_in_words(Report()) == "When the conference has a date"


# Sharing with the family (R-PR-6)


def test_sharing_is_recorded_with_its_audit_entry(staffordshire: Authority, chair: Professional) -> None:
    report = factories.ReportFactory(conference=conference_at(staffordshire, NOW + timedelta(days=14)))
    shared = report_record_shared(
        report=report,
        shared_on=date(2026, 11, 24),
        shared_how="  Talked through at home with an interpreter  ",
        acting_user=chair.user,
    )
    shared.refresh_from_db()
    assert shared.shared_with_family_on == date(2026, 11, 24)
    assert shared.shared_how == "Talked through at home with an interpreter"
    entry = AuditEntry.objects.get(object_type="conferences.report")
    assert entry.after == {
        "shared_with_family_on": "2026-11-24",
        "shared_how": "Talked through at home with an interpreter",
        "version": 2,
    }


def test_sharing_needs_how_and_a_date_not_in_the_future(staffordshire: Authority) -> None:
    report = factories.ReportFactory(conference=conference_at(staffordshire, NOW + timedelta(days=14)))
    with pytest.raises(ValidationError) as refused:
        report_record_shared(report=report, shared_on=date(2026, 11, 24), shared_how="   ", acting_user=None)
    assert refused.value.message_dict == {"shared_how": ["Enter how the report was shared with the family"]}
    with pytest.raises(ValidationError) as refused:
        report_record_shared(
            report=report, shared_on=date(2026, 11, 26), shared_how="In person", acting_user=None
        )
    assert refused.value.message_dict == {
        "shared_on": ["The date the report was shared must be today or in the past"]
    }
    report.refresh_from_db()
    assert report.shared_with_family_on is None and report.version == 1


# Withholding parts (R-PR-6)


def test_the_author_asks_to_withhold_parts_and_the_chair_agrees(
    staffordshire: Authority, chair: Professional
) -> None:
    conference = conference_at(staffordshire, NOW + timedelta(days=14))
    report = factories.ReportFactory(conference=conference)
    asked = report_withhold_request(
        report=report,
        parts="Section 3, paragraph 2: what the neighbour told the school",
        reason="Information from a neighbour, shared without their consent",
        acting_user=None,
    )
    assert asked.withhold_decision == ChairDecision.PENDING
    assert asked.withhold_requested_at == NOW
    assert not report_deadlines(conference).withhold_late(asked.withhold_requested_at)
    decided = report_withhold_decide(
        report=asked,
        decision=ChairDecision.AGREED,
        reason="The neighbour has not agreed to it being shared.",
        chair=chair,
        acting_user=chair.user,
    )
    decided.refresh_from_db()
    assert decided.withhold_decision == ChairDecision.AGREED
    assert decided.withhold_decided_by == chair
    assert decided.withhold_decided_at == NOW
    [withheld] = withheld_parts_for(conference)
    assert withheld.parts == "Section 3, paragraph 2: what the neighbour told the school"
    assert withheld.agency == report.agency.name
    actions = list(
        AuditEntry.objects.filter(object_type="conferences.report").values_list("action", flat=True)
    )
    assert actions == ["change", "change"]


def test_a_request_later_than_two_working_days_before_is_flagged_late(staffordshire: Authority) -> None:
    # Friday 27 November 2026: 2 working days before is Wednesday 25 November, today: in time.
    on_time = conference_at(staffordshire, datetime(2026, 11, 27, 10, 0, tzinfo=UTC))
    report = report_withhold_request(
        report=factories.ReportFactory(conference=on_time),
        parts="Page 2",
        reason="Legal advice",
        acting_user=None,
    )
    assert not report_deadlines(on_time).withhold_late(report.withhold_requested_at)
    # Thursday 26 November: the deadline was Tuesday.
    late = conference_at(staffordshire, datetime(2026, 11, 26, 10, 0, tzinfo=UTC))
    report = report_withhold_request(
        report=factories.ReportFactory(conference=late),
        parts="Page 2",
        reason="Legal advice",
        acting_user=None,
    )
    assert report_deadlines(late).withhold_late(report.withhold_requested_at)


def test_a_withholding_request_needs_parts_and_a_reason(staffordshire: Authority) -> None:
    report = factories.ReportFactory(conference=conference_at(staffordshire, NOW + timedelta(days=14)))
    with pytest.raises(ValidationError) as refused:
        report_withhold_request(report=report, parts=" ", reason="", acting_user=None)
    assert refused.value.message_dict == {
        "parts": ["Enter which parts of the report the family should not see"],
        "reason": ["Enter why the family should not see these parts"],
    }


def test_nothing_is_withheld_once_the_conference_has_started(staffordshire: Authority) -> None:
    report = factories.ReportFactory(conference=conference_at(staffordshire, NOW - timedelta(minutes=5)))
    with pytest.raises(ValidationError, match="only before it"):
        report_withhold_request(report=report, parts="Page 2", reason="Legal advice", acting_user=None)


def test_asking_again_waits_for_a_new_decision(staffordshire: Authority, chair: Professional) -> None:
    report = factories.ReportFactory(conference=conference_at(staffordshire, NOW + timedelta(days=14)))
    report = report_withhold_request(report=report, parts="Page 2", reason="Legal advice", acting_user=None)
    report = report_withhold_decide(
        report=report, decision=ChairDecision.REFUSED, reason="Not privileged.", chair=chair, acting_user=None
    )
    report = report_withhold_request(
        report=report, parts="Page 2, line 4", reason="Legal advice", acting_user=None
    )
    assert report.withhold_decision == ChairDecision.PENDING
    assert report.withhold_decision_reason == "" and report.withhold_decided_by is None


def test_the_chair_decides_only_on_a_request_with_a_choice_and_a_reason(
    staffordshire: Authority, chair: Professional
) -> None:
    report = factories.ReportFactory(conference=conference_at(staffordshire, NOW + timedelta(days=14)))
    with pytest.raises(ValidationError, match="Nobody has asked"):
        report_withhold_decide(
            report=report, decision="agreed", reason="Fine.", chair=chair, acting_user=None
        )
    report = report_withhold_request(report=report, parts="Page 2", reason="Legal advice", acting_user=None)
    with pytest.raises(ValidationError) as refused:
        report_withhold_decide(report=report, decision="maybe", reason=" ", chair=chair, acting_user=None)
    assert refused.value.message_dict == {
        "decision": ["Select whether you agree to withhold these parts from the family"],
        "decision_reason": ["Enter the reason for your decision"],
    }


def test_a_stale_decision_is_refused(staffordshire: Authority, chair: Professional) -> None:
    report = factories.ReportFactory(conference=conference_at(staffordshire, NOW + timedelta(days=14)))
    report = report_withhold_request(report=report, parts="Page 2", reason="Legal advice", acting_user=None)
    with pytest.raises(ValidationError) as refused:
        report_withhold_decide(
            report=report,
            decision="agreed",
            reason="Fine.",
            chair=chair,
            acting_user=None,
            expected_version=1,
        )
    assert refused.value.messages == [STALE_MESSAGE]


# Missing and late reports across conferences


def test_missing_reports_are_the_overdue_and_the_due_soon_of_conferences_to_happen(
    staffordshire: Authority, chair: Professional
) -> None:
    conference = conference_at(staffordshire, NOW + timedelta(days=5))
    overdue = factories.ReportFactory(conference=conference, due_on=date(2026, 11, 20))
    due_soon = factories.ReportFactory(conference=conference, due_on=date(2026, 11, 27))
    factories.ReportFactory(conference=conference, due_on=date(2026, 11, 28))  # not yet
    factories.ReportFactory(conference=conference, due_on=date(2026, 11, 20), received_at=NOW)  # received
    factories.ReportFactory(conference=conference, due_on=None)
    held = conference_at(staffordshire, NOW - timedelta(days=1), status=ConferenceStatus.HELD)
    factories.ReportFactory(conference=held, due_on=date(2026, 11, 20))
    other_authority = conference_at(factories.AuthorityFactory(), NOW + timedelta(days=5))
    factories.ReportFactory(conference=other_authority, due_on=date(2026, 11, 20))
    assert chair.user is not None
    assert list(reports_missing_or_late(chair.user)) == [overdue, due_soon]
