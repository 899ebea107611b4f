"""Reads of people records that other parts of the product build on."""

from __future__ import annotations

from datetime import date

import pytest

from cpconf.people.selectors import working_calendar_for
from cpconf.timescales import deadlines_for_event, load_policy
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_authoritys_closure_days_are_not_working_days() -> None:
    authority = factories.AuthorityFactory()
    factories.ClosureDayFactory(authority=authority, date=date(2026, 12, 24), reason="Offices closed")
    calendar = working_calendar_for(authority)
    assert not calendar.is_working_day(date(2026, 12, 24))
    assert calendar.is_working_day(date(2026, 12, 23))


def test_a_deadline_for_the_authority_skips_its_closure_days() -> None:
    # R-PL-3: the first core group within 10 working days of the initial conference.
    authority = factories.AuthorityFactory(policy_profile="staffordshire")
    policy = load_policy(authority.policy_profile)
    conference = date(2026, 12, 14)
    before = deadlines_for_event(policy, "initial-conference", conference, working_calendar_for(authority))
    factories.ClosureDayFactory(authority=authority, date=date(2026, 12, 24), reason="Offices closed")
    after = deadlines_for_event(policy, "initial-conference", conference, working_calendar_for(authority))
    assert before["first-core-group"] == date(2026, 12, 30)
    assert after["first-core-group"] == date(2026, 12, 31)


def test_another_authoritys_closure_days_do_not_count() -> None:
    authority = factories.AuthorityFactory()
    factories.ClosureDayFactory(
        authority=factories.AuthorityFactory(), date=date(2026, 12, 24), reason="Shut"
    )
    assert working_calendar_for(authority).is_working_day(date(2026, 12, 24))
