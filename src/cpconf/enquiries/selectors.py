"""Reads of strategy discussions and Section 47 enquiries, for social care staff of the authority only
(``MANAGE_ENQUIRIES``). Each read of one enquiry is access-logged against every child of its household."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest

from cpconf.access.log import access_record
from cpconf.access.rules import MANAGE_ENQUIRIES, actor_for, may
from cpconf.conferences.models import Conference
from cpconf.enquiries.models import EnquiryChild, Section47Enquiry, StrategyDiscussion
from cpconf.people.models import Agency, Authority, Child, Household, User

ENQUIRY = "section-47-enquiry"
STRATEGY_DISCUSSION = "strategy-discussion"
NOT_FOUND = "There is no enquiry here, or you do not have access to it."


def authority_for(user: User | AnonymousUser, *, what: str, request: HttpRequest | None = None) -> Authority:
    """The authority whose enquiries ``user`` manages, or 403 (logged) for anyone who may not."""
    if not may(user, MANAGE_ENQUIRIES):
        with transaction.atomic(durable=True):
            access_record(
                user=user,
                what=what,
                reason="Not allowed: access.manage_enquiries.",
                allowed=False,
                request=request,
            )
        raise PermissionDenied("Only children's social care staff record strategy discussions and enquiries.")
    professional = actor_for(user).professional
    if professional is None:  # pragma: no cover - may() above needs an active professional record
        raise PermissionDenied
    return professional.agency.authority


def enquiries_for(authority: Authority) -> QuerySet[Section47Enquiry]:
    """The authority's enquiries, newest first, with what the list shows (three queries)."""
    return (
        Section47Enquiry.objects.filter(authority=authority)
        .select_related("household", "strategy_discussion")
        .prefetch_related(
            Prefetch(
                "enquiry_children", queryset=EnquiryChild.objects.select_related("child").order_by("pk")
            ),
        )
        .order_by("-started_on", "-pk")
    )


def households_for(authority: Authority) -> QuerySet[Household]:
    return Household.objects.filter(authority=authority).order_by("name", "pk")


def children_of(household: Household) -> list[Child]:
    """The household's children, in the order they were added (all are considered, R-CH-1)."""
    return list(household.children.order_by("pk"))


def agencies_for(authority: Authority) -> QuerySet[Agency]:
    return Agency.objects.filter(authority=authority).order_by("name", "pk")


def discussion_for(authority: Authority, public_id: uuid.UUID) -> StrategyDiscussion:
    discussion = (
        StrategyDiscussion.objects.filter(authority=authority, public_id=public_id)
        .select_related("household")
        .first()
    )
    if discussion is None:
        raise Http404(NOT_FOUND)
    return discussion


def enquiry_for(
    user: User | AnonymousUser,
    authority: Authority,
    public_id: uuid.UUID,
    *,
    request: HttpRequest | None = None,
) -> Section47Enquiry:
    """One enquiry of the authority, logged as a read of each child it is about."""
    enquiry = (
        enquiries_for(authority)
        .prefetch_related(
            "contributing_agencies", Prefetch("conferences", queryset=Conference.objects.order_by("pk"))
        )
        .filter(public_id=public_id)
        .first()
    )
    if enquiry is None:
        with transaction.atomic(durable=True):
            access_record(
                user=user,
                what=ENQUIRY,
                object_id=public_id,
                reason="No such enquiry here.",
                allowed=False,
                request=request,
            )
        raise Http404(NOT_FOUND)
    for row in enquiry.enquiry_children.all():
        access_record(
            user=user, what=ENQUIRY, child=row.child, object_id=public_id, allowed=True, request=request
        )
    return enquiry
