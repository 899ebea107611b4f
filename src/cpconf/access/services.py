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
from datetime import date, datetime, timedelta
from typing import NoReturn

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse

from cpconf import clock
from cpconf.access.gateways import EMERGENCY_ACCESS
from cpconf.access.log import access_record, audit_history_for, audit_record, audit_snapshot
from cpconf.access.models import (
    AccessEntry,
    BreakGlassGrant,
    BreakGlassReview,
    EmergencySearch,
    ReviewOutcome,
)
from cpconf.access.rules import OPEN_IN_EMERGENCY, VIEW_CHILD, actor_for, may
from cpconf.access.selectors import (
    children_matching_emergency_search,
    emergency_attempts_since,
    safeguarding_managers_to_alert,
)
from cpconf.conferences.services.scheduling import StaleEditError
from cpconf.notifications.services import notify_about_child
from cpconf.people.models import Authority, Child, User

logger = logging.getLogger(__name__)

# A reason someone else can judge later: more than "urgent".
REASON_MIN_LENGTH = 20
REASON_MAX_LENGTH = 1000

# Why a search opened nothing, for the access log only: no child is named, and nothing searched for.
NO_MATCH = "Emergency access: no child of the authority matched the search."
SEVERAL_MATCH = "Emergency access: more than one child of the authority matched the search."

ALERT_PURPOSE = "emergency-access-alert"

# The limit on failed searches (security note §0 point 4; docs/access.md, "Too many searches that find
# nobody"): after FAILED_SEARCH_LIMIT searches that opened nothing within FAILED_SEARCH_WINDOW, the person
# may not search again until FAILED_SEARCH_LOCK after the last of them. Counted from the access log, so
# every process of the application agrees without a shared cache. A record opened since starts the count
# again: the failures before it were typing mistakes on the way to the right child.
FAILED_SEARCH_LIMIT = 5
FAILED_SEARCH_WINDOW = timedelta(minutes=15)
FAILED_SEARCH_LOCK = timedelta(minutes=15)
# A refused attempt while the person may not search: logged, and not itself counted as a failed search
# (no search was made), so the wait does not grow while they read the message.
TOO_MANY_FAILED = "Emergency access: refused, too many searches that opened nothing; no search was made."
_FAILED_SEARCHES = frozenset({NO_MATCH, SEVERAL_MATCH})
TOO_MANY_ALERT_PURPOSE = "emergency-access-too-many-failures"


class EmergencyOutcome(enum.Enum):
    OPENED = "opened"  # a new emergency access: the record is open to them for a few hours
    ALREADY_VISIBLE = "already-visible"  # they may already see the child: nothing to open
    NO_MATCH = "no-match"
    SEVERAL_MATCH = "several-match"
    # Too many searches that opened nothing: no search was made (``locked_until`` says until when).
    TOO_MANY_FAILED = "too-many-failed"


@dataclass(frozen=True)
class EmergencyResult:
    outcome: EmergencyOutcome
    # Set when one child matched (opened, or already visible to them); never for a failed search.
    child: Child | None = None
    grant: BreakGlassGrant | None = None
    locked_until: datetime | None = None


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
    locked_until = emergency_search_locked_until(user)
    if locked_until is not None:
        return break_glass_refuse_too_many(user=user, locked_until=locked_until, request=request)
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
            failure = access_record(
                user=user,
                what=EMERGENCY_ACCESS,
                reason=NO_MATCH if not matches else SEVERAL_MATCH,
                allowed=False,
                request=request,
            )
            # Asked after the row is written: writers of the access log wait for each other (its hash
            # chain), so two searches at once cannot both miss that this one reached the limit.
            attempts = _recent_attempts(user)
            locked_until = _locked_until(attempts)
            if (
                locked_until is not None
                and _locked_until([attempt for attempt in attempts if attempt.pk != failure.pk]) is None
            ):
                # This search reached the limit: the managers are told once, now.
                _alert_too_many_failed_searches(
                    user=user, authority_id=authority_id, failures=FAILED_SEARCH_LIMIT, until=locked_until
                )
        return EmergencyResult(outcome=outcome, locked_until=locked_until)
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


# Too many searches that open nothing (docs/access.md)


def _recent_attempts(user: User) -> list[AccessEntry]:
    # Every failure that can still matter: one within the window before a lock that has not ended.
    since = clock.now() - FAILED_SEARCH_WINDOW - FAILED_SEARCH_LOCK
    # Enough rows to find the limit even if the person searched as fast as they could type.
    return emergency_attempts_since(user, since, limit=10 * FAILED_SEARCH_LIMIT)


def _locked_until(attempts: list[AccessEntry]) -> datetime | None:
    """Until when the person may not search, from their recent attempts (newest first): the end of the
    lock that FAILED_SEARCH_LIMIT failed searches within FAILED_SEARCH_WINDOW began, if it has not ended."""
    failures: list[datetime] = []
    for attempt in attempts:  # newest first
        if attempt.allowed:
            break  # a record opened since: the failures before it no longer count
        if attempt.reason in _FAILED_SEARCHES:
            failures.append(attempt.recorded_at)
    failures.reverse()  # oldest first
    now = clock.now()
    until: datetime | None = None
    for last in range(FAILED_SEARCH_LIMIT - 1, len(failures)):
        first = failures[last - FAILED_SEARCH_LIMIT + 1]
        ends = failures[last] + FAILED_SEARCH_LOCK
        if failures[last] - first < FAILED_SEARCH_WINDOW and ends > now:
            until = ends if until is None else max(until, ends)
    return until


def emergency_search_locked_until(user: User) -> datetime | None:
    """Until when ``user`` may not search to open a record in an emergency, after too many searches that
    opened nothing; None if they may search now. One query."""
    return _locked_until(_recent_attempts(user))


def break_glass_refuse_too_many(
    *, user: User, locked_until: datetime, request: HttpRequest | None = None
) -> EmergencyResult:
    """Refuse an attempt while the person may not search: logged as refused, naming no child and keeping
    nothing they typed. Call outside any transaction."""
    with transaction.atomic():
        access_record(
            user=user, what=EMERGENCY_ACCESS, reason=TOO_MANY_FAILED, allowed=False, request=request
        )
    return EmergencyResult(outcome=EmergencyOutcome.TOO_MANY_FAILED, locked_until=locked_until)


def _alert_too_many_failed_searches(*, user: User, authority_id: int, failures: int, until: datetime) -> None:
    """Tell the authority's safeguarding managers, once, that someone's searches keep finding nobody: it
    may be guessing. Names no child (none was found) and nothing that was searched for."""
    authority = Authority.objects.get(pk=authority_id)
    managers = safeguarding_managers_to_alert(authority=authority, opened_by=user)
    if not managers:
        logger.warning(
            "Emergency access: a person reached the limit on failed searches, but there is no "
            "safeguarding manager to alert (user %s).",
            user.pk,
        )
        return
    professional = actor_for(user).professional
    who = user.get_full_name() or user.email
    if professional is not None:
        who = f"{who} ({professional.job_title}, {professional.agency.name})"
    minutes = int(FAILED_SEARCH_WINDOW.total_seconds() // 60)
    body = (
        f"{who} searched {failures} times in {minutes} minutes to open a child's record in an emergency, "
        "and no search found exactly one child.\n\n"
        f"They cannot search again until {clock.time_in_words(until)}.\n\n"
        "This may be mistyping in a hurry, or someone looking for a child they have no reason to find. "
        "Their searches are in the access log; what they searched for is not kept."
    )
    for manager in managers:
        try:
            with transaction.atomic():
                notify_about_child(
                    authority=authority,
                    child=None,
                    recipient_email=manager.email,
                    subject="Repeated emergency searches found no child",
                    body=body,
                    sign_in_path=reverse("access:emergency-access-reviews"),
                    purpose=TOO_MANY_ALERT_PURPOSE,
                    acting_user=user,
                )
        except (ValidationError, ValueError):
            logger.warning(
                "Emergency access: safeguarding manager %s could not be alerted of repeated failed "
                "searches (their email address is not usable).",
                manager.public_id,
            )


# Break glass review (issue 3; docs/access.md)

NOTE_MAX_LENGTH = 2000


class StaleReviewError(StaleEditError):
    """The review changed since the manager opened the page: saving would overwrite another's (the API
    would answer 409, as for any ``StaleEditError``)."""


def break_glass_review_record(
    *,
    grant: BreakGlassGrant,
    user: User,
    outcome: str,
    note: str,
    follow_up: str = "",
    expected_version: int,
) -> BreakGlassReview:
    """Record (or correct) the safeguarding manager's review of an emergency access: justified or not,
    with a note, and for one that was not, what will follow. ``expected_version`` is the review's version
    when the page was opened (0 for none yet): another manager's save since raises ``StaleReviewError``
    naming who and when. Who may is decided before (``gateways.break_glass_grant_for_review``)."""
    note = note.strip()
    follow_up = follow_up.strip()
    errors: dict[str, list[str]] = {}
    if outcome not in ReviewOutcome.values:
        errors["outcome"] = ["Select whether opening the record was justified"]
    if not note:
        errors["note"] = ["Enter what you found, for example who you spoke to and what they told you"]
    elif len(note) > NOTE_MAX_LENGTH:
        errors["note"] = [f"Keep your note to {NOTE_MAX_LENGTH} characters or fewer"]
    if outcome == ReviewOutcome.NOT_JUSTIFIED and not follow_up:
        errors["follow_up"] = [
            "Enter what will happen next, for example that you raised it with their manager"
        ]
    elif len(follow_up) > NOTE_MAX_LENGTH:
        errors["follow_up"] = [f"Keep what will happen next to {NOTE_MAX_LENGTH} characters or fewer"]
    if grant.user_id == user.pk:
        errors.setdefault("outcome", []).append("You cannot review your own emergency access")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The access's own row is locked: two managers' first reviews cannot both be written.
        locked = BreakGlassGrant.objects.select_for_update().get(pk=grant.pk)
        review = BreakGlassReview.objects.filter(grant=locked).select_related("grant__child").first()
        current = 0 if review is None else review.version
        if expected_version != current:
            _stale_review(review)
        before = None if review is None else audit_snapshot(review)
        if review is None:
            review = BreakGlassReview(grant=locked, version=0)
        review.outcome = outcome
        review.note = note
        # Kept only for an access that was not justified: a corrected review leaves no stale follow-up.
        review.follow_up = follow_up if outcome == ReviewOutcome.NOT_JUSTIFIED else ""
        review.reviewed_by = user
        review.reviewed_at = clock.now()
        review.version += 1
        review.full_clean()
        review.save()
        audit_record(
            actor=user,
            action="create" if before is None else "change",
            instance=review,
            before=before,
            after=audit_snapshot(review),
        )
    return review


def _stale_review(review: BreakGlassReview | None) -> NoReturn:
    who = "Someone else"
    when = ""
    if review is not None:
        last = audit_history_for(review).first()
        if last is not None:
            who = last.actor_name or who
            when = f" on {clock.time_in_words(last.recorded_at)}"
    raise StaleReviewError(
        f"{who} reviewed this emergency access{when}, after you opened this page. Your review has not been "
        "saved: read their review, then save yours again if it should change."
    )
