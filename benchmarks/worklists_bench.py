"""Benchmark: how fast the coordinator's conference list answers for a large authority.

The list is one page of 50 conferences from all of an authority's conferences, filtered and ordered by
due date in the database (DESIGN principle 3: derive on write, index for read). The target: the first
page, and the "overdue" filter, each within 0.5 seconds with 20,000 conferences on SQLite on one core.

    .venv/bin/python benchmarks/worklists_bench.py [--conferences 20000]

It builds a throwaway SQLite database in a temporary folder (nothing else is touched) with the demo
settings, then times each list as the demo's conference coordinator.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta

TARGET_SECONDS = 0.5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conferences", type=int, default=20_000)
    arguments = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="cpconf-bench-")
    os.environ["CPCONF_DEMO"] = "1"
    os.environ["CPCONF_DATA_DIR"] = folder
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "cpconf.settings"

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's responses, and ALLOWED_HOSTS for "testserver"
    call_command("migrate", verbosity=0)

    from cpconf.conferences.models import Conference, ConferenceChild, ConferenceStatus, ConferenceType
    from cpconf.people import demo_data
    from cpconf.people.models import Child, User

    demo_data.demo_load()
    authority = Child.objects.first().authority  # type: ignore[union-attr]
    children = list(Child.objects.filter(authority=authority))
    today = date.today()
    began = time.perf_counter()
    batch = [
        Conference(
            authority=authority,
            conference_type=ConferenceType.REVIEW if number % 3 else ConferenceType.INITIAL,
            status=ConferenceStatus.REQUESTED if number % 4 else ConferenceStatus.HELD,
            due_date=today + timedelta(days=number % 400 - 100),
            due_date_basis="Benchmark.",
        )
        for number in range(arguments.conferences)
    ]
    Conference.objects.bulk_create(batch, batch_size=2000)
    ConferenceChild.objects.bulk_create(
        (
            ConferenceChild(conference=conference, child=children[number % len(children)])
            for number, conference in enumerate(Conference.objects.filter(due_date_basis="Benchmark."))
        ),
        batch_size=2000,
    )
    print(f"Built {arguments.conferences:,} conferences in {time.perf_counter() - began:.1f} s")

    client = Client()
    client.force_login(User.objects.get(email__startswith="ottoline.brackwater@"))
    client.get("/conferences/")  # warm up: templates compiled, the access chain's first query
    failures = 0
    for url in ("/conferences/", "/conferences/?overdue=on", "/conferences/?status=all&page=200"):
        began = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - began
        ok = response.status_code == 200 and elapsed <= TARGET_SECONDS
        failures += not ok
        print(
            f"{url}: {response.status_code} in {elapsed:.3f} s ({'within' if ok else 'OVER'} {TARGET_SECONDS} s)"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
