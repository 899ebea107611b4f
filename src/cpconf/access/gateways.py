"""The access gateways: the only ways a view, an API handler or a command obtains a child's record.

Each gateway decides with the rules (``cpconf.access.rules``), writes exactly one access-log row for the
read or for the refusal (``cpconf.access.log``), and then returns the record or refuses. A child that
does not exist and a child the person may not see look the same from outside: ``Http404`` with the same
message, so a guessed identifier tells nobody whether a child exists (IDOR; security note §3.2). The log
row says which it was.

Transactions: a refusal is written in a transaction of its own that commits before the gateway raises,
so the row survives whatever the exception then unwinds. That needs the gateway to be called outside any
``transaction.atomic`` block (check first, then open the transaction: Wagtail's actions). Called inside
one, a refusal raises ``RuntimeError`` instead of losing its row quietly. An allowed read is written in
the caller's transaction, if any, and commits or rolls back with the read it records.

A read by someone who sees the record because they opened it in an emergency (break glass) is logged as
such (``what`` ends in ``-emergency``), with the reason they gave and the emergency access it rests on,
so that "Who has seen this record" shows it for review. A conference's read is a read of each of its
children: a child seen through an emergency access is marked the same way, with the reason, the object
staying the conference (or the part of it) that was read.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from cpconf.access.log import access_history_for_child, access_record
from cpconf.access.models import AccessEntry, BreakGlassGrant
from cpconf.access.rules import (
    OPEN_IN_EMERGENCY,
    REVIEW_EMERGENCY_ACCESS,
    SEE_CHILDREN,
    SEE_CONFERENCES,
    VIEW_CHILD,
    VIEW_CHILD_ACCESS_HISTORY,
    VIEW_CONFERENCE,
    VIEW_PLAN,
    actor_for,
    is_api_service_account,
    is_social_care_staff,
    may,
    visible_children_filter,
    visible_conferences_filter,
)
from cpconf.access.selectors import (
    EMERGENCY_ACCESS_WHAT,
    break_glass_grant_current,
    break_glass_grant_lookup,
    break_glass_grants_current,
    child_lookup,
    children_visible_to,
)
from cpconf.conferences.models import Conference
from cpconf.people.models import Child, User

if TYPE_CHECKING:
    from cpconf.plans.models import ChildProtectionPlan

# What each gateway logs as "what" was read.
CHILD_RECORD = "child-record"
CHILD_LIST = "child-list"
ACCESS_HISTORY = "access-history"
# Opening a record in an emergency (the search, and the access it opens), and the mark on every read
# made through that access ("child-record-emergency").
EMERGENCY_ACCESS = EMERGENCY_ACCESS_WHAT
EMERGENCY_SUFFIX = "-emergency"

# Why a refusal happened, for the log only: never shown to the person refused.
NO_SUCH_CHILD = "No child has this identifier."
NOT_ALLOWED = "Not allowed: not involved with this child, or not permitted to see this."

# The one message for "missing" and "not yours".
NOT_FOUND_MESSAGE = "There is no child record here, or you do not have access to it."
CONFERENCE_NOT_FOUND_MESSAGE = "There is no conference here, or you do not have access to it."
# A conference page, and the pages of its parts (each gateway caller may name its own "what").
CONFERENCE = "conference"


def _refuse(
    *,
    user: User | AnonymousUser,
    what: str,
    reason: str,
    request: HttpRequest | None,
    child: Child | None = None,
    object_id: uuid.UUID | None = None,
) -> None:
    """Log a refused attempt, committed before the caller raises (see the module docstring)."""
    # durable=True: refuses to run nested, where a rollback would take the row with it.
    with transaction.atomic(durable=True):
        access_record(
            user=user,
            what=what,
            child=child,
            object_id=object_id,
            reason=reason,
            allowed=False,
            request=request,
        )


def _not_found(
    *,
    user: User | AnonymousUser,
    what: str,
    reason: str,
    request: HttpRequest | None,
    child: Child | None = None,
    object_id: uuid.UUID | None = None,
) -> NoReturn:
    _refuse(user=user, what=what, reason=reason, request=request, child=child, object_id=object_id)
    raise Http404(NOT_FOUND_MESSAGE)


@dataclass(frozen=True)
class ChildAccess:
    """A child's record as a gateway gave it: the child, and the emergency access the person holds for
    them (None unless they opened the record in an emergency and that access lasts)."""

    child: Child
    emergency_access: BreakGlassGrant | None


def child_access_for(
    user: User | AnonymousUser,
    public_id: uuid.UUID,
    *,
    what: str = CHILD_RECORD,
    request: HttpRequest | None = None,
) -> ChildAccess:
    """The child with this public identifier, if ``user`` may see their record (R-AF-5); logged either way,
    a read through emergency access as such.

    Raises ``Http404`` alike for a child who does not exist and one the person may not see.
    """
    child = child_lookup(public_id)
    # A guessed or mistyped identifier: logged with the identifier tried, since there is no child.
    if child is None:
        _not_found(user=user, what=what, reason=NO_SUCH_CHILD, request=request, object_id=public_id)
    # Not this person's to see (another authority, not involved, no role): logged against the child, so
    # the child's authority sees the attempt in "Who has seen this record".
    if not may(user, VIEW_CHILD, child):
        _not_found(user=user, what=what, reason=NOT_ALLOWED, request=request, child=child)
    # Social care staff see every child of their authority and never open one in an emergency: no query.
    emergency_access = None if is_social_care_staff(user) else break_glass_grant_current(user, child)
    # An ordinary read.
    if emergency_access is None:
        access_record(user=user, what=what, child=child, allowed=True, request=request)
        return ChildAccess(child=child, emergency_access=None)
    # A read while an emergency access lasts: marked, with its reason and the access it rests on.
    access_record(
        user=user,
        what=f"{what}{EMERGENCY_SUFFIX}",
        child=child,
        object_id=emergency_access.public_id,
        reason=emergency_access.reason,
        allowed=True,
        request=request,
    )
    return ChildAccess(child=child, emergency_access=emergency_access)


def child_for(
    user: User | AnonymousUser,
    public_id: uuid.UUID,
    *,
    what: str = CHILD_RECORD,
    request: HttpRequest | None = None,
) -> Child:
    """The child with this public identifier, if ``user`` may see their record (R-AF-5); logged either way
    (``child_access_for``, for a caller that has no use for the emergency access).

    Raises ``Http404`` alike for a child who does not exist and one the person may not see.
    """
    return child_access_for(user, public_id, what=what, request=request).child


def emergency_access_page_for(user: User | AnonymousUser, *, request: HttpRequest | None = None) -> None:
    """Let ``user`` use the page that opens a record in an emergency, or refuse (logged, 403). Only people
    who work with children and see only those they are involved with may (``OPEN_IN_EMERGENCY``)."""
    # Social care staff (they see every child of their authority already), performance analysts, service
    # accounts, superusers, anyone without an active professional record: 403, logged. (Nobody reaches
    # another authority's children from here: the search looks only in the person's own.)
    if not may(user, OPEN_IN_EMERGENCY):
        _refuse(user=user, what=EMERGENCY_ACCESS, reason=NOT_ALLOWED, request=request)
        raise PermissionDenied(
            "Opening a record in an emergency is for people who work with children and see only the "
            "children they are involved with."
        )


def children_for(
    user: User | AnonymousUser, *, search: str = "", request: HttpRequest | None = None
) -> QuerySet[Child]:
    """The children ``user`` may see, for a list (R-AF-5); one log row for the list, allowed or refused.

    Raises ``PermissionDenied`` for someone whose roles show no child's record (a performance analyst,
    a service account, a superuser): the page exists, so there is nothing to hide by a 404.
    """
    # Not someone who works with children: the list is not for them (403, logged).
    if not may(user, SEE_CHILDREN):
        _refuse(user=user, what=CHILD_LIST, reason=NOT_ALLOWED, request=request)
        raise PermissionDenied("Your roles do not include seeing children's records.")
    # The words searched for are not logged: they may be a child's name (the log keeps no names).
    access_record(
        user=user,
        what=CHILD_LIST,
        reason="Searched by name." if search.strip() else "",
        allowed=True,
        request=request,
    )
    return children_visible_to(user, search=search)


def child_access_history_for(
    user: User | AnonymousUser, public_id: uuid.UUID, *, request: HttpRequest | None = None
) -> tuple[Child, QuerySet[AccessEntry]]:
    """Who has seen (or tried to see) this child's record, for the child's team and safeguarding managers.

    ``Http404`` if the person may not see the child at all (as ``child_for``); ``PermissionDenied`` if
    they may see the child but not the history. Logged once either way, itself as a read of the child.
    """
    child = child_lookup(public_id)
    # A guessed identifier, as in child_for.
    if child is None:
        _not_found(user=user, what=ACCESS_HISTORY, reason=NO_SUCH_CHILD, request=request, object_id=public_id)
    # Not allowed to see the child: the history does not admit the child exists either.
    if not may(user, VIEW_CHILD, child):
        _not_found(user=user, what=ACCESS_HISTORY, reason=NOT_ALLOWED, request=request, child=child)
    # Allowed to see the child but not who else has: only their managers answer for that (403, logged).
    if not may(user, VIEW_CHILD_ACCESS_HISTORY, child):
        _refuse(user=user, what=ACCESS_HISTORY, reason=NOT_ALLOWED, request=request, child=child)
        raise PermissionDenied("Only team managers and safeguarding managers can see who has seen a record.")
    access_record(user=user, what=ACCESS_HISTORY, child=child, allowed=True, request=request)
    return child, access_history_for_child(child)


def conference_for(
    user: User | AnonymousUser,
    public_id: uuid.UUID,
    *,
    what: str = CONFERENCE,
    permission: str = VIEW_CONFERENCE,
    request: HttpRequest | None = None,
    object_id: uuid.UUID | None = None,
) -> Conference:
    """The conference with this public identifier, if ``user`` may see it (every one of its children,
    R-AF-5) and, when ``permission`` is another, may also do that; logged either way.

    A read writes one access-log row for each child the conference is about (so that each child's "Who has
    seen this record" shows it), with the conference as the object, or ``object_id`` when the read is of a
    part of it (a report's file: its public identifier). ``Http404`` alike for a conference that
    does not exist and one the person may not see; ``PermissionDenied`` (403) for one they may see but may
    not act on as asked (for example, an agency professional asking to arrange it).
    """
    conference = (
        Conference.objects.select_related("authority", "household", "enquiry", "chair", "minute_taker")
        .filter(public_id=public_id)
        .first()
    )
    if conference is None:
        _refuse(
            user=user,
            what=what,
            reason="No conference has this identifier.",
            request=request,
            object_id=public_id,
        )
        raise Http404(CONFERENCE_NOT_FOUND_MESSAGE)
    if not may(user, VIEW_CONFERENCE, conference):
        _refuse(user=user, what=what, reason=NOT_ALLOWED, request=request, object_id=public_id)
        raise Http404(CONFERENCE_NOT_FOUND_MESSAGE)
    if permission != VIEW_CONFERENCE and not may(user, permission, conference):
        _refuse(
            user=user, what=what, reason=f"Not allowed: {permission}.", request=request, object_id=public_id
        )
        raise PermissionDenied("Your roles do not include doing this for this conference.")
    children = list(conference.children.order_by("pk"))
    # A child seen only because the person opened their record in an emergency: the read of the
    # conference is a read of that child's record through the emergency access, and is marked so, with
    # the reason given (as child_access_for marks the record's own reads). Social care staff and the
    # authority's own system never hold one: no query.
    emergency = (
        {}
        if is_social_care_staff(user) or is_api_service_account(user)
        else break_glass_grants_current(user, [child.pk for child in children])
    )
    for child in children:
        grant = emergency.get(child.pk)
        access_record(
            user=user,
            what=what if grant is None else f"{what}{EMERGENCY_SUFFIX}",
            child=child,
            object_id=object_id or public_id,
            reason="" if grant is None else grant.reason,
            allowed=True,
            request=request,
        )
    return conference


# The list of conferences (issue 4, item 10: the JSON API asks for it; the pages' lists may too). A list
# is one log row, as the list of children is: it names no child.
CONFERENCE_LIST = "conference-list"


def conferences_for(
    user: User | AnonymousUser, *, request: HttpRequest | None = None
) -> QuerySet[Conference]:
    """The conferences ``user`` may see, for a list; one log row for the list, allowed or refused.

    Raises ``PermissionDenied`` for someone whose roles show no conference (a performance analyst, a
    superuser, a service account through the pages): the list exists, so there is nothing to hide by a 404.
    """
    if not may(user, SEE_CONFERENCES):
        _refuse(user=user, what=CONFERENCE_LIST, reason=NOT_ALLOWED, request=request)
        raise PermissionDenied("Your roles do not include seeing conferences.")
    access_record(user=user, what=CONFERENCE_LIST, allowed=True, request=request)
    return Conference.objects.filter(visible_conferences_filter(user))


# Break glass review (issue 3; docs/access.md): the authority's safeguarding managers review each emergency
# access. The list is one log row (it names children, as the list of children does, but is about no one
# child); each emergency access opened for review is a read of its child.
EMERGENCY_ACCESS_REVIEWS = "emergency-access-reviews"
EMERGENCY_ACCESS_REVIEW = "emergency-access-review"
GRANT_NOT_FOUND_MESSAGE = "There is no emergency access here, or you do not have access to it."
REVIEW_REFUSED_MESSAGE = "Reviewing emergency access is for your authority's safeguarding managers."


def break_glass_reviews_for(user: User | AnonymousUser, *, request: HttpRequest | None = None) -> int:
    """Let ``user`` see the list of emergency accesses to review, or refuse (logged, 403). Returns the
    authority whose accesses they review."""
    if not may(user, REVIEW_EMERGENCY_ACCESS):
        _refuse(user=user, what=EMERGENCY_ACCESS_REVIEWS, reason=NOT_ALLOWED, request=request)
        raise PermissionDenied(REVIEW_REFUSED_MESSAGE)
    authority_id = actor_for(user).authority_id
    if authority_id is None:  # pragma: no cover - REVIEW_EMERGENCY_ACCESS needs a professional record
        raise PermissionDenied(REVIEW_REFUSED_MESSAGE)
    access_record(user=user, what=EMERGENCY_ACCESS_REVIEWS, allowed=True, request=request)
    return authority_id


def break_glass_grant_for_review(
    user: User | AnonymousUser, public_id: uuid.UUID, *, request: HttpRequest | None = None
) -> BreakGlassGrant:
    """The emergency access with this public identifier, for its review by a safeguarding manager of the
    child's authority; logged either way, as a read of the child. 403 for anyone who reviews no emergency
    access (whatever the identifier); 404 alike for one that does not exist and another authority's."""
    if not may(user, REVIEW_EMERGENCY_ACCESS):
        _refuse(
            user=user, what=EMERGENCY_ACCESS_REVIEW, reason=NOT_ALLOWED, request=request, object_id=public_id
        )
        raise PermissionDenied(REVIEW_REFUSED_MESSAGE)
    grant = break_glass_grant_lookup(public_id)
    if grant is None:
        _refuse(
            user=user,
            what=EMERGENCY_ACCESS_REVIEW,
            reason="No emergency access has this identifier.",
            request=request,
            object_id=public_id,
        )
        raise Http404(GRANT_NOT_FOUND_MESSAGE)
    if not may(user, REVIEW_EMERGENCY_ACCESS, grant):
        _refuse(
            user=user,
            what=EMERGENCY_ACCESS_REVIEW,
            reason=NOT_ALLOWED,
            request=request,
            child=grant.child,
            object_id=public_id,
        )
        raise Http404(GRANT_NOT_FOUND_MESSAGE)
    access_record(
        user=user,
        what=EMERGENCY_ACCESS_REVIEW,
        child=grant.child,
        object_id=grant.public_id,
        allowed=True,
        request=request,
    )
    return grant


# ---- Plans (issue 5) -----------------------------------------------------------------------------------

PLAN = "plan"
PLAN_LIST = "plan-list"
PLAN_NOT_FOUND_MESSAGE = "There is no plan here, or you do not have access to it."


def plan_for(
    user: User | AnonymousUser,
    public_id: uuid.UUID,
    *,
    permission: str = VIEW_PLAN,
    what: str = PLAN,
    request: HttpRequest | None = None,
) -> ChildProtectionPlan:
    """The child protection plan with this public identifier, if ``user`` may see it (whoever may see its
    child, R-AF-5) and, when ``permission`` is another (``MANAGE_PLAN``), may also do that; logged either
    way, one access-log row for the read against the plan's child, with the plan as the object.

    ``Http404`` alike for a plan that does not exist and one the person may not see; ``PermissionDenied``
    (403) for one they may see but not change.
    """
    from cpconf.plans.models import ChildProtectionPlan

    plan = (
        ChildProtectionPlan.objects.select_related(
            "authority", "child", "lead_professional__agency", "decision__conference"
        )
        .filter(public_id=public_id)
        .first()
    )
    if plan is None:
        _refuse(
            user=user, what=what, reason="No plan has this identifier.", request=request, object_id=public_id
        )
        raise Http404(PLAN_NOT_FOUND_MESSAGE)
    if not may(user, VIEW_PLAN, plan):
        _refuse(
            user=user, what=what, reason=NOT_ALLOWED, request=request, child=plan.child, object_id=public_id
        )
        raise Http404(PLAN_NOT_FOUND_MESSAGE)
    if permission != VIEW_PLAN and not may(user, permission, plan):
        _refuse(
            user=user,
            what=what,
            reason=f"Not allowed: {permission}.",
            request=request,
            child=plan.child,
            object_id=public_id,
        )
        raise PermissionDenied("Your roles do not include changing child protection plans.")
    access_record(user=user, what=what, child=plan.child, object_id=public_id, allowed=True, request=request)
    return plan


def plans_for(
    user: User | AnonymousUser, *, request: HttpRequest | None = None
) -> QuerySet[ChildProtectionPlan]:
    """The plans ``user`` may see (those of the children they may see), for a list; one log row for the list.

    Raises ``PermissionDenied`` for someone whose roles show no child's record.
    """
    from cpconf.plans.models import ChildProtectionPlan

    if not may(user, SEE_CHILDREN):
        _refuse(user=user, what=PLAN_LIST, reason=NOT_ALLOWED, request=request)
        raise PermissionDenied("Your roles do not include seeing children's records.")
    access_record(user=user, what=PLAN_LIST, allowed=True, request=request)
    return ChildProtectionPlan.objects.filter(child__in=Child.objects.filter(visible_children_filter(user)))
