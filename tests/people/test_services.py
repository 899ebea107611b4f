"""The people services validate every record before saving it, and refuse with plain messages."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cpconf.people import services
from cpconf.people.models import Agency, Authority, Child, Household, Professional, Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_child_create_stores_the_nhs_number_as_ten_digits(northbridge: Authority) -> None:
    child = services.child_create(
        authority=northbridge,
        given_name="Hesper",
        family_name="Wintercross",
        date_of_birth=date(2018, 5, 14),
        nhs_number="943 476 5919",
        upn="n801200103001",
    )
    assert (child.nhs_number, child.upn) == ("9434765919", "N801200103001")


def test_child_create_refuses_a_mistyped_nhs_number_and_saves_nothing(northbridge: Authority) -> None:
    with pytest.raises(ValidationError) as raised:
        services.child_create(
            authority=northbridge,
            family_name="Wintercross",
            date_of_birth=date(2018, 5, 14),
            nhs_number="9434765918",
        )
    assert raised.value.message_dict == {
        "nhs_number": ["This NHS number is not valid: check that every digit is right."]
    }
    assert not Child.objects.exists()


def test_child_create_refuses_an_unborn_child_without_an_expected_delivery_date(
    northbridge: Authority,
) -> None:
    # R-CT-3
    with pytest.raises(ValidationError, match="expected delivery date"):
        services.child_create(authority=northbridge, family_name="Wintercross")


def test_household_create_refuses_a_child_of_another_authority(
    northbridge: Authority, southmoor: Authority
) -> None:
    # R-CH-1: a household is one authority's, so all its children are considered together there.
    stranger = factories.ChildFactory(authority=southmoor, given_name="Corisande", family_name="Blackthorne")
    with pytest.raises(ValidationError) as raised:
        services.household_create(authority=northbridge, name="the Mixed household", children=[stranger])
    assert raised.value.message_dict["children"] == [
        "Every child in a household must belong to Northbridge Test Council. Remove: Corisande Blackthorne."
    ]
    assert not Household.objects.exists()


def test_household_create_refuses_an_adult_of_another_authority(
    northbridge: Authority, southmoor: Authority
) -> None:
    stranger = factories.FamilyMemberFactory(authority=southmoor)
    with pytest.raises(ValidationError) as raised:
        services.household_create(authority=northbridge, name="the Mixed household", adults=[stranger])
    assert "adults" in raised.value.message_dict


def test_household_create_records_children_and_adults(northbridge: Authority) -> None:
    child = factories.ChildFactory(authority=northbridge)
    adult = factories.FamilyMemberFactory(authority=northbridge)
    household = services.household_create(
        authority=northbridge, name="the Brackenridge household", children=[child], adults=[adult]
    )
    assert list(household.children.all()) == [child]
    assert list(household.adults.all()) == [adult]


def test_professional_create_gives_roles_and_a_sign_in(northbridge_social_care: Agency) -> None:
    professional = services.professional_create(
        agency=northbridge_social_care,
        given_name="Isolde",
        family_name="Fernshaw",
        job_title="Chair",
        email="Isolde.Fernshaw@northbridge.example",
        roles=[Role.CHAIR, Role.CHAIR, Role.MINUTE_TAKER],
        sign_in=True,
        password="a-long-enough-password",
    )
    assert [held.role for held in professional.roles.all()] == [Role.CHAIR, Role.MINUTE_TAKER]
    assert professional.user.email == "isolde.fernshaw@northbridge.example"
    assert professional.user.check_password("a-long-enough-password")
    assert not professional.user.is_staff


def test_professional_create_refuses_a_malformed_social_work_england_number(
    northbridge_social_care: Agency,
) -> None:
    with pytest.raises(ValidationError, match="Social Work England number is SW then digits"):
        services.professional_create(
            agency=northbridge_social_care,
            given_name="Isolde",
            family_name="Fernshaw",
            job_title="Social worker",
            email="isolde.fernshaw@northbridge.example",
            qualified_social_worker=True,
            social_work_england_number="12345",
        )
    assert not Professional.objects.exists()


def test_a_sign_in_is_refused_when_the_email_is_already_used(
    northbridge_social_care: Agency, administrator: Professional
) -> None:
    with pytest.raises(
        ValidationError,
        match=re.escape("Someone already signs in with aurelia.pendragast@northbridge.example"),
    ):
        services.professional_create(
            agency=northbridge_social_care,
            given_name="Aurelia",
            family_name="Pendragast",
            job_title="Twin",
            email="aurelia.pendragast@northbridge.example",
            sign_in=True,
        )
    assert Professional.objects.count() == 1


def test_a_secure_email_domain_is_stored_in_lower_case(northbridge: Authority) -> None:
    # R-AF-5
    assert services.secure_email_domain_add(authority=northbridge, domain=" NHS.Net ").domain == "nhs.net"


def test_authority_create_refuses_an_unknown_policy_profile() -> None:
    with pytest.raises(ValidationError, match="policy_profile"):
        services.authority_create(name="Nowhere Council", slug="nowhere", policy_profile="atlantis")
