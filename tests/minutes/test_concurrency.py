"""Two people save the same section of the minutes at the same moment (issue 3, item 10): exactly one save
wins, the other is refused as stale naming who saved first, and nothing is lost or overwritten. Each
thread has its own database connection; PostgreSQL only, as for the audit chain's concurrency test
(tests/access/test_chain.py): SQLite's in-memory test database is not shared between threads."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from cpconf.conferences.services.scheduling import StaleEditError
from cpconf.minutes import services
from cpconf.minutes.models import Minutes, MinutesSection
from cpconf.people.models import User
from tests.minutes.conftest import build_held

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: SQLite's in-memory test database is not shared between threads",
    ),
]


def _save(
    minutes_pk: int, user_pk: int, text: str, results: dict[str, object], start: threading.Barrier
) -> None:
    try:
        minutes = Minutes.objects.get(pk=minutes_pk)
        user = User.objects.get(pk=user_pk)
        start.wait()
        services.section_save(
            minutes=minutes, key="decision", text=text, expected_version=1, acting_user=user
        )
        results[text] = "saved"
    except StaleEditError as error:
        results[text] = error
    except BaseException as error:  # reported in the test's own thread
        results[text] = error
    finally:
        connections.close_all()


def test_of_two_simultaneous_saves_one_wins_and_the_other_is_refused_as_stale() -> None:
    held = build_held()
    minutes = services.minutes_start(conference=held.conference, acting_user=held.minute_taker.user)
    assert held.minute_taker.user is not None and held.chair.user is not None
    results: dict[str, object] = {}
    start = threading.Barrier(2)
    threads = [
        threading.Thread(
            target=_save, args=(minutes.pk, held.minute_taker.user.pk, "From Petra.", results, start)
        ),
        threading.Thread(target=_save, args=(minutes.pk, held.chair.user.pk, "From Idris.", results, start)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcomes = sorted(type(value).__name__ if value != "saved" else "saved" for value in results.values())
    assert outcomes == ["StaleEditError", "saved"], results
    winner = next(text for text, value in results.items() if value == "saved")
    loser = next(value for value in results.values() if isinstance(value, StaleEditError))
    section = MinutesSection.objects.get(minutes=minutes, key="decision")
    assert section.text == winner and section.version == 2
    winner_name = "Petra Quill" if winner == "From Petra." else "Idris Vantage"
    assert winner_name in loser.messages[0]


def test_a_save_waits_for_the_other_to_commit_then_is_refused_never_overwriting_it() -> None:
    """The second save reads the section only once the first has committed (the row lock), so it cannot
    act on the version it read before."""
    held = build_held()
    minutes = services.minutes_start(conference=held.conference, acting_user=held.minute_taker.user)
    assert held.minute_taker.user is not None and held.chair.user is not None
    first_saved = threading.Event()
    errors: list[BaseException] = []
    waited: list[float] = []
    refused: list[StaleEditError] = []

    def first() -> None:
        try:
            with transaction.atomic():
                services.section_save(
                    minutes=minutes,
                    key="plan",
                    text="First.",
                    expected_version=1,
                    acting_user=held.minute_taker.user,
                )
                first_saved.set()
                time.sleep(0.5)  # still holding the lock
        except BaseException as error:
            errors.append(error)
            first_saved.set()
        finally:
            connections.close_all()

    def second() -> None:
        try:
            first_saved.wait()
            began = time.monotonic()
            try:
                services.section_save(
                    minutes=minutes,
                    key="plan",
                    text="Second.",
                    expected_version=1,
                    acting_user=held.chair.user,
                )
            except StaleEditError as error:
                refused.append(error)
            waited.append(time.monotonic() - began)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(refused) == 1 and "Petra Quill" in refused[0].messages[0]
    assert waited[0] >= 0.3  # it waited for the first transaction's lock
    assert MinutesSection.objects.get(minutes=minutes, key="plan").text == "First."
