"""The hash chain: every kind of tampering with the rows is caught at its first broken entry.

The tampering goes through raw SQL, as someone with database access (but not the audit key) would.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

import pytest
from django.db import connection, connections, transaction
from pytest_django.fixtures import Settings

from cpconf.access import chain
from cpconf.access.log import access_record, audit_record, audit_snapshot
from cpconf.access.models import AccessEntry, AuditEntry, ChainHead
from cpconf.people.models import Child, User
from tests import factories

pytestmark = pytest.mark.django_db

AUDIT_TABLE = AuditEntry._meta.db_table
ACCESS_TABLE = AccessEntry._meta.db_table
COLUMNS = [field.column for field in AuditEntry._meta.concrete_fields if not field.primary_key]


def sql(statement: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def hash_of(sequence: int) -> str:
    return AuditEntry.objects.get(sequence=sequence).entry_hash


@pytest.fixture
def worker() -> User:
    return factories.UserFactory(first_name="Hollis", last_name="Marchbank")


@pytest.fixture
def child() -> Child:
    return factories.ChildFactory(given_name="Wren", family_name="Coldharbour")


@pytest.fixture
def six_entries(worker: User, child: Child) -> list[AuditEntry]:
    entries = [
        audit_record(actor=worker, action="create", instance=child, before=None, after=audit_snapshot(child))
    ]
    for number in range(2, 7):
        entries.append(
            audit_record(
                actor=worker,
                action="change",
                instance=child,
                before={"known_as": f"name {number - 1}"},
                after={"known_as": f"name {number}"},
            )
        )
    return entries


class TestAppending:
    def test_each_entry_is_chained_to_the_one_before(self, six_entries: list[AuditEntry]) -> None:
        assert six_entries[0].previous_hash == chain.GENESIS_HASH
        for before, after in itertools.pairwise(six_entries):
            assert after.sequence == before.sequence + 1
            assert after.previous_hash == before.entry_hash

    def test_the_hash_is_a_keyed_hmac_of_the_entry_and_the_previous_hash(
        self, six_entries: list[AuditEntry]
    ) -> None:
        entry = AuditEntry.objects.get(sequence=3)
        key_id, key = chain.current_key()
        assert entry.key_id == key_id
        assert entry.entry_hash == chain.compute_hash(key, chain.signed_fields(entry), hash_of(2))
        # Without the key, the same fields give another hash.
        assert entry.entry_hash != chain.compute_hash(b"guessed key", chain.signed_fields(entry), hash_of(2))

    def test_the_head_row_follows_the_newest_entry(self, six_entries: list[AuditEntry]) -> None:
        head = ChainHead.objects.get(chain="audit")
        assert (head.sequence, head.entry_hash) == (6, hash_of(6))

    def test_a_lost_head_row_is_rebuilt_from_the_newest_entry(
        self, six_entries: list[AuditEntry], child: Child
    ) -> None:
        sql(f"DELETE FROM {ChainHead._meta.db_table}")  # noqa: S608
        entry = audit_record(
            actor=None, action="change", instance=child, before={"sex": "a"}, after={"sex": "b"}
        )
        assert (entry.sequence, entry.previous_hash) == (7, hash_of(6))
        assert chain.verify_chain("audit").intact

    def test_the_two_chains_are_numbered_separately(self, worker: User, child: Child) -> None:
        audit_record(actor=worker, action="create", instance=child, before=None, after={})
        access = access_record(user=worker, what="child-record", child=child, allowed=True)
        assert access.sequence == 1

    def test_canonical_json_is_the_same_whatever_the_key_order(self) -> None:
        assert chain.canonical_json({"b": 1, "a": [2, "é"]}) == chain.canonical_json({"a": [2, "é"], "b": 1})
        assert chain.canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()


class TestVerify:
    def test_an_untouched_chain_is_intact(self, six_entries: list[AuditEntry]) -> None:
        report = chain.verify_chain("audit")
        assert report.intact
        assert report.summary() == f"Audit chain intact: 6 entries, head #6 {hash_of(6)[:12]}"

    def test_an_empty_chain_is_intact(self) -> None:
        assert chain.verify_chain("access").summary() == "Access log chain intact: 0 entries"

    def test_an_edited_field_is_named(self, six_entries: list[AuditEntry]) -> None:
        sql(f"UPDATE {AUDIT_TABLE} SET actor_name = %s WHERE sequence = 3", ["Somebody Else"])  # noqa: S608
        report = chain.verify_chain("audit")
        assert report.broken_at == 3
        assert report.problem is not None
        assert "hash mismatch" in report.problem
        assert "edited" in report.problem

    def test_an_edited_before_value_is_named(self, six_entries: list[AuditEntry]) -> None:
        sql(f"UPDATE {AUDIT_TABLE} SET reason = %s WHERE sequence = 5", ["tidied up"])  # noqa: S608
        assert chain.verify_chain("audit").broken_at == 5

    def test_an_edit_re_hashed_without_the_key_is_named(self, six_entries: list[AuditEntry]) -> None:
        entry = AuditEntry.objects.get(sequence=4)
        fields = {**chain.signed_fields(entry), "object_repr": "Someone else"}
        forged = chain.compute_hash(b"not the key", fields, entry.previous_hash)
        sql(
            f"UPDATE {AUDIT_TABLE} SET object_repr = %s, entry_hash = %s WHERE sequence = 4",  # noqa: S608
            ["Someone else", forged],
        )
        assert chain.verify_chain("audit").broken_at == 4

    def test_a_deleted_entry_is_named(self, six_entries: list[AuditEntry]) -> None:
        sql(f"DELETE FROM {AUDIT_TABLE} WHERE sequence = 4")  # noqa: S608
        report = chain.verify_chain("audit")
        assert report.broken_at == 4
        assert report.problem is not None
        assert "jumps from #3 to #5" in report.problem
        assert "deleted" in report.problem

    def test_a_deleted_first_entry_is_named(self, six_entries: list[AuditEntry]) -> None:
        sql(f"DELETE FROM {AUDIT_TABLE} WHERE sequence = 1")  # noqa: S608
        assert chain.verify_chain("audit").broken_at == 1

    def test_a_deletion_hidden_by_renumbering_is_named(self, six_entries: list[AuditEntry]) -> None:
        sql(f"DELETE FROM {AUDIT_TABLE} WHERE sequence = 4")  # noqa: S608
        for sequence in (5, 6):
            sql(f"UPDATE {AUDIT_TABLE} SET sequence = %s WHERE sequence = %s", [sequence - 1, sequence])  # noqa: S608
        report = chain.verify_chain("audit")
        assert report.broken_at == 4
        assert report.problem is not None
        assert "previous_hash" in report.problem

    def test_an_inserted_forged_entry_is_named(self, six_entries: list[AuditEntry]) -> None:
        # A copy of entry 6 appended as entry 7, chained to entry 6, but without the key to sign it.
        columns = ", ".join(COLUMNS)
        copied = ", ".join(
            {"sequence": "%s", "previous_hash": "%s", "entry_hash": "%s"}.get(column, column)
            for column in COLUMNS
        )
        sql(
            f"INSERT INTO {AUDIT_TABLE} ({columns}) SELECT {copied} FROM {AUDIT_TABLE} WHERE sequence = 6",  # noqa: S608
            [7, hash_of(6), "f" * 64],
        )
        report = chain.verify_chain("audit")
        assert report.broken_at == 7
        assert report.problem is not None
        assert "hash mismatch" in report.problem

    def test_an_entry_inserted_in_the_middle_is_named(self, six_entries: list[AuditEntry]) -> None:
        # Room is made after entry 2 by moving the later entries up one.
        for sequence in range(6, 2, -1):
            sql(f"UPDATE {AUDIT_TABLE} SET sequence = %s WHERE sequence = %s", [sequence + 1, sequence])  # noqa: S608
        columns = ", ".join(COLUMNS)
        copied = ", ".join(
            {"sequence": "%s", "previous_hash": "%s", "entry_hash": "%s"}.get(column, column)
            for column in COLUMNS
        )
        sql(
            f"INSERT INTO {AUDIT_TABLE} ({columns}) SELECT {copied} FROM {AUDIT_TABLE} WHERE sequence = 2",  # noqa: S608
            [3, hash_of(2), "e" * 64],
        )
        assert chain.verify_chain("audit").broken_at == 3

    def test_two_swapped_entries_are_named(self, six_entries: list[AuditEntry]) -> None:
        sql(f"UPDATE {AUDIT_TABLE} SET sequence = 1000 WHERE sequence = 3")  # noqa: S608
        sql(f"UPDATE {AUDIT_TABLE} SET sequence = 3 WHERE sequence = 4")  # noqa: S608
        sql(f"UPDATE {AUDIT_TABLE} SET sequence = 4 WHERE sequence = 1000")  # noqa: S608
        report = chain.verify_chain("audit")
        assert report.broken_at == 3
        assert report.problem is not None
        assert "inserted, or entries were reordered" in report.problem

    def test_the_last_two_deleted_are_caught_by_the_head_row(self, six_entries: list[AuditEntry]) -> None:
        sql(f"DELETE FROM {AUDIT_TABLE} WHERE sequence > 4")  # noqa: S608
        report = chain.verify_chain("audit")
        assert report.broken_at == 5
        assert report.problem is not None
        assert "deleted from the end" in report.problem

    def test_the_last_two_deleted_with_only_the_head_rows_number_moved_back_are_named(
        self, six_entries: list[AuditEntry]
    ) -> None:
        sql(f"DELETE FROM {AUDIT_TABLE} WHERE sequence > 4")  # noqa: S608
        sql(f"UPDATE {ChainHead._meta.db_table} SET sequence = 4 WHERE chain = 'audit'")  # noqa: S608
        report = chain.verify_chain("audit")
        assert report.broken_at == 4
        assert report.problem is not None
        assert "the end of the chain was replaced" in report.problem

    def test_the_last_two_deleted_with_the_head_row_moved_back_are_caught_by_a_checkpoint(
        self, six_entries: list[AuditEntry]
    ) -> None:
        checkpoint = chain.current_heads()["audit"]
        sql(f"DELETE FROM {AUDIT_TABLE} WHERE sequence > 4")  # noqa: S608
        sql(
            f"UPDATE {ChainHead._meta.db_table} SET sequence = 4, entry_hash = %s WHERE chain = 'audit'",  # noqa: S608
            [hash_of(4)],
        )
        assert chain.verify_chain("audit").intact  # without the checkpoint nothing shows
        report = chain.verify_chain("audit", checkpoint=checkpoint)
        assert report.broken_at == 6
        assert report.problem is not None
        assert "truncated" in report.problem

    def test_a_chain_rewritten_and_re_signed_with_the_key_is_caught_by_a_checkpoint(
        self, six_entries: list[AuditEntry]
    ) -> None:
        # The worst case: someone with the key rewrites entry 2 and re-signs everything after it.
        checkpoint = chain.current_heads()["audit"]
        _, key = chain.current_key()
        previous = hash_of(1)
        for sequence in range(2, 7):
            entry = AuditEntry.objects.get(sequence=sequence)
            fields = chain.signed_fields(entry)
            if sequence == 2:
                fields["reason"] = "rewritten"
            new_hash = chain.compute_hash(key, fields, previous)
            sql(
                f"UPDATE {AUDIT_TABLE} SET reason = %s, previous_hash = %s, entry_hash = %s WHERE sequence = %s",  # noqa: S608
                [fields["reason"], previous, new_hash, sequence],
            )
            previous = new_hash
        sql(f"UPDATE {ChainHead._meta.db_table} SET entry_hash = %s WHERE chain = 'audit'", [previous])  # noqa: S608
        assert chain.verify_chain("audit").intact
        report = chain.verify_chain("audit", checkpoint=checkpoint)
        assert report.broken_at == 6
        assert report.problem is not None
        assert "rewritten" in report.problem

    def test_a_checkpoint_taken_earlier_still_holds_when_the_chain_has_grown(
        self, six_entries: list[AuditEntry], child: Child
    ) -> None:
        checkpoint = chain.current_heads()["audit"]
        audit_record(actor=None, action="change", instance=child, before={"sex": "a"}, after={"sex": "b"})
        assert chain.verify_chain("audit", checkpoint=checkpoint).intact

    def test_tampering_with_the_access_log_is_caught_too(self, worker: User, child: Child) -> None:
        for _ in range(3):
            access_record(user=worker, what="child-record", child=child, allowed=False)
        sql(f"UPDATE {ACCESS_TABLE} SET allowed = %s WHERE sequence = 2", [True])  # noqa: S608
        assert chain.verify_chain("access").broken_at == 2
        assert chain.verify_chain("audit").intact


class TestKeyRotation:
    def test_entries_signed_before_a_rotation_verify_with_the_retired_key(
        self, settings: Settings, six_entries: list[AuditEntry], child: Child
    ) -> None:
        old_key = settings.CPCONF_AUDIT_KEY
        settings.CPCONF_AUDIT_KEY = "a-new-audit-key-for-the-test-only-4c1e9a7b2d"
        settings.CPCONF_AUDIT_OLD_KEYS = [old_key]
        entry = audit_record(
            actor=None, action="change", instance=child, before={"sex": "a"}, after={"sex": "b"}
        )
        assert entry.key_id != six_entries[0].key_id
        assert entry.previous_hash == six_entries[-1].entry_hash  # the chain carries on across the rotation
        assert chain.verify_chain("audit").intact

    def test_without_the_retired_key_the_first_entry_it_signed_is_named(
        self, settings: Settings, six_entries: list[AuditEntry]
    ) -> None:
        settings.CPCONF_AUDIT_KEY = "a-new-audit-key-for-the-test-only-4c1e9a7b2d"
        settings.CPCONF_AUDIT_OLD_KEYS = []
        report = chain.verify_chain("audit")
        assert report.broken_at == 1
        assert report.problem is not None
        assert "CPCONF_AUDIT_OLD_KEYS" in report.problem


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: SQLite serialises writers with BEGIN IMMEDIATE, and its in-memory test database "
    "is not shared between threads",
)
def test_concurrent_writers_never_fork_the_chain() -> None:
    child = factories.ChildFactory()
    writers, appends = 8, 25
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write() -> None:
        try:
            start.wait()
            for _ in range(appends):
                with transaction.atomic():
                    access_record(user=None, what="child-record", child=child, allowed=True)
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert list(AccessEntry.objects.order_by("sequence").values_list("sequence", flat=True)) == list(
        range(1, writers * appends + 1)
    )
    report = chain.verify_chain("access")
    assert report.intact, report.problem
    assert report.entries == writers * appends
