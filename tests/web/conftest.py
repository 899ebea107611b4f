"""Fictional people for the web tests: a conference chair at Northbridge City Council, someone with an
account but no professional record, and someone whose account has been closed."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from cpconf.people.models import Professional, Role, User
from tests.factories import AgencyFactory, AuthorityFactory, ProfessionalFactory, UserFactory


@pytest.fixture
def chair(db: None) -> Professional:
    authority = AuthorityFactory(name="Northbridge City Council", slug="northbridge")
    agency = AgencyFactory(authority=authority, name="Northbridge Children's Services")
    return ProfessionalFactory(
        agency=agency,
        user__email="morwenna.quillfeather@northbridge.example",
        user__first_name="Morwenna",
        user__last_name="Quillfeather",
        job_title="Independent conference chair",
        roles=[Role.CHAIR, Role.CONFERENCE_COORDINATOR],
    )


@pytest.fixture
def person_without_record(db: None) -> User:
    """Has an account, but nobody has linked it to a professional record yet."""
    return UserFactory(
        email="tobias.fernleigh@northbridge.example", first_name="Tobias", last_name="Fernleigh"
    )


@pytest.fixture
def closed_account(db: None) -> User:
    professional = ProfessionalFactory(
        user__email="ada.wrenfield@northbridge.example", user__is_active=False, roles=[Role.SOCIAL_WORKER]
    )
    return professional.user


@pytest.fixture
def chair_client(client: Client, chair: Professional) -> Client:
    client.force_login(chair.user)
    return client


@pytest.fixture
def two_factor_required(settings: Settings) -> None:
    """Production's rule: everyone who can see a child's record confirms a code (the test suite runs
    as the demo, where it is off)."""
    settings.CPCONF_REQUIRE_TWO_FACTOR = True


@pytest.fixture
def lockout_on(settings: Settings) -> None:
    """django-axes as in production (the suite turns it off so that tests cannot lock each other out)."""
    settings.AXES_ENABLED = True
