"""Benchmark: how fast the statutory clock works out deadlines.

Recomputing every due date after a policy change (DESIGN principle 3) must stay quick for a large
authority: the target is 50,000 conferences' deadlines in under 10 seconds on one core.

    .venv/bin/python benchmarks/timescales_bench.py [--conferences 50000]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta

from cpconf.timescales import WorkingCalendar, deadlines_for_event, load_policy, policy_names

TARGET_SECONDS_PER_50K = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conferences", type=int, default=50_000)
    arguments = parser.parse_args()

    rng = random.Random(2026)  # the same dates every run
    profiles = [load_policy(name) for name in policy_names()]
    calendar = WorkingCalendar(closure_days=[date(2026, 12, 24), date(2027, 12, 24)])
    start = date(2026, 1, 1)
    cases = [
        (rng.choice(profiles), start + timedelta(days=rng.randrange(0, 3 * 365)))
        for _ in range(arguments.conferences)
    ]

    began = time.perf_counter()
    deadlines = 0
    for profile, day in cases:
        deadlines += len(deadlines_for_event(profile, "initial-conference", day, calendar))
        deadlines += len(deadlines_for_event(profile, "strategy-discussion", day, calendar))
    elapsed = time.perf_counter() - began

    scaled = elapsed * 50_000 / arguments.conferences
    print(f"{arguments.conferences} conferences, {deadlines} deadlines in {elapsed:.2f} s")
    print(f"{deadlines / elapsed:,.0f} deadlines a second; {scaled:.2f} s per 50,000 conferences")
    print(f"target: under {TARGET_SECONDS_PER_50K:.0f} s per 50,000 conferences")
    return 0 if scaled < TARGET_SECONDS_PER_50K else 1


if __name__ == "__main__":
    sys.exit(main())
