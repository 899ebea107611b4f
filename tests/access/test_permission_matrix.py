"""The permission matrix (security note §3.1, §3.2; ASVS 8.1.1, 8.2.1, 8.2.2, 8.4.1): every URL pattern the
project serves, admin included, against every persona, with every identifier filled in four ways: a
child of Northbridge someone is allocated to (Elowen), a Northbridge child nobody is allocated to
(Corin), another authority's child (Zephyrine of Southmoor), and a guessed identifier.

``ROUTES`` is the documented rule for each page. Every URL pattern must have an entry, so a new page
without a rule fails ``test_every_url_pattern_has_a_rule``; the matrix then checks that each response is
the one the rule expects (200, 302 to a sign-in page, 403, 404 or 405) and that nobody is shown the
name or NHS number of another authority's child, or of a child in a page that refused them.

Requests are GETs with a session made by ``force_login`` (two-factor sign-in is off in the test settings,
as in the demo; tests/web covers it). A persona whose professional record is inactive has their session
ended by the session middleware, so they meet every page as someone signed out.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, PathConverter, StringConverter, UUIDConverter

from cpconf.access.models import AccessEntry
from cpconf.api.api import api
from cpconf.people.models import Child
from tests.access.conftest import PERSONAS, World
from tests.api.matrix import page_matrix_rules

# What a response may be. An int is a status; the names are redirects to a sign-in page.
SIGN_IN = "302 to the sign-in page"
ADMIN_SIGN_IN = "302 to the administration's sign-in page"
Outcome = int | str
# Each child a page may be asked about, by who they are to Northbridge.
ELOWEN, CORIN, ZEPHYRINE, GUESSED = "elowen", "corin", "zephyrine", "guessed"
CHILD_KINDS = (ELOWEN, CORIN, ZEPHYRINE, GUESSED)

SIGNED_OUT = {"signed_out", "inactive_professional"}  # the latter: their session ends at once
STAFF = {"authority_administrator", "superuser"}


def _table(rows: str) -> dict[str, dict[str, Outcome]]:
    """Parse a table of persona: outcome for Elowen, Corin, Zephyrine and a guessed identifier."""
    table: dict[str, dict[str, Outcome]] = {}
    for line in rows.strip().splitlines():
        persona, outcomes = line.split(":")
        values = [SIGN_IN if value == "sign-in" else int(value) for value in outcomes.split()]
        table[persona.strip()] = dict(zip(CHILD_KINDS, values, strict=True))
    assert set(table) == set(PERSONAS), set(PERSONAS) ^ set(table)
    return table


# A child's record (R-AF-5): social care staff see their authority's children; an agency professional
# only while allocated, or while an emergency access they opened lasts (the duty officer, Corin); nobody
# another authority's; the rest nothing. Missing and refused look alike.
CHILD_RECORD = _table(
    """
    chair:                   200 200 404 404
    social_worker:           200 200 404 404
    team_manager:            200 200 404 404
    safeguarding_manager:    200 200 404 404
    authority_administrator: 200 200 404 404
    health_visitor:          200 404 404 404
    police_officer:          404 404 404 404
    duty_officer:            404 200 404 404
    performance_analyst:     404 404 404 404
    service_account:         404 404 404 404
    other_authority_worker:  404 404 200 404
    inactive_professional:   sign-in sign-in sign-in sign-in
    no_professional_record:  404 404 404 404
    superuser:               404 404 404 404
    signed_out:              sign-in sign-in sign-in sign-in
    """
)

# Who has seen a child's record: the team and safeguarding managers of the child's authority. Someone
# who may see the child but not this gets 403 (they know the child exists); anyone else 404.
ACCESS_HISTORY = _table(
    """
    chair:                   403 403 404 404
    social_worker:           403 403 404 404
    team_manager:            200 200 404 404
    safeguarding_manager:    200 200 404 404
    authority_administrator: 403 403 404 404
    health_visitor:          403 404 404 404
    police_officer:          404 404 404 404
    duty_officer:            404 403 404 404
    performance_analyst:     404 404 404 404
    service_account:         404 404 404 404
    other_authority_worker:  404 404 200 404
    inactive_professional:   sign-in sign-in sign-in sign-in
    no_professional_record:  404 404 404 404
    superuser:               404 404 404 404
    signed_out:              sign-in sign-in sign-in sign-in
    """
)

# The list of children: for everyone who works with children (it shows only their own); refused (403)
# to those whose roles show no child's record.
CHILD_LIST = {
    **dict.fromkeys(PERSONAS, 200),
    **dict.fromkeys(SIGNED_OUT, SIGN_IN),
    **dict.fromkeys(["performance_analyst", "service_account", "no_professional_record", "superuser"], 403),
}


# Opening a record in an emergency (break glass): for people who work with children and see only those
# they are involved with; refused (403) to social care staff, who see every child of their authority
# already, and to everyone whose roles show no child's record. The page names no child.
EMERGENCY_ACCESS = {
    **dict.fromkeys(PERSONAS, 403),
    **dict.fromkeys(SIGNED_OUT, SIGN_IN),
    **dict.fromkeys(["health_visitor", "police_officer", "duty_officer"], 200),
}


# Reviewing emergency access (break glass review, issue 3): the safeguarding managers of the authority
# whose child's record was opened. Everyone else is refused the whole area (403, whatever the identifier);
# a safeguarding manager gets 404 for another authority's emergency access and a guessed one.
EMERGENCY_ACCESS_REVIEWS = {
    **dict.fromkeys(PERSONAS, 403),
    **dict.fromkeys(SIGNED_OUT, SIGN_IN),
    "safeguarding_manager": 200,
}
EMERGENCY_ACCESS_REVIEW = _table(
    """
    chair:                   403 403 403 403
    social_worker:           403 403 403 403
    team_manager:            403 403 403 403
    safeguarding_manager:    200 200 404 404
    authority_administrator: 403 403 403 403
    health_visitor:          403 403 403 403
    police_officer:          403 403 403 403
    duty_officer:            403 403 403 403
    performance_analyst:     403 403 403 403
    service_account:         403 403 403 403
    other_authority_worker:  403 403 403 403
    inactive_professional:   sign-in sign-in sign-in sign-in
    no_professional_record:  403 403 403 403
    superuser:               403 403 403 403
    signed_out:              sign-in sign-in sign-in sign-in
    """
)


# A conference (issue 4), and its invitations, reports, exclusions and attendance, are seen by whoever
# sees every child it is about: the same as the child's record (the health visitor sees Elowen's, the
# duty officer Corin's while the emergency access lasts).
CONFERENCE = CHILD_RECORD

# Arranging a conference (booking, cancelling, recording what happened): social care staff of its
# authority. An agency professional who may see it gets 403; anyone else 404.
MANAGE_CONFERENCE = _table(
    """
    chair:                   200 200 404 404
    social_worker:           200 200 404 404
    team_manager:            200 200 404 404
    safeguarding_manager:    200 200 404 404
    authority_administrator: 200 200 404 404
    health_visitor:          403 404 404 404
    police_officer:          404 404 404 404
    duty_officer:            404 403 404 404
    performance_analyst:     404 404 404 404
    service_account:         404 404 404 404
    other_authority_worker:  404 404 200 404
    inactive_professional:   sign-in sign-in sign-in sign-in
    no_professional_record:  404 404 404 404
    superuser:               404 404 404 404
    signed_out:              sign-in sign-in sign-in sign-in
    """
)

# Asking for an exclusion (R-EX-2): social care staff, or a professional invited to the conference. Nobody
# in the world is invited, so this is the same as arranging it (tests/conferences covers an invited one).
REQUEST_EXCLUSION = MANAGE_CONFERENCE

# The chair's own decisions (CHAIR_CONFERENCE, R-EX-1): the conference's chair, or while none is named,
# anyone with the chair's role (Idony); 403 for everyone else who sees the conference. Southmoor's
# worker sees Zephyrine's conference but holds no chair's role.
CHAIR_CONFERENCE = _table(
    """
    chair:                   200 200 404 404
    social_worker:           403 403 404 404
    team_manager:            403 403 404 404
    safeguarding_manager:    403 403 404 404
    authority_administrator: 403 403 404 404
    health_visitor:          403 404 404 404
    police_officer:          404 404 404 404
    duty_officer:            404 403 404 404
    performance_analyst:     404 404 404 404
    service_account:         404 404 404 404
    other_authority_worker:  404 404 403 404
    inactive_professional:   sign-in sign-in sign-in sign-in
    no_professional_record:  404 404 404 404
    superuser:               404 404 404 404
    signed_out:              sign-in sign-in sign-in sign-in
    """
)

# Strategy discussions and enquiries: children's social care staff of the authority only. Anyone else is
# refused the whole area (403); another authority's or a guessed enquiry is 404.
SOCIAL_CARE_ONLY = {
    **dict.fromkeys(PERSONAS, 403),
    **dict.fromkeys(SIGNED_OUT, SIGN_IN),
    **dict.fromkeys(
        ["chair", "social_worker", "team_manager", "safeguarding_manager", "authority_administrator"], 200
    ),
    "other_authority_worker": 200,
}
ENQUIRY = _table(
    """
    chair:                   200 200 404 404
    social_worker:           200 200 404 404
    team_manager:            200 200 404 404
    safeguarding_manager:    200 200 404 404
    authority_administrator: 200 200 404 404
    health_visitor:          403 403 403 403
    police_officer:          403 403 403 403
    duty_officer:            403 403 403 403
    performance_analyst:     403 403 403 403
    service_account:         403 403 403 403
    other_authority_worker:  404 404 200 404
    inactive_professional:   sign-in sign-in sign-in sign-in
    no_professional_record:  403 403 403 403
    superuser:               403 403 403 403
    signed_out:              sign-in sign-in sign-in sign-in
    """
)

# Sending a report for an agency (uploading it, recording it was shared, asking to withhold parts,
# R-PR-4, R-PR-6): social care staff, or a professional of the agency that owes it. No persona's agency
# owes the matrix's conferences a report, so the health visitor and the duty officer, who may see a
# conference, get 403: the same table as arranging it.
REPORT_SEND = MANAGE_CONFERENCE

# A report's file: the matrix's reports have not been received, so there is nothing to download for
# anyone (404, "not received yet"); tests/conferences/test_reports_pages.py covers one that has.
REPORT_FILE_NOT_RECEIVED = _table(
    """
    chair:                   404 404 404 404
    social_worker:           404 404 404 404
    team_manager:            404 404 404 404
    safeguarding_manager:    404 404 404 404
    authority_administrator: 404 404 404 404
    health_visitor:          404 404 404 404
    police_officer:          404 404 404 404
    duty_officer:            404 404 404 404
    performance_analyst:     404 404 404 404
    service_account:         404 404 404 404
    other_authority_worker:  404 404 404 404
    inactive_professional:   sign-in sign-in sign-in sign-in
    no_professional_record:  404 404 404 404
    superuser:               404 404 404 404
    signed_out:              sign-in sign-in sign-in sign-in
    """
)

# Minutes (issue 5; R-AF-5, R-EX-5): one's own copy is for social care staff of the authority and the
# professionals invited (nobody in the world is invited, so the health visitor and the duty officer, who
# see the conference, get 403: break glass never reveals the minutes). Writing, approving, amending and
# circulating them is the chair's here (the chair also holds the coordinator's role); previewing anyone's
# copy is for social care staff, as arranging the conference is.
READ_MINUTES = _table(
    """
    chair:                   200 200 404 404
    social_worker:           200 200 404 404
    team_manager:            200 200 404 404
    safeguarding_manager:    200 200 404 404
    authority_administrator: 200 200 404 404
    health_visitor:          403 404 404 404
    police_officer:          404 404 404 404
    duty_officer:            404 403 404 404
    performance_analyst:     404 404 404 404
    service_account:         404 404 404 404
    other_authority_worker:  404 404 200 404
    inactive_professional:   sign-in sign-in sign-in sign-in
    no_professional_record:  404 404 404 404
    superuser:               404 404 404 404
    signed_out:              sign-in sign-in sign-in sign-in
    """
)
WRITE_MINUTES = CHAIR_CONFERENCE
PREVIEW_MINUTES = MANAGE_CONFERENCE


# Plans (issue 5). Making a plan (or a child in need plan) from a conference's decision and changing one:
# the authority's social workers, team managers, coordinators and chairs (PLAN_MANAGER_ROLES); anyone else
# who may see the child gets 403 (the safeguarding manager, the administrator, the health visitor, the
# duty officer); anyone else 404. Seeing a plan: whoever sees the child (CHILD_RECORD). The world's
# decisions already have their plans, so the pages that make one say so (200).
MANAGE_PLAN = _table(
    """
    chair:                   200 200 404 404
    social_worker:           200 200 404 404
    team_manager:            200 200 404 404
    safeguarding_manager:    403 403 404 404
    authority_administrator: 403 403 404 404
    health_visitor:          403 404 404 404
    police_officer:          404 404 404 404
    duty_officer:            404 403 404 404
    performance_analyst:     404 404 404 404
    service_account:         404 404 404 404
    other_authority_worker:  404 404 200 404
    inactive_professional:   sign-in sign-in sign-in sign-in
    no_professional_record:  404 404 404 404
    superuser:               404 404 404 404
    signed_out:              sign-in sign-in sign-in sign-in
    """
)


Rule = Callable[[str, str | None], Outcome | set[Outcome]]


def public(persona: str, child: str | None) -> Outcome:
    return 200


def signed_in(persona: str, child: str | None) -> Outcome:
    return SIGN_IN if persona in SIGNED_OUT else 200


def post_only(persona: str, child: str | None) -> Outcome:
    return 405


def sign_in_steps(persona: str, child: str | None) -> set[Outcome]:
    # Owned by two-factor sign-in (tests/web): without the second factor required, these pages either
    # show their step or send the person on. They never take a child, so the leak check is what matters.
    return {200, 302, SIGN_IN}


def by_table(table: dict[str, dict[str, Outcome]]) -> Rule:
    def rule(persona: str, child: str | None) -> Outcome:
        assert child is not None
        return table[persona][child]

    return rule


def admin_page(persona: str, child: str | None) -> Outcome | set[Outcome]:
    """Any administration page: only staff get in. What staff see is scoped by authority (tests/people/
    test_admin.py); here it must not fail, and the leak check shows no other authority's child."""
    if persona not in STAFF:
        return ADMIN_SIGN_IN
    return {200, 302, 403, 404}


def admin_child_page(persona: str, child: str | None) -> Outcome | set[Outcome]:
    """An administration page about one child: an authority administrator gets 404 for another
    authority's child (and for a guessed one) like everyone else."""
    if persona == "authority_administrator" and child in {ZEPHYRINE, GUESSED}:
        return 404
    return admin_page(persona, child)


def admin_sign_in(persona: str, child: str | None) -> Outcome | set[Outcome]:
    # Staff who are signed in are sent on to the administration; everyone else sees the form.
    return 302 if persona in STAFF else 200


# Every URL pattern, by name (or by its pattern, for the few without one).
ROUTES: dict[str, Rule] = {
    # The web app: sign in and out, home, accessibility statement.
    "web:home": signed_in,
    "web:sign-in": lambda persona, child: {200, 302},  # a signed-in person is sent home
    "web:two-factor-verify": sign_in_steps,
    "web:two-factor-set-up": sign_in_steps,
    "web:two-factor-recovery-codes": sign_in_steps,
    "web:sign-out": post_only,
    "web:signed-out": public,
    "web:accessibility": public,
    # Children (R-AF-5).
    "people:child-list": lambda persona, child: CHILD_LIST[persona],
    "people:child-detail": by_table(CHILD_RECORD),
    "people:child-access-history": by_table(ACCESS_HISTORY),
    "access:emergency-access": lambda persona, child: EMERGENCY_ACCESS[persona],
    "access:emergency-access-reviews": lambda persona, child: EMERGENCY_ACCESS_REVIEWS[persona],
    "access:emergency-access-review": by_table(EMERGENCY_ACCESS_REVIEW),
    # Strategy discussions and Section 47 enquiries (issue 4).
    "enquiries:enquiry-list": lambda persona, child: SOCIAL_CARE_ONLY[persona],
    "enquiries:strategy-discussion-new": lambda persona, child: SOCIAL_CARE_ONLY[persona],
    "enquiries:enquiry-start": by_table(ENQUIRY),
    "enquiries:enquiry-detail": by_table(ENQUIRY),
    # Conferences (issue 4): the lists show each person only the conferences they may see.
    "conferences:list": lambda persona, child: CHILD_LIST[persona],
    "conferences:chair-list": lambda persona, child: CHILD_LIST[persona],
    "conferences:my-work": lambda persona, child: CHILD_LIST[persona],
    "conferences:transfer-in-new": lambda persona, child: SOCIAL_CARE_ONLY[persona],
    "conferences:detail": by_table(CONFERENCE),
    "conferences:schedule": by_table(MANAGE_CONFERENCE),
    "conferences:cancel": by_table(MANAGE_CONFERENCE),
    "conferences:outcome": by_table(MANAGE_CONFERENCE),
    "conferences:request-review": post_only,
    # Invitations (R-PR-1 to R-PR-3). The actions are POSTs: a GET is 405 for anyone.
    "conferences:invitations": by_table(CONFERENCE),
    "conferences:invitations-add": post_only,
    "conferences:invitations-rights": post_only,
    "conferences:invitations-send": post_only,
    "conferences:invitations-add-person": by_table(MANAGE_CONFERENCE),
    "conferences:invitation": by_table(MANAGE_CONFERENCE),
    "conferences:invitation-record-reply": by_table(MANAGE_CONFERENCE),
    "conferences:invitation-withdraw": by_table(MANAGE_CONFERENCE),
    # The reply link needs no account: its signed token is the permission, and what the matrix fills in
    # is no token of ours, so everyone gets the plain "this link does not work" page (400).
    "conferences:invitation-reply": lambda persona, child: 400,
    # Reports (R-PR-4 to R-PR-6). Missing and late reports, across conferences: for social care staff (each
    # sees their own authority's); 403 to everyone else.
    "conferences:reports": by_table(CONFERENCE),
    "conferences:report-upload": by_table(REPORT_SEND),
    "conferences:report-file": by_table(REPORT_FILE_NOT_RECEIVED),
    "conferences:report-shared": by_table(REPORT_SEND),
    "conferences:report-withhold": by_table(REPORT_SEND),
    "conferences:report-withhold-decision": by_table(CHAIR_CONFERENCE),  # R-PR-6
    "conferences:reports-missing": lambda persona, child: SOCIAL_CARE_ONLY[persona],
    # Exclusions (R-EX-1 to R-EX-3; recording that the person was told is for whoever arranges the
    # conference) and attendance on the day (R-PR-3).
    "conferences:exclusions": by_table(CONFERENCE),
    "conferences:exclusion-request": by_table(REQUEST_EXCLUSION),
    "conferences:exclusion-decide": by_table(CHAIR_CONFERENCE),
    "conferences:exclusion-told": by_table(MANAGE_CONFERENCE),
    "conferences:attendance": by_table(CONFERENCE),
    "conferences:attendance-record": by_table(MANAGE_CONFERENCE),
    # Minutes (issue 5): the list of late circulation is social care's, like the list of missing reports.
    "minutes:read": by_table(READ_MINUTES),
    "minutes:pdf": by_table(READ_MINUTES),
    "minutes:start": post_only,
    "minutes:edit": by_table(WRITE_MINUTES),
    "minutes:approve": by_table(CHAIR_CONFERENCE),
    "minutes:amend": by_table(CHAIR_CONFERENCE),
    "minutes:circulation": by_table(WRITE_MINUTES),
    "minutes:preview": by_table(PREVIEW_MINUTES),
    "minutes:copy-pdf": by_table(PREVIEW_MINUTES),
    "minutes:late": lambda persona, child: SOCIAL_CARE_ONLY[persona],
    # Plans (issue 5; R-DE-5, R-DE-6, R-PL-1 to R-PL-3).
    "plans:make": by_table(MANAGE_PLAN),
    "plans:child-in-need-start": by_table(MANAGE_PLAN),
    "plans:detail": by_table(CHILD_RECORD),
    "plans:edit": by_table(MANAGE_PLAN),
    "plans:action-add": by_table(MANAGE_PLAN),
    "plans:action-status": by_table(MANAGE_PLAN),
    "plans:member-add": by_table(MANAGE_PLAN),
    "plans:member-leave": by_table(MANAGE_PLAN),
    # Plans' follow-up (issue 5): a plan is seen by whoever sees its child; recording core groups, visits
    # and endings is social care's (RECORD_CORE_GROUP, RECORD_VISIT, END_PLAN_OUTSIDE_REVIEW,
    # RECORD_ENDING_APPROVAL: the same table as arranging a conference); a review's outcome is its chair's
    # (RECORD_REVIEW_OUTCOME); the overdue lists are social care's (SEE_FOLLOWUP_LISTS).
    "followup:core-groups": by_table(CHILD_RECORD),
    "followup:core-group-new": by_table(MANAGE_CONFERENCE),
    "followup:core-group-circulated": by_table(MANAGE_CONFERENCE),
    "followup:visits": by_table(CHILD_RECORD),
    "followup:visit-new": by_table(MANAGE_CONFERENCE),
    "followup:plan-end": by_table(MANAGE_CONFERENCE),
    "followup:ending-approval": by_table(MANAGE_CONFERENCE),
    "followup:review-outcomes": by_table(CONFERENCE),
    "followup:review-outcome": by_table(CHAIR_CONFERENCE),
    "followup:overdue-core-groups": lambda persona, child: SOCIAL_CARE_ONLY[persona],
    "followup:overdue-visits": lambda persona, child: SOCIAL_CARE_ONLY[persona],
    "followup:overdue-records": lambda persona, child: SOCIAL_CARE_ONLY[persona],
    "followup:overdue-eighteen": lambda persona, child: SOCIAL_CARE_ONLY[persona],
    # Decisions (issue 5, R-DE-2, R-DE-3): seen by whoever sees the conference; recorded by its chair or a
    # conference coordinator for the chair (no persona is a coordinator: tests/conferences covers one).
    # ``child_id`` is filled with the conference's own child.
    "conferences:decisions": by_table(CONFERENCE),
    "conferences:decision-view-record": by_table(CHAIR_CONFERENCE),
    "conferences:decision-record": by_table(CHAIR_CONFERENCE),
    # The administration's own pages.
    "admin:index": admin_page,
    "admin:login": admin_sign_in,
    # Signing out is a POST: staff get 405 for a GET, anyone else is sent to the administration's index.
    "admin:logout": lambda persona, child: 405 if persona in STAFF else 302,
    "admin:password_change": admin_page,
    "admin:password_change_done": admin_page,
    "admin:autocomplete": admin_page,
    "admin:jsi18n": admin_page,
    "admin:view_on_site": admin_page,  # children have no page outside the administration to go to
    "admin:app_list": admin_page,
    "admin/(?P<url>.*)$": admin_page,  # the administration's catch-all: 404 or the sign-in page
    "admin:auth_user_password_change": admin_page,
    "admin:otp_totp_totpdevice_config": admin_page,
    "admin:otp_totp_totpdevice_qrcode": admin_page,
    # The JSON API (docs/api.md): a GET with a session at each of its addresses, by the same rules as its
    # own matrix (tests/api/matrix.py, which also covers its other methods and the service accounts).
    **page_matrix_rules(api.get_openapi_schema(), sign_in=SIGN_IN),
}

# Every model page in the administration (changelist, add, change, history, delete, and the bare
# address that redirects to change), by model: the rule for its pages.
ADMIN_MODELS: dict[str, Rule] = {
    "auth_group": admin_page,
    "django_tasks_database_dbtaskresult": admin_page,
    "otp_totp_totpdevice": admin_page,
    "otp_static_staticdevice": admin_page,
    "axes_accessattempt": admin_page,
    "axes_accesslog": admin_page,
    "axes_accessfailurelog": admin_page,
    "access_accessentry": admin_page,
    "access_auditentry": admin_page,
    "people_authority": admin_page,
    "people_closureday": admin_page,
    "people_secureemaildomain": admin_page,
    "people_agency": admin_page,
    "people_professional": admin_page,
    "people_professionalrole": admin_page,
    "people_child": admin_child_page,
    "people_familymember": admin_page,
    "people_childrelationship": admin_page,
    "people_household": admin_page,
    "people_user": admin_page,
    # Retention (issue 3, item 9): an authority administrator sees only their own authority's policy and
    # holds (tests/retention/test_admin.py).
    "retention_retentionpolicy": admin_page,
    "retention_legalhold": admin_page,
}
_ADMIN_MODEL_NAME = re.compile(r"^admin:(?P<model>\w+?)_(changelist|add|history|delete|change)$")
# The bare address of a record redirects to its change page, whatever the identifier: the change page
# is where the rule applies.
_ADMIN_MODEL_PATH = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/<path:object_id>/$")


@dataclass(frozen=True)
class Route:
    key: str  # the URL name, or the pattern for a pattern without one
    pattern: str  # the full pattern, for filling in
    converters: dict[str, Any]
    regex_groups: tuple[str, ...]


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            key = f"{namespace}:{entry.name}" if entry.name and namespace else (entry.name or pattern)
            converters = dict(getattr(entry.pattern, "converters", {}))
            groups = tuple(re.compile(str(entry.pattern)).groupindex) if not converters else ()
            yield Route(key=key, pattern=pattern, converters=converters, regex_groups=groups)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


def rule_for(route: Route) -> Rule | None:
    if route.key in ROUTES:
        return ROUTES[route.key]
    named = _ADMIN_MODEL_NAME.match(route.key)
    if named and named["model"] in ADMIN_MODELS:
        return ADMIN_MODELS[named["model"]]
    bare = _ADMIN_MODEL_PATH.match(route.key)
    if bare and f"{bare['app']}_{bare['model']}" in ADMIN_MODELS:
        return admin_page
    return None


def test_every_url_pattern_has_a_rule() -> None:
    missing = [route.key for route in all_routes() if rule_for(route) is None]
    assert missing == [], (
        "These pages have no rule in tests/access/test_permission_matrix.py. Decide who may see each one "
        f"(and add it to ROUTES or ADMIN_MODELS) before it ships: {missing}"
    )


def test_every_rule_is_for_a_url_that_exists() -> None:
    keys = {route.key for route in all_routes()}
    assert set(ROUTES) - keys == set()
    models = {m["model"] for route in all_routes() if (m := _ADMIN_MODEL_NAME.match(route.key))}
    assert set(ADMIN_MODELS) - models == set()


# Filling in the identifiers


def _identifiers(world: World, kind: str) -> tuple[uuid.UUID, str]:
    """The public identifier and the primary key (as the administration's addresses use it)."""
    children = {ELOWEN: world.child, CORIN: world.unrelated_child, ZEPHYRINE: world.southmoor_child}
    if kind == GUESSED:
        return uuid.uuid4(), "987654321"
    child = children[kind]
    return child.public_id, str(child.pk)


def _public_id_for(world: World, kind: str, name: str) -> uuid.UUID:
    """The public identifier for a URL parameter, by its name: ``grant_id`` is the emergency access to the
    child of this kind, ``conference_id`` the conference about the child of this kind, ``invitation_id``, ``report_id`` and ``exclusion_id`` that conference's own;
    any other identifier is the child's."""
    if kind == GUESSED:
        return uuid.uuid4()
    if name == "grant_id":  # the emergency access to the child of this kind
        return world.grants[kind].public_id
    # Plans (issue 5): the plan about the child of this kind, its action and core group member, and the
    # decision it was made from.
    if name in {"plan_id", "action_id", "member_id", "decision_id"}:
        plan = world.plans[kind]
        return {
            "plan_id": plan.public_id,
            "action_id": plan.actions.order_by("pk").values_list("public_id", flat=True)[0],
            "member_id": plan.core_group.order_by("pk").values_list("public_id", flat=True)[0],
            "decision_id": plan.decision.public_id,
        }[name]
    if name in {"conference_id", "invitation_id", "report_id", "exclusion_id", "enquiry_id", "discussion_id"}:
        conference = world.conferences[kind]
        if name == "conference_id":
            return conference.public_id
        if conference.enquiry is None or conference.enquiry.strategy_discussion is None:
            raise AssertionError("Each matrix conference follows an enquiry and a strategy discussion.")
        if name == "enquiry_id":
            return conference.enquiry.public_id
        if name == "discussion_id":
            return conference.enquiry.strategy_discussion.public_id
        related = {
            "invitation_id": conference.invitations,
            "report_id": conference.reports,
            "exclusion_id": conference.exclusions,
        }[name]
        return related.order_by("pk").values_list("public_id", flat=True)[0]
    if name == "meeting_id":
        return world.plans[kind].core_group_meetings.values_list("public_id", flat=True)[0]
    return _identifiers(world, kind)[0]


def _fill(route: Route, world: World, kind: str) -> str:
    _, pk = _identifiers(world, kind)
    path = route.pattern
    for name, converter in route.converters.items():
        if isinstance(converter, UUIDConverter):
            value = str(_public_id_for(world, kind, name))
        elif name == "content_type_id":
            value = str(ContentType.objects.get_for_model(Child).pk)
        elif isinstance(converter, (IntConverter, PathConverter, StringConverter)):
            value = pk
        else:  # pragma: no cover - a new converter needs a value here
            raise AssertionError(f"No value for <{name}> in {route.pattern}")
        path = re.sub(rf"<(\w+:)?{name}>", value, path)
    if route.regex_groups:
        # The administration's two regular-expression patterns: an app's page, and its catch-all.
        path = "admin/people/" if "app_label" in route.regex_groups else "admin/no-such-page/"
    assert "<" not in path and "(" not in path, path
    return "/" + path


def _requests(world: World) -> Iterator[tuple[Route, str | None, str]]:
    for route in all_routes():
        if route.converters or route.key == "admin/(?P<url>.*)$":
            for kind in CHILD_KINDS:
                yield route, kind, _fill(route, world, kind)
        else:
            yield route, None, _fill(route, world, ELOWEN)


def _outcome(response: HttpResponse) -> Outcome:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith("/sign-in/?next="):
            return SIGN_IN
        if location.startswith("/admin/login/?next="):
            return ADMIN_SIGN_IN
    return response.status_code


def _never_shown(world: World, persona: str, route: Route, outcome: Outcome) -> list[Child]:
    """The children whose name and NHS number must not appear in this response."""
    if route.key.startswith("admin") and persona == "superuser":
        return []  # the system administrator manages every authority's records in the administration
    never = list(world.children_of_other_authorities(persona))
    if outcome != 200 or persona == "superuser":
        # A refusal shows nothing about any child; nor does any service page to a superuser.
        never = [world.child, world.brother, world.unrelated_child, world.southmoor_child]
    return never


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_answers_every_persona_as_its_rule_says(world: World, persona: str) -> None:
    client = world.client_for(persona)
    failures: list[str] = []
    for route, kind, path in _requests(world):
        rule = rule_for(route)
        assert rule is not None, route.key
        expected = rule(persona, kind)
        log_rows_before = AccessEntry.objects.count()
        response = client.get(path)
        outcome = _outcome(response)
        allowed = expected if isinstance(expected, set) else {expected}
        if outcome not in allowed:
            failures.append(f"{path} ({route.key}, {kind}): {outcome}, expected {expected}")
            continue
        content = response.content.decode(errors="replace")
        for child in _never_shown(world, persona, route, outcome):
            for detail in (child.full_name, child.family_name, child.nhs_number):
                if detail and detail in content:
                    failures.append(f"{path} ({route.key}, {kind}): shows {detail!r} to {persona}")
        # Every request that reaches a child gateway writes exactly one access-log row (R-AF-5).
        if route.key.startswith("people:") and outcome != SIGN_IN:
            written = AccessEntry.objects.count() - log_rows_before
            if written != 1:
                failures.append(f"{path} ({route.key}, {kind}): {written} access-log rows, expected 1")
        # Sessions must survive the walk: a page that signed the persona out would hide later failures.
        if persona not in SIGNED_OUT and route.key != "web:sign-out":
            assert client.session.get("_auth_user_id") is not None, f"{path} ended {persona}'s session"
    assert failures == [], "\n".join(failures)


def test_the_matrix_covers_children_of_both_authorities_and_a_guess(world: World) -> None:
    requests = list(_requests(world))
    paths = {path for _, _, path in requests}
    assert f"/children/{world.southmoor_child.public_id}/" in paths
    assert f"/children/{world.unrelated_child.public_id}/access/" in paths
    assert f"/admin/people/child/{world.southmoor_child.pk}/change/" in paths
    assert sum(1 for _, kind, _ in requests if kind == GUESSED) >= 50
