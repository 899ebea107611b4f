"""An authority that trusts two email domains, a child of it, and a way to run the worker. All invented."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.management.commands import db_worker

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
    """What `cpconf db_worker --batch` does: run every task that is due, then stop.

    Between tasks the worker closes database connections Django considers old, as a long-running process
    should. Inside a test, which runs in a transaction on the test's own connection, "old" means that
    connection: PostgreSQL would really close it (SQLite's in-memory test database ignores the close).
    So the test keeps its connection; everything else the worker does is real."""
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", verbosity=0)
