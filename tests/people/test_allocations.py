"""Allocations: a professional allocated to a child, from a start date to an end date (R-AF-5).

While current, an allocation is how a professional from another agency may see a child's record
(tests/access has the rules); here, what the service and the administration accept and refuse.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from cpconf.people.models import AgencyType, Allocation, Authority, CaseRole, Child, Professional
from cpconf.people.selectors import allocation_current_on
from cpconf.people.services import allocation_create, allocation_end
from tests import factories

pytestmark = pytest.mark.django_db

START = date(2026, 3, 2)


@pytest.fixture
def northbridge() -> Authority:
    return factories.AuthorityFactory(name="Northbridge Allocation Council", slug="northbridge-allocation")


@pytest.fixture
def child(northbridge: Authority) -> Child:
    return factories.ChildFactory(authority=northbridge, given_name="Isolde", family_name="Penwarden")


@pytest.fixture
def health_visitor(northbridge: Authority) -> Professional:
    agency = factories.AgencyFactory(authority=northbridge, agency_type=AgencyType.HEALTH)
    return factories.ProfessionalFactory(
        agency=agency, user__first_name="Cressida", user__last_name="Holloway", roles=["agency_professional"]
    )


def messages(error: ValidationError) -> list[str]:
    return error.messages


def test_a_professional_is_allocated_from_a_start_date(child: Child, health_visitor: Professional) -> None:
    allocation = allocation_create(
        child=child, professional=health_visitor, case_role=CaseRole.AGENCY_WORKER, start_date=START
    )
    assert (allocation.end_date, str(allocation)) == (
        None,
        "Cressida Holloway, Worker from another agency for Isolde Penwarden",
    )
    current = Allocation.objects.filter(pk=allocation.pk)
    assert current.filter(allocation_current_on(START)).exists()
    assert current.filter(allocation_current_on(date(2030, 1, 1))).exists()
    assert not current.filter(allocation_current_on(START - timedelta(days=1))).exists()


def test_someone_from_another_authority_cannot_be_allocated(child: Child) -> None:
    stranger = factories.ProfessionalFactory(
        agency=factories.AgencyFactory(
            authority=factories.AuthorityFactory(name="Southmoor Allocation Council")
        )
    )
    with pytest.raises(ValidationError) as refused:
        allocation_create(
            child=child, professional=stranger, case_role=CaseRole.SOCIAL_WORKER, start_date=START
        )
    assert refused.value.message_dict["professional"] == [
        f"{stranger.full_name} works for Southmoor Allocation Council, not Northbridge Allocation Council: "
        "choose someone from Northbridge Allocation Council."
    ]


def test_an_overlapping_allocation_in_the_same_role_is_refused_in_plain_words(
    child: Child, health_visitor: Professional
) -> None:
    allocation_create(
        child=child,
        professional=health_visitor,
        case_role=CaseRole.AGENCY_WORKER,
        start_date=START,
        end_date=date(2026, 6, 30),
    )
    with pytest.raises(ValidationError) as refused:
        allocation_create(
            child=child,
            professional=health_visitor,
            case_role=CaseRole.AGENCY_WORKER,
            start_date=date(2026, 6, 1),
        )
    assert messages(refused.value) == [
        "Cressida Holloway is already allocated to Isolde Penwarden as worker from another agency from "
        "2 March 2026 until 30 June 2026. End that allocation first, or choose dates that do not overlap."
    ]
    # The day after it ends is fine, and so is another role on the same dates.
    allocation_create(
        child=child,
        professional=health_visitor,
        case_role=CaseRole.AGENCY_WORKER,
        start_date=date(2026, 7, 1),
    )
    allocation_create(
        child=child, professional=health_visitor, case_role=CaseRole.TEAM_MANAGER, start_date=START
    )


def test_a_second_open_ended_allocation_is_refused(child: Child, health_visitor: Professional) -> None:
    allocation_create(
        child=child, professional=health_visitor, case_role=CaseRole.AGENCY_WORKER, start_date=START
    )
    with pytest.raises(ValidationError, match="with no end date"):
        allocation_create(
            child=child,
            professional=health_visitor,
            case_role=CaseRole.AGENCY_WORKER,
            start_date=date(2025, 1, 1),
        )
    # And the database refuses it too, should anything go round the service.
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(
            child=child, professional=health_visitor, case_role=CaseRole.AGENCY_WORKER, start_date=START
        )


def test_an_allocation_cannot_end_before_it_starts(child: Child, health_visitor: Professional) -> None:
    allocation = allocation_create(
        child=child, professional=health_visitor, case_role=CaseRole.AGENCY_WORKER, start_date=START
    )
    with pytest.raises(ValidationError) as refused:
        allocation_end(allocation=allocation, end_date=START - timedelta(days=1))
    assert messages(refused.value) == ["The end date must be the same as or after the start date."]
    allocation.refresh_from_db()
    assert allocation.end_date is None
    assert allocation_end(allocation=allocation, end_date=START).end_date == START


# In the administration, under the child


def child_form(child: Child, **allocations: str) -> dict[str, str]:
    def management(prefix: str, total: int, initial: int = 0) -> dict[str, str]:
        return {
            f"{prefix}-TOTAL_FORMS": str(total),
            f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }

    rows = {key.split("-")[1] for key in allocations}
    return {
        "authority": str(child.authority_id),
        "given_name": child.given_name,
        "family_name": child.family_name,
        "known_as": "",
        "date_of_birth": str(child.date_of_birth),
        "expected_delivery_date": "",
        "sex": child.sex,
        "ethnicity": child.ethnicity,
        "first_language": "",
        "nhs_number": "",
        "upn": "",
        "consistent_child_identifier": "",
        **management("relationships", 0),
        **management("allocations", len(rows)),
        **allocations,
    }


@pytest.fixture
def administrator_client(client: Client, northbridge: Authority) -> Client:
    administrator = factories.AuthorityAdministratorFactory(
        agency=factories.AgencyFactory(authority=northbridge, name="Northbridge Allocation Social Care")
    )
    client.force_login(administrator.user)
    return client


def test_an_administrator_allocates_someone_on_the_childs_page(
    administrator_client: Client, child: Child, health_visitor: Professional
) -> None:
    change = reverse("admin:people_child_change", args=(child.pk,))
    page = administrator_client.get(change).content.decode()
    assert "can see the child&#x27;s record only while allocated" in page
    data = child_form(
        child,
        **{
            "allocations-0-professional": str(health_visitor.pk),
            "allocations-0-case_role": CaseRole.AGENCY_WORKER,
            "allocations-0-start_date": "2026-03-02",
            "allocations-0-end_date": "",
        },
    )
    response = administrator_client.post(change, data)
    assert response.status_code == 302, response.text
    assert child.allocations.get().professional == health_visitor


def test_the_administration_refuses_two_overlapping_rows_at_once(
    administrator_client: Client, child: Child, health_visitor: Professional
) -> None:
    row = {"professional": str(health_visitor.pk), "case_role": CaseRole.AGENCY_WORKER, "end_date": ""}
    data = child_form(
        child,
        **{f"allocations-0-{key}": value for key, value in row.items()},
        **{f"allocations-1-{key}": value for key, value in row.items()},
        **{"allocations-0-start_date": "2026-03-02", "allocations-1-start_date": "2026-04-01"},
    )
    response = administrator_client.post(reverse("admin:people_child_change", args=(child.pk,)), data)
    assert response.status_code == 200
    assert (
        "Cressida Holloway is allocated twice in this role for overlapping dates" in response.content.decode()
    )
    assert not child.allocations.exists()


def test_the_administration_offers_only_the_authoritys_own_professionals(
    administrator_client: Client, child: Child, health_visitor: Professional
) -> None:
    stranger = factories.ProfessionalFactory(
        agency=factories.AgencyFactory(
            authority=factories.AuthorityFactory(name="Southmoor Allocation Council")
        )
    )
    data = child_form(
        child,
        **{
            "allocations-0-professional": str(stranger.pk),
            "allocations-0-case_role": CaseRole.SOCIAL_WORKER,
            "allocations-0-start_date": "2026-03-02",
            "allocations-0-end_date": "",
        },
    )
    response = administrator_client.post(reverse("admin:people_child_change", args=(child.pk,)), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not child.allocations.exists()


def test_an_administrator_ends_an_allocation_but_cannot_delete_it(
    administrator_client: Client, child: Child, health_visitor: Professional
) -> None:
    allocation = allocation_create(
        child=child, professional=health_visitor, case_role=CaseRole.AGENCY_WORKER, start_date=START
    )
    change = reverse("admin:people_child_change", args=(child.pk,))
    assert 'name="allocations-0-DELETE"' not in administrator_client.get(change).content.decode()
    ended = (START + timedelta(days=30)).isoformat()
    data = child_form(
        child,
        **{
            "allocations-0-id": str(allocation.pk),
            "allocations-0-child": str(child.pk),
            "allocations-0-professional": str(health_visitor.pk),
            "allocations-0-case_role": CaseRole.AGENCY_WORKER,
            "allocations-0-start_date": "2026-03-02",
            "allocations-0-end_date": ended,
        },
    )
    data["allocations-INITIAL_FORMS"] = "1"
    response = administrator_client.post(change, data)
    assert response.status_code == 302, response.text
    allocation.refresh_from_db()
    assert allocation.end_date == START + timedelta(days=30)
