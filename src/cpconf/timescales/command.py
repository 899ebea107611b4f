"""The ``cpconf due`` and ``cpconf policies`` commands: check an authority's timescales from a shell.

``cpconf due --policy NAME --event EVENT --at WHEN`` prints one JSON object on one line, mapping each
deadline to an ISO date, or, for a rule in hours, an ISO datetime with its Europe/London offset.
``--before initial-conference|review-conference`` prints the deadlines before a conference instead.
``cpconf policies`` lists the shipped profiles.

The command computes only from ``--at``: it never reads today's date. Any mistake in the arguments
exits with status 2 and exactly one line on stderr saying what is wrong (no usage block).
"""

from __future__ import annotations

import argparse
import json
import re
from datetime import UTC, date, datetime
from typing import Any, NoReturn, Protocol, TextIO

from cpconf.timescales.deadlines import deadlines_before_conference, deadlines_for_event
from cpconf.timescales.durations import LONDON
from cpconf.timescales.errors import TimescalesError, UnknownPolicyError
from cpconf.timescales.events import BEFORE_DEADLINES, EVENT_DEADLINES
from cpconf.timescales.policy import PolicyProfile, load_policy, policy_names

USAGE_ERROR = 2

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?P<offset>Z|[+-]\d{2}:\d{2})?")
_AT_HELP = (
    "use YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] (Europe/London time) or the same with an offset such as +01:00"
)


class _UsageError(Exception):
    """A mistake in the arguments: reported on one line, exit status 2."""


class _Exit(Exception):
    """The parser asked to stop (after --help) with this exit status."""

    def __init__(self, status: int) -> None:
        self.status = status


class _Writable(Protocol):
    """Where argparse may print help: anything with write(str) (typeshed's SupportsWrite[str])."""

    def write(self, text: str, /) -> object: ...


class _Parser(argparse.ArgumentParser):
    """An argument parser that writes help to the given stream and reports mistakes as `_UsageError`."""

    def __init__(self, *args: Any, stdout: TextIO, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stdout = stdout

    def print_help(self, file: _Writable | None = None) -> None:
        self._print_message(self.format_help(), file or self._stdout)

    def print_usage(self, file: _Writable | None = None) -> None:
        self._print_message(self.format_usage(), file or self._stdout)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            raise _UsageError(message.strip())
        raise _Exit(status)

    def error(self, message: str) -> NoReturn:
        if message.startswith("unrecognized arguments: "):
            extra = message.removeprefix("unrecognized arguments: ")
            options = ", ".join(
                action.option_strings[-1] for action in self._actions if action.dest != "help"
            )
            message = f"unknown argument {extra}" + (f"; the options are {options}" if options else "")
        raise _UsageError(message)


def run(argv: list[str], *, stdout: TextIO, stderr: TextIO) -> int:
    """Run ``cpconf <argv>``, where ``argv[0]`` is the sub-command ("due" or "policies"); return the exit status."""
    command = argv[0] if argv else ""
    commands = {"due": _due, "policies": _policies}
    try:
        if command not in commands:
            raise _UsageError(
                f"unknown sub-command {command!r}; use one of: due, policies"
                if command
                else "missing sub-command; use one of: due, policies"
            )
        return commands[command](argv[1:], stdout)
    except _Exit as done:
        return done.status
    except (_UsageError, TimescalesError) as error:
        # One line, whatever the message: the administrator reads it, a script checks the status.
        prefix = f"cpconf {command}" if command in commands else "cpconf"
        print(f"{prefix}: {' '.join(str(error).split())}", file=stderr)
        return USAGE_ERROR


def _due(argv: list[str], stdout: TextIO) -> int:
    parser = _Parser(
        prog="cpconf due",
        allow_abbrev=False,
        stdout=stdout,
        description="Print the deadlines that follow an event, or come before a conference, under a policy.",
        epilog=f"Events: {', '.join(EVENT_DEADLINES)}. Conferences (--before): {', '.join(BEFORE_DEADLINES)}.",
    )
    parser.add_argument(
        "--policy", metavar="NAME", help="the policy profile, e.g. croydon (see `cpconf policies`)"
    )
    parser.add_argument("--event", metavar="EVENT", help="the event the deadlines follow")
    parser.add_argument("--before", metavar="CONFERENCE", help="the conference the deadlines come before")
    parser.add_argument("--at", metavar="WHEN", help=f"when the event happens: {_AT_HELP}")
    arguments = parser.parse_args(argv)

    if arguments.policy is None:
        raise _UsageError("missing --policy NAME (one of: " + ", ".join(policy_names()) + ")")
    if arguments.event is not None and arguments.before is not None:
        raise _UsageError("give either --event or --before, not both")
    if arguments.event is None and arguments.before is None:
        raise _UsageError(f"missing --event EVENT or --before {'|'.join(BEFORE_DEADLINES)}")
    if arguments.at is None:
        raise _UsageError("missing --at WHEN (" + _AT_HELP + ")")

    policy = load_policy(arguments.policy)
    if arguments.event is not None and arguments.event not in EVENT_DEADLINES:
        raise _UsageError(f"unknown event {arguments.event!r}; known events: {', '.join(EVENT_DEADLINES)}")
    if arguments.before is not None and arguments.before not in BEFORE_DEADLINES:
        raise _UsageError(
            f"unknown conference {arguments.before!r} for --before; known conferences: {', '.join(BEFORE_DEADLINES)}"
        )
    at = parse_at(arguments.at)

    if arguments.event is not None:
        deadlines = deadlines_for_event(policy, arguments.event, at)
    else:
        deadlines = deadlines_before_conference(policy, arguments.before, at)
    print(json.dumps({name: value.isoformat() for name, value in deadlines.items()}), file=stdout)
    return 0


def parse_at(text: str) -> date | datetime:
    """Read ``--at``: a date, a local Europe/London date and time, or a date and time with an offset."""
    text = text.strip()
    try:
        if _DATE.fullmatch(text):
            return date.fromisoformat(text)
        match = _DATETIME.fullmatch(text)
        if match:
            moment = datetime.fromisoformat(text)
            if match["offset"]:
                return moment.astimezone(LONDON)
            return _localise(moment, text)
    except ValueError:
        pass
    raise _UsageError(f"--at {text!r} is not a date or a date and time; {_AT_HELP}")


def _localise(naive: datetime, text: str) -> datetime:
    # A local time in the hour the clocks skip (last Sunday of March) does not exist: say so rather than
    # guess. In the hour that happens twice (October), fold=0 takes the first, the earlier moment.
    moment = naive.replace(tzinfo=LONDON)
    if moment.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) != naive:
        raise _UsageError(f"--at {text!r} does not exist in Europe/London: the clocks go forward then")
    return moment


def _policies(argv: list[str], stdout: TextIO) -> int:
    parser = _Parser(
        prog="cpconf policies",
        allow_abbrev=False,
        stdout=stdout,
        description="List the policy profiles: name, title, what each extends, when it takes effect, its sources.",
    )
    parser.parse_args(argv)
    names = policy_names()
    profiles = []
    for name in names:
        try:
            profiles.append(load_policy(name))
        except UnknownPolicyError:  # pragma: no cover - the file vanished between listing and loading
            continue
    for profile in profiles:
        print(describe(profile), file=stdout)
    return 0


def describe(profile: PolicyProfile) -> str:
    """One line about a profile: name, title, parent, effective date(s) and sources."""
    extends = f"extends {profile.extends}" if profile.extends else "extends nothing"
    dates = ", ".join(day.isoformat() for day in profile.version_dates)
    effective = f"effective {dates}" if len(profile.version_dates) == 1 else f"versions effective {dates}"
    sources = "; ".join(str(source) for source in profile.sources)
    return f"{profile.name}: {profile.title} | {extends} | {effective} | sources: {sources}"
