"""An authority that trusts two email domains, a child of it, and a way to run the worker. All invented."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command

from cpconf.people.models import Authority, Child
from tests import factories

SECURE_DOMAINS = ("northbridge.example", "nhs.northbridge.example")


@pytest.fixture
def authority(db: None) -> Authority:
    authority = factories.AuthorityFactory(name="Northbridge Email Test Council", slug="northbridge-email")
    for domain in SECURE_DOMAINS:
        factories.SecureEmailDomainFactory(authority=authority, domain=domain)
    return authority


@pytest.fixture
def child(authority: Authority) -> Child:
    return factories.ChildFactory(authority=authority, given_name="Isolde", family_name="Wrenhaven")


@pytest.fixture(autouse=True)
def empty_outbox() -> None:
    mail.outbox.clear()


def run_worker() -> None:
    """What `cpconf db_worker --batch` does: run every task that is due, then stop."""
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", verbosity=0)
