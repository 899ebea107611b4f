"""The rule for every API operation, for every persona and identifier (security note §3.1, §3.2): what
each must answer. tests/api/test_permission_matrix.py walks /api/openapi.json against it (an operation
without a rule fails), and tests/access/test_permission_matrix.py asks it what a GET with a session gets,
so that the pages' matrix and this one cannot disagree.

Who sees what (src/cpconf/access/rules.py; docs/access.md, docs/api.md):

* Conferences: whoever the pages show them to (social care staff of the authority; the health visitor
  allocated to Elowen; the duty officer who opened Corin's record in an emergency), and the authority's
  own system (a service account with its token) for every conference of its authority. Arranging one
  (schedule, cancel, held, adjourned) is for social care staff: anyone else who sees it gets 403.
  Requesting the review is for social care staff and the authority's own system.
  Adjourning one as not quorate is its chair's (R-QU-2).
* Invitations and reports: whoever sees the conference reads them. Inviting, sending the invitations and
  recording a reply are arranging it (social care staff; the authority's own system gets 403: invitations
  and their emails are a coordinator's acts). Recording that a report was shared with the family is for
  whoever may send that agency's report (R-PR-4): social care staff, or a professional of the agency that
  owes it; no persona's agency owes the matrix's conferences a report, so it is the same as arranging.
* Enquiries, and creating records (strategy discussions, enquiries, transfer-in requests): social care
  staff and the authority's own system, in their own authority; anyone else 403, as the pages answer. A
  household of another authority, or a guessed one, is not found (422 on the field that named it: the
  body named it, not the address).
* Everyone else: 404 for a conference, 403 for a list or a create; signed out (or signed out by a closed
  record): 401.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from cpconf import clock
from cpconf.conferences.models import AgencyView, ChildDecision, Conference, ConferenceStatus, ViewSource
from cpconf.minutes.models import Minutes, MinutesStatus
from cpconf.people.models import Professional
from cpconf.plans.models import ChildProtectionPlan
from tests.access.conftest import PERSONAS
from tests.api.world import (
    CORIN,
    ELOWEN,
    GUESSED,
    NORTHBRIDGE_SYSTEM,
    SOUTHMOOR_SYSTEM,
    SYSTEMS,
    ZEPHYRINE,
    ApiWorld,
    child_of,
    household_of,
)

Outcome = int | str  # a status code, or "sign-in" (a page sends the person to sign in)
SIGN_IN = "sign-in"

SIGNED_OUT = frozenset({"signed_out", "inactive_professional"})
NORTHBRIDGE_SOCIAL_CARE = frozenset(
    {"chair", "social_worker", "team_manager", "safeguarding_manager", "authority_administrator"}
)
SOCIAL_CARE = NORTHBRIDGE_SOCIAL_CARE | {"other_authority_worker"}
AGENCY = frozenset({"health_visitor", "police_officer", "duty_officer"})
NO_CHILDREN = frozenset({"performance_analyst", "service_account", "no_professional_record", "superuser"})
assert set(PERSONAS) == SIGNED_OUT | SOCIAL_CARE | AGENCY | NO_CHILDREN

NORTHBRIDGE, SOUTHMOOR = "northbridge", "southmoor"
_KIND_AUTHORITY = {ELOWEN: NORTHBRIDGE, CORIN: NORTHBRIDGE, ZEPHYRINE: SOUTHMOOR, GUESSED: None}


def authority_of(persona: str) -> str | None:
    if persona in {"other_authority_worker", SOUTHMOOR_SYSTEM}:
        return SOUTHMOOR
    if persona in NORTHBRIDGE_SOCIAL_CARE | AGENCY | {NORTHBRIDGE_SYSTEM}:
        return NORTHBRIDGE
    return None


def _own(persona: str, kind: str | None) -> bool:
    return (
        kind is not None
        and _KIND_AUTHORITY[kind] is not None
        and _KIND_AUTHORITY[kind] == authority_of(persona)
    )


def sees_conference(persona: str, kind: str | None) -> bool:
    if persona in SOCIAL_CARE or persona in SYSTEMS:
        return _own(persona, kind)
    # Allocated to Elowen; opened Corin's record in an emergency (break glass).
    return (persona, kind) in {("health_visitor", ELOWEN), ("duty_officer", CORIN)}


def sees_enquiries(persona: str) -> bool:
    return persona in SOCIAL_CARE or persona in SYSTEMS


# The rules: (persona, kind) -> the answer.
Rule = Callable[[str, str | None], Outcome]


def read_conference(persona: str, kind: str | None) -> Outcome:
    if persona in SIGNED_OUT:
        return 401
    return 200 if sees_conference(persona, kind) else 404


def arrange_conference(success: int) -> Rule:
    """Schedule, cancel, held, adjourned: social care staff only; 403 for anyone else who sees it."""

    def rule(persona: str, kind: str | None) -> Outcome:
        if persona in SIGNED_OUT:
            return 401
        if not sees_conference(persona, kind):
            return 404
        return success if persona in SOCIAL_CARE else 403

    return rule


def request_review(persona: str, kind: str | None) -> Outcome:
    if persona in SIGNED_OUT:
        return 401
    if not sees_conference(persona, kind):
        return 404
    return 201 if persona in SOCIAL_CARE or persona in SYSTEMS else 403


def list_conferences(persona: str, kind: str | None) -> Outcome:
    if persona in SIGNED_OUT:
        return 401
    return 403 if persona in NO_CHILDREN else 200


def list_enquiries(persona: str, kind: str | None) -> Outcome:
    if persona in SIGNED_OUT:
        return 401
    return 200 if sees_enquiries(persona) else 403


def read_enquiry(persona: str, kind: str | None) -> Outcome:
    """As the pages: 403 for anyone whose roles do not include enquiries, before any is looked up."""
    if persona in SIGNED_OUT:
        return 401
    if not sees_enquiries(persona):
        return 403
    return 200 if _own(persona, kind) else 404


def adjourn_conference(persona: str, kind: str | None) -> Outcome:
    """Adjourning as not quorate is the chair's (R-QU-2): the conference's chair, or before one is named
    anyone holding the chair's role (Idony); 403 for anyone else who sees it."""
    if persona in SIGNED_OUT:
        return 401
    if not sees_conference(persona, kind):
        return 404
    return 201 if persona == "chair" else 403


def read_minutes(persona: str, kind: str | None) -> Outcome:
    """One's own copy of the minutes (R-AF-5): social care staff; an invited professional (nobody in the
    world is); 403 for anyone else who sees the conference, the authority's own system included."""
    if persona in SIGNED_OUT:
        return 401
    if not sees_conference(persona, kind):
        return 404
    return 200 if persona in SOCIAL_CARE else 403


def write_minutes(persona: str, kind: str | None) -> Outcome:
    """Drafting, approving and circulating the minutes: the world's chair (chair and coordinator)."""
    if persona in SIGNED_OUT:
        return 401
    if not sees_conference(persona, kind):
        return 404
    return 200 if persona == "chair" else 403


def record_decision(persona: str, kind: str | None) -> Outcome:
    """Each agency's view and each child's decision (issue 5, R-DE-3): the conference's chair, or a
    conference coordinator for the chair (no persona is one); 403 for anyone else who sees it, the
    authority's own system included (a person decides)."""
    if persona in SIGNED_OUT:
        return 401
    if not sees_conference(persona, kind):
        return 404
    return 201 if persona == "chair" else 403


def change_view(persona: str, kind: str | None) -> Outcome:
    """Correcting an agency's view: as recording one, answering 200."""
    outcome = record_decision(persona, kind)
    return 200 if outcome == 201 else outcome


def create_for_household(persona: str, kind: str | None) -> Outcome:
    """A record about the household the body names: 422 when that household is not the persona's own."""
    if persona in SIGNED_OUT:
        return 401
    if not sees_enquiries(persona):
        return 403
    return 201 if _own(persona, kind) else 422


# Plans (issue 5): read by whoever sees the child (never an authority's own system: 404, as for a child's
# record); made and changed by the authority's social workers, team managers, coordinators and chairs
# (PLAN_MANAGER_ROLES): 403 for anyone else who may see it (the safeguarding manager, the administrator, the
# health visitor, the duty officer, and the system, which sees the conference but makes no plan).
PLAN_MANAGERS = frozenset({"chair", "social_worker", "team_manager", "other_authority_worker"})


def sees_child(persona: str, kind: str | None) -> bool:
    return persona not in SYSTEMS and sees_conference(persona, kind)


def read_plan(persona: str, kind: str | None) -> Outcome:
    if persona in SIGNED_OUT:
        return 401
    return 200 if sees_child(persona, kind) else 404


def manage_plan(success: int) -> Rule:
    def rule(persona: str, kind: str | None) -> Outcome:
        if persona in SIGNED_OUT:
            return 401
        if not sees_child(persona, kind):
            return 404
        return success if persona in PLAN_MANAGERS else 403

    return rule


def make_plan(persona: str, kind: str | None) -> Outcome:
    """Through the conference: its own system sees it (403); anyone else as for changing a plan."""
    if persona in SYSTEMS and sees_conference(persona, kind):
        return 403
    return manage_plan(201)(persona, kind)


# Plans' follow-up (issue 5): a plan is seen by whoever sees its child, so never by an authority's own
# system (404); recording is social care's (403 for anyone else who sees the child); a review's outcome is
# its chair's (the system sees the conference, so 403); the lists are social care's (403 for the rest).


def record_on_plan(persona: str, kind: str | None) -> Outcome:
    if persona in SIGNED_OUT:
        return 401
    if persona in SYSTEMS or not sees_conference(persona, kind):
        return 404
    return 201 if persona in SOCIAL_CARE else 403


def record_review_outcome(persona: str, kind: str | None) -> Outcome:
    if persona in SIGNED_OUT:
        return 401
    if not sees_conference(persona, kind):
        return 404
    return 201 if persona == "chair" else 403


def list_overdue(persona: str, kind: str | None) -> Outcome:
    if persona in SIGNED_OUT:
        return 401
    return 200 if persona in SOCIAL_CARE else 403


# How each operation is asked: its identifiers, its body, and the state it needs first.


@dataclass(frozen=True)
class Ask:
    rule: Rule
    # Whether the identifier kinds go in the path (a record) or in the body (a household), or neither.
    kinds_in: str  # "path", "body" or ""
    body: Callable[[ApiWorld, str], dict[str, Any] | None] = lambda api_world, kind: None
    # Run (inside the request's savepoint) before the request: the state the operation needs.
    prepare: Callable[[ApiWorld, str], None] = lambda api_world, kind: None


def _version(api_world: ApiWorld, kind: str) -> int:
    if kind == GUESSED:
        return 1
    return Conference.objects.get(pk=api_world.world.conferences[kind].pk).version


def _soon(days: int, hour: int) -> datetime:
    day = clock.today() + timedelta(days=days)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _started(api_world: ApiWorld, kind: str) -> None:
    """The conference began an hour ago (so that it can be recorded as held or adjourned)."""
    if kind != GUESSED:
        now = clock.now()
        Conference.objects.filter(pk=api_world.world.conferences[kind].pk).update(
            starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1)
        )


def _held(api_world: ApiWorld, kind: str) -> None:
    if kind != GUESSED:
        now = clock.now()
        Conference.objects.filter(pk=api_world.world.conferences[kind].pk).update(
            status=ConferenceStatus.HELD,
            starts_at=now - timedelta(days=2),
            ends_at=now - timedelta(days=2, hours=-2),
        )


def _household_id(api_world: ApiWorld, kind: str) -> str:
    return str(uuid.uuid4()) if kind == GUESSED else str(household_of(api_world.world, kind).public_id)


def _strategy_discussion(api_world: ApiWorld, kind: str) -> dict[str, Any]:
    # An agency of the household's authority (a household that is not the persona's own is refused first).
    authority = api_world.world.southmoor if kind == ZEPHYRINE else api_world.world.northbridge
    agency = authority.agencies.order_by("pk").first()
    assert agency is not None
    return {
        "household_id": _household_id(api_world, kind),
        "held_on": str(clock.today() - timedelta(days=1)),
        "agencies_present": [str(agency.public_id)],
        "outcome": "section_47",
        "outcome_notes": "Police and health agree the threshold is met.",
    }


def _transfer_in(api_world: ApiWorld, kind: str) -> dict[str, Any]:
    child_id = uuid.uuid4() if kind == GUESSED else child_of(api_world.world, kind).public_id
    return {
        "household_id": _household_id(api_world, kind),
        "child_ids": [str(child_id)],
        "decided_on": str(clock.today() - timedelta(days=1)),
    }


def _report_version(api_world: ApiWorld, kind: str) -> int:
    if kind == GUESSED:
        return 1
    report = api_world.world.conferences[kind].reports.order_by("pk").first()
    assert report is not None
    return report.version


def _minutes(api_world: ApiWorld, kind: str) -> Minutes | None:
    if kind == GUESSED:
        return None
    return Minutes.objects.get(conference=api_world.world.conferences[kind])


def _section_version(api_world: ApiWorld, kind: str) -> int:
    minutes = _minutes(api_world, kind)
    return 1 if minutes is None else minutes.sections.get(key="decision").version


def _minutes_version(api_world: ApiWorld, kind: str) -> int:
    minutes = _minutes(api_world, kind)
    return 1 if minutes is None else minutes.version


def _minutes_approved(api_world: ApiWorld, kind: str) -> None:
    if kind != GUESSED:
        Minutes.objects.filter(conference=api_world.world.conferences[kind]).update(
            status=MinutesStatus.APPROVED, approved_at=clock.now(), signed_name="Idony Vance"
        )


def _plan_lead(api_world: ApiWorld, kind: str) -> str:
    if kind == GUESSED:
        return str(uuid.uuid4())
    return str(api_world.world.plans[kind].lead_professional.public_id)


def _plan_body(api_world: ApiWorld, kind: str) -> dict[str, Any]:
    lead = _plan_lead(api_world, kind)
    return {
        "lead_professional_id": lead,
        "member_ids": [],
        "outcomes": "A safe, warm home with regular meals.",
        "contingency": "Legal advice if nothing changes by the first review.",
        "actions": [
            {
                "what": "Visit the family weekly",
                "owner_id": lead,
                "due_on": str(clock.today() + timedelta(days=14)),
            }
        ],
    }


def _plan_unmade(api_world: ApiWorld, kind: str) -> None:
    """The conference was held and its plan not yet made; its lead professional is a qualified social
    worker (R-PL-2)."""
    _held(api_world, kind)
    if kind != GUESSED:
        plan = api_world.world.plans[kind]
        Professional.objects.filter(pk=plan.lead_professional_id).update(qualified_social_worker=True)
        ChildProtectionPlan.objects.filter(pk=plan.pk).delete()


def _plan_version(api_world: ApiWorld, kind: str) -> int:
    if kind == GUESSED:
        return 1
    return ChildProtectionPlan.objects.get(pk=api_world.world.plans[kind].pk).version


def _qualified_lead(api_world: ApiWorld, kind: str) -> None:
    if kind != GUESSED:
        plan = api_world.world.plans[kind]
        Professional.objects.filter(pk=plan.lead_professional_id).update(qualified_social_worker=True)


def _attendance(api_world: ApiWorld, kind: str) -> list[dict[str, Any]]:
    """Every member of the plan's core group, attended."""
    if kind == GUESSED:
        return []
    members = api_world.world.plans[kind].core_group.values_list("public_id", flat=True)
    return [{"member_id": str(member), "attended": True} for member in members]


def _held_review(api_world: ApiWorld, kind: str) -> None:
    """The conference is a review, held two days ago (so that its chair can record what it decided)."""
    if kind != GUESSED:
        _held(api_world, kind)
        Conference.objects.filter(pk=api_world.world.conferences[kind].pk).update(conference_type="review")


def _report_received(api_world: ApiWorld, kind: str) -> None:
    """The conference was held, no decision is recorded yet (the world's plan and the decision it was made
    from are taken away), and its report arrived (an absent agency's view comes from it, R-DE-2)."""
    _held(api_world, kind)
    if kind != GUESSED:
        plan = api_world.world.plans[kind]
        ChildProtectionPlan.objects.filter(pk=plan.pk).delete()
        ChildDecision.objects.filter(pk=plan.decision_id).delete()
        api_world.world.conferences[kind].reports.update(received_at=clock.now() - timedelta(days=3))


def _view_given(api_world: ApiWorld, kind: str) -> None:
    """... and the agency's view on the child was recorded from it."""
    _report_received(api_world, kind)
    if kind != GUESSED:
        conference = api_world.world.conferences[kind]
        report = conference.reports.order_by("pk").first()
        assert report is not None
        AgencyView.objects.create(
            public_id=_view_id(kind),
            conference=conference,
            child=child_of(api_world.world, kind),
            agency=report.agency,
            source=ViewSource.WRITTEN_REPORT,
            report=report,
            given_by=report.agency.name,
            recommendation="plan",
            categories=["neglect"],
            rationale="Neglect of the child's health needs.",
            recorded_at=clock.now(),
        )


def _view_id(kind: str) -> uuid.UUID:
    """The identifier ``_view_given`` gives its view (the body is made before the state it needs)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"cpconf-matrix-agency-view-{kind}")


def _child_id(api_world: ApiWorld, kind: str) -> str:
    return str(uuid.uuid4() if kind == GUESSED else child_of(api_world.world, kind).public_id)


def _report_id(api_world: ApiWorld, kind: str) -> str:
    if kind == GUESSED:
        return str(uuid.uuid4())
    return str(
        api_world.world.conferences[kind].reports.order_by("pk").values_list("public_id", flat=True)[0]
    )


ASKS: dict[str, Ask] = {
    # Plans (issue 5).
    "plan_read": Ask(read_plan, "path"),
    "plan_make": Ask(make_plan, "path", body=_plan_body, prepare=_plan_unmade),
    "plan_update": Ask(
        manage_plan(200),
        "path",
        body=lambda api_world, kind: {
            "expected_version": _plan_version(api_world, kind),
            "contingency": "A new contingency plan.",
        },
        prepare=_qualified_lead,
    ),
    "plan_action_add": Ask(
        manage_plan(201),
        "path",
        body=lambda api_world, kind: {
            "what": "Check the children's school attendance",
            "owner_id": _plan_lead(api_world, kind),
            "due_on": str(clock.today() + timedelta(days=7)),
        },
    ),
    "conferences_list": Ask(list_conferences, ""),
    "conference_read": Ask(read_conference, "path"),
    "conference_schedule": Ask(
        arrange_conference(200),
        "path",
        body=lambda api_world, kind: {
            "starts_at": _soon(12, 10).isoformat(),
            "ends_at": _soon(12, 12).isoformat(),
            "venue_kind": "online",
            "joining_details": "A video call link, sent the day before.",
            "out_of_timescale_reason": "No chair is free before then.",
            "change_reason": "The chair is in court that day.",
            "expected_version": _version(api_world, kind),
        },
    ),
    "conference_cancel": Ask(
        arrange_conference(200),
        "path",
        body=lambda api_world, kind: {
            "reason": "The family moved to Scotland.",
            "expected_version": _version(api_world, kind),
        },
    ),
    "conference_mark_held": Ask(
        arrange_conference(200),
        "path",
        body=lambda api_world, kind: {"expected_version": _version(api_world, kind)},
        prepare=_started,
    ),
    "conference_mark_inquorate": Ask(
        adjourn_conference,
        "path",
        body=lambda api_world, kind: {
            "reason": "Police and health absent; not enough information to go ahead.",
            "expected_version": _version(api_world, kind),
        },
        prepare=_started,
    ),
    "conference_review_request": Ask(
        request_review, "path", body=lambda api_world, kind: {"dual_process": False}, prepare=_held
    ),
    "conference_transfer_in_request": Ask(create_for_household, "body", body=_transfer_in),
    # Invitations (R-PR-1 to R-PR-3): the body names the conference's own child (not yet invited), so it
    # succeeds for each of the three conferences.
    "invitations_list": Ask(read_conference, "path"),
    "invitations_add": Ask(
        arrange_conference(201),
        "path",
        body=lambda api_world, kind: {
            "child_ids": [str(uuid.uuid4() if kind == GUESSED else child_of(api_world.world, kind).public_id)]
        },
    ),
    # The world's invitations have no email address: nothing is sent, and they are named as without one.
    "invitations_send": Ask(arrange_conference(200), "path"),
    "invitation_reply_record": Ask(
        arrange_conference(200),
        "path",
        body=lambda api_world, kind: {"reply": "attending", "how": "By phone to the conference office."},
    ),
    # Reports (R-PR-4 to R-PR-6).
    "reports_list": Ask(read_conference, "path"),
    "report_shared_record": Ask(
        arrange_conference(200),
        "path",
        body=lambda api_world, kind: {
            "shared_on": str(clock.today()),
            "shared_how": "Talked through with the family at a home visit.",
            "expected_version": _report_version(api_world, kind),
        },
    ),
    # Minutes (issue 5): the world's conferences have draft minutes, every section written.
    "minutes_read": Ask(read_minutes, "path"),
    "minutes_section_save": Ask(
        write_minutes,
        "path",
        body=lambda api_world, kind: {
            "section": "decision",
            "text": "The conference decided on a child protection plan.",
            "expected_version": _section_version(api_world, kind),
        },
    ),
    "minutes_approve": Ask(
        write_minutes,
        "path",
        body=lambda api_world, kind: {"expected_version": _minutes_version(api_world, kind)},
    ),
    # The world's invitees have no email address: their copies go by post, and nothing is emailed.
    "minutes_circulate": Ask(
        write_minutes, "path", body=lambda api_world, kind: {"document": "minutes"}, prepare=_minutes_approved
    ),
    # Plans' follow-up (issue 5): each plan started today, with no core group members or actions.
    "core_group_meeting_record": Ask(
        record_on_plan,
        "path",
        body=lambda api_world, kind: {
            "held_on": str(clock.today()),
            "chaired_by": "Berenice Stowell",
            "chaired_by_team_manager": True,
            "attendance": _attendance(api_world, kind),
            "decisions": "The school reports attendance weekly.",
        },
    ),
    "visit_record": Ask(
        record_on_plan,
        "path",
        body=lambda api_world, kind: {
            "visited_on": str(clock.today()),
            "visited_by_id": _plan_lead(api_world, kind),
            "seen_alone": True,
            "seen_with_family": True,
        },
    ),
    "review_outcome_record": Ask(
        record_review_outcome,
        "path",
        body=lambda api_world, kind: {
            "outcome": "continue",
            "expected_version": _plan_version(api_world, kind),
        },
        prepare=_held_review,
    ),
    "plans_overdue": Ask(list_overdue, ""),
    # Decisions (issue 5, R-DE-1 to R-DE-6).
    "decisions_list": Ask(read_conference, "path"),
    "agency_view_record": Ask(
        record_decision,
        "path",
        body=lambda api_world, kind: {
            "child_id": _child_id(api_world, kind),
            "report_id": _report_id(api_world, kind),
            "recommendation": "plan",
            "categories": ["neglect"],
            "rationale": "Neglect of the child's health needs.",
        },
        prepare=_report_received,
    ),
    "agency_view_change": Ask(
        change_view,
        "path",
        body=lambda api_world, kind: {
            "view_id": str(_view_id(kind)),
            "recommendation": "child_in_need",
            "rationale": "On reflection, support for the family first.",
            "expected_version": 1,
        },
        prepare=_view_given,
    ),
    "decision_record": Ask(
        record_decision,
        "path",
        body=lambda api_world, kind: {
            "child_id": _child_id(api_world, kind),
            "suffered_significant_harm": True,
            "likely_to_suffer_significant_harm": True,
            "chair_view": "plan",
        },
        prepare=_view_given,
    ),
    "enquiries_list": Ask(list_enquiries, ""),
    "enquiry_read": Ask(read_enquiry, "path"),
    "enquiry_outcome_record": Ask(
        read_enquiry,  # whoever sees an enquiry may record its outcome
        "path",
        body=lambda api_world, kind: {
            "outcome": "conference_needed",
            "reason": "Bruising seen by the school nurse; the explanation does not fit.",
            "concluded_on": str(clock.today()),
        },
    ),
    "strategy_discussion_create": Ask(create_for_household, "body", body=_strategy_discussion),
    "enquiry_start": Ask(
        create_for_household,
        "body",
        body=lambda api_world, kind: {
            "household_id": _household_id(api_world, kind),
            "started_on": str(clock.today()),
        },
    ),
}


# What a GET with a session gets at each address of the API, for the pages' matrix.


def _get_with_session(operation_id: str, path: str, gets: dict[str, str]) -> Rule:
    """A GET at this operation's address: the GET operation there if there is one, else 405."""
    get_operation = gets.get(path)
    if get_operation is None:
        return lambda persona, kind: 405
    return ASKS[get_operation].rule


def page_matrix_rules(schema: dict[str, Any], *, sign_in: Outcome = SIGN_IN) -> dict[str, Rule]:
    """The rule for a GET with a session at each of the API's URL names ("api:<operation id>"), and
    at its index, schema, documentation page and "not found". ``sign_in`` is how the caller names a
    redirect to the sign-in page."""
    gets = {
        path: methods["get"]["operationId"] for path, methods in schema["paths"].items() if "get" in methods
    }
    rules: dict[str, Rule] = {
        "api-index": lambda persona, kind: 200,
        "api:api-root": lambda persona, kind: 200,  # the same address as the index, which answers first
        "api-not-found": lambda persona, kind: 404,
        # The schema and its page, for anyone signed in (security note: not for the public).
        "api:openapi-json": lambda persona, kind: 401 if persona in SIGNED_OUT else 200,
        "api:openapi-view": lambda persona, kind: sign_in if persona in SIGNED_OUT else 200,
    }
    for path, methods in schema["paths"].items():
        for operation in methods.values():
            rules[f"api:{operation['operationId']}"] = _get_with_session(operation["operationId"], path, gets)
    return rules
