"""What the conference page and the booking form show."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from cpconf.conferences.models import Conference, ConferenceChild, Reply, ScheduleChange
from cpconf.conferences.services.scheduling import CHAIR_ROLES, MINUTE_TAKER_ROLES
from cpconf.people.models import Authority, Professional


def professionals_with_roles(authority: Authority, roles: frozenset[str]) -> QuerySet[Professional]:
    return (
        Professional.objects.filter(agency__authority=authority, is_active=True, roles__role__in=roles)
        .distinct()
        .order_by("family_name", "given_name", "pk")
    )


def chairs_for(authority: Authority) -> QuerySet[Professional]:
    return professionals_with_roles(authority, CHAIR_ROLES)


def minute_takers_for(authority: Authority) -> QuerySet[Professional]:
    return professionals_with_roles(authority, MINUTE_TAKER_ROLES)


@dataclass(frozen=True)
class ConferenceSummary:
    conference: Conference
    children: list[ConferenceChild]
    schedule_changes: list[ScheduleChange]
    following: list[Conference]
    invited: int
    replied: int
    attending: int
    reports_owed: int
    reports_received: int


def conference_summary(conference: Conference) -> ConferenceSummary:
    """The conference page's facts, in a fixed number of queries."""
    children = list(
        ConferenceChild.objects.filter(conference=conference).select_related("child").order_by("pk")
    )
    changes = list(conference.schedule_changes.select_related("changed_by").order_by("-changed_at", "-pk"))
    following = list(conference.following.order_by("pk"))
    invitations = conference.invitations.filter(withdrawn_at__isnull=True).aggregate(
        invited=Count("pk"),
        replied=Count("pk", filter=~Q(reply=Reply.NONE)),
        attending=Count("pk", filter=Q(reply__in=[Reply.ATTENDING, Reply.SENDING_COLLEAGUE])),
    )
    reports = conference.reports.aggregate(
        owed=Count("pk"), received=Count("pk", filter=Q(received_at__isnull=False))
    )
    return ConferenceSummary(
        conference=conference,
        children=children,
        schedule_changes=changes,
        following=following,
        invited=invitations["invited"],
        replied=invitations["replied"],
        attending=invitations["attending"],
        reports_owed=reports["owed"],
        reports_received=reports["received"],
    )
