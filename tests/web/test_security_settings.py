"""The settings an operator can change for sign-in and sessions (docs/security.md): safe defaults,
plain-English refusals of unsafe values, and two-factor sign-in that only the demo may turn off."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_settings import STRONG_KEY, run_cpconf

# Production needs its own keys; these are for tests only.
PRODUCTION = {
    "SECRET_KEY": STRONG_KEY,
    "CPCONF_AUDIT_KEY": "an-audit-key-for-tests-only-7d1e5c3b9a0f2e4d6c8b0a1f3e5d7c9b1a3f5e7d",
    "ALLOWED_HOSTS": "cpconf.example",
}
SHOW = (
    "from django.conf import settings as s; print(s.CPCONF_REQUIRE_TWO_FACTOR, s.AXES_FAILURE_LIMIT, "
    "int(s.AXES_COOLOFF_TIME.total_seconds()), s.SESSION_INACTIVITY_TIMEOUT, s.SESSION_COOKIE_AGE)"
)


def show(tmp_path: Path, **env: str) -> list[str]:
    result = run_cpconf("shell", "--no-imports", "-c", SHOW, tmp_path=tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_production_requires_two_factor_and_locks_after_five_tries_for_thirty_minutes(tmp_path: Path) -> None:
    assert show(tmp_path, **PRODUCTION) == ["True", "5", "1800", "1800", "28800"]


def test_the_demo_signs_in_with_a_password_alone_unless_told_otherwise(tmp_path: Path) -> None:
    assert show(tmp_path, CPCONF_DEMO="1")[0] == "False"
    assert show(tmp_path, CPCONF_DEMO="1", CPCONF_REQUIRE_TWO_FACTOR="1")[0] == "True"


def test_an_operator_can_change_the_lockout_and_the_session_limits(tmp_path: Path) -> None:
    values = show(
        tmp_path, **PRODUCTION, AXES_FAILURE_LIMIT="10", AXES_COOLOFF_MINUTES="60",
        SESSION_INACTIVITY_TIMEOUT="900", SESSION_COOKIE_AGE="14400",
    )  # fmt: skip
    assert values == ["True", "10", "3600", "900", "14400"]


def test_production_refuses_to_run_without_two_factor(tmp_path: Path) -> None:
    result = run_cpconf("check", tmp_path=tmp_path, **PRODUCTION, CPCONF_REQUIRE_TWO_FACTOR="false")
    assert result.returncode == 2
    assert "CPCONF_REQUIRE_TWO_FACTOR can be turned off only in the demo" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("AXES_FAILURE_LIMIT", "0", "AXES_FAILURE_LIMIT and AXES_COOLOFF_MINUTES must be 1 or more"),
        ("AXES_COOLOFF_MINUTES", "soon", "AXES_COOLOFF_MINUTES must be a whole number"),
        ("SESSION_INACTIVITY_TIMEOUT", "10", "SESSION_INACTIVITY_TIMEOUT must be at least 60 seconds"),
        ("SESSION_INACTIVITY_TIMEOUT", "90000", "no more than SESSION_COOKIE_AGE"),
        ("CPCONF_REQUIRE_TWO_FACTOR", "perhaps", "CPCONF_REQUIRE_TWO_FACTOR must be true or false"),
    ],
)
def test_an_unsafe_or_mistyped_value_is_refused_in_plain_english(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    result = run_cpconf("check", tmp_path=tmp_path, CPCONF_DEMO="1", **{name: value})
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
