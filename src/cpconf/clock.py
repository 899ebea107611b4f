"""Today's date and the current time: the one place the product asks for them (tests freeze time)."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return timezone.now()


def today() -> date:
    """Today's date in England (Europe/London), which is what every deadline is counted in."""
    return timezone.localdate()
