"""``cpconf.clock.as_if_at``: the demo writes a family's past as if on each day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cpconf import clock


def test_as_if_at_moves_now_and_today_inside_the_block_only() -> None:
    moment = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # 2 March in London too (GMT)
    before = clock.now()
    with clock.as_if_at(moment):
        assert abs(clock.now() - moment) < timedelta(seconds=5)
        assert clock.today() == moment.date()
    assert abs(clock.now() - before) < timedelta(seconds=5)


def test_today_is_england_s_date() -> None:
    # 23:30 UTC on 1 July is 00:30 on 2 July in London (British Summer Time).
    with clock.as_if_at(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)):
        assert clock.today() == datetime(2026, 7, 2).date()


def test_as_if_at_refuses_a_naive_moment() -> None:
    with pytest.raises(ValueError, match="aware"), clock.as_if_at(datetime(2026, 3, 2, 10, 0)):
        pass  # pragma: no cover
