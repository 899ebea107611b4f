"""`cpconf demo`: the fictional Northbridge, loaded once through the services, with printed sign-ins."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command

from cpconf import clock
from cpconf.access.models import AuditEntry
from cpconf.people import identifiers
from cpconf.people.demo_data import DEMO_PASSWORD, SUPERUSER_EMAIL, nhs_number_in_test_range
from cpconf.people.models import (
    Agency,
    AgencyType,
    Authority,
    Child,
    ChildRelationship,
    FamilyMember,
    Household,
    Professional,
    Role,
    User,
)

pytestmark = pytest.mark.django_db


def run_demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Authority,
            Agency,
            Professional,
            User,
            Child,
            FamilyMember,
            ChildRelationship,
            Household,
        )
    }


@pytest.fixture
def output() -> str:
    return run_demo()


def test_it_creates_one_authority_on_the_staffordshire_profile(output: str) -> None:
    authority = Authority.objects.get()
    assert (authority.name, authority.slug, authority.policy_profile) == (
        "Northbridge City Council",
        "northbridge",
        "staffordshire",
    )
    assert authority.closure_days.count() == 2
    domains = list(authority.secure_email_domains.values_list("domain", flat=True))
    assert "northbridge.example" in domains
    assert all(domain.endswith(".example") for domain in domains)


def test_it_creates_separate_agencies_for_each_health_service(output: str) -> None:
    # R-QU-1: different health provider services count as separate agencies.
    assert Agency.objects.filter(agency_type=AgencyType.HEALTH).count() >= 4
    assert Agency.objects.filter(agency_type=AgencyType.EDUCATION).count() >= 2
    assert set(Agency.objects.values_list("agency_type", flat=True)) >= {
        AgencyType.CHILDRENS_SOCIAL_CARE,
        AgencyType.POLICE,
        AgencyType.PROBATION,
        AgencyType.CAFCASS,
        AgencyType.HOUSING,
    }


def test_every_role_is_held_by_someone(output: str) -> None:
    held = set(Professional.objects.values_list("roles__role", flat=True))
    assert held == set(Role.values)
    assert 12 <= Professional.objects.count() <= 20


def test_every_social_worker_is_qualified(output: str) -> None:
    # R-PL-2: a lead professional must be a qualified social worker.
    social_workers = Professional.objects.filter(
        roles__role__in=[Role.SOCIAL_WORKER, Role.LEAD_CHILD_PROTECTION_PRACTITIONER, Role.TEAM_MANAGER]
    )
    assert social_workers.exists()
    assert all(worker.qualified_social_worker for worker in social_workers)


def test_every_professional_can_sign_in_and_only_the_administrator_is_staff(output: str) -> None:
    assert not Professional.objects.filter(user__isnull=True).exists()
    staff = Professional.objects.filter(user__is_staff=True)
    assert [held.role for professional in staff for held in professional.roles.all()] == [
        Role.AUTHORITY_ADMINISTRATOR
    ]
    assert User.objects.get(email=SUPERUSER_EMAIL).is_superuser


def test_it_creates_about_thirty_children_in_about_eighteen_households(output: str) -> None:
    assert 25 <= Child.objects.count() <= 35
    assert 15 <= Household.objects.count() <= 20
    # R-CH-1: every child lives in a household, so all its children can be considered together.
    assert not Child.objects.filter(households__isnull=True).exists()


def test_exactly_two_children_are_unborn_with_sensible_expected_delivery_dates(output: str) -> None:
    # R-CT-3: an unborn child has an expected delivery date and no date of birth.
    unborn = Child.objects.filter(date_of_birth__isnull=True)
    assert unborn.count() == 2
    today = clock.today()
    assert all(0 < (child.expected_delivery_date - today).days <= 42 * 7 for child in unborn)


def test_the_children_range_from_newborn_to_seventeen(output: str) -> None:
    today = clock.today()
    ages = {child.age_on(today) for child in Child.objects.filter(date_of_birth__isnull=False)}
    assert min(ages) == 0
    assert max(ages) == 17


def test_every_nhs_number_is_from_the_test_range_and_valid(output: str) -> None:
    numbers = [number for number in Child.objects.values_list("nhs_number", flat=True) if number]
    assert len(numbers) == Child.objects.filter(date_of_birth__isnull=False).count()
    for number in numbers:
        assert number.startswith("999")
        assert identifiers.normalise_nhs_number(number) == number


def test_most_children_have_a_valid_upn(output: str) -> None:
    upns = [upn for upn in Child.objects.values_list("upn", flat=True) if upn]
    assert len(upns) > Child.objects.count() / 2
    for upn in upns:
        assert identifiers.normalise_upn(upn) == upn
        assert upn[1:4] == "999"  # the fictional local authority number


def test_the_families_include_half_siblings_an_absent_parent_an_interpreter_and_confidential_details(
    output: str,
) -> None:
    absent = ChildRelationship.objects.filter(lives_with_child=False, parental_responsibility=True)
    assert absent.exists()
    assert not Household.objects.filter(adults__in=[r.family_member for r in absent]).exists()
    assert FamilyMember.objects.filter(interpreter_needed=True).count() == 1
    assert FamilyMember.objects.filter(contact_details_confidential=True).count() == 1
    # Half-siblings: two children in one household with the same mother and different fathers.
    mothers = ChildRelationship.objects.filter(relationship="mother").values_list("family_member", "child")
    fathers = dict(
        ChildRelationship.objects.filter(relationship="father").values_list("child", "family_member")
    )
    by_mother: dict[int, set[int]] = {}
    for mother, child in mothers:
        by_mother.setdefault(mother, set()).add(fathers.get(child))
    assert any(len(father_ids - {None}) >= 2 for father_ids in by_mother.values())


def test_no_email_address_is_outside_the_example_domain(output: str) -> None:
    emails = [
        *User.objects.values_list("email", flat=True),
        *Professional.objects.values_list("email", flat=True),
    ]
    assert all(email.endswith(".example") for email in emails)


def test_every_sign_in_the_demo_creates_is_in_the_audit_history(output: str) -> None:
    audited = set(
        AuditEntry.objects.filter(object_type="people.user", action="create").values_list(
            "object_id", flat=True
        )
    )
    assert {str(public_id) for public_id in User.objects.values_list("public_id", flat=True)} <= audited


def test_running_it_twice_changes_nothing_and_says_so(output: str) -> None:
    before = counts()
    second = run_demo()
    assert counts() == before
    assert "already exists" in second


def test_every_run_prints_every_sign_in_with_the_password(output: str) -> None:
    for text in (output, run_demo()):
        assert f"password: {DEMO_PASSWORD}" in text
        for user in User.objects.all():
            assert user.email in text
        assert "Authority administrator" in text
        assert "http://127.0.0.1:8000/admin/" in text


def test_the_demo_users_can_sign_in_with_the_printed_password(output: str) -> None:
    printed = re.search(r"password: (\S+)", output)
    assert printed is not None
    for user in User.objects.all():
        assert authenticate(email=user.email, password=printed.group(1)) == user


def test_the_demo_password_meets_the_password_rules(output: str) -> None:
    for user in User.objects.all():
        validate_password(DEMO_PASSWORD, user)


def test_nhs_numbers_in_the_test_range_are_valid_and_distinct() -> None:
    numbers = [nhs_number_in_test_range(serial) for serial in range(50)]
    assert len(set(numbers)) == 50
    assert all(number.startswith("999") and identifiers.normalise_nhs_number(number) for number in numbers)


def test_it_refuses_to_run_outside_demo_mode(settings: Any) -> None:
    settings.DEMO = False
    settings.DEBUG = False
    with pytest.raises(CommandError, match="CPCONF_DEMO=1"):
        run_demo()
    assert not Authority.objects.exists()
