"""Shared settings for the timescales tests: pure Python, no database."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

# Property tests stay quick (the whole timescales run takes seconds) and never time out on a slow machine.
settings.register_profile(
    "timescales", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
