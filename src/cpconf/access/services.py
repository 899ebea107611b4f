"""Writes of the access app: opening a child's record in an emergency (break glass, issue item 4).

The known good shape (security note §0 point 4): a reason is required, the access is time-boxed
(``CPCONF_BREAK_GLASS_HOURS``, 3 by default, as DHIS2), every use is in the audit history and the access
log, and it is reviewed: the authority's safeguarding managers are alerted at once, as the NHS Spine
alerts a Privacy Officer, and "Who has seen this record" shows every read made through it, with the
reason. See docs/access.md.

Break glass starts from a search, never from a link: someone who gets "not found" for a child cannot
tell whether the child exists, and a search finds only children of their own authority, by NHS number
or by full name and date of birth, exactly.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse

from cpconf import clock
from cpconf.access.gateways import EMERGENCY_ACCESS
from cpconf.access.log import access_record, audit_record, audit_snapshot
from cpconf.access.models import BreakGlassGrant, EmergencySearch
from cpconf.access.rules import OPEN_IN_EMERGENCY, VIEW_CHILD, actor_for, may
from cpconf.access.selectors import children_matching_emergency_search, safeguarding_managers_to_alert
from cpconf.notifications.services import notify_about_child
from cpconf.people.models import Child, User

logger = logging.getLogger(__name__)

# A reason someone else can judge later: more than "urgent".
REASON_MIN_LENGTH = 20
REASON_MAX_LENGTH = 1000

# Why a search opened nothing, for the access log only: no child is named, and nothing searched for.
NO_MATCH = "Emergency access: no child of the authority matched the search."
SEVERAL_MATCH = "Emergency access: more than one child of the authority matched the search."

ALERT_PURPOSE = "emergency-access-alert"


class EmergencyOutcome(enum.Enum):
    OPENED = "opened"  # a new emergency access: the record is open to them for a few hours
    ALREADY_VISIBLE = "already-visible"  # they may already see the child: nothing to open
    NO_MATCH = "no-match"
    SEVERAL_MATCH = "several-match"


@dataclass(frozen=True)
class EmergencyResult:
    outcome: EmergencyOutcome
    # Set when one child matched (opened, or already visible to them); never for a failed search.
    child: Child | None = None
    grant: BreakGlassGrant | None = None


def break_glass_open(
    *,
    user: User,
    reason: str,
    nhs_number: str = "",
    given_name: str = "",
    family_name: str = "",
    date_of_birth: date | None = None,
    request: HttpRequest | None = None,
) -> EmergencyResult:
    """Open the record of the one child of the person's authority who matches the search, in an
    emergency, for ``CPCONF_BREAK_GLASS_HOURS`` (issue item 4; R-AF-5). Alerts the safeguarding managers.

    ``nhs_number`` is already normalised (10 digits). A failed search is logged as a refused attempt that
    names no child. Call outside any transaction: the new access, its audit and log rows and the alerts
    commit together.
    """
    # Only those the page is for (the view has already refused, and logged, anyone else).
    if not may(user, OPEN_IN_EMERGENCY):
        raise PermissionDenied("Opening a record in an emergency is not part of your roles.")
    reason = reason.strip()
    if not REASON_MIN_LENGTH <= len(reason) <= REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": f"Give your reason in {REASON_MIN_LENGTH} to {REASON_MAX_LENGTH} characters."}
        )
    if nhs_number:
        found_by = EmergencySearch.NHS_NUMBER
    elif given_name and family_name and date_of_birth is not None:
        found_by = EmergencySearch.NAME_AND_DATE_OF_BIRTH
    else:
        raise ValidationError(
            "Enter the child's NHS number, or their first name, last name and date of birth."
        )
    authority_id = actor_for(user).authority_id
    if authority_id is None:  # never: OPEN_IN_EMERGENCY needs an active professional record
        raise PermissionDenied("Opening a record in an emergency needs a professional record.")
    # Only the person's own authority is searched: another authority's children are never found.
    matches = children_matching_emergency_search(
        authority_id=authority_id,
        nhs_number=nhs_number,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        date_of_birth=date_of_birth,
    )
    if len(matches) != 1:
        outcome = EmergencyOutcome.NO_MATCH if not matches else EmergencyOutcome.SEVERAL_MATCH
        with transaction.atomic():
            access_record(
                user=user,
                what=EMERGENCY_ACCESS,
                reason=NO_MATCH if not matches else SEVERAL_MATCH,
                allowed=False,
                request=request,
            )
        return EmergencyResult(outcome=outcome)
    child = matches[0]
    # Allocated to the child, or already holding an emergency access: nothing to open, nobody to alert.
    if may(user, VIEW_CHILD, child):
        return EmergencyResult(outcome=EmergencyOutcome.ALREADY_VISIBLE, child=child)
    with transaction.atomic(durable=True):
        started = clock.now()
        grant = BreakGlassGrant(
            user=user,
            child=child,
            reason=reason,
            found_by=found_by,
            started_at=started,
            expires_at=started + timedelta(hours=settings.CPCONF_BREAK_GLASS_HOURS),
        )
        grant.full_clean()
        grant.save()
        audit_record(actor=user, action="create", instance=grant, before=None, after=audit_snapshot(grant))
        access_record(
            user=user,
            what=EMERGENCY_ACCESS,
            child=child,
            object_id=grant.public_id,
            reason=reason,
            allowed=True,
            request=request,
        )
        _alert_safeguarding_managers(grant=grant)
    return EmergencyResult(outcome=EmergencyOutcome.OPENED, child=child, grant=grant)


def _alert_safeguarding_managers(*, grant: BreakGlassGrant) -> None:
    """Tell the authority's safeguarding managers who opened which record, why and until when, so that
    they review it (security note §0 point 4). The content goes only to secure addresses (R-AF-5)."""
    child = grant.child
    user = grant.user
    managers = safeguarding_managers_to_alert(authority=child.authority, opened_by=user)
    if not managers:
        # Nobody to alert: the access log and the audit history still hold it for review.
        logger.warning(
            "Emergency access %s was opened, but there is no safeguarding manager to alert.", grant.public_id
        )
        return
    professional = actor_for(user).professional
    who = user.get_full_name() or user.email
    if professional is not None:
        who = f"{who} ({professional.job_title}, {professional.agency.name})"
    history_path = reverse("people:child-access-history", args=[child.public_id])
    body = (
        f"{who} opened {child.full_name}'s record in an emergency on {clock.time_in_words(grant.started_at)}.\n\n"
        f"The reason they gave:\n{grant.reason}\n\n"
        f"They can see the record until {clock.time_in_words(grant.expires_at)}.\n\n"
        "Check that opening the record was justified. Every time they look at it while their access lasts "
        'is listed, with their reason, in "Who has seen this record".'
    )
    for manager in managers:
        # One manager's unusable address must not stop the record opening, nor the others' alerts: the
        # emergency comes first, and the access log and audit history still hold it for review.
        try:
            with transaction.atomic():
                notify_about_child(
                    authority=child.authority,
                    child=child,
                    recipient_email=manager.email,
                    subject="A child's record was opened in an emergency",
                    body=body,
                    sign_in_path=history_path,
                    purpose=ALERT_PURPOSE,
                    acting_user=user,
                )
        except (ValidationError, ValueError):
            logger.warning(
                "Emergency access %s: safeguarding manager %s could not be alerted (their email address "
                "is not usable).",
                grant.public_id,
                manager.public_id,
            )
