"""Policy profiles (cpconf.timescales.policy): the shipped profiles, their validation and dated versions."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from cpconf.timescales import (
    POLICY_DIR,
    AdvocacyOffer,
    Agency,
    CategoriesMode,
    ChildInvitation,
    DecisionRule,
    NeglectEndingRule,
    PlanEndingReview,
    PolicyError,
    PolicyNotInForceError,
    QuorumRule,
    UnknownPolicyError,
    deadlines_before_conference,
    deadlines_for_event,
    load_policy,
    load_policy_file,
    parse_duration,
    policy_names,
)

SHIPPED = ["bolton", "city-of-london", "croydon", "medway", "national", "staffordshire"]
SEEDS = {
    "croydon": "000_37302181bc7f6b2e.txt",
    "staffordshire": "001_96a9d6f1de4613d0.txt",
    "city-of-london": "002_333a7614a35da8aa.txt",
    "medway": "003_88818c9b44650522.txt",
    "bolton": "004_c95caddd55cd3972.txt",
}
A_DAY = date(2026, 12, 1)


# The shipped profiles ---------------------------------------------------------------------------------


def test_policy_names_lists_the_shipped_profiles_sorted() -> None:
    assert policy_names() == SHIPPED


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_profile_loads_with_a_title_an_effective_date_and_its_sources(name: str) -> None:
    profile = load_policy(name)
    assert profile.name == name
    assert profile.title
    assert profile.effective <= A_DAY
    assert profile.sources
    assert all(source.title and source.authority and source.date for source in profile.sources)


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_every_authority_extends_national_and_names_its_seed_document(name: str) -> None:
    profile = load_policy(name)
    assert profile.extends == "national"
    assert [source.file for source in profile.sources] == [SEEDS[name]]


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_every_value_an_authority_sets_names_the_seed_it_comes_from(name: str) -> None:
    profile = load_policy(name)
    for version in profile.versions:
        for rule in version.deadlines.values():
            assert rule is not None and SEEDS[name] in rule.source, rule
        for entry in version.rules.values():
            assert entry is not None and SEEDS[name] in entry.source, entry


@pytest.mark.parametrize(
    ("name", "effective"),
    [
        ("national", date(2018, 7, 1)),
        ("croydon", date(2018, 7, 1)),
        ("staffordshire", date(2018, 10, 1)),
        ("city-of-london", date(2021, 1, 1)),
        ("medway", date(2008, 4, 1)),
        ("bolton", date(2019, 1, 1)),
    ],
)
def test_each_profile_takes_effect_on_the_date_of_its_source(name: str, effective: date) -> None:
    # R-NA-1: a profile carries the date it takes effect.
    assert load_policy(name).effective == effective


def test_national_sets_no_local_rules() -> None:
    # docs/domain.md: where the national column is blank too, the value is absent.
    policy = load_policy("national").in_force_on(A_DAY)
    assert policy.decision_rule is None
    assert policy.categories is None
    assert policy.child_invited is None
    assert policy.advocacy_offered is None
    assert policy.quorum is None
    assert policy.always_invited == ()
    assert policy.ending_under_neglect_at_first_review is None
    assert policy.ending_plan_at_review is None
    assert policy.arrive_early_minutes is None
    assert policy.report_copies is None
    assert policy.report_recipients("initial-conference") == ()


def test_croydon_asks_every_agency_for_a_view_and_for_early_arrival_with_ten_copies() -> None:
    policy = load_policy("croydon").in_force_on(A_DAY)
    assert policy.decision_rule is DecisionRule.ALL_GIVE_A_VIEW  # R-DE-2
    assert policy.arrive_early_minutes == 30
    assert policy.report_copies == 10
    assert policy.report_recipients("initial-conference") == ("chair",)  # R-PR-5
    assert policy.report_recipients("review-conference") == ("chair",)


def test_staffordshire_sets_its_local_rules() -> None:
    policy = load_policy("staffordshire").in_force_on(A_DAY)
    assert policy.decision_rule is DecisionRule.AGENCY_MAJORITY_CHAIR_CASTING_VOTE  # R-DE-3
    assert policy.categories is CategoriesMode.SINGLE  # R-DE-4
    assert policy.child_invited == ChildInvitation(from_age=12)  # R-PR-2
    assert policy.advocacy_offered == AdvocacyOffer(from_age=5)
    assert policy.quorum == QuorumRule(  # R-QU-1
        minimum_agencies=3, contributed_to_enquiry=True, health_providers_count_separately=True
    )
    assert policy.ending_under_neglect_at_first_review == NeglectEndingRule(  # R-PL-6
        allowed=False, unless_child_left_household=True
    )
    assert policy.ending_plan_at_review is None
    assert policy.report_recipients("initial-conference") == ("family", "chair")
    rule = policy.before_rule("initial-conference", "reports-due")
    assert rule is not None and rule.talked_through


def test_city_of_london_lets_the_chair_decide_on_a_single_category() -> None:
    policy = load_policy("city-of-london").in_force_on(A_DAY)
    assert policy.decision_rule is DecisionRule.CHAIR_DECIDES
    assert policy.categories is CategoriesMode.SINGLE
    assert policy.child_invited == ChildInvitation(age_and_understanding=True)
    assert policy.report_recipients("review-conference") == ("family", "conference-office")


def test_medway_needs_social_care_police_and_health_and_an_assistant_directors_review_to_end_a_plan() -> None:
    policy = load_policy("medway").in_force_on(A_DAY)
    assert policy.decision_rule is DecisionRule.CHAIR_DECIDES_CONSENSUS_SOUGHT
    assert policy.quorum == QuorumRule(
        required_agencies=(Agency.CHILDRENS_SOCIAL_CARE, Agency.POLICE, Agency.HEALTH)
    )
    assert policy.ending_plan_at_review == PlanEndingReview(
        reviewed_by="Assistant Director for Children's Care", exceptional=True
    )
    assert policy.report_recipients("initial-conference") == ("chair",)


def test_bolton_invites_social_care_health_and_police_and_offers_its_advocacy_service() -> None:
    policy = load_policy("bolton").in_force_on(A_DAY)
    assert policy.decision_rule is DecisionRule.MULTI_AGENCY
    assert policy.always_invited == (Agency.CHILDRENS_SOCIAL_CARE, Agency.HEALTH, Agency.POLICE)
    assert policy.quorum is None
    offer = policy.advocacy_offered
    assert offer is not None and offer.from_age is None and offer.service
    rule = policy.before_rule("initial-conference", "reports-due")
    assert rule is not None and rule.recipients == ("parents",) and rule.authors == ("social-worker",)


def test_each_rule_keeps_the_words_it_rests_on() -> None:
    entry = load_policy("croydon").in_force_on(A_DAY).rule("arrive_early")
    assert entry is not None and "30 minutes in advance" in entry.source


def test_an_unknown_policy_name_lists_the_known_ones() -> None:
    with pytest.raises(UnknownPolicyError) as raised:
        load_policy("croydn")
    assert str(raised.value) == (
        "unknown policy 'croydn'; known policies: bolton, city-of-london, croydon, medway, national, staffordshire"
    )


@pytest.mark.parametrize("name", ["../national", "National", "", "national.toml"])
def test_a_name_that_is_not_a_profile_name_is_an_unknown_policy(name: str) -> None:
    with pytest.raises(UnknownPolicyError):
        load_policy(name)


def test_a_profile_cannot_be_used_before_it_takes_effect() -> None:
    with pytest.raises(PolicyNotInForceError, match="'staffordshire' has no version in force on 2018-09-30"):
        load_policy("staffordshire").in_force_on(date(2018, 9, 30))


def test_a_profile_cannot_be_used_before_the_profile_it_extends_takes_effect() -> None:
    with pytest.raises(
        PolicyNotInForceError, match="'medway' extends 'national', which has no version in force"
    ):
        load_policy("medway").in_force_on(date(2010, 1, 1))


# Dated versions (R-NA-1) ------------------------------------------------------------------------------

# The sources are an inline list so that top-level keys such as ``extends`` may follow the header.
HEADER = """
title = "{title}"
effective = {effective}
sources = [{{ title = "Test guidance", authority = "A fictional authority", date = "2026" }}]
"""


def _write(
    directory: Path, name: str, body: str, *, title: str = "Test", effective: str = "2018-07-01"
) -> Path:
    path = directory / f"{name}.toml"
    path.write_text(HEADER.format(title=title, effective=effective) + body, encoding="utf-8")
    return path


@pytest.fixture
def versioned(tmp_path: Path) -> Path:
    _write(
        tmp_path,
        "national",
        """
[event.initial-conference.first-review]
after = "3 months"
source = "first version"

[[amendments]]
effective = 2027-01-01
title = "A later national guidance"
source = "second version"
[amendments.event.initial-conference.first-review]
after = "2 months"
source = "second version: two months"
""",
    )
    _write(
        tmp_path,
        "shire",
        """
extends = "national"
[before.initial-conference.reports-due]
before = "2 wd"
source = "the shire's first version"
[rules.decision_rule]
value = "chair-decides"
source = "the shire's first version"

[[amendments]]
effective = 2027-06-01
source = "the shire's second version"
[amendments.before.initial-conference.reports-due]
before = "3 wd"
source = "three working days from June 2027"
[amendments.rules.decision_rule]
unset = true
source = "no longer stated"
""",
        effective="2019-01-01",
    )
    return tmp_path


def test_a_deadline_follows_the_version_in_force_on_the_day_of_the_event(versioned: Path) -> None:
    # R-NA-1: the event on 31 December 2026 is under the first version; on 1 January 2027, the second.
    national = load_policy("national", versioned)
    assert deadlines_for_event(national, "initial-conference", date(2026, 12, 31)) == {
        "first-review": date(2027, 3, 31)
    }
    assert deadlines_for_event(national, "initial-conference", date(2027, 1, 1)) == {
        "first-review": date(2027, 3, 1)
    }


def test_an_authority_inherits_the_national_version_in_force_that_day(versioned: Path) -> None:
    shire = load_policy("shire", versioned)
    assert deadlines_for_event(shire, "initial-conference", date(2026, 12, 31))["first-review"] == date(
        2027, 3, 31
    )
    assert deadlines_for_event(shire, "initial-conference", date(2027, 1, 1))["first-review"] == date(
        2027, 3, 1
    )


def test_an_amendment_replaces_or_unsets_an_entry_from_its_effective_date(versioned: Path) -> None:
    shire = load_policy("shire", versioned)
    # Thu 3 Jun 2027: 2 wd before = Tue 1 Jun; 3 wd before = Fri 28 May (31 May is a bank holiday).
    may = shire.in_force_on(date(2027, 5, 31))
    june = shire.in_force_on(date(2027, 6, 1))
    assert deadlines_before_conference(may, "initial-conference", date(2027, 6, 3)) == {
        "reports-due": date(2027, 6, 1)
    }
    assert deadlines_before_conference(june, "initial-conference", date(2027, 6, 3)) == {
        "reports-due": date(2027, 5, 28)
    }
    assert may.decision_rule is DecisionRule.CHAIR_DECIDES
    assert june.decision_rule is None


def test_the_policy_in_force_says_which_versions_it_applied(versioned: Path) -> None:
    policy = load_policy("shire", versioned).in_force_on(date(2027, 6, 1))
    assert policy.versions_applied == (
        ("national", date(2018, 7, 1)),
        ("national", date(2027, 1, 1)),
        ("shire", date(2019, 1, 1)),
        ("shire", date(2027, 6, 1)),
    )
    assert policy.in_force_since == date(2027, 6, 1)
    assert load_policy("shire", versioned).version_dates == (date(2019, 1, 1), date(2027, 6, 1))


def test_closure_days_listed_in_a_profile_and_its_parent_are_not_working_days(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "national",
        'closure_days = [{ date = 2026-12-24, reason = "A one-off national holiday" }]\n',
    )
    _write(
        tmp_path,
        "shire",
        'extends = "national"\nclosure_days = [{ date = 2026-12-23, reason = "Council closure" }]\n'
        '[event.core-group.core-group-record-circulated]\nafter = "1 wd"\nsource = "test"\n',
    )
    deadlines = deadlines_for_event(load_policy("shire", tmp_path), "core-group", date(2026, 12, 22))
    assert deadlines == {"core-group-record-circulated": date(2026, 12, 29)}


# Invalid profiles: the message names the file, the key and the problem ---------------------------------

VALID_DEADLINE = '[event.initial-conference.first-review]\nafter = "3 months"\nsource = "test"\n'

INVALID: list[tuple[str, str, str, str]] = [
    # (case, body after the header, key named, problem named)
    ("bad TOML", 'title2 = "unterminated\n', "title2", "not valid TOML"),
    (
        "bad TOML in a table",
        "[event.initial-conference.first-review]\nafter = 3 months\n",
        "first-review.after",
        "not valid TOML",
    ),
    ("unknown top-level key", 'titel = "x"\n', "titel", "unknown key 'titel'"),
    (
        "unknown event",
        '[event.icpc.first-review]\nafter = "3 months"\nsource = "x"\n',
        "event.icpc",
        "unknown event 'icpc'",
    ),
    (
        "unknown deadline",
        '[event.initial-conference.frist-review]\nafter = "3 months"\nsource = "x"\n',
        "event.initial-conference.frist-review",
        "unknown deadline 'frist-review'",
    ),
    (
        "unknown field of a deadline",
        '[event.initial-conference.first-review]\nafer = "3 months"\nsource = "x"\n',
        "event.initial-conference.first-review.afer",
        "unknown key 'afer'",
    ),
    (
        "bad duration",
        '[event.initial-conference.first-review]\nafter = "3 monts"\nsource = "x"\n',
        "event.initial-conference.first-review.after",
        "'3 monts' is not a duration",
    ),
    (
        "duration of the wrong type",
        '[event.initial-conference.first-review]\nafter = 3\nsource = "x"\n',
        "event.initial-conference.first-review.after",
        "must be text",
    ),
    (
        "deadline without a source",
        '[event.initial-conference.first-review]\nafter = "3 months"\n',
        "event.initial-conference.first-review.source",
        "is missing",
    ),
    (
        "deadline counted the wrong way",
        '[event.initial-conference.first-review]\nbefore = "3 months"\nsource = "x"\n',
        "event.initial-conference.first-review.before",
        "is counted after",
    ),
    (
        "deadline with no duration",
        '[event.initial-conference.first-review]\nsource = "x"\n',
        "event.initial-conference.first-review",
        "give exactly one of 'after' or 'before'",
    ),
    (
        "after in a before section",
        '[before.initial-conference.reports-due]\nafter = "2 wd"\nsource = "x"\n',
        "before.initial-conference.reports-due.after",
        "unknown key 'after'",
    ),
    (
        "unknown recipient",
        '[before.initial-conference.reports-due]\nbefore = "2 wd"\nrecipients = ["chiar"]\nsource = "x"\n',
        "before.initial-conference.reports-due.recipients[1]",
        "'chiar' is not one of",
    ),
    (
        "unknown rule",
        '[rules.quorom]\nminimum_agencies = 3\nsource = "x"\n',
        "rules.quorom",
        "unknown rule 'quorom'",
    ),
    (
        "wrong type in a rule",
        '[rules.quorum]\nminimum_agencies = "three"\nsource = "x"\n',
        "rules.quorum.minimum_agencies",
        "must be a whole number, not text",
    ),
    (
        "true where a number belongs",
        '[rules.child_invited]\nfrom_age = true\nsource = "x"\n',
        "rules.child_invited.from_age",
        "must be a whole number, not true or false",
    ),
    (
        "unknown agency",
        '[rules.quorum]\nrequired_agencies = ["social-care"]\nsource = "x"\n',
        "rules.quorum.required_agencies[1]",
        "'social-care' is not one of",
    ),
    (
        "unknown decision rule",
        '[rules.decision_rule]\nvalue = "majority"\nsource = "x"\n',
        "rules.decision_rule.value",
        "'majority' is not one of",
    ),
    (
        "empty quorum",
        '[rules.quorum]\nsource = "x"\n',
        "rules.quorum",
        "give minimum_agencies",
    ),
    (
        "unknown counts_from",
        '[event.strategy-discussion.initial-conference]\nafter = "15 wd"\ncounts_from = "s47"\nsource = "x"\n',
        "event.strategy-discussion.initial-conference.counts_from",
        "'s47' is not one of",
    ),
    (
        "amendment out of date order",
        '[[amendments]]\neffective = 2017-01-01\nsource = "x"\n',
        "amendments[1].effective",
        "must be later than the version before it",
    ),
    (
        "amendment without a source",
        "[[amendments]]\neffective = 2027-01-01\n",
        "amendments[1].source",
        "is missing",
    ),
    (
        "closure day as text",
        'closure_days = [{ date = "2026-12-24", reason = "x" }]\n',
        "closure_days[1].date",
        "must be a date written without quotes",
    ),
    (
        "unset = false",
        '[rules.categories]\nunset = false\nsource = "x"\n',
        "rules.categories.unset",
        "unset = true",
    ),
]


@pytest.mark.parametrize(
    ("body", "key", "problem"), [pytest.param(*case[1:], id=case[0]) for case in INVALID]
)
def test_an_invalid_profile_fails_with_the_file_the_key_and_the_problem(
    tmp_path: Path, body: str, key: str, problem: str
) -> None:
    path = _write(tmp_path, "broken", body)
    with pytest.raises(PolicyError) as raised:
        load_policy_file(path)
    message = str(raised.value)
    assert str(path) in message
    assert f"key '{key}" in message or f".{key}'" in message, message
    assert problem in message, message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("header", "key", "problem"),
    [
        ('effective = 2018-07-01\n[[sources]]\ntitle="t"\nauthority="a"\ndate="d"\n', "title", "is missing"),
        (
            'title = 3\neffective = 2018-07-01\nsources = [{title="t", authority="a", date="d"}]\n',
            "title",
            "must be text",
        ),
        (
            'title = "t"\neffective = "2018-07-01"\nsources = [{title="t", authority="a", date="d"}]\n',
            "effective",
            "must be a date",
        ),
        (
            'title = "t"\neffective = 2018-07-01T10:00:00\nsources = [{title="t", authority="a", date="d"}]\n',
            "effective",
            "not a date and time",
        ),
        ('title = "t"\neffective = 2018-07-01\nsources = []\n', "sources", "at least one source"),
        (
            'title = "t"\neffective = 2018-07-01\nsources = [{title="t", authority="a"}]\n',
            "sources[1].date",
            "is missing",
        ),
    ],
)
def test_the_header_of_a_profile_is_checked_too(tmp_path: Path, header: str, key: str, problem: str) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(header, encoding="utf-8")
    with pytest.raises(PolicyError) as raised:
        load_policy_file(path)
    assert str(path) in str(raised.value)
    assert f"key '{key}'" in str(raised.value)
    assert problem in str(raised.value)


def test_extending_an_unknown_profile_fails_naming_the_known_ones(tmp_path: Path) -> None:
    _write(tmp_path, "national", VALID_DEADLINE)
    path = _write(tmp_path, "shire", 'extends = "natonal"\n')
    with pytest.raises(PolicyError) as raised:
        load_policy_file(path)
    assert str(raised.value) == (
        f"policy file {path}, key 'extends': there is no policy 'natonal' to extend; known policies: national, shire"
    )


def test_profiles_that_extend_each_other_in_a_circle_fail(tmp_path: Path) -> None:
    first = _write(tmp_path, "first", 'extends = "second"\n')
    _write(tmp_path, "second", 'extends = "first"\n')
    with pytest.raises(PolicyError) as raised:
        load_policy_file(first)
    message = str(raised.value)
    assert "key 'extends'" in message
    assert "extend each other in a circle ('first' extends 'second' extends 'first')" in message
    assert "second.toml" in message


def test_a_profile_that_extends_itself_fails(tmp_path: Path) -> None:
    path = _write(tmp_path, "loop", 'extends = "loop"\n')
    with pytest.raises(
        PolicyError, match=r"loop\.toml, key 'extends': the profiles extend each other in a circle"
    ):
        load_policy_file(path)


def test_an_error_in_the_profile_extended_names_that_file(tmp_path: Path) -> None:
    broken = _write(tmp_path, "national", 'titel = "x"\n')
    path = _write(tmp_path, "shire", 'extends = "national"\n')
    with pytest.raises(PolicyError) as raised:
        load_policy_file(path)
    assert str(raised.value).startswith(f"policy file {broken}, key 'titel'")


def test_a_file_that_is_not_utf_8_fails_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(b'title = "Caf\xe9"\n')
    with pytest.raises(PolicyError, match=r"latin\.toml: the file is not valid UTF-8 text"):
        load_policy_file(path)


def test_a_file_name_that_is_not_a_profile_name_fails(tmp_path: Path) -> None:
    path = _write(tmp_path, "City Of London", VALID_DEADLINE)
    with pytest.raises(PolicyError, match="key '\\(file name\\)'"):
        load_policy_file(path)


def test_a_top_level_key_written_below_a_table_gets_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "shire.toml"
    path.write_text(
        'title = "t"\neffective = 2018-07-01\n[[sources]]\ntitle = "t"\nauthority = "a"\ndate = "d"\n'
        'extends = "national"\n',
        encoding="utf-8",
    )
    with pytest.raises(
        PolicyError, match=r"key 'sources\[1\]\.extends'.*write it above the first \[table\] header"
    ):
        load_policy_file(path)


def test_the_example_in_the_administrators_guide_loads_and_its_amendment_takes_effect(tmp_path: Path) -> None:
    guide = Path(__file__).resolve().parents[2] / "docs" / "policies.md"
    blocks = re.findall(r"```toml\n(.*?)```", guide.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert len(blocks) == 2
    (tmp_path / "national.toml").write_bytes((POLICY_DIR / "national.toml").read_bytes())
    (tmp_path / "exampleshire.toml").write_text("\n".join(blocks), encoding="utf-8")
    profile = load_policy("exampleshire", tmp_path)
    # Thu 1 Apr 2027 review: 5 wd before under the first version; 3 wd under the amendment.
    before = profile.in_force_on(date(2027, 3, 31))
    after = profile.in_force_on(date(2027, 4, 1))
    assert before.before_rule("review-conference", "reports-due").duration == parse_duration("5 wd")  # type: ignore[union-attr]
    assert after.before_rule("review-conference", "reports-due").duration == parse_duration("3 wd")  # type: ignore[union-attr]
    assert after.calendar().is_working_day(date(2026, 12, 24)) is False
