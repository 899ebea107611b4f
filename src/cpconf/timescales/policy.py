"""Policy profiles: each authority's timescales and local rules, read from TOML and dated (R-NA-1).

This module owns the profile format (described for administrators in docs/policies.md), its
validation, inheritance (``extends``) and dated versions, and the typed accessors the rest of the
product reads a policy through.

A profile file holds a base version that takes effect on ``effective`` and, optionally, later
``[[amendments]]``, each with its own ``effective`` date, that replace or unset individual entries.
The policy in force on a day is the parent profile as in force that day (``extends``), overlaid by
this profile's base and every amendment in force that day (R-NA-1: "a deadline is worked out under
the profile in force on the day of the event that starts it"). Entries are replaced whole, never
merged field by field, so every entry in force carries the source it rests on.

Everything a profile says is checked when it loads: an unknown key, a value of the wrong type, a
duration that does not parse, an unknown or circular ``extends`` each raise `PolicyError` naming the
file, the key and the problem, so that a typo can never silently drop a rule.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, NoReturn, TypeVar, cast

from cpconf.timescales.durations import Deadline, Duration, local_date
from cpconf.timescales.errors import (
    DurationError,
    PolicyError,
    PolicyNotInForceError,
    UnknownPolicyError,
)
from cpconf.timescales.events import ANCHORS, BEFORE_DEADLINES, COUNTED_BACK, EVENT_DEADLINES
from cpconf.timescales.working_days import WorkingCalendar

#: Where the shipped profiles live: one ``<name>.toml`` per authority, plus ``national.toml``.
POLICY_DIR = Path(__file__).parent / "policies"

_T = TypeVar("_T")

_TOP_LEVEL_KEYS = (
    "title",
    "extends",
    "effective",
    "note",
    "sources",
    "closure_days",
    "event",
    "before",
    "rules",
    "amendments",
)

_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

Section = Literal["event", "before"]
Direction = Literal["after", "before"]


class DecisionRule(StrEnum):
    """Who decides whether a child needs a child protection plan (R-DE-3)."""

    #: Every agency gives its view; the guidance says no more about who decides (Croydon).
    ALL_GIVE_A_VIEW = "all-give-a-view"
    #: The agencies' majority decides; the chair has a casting vote only on an even split (Staffordshire).
    AGENCY_MAJORITY_CHAIR_CASTING_VOTE = "agency-majority-chair-casting-vote"
    #: The chair decides after hearing every view (City of London).
    CHAIR_DECIDES = "chair-decides"
    #: The chair decides after consulting, aiming for consensus, and records dissent (Medway).
    CHAIR_DECIDES_CONSENSUS_SOUGHT = "chair-decides-consensus-sought"
    #: "A multi-agency decision", the guidance naming no tie-break (Bolton).
    MULTI_AGENCY = "multi-agency"


class CategoriesMode(StrEnum):
    """How many categories of abuse a plan may carry (R-DE-4)."""

    SINGLE = "single"
    MULTIPLE = "multiple"


class Agency(StrEnum):
    """Agencies a profile may name for quorum or invitations (docs/domain.md, "Who is involved")."""

    CHILDRENS_SOCIAL_CARE = "childrens-social-care"
    POLICE = "police"
    HEALTH = "health"
    EDUCATION = "education"
    PROBATION = "probation"
    CAFCASS = "cafcass"
    HOUSING = "housing"
    SUBSTANCE_MISUSE = "substance-misuse"
    DOMESTIC_ABUSE = "domestic-abuse"


#: Whom a report may go to before a conference (R-PR-5, R-PR-6).
REPORT_RECIPIENTS = ("chair", "family", "parents", "child", "attendees", "conference-office")
#: Who writes the reports a deadline applies to: every invited agency (R-PR-4) or the social worker alone.
REPORT_AUTHORS = ("agencies", "social-worker")


@dataclass(frozen=True, slots=True)
class Source:
    """A document a profile rests on."""

    title: str
    authority: str
    date: str
    file: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}: " if self.file else ""
        return f"{where}{self.title} ({self.authority}, {self.date})"


@dataclass(frozen=True, slots=True)
class ClosureDay:
    """A day the authority is closed although it is neither a weekend nor an England bank holiday."""

    day: date
    reason: str


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    """One timescale: a deadline `duration` after (or before) an event or conference."""

    #: "event" for deadlines that follow an event; "before" for deadlines before a conference.
    section: Section
    #: The event (or, for section "before", the conference) the deadline belongs to.
    event: str
    name: str
    direction: Direction
    duration: Duration
    #: The words in the source the rule rests on.
    source: str
    #: What the count starts from; by default the event itself. Bolton: "section-47-enquiry" (R-CT-1).
    counts_from: str
    note: str | None = None
    #: For reports-due: to whom the reports go (R-PR-5), who writes them, whether they are talked through.
    recipients: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    talked_through: bool = False

    def apply(self, start: date | datetime, calendar: WorkingCalendar) -> Deadline:
        """Return the deadline counted from `start` on `calendar`."""
        if self.direction == "after":
            return self.duration.after(start, calendar)
        return self.duration.before(start, calendar)


@dataclass(frozen=True, slots=True)
class ChildInvitation:
    """When the child is invited to their conference (R-PR-2)."""

    #: Invited from this age (Staffordshire: "over the age of 12 years").
    from_age: int | None = None
    #: Invited "when of an age and understanding" (City of London): the chair and social worker judge.
    age_and_understanding: bool = False


@dataclass(frozen=True, slots=True)
class AdvocacyOffer:
    """How the child is offered an advocate (R-PR-2)."""

    #: Told of the right to an advocate from this age (Staffordshire: "over the age of 5 years").
    from_age: int | None = None
    #: A named advocacy service (Bolton: "an independent child advocacy service").
    service: str | None = None


@dataclass(frozen=True, slots=True)
class QuorumRule:
    """What makes a conference quorate (R-QU-1)."""

    minimum_agencies: int | None = None
    required_agencies: tuple[Agency, ...] = ()
    #: The agencies counted must have contributed to the Section 47 enquiry (Staffordshire).
    contributed_to_enquiry: bool = False
    #: Different health provider services may count as separate agencies (Staffordshire).
    health_providers_count_separately: bool = False


@dataclass(frozen=True, slots=True)
class NeglectEndingRule:
    """Whether a plan under neglect may end at the first review (R-PL-6)."""

    allowed: bool
    #: It may end after all when the child no longer lives in the household where neglect was found.
    unless_child_left_household: bool = False


@dataclass(frozen=True, slots=True)
class PlanEndingReview:
    """Ending a plan at a review needs a senior manager's review (R-PL-6, Medway)."""

    reviewed_by: str
    exceptional: bool = False


@dataclass(frozen=True, slots=True)
class RuleEntry:
    """One non-date rule of a profile, with the words it rests on."""

    key: str
    value: Any
    source: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Version:
    """The entries one dated version of a profile sets (None: the version unsets an inherited entry)."""

    effective: date
    title: str | None
    source: str | None
    deadlines: Mapping[tuple[Section, str, str], DeadlineRule | None]
    rules: Mapping[str, RuleEntry | None]


@dataclass(frozen=True)
class PolicyProfile:
    """A loaded profile file: its metadata and every dated version (R-NA-1)."""

    name: str
    title: str
    path: Path
    parent: PolicyProfile | None
    sources: tuple[Source, ...]
    closure_days: tuple[ClosureDay, ...]
    #: The base version first, then the amendments in date order.
    versions: tuple[Version, ...]
    note: str | None = None

    @property
    def extends(self) -> str | None:
        """The name of the profile this one extends, if any."""
        return self.parent.name if self.parent else None

    @property
    def effective(self) -> date:
        """The day the profile first takes effect (R-NA-1)."""
        return self.versions[0].effective

    @property
    def version_dates(self) -> tuple[date, ...]:
        """The days each version of this profile takes effect."""
        return tuple(version.effective for version in self.versions)

    def all_closure_days(self) -> frozenset[date]:
        """Closure days listed in this profile and every profile it extends."""
        inherited = self.parent.all_closure_days() if self.parent else frozenset()
        return inherited | {closure.day for closure in self.closure_days}

    def in_force_on(self, day: date | datetime) -> Policy:
        """Return the policy in force on `day` (a datetime counts by its date in Europe/London)."""
        return _resolve(self, local_date(day))


@dataclass(frozen=True)
class Policy:
    """A profile as in force on one day: every timescale and rule that applies, with typed accessors."""

    name: str
    title: str
    profile: PolicyProfile
    #: The day the policy was resolved for.
    day: date
    #: The latest effective date among the versions applied, across the ``extends`` chain.
    in_force_since: date
    #: (profile name, effective date) of every version applied, parents first.
    versions_applied: tuple[tuple[str, date], ...]
    deadlines: Mapping[tuple[Section, str, str], DeadlineRule]
    rules: Mapping[str, RuleEntry]
    closure_days: frozenset[date] = field(default_factory=frozenset)

    # Deadlines ---------------------------------------------------------------------------------------

    def deadline_rules(self, event: str) -> list[DeadlineRule]:
        """The deadlines that follow `event`, in the order of `EVENT_DEADLINES` (unset ones left out)."""
        return [
            rule
            for name in EVENT_DEADLINES.get(event, ())
            if (rule := self.deadlines.get(("event", event, name))) is not None
        ]

    def before_rules(self, conference: str) -> list[DeadlineRule]:
        """The deadlines before `conference`, in the order of `BEFORE_DEADLINES` (unset ones left out)."""
        return [
            rule
            for name in BEFORE_DEADLINES.get(conference, ())
            if (rule := self.deadlines.get(("before", conference, name))) is not None
        ]

    def deadline_rule(self, event: str, name: str) -> DeadlineRule | None:
        """The rule for deadline `name` after `event`, or None if the policy sets none."""
        return self.deadlines.get(("event", event, name))

    def before_rule(self, conference: str, name: str) -> DeadlineRule | None:
        """The rule for deadline `name` before `conference`, or None if the policy sets none."""
        return self.deadlines.get(("before", conference, name))

    def calendar(self, closure_days: Iterable[date] = ()) -> WorkingCalendar:
        """The working-day calendar: England's bank holidays, the profile's and the given closure days."""
        return WorkingCalendar(self.closure_days | frozenset(closure_days))

    # Rules that are not dates -------------------------------------------------------------------------

    def rule(self, key: str) -> RuleEntry | None:
        """The entry for rule `key` (with its source), or None if the policy sets none."""
        return self.rules.get(key)

    def _value(self, key: str) -> Any:
        # The reader has built each rule's value with its own type, so the properties below cast it.
        entry = self.rules.get(key)
        return entry.value if entry is not None else None

    @property
    def decision_rule(self) -> DecisionRule | None:
        """Who decides on a plan (R-DE-3)."""
        return cast("DecisionRule | None", self._value("decision_rule"))

    @property
    def categories(self) -> CategoriesMode | None:
        """Whether a plan carries a single category or may carry several (R-DE-4)."""
        return cast("CategoriesMode | None", self._value("categories"))

    @property
    def child_invited(self) -> ChildInvitation | None:
        """When the child is invited to the conference (R-PR-2)."""
        return cast("ChildInvitation | None", self._value("child_invited"))

    @property
    def advocacy_offered(self) -> AdvocacyOffer | None:
        """How the child is offered an advocate (R-PR-2)."""
        return cast("AdvocacyOffer | None", self._value("advocacy_offered"))

    @property
    def quorum(self) -> QuorumRule | None:
        """What makes a conference quorate (R-QU-1)."""
        return cast("QuorumRule | None", self._value("quorum"))

    @property
    def always_invited(self) -> tuple[Agency, ...]:
        """Agencies always invited to a conference (R-PR-2), whether or not they make it quorate."""
        return cast("tuple[Agency, ...] | None", self._value("always_invited")) or ()

    @property
    def ending_under_neglect_at_first_review(self) -> NeglectEndingRule | None:
        """Whether a plan under neglect may end at the first review (R-PL-6)."""
        return cast("NeglectEndingRule | None", self._value("ending_under_neglect_at_first_review"))

    @property
    def ending_plan_at_review(self) -> PlanEndingReview | None:
        """Whether ending a plan at a review needs a senior review (R-PL-6)."""
        return cast("PlanEndingReview | None", self._value("ending_plan_at_review"))

    @property
    def arrive_early_minutes(self) -> int | None:
        """How many minutes early professionals arrive (Croydon)."""
        return cast("int | None", self._value("arrive_early"))

    @property
    def report_copies(self) -> int | None:
        """How many paper copies of their report professionals bring (Croydon)."""
        return cast("int | None", self._value("report_copies"))

    def report_recipients(self, conference: str) -> tuple[str, ...]:
        """Whom reports go to before `conference` (R-PR-5); empty if the policy does not say."""
        rule = self.before_rule(conference, "reports-due")
        return rule.recipients if rule else ()


# Resolution -----------------------------------------------------------------------------------------


def _resolve(profile: PolicyProfile, day: date) -> Policy:
    layers = _layers(profile, day, child=None)
    deadlines: dict[tuple[Section, str, str], DeadlineRule] = {}
    rules: dict[str, RuleEntry] = {}
    for _, version in layers:
        for key, rule in version.deadlines.items():
            if rule is None:
                deadlines.pop(key, None)
            else:
                deadlines[key] = rule
        for rule_key, entry in version.rules.items():
            if entry is None:
                rules.pop(rule_key, None)
            else:
                rules[rule_key] = entry
    return Policy(
        name=profile.name,
        title=profile.title,
        profile=profile,
        day=day,
        in_force_since=max(version.effective for _, version in layers),
        versions_applied=tuple((name, version.effective) for name, version in layers),
        deadlines=deadlines,
        rules=rules,
        closure_days=profile.all_closure_days(),
    )


def _layers(profile: PolicyProfile, day: date, child: str | None) -> list[tuple[str, Version]]:
    inherited = _layers(profile.parent, day, child=profile.name) if profile.parent else []
    own = [(profile.name, version) for version in profile.versions if version.effective <= day]
    if not own:
        first = profile.effective.isoformat()
        if child is None:
            raise PolicyNotInForceError(
                f"policy {profile.name!r} has no version in force on {day.isoformat()}: "
                f"its first version takes effect on {first}"
            )
        raise PolicyNotInForceError(
            f"policy {child!r} extends {profile.name!r}, which has no version in force on "
            f"{day.isoformat()}: its first version takes effect on {first}"
        )
    return inherited + own


# Loading --------------------------------------------------------------------------------------------


def policy_names(directory: Path | None = None) -> list[str]:
    """Return the names of the profiles in `directory` (by default the shipped ones), sorted."""
    return sorted(path.stem for path in (directory or POLICY_DIR).glob("*.toml"))


def load_policy(name: str, directory: Path | None = None) -> PolicyProfile:
    """Load the profile called `name` (and those it extends) from `directory`, by default the shipped ones.

    Raises `UnknownPolicyError` if there is no such profile and `PolicyError` if it is invalid.
    Shipped profiles are read once per process.
    """
    if directory is None:
        return _load_shipped(name)
    return _load_named(name, directory, stack=(), loaded={})


@functools.cache
def _load_shipped(name: str) -> PolicyProfile:
    return _load_named(name, POLICY_DIR, stack=(), loaded={})


def load_policy_file(path: Path) -> PolicyProfile:
    """Load the profile at `path`; a profile it extends is looked for beside it."""
    return _load_file(Path(path), stack=(), loaded={})


def _load_named(
    name: str, directory: Path, *, stack: tuple[str, ...], loaded: dict[str, PolicyProfile]
) -> PolicyProfile:
    path = directory / f"{name}.toml"
    if not _NAME.fullmatch(name) or not path.is_file():
        raise UnknownPolicyError(name, policy_names(directory))
    return _load_file(path, stack=stack, loaded=loaded)


def _load_file(path: Path, *, stack: tuple[str, ...], loaded: dict[str, PolicyProfile]) -> PolicyProfile:
    name = path.stem
    if name in loaded:
        return loaded[name]
    reader = _Reader(path)
    if not _NAME.fullmatch(name):
        reader.fail(
            "(file name)",
            "a policy's file name must be lower-case letters, digits and hyphens, ending in .toml "
            "(for example city-of-london.toml)",
        )
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        reader.fail(None, "the file is not valid UTF-8 text")
    except OSError as error:
        reader.fail(None, f"the file cannot be read: {error.strerror or error}")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # Python 3.13's TOMLDecodeError carries the position only in its message: "(at line 3, column 9)".
        position = re.search(r"at line (\d+)", str(error))
        key = _key_on_line(text, int(position[1])) if position else None
        reader.fail(key, f"the file is not valid TOML: {error}")
    profile = reader.profile(document, stack=(*stack, name), loaded=loaded)
    loaded[name] = profile
    return profile


_TYPE_NAMES: list[tuple[type, str]] = [
    (bool, "true or false"),
    (int, "a whole number"),
    (float, "a decimal number"),
    (str, "text"),
    (datetime, "a date and time"),
    (date, "a date"),
    (time, "a time"),
    (list, "a list"),
    (dict, "a table"),
]


def _type_name(value: object) -> str:
    for kind, description in _TYPE_NAMES:
        if isinstance(value, kind):
            return description
    return type(value).__name__  # pragma: no cover - tomllib yields only the types above


class _Reader:
    """Reads one profile file, checking every key and value; `fail` names the file, the key and the problem."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str | None, problem: str) -> NoReturn:
        where = f"policy file {self.path}" + (f", key '{key}'" if key else "")
        raise PolicyError(f"{where}: {problem}")

    # Values -------------------------------------------------------------------------------------------

    def _check(self, value: object, kind: type, key: str, wanted: str) -> None:
        # bool is an int in Python and a datetime is a date: compare exactly so neither slips through.
        matches = type(value) is kind if kind in (int, date) else isinstance(value, kind)
        if not matches:
            self.fail(key, f"must be {wanted}, not {_type_name(value)} ({value!r})")

    def table(self, value: object, key: str) -> dict[str, Any]:
        self._check(value, dict, key, "a table")
        return cast("dict[str, Any]", value)  # _check has refused anything but a table

    def text(self, value: object, key: str) -> str:
        self._check(value, str, key, 'text in quotes, such as "..."')
        assert isinstance(value, str)  # noqa: S101  (narrowing for the type checker)
        if not value.strip():
            self.fail(key, "must not be empty")
        return value

    def integer(self, value: object, key: str, minimum: int = 0) -> int:
        self._check(value, int, key, "a whole number")
        assert isinstance(value, int)  # noqa: S101
        if value < minimum:
            self.fail(key, f"must be at least {minimum}, not {value}")
        return value

    def positive_integer(self, value: object, key: str) -> int:
        return self.integer(value, key, minimum=1)

    def boolean(self, value: object, key: str) -> bool:
        self._check(value, bool, key, "true or false")
        return bool(value)

    def day(self, value: object, key: str) -> date:
        self._check(value, date, key, "a date written without quotes, such as 2026-04-01")
        assert isinstance(value, date)  # noqa: S101
        return value

    def choice(self, value: object, key: str, options: Iterable[str]) -> str:
        options = list(options)
        text = self.text(value, key)
        if text not in options:
            self.fail(key, f"{text!r} is not one of: {', '.join(options)}")
        return text

    def choices(self, value: object, key: str, options: Iterable[str]) -> tuple[str, ...]:
        self._check(value, list, key, "a list in square brackets")
        assert isinstance(value, list)  # noqa: S101
        if not value:
            self.fail(key, "must not be an empty list")
        chosen = tuple(self.choice(item, f"{key}[{index}]", options) for index, item in enumerate(value, 1))
        if len(set(chosen)) != len(chosen):
            self.fail(key, "lists the same value twice")
        return chosen

    def keys(
        self, table: Mapping[str, Any], prefix: str, allowed: Iterable[str], required: Iterable[str] = ()
    ) -> None:
        allowed = list(allowed)
        for key in table:
            if key not in allowed:
                hint = ""
                if prefix and key in _TOP_LEVEL_KEYS:
                    # A classic TOML slip: a key written below a [table] header belongs to that table.
                    hint = f" (to set the profile's {key!r}, write it above the first [table] header)"
                self.fail(
                    _join(prefix, key),
                    f"unknown key {key!r}; the keys allowed here are: {', '.join(allowed)}{hint}",
                )
        for key in required:
            if key not in table:
                self.fail(_join(prefix, key), "is missing: it is required here")

    # The file -----------------------------------------------------------------------------------------

    def profile(
        self, document: dict[str, Any], *, stack: tuple[str, ...], loaded: dict[str, PolicyProfile]
    ) -> PolicyProfile:
        name = stack[-1]
        self.keys(document, "", _TOP_LEVEL_KEYS, required=["title", "effective", "sources"])
        title = self.text(document["title"], "title")
        note = self.text(document["note"], "note") if "note" in document else None
        effective = self.day(document["effective"], "effective")
        sources = self.sources(document["sources"])
        closure_days = self.closure_days(document.get("closure_days", []))

        parent = None
        if "extends" in document:
            parent = self.parent(self.text(document["extends"], "extends"), stack=stack, loaded=loaded)

        versions = [self.version(document, "", effective=effective, title=None, source=None)]
        amendments = document.get("amendments", [])
        self._check(amendments, list, "amendments", "a list of [[amendments]] tables")
        for index, amendment in enumerate(amendments, 1):
            prefix = f"amendments[{index}]"
            amendment = self.table(amendment, prefix)
            self.keys(
                amendment,
                prefix,
                ["effective", "title", "source", "event", "before", "rules"],
                ["effective", "source"],
            )
            when = self.day(amendment["effective"], f"{prefix}.effective")
            if when <= versions[-1].effective:
                self.fail(
                    f"{prefix}.effective",
                    f"{when.isoformat()} must be later than the version before it "
                    f"({versions[-1].effective.isoformat()}): list amendments in date order",
                )
            versions.append(
                self.version(
                    amendment,
                    prefix,
                    effective=when,
                    title=self.text(amendment["title"], f"{prefix}.title") if "title" in amendment else None,
                    source=self.text(amendment["source"], f"{prefix}.source"),
                )
            )
        return PolicyProfile(
            name=name,
            title=title,
            path=self.path,
            parent=parent,
            sources=sources,
            closure_days=closure_days,
            versions=tuple(versions),
            note=note,
        )

    def parent(
        self, extends: str, *, stack: tuple[str, ...], loaded: dict[str, PolicyProfile]
    ) -> PolicyProfile:
        if extends in stack:
            chain = " extends ".join(repr(name) for name in (*stack, extends))
            self.fail(
                "extends",
                f"the profiles extend each other in a circle ({chain}); a profile cannot extend itself",
            )
        try:
            return _load_named(extends, self.path.parent, stack=stack, loaded=loaded)
        except UnknownPolicyError as error:
            self.fail(
                "extends",
                f"there is no policy {extends!r} to extend; known policies: {', '.join(error.known)}",
            )

    def sources(self, value: object) -> tuple[Source, ...]:
        self._check(value, list, "sources", "a list of [[sources]] tables")
        assert isinstance(value, list)  # noqa: S101
        if not value:
            self.fail("sources", "must name at least one source document")
        sources = []
        for index, item in enumerate(value, 1):
            prefix = f"sources[{index}]"
            item = self.table(item, prefix)
            self.keys(item, prefix, ["title", "authority", "date", "file"], ["title", "authority", "date"])
            sources.append(
                Source(
                    title=self.text(item["title"], f"{prefix}.title"),
                    authority=self.text(item["authority"], f"{prefix}.authority"),
                    date=self.text(item["date"], f"{prefix}.date"),
                    file=self.text(item["file"], f"{prefix}.file") if "file" in item else None,
                )
            )
        return tuple(sources)

    def closure_days(self, value: object) -> tuple[ClosureDay, ...]:
        self._check(value, list, "closure_days", "a list of { date = ..., reason = ... } tables")
        assert isinstance(value, list)  # noqa: S101
        days = []
        for index, item in enumerate(value, 1):
            prefix = f"closure_days[{index}]"
            item = self.table(item, prefix)
            self.keys(item, prefix, ["date", "reason"], ["date", "reason"])
            days.append(
                ClosureDay(
                    self.day(item["date"], f"{prefix}.date"), self.text(item["reason"], f"{prefix}.reason")
                )
            )
        return tuple(days)

    def version(
        self, table: Mapping[str, Any], prefix: str, *, effective: date, title: str | None, source: str | None
    ) -> Version:
        deadlines: dict[tuple[Section, str, str], DeadlineRule | None] = {}
        for section in ("event", "before"):
            if section in table:
                deadlines.update(self.deadlines(table[section], _join(prefix, section), section))
        rules = self.rules(table["rules"], _join(prefix, "rules")) if "rules" in table else {}
        return Version(effective=effective, title=title, source=source, deadlines=deadlines, rules=rules)

    # Deadlines ----------------------------------------------------------------------------------------

    def deadlines(
        self, value: object, prefix: str, section: Section
    ) -> dict[tuple[Section, str, str], DeadlineRule | None]:
        known = EVENT_DEADLINES if section == "event" else BEFORE_DEADLINES
        what = "event" if section == "event" else "conference"
        result: dict[tuple[Section, str, str], DeadlineRule | None] = {}
        for event, entries in self.table(value, prefix).items():
            event_key = _join(prefix, event)
            if event not in known:
                self.fail(event_key, f"unknown {what} {event!r}; the {what}s known are: {', '.join(known)}")
            for name, entry in self.table(entries, event_key).items():
                key = _join(event_key, name)
                if name not in known[event]:
                    self.fail(
                        key,
                        f"unknown deadline {name!r} for {what} {event!r}; "
                        f"the deadlines known there are: {', '.join(known[event])}",
                    )
                result[(section, event, name)] = self.deadline(
                    self.table(entry, key), key, section, event, name
                )
        return result

    def deadline(
        self, entry: dict[str, Any], key: str, section: Section, event: str, name: str
    ) -> DeadlineRule | None:
        if "unset" in entry:
            self.keys(entry, key, ["unset", "source", "note"], ["source"])
            if self.boolean(entry["unset"], _join(key, "unset")) is not True:
                self.fail(
                    _join(key, "unset"), "write unset = true to remove an inherited deadline, or leave it out"
                )
            self.text(entry["source"], _join(key, "source"))
            return None
        if section == "event":
            allowed = ["after", "before", "source", "note", "counts_from", "unset"]
        else:
            allowed = ["before", "source", "note", "recipients", "authors", "talked_through", "unset"]
        self.keys(entry, key, allowed, ["source"])
        directions = [direction for direction in ("after", "before") if direction in entry]
        if len(directions) != 1:
            wanted = "one of 'after' or 'before'" if section == "event" else "'before'"
            self.fail(key, f'give exactly {wanted}, with a duration such as "15 wd"')
        direction: Direction = directions[0]
        expected: Direction = "before" if section == "before" or (event, name) in COUNTED_BACK else "after"
        if direction != expected:
            self.fail(
                _join(key, direction),
                f'{name!r} is counted {expected} {event!r}: write {expected} = "..." instead of {direction}',
            )
        duration_key = _join(key, direction)
        try:
            duration = Duration.parse(self.text(entry[direction], duration_key))
        except DurationError as error:
            self.fail(duration_key, str(error))
        counts_from = event
        if "counts_from" in entry:
            counts_from = self.choice(entry["counts_from"], _join(key, "counts_from"), sorted(ANCHORS))
        return DeadlineRule(
            section=section,
            event=event,
            name=name,
            direction=direction,
            duration=duration,
            source=self.text(entry["source"], _join(key, "source")),
            counts_from=counts_from,
            note=self._optional(entry, key, "note", self.text),
            recipients=self._optional(entry, key, "recipients", self._recipients) or (),
            authors=self._optional(entry, key, "authors", self._authors) or (),
            talked_through=bool(self._optional(entry, key, "talked_through", self.boolean)),
        )

    def _recipients(self, value: object, key: str) -> tuple[str, ...]:
        return self.choices(value, key, REPORT_RECIPIENTS)

    def _authors(self, value: object, key: str) -> tuple[str, ...]:
        return self.choices(value, key, REPORT_AUTHORS)

    # Rules that are not dates -------------------------------------------------------------------------

    def rules(self, value: object, prefix: str) -> dict[str, RuleEntry | None]:
        readers = {
            "decision_rule": self._decision_rule,
            "categories": self._categories,
            "child_invited": self._child_invited,
            "advocacy_offered": self._advocacy_offered,
            "quorum": self._quorum,
            "always_invited": self._always_invited,
            "ending_under_neglect_at_first_review": self._neglect_ending,
            "ending_plan_at_review": self._plan_ending_review,
            "arrive_early": self._arrive_early,
            "report_copies": self._report_copies,
        }
        result: dict[str, RuleEntry | None] = {}
        for rule_key, entry in self.table(value, prefix).items():
            key = _join(prefix, rule_key)
            if rule_key not in readers:
                self.fail(key, f"unknown rule {rule_key!r}; the rules known are: {', '.join(readers)}")
            entry = self.table(entry, key)
            if "unset" in entry:
                self.keys(entry, key, ["unset", "source", "note"], ["source"])
                if self.boolean(entry["unset"], _join(key, "unset")) is not True:
                    self.fail(
                        _join(key, "unset"), "write unset = true to remove an inherited rule, or leave it out"
                    )
                self.text(entry["source"], _join(key, "source"))
                result[rule_key] = None
                continue
            value_of = readers[rule_key](entry, key)
            result[rule_key] = RuleEntry(
                key=rule_key,
                value=value_of,
                source=self.text(entry["source"], _join(key, "source")),
                note=self._optional(entry, key, "note", self.text),
            )
        return result

    def _fields(self, entry: Mapping[str, Any], key: str, fields: list[str], required: list[str]) -> None:
        self.keys(entry, key, [*fields, "source", "note", "unset"], [*required, "source"])

    def _optional(
        self, entry: Mapping[str, Any], key: str, name: str, read: Callable[[object, str], _T]
    ) -> _T | None:
        """Read field `name` of `entry` with `read` if it is there, else None."""
        return read(entry[name], _join(key, name)) if name in entry else None

    def _agencies(self, value: object, key: str) -> tuple[Agency, ...]:
        return tuple(
            Agency(agency) for agency in self.choices(value, key, [agency.value for agency in Agency])
        )

    def _decision_rule(self, entry: dict[str, Any], key: str) -> DecisionRule:
        self._fields(entry, key, ["value"], ["value"])
        return DecisionRule(self.choice(entry["value"], _join(key, "value"), list(DecisionRule)))

    def _categories(self, entry: dict[str, Any], key: str) -> CategoriesMode:
        self._fields(entry, key, ["value"], ["value"])
        return CategoriesMode(self.choice(entry["value"], _join(key, "value"), list(CategoriesMode)))

    def _child_invited(self, entry: dict[str, Any], key: str) -> ChildInvitation:
        self._fields(entry, key, ["from_age", "age_and_understanding"], [])
        invitation = ChildInvitation(
            from_age=self._optional(entry, key, "from_age", self.integer),
            age_and_understanding=bool(self._optional(entry, key, "age_and_understanding", self.boolean)),
        )
        if invitation.from_age is None and not invitation.age_and_understanding:
            self.fail(key, "give from_age (a whole number) or age_and_understanding = true")
        return invitation

    def _advocacy_offered(self, entry: dict[str, Any], key: str) -> AdvocacyOffer:
        self._fields(entry, key, ["from_age", "service"], [])
        offer = AdvocacyOffer(
            from_age=self._optional(entry, key, "from_age", self.integer),
            service=self._optional(entry, key, "service", self.text),
        )
        if offer.from_age is None and offer.service is None:
            self.fail(key, "give from_age (a whole number) or service (the advocacy service's name)")
        return offer

    def _quorum(self, entry: dict[str, Any], key: str) -> QuorumRule:
        fields = [
            "minimum_agencies",
            "required_agencies",
            "contributed_to_enquiry",
            "health_providers_count_separately",
        ]
        self._fields(entry, key, fields, [])
        rule = QuorumRule(
            minimum_agencies=self._optional(entry, key, "minimum_agencies", self.positive_integer),
            required_agencies=self._optional(entry, key, "required_agencies", self._agencies) or (),
            contributed_to_enquiry=bool(self._optional(entry, key, "contributed_to_enquiry", self.boolean)),
            health_providers_count_separately=bool(
                self._optional(entry, key, "health_providers_count_separately", self.boolean)
            ),
        )
        if rule.minimum_agencies is None and not rule.required_agencies:
            self.fail(key, "give minimum_agencies (a whole number), required_agencies (a list), or both")
        return rule

    def _always_invited(self, entry: dict[str, Any], key: str) -> tuple[Agency, ...]:
        self._fields(entry, key, ["agencies"], ["agencies"])
        return self._agencies(entry["agencies"], _join(key, "agencies"))

    def _neglect_ending(self, entry: dict[str, Any], key: str) -> NeglectEndingRule:
        self._fields(entry, key, ["allowed", "unless_child_left_household"], ["allowed"])
        return NeglectEndingRule(
            allowed=self.boolean(entry["allowed"], _join(key, "allowed")),
            unless_child_left_household=bool(
                self._optional(entry, key, "unless_child_left_household", self.boolean)
            ),
        )

    def _plan_ending_review(self, entry: dict[str, Any], key: str) -> PlanEndingReview:
        self._fields(entry, key, ["reviewed_by", "exceptional"], ["reviewed_by"])
        return PlanEndingReview(
            reviewed_by=self.text(entry["reviewed_by"], _join(key, "reviewed_by")),
            exceptional=bool(self._optional(entry, key, "exceptional", self.boolean)),
        )

    def _arrive_early(self, entry: dict[str, Any], key: str) -> int:
        self._fields(entry, key, ["minutes"], ["minutes"])
        return self.positive_integer(entry["minutes"], _join(key, "minutes"))

    def _report_copies(self, entry: dict[str, Any], key: str) -> int:
        self._fields(entry, key, ["copies"], ["copies"])
        return self.positive_integer(entry["copies"], _join(key, "copies"))


_LINE_KEY = re.compile(r"\s*(?:\[\[?\s*(?P<table>[^\]]+?)\s*\]|(?P<key>[A-Za-z0-9_.\"' -]+?)\s*=)")


def _key_on_line(text: str, line_number: int) -> str | None:
    """The key (or table) written on the line where TOML could not be read, to name it in the error."""
    lines = text.splitlines()
    if not 1 <= line_number <= len(lines):
        return None
    match = _LINE_KEY.match(lines[line_number - 1])
    if match is None:
        return None
    if match["table"]:
        return match["table"].strip()
    # A key belongs to the table whose header comes last above it.
    for line in reversed(lines[: line_number - 1]):
        header = _LINE_KEY.match(line)
        if header and header["table"]:
            return f"{header['table'].strip()}.{match['key'].strip()}"
    return match["key"].strip()


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key
