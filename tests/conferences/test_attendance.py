"""Attendance on the day (R-PR-3, R-EX-1): when it can be recorded, which parts of the agenda someone was
present for (never one they were excluded from), a colleague who came instead, the audit history, and the
pages (their rules are in tests/access/test_permission_matrix.py)."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from pytest_django import DjangoAssertNumQueries

from cpconf import clock
from cpconf.access.models import AuditEntry
from cpconf.conferences.agenda import SECTION_KEYS
from cpconf.conferences.models import (
    Attendance,
    AttendanceMode,
    ChairDecision,
    Conference,
    ConferenceStatus,
    Exclusion,
    ExclusionGround,
    Invitation,
    InviteeRole,
    Reply,
)
from cpconf.conferences.services.attendance import attendance_record
from tests import factories
from tests.access.conftest import World
from tests.conferences.conftest import Invited
from tests.web.html import page_title

pytestmark = pytest.mark.django_db


def text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" ,", ",").strip())


def _error_summary(html: str) -> list[str]:
    summary = re.search(r'<div class="govuk-error-summary.*?</ul>', html, re.S)
    assert summary is not None, "no error summary"
    return [text(item) for item in re.findall(r"<a [^>]*>(.*?)</a>", summary.group(0), re.S)]


def summary_url(conference: Conference) -> str:
    return f"/conferences/{conference.public_id}/attendance/"


def record_url(invitation: Invitation) -> str:
    return f"/conferences/{invitation.conference.public_id}/attendance/{invitation.public_id}/"


def _started(conference: Conference, *, minutes_ago: int = 5) -> None:
    """The conference began a few minutes ago."""
    starts_at = clock.now() - timedelta(minutes=minutes_ago)
    Conference.objects.filter(pk=conference.pk).update(
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=2)
    )
    conference.refresh_from_db()


def _exclude(invitation: Invitation, sections: list[str], decision: str = ChairDecision.AGREED) -> Exclusion:
    return Exclusion.objects.create(
        conference=invitation.conference,
        invitation=invitation,
        requested_by=factories.ProfessionalFactory(agency__authority=invitation.conference.authority),
        requested_at=clock.now(),
        grounds=[ExclusionGround.MARAC],
        details="Police information.",
        sections=sections,
        decision=decision,
    )


def _record(world: World, invitation: Invitation, **changes: object) -> Attendance:
    arguments: dict[str, object] = {
        "invitation": invitation,
        "mode": AttendanceMode.IN_PERSON,
        "sections": list(SECTION_KEYS),
        "acting_user": world.user("chair"),
    }
    arguments.update(changes)
    return attendance_record(**arguments)  # type: ignore[arg-type]


# When


@pytest.mark.parametrize(
    ("status", "started", "message"),
    [
        (
            ConferenceStatus.SCHEDULED,
            False,
            "You can record attendance from the start of the conference, {starts}.",
        ),
        (
            ConferenceStatus.REQUESTED,
            True,
            "This conference has not been booked yet, so there is no attendance to record.",
        ),
        (
            ConferenceStatus.CANCELLED,
            True,
            "This conference was cancelled, so there is no attendance to record.",
        ),
    ],
)
def test_attendance_waits_for_the_start_of_a_booked_conference(
    world: World, invited: Invited, status: str, started: bool, message: str
) -> None:
    if started:
        _started(invited.conference)
    Conference.objects.filter(pk=invited.conference.pk).update(status=status, cancelled_reason="Moved away.")
    invited.mother.conference.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        _record(world, invited.mother)
    starts_at = invited.mother.conference.starts_at
    assert starts_at is not None
    assert caught.value.messages == [message.format(starts=clock.time_in_words(starts_at))]
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    "status", [ConferenceStatus.SCHEDULED, ConferenceStatus.HELD, ConferenceStatus.INQUORATE]
)
def test_attendance_is_recorded_from_the_start_and_after(world: World, invited: Invited, status: str) -> None:
    _started(invited.conference, minutes_ago=0)
    Conference.objects.filter(pk=invited.conference.pk).update(status=status)
    invited.mother.conference.refresh_from_db()
    attendance = _record(world, invited.mother)
    assert attendance.mode == AttendanceMode.IN_PERSON
    assert attendance.recorded_by == world.user("chair")


def test_a_held_conference_takes_attendance_whenever_it_was(world: World, invited: Invited) -> None:
    Conference.objects.filter(pk=invited.conference.pk).update(status=ConferenceStatus.HELD)
    invited.mother.conference.refresh_from_db()
    assert _record(world, invited.mother).sections == list(SECTION_KEYS)


# What


def test_recording_writes_the_audit_history_and_a_correction_is_a_change(
    world: World, invited: Invited
) -> None:
    _started(invited.conference)
    attendance = _record(
        world, invited.police_officer, mode=AttendanceMode.ONLINE, sections=["agency-reports"]
    )
    _record(world, invited.police_officer, mode=AttendanceMode.APOLOGIES, sections=["agency-reports"])
    attendance.refresh_from_db()
    assert (attendance.mode, attendance.sections) == (AttendanceMode.APOLOGIES, [])
    create, change = AuditEntry.objects.filter(object_type="conferences.attendance").order_by("sequence")
    assert create.action == "create" and create.actor == world.user("chair")
    assert create.after is not None and create.after["mode"] == "online"
    assert change.action == "change"
    assert change.before is not None and change.before["mode"] == "online"
    assert change.after is not None and change.after["mode"] == "apologies"


@pytest.mark.parametrize("mode", [AttendanceMode.APOLOGIES, AttendanceMode.DID_NOT_ATTEND])
def test_someone_who_was_not_there_was_present_for_nothing(world: World, invited: Invited, mode: str) -> None:
    _started(invited.conference)
    assert _record(world, invited.mother, mode=mode).sections == []


def test_someone_there_was_present_for_at_least_one_part(world: World, invited: Invited) -> None:
    _started(invited.conference)
    with pytest.raises(ValidationError) as caught:
        _record(world, invited.mother, sections=[])
    assert caught.value.message_dict == {
        "sections": ["Select the parts of the conference they were present for"]
    }
    with pytest.raises(ValidationError) as caught:
        _record(world, invited.mother, sections=["the-car-park"])
    assert caught.value.message_dict == {"sections": ["Choose parts of the agenda from the list"]}


def test_an_excluded_person_cannot_be_present_for_what_they_were_excluded_from(
    world: World, invited: Invited
) -> None:
    _started(invited.conference)
    _exclude(invited.father, ["agency-reports"])
    _exclude(invited.father, ["information-without-family"])
    with pytest.raises(ValidationError) as caught:
        _record(world, invited.father)
    assert caught.value.message_dict == {
        "sections": [
            "Tobiah Penrose was excluded from Information shared without the family present; Reports from "
            "agencies by the chair's decision, so cannot be recorded as present for it. Untick it"
        ]
    }
    allowed = [key for key in SECTION_KEYS if key not in {"agency-reports", "information-without-family"}]
    assert _record(world, invited.father, sections=allowed).sections == allowed


def test_a_refused_or_pending_exclusion_does_not_limit_attendance(world: World, invited: Invited) -> None:
    _started(invited.conference)
    _exclude(invited.father, ["agency-reports"], ChairDecision.REFUSED)
    _exclude(invited.father, ["plan"], ChairDecision.PENDING)
    assert _record(world, invited.father).sections == list(SECTION_KEYS)


def test_a_colleague_attends_instead_of_a_professional(world: World, invited: Invited) -> None:
    _started(invited.conference)
    attendance = _record(world, invited.police_officer, attended_by="  DC Wenna Tregarthen ")
    assert attendance.attended_by == "DC Wenna Tregarthen"


@pytest.mark.parametrize(
    ("who", "mode", "name", "message"),
    [
        (
            "mother",
            AttendanceMode.IN_PERSON,
            "Her sister",
            "Only a professional can send a colleague in their place",
        ),
        (
            "police_officer",
            AttendanceMode.APOLOGIES,
            "DC Wenna Tregarthen",
            "A colleague can only be recorded as attending instead if they attended in person or online",
        ),
        (
            "police_officer",
            AttendanceMode.ONLINE,
            "x" * 201,
            "The colleague's name must be 200 characters or fewer",
        ),
    ],
)
def test_a_colleague_instead_is_for_professionals_who_were_represented(
    world: World, invited: Invited, who: str, mode: str, name: str, message: str
) -> None:
    _started(invited.conference)
    with pytest.raises(ValidationError) as caught:
        _record(world, getattr(invited, who), mode=mode, attended_by=name)
    assert caught.value.message_dict == {"attended_by": [message]}
    assert not Attendance.objects.exists()


def test_an_unknown_answer_and_a_withdrawn_invitation_are_refused(world: World, invited: Invited) -> None:
    _started(invited.conference)
    with pytest.raises(ValidationError) as caught:
        _record(world, invited.mother, mode="asleep")
    assert caught.value.message_dict == {"mode": ["Select how they attended"]}
    Invitation.objects.filter(pk=invited.father.pk).update(withdrawn_at=clock.now())
    invited.father.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        _record(world, invited.father)
    assert caught.value.messages == [
        "Tobiah Penrose's invitation was withdrawn, so their attendance is not recorded."
    ]


# The pages


def test_before_the_start_the_pages_say_when_attendance_can_be_recorded(
    world: World, invited: Invited
) -> None:
    client = world.client_for("chair")
    html = client.get(summary_url(invited.conference)).content.decode()
    assert f"<title>{page_title('Attendance')}</title>" in html
    words = text(html)
    assert "You can record attendance from the start of the conference" in words
    assert "Morwen Fairbrass Parent or carer Not recorded yet" in words
    assert f'href="{record_url(invited.mother)}"' not in html
    words = text(client.get(record_url(invited.mother)).content.decode())
    assert "You can record attendance from the start of the conference" in words
    assert "Save attendance" not in words
    client.post(record_url(invited.mother), {"mode": "in_person", "sections": list(SECTION_KEYS)})
    assert not Attendance.objects.exists()


def test_the_coordinator_records_each_person_and_the_summary_shows_them(
    world: World, invited: Invited
) -> None:
    _started(invited.conference)
    _exclude(invited.father, ["agency-reports"])
    Invitation.objects.filter(pk=invited.police_officer.pk).update(
        reply=Reply.SENDING_COLLEAGUE, colleague_name="DC Wenna Tregarthen"
    )
    client = world.client_for("chair")
    html = client.get(summary_url(invited.conference)).content.decode()
    for invitation in (invited.mother, invited.father, invited.police_officer):
        assert f'href="{record_url(invitation)}"' in html
    # The father's form: every part ticked but the one he was excluded from, which says why.
    html = client.get(record_url(invited.father)).content.decode()
    assert f"<title>{page_title('Attendance of Tobiah Penrose')}</title>" in html
    assert 'value="agency-reports" aria-describedby="id_sections_2-item-hint">' in html
    assert "Excluded by the chair's decision" in text(html)
    assert html.count('type="checkbox"') == len(SECTION_KEYS)
    assert html.count(" checked") == len(SECTION_KEYS) - 1
    assert "If a colleague attended instead" not in html  # a parent sends no colleague
    # The police officer's form offers the colleague he said he would send (R-PR-3).
    html = client.get(record_url(invited.police_officer)).content.decode()
    assert 'value="DC Wenna Tregarthen"' in html
    response = client.post(
        record_url(invited.police_officer),
        {"mode": "online", "sections": ["agency-reports", "analysis"], "attended_by": "DC Wenna Tregarthen"},
    )
    assert response.status_code == 302
    assert response["Location"] == summary_url(invited.conference)
    response = client.post(
        record_url(invited.father), {"mode": "in_person", "sections": ["introductions", "family-views"]}
    )
    assert response.status_code == 302
    client.post(record_url(invited.mother), {"mode": "apologies"})
    words = text(client.get(summary_url(invited.conference)).content.decode())
    assert "You recorded Morwen Fairbrass's attendance." in words
    assert (
        "Rufus Ashbury Northbridge Test Police Protection Unit Attended online DC Wenna Tregarthen attended instead "
        "Reports from agencies What we are worried about" in words
    )
    assert (
        "Tobiah Penrose Parent or carer Attended in person Introductions and the purpose of the conference The "
        "views of the parents and family Excluded from: Reports from agencies" in words
    )
    assert "Morwen Fairbrass Parent or carer Sent apologies" in words


def test_ticking_an_excluded_part_is_a_clear_error(world: World, invited: Invited) -> None:
    _started(invited.conference)
    _exclude(invited.father, ["agency-reports"])
    response = world.client_for("chair").post(
        record_url(invited.father), {"mode": "in_person", "sections": list(SECTION_KEYS)}
    )
    assert response.status_code == 200
    assert _error_summary(response.content.decode()) == [
        "Tobiah Penrose was excluded from Reports from agencies by the chair's decision, so cannot be recorded as "
        "present for it. Untick it"
    ]
    assert not Attendance.objects.exists()


def test_the_form_explains_what_is_missing(world: World, invited: Invited) -> None:
    _started(invited.conference)
    client = world.client_for("chair")
    html = client.post(record_url(invited.police_officer), {}).content.decode()
    assert f"<title>{page_title('Error: Attendance of Rufus Ashbury')}</title>" in html
    assert _error_summary(html) == ["Select how they attended"]
    assert 'href="#id_mode_0"' in html
    html = client.post(record_url(invited.police_officer), {"mode": "online"}).content.decode()
    assert _error_summary(html) == ["Select the parts of the conference they were present for"]
    html = client.post(
        record_url(invited.police_officer), {"mode": "apologies", "attended_by": "DC Wenna Tregarthen"}
    ).content.decode()
    assert _error_summary(html) == [
        "A colleague can only be recorded as attending instead if they attended in person or online"
    ]
    assert not Attendance.objects.exists()


def test_someone_who_may_only_see_the_conference_sees_the_summary_without_links(
    world: World, invited: Invited
) -> None:
    _started(invited.conference)
    client = world.client_for("health_visitor")
    html = client.get(summary_url(invited.conference)).content.decode()
    assert "Morwen Fairbrass" in html
    assert f'href="{record_url(invited.mother)}"' not in html
    assert client.get(record_url(invited.mother)).status_code == 403


def test_a_withdrawn_or_other_conferences_invitation_is_not_found(world: World, invited: Invited) -> None:
    _started(invited.conference)
    client = world.client_for("chair")
    corin = world.conferences["corin"].invitations.get()
    assert (
        client.get(f"/conferences/{invited.conference.public_id}/attendance/{corin.public_id}/").status_code
        == 404
    )
    Invitation.objects.filter(pk=invited.father.pk).update(withdrawn_at=clock.now())
    assert client.get(record_url(invited.father)).status_code == 404


@pytest.mark.parametrize("extra", [0, 10], ids=["2 invitees", "12 invitees"])
@pytest.mark.parametrize("persona", ["chair", "health_visitor"])
def test_the_summary_needs_the_same_queries_however_many_invitees(
    world: World,
    invited: Invited,
    django_assert_num_queries: DjangoAssertNumQueries,
    extra: int,
    persona: str,
) -> None:
    _started(invited.conference)
    for invitation in (invited.supporter, invited.observer, invited.father):
        invitation.delete()
    # Two invitees (the mother and the police officer), then twelve, each with an attendance and some with
    # an agreed exclusion.
    for number in range(extra):
        invitation = factories.InvitationFactory(
            conference=invited.conference,
            role=InviteeRole.PARENT_OR_CARER if number % 2 else InviteeRole.PROFESSIONAL,
            professional=None
            if number % 2
            else factories.ProfessionalFactory(agency__authority=world.northbridge),
            name=f"Invitee {number} Ormerod",
        )
        if number % 2:
            _exclude(invitation, ["agency-reports"])
        _record(
            world, invitation, sections=["introductions"], attended_by="" if number % 2 else "A colleague"
        )
    _record(world, invited.mother, mode=AttendanceMode.APOLOGIES)
    client = world.client_for(persona)
    client.get(summary_url(invited.conference))  # warm up: the session's start and the log's chain
    # The session and user; the professional and roles; the conference, and the rules' question whether
    # they may see it; its children and one access-log row (savepoint, chain head, row, head, release); the
    # children for the heading; the agreed exclusions; the invitations with their agencies and attendance;
    # and whether they may record (for the chair, the rules ask again whether she may see the conference;
    # the health visitor's roles answer it). The health visitor, not social care staff, also needs whether
    # she sees any of its children through an emergency access (a read through one is marked as such).
    expected = {"chair": 16, "health_visitor": 16}[persona]
    with django_assert_num_queries(expected):
        response = client.get(summary_url(invited.conference))
    assert response.status_code == 200
    assert response.content.decode().count('<tr class="govuk-table__row">') == 1 + 2 + extra


@pytest.mark.parametrize("extra", [0, 10], ids=["2 invitees", "12 invitees"])
def test_the_record_page_needs_the_same_queries_however_many_invitees(
    world: World, invited: Invited, django_assert_num_queries: DjangoAssertNumQueries, extra: int
) -> None:
    _started(invited.conference)
    for number in range(extra):
        invitation = factories.InvitationFactory(conference=invited.conference, name=f"Invitee {number}")
        _exclude(invitation, ["plan"])
    _exclude(invited.father, ["agency-reports"])
    client = world.client_for("chair")
    client.get(record_url(invited.father))
    # As the summary, with the one invitation instead of them all.
    with django_assert_num_queries(16):
        response = client.get(record_url(invited.father))
    assert response.status_code == 200
