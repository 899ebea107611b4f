"""Writing, approving, amending and circulating the minutes (R-EX-5, R-AF-1, R-AF-2, R-AF-5), and the bad
input each refuses."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cpconf import clock
from cpconf.access.models import AuditEntry
from cpconf.conferences.agenda import SECTION_KEYS
from cpconf.conferences.models import Category, ChildDecision, ConferenceStatus, Recommendation
from cpconf.conferences.services.scheduling import StaleEditError
from cpconf.minutes import services
from cpconf.minutes.models import Amendment, Channel, Circulation, Document, Minutes, MinutesSection
from cpconf.notifications.models import OutboxMessage
from tests.minutes.conftest import TEXTS, Held, build_held, written_minutes


def test_starting_the_minutes_stores_the_staffordshire_deadlines_from_the_clock(held: Held) -> None:
    """R-AF-1: decisions within 1 working day; R-AF-2: minutes within 10, amendments within 28 (the
    conference was on Wednesday 14 April 2027; 3 May 2027 is a bank holiday)."""
    minutes = services.minutes_start(conference=held.conference, acting_user=held.minute_taker.user)
    assert minutes.decisions_due_on == date(2027, 4, 15)
    assert minutes.minutes_due_on == date(2027, 4, 28)
    assert minutes.amend_until_on == date(2027, 5, 25)
    assert minutes.decisions_due_at is None
    assert sorted(minutes.sections.values_list("key", flat=True)) == sorted(SECTION_KEYS)
    # Starting again returns the same minutes.
    assert services.minutes_start(conference=held.conference, acting_user=held.minute_taker.user) == minutes


@pytest.mark.django_db
def test_city_of_london_counts_the_decisions_in_hours() -> None:
    """R-AF-1: City of London, 24 hours; R-AF-2: its record bundle within 15 working days."""
    with time_machine.travel(datetime(2027, 4, 15, 9, 0), tick=False):
        london = build_held("city-of-london")
        minutes = services.minutes_start(conference=london.conference, acting_user=london.minute_taker.user)
    assert minutes.decisions_due_at is not None and minutes.decisions_due_on is None
    assert london.conference.starts_at is not None
    assert minutes.decisions_due_at - london.conference.starts_at == timedelta(hours=24)
    assert minutes.minutes_due_on == date(2027, 5, 6) and minutes.amend_until_on is None


@pytest.mark.django_db
def test_bolton_sets_20_working_days_for_the_notes_and_no_decisions_deadline() -> None:
    with time_machine.travel(datetime(2027, 4, 15, 9, 0), tick=False):
        bolton = build_held("bolton")
        minutes = services.minutes_start(conference=bolton.conference, acting_user=bolton.minute_taker.user)
    assert minutes.decisions_due_on is None and minutes.decisions_due_at is None
    assert minutes.minutes_due_on == date(2027, 5, 13)


def test_minutes_are_not_started_before_the_conference_is_held(held: Held) -> None:
    held.conference.status = ConferenceStatus.SCHEDULED
    held.conference.save()
    with pytest.raises(ValidationError, match="held"):
        services.minutes_start(conference=held.conference, acting_user=held.minute_taker.user)
    assert not Minutes.objects.exists()


def test_a_stale_save_is_refused_naming_who_changed_which_section_and_when(held: Held) -> None:
    minutes = services.minutes_start(conference=held.conference, acting_user=held.minute_taker.user)
    services.section_save(
        minutes=minutes, key="decision", text="First.", expected_version=1, acting_user=held.minute_taker.user
    )
    with pytest.raises(StaleEditError) as refused:
        services.section_save(
            minutes=minutes, key="decision", text="Second.", expected_version=1, acting_user=held.chair.user
        )
    message = refused.value.messages[0]
    assert "Petra Quill" in message and "The decision" in message and "15 April 2027" in message
    assert MinutesSection.objects.get(minutes=minutes, key="decision").text == "First."


def test_approving_with_sections_missing_is_refused_with_the_list(held: Held) -> None:
    """R-AF-2: the chair approves complete minutes only."""
    minutes = services.minutes_start(conference=held.conference, acting_user=held.minute_taker.user)
    services.section_save(
        minutes=minutes,
        key="decision",
        text="A plan.",
        expected_version=None,
        acting_user=held.minute_taker.user,
    )
    with pytest.raises(ValidationError) as refused:
        services.minutes_approve(minutes=minutes, expected_version=None, acting_user=held.chair.user)
    message = " ".join(refused.value.messages)
    assert "Introductions and the purpose of the conference" in message
    assert "The decision;" not in message
    assert not Minutes.objects.get(pk=minutes.pk).is_approved


def test_approval_signs_dates_and_freezes_the_minutes(held: Held) -> None:
    minutes = written_minutes(held)
    approved = services.minutes_approve(
        minutes=minutes, expected_version=minutes.version, acting_user=held.chair.user
    )
    assert approved.signed_name == "Idris Vantage"
    assert approved.approved_at is not None and approved.approved_by == held.chair
    with pytest.raises(ValidationError, match="amendment"):
        services.section_save(
            minutes=approved,
            key="decision",
            text="Changed.",
            expected_version=None,
            acting_user=held.minute_taker.user,
        )
    with pytest.raises(ValidationError, match="amendment"):
        services.section_set_audience(
            minutes=approved,
            key="decision",
            invitations=[],
            expected_version=None,
            acting_user=held.minute_taker.user,
        )
    assert MinutesSection.objects.get(minutes=minutes, key="decision").text == TEXTS["decision"]


def test_amending_within_the_window_keeps_before_after_reason_who_and_when(held: Held) -> None:
    minutes = written_minutes(held)
    minutes = services.minutes_approve(minutes=minutes, expected_version=None, acting_user=held.chair.user)
    amendment = services.minutes_amend(
        minutes=minutes,
        key="next-steps",
        text="Core group on 21 April 2027.",
        reason="The date was wrong.",
        expected_version=None,
        acting_user=held.chair.user,
    )
    assert amendment.before == TEXTS["next-steps"] and amendment.after == "Core group on 21 April 2027."
    assert Minutes.objects.get(pk=minutes.pk).edition == 2
    assert AuditEntry.objects.filter(
        object_type="minutes.minutessection", reason="The date was wrong."
    ).exists()


def test_amending_outside_the_window_is_refused_with_the_day_it_closed(held: Held) -> None:
    """R-AF-2: amendments within 28 working days of the conference (Staffordshire)."""
    minutes = services.minutes_approve(
        minutes=written_minutes(held), expected_version=None, acting_user=held.chair.user
    )
    with (
        time_machine.travel(datetime(2027, 5, 26, 9, 0), tick=False),
        pytest.raises(ValidationError, match="25 May 2027"),
    ):
        services.minutes_amend(
            minutes=minutes,
            key="decision",
            text="Other.",
            reason="Late.",
            expected_version=None,
            acting_user=held.chair.user,
        )
    assert not Amendment.objects.exists()


def test_amending_a_draft_or_without_a_reason_is_refused(held: Held) -> None:
    minutes = written_minutes(held)
    with pytest.raises(ValidationError, match="draft"):
        services.minutes_amend(
            minutes=minutes,
            key="decision",
            text="x",
            reason="y",
            expected_version=None,
            acting_user=held.chair.user,
        )
    minutes = services.minutes_approve(minutes=minutes, expected_version=None, acting_user=held.chair.user)
    with pytest.raises(ValidationError) as refused:
        services.minutes_amend(
            minutes=minutes,
            key="decision",
            text="x",
            reason="  ",
            expected_version=None,
            acting_user=held.chair.user,
        )
    assert "reason" in refused.value.message_dict


def test_a_section_audience_never_names_someone_excluded_from_it_or_a_professional(held: Held) -> None:
    """R-EX-5."""
    minutes = services.minutes_start(conference=held.conference, acting_user=held.minute_taker.user)
    with pytest.raises(ValidationError, match="excluded"):
        services.section_set_audience(
            minutes=minutes,
            key="agency-reports",
            invitations=[held.father],
            expected_version=None,
            acting_user=held.minute_taker.user,
        )
    with pytest.raises(ValidationError, match="Professionals"):
        services.section_set_audience(
            minutes=minutes,
            key="decision",
            invitations=[held.health_visitor],
            expected_version=None,
            acting_user=held.minute_taker.user,
        )


def test_draft_minutes_are_not_circulated(held: Held) -> None:
    minutes = written_minutes(held)
    with pytest.raises(ValidationError, match="approved"):
        services.circulate(minutes=minutes, document=Document.MINUTES, acting_user=held.minute_taker.user)
    with pytest.raises(ValidationError, match="No decision"):
        services.circulate(minutes=minutes, document=Document.DECISIONS, acting_user=held.minute_taker.user)
    assert not Circulation.objects.exists()


def test_circulation_sends_each_person_their_own_copy_by_the_channel_r_af_5_allows(held: Held) -> None:
    """R-AF-5: the document by email only to a secure address; a professional elsewhere gets a sign-in
    notice; the family by post. R-EX-5: the father's copy leaves out what he was excluded from."""
    minutes = services.minutes_approve(
        minutes=written_minutes(held), expected_version=None, acting_user=held.chair.user
    )
    sent = services.circulate(minutes=minutes, document=Document.MINUTES, acting_user=held.minute_taker.user)
    by_name = {row.invitation.name: row for row in sent}
    assert by_name["Morwenna Tilly"].channel == Channel.EMAIL
    assert by_name["Caspar Holt"].channel == Channel.NOTICE
    assert by_name["Sorrel Ashdown"].channel == Channel.POST
    assert by_name["Tobin Ashdown"].channel == Channel.POST
    assert "agency-reports" not in by_name["Tobin Ashdown"].sections
    assert "information-without-family" not in by_name["Tobin Ashdown"].sections
    assert by_name["Tobin Ashdown"].parts_withheld
    assert len(by_name["Morwenna Tilly"].sections) == 9 and not by_name["Morwenna Tilly"].parts_withheld
    secure = OutboxMessage.objects.get(recipient="morwenna.tilly@nhs.westmere.example")
    assert secure.secure and TEXTS["agency-reports"] in secure.body
    assert [a.content_type for a in secure.attachments.all()] == ["application/pdf"]
    notice = OutboxMessage.objects.get(recipient="caspar.holt@police.westmere.example")
    assert not notice.secure and "token" not in notice.body and not notice.attachments.exists()
    assert OutboxMessage.objects.count() == 2  # nothing emailed to the family's own addresses
    assert Minutes.objects.get(pk=minutes.pk).minutes_circulated_at is not None
    # Again: nothing new for anyone.
    assert (
        services.circulate(minutes=minutes, document=Document.MINUTES, acting_user=held.minute_taker.user)
        == []
    )


def _decide(held: Held) -> None:
    for child in held.setting.children.values():
        ChildDecision.objects.create(
            conference=held.conference,
            child=child,
            suffered_significant_harm=True,
            likely_to_suffer_significant_harm=True,
            outcome=Recommendation.PLAN,
            categories=[Category.NEGLECT],
            decision_rule="majority",
            decided_how="4 of 5 agencies recommended a plan.",
            chair_view=Recommendation.PLAN,
            decided_by=held.chair,
            recorded_at=clock.now(),
        )


def test_the_decisions_go_to_everyone_before_the_minutes_are_approved(held: Held) -> None:
    """R-AF-1: each child's decision and category, circulated by the channel R-AF-5 allows; the document
    says nothing of how the agencies voted."""
    minutes = services.minutes_start(conference=held.conference, acting_user=held.minute_taker.user)
    _decide(held)
    sent = services.circulate(
        minutes=minutes, document=Document.DECISIONS, acting_user=held.minute_taker.user
    )
    assert len(sent) == 4
    secure = OutboxMessage.objects.get(recipient="morwenna.tilly@nhs.westmere.example")
    assert "Wren Ashdown: Child protection plan (Neglect)" in secure.body
    assert "4 of 5" not in secure.body
    assert Minutes.objects.get(pk=minutes.pk).decisions_circulated_at is not None
    assert services.circulate(minutes=minutes, document=Document.DECISIONS, acting_user=None) == []


def test_amended_minutes_are_circulated_again_as_a_new_edition(held: Held) -> None:
    minutes = services.minutes_approve(
        minutes=written_minutes(held), expected_version=None, acting_user=held.chair.user
    )
    services.circulate(minutes=minutes, document=Document.MINUTES, acting_user=held.minute_taker.user)
    services.minutes_amend(
        minutes=minutes,
        key="plan",
        text="The plan, corrected.",
        reason="A parent pointed out a mistake.",
        expected_version=None,
        acting_user=held.chair.user,
    )
    again = services.circulate(minutes=minutes, document=Document.MINUTES, acting_user=held.minute_taker.user)
    assert len(again) == 4 and {row.edition for row in again} == {2}
    assert OutboxMessage.objects.filter(body__contains="The plan, corrected.").count() == 1  # the secure one
