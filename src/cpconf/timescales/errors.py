"""The exceptions of `cpconf.timescales`.

Every error here is a `ValueError` whose message a person can act on: it says what was wrong in plain
English, so the command line and the product can show it as it is.
"""

from __future__ import annotations


class TimescalesError(ValueError):
    """Base class for every error raised by `cpconf.timescales`."""


class DurationError(TimescalesError):
    """A duration such as "15 wd" could not be read."""


class PolicyError(TimescalesError):
    """A policy profile is invalid: the message names the file, the key and the problem."""


class UnknownPolicyError(TimescalesError):
    """No policy profile has the name asked for."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = known
        super().__init__(f"unknown policy {name!r}; known policies: {', '.join(known) or '(none)'}")


class PolicyNotInForceError(TimescalesError):
    """No version of a policy profile was in force on the day asked about (R-NA-1)."""


class UnknownEventError(TimescalesError):
    """An event or conference name that the timescales do not know."""
