"""Asking for an exclusion, the chair's decision and telling the person (R-EX-1 to R-EX-3): the services'
rules, their messages, and their audit history; nothing is half-saved."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cpconf import clock
from cpconf.access.models import AuditEntry
from cpconf.conferences import deadlines
from cpconf.conferences.agenda import SECTION_KEYS
from cpconf.conferences.models import (
    ChairDecision,
    Conference,
    ConferenceStatus,
    Exclusion,
    ExclusionGround,
    Invitation,
    InviteeRole,
    ViewsRoute,
)
from cpconf.conferences.services.exclusions import (
    CHAIR_NOTICE_PURPOSE,
    exclusion_decide,
    exclusion_record_told,
    exclusion_request,
)
from cpconf.notifications.models import OutboxMessage
from cpconf.people.models import Professional, Role, User
from cpconf.people.selectors import working_calendar_for
from tests import factories
from tests.access.conftest import World
from tests.conferences.conftest import Invited

pytestmark = pytest.mark.django_db


def _request(
    world: World, invitation: Invitation, persona: str = "social_worker", **changes: object
) -> Exclusion:
    arguments: dict[str, object] = {
        "conference": invitation.conference,
        "invitation": invitation,
        "grounds": [ExclusionGround.MARAC, ExclusionGround.INTIMIDATION],
        "details": "Police hold information from a risk assessment conference last month.",
        "sections": ["agency-reports", "information-without-family"],
        "acting_user": world.user(persona),
    }
    arguments.update(changes)
    return exclusion_request(**arguments)  # type: ignore[arg-type]


def _messages(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict


def _audit(exclusion: Exclusion) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            object_type="conferences.exclusion", object_id=str(exclusion.public_id)
        ).order_by("sequence")
    )


# Asking


def test_a_social_worker_asks_and_the_request_waits_for_the_chair(world: World, invited: Invited) -> None:
    exclusion = _request(world, invited.mother)
    assert exclusion.decision == ChairDecision.PENDING
    assert exclusion.requested_by == world.professionals["social_worker"]
    assert exclusion.created_by == world.user("social_worker")
    # Stored in R-EX-1's order and the agenda's order, whatever order they came in.
    assert exclusion.grounds == [ExclusionGround.INTIMIDATION, ExclusionGround.MARAC]
    assert exclusion.sections == ["information-without-family", "agency-reports"]
    assert exclusion.requested_late is False  # the conference is ten days away
    [entry] = _audit(exclusion)
    assert entry.action == "create"
    assert entry.actor == world.user("social_worker")
    assert entry.after is not None and entry.after["decision"] == "pending"


def test_the_booked_chair_is_emailed_without_naming_the_child_or_the_person(
    world: World, invited: Invited
) -> None:
    """R-EX-2: the chair hears of a request at once, by the conference's reference and a link only."""
    conference = invited.conference
    conference.chair = world.professionals["chair"]
    conference.save()
    exclusion = _request(world, invited.mother)
    [message] = OutboxMessage.objects.filter(purpose=CHAIR_NOTICE_PURPOSE)
    assert message.recipient == world.professionals["chair"].email
    assert message.names_no_child is True
    assert conference.reference in message.subject
    assert f"/conferences/{conference.public_id}/exclusions/" in message.body
    assert exclusion.requested_by.full_name in message.body
    for child in conference.children.all():
        assert child.given_name not in message.body
    assert invited.mother.name not in message.body
    assert invited.mother.name.split()[0] not in message.subject


def test_no_chair_booked_means_no_email_and_the_request_is_kept(world: World, invited: Invited) -> None:
    conference = invited.conference
    conference.chair = None
    conference.save()
    exclusion = _request(world, invited.mother)
    assert Exclusion.objects.filter(pk=exclusion.pk).exists()
    assert not OutboxMessage.objects.filter(purpose=CHAIR_NOTICE_PURPOSE).exists()


def test_a_chair_with_an_unusable_address_does_not_lose_the_request(world: World, invited: Invited) -> None:
    chair = world.professionals["chair"]
    Professional.objects.filter(pk=chair.pk).update(email="not an address")
    conference = invited.conference
    conference.chair = Professional.objects.get(pk=chair.pk)
    conference.save()
    exclusion = _request(world, invited.mother)
    assert Exclusion.objects.filter(pk=exclusion.pk).exists()
    assert not OutboxMessage.objects.filter(purpose=CHAIR_NOTICE_PURPOSE).exists()


@pytest.mark.parametrize("role", [InviteeRole.CHILD, InviteeRole.ADVOCATE, InviteeRole.LEGAL_REPRESENTATIVE])
def test_every_excludable_role_can_be_the_subject(world: World, invited: Invited, role: str) -> None:
    invitation = factories.InvitationFactory(
        conference=invited.conference,
        role=role,
        professional=None,
        agency=None,
        name="Kerensa Pollard",
        email="",
    )
    assert _request(world, invitation).invitation == invitation
    assert _request(world, invited.supporter).invitation == invited.supporter


def test_an_invited_agency_professional_asks_for_themselves(world: World, invited: Invited) -> None:
    exclusion = _request(world, invited.father, "police_officer")
    assert exclusion.requested_by == world.professionals["police_officer"]


def test_a_coordinator_records_a_request_made_by_phone(world: World, invited: Invited) -> None:
    police = world.professionals["police_officer"]
    exclusion = _request(world, invited.father, "chair", requested_by=police)
    assert exclusion.requested_by == police
    assert exclusion.created_by == world.user("chair")
    [entry] = _audit(exclusion)
    assert entry.reason == "Asked by Rufus Ashbury by phone; recorded by Idony Cargreave."


def test_a_phone_request_must_come_from_someone_invited(world: World, invited: Invited) -> None:
    with pytest.raises(ValidationError) as caught:
        _request(world, invited.father, "chair", requested_by=world.professionals["health_visitor"])
    assert _messages(caught.value) == {"requested_by": ["Choose a professional invited to this conference"]}
    assert not Exclusion.objects.filter(invitation=invited.father).exists()


def test_only_social_care_staff_record_a_request_for_someone_else(world: World, invited: Invited) -> None:
    colleague = factories.ProfessionalFactory(agency=world.professionals["police_officer"].agency)
    factories.InvitationFactory(conference=invited.conference, professional=colleague)
    with pytest.raises(ValidationError) as caught:
        _request(world, invited.father, "police_officer", requested_by=colleague)
    assert _messages(caught.value) == {"requested_by": ["You can only ask for an exclusion yourself"]}


def test_a_professional_cannot_be_excluded(world: World, invited: Invited) -> None:
    with pytest.raises(ValidationError) as caught:
        _request(world, invited.police_officer)
    assert _messages(caught.value)["invitation"] == [
        "Rufus Ashbury is invited as professional. Only a parent or carer, a child, a supporter, an advocate or a "
        "legal representative can be excluded"
    ]


def test_an_observer_cannot_be_excluded(world: World, invited: Invited) -> None:
    with pytest.raises(ValidationError) as caught:
        _request(world, invited.observer)
    assert "invited as observer" in _messages(caught.value)["invitation"][0]


def test_an_invitee_of_another_conference_is_refused(world: World, invited: Invited) -> None:
    corin = world.conferences["corin"].invitations.get()
    with pytest.raises(ValidationError) as caught:
        _request(world, corin, conference=invited.conference)
    assert _messages(caught.value) == {"invitation": ["Choose someone invited to this conference"]}


def test_a_withdrawn_invitation_is_refused(world: World, invited: Invited) -> None:
    Invitation.objects.filter(pk=invited.father.pk).update(withdrawn_at=clock.now())
    invited.father.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        _request(world, invited.father)
    assert _messages(caught.value) == {
        "invitation": ["Tobiah Penrose's invitation was withdrawn. Choose someone still invited"]
    }


def test_everything_wrong_at_once_is_said_at_once_and_nothing_is_saved(
    world: World, invited: Invited
) -> None:
    before = (Exclusion.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as caught:
        _request(world, invited.police_officer, grounds=[], sections=[], details="   ")
    assert _messages(caught.value) == {
        "invitation": [
            "Rufus Ashbury is invited as professional. Only a parent or carer, a child, a supporter, an advocate "
            "or a legal representative can be excluded"
        ],
        "grounds": ["Select at least one reason for excluding them"],
        "sections": [
            "Select the parts of the conference they should be excluded from, or the whole conference"
        ],
        "details": ["Enter what has happened and why they should be excluded"],
    }
    assert (Exclusion.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"grounds": ["shouting"]}, "grounds", "Choose grounds from the list"),
        ({"grounds": "marac"}, "grounds", "Choose grounds from the list"),
        ({"sections": ["the-whole-thing"]}, "sections", "Choose sections of the agenda from the list"),
        ({"sections": [3]}, "sections", "Choose sections of the agenda from the list"),
        ({"details": "x" * 5001}, "details", "Details must be 5000 characters or fewer"),
    ],
)
def test_unknown_grounds_and_sections_are_refused(
    world: World, invited: Invited, changes: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _request(world, invited.mother, **changes)
    assert _messages(caught.value) == {field: [message]}


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (ConferenceStatus.CANCELLED, "This conference was cancelled, so nobody can be excluded from it."),
        (ConferenceStatus.HELD, "This conference has been held, so it is too late to ask for an exclusion."),
        (
            ConferenceStatus.INQUORATE,
            "This conference could not go ahead. Ask for an exclusion from the conference that replaces it.",
        ),
    ],
)
def test_a_conference_that_is_over_takes_no_requests(
    world: World, invited: Invited, status: str, message: str
) -> None:
    Conference.objects.filter(pk=invited.conference.pk).update(
        status=status, cancelled_reason="Family moved away"
    )
    invited.mother.conference.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        _request(world, invited.mother)
    assert caught.value.messages == [message]


def test_a_requested_conference_without_a_date_takes_requests_that_are_never_late(
    world: World, invited: Invited
) -> None:
    Conference.objects.filter(pk=invited.conference.pk).update(
        status=ConferenceStatus.REQUESTED, starts_at=None, ends_at=None
    )
    invited.mother.conference.refresh_from_db()
    assert _request(world, invited.mother).requested_late is False


# R-EX-2: the notice period. Staffordshire's is 2 working days before the conference.

CONFERENCE_START = datetime(2026, 12, 10, 10, 0, tzinfo=UTC)  # a Thursday, 10am in London


def _dated(world: World, invited: Invited, authority_profile: str = "staffordshire") -> None:
    Conference.objects.filter(pk=invited.conference.pk).update(
        starts_at=CONFERENCE_START, ends_at=CONFERENCE_START + timedelta(hours=2)
    )
    world.northbridge.policy_profile = authority_profile
    world.northbridge.save()
    invited.mother.conference.refresh_from_db()


def test_the_notice_deadline_is_the_policys(world: World, invited: Invited) -> None:
    _dated(world, invited)
    before = deadlines.before_conference(invited.mother.conference, working_calendar_for(world.northbridge))
    assert before["exclusion-requests-due"] == date(2026, 12, 8)


@pytest.mark.parametrize(
    ("asked_at", "late"),
    [
        (datetime(2026, 12, 8, 23, 30, tzinfo=UTC) - timedelta(hours=0), False),  # 11:30pm on the last day
        (datetime(2026, 12, 9, 0, 1, tzinfo=UTC), True),  # a minute into the next day
        (datetime(2026, 12, 10, 9, 0, tzinfo=UTC), True),  # the morning of the conference
        (datetime(2026, 12, 1, 9, 0, tzinfo=UTC), False),
    ],
)
def test_a_late_request_is_accepted_and_marked(
    world: World, invited: Invited, asked_at: datetime, late: bool
) -> None:
    _dated(world, invited)
    with time_machine.travel(asked_at, tick=False):
        exclusion = _request(world, invited.mother)
    assert exclusion.requested_late is late
    assert exclusion.decision == ChairDecision.PENDING


def test_a_policy_with_no_notice_period_makes_nothing_late(world: World, invited: Invited) -> None:
    _dated(world, invited, authority_profile="national")
    with time_machine.travel(datetime(2026, 12, 10, 9, 0, tzinfo=UTC), tick=False):
        assert _request(world, invited.mother).requested_late is False


# The chair's decision


def _decide(world: World, exclusion: Exclusion, **changes: object) -> Exclusion:
    arguments: dict[str, object] = {
        "exclusion": exclusion,
        "decision": ChairDecision.AGREED,
        "reason": "The information from the risk assessment conference cannot be shared with him present.",
        "acting_user": world.user("chair"),
    }
    arguments.update(changes)
    return exclusion_decide(**arguments)  # type: ignore[arg-type]


def test_the_chair_agrees_with_reasons(world: World, invited: Invited) -> None:
    exclusion = _decide(world, _request(world, invited.father))
    exclusion.refresh_from_db()
    assert exclusion.decision == ChairDecision.AGREED
    assert exclusion.decided_by == world.professionals["chair"]
    assert exclusion.decided_at is not None
    assert exclusion.sections == ["information-without-family", "agency-reports"]
    _create, change = _audit(exclusion)
    assert change.action == "change"
    assert change.actor == world.user("chair")
    assert change.before is not None and change.before["decision"] == "pending"
    assert change.after is not None and change.after["decision"] == "agreed"
    assert change.reason == ""


def test_the_chair_agrees_to_fewer_sections_and_the_history_says_so(world: World, invited: Invited) -> None:
    exclusion = _decide(world, _request(world, invited.father), sections=["agency-reports"])
    exclusion.refresh_from_db()
    assert exclusion.sections == ["agency-reports"]
    change = _audit(exclusion)[-1]
    assert (
        change.reason
        == "Agreed for fewer sections than asked: not Information shared without the family present."
    )


def test_the_chair_cannot_agree_to_more_than_was_asked(world: World, invited: Invited) -> None:
    exclusion = _request(world, invited.father)
    with pytest.raises(ValidationError) as caught:
        _decide(world, exclusion, sections=["agency-reports", "decision"])
    assert _messages(caught.value) == {
        "sections": [
            "You can agree to exclude them from fewer sections than were asked for, not more. Ask for a new "
            "exclusion for: The decision"
        ]
    }
    exclusion.refresh_from_db()
    assert exclusion.decision == ChairDecision.PENDING


def test_the_chair_refuses_and_the_sections_asked_for_stay_on_record(world: World, invited: Invited) -> None:
    exclusion = _decide(world, _request(world, invited.father), decision=ChairDecision.REFUSED, sections=[])
    exclusion.refresh_from_db()
    assert exclusion.decision == ChairDecision.REFUSED
    assert exclusion.sections == ["information-without-family", "agency-reports"]


def test_deciding_twice_is_refused(world: World, invited: Invited) -> None:
    exclusion = _decide(world, _request(world, invited.father))
    audit_rows = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        _decide(world, exclusion, decision=ChairDecision.REFUSED)
    [message] = caught.value.messages
    assert message.startswith("This request has already been decided: agreed by Idony Cargreave on ")
    assert message.endswith("A decision cannot be changed. If things have changed, ask for a new exclusion.")
    exclusion.refresh_from_db()
    assert exclusion.decision == ChairDecision.AGREED
    assert AuditEntry.objects.count() == audit_rows


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"reason": "  "}, {"reason": ["Enter the reasons for your decision"]}),
        ({"decision": "pending"}, {"decision": ["Select whether you agree to the exclusion"]}),
        ({"decision": "maybe"}, {"decision": ["Select whether you agree to the exclusion"]}),
        (
            {"sections": []},
            {
                "sections": [
                    "Select the parts of the conference they should be excluded from, or the whole conference"
                ]
            },
        ),
        ({"sections": ["nowhere"]}, {"sections": ["Choose sections of the agenda from the list"]}),
        ({"reason": "x" * 5001}, {"reason": ["Reasons must be 5000 characters or fewer"]}),
    ],
)
def test_a_decision_needs_an_answer_reasons_and_known_sections(
    world: World, invited: Invited, changes: dict[str, object], errors: dict[str, list[str]]
) -> None:
    exclusion = _request(world, invited.father)
    with pytest.raises(ValidationError) as caught:
        _decide(world, exclusion, **changes)
    assert _messages(caught.value) == errors
    exclusion.refresh_from_db()
    assert exclusion.decision == ChairDecision.PENDING and exclusion.decided_by is None


def test_nothing_is_decided_for_a_cancelled_conference(world: World, invited: Invited) -> None:
    exclusion = _request(world, invited.father)
    Conference.objects.filter(pk=invited.conference.pk).update(
        status=ConferenceStatus.CANCELLED, cancelled_reason="The family moved away."
    )
    with pytest.raises(ValidationError) as caught:
        _decide(world, exclusion)
    assert caught.value.messages == ["This conference was cancelled, so there is nothing to decide."]


# Telling the person (R-EX-3)


def _tell(world: World, exclusion: Exclusion, **changes: object) -> Exclusion:
    arguments: dict[str, object] = {
        "exclusion": exclusion,
        "told_on": clock.today(),
        "told_how": "By phone by the social worker",
        "views_route": ViewsRoute.ADVOCATE,
        "views_details": "His advocate will read his statement at the start of the reports.",
        "acting_user": world.user("social_worker"),
    }
    arguments.update(changes)
    return exclusion_record_told(**arguments)  # type: ignore[arg-type]


def test_telling_the_person_is_recorded_with_how_their_views_reach_the_conference(
    world: World, invited: Invited
) -> None:
    exclusion = _tell(world, _decide(world, _request(world, invited.father)))
    exclusion.refresh_from_db()
    assert exclusion.told_on == clock.today()
    assert exclusion.told_how == "By phone by the social worker"
    assert exclusion.views_route == ViewsRoute.ADVOCATE
    entry = _audit(exclusion)[-1]
    assert entry.actor == world.user("social_worker")
    assert entry.after == {
        "told_on": clock.today().isoformat(),
        "told_how": "By phone by the social worker",
        "views_route": "advocate",
        "views_details": "His advocate will read his statement at the start of the reports.",
    }
    # A correction is another change in the history.
    _tell(world, exclusion, views_route=ViewsRoute.WRITTEN, views_details="A letter to the chair.")
    assert _audit(exclusion)[-1].after == {
        "views_route": "written",
        "views_details": "A letter to the chair.",
    }


def test_nobody_is_told_of_a_request_that_is_waiting_or_refused(world: World, invited: Invited) -> None:
    exclusion = _request(world, invited.father)
    with pytest.raises(ValidationError) as caught:
        _tell(world, exclusion)
    assert caught.value.messages == [
        "The chair has not agreed to this exclusion, so there is nothing to tell the person."
    ]
    _decide(world, exclusion, decision=ChairDecision.REFUSED)
    with pytest.raises(ValidationError) as caught:
        _tell(world, exclusion)
    assert caught.value.messages == [
        "The chair refused this exclusion, so there is nothing to tell the person."
    ]


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"told_on": None}, {"told_on": ["Enter the date they were told"]}),
        (
            {"told_on": date(2099, 1, 1)},
            {"told_on": ["The date they were told must be today or in the past"]},
        ),
        (
            {"told_how": ""},
            {"told_how": ["Enter how they were told, for example by phone by the social worker"]},
        ),
        ({"told_how": "x" * 201}, {"told_how": ["How they were told must be 200 characters or fewer"]}),
        (
            {"views_route": "carrier pigeon"},
            {"views_route": ["Select how their views will reach the conference"]},
        ),
        (
            {"views_details": " "},
            {"views_details": ["Enter the details, for example who will share their views and when"]},
        ),
    ],
)
def test_telling_needs_a_date_a_way_and_a_route_for_their_views(
    world: World, invited: Invited, changes: dict[str, object], errors: dict[str, list[str]]
) -> None:
    exclusion = _decide(world, _request(world, invited.father))
    with pytest.raises(ValidationError) as caught:
        _tell(world, exclusion, **changes)
    assert _messages(caught.value) == errors
    exclusion.refresh_from_db()
    assert exclusion.told_on is None


def test_nobody_is_told_before_the_chair_decided(world: World, invited: Invited) -> None:
    exclusion = _decide(world, _request(world, invited.father))
    with pytest.raises(ValidationError) as caught:
        _tell(world, exclusion, told_on=clock.today() - timedelta(days=1))
    [message] = _messages(caught.value)["told_on"]
    assert message.startswith("The date they were told must be on or after the chair's decision, ")


def test_the_whole_conference_is_every_section(world: World, invited: Invited) -> None:
    exclusion = _request(world, invited.father, sections=list(reversed(SECTION_KEYS)))
    assert exclusion.sections == list(SECTION_KEYS)


def test_someone_without_an_active_professional_record_cannot_ask(world: World, invited: Invited) -> None:
    with pytest.raises(ValidationError) as caught:
        _request(world, invited.father, acting_user=world.user("no_professional_record"))
    assert caught.value.messages == ["Only a professional with an active record can ask for an exclusion."]


def test_a_new_chair_role_holder_is_recorded_as_deciding(world: World, invited: Invited) -> None:
    deputy: Professional = factories.ProfessionalFactory(
        agency=world.professionals["chair"].agency, roles=[Role.CHAIR]
    )
    user = deputy.user
    assert isinstance(user, User)
    exclusion = _decide(world, _request(world, invited.father), acting_user=user)
    assert exclusion.decided_by == deputy
