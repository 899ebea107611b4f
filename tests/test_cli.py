"""The `cpconf` command: the administrator's single entry point (no manage.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CPCONF = str(Path(sys.executable).parent / "cpconf")


def run(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "CPCONF_DEMO": "1", "CPCONF_DATA_DIR": str(tmp_path)}
    return subprocess.run(  # noqa: S603
        [CPCONF, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_help_lists_the_timescale_commands_and_djangos_commands(tmp_path: Path) -> None:
    result = run("help", tmp_path=tmp_path)
    assert result.returncode == 0
    assert "cpconf due --policy NAME --event EVENT --at DATE" in result.stdout
    for command in ("migrate", "createsuperuser", "demo", "db_worker"):
        assert command in result.stdout


def test_django_commands_run_without_manage_py(tmp_path: Path) -> None:
    migrate = run("migrate", "--noinput", "-v", "0", tmp_path=tmp_path)
    assert migrate.returncode == 0, migrate.stderr
    assert (tmp_path / "cpconf.sqlite3").exists()
    pending = run("migrate", "--check", tmp_path=tmp_path)
    assert pending.returncode == 0, pending.stdout + pending.stderr


def test_no_model_change_is_missing_a_migration(tmp_path: Path) -> None:
    result = run("makemigrations", "--check", "--dry-run", tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
