"""Fixed people for the people tests: two authorities, each with an authority administrator, plus a
superuser and a staff member who is no administrator. Every name is invented."""

from __future__ import annotations

import pytest
from django.test import Client

from cpconf.people.models import Agency, Authority, Professional, Role, User
from tests import factories


@pytest.fixture
def northbridge() -> Authority:
    return factories.AuthorityFactory(name="Northbridge Test Council", slug="northbridge-test", code="999")


@pytest.fixture
def southmoor() -> Authority:
    """Another authority, whose records the Northbridge administrator must never see."""
    return factories.AuthorityFactory(name="Southmoor Borough Council", slug="southmoor")


@pytest.fixture
def northbridge_social_care(northbridge: Authority) -> Agency:
    return factories.AgencyFactory(authority=northbridge, name="Northbridge Test Social Care")


@pytest.fixture
def southmoor_police(southmoor: Authority) -> Agency:
    return factories.AgencyFactory(
        authority=southmoor, name="Southmoor Constabulary Wrenfield Unit", agency_type="police"
    )


@pytest.fixture
def administrator(northbridge_social_care: Agency) -> Professional:
    """Northbridge's authority administrator: staff status and the role, nothing else."""
    return factories.AuthorityAdministratorFactory(
        agency=northbridge_social_care,
        user__email="aurelia.pendragast@northbridge.example",
        user__first_name="Aurelia",
        user__last_name="Pendragast",
    )


@pytest.fixture
def southmoor_administrator(southmoor_police: Agency) -> Professional:
    return factories.AuthorityAdministratorFactory(
        agency=southmoor_police,
        user__email="cosmo.vantreight@southmoor.example",
        user__first_name="Cosmo",
        user__last_name="Vantreight",
    )


@pytest.fixture
def superuser() -> User:
    return factories.SuperuserFactory(email="root@cpconf.example")


@pytest.fixture
def staff_without_role(northbridge_social_care: Agency) -> Professional:
    """A staff user whose professional record holds no administrator role: sees nothing."""
    return factories.ProfessionalFactory(
        agency=northbridge_social_care, user__is_staff=True, roles=[Role.SOCIAL_WORKER]
    )


@pytest.fixture
def administrator_client(client: Client, administrator: Professional) -> Client:
    client.force_login(administrator.user)
    return client


@pytest.fixture
def superuser_client(client: Client, superuser: User) -> Client:
    client.force_login(superuser)
    return client
