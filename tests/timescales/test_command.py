"""The `cpconf due` and `cpconf policies` commands (cpconf.timescales.command), through `run()` and the console script."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cpconf.timescales import policy
from cpconf.timescales.command import run

KNOWN = "bolton, city-of-london, croydon, medway, national, staffordshire"


def _run(*argv: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run(list(argv), stdout=stdout, stderr=stderr)
    return status, stdout.getvalue(), stderr.getvalue()


def test_due_prints_one_json_object_on_one_line_with_iso_dates() -> None:
    status, out, err = _run(
        "due", "--policy", "staffordshire", "--event", "initial-conference", "--at", "2026-12-22"
    )
    assert (status, err) == (0, "")
    assert out.count("\n") == 1
    assert json.loads(out) == {
        "first-review": "2027-03-22",
        "first-core-group": "2027-01-08",
        "decisions-circulated": "2026-12-23",
        "minutes-circulated": "2027-01-08",
        "minutes-amended": "2027-02-03",
    }
    assert list(json.loads(out)) == ["first-review", "first-core-group", "decisions-circulated",
                                     "minutes-circulated", "minutes-amended"]  # fmt: skip


def test_an_hours_rule_prints_a_datetime_with_its_london_offset() -> None:
    # R-AF-1 (City of London): decisions within 24 hours of the meeting at 10:00 GMT on 1 December.
    status, out, _ = _run(
        "due", "--policy", "city-of-london", "--event", "initial-conference", "--at", "2026-12-01T10:00"
    )
    assert status == 0
    assert json.loads(out)["decisions-circulated"] == "2026-12-02T10:00:00+00:00"


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("2026-07-01T10:00", "2026-06-30T10:00:00+01:00"),  # local time, summer
        ("2026-07-01T10:00:30", "2026-06-30T10:00:30+01:00"),  # with seconds
        ("2026-07-01T09:00Z", "2026-06-30T10:00:00+01:00"),  # UTC
        ("2026-07-01T10:00+01:00", "2026-06-30T10:00:00+01:00"),  # an explicit offset
        ("2026-07-01T05:00-04:00", "2026-06-30T10:00:00+01:00"),  # another zone's offset
        ("2026-07-01", "2026-06-30T00:00:00+01:00"),  # a date: from the start of the day
    ],
)
def test_at_accepts_a_date_a_local_time_or_a_time_with_an_offset(at: str, expected: str) -> None:
    # Medway: reports 24 hours before an initial conference (R-PR-5).
    status, out, _ = _run("due", "--policy", "medway", "--before", "initial-conference", "--at", at)
    assert status == 0
    assert json.loads(out) == {"reports-due": expected}


def test_due_before_a_review_prints_the_before_deadlines() -> None:
    status, out, _ = _run(
        "due", "--policy", "staffordshire", "--before", "review-conference", "--at", "2027-01-05"
    )
    assert status == 0
    assert json.loads(out) == {
        "reports-due": "2026-12-24",
        "exclusion-requests-due": "2026-12-31",
        "invitations-sent": "2026-12-17",
    }


def test_a_policy_that_sets_none_of_an_events_deadlines_prints_an_empty_object() -> None:
    assert _run("due", "--policy", "national", "--event", "inquorate-conference", "--at", "2026-12-01") == (
        0,
        "{}\n",
        "",
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--policy", "croydn", "--event", "visit", "--at", "2026-12-01"],
            f"cpconf due: unknown policy 'croydn'; known policies: {KNOWN}",
        ),
        (
            ["--policy", "croydon", "--event", "icpc", "--at", "2026-12-01"],
            "cpconf due: unknown event 'icpc'; known events: strategy-discussion, initial-conference-decision, "
            "initial-conference, review-conference, transfer-in-documents-received, transfer-in-decision, "
            "inquorate-conference, core-group, visit, expected-delivery",
        ),
        (
            ["--policy", "croydon", "--before", "core-group", "--at", "2026-12-01"],
            "cpconf due: unknown conference 'core-group' for --before; "
            "known conferences: initial-conference, review-conference",
        ),
        (
            ["--policy", "croydon", "--event", "visit", "--at", "2026-13-01"],
            "cpconf due: --at '2026-13-01' is not a date or a date and time; use YYYY-MM-DD, "
            "YYYY-MM-DDTHH:MM[:SS] (Europe/London time) or the same with an offset such as +01:00",
        ),
        (
            ["--policy", "croydon", "--event", "visit", "--at", "1 Dec 2026"],
            "cpconf due: --at '1 Dec 2026' is not a date or a date and time; use YYYY-MM-DD, "
            "YYYY-MM-DDTHH:MM[:SS] (Europe/London time) or the same with an offset such as +01:00",
        ),
        (
            ["--policy", "croydon", "--event", "visit", "--at", "2027-03-28T01:30"],
            "cpconf due: --at '2027-03-28T01:30' does not exist in Europe/London: the clocks go forward then",
        ),
        (
            ["--event", "visit", "--at", "2026-12-01"],
            f"cpconf due: missing --policy NAME (one of: {KNOWN})",
        ),
        (
            ["--policy", "croydon", "--at", "2026-12-01"],
            "cpconf due: missing --event EVENT or --before initial-conference|review-conference",
        ),
        (
            ["--policy", "croydon", "--event", "visit"],
            "cpconf due: missing --at WHEN (use YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] (Europe/London time) "
            "or the same with an offset such as +01:00)",
        ),
        (
            [
                "--policy",
                "croydon",
                "--event",
                "visit",
                "--before",
                "initial-conference",
                "--at",
                "2026-12-01",
            ],
            "cpconf due: give either --event or --before, not both",
        ),
        (
            ["--policy", "croydon", "--event", "visit", "--at"],
            "cpconf due: argument --at: expected one argument",
        ),
        (
            ["--policy", "croydon", "--event", "visit", "--at", "2026-12-01", "--colour"],
            "cpconf due: unknown argument --colour; the options are --policy, --event, --before, --at",
        ),
        (
            ["--policy", "medway", "--event", "visit", "--at", "2010-01-01"],
            "cpconf due: policy 'medway' extends 'national', which has no version in force on 2010-01-01: "
            "its first version takes effect on 2018-07-01",
        ),
    ],
)
def test_a_mistake_exits_2_with_exactly_one_line_saying_what_is_wrong(argv: list[str], message: str) -> None:
    assert _run("due", *argv) == (2, "", message + "\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "cpconf: missing sub-command; use one of: due, policies"),
        (["holidays"], "cpconf: unknown sub-command 'holidays'; use one of: due, policies"),
        (["policies", "--all"], "cpconf policies: unknown argument --all"),
    ],
)
def test_an_unknown_or_missing_sub_command_exits_2_with_one_line(argv: list[str], message: str) -> None:
    assert _run(*argv) == (2, "", message + "\n")


def test_help_goes_to_stdout_and_exits_0() -> None:
    status, out, err = _run("due", "--help")
    assert (status, err) == (0, "")
    assert out.startswith("usage: cpconf due")
    assert "--before CONFERENCE" in out
    assert "expected-delivery" in out


def test_policies_lists_each_profile_on_one_line_with_title_parent_date_and_sources() -> None:
    status, out, err = _run("policies")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert [line.split(":", 1)[0] for line in lines] == KNOWN.split(", ")
    assert lines[2] == (
        "croydon: Croydon | extends national | effective 2018-07-01 | sources: 000_37302181bc7f6b2e.txt: "
        "Child Protection Conferences: Guidance and Practice Standards for Professionals (Croydon, July 2018)"
    )
    assert "national: National default" in lines[4] and "| extends nothing |" in lines[4]


# Through the installed console script -----------------------------------------------------------------


def _console_script() -> str:
    beside_python = Path(sys.executable).parent / "cpconf"
    found = str(beside_python) if beside_python.exists() else shutil.which("cpconf")
    if found is None:  # pragma: no cover - the package is always installed in development
        pytest.fail("the cpconf console script is not installed: run `pip install -e .`")
    return found


def test_the_console_script_prints_the_deadlines() -> None:
    result = subprocess.run(  # noqa: S603  (our own console script, fixed arguments)
        [
            _console_script(),
            "due",
            "--policy",
            "medway",
            "--before",
            "initial-conference",
            "--at",
            "2026-12-02T10:00",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == '{"reports-due": "2026-12-01T10:00:00+00:00"}\n'


def test_the_console_script_exits_2_with_one_line_for_an_unknown_policy() -> None:
    result = subprocess.run(  # noqa: S603
        [_console_script(), "due", "--policy", "croydn", "--event", "visit", "--at", "2026-12-01"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"cpconf due: unknown policy 'croydn'; known policies: {KNOWN}\n"


def test_the_console_script_lists_the_policies() -> None:
    result = subprocess.run(  # noqa: S603
        [_console_script(), "policies"], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 6


def test_policies_refuses_an_invalid_shipped_profile_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "broken.toml").write_text(
        'title = "Broken"\neffective = 2020-01-01\ntitel = "x"\n', encoding="utf-8"
    )
    monkeypatch.setattr(policy, "POLICY_DIR", tmp_path)
    policy._load_shipped.cache_clear()
    try:
        status, out, err = _run("policies")
    finally:
        policy._load_shipped.cache_clear()
    assert (status, out) == (2, "")
    assert err == (
        f"cpconf policies: policy file {tmp_path / 'broken.toml'}, key 'titel': unknown key 'titel'; the keys "
        "allowed here are: title, extends, effective, note, sources, closure_days, event, before, rules, amendments\n"
    )
