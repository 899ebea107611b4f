"""Fictional people for the web tests: a conference chair at Northbridge City Council, someone with an
account but no professional record, and someone whose account has been closed."""

from __future__ import annotations

import pytest
from django.test import Client

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
