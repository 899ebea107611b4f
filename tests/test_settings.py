"""Settings come from the environment, are secure by default, and refuse unsafe production set-ups."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CPCONF = str(Path(sys.executable).parent / "cpconf")
STRONG_KEY = "a-strong-test-only-key-0f9c1d7e5b3a2c4d6e8f0a1b3c5d7e9f1a3b5c7d"
STRONG_AUDIT_KEY = "a-strong-test-only-audit-key-7e2b9d4f1a6c3e8b5d0f2a7c4e9b1d6f3a8c5e"


def run_cpconf(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the installed `cpconf` command with a clean environment: only what the test gives it."""
    base = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "CPCONF_DATA_DIR": str(tmp_path),
    }
    return subprocess.run(  # noqa: S603
        [CPCONF, *args], env={**base, **env}, capture_output=True, text=True, timeout=120, check=False
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = run_cpconf("check", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_to_start_with_the_demo_secret_key(tmp_path: Path) -> None:
    from cpconf.settings import DEMO_SECRET_KEY

    result = run_cpconf("check", tmp_path=tmp_path, SECRET_KEY=DEMO_SECRET_KEY)
    assert result.returncode == 2
    assert "published demo key" in result.stderr


def test_demo_mode_may_use_the_demo_key(tmp_path: Path) -> None:
    result = run_cpconf("check", tmp_path=tmp_path, CPCONF_DEMO="1")
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = run_cpconf(
        "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path,
        SECRET_KEY=STRONG_KEY, CPCONF_AUDIT_KEY=STRONG_AUDIT_KEY, ALLOWED_HOSTS="cpconf.example",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_secret_key_can_be_read_from_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "secret"
    key_file.write_text(STRONG_KEY + "\n")
    result = run_cpconf(
        "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path,
        SECRET_KEY_FILE=str(key_file), CPCONF_AUDIT_KEY=STRONG_AUDIT_KEY, ALLOWED_HOSTS="cpconf.example",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_an_audit_key(tmp_path: Path) -> None:
    result = run_cpconf("check", tmp_path=tmp_path, SECRET_KEY=STRONG_KEY)
    assert result.returncode == 2
    assert "CPCONF_AUDIT_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_to_start_with_the_demo_audit_key(tmp_path: Path) -> None:
    from cpconf.settings import DEMO_AUDIT_KEY

    for name in ("CPCONF_AUDIT_KEY", "CPCONF_AUDIT_OLD_KEYS"):
        keys = {"CPCONF_AUDIT_KEY": STRONG_AUDIT_KEY, name: DEMO_AUDIT_KEY}
        result = run_cpconf("check", tmp_path=tmp_path, SECRET_KEY=STRONG_KEY, **keys)
        assert result.returncode == 2, name
        assert "published demo key" in result.stderr


def test_production_refuses_an_audit_key_that_is_the_secret_key(tmp_path: Path) -> None:
    result = run_cpconf("check", tmp_path=tmp_path, SECRET_KEY=STRONG_KEY, CPCONF_AUDIT_KEY=STRONG_KEY)
    assert result.returncode == 2
    assert "must not be the same as SECRET_KEY" in result.stderr


def test_audit_keys_can_be_read_from_files(tmp_path: Path) -> None:
    key_file = tmp_path / "audit-key"
    key_file.write_text(STRONG_AUDIT_KEY + "\n")
    old_keys_file = tmp_path / "old-audit-keys"
    old_keys_file.write_text("a-retired-test-only-audit-key-one,a-retired-test-only-audit-key-two\n")
    script = "from django.conf import settings as s; print(s.CPCONF_AUDIT_KEY, *s.CPCONF_AUDIT_OLD_KEYS)"
    result = run_cpconf(
        "shell", "--no-imports", "-c", script, tmp_path=tmp_path,
        SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="cpconf.example",
        CPCONF_AUDIT_KEY_FILE=str(key_file), CPCONF_AUDIT_OLD_KEYS_FILE=str(old_keys_file),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        STRONG_AUDIT_KEY,
        "a-retired-test-only-audit-key-one",
        "a-retired-test-only-audit-key-two",
    ]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be true or false"),
        ("EMAIL_PORT", "twenty-five", "EMAIL_PORT must be a whole number"),
        ("EMAIL_USE_SSL", "true", "cannot both be true"),
        ("SECRET_KEY_FILE", "/nonexistent/secret", "cannot be read"),
    ],
)
def test_a_bad_environment_value_is_named_in_plain_english(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    result = run_cpconf("check", tmp_path=tmp_path, CPCONF_DEMO="1", **{name: value})
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_database_url_selects_the_database(tmp_path: Path) -> None:
    result = run_cpconf(
        "shell", "--no-imports", "-c", "from django.db import connection; print(connection.vendor, connection.settings_dict['NAME'])",
        tmp_path=tmp_path, CPCONF_DEMO="1", DATABASE_URL=f"sqlite:///{tmp_path / 'other.sqlite3'}",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["sqlite", str(tmp_path / "other.sqlite3")]


def test_production_cookies_are_secure_and_demo_cookies_work_over_http(tmp_path: Path) -> None:
    script = (
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.DEBUG)"
    )
    production = run_cpconf(
        "shell",
        "--no-imports",
        "-c",
        script,
        tmp_path=tmp_path,
        SECRET_KEY=STRONG_KEY,
        CPCONF_AUDIT_KEY=STRONG_AUDIT_KEY,
        ALLOWED_HOSTS="cpconf.example",
    )
    demo = run_cpconf("shell", "--no-imports", "-c", script, tmp_path=tmp_path, CPCONF_DEMO="1")
    assert production.stdout.split() == ["True", "True", "False"]
    assert demo.stdout.split() == ["False", "False", "False"]
