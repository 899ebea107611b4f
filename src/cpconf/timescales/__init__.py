"""Statutory timescales for child protection conferences (pure Python, no Django).

This package owns every piece of date arithmetic in cpconf (DESIGN principle 1): the England
working-day calendar, durations such as "15 wd" or "3 months", the dated policy profiles in
``policies/*.toml``, and the deadlines that follow from an event.
"""

from __future__ import annotations

from pathlib import Path

POLICY_DIR = Path(__file__).parent / "policies"


def policy_names() -> list[str]:
    """Return the names of the shipped policy profiles, sorted (``["bolton", ..., "staffordshire"]``)."""
    return sorted(path.stem for path in POLICY_DIR.glob("*.toml"))


__all__ = ["POLICY_DIR", "policy_names"]
