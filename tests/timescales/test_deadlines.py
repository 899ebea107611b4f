"""Deadlines by event (cpconf.timescales.deadlines), authority by authority, checked against hand-worked dates.

Each table follows docs/domain.md's "Policy values by authority": every deadline a profile sets, with dates
chosen around Christmas and New Year (2026: Christmas Day Friday 25 December, Boxing Day observed Monday
28 December), Easter (2027: Good Friday 26 March, Easter Monday 29 March), the May bank holidays, month
ends, a leap year and the clock changes. The working is in the comments, so each date can be checked by
hand against a calendar.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from cpconf.timescales import (
    LONDON,
    UnknownEventError,
    WorkingCalendar,
    deadlines_before_conference,
    deadlines_for_event,
    load_policy,
)

Expected = dict[str, date | str]


def _check(actual: dict[str, date | datetime], expected: Expected) -> None:
    # Names, order and values; an hours deadline is compared by its ISO form, offset included.
    shown = {
        name: value.isoformat() if isinstance(value, datetime) else value for name, value in actual.items()
    }
    assert list(shown.items()) == list(expected.items())


def _at(text: str) -> date | datetime:
    return (
        date.fromisoformat(text) if "T" not in text else datetime.fromisoformat(text).replace(tzinfo=LONDON)
    )


NATIONAL: list[tuple[str, str, Expected]] = [
    # R-CT-1: 15 wd after Monday 14 Dec 2026: 15-18 Dec (4), 21-24 (8), [25, 28 holidays], 29-31 (11),
    # [1 Jan holiday], 4-7 Jan (15).
    ("strategy-discussion", "2026-12-14", {"initial-conference": date(2027, 1, 7)}),
    # R-CT-2: 30 Nov + 3 months = 28 Feb (no 30 Feb). R-DE-5: 10 wd: 1-4 Dec (4), 7-11 (9), 14 (10).
    (
        "initial-conference",
        "2026-11-30",
        {"first-review": date(2027, 2, 28), "first-core-group": date(2026, 12, 14)},
    ),
    # R-CT-2: 31 Aug + 6 months = 28 Feb; in 2027, 29 Feb 2028 (a leap year).
    ("review-conference", "2026-08-31", {"next-review": date(2027, 2, 28)}),
    ("review-conference", "2027-08-31", {"next-review": date(2028, 2, 29)}),
    # R-PL-3: 6 weeks = 42 calendar days, over the year end.
    ("core-group", "2026-12-01", {"next-core-group": date(2027, 1, 12)}),
    # R-CT-4: 15 wd after Wed 24 Mar 2027: 25 (1), [26 Good Friday, 29 Easter Monday], 30-31 (3),
    # 1-2 Apr (5), 5-9 (10), 12-16 (15).
    ("transfer-in-decision", "2027-03-24", {"transfer-in-conference": date(2027, 4, 16)}),
    # The national column is blank for these: no deadline is set.
    ("inquorate-conference", "2026-12-01", {}),
    ("expected-delivery", "2027-06-15", {}),
    ("visit", "2026-12-01", {}),
    ("initial-conference-decision", "2026-12-01", {}),
    ("transfer-in-documents-received", "2026-12-01", {}),
]

CROYDON: list[tuple[str, str, Expected]] = [
    # National timescales apply. 31 Jan + 3 months = 30 Apr; 10 wd from Sunday 31 Jan: 1-5 Feb (5), 8-12 (10).
    (
        "initial-conference",
        "2027-01-31",
        {"first-review": date(2027, 4, 30), "first-core-group": date(2027, 2, 12)},
    ),
    ("review-conference", "2027-01-31", {"next-review": date(2027, 7, 31)}),
]

STAFFORDSHIRE: list[tuple[str, str, Expected]] = [
    # R-CT-1 (national): 15 wd after Mon 22 Mar 2027: 23-25 (3), [Easter], 30-31 (5), 1-2 Apr (7),
    # 5-9 (12), 12-14 (15).
    ("strategy-discussion", "2027-03-22", {"initial-conference": date(2027, 4, 14)}),
    # R-PR-1: 24 hours on the clock; the clocks go forward at 01:00 GMT on Sunday 28 March 2027.
    (
        "initial-conference-decision",
        "2027-03-27T15:00",
        {"initial-conference-notification": "2027-03-28T16:00:00+01:00"},
    ),
    # Tue 22 Dec 2026. 10 wd: 23-24 (2), [25, 28], 29-31 (5), [1 Jan], 4-8 Jan (10).
    # 1 wd: 23 Dec. 28 wd (R-AF-2, from the conference): 11-15 Jan (15), 18-22 (20), 25-29 (25), 1-3 Feb (28).
    (
        "initial-conference",
        "2026-12-22",
        {
            "first-review": date(2027, 3, 22),
            "first-core-group": date(2027, 1, 8),
            "decisions-circulated": date(2026, 12, 23),
            "minutes-circulated": date(2027, 1, 8),
            "minutes-amended": date(2027, 2, 3),
        },
    ),
    # Fri 30 Apr 2027, before the early May bank holiday (Mon 3 May) and the spring one (Mon 31 May).
    # 1 wd: Tue 4 May. 10 wd: 4-7 May (4), 10-14 (9), 17 (10). 28 wd: 18-21 (14), 24-28 (19), [31 May],
    # 1-4 Jun (23), 7-11 (28).
    (
        "review-conference",
        "2027-04-30",
        {
            "next-review": date(2027, 10, 30),
            "decisions-circulated": date(2027, 5, 4),
            "minutes-circulated": date(2027, 5, 17),
            "minutes-amended": date(2027, 6, 11),
        },
    ),
    # R-MV-1: 5 wd after Wed 23 Dec 2026: 24 (1), [25, 28], 29-31 (4), [1 Jan], 4 Jan (5).
    ("transfer-in-documents-received", "2026-12-23", {"transfer-in-documents-reviewed": date(2027, 1, 4)}),
    # R-CT-4: 15 wd after Fri 1 May 2026: [4 May], 5-8 (4), 11-15 (9), 18-22 (14), [25 May], 26 (15).
    ("transfer-in-decision", "2026-05-01", {"transfer-in-conference": date(2026, 5, 26)}),
    # R-CT-6: 7 wd after Wed 26 May 2027: 27-28 (2), [31 May], 1-4 Jun (6), 7 (7).
    ("inquorate-conference", "2027-05-26", {"reconvened-conference": date(2027, 6, 7)}),
    # R-PL-3: Tue 18 Jan 2028 + 42 days = 29 Feb 2028 (leap year). 10 wd: 19-21 (3), 24-28 (8), 31 (9), 1 Feb (10).
    (
        "core-group",
        "2028-01-18",
        {"next-core-group": date(2028, 2, 29), "core-group-record-circulated": date(2028, 2, 1)},
    ),
    # R-PL-4: every 3 weeks.
    ("visit", "2026-12-10", {"next-visit": date(2026, 12, 31)}),
    # R-CT-3: 30 and 32 weeks' gestation = 70 and 56 days before a delivery expected on 15 Jun 2027.
    (
        "expected-delivery",
        "2027-06-15",
        {"pre-birth-conference-earliest": date(2027, 4, 6), "pre-birth-conference-latest": date(2027, 4, 20)},
    ),
]

CITY_OF_LONDON: list[tuple[str, str, Expected]] = [
    # Wed 23 Dec 2026, no time given: R-AF-1's 24 hours count from 00:00. 15 wd: 24 (1), [25, 28],
    # 29-31 (4), [1 Jan], 4-8 (9), 11-15 (14), 18 (15). National first core group, 10 wd: ... 11 Jan.
    (
        "initial-conference",
        "2026-12-23",
        {
            "first-review": date(2027, 3, 23),
            "first-core-group": date(2027, 1, 11),
            "decisions-circulated": "2026-12-24T00:00:00+00:00",
            "minutes-circulated": date(2027, 1, 18),
        },
    ),
    # Saturday 24 Oct 2026, 14:00 BST: the clocks go back at 02:00 BST on the 25th, so 24 hours later
    # is 13:00 GMT.
    (
        "initial-conference",
        "2026-10-24T14:00",
        {
            "first-review": date(2027, 1, 24),
            "first-core-group": date(2026, 11, 6),
            "decisions-circulated": "2026-10-25T13:00:00+00:00",
            "minutes-circulated": date(2026, 11, 13),
        },
    ),
    # Fri 28 May 2027 at 10:00 BST. 15 wd: [31 May], 1-4 Jun (4), 7-11 (9), 14-18 (14), 21 (15).
    (
        "review-conference",
        "2027-05-28T10:00",
        {
            "next-review": date(2027, 11, 28),
            "decisions-circulated": "2027-05-29T10:00:00+01:00",
            "minutes-circulated": date(2027, 6, 21),
        },
    ),
    ("core-group", "2026-11-30", {"next-core-group": date(2027, 1, 11)}),
]

MEDWAY: list[tuple[str, str, Expected]] = [
    # National timescales apply.
    (
        "initial-conference",
        "2026-11-30",
        {"first-review": date(2027, 2, 28), "first-core-group": date(2026, 12, 14)},
    ),
    ("review-conference", "2027-05-31", {"next-review": date(2027, 11, 30)}),
]

BOLTON: list[tuple[str, str, Expected]] = [
    # R-CT-1: 15 wd after Wed 1 Apr 2026 (the enquiry taken to start with the strategy discussion):
    # 2 (1), [3 Good Friday, 6 Easter Monday], 7-10 (5), 13-17 (10), 20-24 (15).
    ("strategy-discussion", "2026-04-01", {"initial-conference": date(2026, 4, 24)}),
    # Fri 22 May 2026. 10 wd: [25 May], 26-29 (4), 1-5 Jun (9), 8 (10). 20 wd: 9-12 (14), 15-19 (19), 22 (20).
    (
        "initial-conference",
        "2026-05-22",
        {
            "first-review": date(2026, 8, 22),
            "first-core-group": date(2026, 6, 8),
            "minutes-circulated": date(2026, 6, 22),
        },
    ),
    # Fri 28 Aug 2026. 20 wd: [31 Aug], 1-4 Sep (4), 7-11 (9), 14-18 (14), 21-25 (19), 28 (20).
    (
        "review-conference",
        "2026-08-28",
        {"next-review": date(2027, 2, 28), "minutes-circulated": date(2026, 9, 28)},
    ),
]


def _cases(policy: str, table: list[tuple[str, str, Expected]]) -> list[object]:
    return [
        pytest.param(policy, event, at, expected, id=f"{policy}-{event}-{at}")
        for event, at, expected in table
    ]


@pytest.mark.parametrize(
    ("policy", "event", "at", "expected"),
    _cases("national", NATIONAL)
    + _cases("croydon", CROYDON)
    + _cases("staffordshire", STAFFORDSHIRE)
    + _cases("city-of-london", CITY_OF_LONDON)
    + _cases("medway", MEDWAY)
    + _cases("bolton", BOLTON),
)
def test_each_deadline_after_an_event_falls_on_the_hand_worked_date(
    policy: str, event: str, at: str, expected: Expected
) -> None:
    _check(deadlines_for_event(load_policy(policy), event, _at(at)), expected)


BEFORE: list[tuple[str, str, str, Expected]] = [
    # The national column sets nothing before a conference.
    ("national", "initial-conference", "2026-12-16", {}),
    ("national", "review-conference", "2026-12-16", {}),
    # R-PR-5, Croydon: 2 wd before Mon 4 Jan 2027: [1 Jan], 31 Dec (1), 30 Dec (2).
    ("croydon", "initial-conference", "2027-01-04", {"reports-due": date(2026, 12, 30)}),
    # 5 wd before Tue 29 Dec 2026: [28, 25], 24 (1), 23, 22, 21 (4), 18 (5).
    ("croydon", "review-conference", "2026-12-29", {"reports-due": date(2026, 12, 18)}),
    # Staffordshire, Tue 30 Mar 2027: [29 Easter Monday, 26 Good Friday], 25 (1), 24 (2).
    (
        "staffordshire",
        "initial-conference",
        "2027-03-30",
        {
            "reports-due": date(2027, 3, 24),
            "exclusion-requests-due": date(2027, 3, 24),
        },
    ),
    # Tue 5 Jan 2027: 4 Jan (1), [1 Jan], 31 Dec (2), 30 (3), 29 (4), [28, 25], 24 (5), 23, 22, 21 (8),
    # 18 (9), 17 (10).
    (
        "staffordshire",
        "review-conference",
        "2027-01-05",
        {
            "reports-due": date(2026, 12, 24),
            "exclusion-requests-due": date(2026, 12, 31),
            "invitations-sent": date(2026, 12, 17),
        },
    ),
    # City of London: calendar days. Mon 1 Mar 2027 - 2 days; Thu 2 Mar 2028 - 5 days (over 29 Feb).
    ("city-of-london", "initial-conference", "2027-03-01", {"reports-due": date(2027, 2, 27)}),
    ("city-of-london", "review-conference", "2028-03-02", {"reports-due": date(2028, 2, 26)}),
    # Medway: 24 hours on the clock before an initial conference; 3 wd before a review.
    ("medway", "initial-conference", "2026-12-02T10:00", {"reports-due": "2026-12-01T10:00:00+00:00"}),
    # No time given: from 00:00 on the day, the earlier and safer deadline.
    ("medway", "initial-conference", "2026-12-02", {"reports-due": "2026-12-01T00:00:00+00:00"}),
    # Wed 2 Jun 2027: 1 Jun (1), [31 May], 28 May (2), 27 May (3).
    ("medway", "review-conference", "2027-06-02", {"reports-due": date(2027, 5, 27)}),
    # Bolton: 24 hours before Mon 30 Mar 2026 (00:00 BST = 23:00 GMT on the 29th), across the clock change.
    ("bolton", "initial-conference", "2026-03-30", {"reports-due": "2026-03-28T23:00:00+00:00"}),
    # Bolton's table entry before a review is blank, and so is the national one.
    ("bolton", "review-conference", "2026-03-30", {}),
]


@pytest.mark.parametrize(
    ("policy", "conference", "at", "expected"),
    [pytest.param(*case, id=f"{case[0]}-{case[1]}-{case[2]}") for case in BEFORE],
)
def test_each_deadline_before_a_conference_falls_on_the_hand_worked_date(
    policy: str, conference: str, at: str, expected: Expected
) -> None:
    _check(deadlines_before_conference(load_policy(policy), conference, _at(at)), expected)


def test_bolton_counts_the_initial_conference_from_the_section_47_enquiry_when_its_date_is_given() -> None:
    # R-CT-1: 15 wd after Wed 8 Apr 2026: 9-10 (2), 13-17 (7), 20-24 (12), 27-29 (15).
    policy = load_policy("bolton")
    rule = policy.in_force_on(date(2026, 4, 1)).deadline_rule("strategy-discussion", "initial-conference")
    assert rule is not None and rule.counts_from == "section-47-enquiry"
    deadlines = deadlines_for_event(
        policy, "strategy-discussion", date(2026, 4, 1), anchors={"section-47-enquiry": date(2026, 4, 8)}
    )
    assert deadlines == {"initial-conference": date(2026, 4, 29)}


def test_the_national_rule_counts_from_the_strategy_discussion_whatever_anchors_are_given() -> None:
    deadlines = deadlines_for_event(
        load_policy("national"),
        "strategy-discussion",
        date(2026, 4, 1),
        anchors={"section-47-enquiry": date(2026, 4, 8)},
    )
    assert deadlines == {"initial-conference": date(2026, 4, 24)}


def test_the_authoritys_own_closure_days_move_a_working_day_deadline() -> None:
    calendar = WorkingCalendar(closure_days=[date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)])
    deadlines = deadlines_for_event(
        load_policy("staffordshire"), "initial-conference", date(2026, 12, 22), calendar
    )
    # 10 wd: 23-24 (2), [25-31 closed], 4-8 Jan (7), 11-13 (10).
    assert deadlines["first-core-group"] == date(2027, 1, 13)


def test_a_policy_already_resolved_for_a_day_can_be_passed_instead_of_the_profile() -> None:
    policy = load_policy("staffordshire").in_force_on(date(2026, 12, 1))
    assert deadlines_for_event(policy, "visit", date(2026, 12, 10)) == {"next-visit": date(2026, 12, 31)}


def test_an_unknown_event_is_refused_with_the_events_known() -> None:
    with pytest.raises(UnknownEventError, match="unknown event 'ICPC'; known events: strategy-discussion"):
        deadlines_for_event(load_policy("national"), "ICPC", date(2026, 12, 1))


def test_an_unknown_conference_is_refused_with_the_conferences_known() -> None:
    with pytest.raises(UnknownEventError, match="unknown conference 'core-group'"):
        deadlines_before_conference(load_policy("national"), "core-group", date(2026, 12, 1))
