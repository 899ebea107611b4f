"""A legal hold and a destruction never cross: placing a hold waits while a destruction holds the
authority's retention policy row, so a destruction never misses a hold placed while it runs."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from cpconf.retention import services
from cpconf.retention.models import LegalHold
from tests import factories


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: SQLite serialises writers, and its in-memory test database is not shared "
    "between threads",
)
def test_a_hold_waits_for_a_destruction_under_way() -> None:
    child = factories.ChildFactory()
    authority = child.authority
    services.set_destruction(authority=authority, enabled=True, approval="IG-1 (fictional)", acting_user=None)
    locked, release, placed = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def destruction() -> None:
        try:
            with transaction.atomic():
                services.locked_policy(authority)  # what destroy() does first
                locked.set()
                release.wait(timeout=10)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    def hold() -> None:
        try:
            locked.wait(timeout=10)
            services.place_legal_hold(authority=authority, child=child, reason="A claim", acting_user=None)
            placed.set()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=destruction), threading.Thread(target=hold)]
    for thread in threads:
        thread.start()
    assert locked.wait(timeout=10)
    assert not placed.wait(timeout=1), "the hold was placed while a destruction was under way"
    release.set()
    for thread in threads:
        thread.join(timeout=20)
    assert errors == []
    assert placed.is_set()
    assert LegalHold.objects.filter(child=child, released_at__isnull=True).exists()
