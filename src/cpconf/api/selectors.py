"""Reads for the JSON API: tokens, and the records a request names by public identifier.

Records a request is *about* come from the access gateways (``cpconf.access.gateways``), which decide and
log. The ones here are what a request *refers to* (the household of a new enquiry, the agencies present,
the chair to book): each is looked up in the acting person's own authority only, so an identifier from
another authority finds nothing, exactly like a guessed one.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, Value, When

from cpconf import clock
from cpconf.api.models import ApiToken
from cpconf.conferences.models import (
    OPEN_STATUSES,
    Conference,
    ConferenceChild,
    Invitation,
    InviteeRole,
)
from cpconf.enquiries import selectors as enquiry_selectors
from cpconf.enquiries.models import Section47Enquiry, StrategyDiscussion
from cpconf.people.models import Agency, Child, FamilyMember, Household, Professional, User

# Tokens


def api_token_by_hash(hashed: str) -> ApiToken | None:
    """The token with this hash, with its account (one query)."""
    return ApiToken.objects.select_related("user").filter(token_hash=hashed).first()


def api_tokens(*, user: User | None = None) -> QuerySet[ApiToken]:
    """Every token, newest first (those of ``user`` only, if given), with its account."""
    tokens = ApiToken.objects.select_related("user").order_by("-created_at", "pk")
    return tokens if user is None else tokens.filter(user=user)


def api_token_by_prefix(prefix: str) -> ApiToken | None:
    return ApiToken.objects.select_related("user").filter(prefix=prefix).first()


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


# What a request refers to, in the acting person's authority only


def household_in(authority_id: int, public_id: uuid.UUID) -> Household | None:
    return Household.objects.filter(authority_id=authority_id, public_id=public_id).first()


def agencies_in(authority_id: int, public_ids: Iterable[uuid.UUID]) -> tuple[list[Agency], list[uuid.UUID]]:
    """The agencies with these identifiers, and the identifiers that found none."""
    wanted = list(dict.fromkeys(public_ids))
    found = {
        agency.public_id: agency
        for agency in Agency.objects.filter(authority_id=authority_id, public_id__in=wanted)
    }
    return [found[public_id] for public_id in wanted if public_id in found], [
        public_id for public_id in wanted if public_id not in found
    ]


def household_children(household: Household) -> dict[uuid.UUID, Child]:
    """The household's children, by public identifier."""
    return {child.public_id: child for child in household.children.order_by("pk")}


def strategy_discussion_in(authority_id: int, public_id: uuid.UUID) -> StrategyDiscussion | None:
    return StrategyDiscussion.objects.filter(authority_id=authority_id, public_id=public_id).first()


def professional_in(authority_id: int, public_id: uuid.UUID) -> Professional | None:
    """A professional of the authority, with the roles the scheduling service checks."""
    return (
        Professional.objects.select_related("agency")
        .prefetch_related("roles")
        .filter(agency__authority_id=authority_id, public_id=public_id)
        .first()
    )


def _in_order[M: (Professional, FamilyMember)](
    queryset: QuerySet[M], public_ids: Iterable[uuid.UUID]
) -> tuple[list[M], list[int]]:
    """The records with these identifiers, in the order asked, and the positions of those not found."""
    wanted = list(public_ids)
    found = {record.public_id: record for record in queryset.filter(public_id__in=wanted)}
    return [found[public_id] for public_id in wanted if public_id in found], [
        index for index, public_id in enumerate(wanted) if public_id not in found
    ]


def professionals_in(
    authority_id: int, public_ids: Iterable[uuid.UUID]
) -> tuple[list[Professional], list[int]]:
    """Professionals of the authority (with their agencies), and the positions of identifiers that found
    none."""
    return _in_order(
        Professional.objects.select_related("agency").filter(agency__authority_id=authority_id), public_ids
    )


def family_members_in(
    authority_id: int, public_ids: Iterable[uuid.UUID]
) -> tuple[list[FamilyMember], list[int]]:
    """Family members recorded by the authority, and the positions of identifiers that found none."""
    return _in_order(FamilyMember.objects.filter(authority_id=authority_id), public_ids)


def conference_children(conference: Conference) -> dict[uuid.UUID, Child]:
    """The children ``conference`` is about, by public identifier."""
    return {child.public_id: child for child in conference.children.order_by("pk")}


# Shapes for the API's answers: a fixed number of queries whatever the number of records.


def conference_shape(conferences: QuerySet[Conference]) -> QuerySet[Conference]:
    """What the API shows of each conference, loaded together (three queries for any number)."""
    return conferences.select_related(
        "household", "enquiry", "previous", "chair", "minute_taker"
    ).prefetch_related(
        Prefetch(
            "conference_children",
            queryset=ConferenceChild.objects.select_related("child").order_by("pk"),
            to_attr="children_in_order",
        )
    )


def conference_list(
    conferences: QuerySet[Conference],
    *,
    status: str | None = None,
    conference_type: str | None = None,
    overdue: bool | None = None,
    out_of_timescale: bool | None = None,
) -> QuerySet[Conference]:
    """Conferences (already scoped by a gateway) filtered as asked, soonest due first, with what the API
    shows of each loaded."""
    if status is not None:
        conferences = conferences.filter(status=status)
    if conference_type is not None:
        conferences = conferences.filter(conference_type=conference_type)
    if overdue is not None:
        # Still to happen, and its due date has passed.
        late = Q(status__in=OPEN_STATUSES, due_date__lt=clock.today())
        conferences = conferences.filter(late) if overdue else conferences.exclude(late)
    if out_of_timescale is not None:
        # Booked (or held) after its due date: Conference.out_of_timescale, asked of the database on the
        # day the conference starts in England (as the pages' list asks it).
        booked_late = Q(due_date__isnull=False, starts_at__isnull=False, starts_at__date__gt=F("due_date"))
        conferences = (
            conferences.filter(booked_late) if out_of_timescale else conferences.exclude(booked_late)
        )
    return conference_shape(conferences).order_by("due_date", "pk")


def conference_reloaded(conference: Conference) -> Conference:
    """A conference a service has just changed, loaded as the API shows it."""
    return conference_shape(Conference.objects.filter(pk=conference.pk)).get()


def enquiry_list(enquiries: QuerySet[Section47Enquiry]) -> QuerySet[Section47Enquiry]:
    """Enquiries from ``enquiries.selectors.enquiries_for`` (which loads their children), with the rest of
    what the API shows of each loaded too (five queries for any number)."""
    return enquiries.prefetch_related(
        Prefetch("contributing_agencies", queryset=Agency.objects.order_by("name", "pk")),
        Prefetch(
            "conferences", queryset=Conference.objects.only("pk", "public_id", "enquiry_id").order_by("pk")
        ),
    )


def enquiry_reloaded(enquiry: Section47Enquiry) -> Section47Enquiry:
    """An enquiry a service has just made or changed, loaded as the API shows it."""
    return enquiry_list(enquiry_selectors.enquiries_for(enquiry.authority)).get(pk=enquiry.pk)


def strategy_discussion_reloaded(discussion: StrategyDiscussion) -> StrategyDiscussion:
    return (
        StrategyDiscussion.objects.select_related("household")
        .prefetch_related(Prefetch("agencies_present", queryset=Agency.objects.order_by("name", "pk")))
        .get(pk=discussion.pk)
    )


# Invitations of one conference (the conference comes from the gateway)

#: The invitations' order, as the pages list them: professionals, then the family, then everyone else.
_ROLE_ORDER = Case(
    *[When(role=role, then=Value(position)) for position, role in enumerate(InviteeRole)],
    default=Value(len(InviteeRole)),
    output_field=IntegerField(),
)


def invitation_list(conference: Conference, *, include_withdrawn: bool = False) -> QuerySet[Invitation]:
    """The conference's invitations in the pages' order, with what the API shows of each (one query)."""
    invitations = conference.invitations.select_related(
        "professional__agency", "family_member", "child", "agency"
    )
    if not include_withdrawn:
        invitations = invitations.filter(withdrawn_at__isnull=True)
    return invitations.annotate(role_order=_ROLE_ORDER).order_by("role_order", "pk")


def invitations_reloaded(invitations: Iterable[Invitation]) -> list[Invitation]:
    """Invitations a service has just made or changed, loaded as the API shows them, in the same order."""
    pks = [invitation.pk for invitation in invitations]
    found = {
        invitation.pk: invitation
        for invitation in Invitation.objects.select_related(
            "professional__agency", "family_member", "child", "agency"
        ).filter(pk__in=pks)
    }
    return [found[pk] for pk in pks]
