"""Reads of children's records, scoped by the person asking (DESIGN principle 4, R-AF-5).

Views never call these for a child they were not given by a gateway (``cpconf.access.gateways``): the
gateways decide and log; these load what a page shows, in a fixed number of queries whatever the data,
and leave out what the person may not see (confidential contact details are not blanked in a template:
they never reach it).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import BooleanField, Case, Prefetch, Q, QuerySet, Value, When

from cpconf import clock
from cpconf.access.models import AccessEntry, BreakGlassGrant
from cpconf.access.rules import (
    VIEW_CHILD_ACCESS_HISTORY,
    VIEW_CONFIDENTIAL_CONTACT_DETAILS,
    may,
    visible_children_filter,
)
from cpconf.people.models import (
    SOCIAL_WORKER_CASE_ROLES,
    AgencyType,
    Allocation,
    Authority,
    Child,
    ChildRelationship,
    Household,
    Professional,
    Role,
    User,
)
from cpconf.people.selectors import allocation_current_on

# What the access log calls opening a record in an emergency (``gateways.EMERGENCY_ACCESS``: the gateways
# import this module, so the name is repeated here).
EMERGENCY_ACCESS_WHAT = "emergency-access"

# How long a name search may be: longer input is cut, not refused.
SEARCH_MAX_LENGTH = 100


def _current_allocations() -> QuerySet[Allocation]:
    """Allocations that cover today, of people who have not left (someone who has left is no longer
    anyone's social worker, even before their allocations are ended)."""
    return Allocation.objects.filter(allocation_current_on(clock.today()), professional__is_active=True)


def children_visible_to(user: User | AnonymousUser, *, search: str = "") -> QuerySet[Child]:
    """The children ``user`` may see (R-AF-5), by family name, optionally those whose names contain every
    word of ``search``; with their households and allocated social workers loaded (three queries a page)."""
    children = Child.objects.filter(visible_children_filter(user))
    for word in search[:SEARCH_MAX_LENGTH].split():
        children = children.filter(
            Q(given_name__icontains=word) | Q(family_name__icontains=word) | Q(known_as__icontains=word)
        )
    social_workers = (
        _current_allocations()
        .filter(case_role__in=SOCIAL_WORKER_CASE_ROLES)
        .select_related("professional")
        .order_by("case_role", "start_date", "pk")  # the lead practitioner first, then the longest-serving
    )
    return children.prefetch_related(
        Prefetch("households", queryset=Household.objects.only("pk", "name")),
        Prefetch("allocations", queryset=social_workers, to_attr="current_social_workers"),
    ).order_by("family_name", "given_name", "pk")


def child_lookup(public_id: uuid.UUID) -> Child | None:
    """The child with this public identifier, whoever may see it. For ``cpconf.access.gateways`` only:
    everything else gets a child from a gateway, which decides whether the person may see it."""
    return Child.objects.select_related("authority").filter(public_id=public_id).first()


# Break glass (docs/access.md)


def break_glass_grant_current(user: User | AnonymousUser, child: Child) -> BreakGlassGrant | None:
    """The emergency access ``user`` holds for ``child`` now, if any (the one that lasts longest)."""
    if not user.is_authenticated:
        return None
    now = clock.now()
    return (
        BreakGlassGrant.objects.filter(user_id=user.pk, child=child, started_at__lte=now, expires_at__gt=now)
        .order_by("-expires_at")
        .first()
    )


def break_glass_grants_current(
    user: User | AnonymousUser, child_ids: list[int]
) -> dict[int, BreakGlassGrant]:
    """The emergency access ``user`` holds now for each of these children, by child (the one that lasts
    longest), in one query: for a conference's read, which is a read of each of its children."""
    if not user.is_authenticated or not child_ids:
        return {}
    now = clock.now()
    grants = BreakGlassGrant.objects.filter(
        user_id=user.pk, child_id__in=child_ids, started_at__lte=now, expires_at__gt=now
    ).order_by("expires_at")
    # The later ones overwrite: each child keeps the access that lasts longest.
    return {grant.child_id: grant for grant in grants}


def children_matching_emergency_search(
    *,
    authority_id: int,
    nhs_number: str = "",
    given_name: str = "",
    family_name: str = "",
    date_of_birth: date | None = None,
) -> list[Child]:
    """Up to two children of one authority who match every detail given exactly (names whatever their
    case): for break glass, which opens a record only when exactly one child matches. Whoever may see
    them: for ``cpconf.access.services`` only, which decides and logs."""
    criteria = Q(authority_id=authority_id)
    if nhs_number:
        criteria &= Q(nhs_number=nhs_number)
    if given_name:
        criteria &= Q(given_name__iexact=given_name)
    if family_name:
        criteria &= Q(family_name__iexact=family_name)
    if date_of_birth is not None:
        criteria &= Q(date_of_birth=date_of_birth)
    return list(Child.objects.select_related("authority").filter(criteria).order_by("pk")[:2])


def emergency_attempts_since(user: User, since: datetime, *, limit: int) -> list[AccessEntry]:
    """The person's own attempts to open a record in an emergency since ``since`` (opened or refused),
    newest first, at most ``limit``: one query on the access log's (actor, what, recorded_at) index. For
    the limit on failed searches (``cpconf.access.services``)."""
    return list(
        AccessEntry.objects.filter(actor_id=user.pk, what=EMERGENCY_ACCESS_WHAT, recorded_at__gt=since)
        .only("sequence", "recorded_at", "allowed", "reason")
        .order_by("-recorded_at", "-sequence")[:limit]
    )


def safeguarding_managers_to_alert(*, authority: Authority, opened_by: User) -> list[Professional]:
    """Who is told when a record of the authority is opened in an emergency: its safeguarding managers in
    children's social care who have not left (they can see who has seen the record), but never the
    person who opened it."""
    return list(
        Professional.objects.filter(
            agency__authority=authority,
            agency__agency_type=AgencyType.CHILDRENS_SOCIAL_CARE,
            is_active=True,
            roles__role=Role.SAFEGUARDING_MANAGER,
        )
        .exclude(user_id=opened_by.pk)
        .distinct()
        .order_by("family_name", "given_name", "pk")
    )


@dataclass(frozen=True)
class ContactDetails:
    phone: str
    email: str
    # None when withheld: it may be the address of someone whose contact details are confidential.
    address: str | None

    def __bool__(self) -> bool:
        return bool(self.phone or self.email or self.address or self.address is None)


def _address_key(address: str) -> str:
    """An address reduced to its letters and digits, so that copies typed differently still match."""
    return "".join(character for character in address.casefold() if character.isalnum())


# Shorter than this, a piece of an address ("flat 3") says too little to be matched on its own.
_SHORTEST_ADDRESS_KEY = 8


def _may_be_address(address: str, confidential_keys: set[str]) -> bool:
    """Whether ``address`` is, or is part of, or contains, an address that must stay confidential: a
    copy without the postcode is still the same place, so withholding errs on the side of too much."""
    key = _address_key(address)
    if len(key) < _SHORTEST_ADDRESS_KEY:
        return False
    return any(key in confidential or confidential in key for confidential in confidential_keys)


@dataclass(frozen=True)
class FamilyMemberRow:
    """A parent, carer or relative as the person asking may see them. ``contact`` is None when withheld."""

    name: str
    relationship: str
    parental_responsibility: bool
    lives_with_child: bool
    preferred_language: str
    interpreter_needed: bool
    contact_confidential: bool
    contact: ContactDetails | None


@dataclass(frozen=True)
class HouseholdChild:
    name: str
    date_of_birth: date | None
    expected_delivery_date: date | None
    # Set only when the person may see that child's record too, for a link to it.
    public_id: uuid.UUID | None
    is_this_child: bool


@dataclass(frozen=True)
class HouseholdRow:
    name: str
    # None when withheld: the household includes someone whose contact details are confidential.
    address: str | None
    children: list[HouseholdChild]
    adults: list[str]


@dataclass(frozen=True)
class ChildRecord:
    """What the child's record page shows to one person (R-AF-5; R-CH-1 for the households)."""

    child: Child
    family: list[FamilyMemberRow]
    households: list[HouseholdRow]
    allocations: list[Allocation]
    may_see_confidential_contact_details: bool
    may_see_access_history: bool


def child_record_for(user: User | AnonymousUser, child: Child) -> ChildRecord:
    """The record of a child that ``user`` was given by ``gateways.child_for``, without what they may not
    see: confidential contact details, and links to other children they may not see."""
    confidential_allowed = may(user, VIEW_CONFIDENTIAL_CONTACT_DETAILS, child)
    # R-CH-1: the child's brothers and sisters are shown; each links to their record if the person may see it.
    sibling_is_visible = Case(When(visible_children_filter(user), then=Value(True)), default=Value(False))
    households = Household.objects.filter(children=child).prefetch_related(
        Prefetch(
            "children",
            queryset=Child.objects.annotate(
                visible_to_user=Case(
                    When(pk=child.pk, then=Value(True)),
                    default=sibling_is_visible,
                    output_field=BooleanField(),
                )
            ).order_by("date_of_birth", "expected_delivery_date", "pk"),
        ),
        "adults",
    )
    relationships = (
        ChildRelationship.objects.filter(child=child)
        .select_related("family_member")
        .order_by("-parental_responsibility", "family_member__family_name", "family_member__given_name")
    )
    allocations = list(
        _current_allocations()
        .filter(child=child)
        .select_related("professional__agency")
        .order_by("case_role", "start_date", "pk")
    )

    # Where a confidential person lives must not come out through anyone else's details either: the
    # addresses they share (their own, and those of households they live in) are withheld with theirs,
    # as is the address of anyone who lives with them (security note §0: deny by default).
    household_list = list(households)
    relationship_list = list(relationships)
    confidential_addresses: set[str] = set()
    lives_with_confidential: set[int] = set()
    if not confidential_allowed:
        for household in household_list:
            adults = list(household.adults.all())
            if any(adult.contact_details_confidential for adult in adults):
                confidential_addresses.add(_address_key(household.address))
                lives_with_confidential.update(adult.pk for adult in adults)
        for relationship in relationship_list:
            if relationship.family_member.contact_details_confidential:
                confidential_addresses.add(_address_key(relationship.family_member.address))
        confidential_addresses = {key for key in confidential_addresses if len(key) >= _SHORTEST_ADDRESS_KEY}

    household_rows = []
    for household in household_list:
        adults = list(household.adults.all())
        # A confidential address may be the household's own: withhold it with theirs.
        address_withheld = not confidential_allowed and (
            any(a.contact_details_confidential for a in adults)
            or _may_be_address(household.address, confidential_addresses)
        )
        household_rows.append(
            HouseholdRow(
                name=household.name,
                address=None if address_withheld else household.address,
                children=[
                    HouseholdChild(
                        name=member.full_name,
                        date_of_birth=member.date_of_birth,
                        expected_delivery_date=member.expected_delivery_date,
                        public_id=member.public_id if getattr(member, "visible_to_user", False) else None,
                        is_this_child=member.pk == child.pk,
                    )
                    for member in household.children.all()
                ],
                adults=[adult.full_name for adult in adults],
            )
        )

    family_rows = []
    for relationship in relationship_list:
        member = relationship.family_member
        withheld = member.contact_details_confidential and not confidential_allowed
        address_withheld = member.pk in lives_with_confidential or _may_be_address(
            member.address, confidential_addresses
        )
        family_rows.append(
            FamilyMemberRow(
                name=member.full_name,
                relationship=relationship.get_relationship_display(),
                parental_responsibility=relationship.parental_responsibility,
                lives_with_child=relationship.lives_with_child,
                preferred_language=member.preferred_language,
                interpreter_needed=member.interpreter_needed,
                contact_confidential=member.contact_details_confidential,
                contact=None
                if withheld
                else ContactDetails(member.phone, member.email, None if address_withheld else member.address),
            )
        )

    return ChildRecord(
        child=child,
        family=family_rows,
        households=household_rows,
        allocations=allocations,
        may_see_confidential_contact_details=confidential_allowed,
        may_see_access_history=may(user, VIEW_CHILD_ACCESS_HISTORY, child),
    )


# Break glass review (issue 3; docs/access.md)

# Which emergency accesses the review list shows.
REVIEW_FILTERS = {
    "": "All",
    "not-reviewed": "Not reviewed",
    "not-justified": "Not justified",
}


def break_glass_grants_for_review(*, authority_id: int, show: str = "") -> QuerySet[BreakGlassGrant]:
    """The emergency accesses to the authority's children, those not reviewed first, then newest first,
    with who, the child and the review loaded (one query a page). ``show`` narrows it (``REVIEW_FILTERS``)."""
    from cpconf.access.models import ReviewOutcome

    grants = BreakGlassGrant.objects.filter(child__authority_id=authority_id)
    if show == "not-reviewed":
        grants = grants.filter(review__isnull=True)
    elif show == "not-justified":
        grants = grants.filter(review__outcome=ReviewOutcome.NOT_JUSTIFIED)
    return (
        grants.select_related("user", "child", "review", "review__reviewed_by")
        .annotate(reviewed=Case(When(review__isnull=True, then=Value(0)), default=Value(1)))
        .order_by("reviewed", "-started_at", "-pk")
    )


def break_glass_grant_lookup(public_id: uuid.UUID) -> BreakGlassGrant | None:
    """The emergency access with this public identifier, whoever may review it: for the gateways only."""
    return (
        BreakGlassGrant.objects.select_related("user", "child__authority", "review", "review__reviewed_by")
        .filter(public_id=public_id)
        .first()
    )


def reads_during(grants: list[BreakGlassGrant]) -> dict[int, list[AccessEntry]]:
    """What each person read of the child while their emergency access lasted: the access log's rows for
    that person and child from its start up to its end, oldest first, by grant. One query for them all."""
    if not grants:
        return {}
    during = Q(pk__in=[])
    for grant in grants:
        during |= Q(
            actor_id=grant.user_id,
            child_public_id=grant.child.public_id,
            recorded_at__gte=grant.started_at,
            recorded_at__lt=grant.expires_at,
        )
    entries = AccessEntry.objects.filter(during, allowed=True).order_by("sequence")
    reads: dict[int, list[AccessEntry]] = {grant.pk: [] for grant in grants}
    for entry in entries:
        for grant in grants:
            if (
                entry.actor_id == grant.user_id
                and entry.child_public_id == grant.child.public_id
                and grant.started_at <= entry.recorded_at < grant.expires_at
            ):
                reads[grant.pk].append(entry)
    return reads
