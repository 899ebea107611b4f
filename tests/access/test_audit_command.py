"""`cpconf audit verify` and `cpconf audit checkpoint`: what an operator runs, and what it says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from pytest_django.fixtures import Settings

from cpconf.access import chain
from cpconf.access.log import access_record, audit_record, audit_snapshot
from cpconf.access.models import AuditEntry, ChainHead
from cpconf.people import demo_data
from tests import factories

pytestmark = pytest.mark.django_db

CPCONF = str(Path(sys.executable).parent / "cpconf")


def audit(*args: str) -> tuple[int, str, str]:
    """Run `cpconf audit ARGS` in-process: exit status, standard output, standard error."""
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", *args, stdout=out, stderr=err)
    except SystemExit as exit:
        return int(exit.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def sql(statement: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


@pytest.fixture
def history() -> None:
    """Five audit entries and three access log entries."""
    child = factories.ChildFactory(given_name="Juniper", family_name="Hartwell")
    worker = factories.UserFactory(first_name="Ottilie", last_name="Brandreth")
    audit_record(actor=worker, action="create", instance=child, before=None, after=audit_snapshot(child))
    for number in range(4):
        audit_record(
            actor=worker,
            action="change",
            instance=child,
            before={"known_as": str(number)},
            after={"known_as": "x"},
        )
    for _ in range(3):
        access_record(user=worker, what="child-record", child=child, allowed=True)


class TestVerify:
    def test_an_intact_history_says_so_and_exits_0(self, history: None) -> None:
        status, out, err = audit("verify")
        head = AuditEntry.objects.get(sequence=5).entry_hash
        assert status == 0
        assert out.splitlines() == [
            f"Audit chain intact: 5 entries, head #5 {head[:12]}",
            f"Access log chain intact: 3 entries, head #3 {chain.current_heads()['access'].entry_hash[:12]}",
        ]
        assert err == ""

    def test_names_the_first_broken_entry_and_exits_1(self, history: None) -> None:
        sql(f"UPDATE {AuditEntry._meta.db_table} SET object_repr = 'changed' WHERE sequence IN (2, 4)")  # noqa: S608
        status, out, err = audit("verify")
        assert status == 1
        assert err.strip() == (
            "Audit chain BROKEN at entry #2: hash mismatch: its contents are not what was signed, so it was "
            "edited (or written without the audit key)."
        )
        assert out.startswith("Access log chain intact: 3 entries")

    def test_a_deleted_entry_is_named(self, history: None) -> None:
        sql(f"DELETE FROM {AuditEntry._meta.db_table} WHERE sequence = 3")  # noqa: S608
        status, _, err = audit("verify")
        assert status == 1
        assert "BROKEN at entry #3: missing" in err

    def test_the_demos_own_writes_make_a_valid_chain(self) -> None:
        assert demo_data.demo_load()
        status, out, _ = audit("verify")
        assert status == 0, out
        assert AuditEntry.objects.count() > 50
        assert out.startswith(f"Audit chain intact: {AuditEntry.objects.count()} entries")


class TestCheckpoint:
    def test_writes_a_signed_checkpoint_of_both_heads(self, history: None, tmp_path: Path) -> None:
        target = tmp_path / "checkpoint.json"
        status, out, _ = audit("checkpoint", "--write", str(target))
        assert status == 0
        assert out.splitlines()[-1] == f"Checkpoint written to {target}: Audit chain #5, Access log chain #3."
        document = json.loads(target.read_text())
        assert document["chains"]["audit"] == {
            "sequence": 5,
            "entry_hash": AuditEntry.objects.get(sequence=5).entry_hash,
        }
        assert document["key_id"] == chain.current_key()[0]
        assert len(document["signature"]) == 64
        assert [path.name for path in tmp_path.iterdir()] == ["checkpoint.json"]  # no temporary file left

    def test_verify_with_the_checkpoint_says_it_still_holds(self, history: None, tmp_path: Path) -> None:
        target = tmp_path / "checkpoint.json"
        audit("checkpoint", "--write", str(target))
        status, out, _ = audit("verify", "--checkpoint", str(target))
        assert status == 0
        assert "still holds: Audit chain #5, Access log chain #3." in out.splitlines()[-1]

    def test_a_truncated_tail_is_reported_against_the_checkpoint(self, history: None, tmp_path: Path) -> None:
        target = tmp_path / "checkpoint.json"
        audit("checkpoint", "--write", str(target))
        # The last two entries go, and the head row is moved back to hide it.
        sql(f"DELETE FROM {AuditEntry._meta.db_table} WHERE sequence > 3")  # noqa: S608
        sql(
            f"UPDATE {ChainHead._meta.db_table} SET sequence = 3, entry_hash = %s WHERE chain = 'audit'",  # noqa: S608
            [AuditEntry.objects.get(sequence=3).entry_hash],
        )
        assert audit("verify")[0] == 0  # only the checkpoint can tell
        status, _, err = audit("verify", "--checkpoint", str(target))
        assert status == 1
        assert "Audit chain BROKEN at entry #5: missing: the checkpoint recorded head #5" in err
        assert "truncated" in err

    def test_no_checkpoint_is_written_for_a_broken_chain(self, history: None, tmp_path: Path) -> None:
        sql(f"UPDATE {AuditEntry._meta.db_table} SET reason = 'x' WHERE sequence = 1")  # noqa: S608
        target = tmp_path / "checkpoint.json"
        status, _, err = audit("checkpoint", "--write", str(target))
        assert status == 1
        assert "no checkpoint written" in err
        assert not target.exists()

    def test_a_forged_checkpoint_is_refused_with_exit_2(self, history: None, tmp_path: Path) -> None:
        target = tmp_path / "checkpoint.json"
        audit("checkpoint", "--write", str(target))
        document = json.loads(target.read_text())
        document["chains"]["audit"]["sequence"] = 3  # to make a truncation look expected
        target.write_text(json.dumps(document))
        status, out, err = audit("verify", "--checkpoint", str(target))
        assert status == 2
        assert out == ""
        assert err.strip() == (
            f"cpconf audit: the checkpoint {target} is refused: its signature does not match its contents: "
            "it was forged or altered."
        )

    def test_a_checkpoint_signed_with_another_key_is_refused(
        self, history: None, tmp_path: Path, settings: Settings
    ) -> None:
        target = tmp_path / "checkpoint.json"
        our_key = settings.CPCONF_AUDIT_KEY
        settings.CPCONF_AUDIT_KEY = "someone-elses-key-for-the-test-only-77a1c0"
        target.write_text(json.dumps(chain.checkpoint_document(chain.current_heads())))
        settings.CPCONF_AUDIT_KEY = our_key
        status, _, err = audit("verify", "--checkpoint", str(target))
        assert status == 2
        assert "not signed with a configured audit key" in err

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            ("not json at all", "not JSON"),
            ('{"format": "something else"}', "is not a cpconf audit checkpoint"),
        ],
    )
    def test_a_file_that_is_no_checkpoint_is_refused(
        self, history: None, tmp_path: Path, content: str, message: str
    ) -> None:
        target = tmp_path / "checkpoint.json"
        target.write_text(content)
        status, _, err = audit("verify", "--checkpoint", str(target))
        assert status == 2
        assert message in err
        assert len(err.strip().splitlines()) == 1

    def test_a_missing_checkpoint_file_is_refused_with_exit_2(self, tmp_path: Path) -> None:
        status, _, err = audit("verify", "--checkpoint", str(tmp_path / "missing.json"))
        assert status == 2
        assert (
            err.strip()
            == f"cpconf audit: cannot read the checkpoint {tmp_path / 'missing.json'}: No such file or directory."
        )

    def test_a_checkpoint_that_cannot_be_written_exits_2(self, tmp_path: Path) -> None:
        status, _, err = audit("checkpoint", "--write", str(tmp_path / "no-such-folder" / "checkpoint.json"))
        assert status == 2
        assert err.startswith("cpconf audit: cannot write the checkpoint")


class TestArguments:
    @pytest.mark.parametrize("args", [(), ("repair",), ("checkpoint",)])
    def test_bad_arguments_are_refused(self, args: tuple[str, ...]) -> None:
        with pytest.raises(CommandError) as refused:
            call_command("audit", *args)
        assert refused.value.returncode == 2

    def test_bad_arguments_from_the_command_line_give_one_line_and_exit_2(self, tmp_path: Path) -> None:
        env = {"PATH": os.environ["PATH"], "CPCONF_DEMO": "1", "CPCONF_DATA_DIR": str(tmp_path)}
        result = subprocess.run(  # noqa: S603
            [CPCONF, "audit", "checkpoint"], env=env, capture_output=True, text=True, timeout=120, check=False
        )
        assert result.returncode == 2
        assert "usage:" not in result.stderr
        assert (
            result.stderr.strip().splitlines()[-1]
            == "cpconf audit: the following arguments are required: --write"
        )
