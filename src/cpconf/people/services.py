"""Writes of people records: authorities, agencies, professionals, children, families and households.

Every function here validates the whole record (``full_clean()``) before saving it, inside one
transaction, and raises ``ValidationError`` with a message a person can act on. The demo data and
any future import go through these functions, so they meet the same rules as the administration.

In the same transaction each function writes the audit history entry for every record it adds or
changes (issue item 5; ``acting_user`` is who did it, None for the system such as the demo loader), so
the change and its entry commit or roll back together.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models, transaction

from cpconf.access.log import audit_record, audit_snapshot
from cpconf.people import identifiers
from cpconf.people.models import (
    Agency,
    Allocation,
    Authority,
    Child,
    ChildRelationship,
    ClosureDay,
    Ethnicity,
    FamilyMember,
    Household,
    Professional,
    ProfessionalRole,
    Relationship,
    SecureEmailDomain,
    Sex,
    User,
)


def normalise_nhs_number(value: str) -> str:
    """The 10 digits of an NHS number typed with spaces or hyphens; "" stays ""; a bad one is refused."""
    if not value.strip():
        return ""
    try:
        return identifiers.normalise_nhs_number(value)
    except ValueError as error:
        raise ValidationError({"nhs_number": str(error)}) from None


def normalise_upn(value: str) -> str:
    """A unique pupil number in capitals without spaces; "" stays ""; a bad one is refused."""
    if not value.strip():
        return ""
    try:
        return identifiers.normalise_upn(value)
    except ValueError as error:
        raise ValidationError({"upn": str(error)}) from None


def _audit_create(*, acting_user: User | None, instance: models.Model) -> None:
    """The audit history entry for a record just added (issue item 5)."""
    audit_record(
        actor=acting_user, action="create", instance=instance, before=None, after=audit_snapshot(instance)
    )


def _add[M: models.Model](instance: M, *, acting_user: User | None) -> M:
    """Validate a new record, save it and write its audit entry, in the caller's transaction."""
    instance.full_clean()
    instance.save()
    _audit_create(acting_user=acting_user, instance=instance)
    return instance


@transaction.atomic
def authority_create(
    *, name: str, slug: str, policy_profile: str, code: str = "", acting_user: User | None = None
) -> Authority:
    """Add a local authority running under one policy profile (DESIGN principle 2)."""
    authority = Authority(name=name, slug=slug, policy_profile=policy_profile, code=code)
    return _add(authority, acting_user=acting_user)


@transaction.atomic
def closure_day_add(
    *, authority: Authority, day: date, reason: str, acting_user: User | None = None
) -> ClosureDay:
    """Record a day the authority is closed, so it is not counted as a working day (DOMAIN "wd")."""
    closure_day = ClosureDay(authority=authority, date=day, reason=reason)
    return _add(closure_day, acting_user=acting_user)


@transaction.atomic
def secure_email_domain_add(
    *, authority: Authority, domain: str, acting_user: User | None = None
) -> SecureEmailDomain:
    """Trust an email domain for content about a child (R-AF-5)."""
    secure_domain = SecureEmailDomain(authority=authority, domain=domain.strip().lower())
    return _add(secure_domain, acting_user=acting_user)


@transaction.atomic
def agency_create(
    *, authority: Authority, name: str, agency_type: str, acting_user: User | None = None
) -> Agency:
    """Add an agency; each health provider service is its own agency for quorum (R-QU-1)."""
    agency = Agency(authority=authority, name=name, agency_type=agency_type)
    return _add(agency, acting_user=acting_user)


@transaction.atomic
def professional_give_sign_in(
    *,
    professional: Professional,
    password: str | None = None,
    is_staff: bool = False,
    acting_user: User | None = None,
) -> User:
    """Give a professional a sign-in with their work email; without a password they set one later."""
    if professional.user_id is not None:
        raise ValidationError(f"{professional.full_name} already has a sign-in.")
    email = professional.email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": f"Someone already signs in with {email}: use a different work email address."}
        )
    user = User(
        email=email,
        first_name=professional.given_name,
        last_name=professional.family_name,
        is_staff=is_staff,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    _add(user, acting_user=acting_user)
    before = audit_snapshot(professional)
    professional.user = user
    professional.save(update_fields=["user", "updated_at"])
    audit_record(
        actor=acting_user,
        action="change",
        instance=professional,
        before=before,
        after=audit_snapshot(professional),
    )
    return user


@transaction.atomic
def professional_create(
    *,
    agency: Agency,
    given_name: str,
    family_name: str,
    job_title: str,
    email: str,
    roles: Iterable[str] = (),
    phone: str = "",
    qualified_social_worker: bool = False,
    social_work_england_number: str = "",
    sign_in: bool = False,
    password: str | None = None,
    is_staff: bool = False,
    acting_user: User | None = None,
) -> Professional:
    """Add a professional with their roles, and a sign-in if asked; records social work qualification (R-PL-2)."""
    professional = Professional(
        agency=agency,
        given_name=given_name,
        family_name=family_name,
        job_title=job_title,
        email=email.strip().lower(),
        phone=phone,
        qualified_social_worker=qualified_social_worker,
        social_work_england_number=social_work_england_number,
    )
    _add(professional, acting_user=acting_user)
    for role in dict.fromkeys(roles):  # keeps the order, drops repeats
        professional_role = ProfessionalRole(professional=professional, role=role)
        _add(professional_role, acting_user=acting_user)
    if sign_in:
        professional_give_sign_in(
            professional=professional, password=password, is_staff=is_staff, acting_user=acting_user
        )
    return professional


@transaction.atomic
def child_create(
    *,
    authority: Authority,
    family_name: str,
    given_name: str = "",
    known_as: str = "",
    date_of_birth: date | None = None,
    expected_delivery_date: date | None = None,
    sex: str = Sex.UNKNOWN,
    ethnicity: str = Ethnicity.NOBT,
    first_language: str = "",
    nhs_number: str = "",
    upn: str = "",
    acting_user: User | None = None,
) -> Child:
    """Add a child, or an unborn child with an expected delivery date (R-CT-3)."""
    child = Child(
        authority=authority,
        given_name=given_name,
        family_name=family_name,
        known_as=known_as,
        date_of_birth=date_of_birth,
        expected_delivery_date=expected_delivery_date,
        sex=sex,
        ethnicity=ethnicity,
        first_language=first_language,
        nhs_number=normalise_nhs_number(nhs_number),
        upn=normalise_upn(upn),
    )
    return _add(child, acting_user=acting_user)


@transaction.atomic
def family_member_create(
    *,
    authority: Authority,
    given_name: str,
    family_name: str,
    phone: str = "",
    email: str = "",
    address: str = "",
    contact_details_confidential: bool = False,
    preferred_language: str = "English",
    interpreter_needed: bool = False,
    acting_user: User | None = None,
) -> FamilyMember:
    """Add a parent, carer or relative; contact details may be kept confidential (R-AF-5)."""
    family_member = FamilyMember(
        authority=authority,
        given_name=given_name,
        family_name=family_name,
        phone=phone,
        email=email,
        address=address,
        contact_details_confidential=contact_details_confidential,
        preferred_language=preferred_language,
        interpreter_needed=interpreter_needed,
    )
    return _add(family_member, acting_user=acting_user)


@transaction.atomic
def child_relationship_create(
    *,
    child: Child,
    family_member: FamilyMember,
    relationship: str = Relationship.OTHER,
    parental_responsibility: bool = False,
    lives_with_child: bool = False,
    acting_user: User | None = None,
) -> ChildRelationship:
    """Record how a family member is related to a child and who holds parental responsibility (R-CH-1)."""
    child_relationship = ChildRelationship(
        child=child,
        family_member=family_member,
        relationship=relationship,
        parental_responsibility=parental_responsibility,
        lives_with_child=lives_with_child,
    )
    return _add(child_relationship, acting_user=acting_user)


def household_members_check(
    *, authority: Authority | None, children: Sequence[Child], adults: Sequence[FamilyMember]
) -> None:
    """Refuse a household whose children or adults belong to another authority (R-CH-1)."""
    if authority is None:
        return
    errors: dict[str, str] = {}
    strangers = [child.full_name for child in children if child.authority_id != authority.pk]
    if strangers:
        errors["children"] = (
            f"Every child in a household must belong to {authority.name}. Remove: {', '.join(strangers)}."
        )
    strangers = [adult.full_name for adult in adults if adult.authority_id != authority.pk]
    if strangers:
        errors["adults"] = (
            f"Every adult in a household must belong to {authority.name}. Remove: {', '.join(strangers)}."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def household_create(
    *,
    authority: Authority,
    name: str,
    address: str = "",
    children: Sequence[Child] = (),
    adults: Sequence[FamilyMember] = (),
    acting_user: User | None = None,
) -> Household:
    """Add a household: its children are considered together at a conference (R-CH-1)."""
    household = Household(authority=authority, name=name, address=address)
    household.full_clean()
    household_members_check(authority=authority, children=children, adults=adults)
    household.save()
    household.children.set(children)
    household.adults.set(adults)
    _audit_create(acting_user=acting_user, instance=household)
    return household


@transaction.atomic
def allocation_create(
    *,
    child: Child,
    professional: Professional,
    case_role: str,
    start_date: date,
    end_date: date | None = None,
    acting_user: User | None = None,
) -> Allocation:
    """Allocate a professional to a child: while current, it lets them see the child's record (R-AF-5)."""
    allocation = Allocation(
        child=child, professional=professional, case_role=case_role, start_date=start_date, end_date=end_date
    )
    return _add(allocation, acting_user=acting_user)


@transaction.atomic
def allocation_end(*, allocation: Allocation, end_date: date, acting_user: User | None = None) -> Allocation:
    """End an allocation on ``end_date`` (its last day); from the day after it no longer gives access (R-AF-5)."""
    before = audit_snapshot(allocation)
    allocation.end_date = end_date
    allocation.full_clean()
    allocation.save(update_fields=["end_date", "updated_at"])
    audit_record(
        actor=acting_user,
        action="change",
        instance=allocation,
        before=before,
        after=audit_snapshot(allocation),
    )
    return allocation
