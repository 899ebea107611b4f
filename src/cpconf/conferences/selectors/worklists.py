"""The work lists: the coordinator's conferences, the chair's, and a professional's invitations and reports.

Each list is one query for its rows plus a fixed number of prefetches, whatever the number of conferences
(issue item 9: tested at 10 and 200). Everything is scoped to what the person may see
(``visible_conferences_filter``, R-AF-5).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from cpconf import clock
from cpconf.access.rules import actor_for, visible_conferences_filter
from cpconf.conferences.models import (
    OPEN_STATUSES,
    Conference,
    ConferenceChild,
    Invitation,
    Reply,
    Report,
)
from cpconf.people.models import User

STATUS_FILTERS = {
    "open": Q(status__in=OPEN_STATUSES),
    "requested": Q(status="requested"),
    "scheduled": Q(status="scheduled"),
    "held": Q(status="held"),
    "inquorate": Q(status="inquorate"),
    "cancelled": Q(status="cancelled"),
    "all": Q(),
}


@dataclass(frozen=True)
class ListFilters:
    status: str = "open"
    conference_type: str = ""
    chair: str = ""  # a chair's public id
    overdue: bool = False
    out_of_timescale: bool = False


def _out_of_timescale() -> Q:
    # Booked (or held) on a day after the due date: the start is at or after the day after the due date
    # in England. Compared in the database on the stored day: starts_at's date in Europe/London.
    return Q(due_date__isnull=False, starts_at__isnull=False, starts_at__date__gt=F("due_date"))


def _count(related: QuerySet[Invitation] | QuerySet[Report]) -> Coalesce:
    """How many of ``related`` belong to the conference of the outer row."""
    counted = (
        related.filter(conference=OuterRef("pk"))
        .order_by()
        .values("conference")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def conferences_listed(user: User | AnonymousUser, filters: ListFilters) -> QuerySet[Conference]:
    """The conferences ``user`` may see, filtered, by due date, with what the list shows loaded."""
    today = clock.today()
    conferences = Conference.objects.filter(visible_conferences_filter(user)).filter(
        STATUS_FILTERS.get(filters.status, STATUS_FILTERS["open"])
    )
    if filters.conference_type:
        conferences = conferences.filter(conference_type=filters.conference_type)
    if filters.chair:
        conferences = conferences.filter(chair__public_id=filters.chair)
    if filters.overdue:
        conferences = conferences.filter(status__in=OPEN_STATUSES, due_date__lt=today)
    if filters.out_of_timescale:
        conferences = conferences.filter(_out_of_timescale())
    return (
        conferences.select_related("chair", "minute_taker", "household")
        .prefetch_related(
            Prefetch(
                "conference_children",
                queryset=ConferenceChild.objects.select_related("child").order_by("pk"),
                to_attr="children_listed",
            )
        )
        .annotate(
            # Correlated counts, worked out only for the rows of the page shown (a GROUP BY over joins
            # would count every conference of the authority first).
            invited_count=_count(Invitation.objects.filter(withdrawn_at__isnull=True)),
            replied_count=_count(
                Invitation.objects.filter(withdrawn_at__isnull=True).exclude(reply=Reply.NONE)
            ),
            reports_owed=_count(Report.objects.all()),
            reports_received=_count(Report.objects.filter(received_at__isnull=False)),
        )
        .order_by(F("due_date").asc(nulls_last=True), "pk")
    )


def chairing(user: User | AnonymousUser) -> QuerySet[Conference]:
    """The open conferences ``user`` chairs, soonest first, with what is missing counted."""
    actor = actor_for(user)
    if actor.professional is None:
        return Conference.objects.none()
    return (
        conferences_listed(user, ListFilters(status="open"))
        .filter(chair=actor.professional)
        .order_by(F("starts_at").asc(nulls_last=True), "pk")
    )


@dataclass(frozen=True)
class MyWork:
    invitations: list[Invitation]
    reports: list[Report]


def my_work(user: User | AnonymousUser) -> MyWork:
    """A professional's invitations to conferences still to happen, and the reports their agency owes."""
    actor = actor_for(user)
    if actor.professional is None:
        return MyWork([], [])
    visible = Conference.objects.filter(visible_conferences_filter(user), status__in=OPEN_STATUSES)
    invitations = list(
        Invitation.objects.filter(
            professional=actor.professional, withdrawn_at__isnull=True, conference__in=visible
        )
        .select_related("conference")
        .prefetch_related(
            Prefetch(
                "conference__conference_children",
                queryset=ConferenceChild.objects.select_related("child").order_by("pk"),
                to_attr="children_listed",
            )
        )
        .order_by(F("conference__starts_at").asc(nulls_last=True), "pk")
    )
    reports = list(
        Report.objects.filter(
            agency_id=actor.professional.agency_id, received_at__isnull=True, conference__in=visible
        )
        .select_related("conference", "agency")
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )
    return MyWork(invitations=invitations, reports=reports)
