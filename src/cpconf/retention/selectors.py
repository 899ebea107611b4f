"""What is past retention, what is held, and what destruction would remove (docs/retention.md).

``review`` reads one authority in a fixed number of queries, however many children it holds: one query
per kind of record, never one per child. It names no one: children, conferences and files are known by
their public identifiers only.

Records that share a conference, an enquiry or a household (brothers and sisters, a family's conferences)
are one **group**: a group is destroyed whole, and only when every child in it is past retention and none
is under a legal hold. A record is never split from another it is linked to.
"""

from __future__ import annotations

import os
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.utils import timezone

from cpconf import clock
from cpconf.access.models import AuditEntry
from cpconf.conferences.models import Conference, ConferenceChild, Report
from cpconf.conferences.storage import private_storage
from cpconf.enquiries.models import EnquiryChild, Section47Enquiry
from cpconf.people.models import Allocation, Authority, Child, Household
from cpconf.plans.models import ChildInNeedPlan, ChildProtectionPlan, CoreGroupMeeting, PlanReview, Visit
from cpconf.retention.models import (
    DEFAULT_YEARS_AFTER_BIRTH,
    DEFAULT_YEARS_AFTER_LAST_ACTIVITY,
    LegalHold,
    RetentionPolicy,
)

#: Where uploaded reports are kept in the private storage (``Report.file``'s ``upload_to``).
REPORTS_FOLDER = "reports"
#: The audit history's name for a report, whose entries keep each upload's stored file name.
REPORT_OBJECT_TYPE = "conferences.report"


def years_after(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 1 March (the later day: nothing goes early).

    Not a statutory deadline, so not from ``cpconf.timescales``: a retention period counts whole years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


@dataclass(frozen=True)
class Periods:
    """One authority's retention periods, and whether it allows destruction (the defaults without a policy)."""

    years_after_birth: int = DEFAULT_YEARS_AFTER_BIRTH
    years_after_last_activity: int = DEFAULT_YEARS_AFTER_LAST_ACTIVITY
    replaced_file_years: int | None = None
    destruction_enabled: bool = False
    has_policy: bool = False

    def in_words(self) -> str:
        replaced = (
            "kept as long as the child's record"
            if self.replaced_file_years is None
            else f"kept {self.replaced_file_years} years after they were replaced"
        )
        source = "" if self.has_policy else " (cpconf's defaults: the authority has no retention policy)"
        return (
            f"a child's record is kept until the later of {self.years_after_birth} years after their birth "
            f"and {self.years_after_last_activity} years after the last activity; replaced report files are "
            f"{replaced}{source}"
        )


def periods_for(authority: Authority) -> Periods:
    policy = RetentionPolicy.objects.filter(authority=authority).first()
    if policy is None:
        return Periods()
    return Periods(
        years_after_birth=policy.years_after_birth,
        years_after_last_activity=policy.years_after_last_activity,
        replaced_file_years=policy.replaced_file_years,
        destruction_enabled=policy.destruction_enabled,
        has_policy=True,
    )


@dataclass(frozen=True)
class ChildRetention:
    pk: int
    public_id: uuid.UUID
    retain_until: date
    past: bool
    held: bool


@dataclass
class Group:
    """Children whose records are linked, with the records they share; kept or destroyed together."""

    child_pks: set[int] = field(default_factory=set)
    conference_pks: set[int] = field(default_factory=set)
    enquiry_pks: set[int] = field(default_factory=set)
    household_pks: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class StoredFile:
    """A report file in storage that no report uses any more: replaced by a later upload."""

    name: str
    report_pk: int
    report_public_id: uuid.UUID
    conference_pk: int
    replaced_on: date
    past: bool


@dataclass
class Review:
    authority: Authority
    periods: Periods
    today: date
    children: dict[int, ChildRetention]
    authority_hold_ids: list[uuid.UUID]
    child_hold_ids: list[uuid.UUID]
    groups: list[Group]
    # Per conference: the stored names of its reports' current files.
    report_files: dict[int, list[str]]
    replaced_files: list[StoredFile]

    @property
    def authority_held(self) -> bool:
        return bool(self.authority_hold_ids)

    @property
    def past(self) -> list[ChildRetention]:
        return [child for child in self.children.values() if child.past]

    @property
    def held_past(self) -> list[ChildRetention]:
        return [child for child in self.past if child.held or self.authority_held]

    def group_destroyable(self, group: Group) -> bool:
        if self.authority_held or not group.child_pks:
            return False
        return all(self.children[pk].past and not self.children[pk].held for pk in group.child_pks)

    @property
    def destroyable_groups(self) -> list[Group]:
        return [group for group in self.groups if self.group_destroyable(group)]

    @property
    def kept_with_linked(self) -> list[ChildRetention]:
        """Past retention and not held, but linked to a child who is not past retention or is held."""
        if self.authority_held:
            return []
        kept = []
        for group in self.groups:
            if self.group_destroyable(group):
                continue
            kept += [
                self.children[pk]
                for pk in group.child_pks
                if self.children[pk].past and not self.children[pk].held
            ]
        return kept

    @property
    def replaced_files_destroyable(self) -> list[StoredFile]:
        """Replaced files past their own period, whose conference's children are not held."""
        if self.authority_held:
            return []
        held_conferences = {
            pk
            for group in self.groups
            if any(self.children[child].held for child in group.child_pks)
            for pk in group.conference_pks
        }
        return [
            stored
            for stored in self.replaced_files
            if stored.past and stored.conference_pk not in held_conferences
        ]


def _latest(model: Any, child_path: str, value: str) -> Subquery:
    """The newest ``value`` of ``model``'s rows for the child in the outer query (one correlated subquery)."""
    rows: QuerySet[Any] = model.objects.filter(**{child_path: OuterRef("pk")}).order_by()
    return Subquery(rows.values(child_path).annotate(latest=Max(value)).values("latest")[:1])


# What counts as activity on a child's record: (model, path to the child, value).
_ACTIVITY = {
    "conference_updated": (ConferenceChild, "child", "conference__updated_at"),
    "conference_held": (ConferenceChild, "child", "conference__starts_at"),
    "enquiry_updated": (EnquiryChild, "child", "enquiry__updated_at"),
    "plan_updated": (ChildProtectionPlan, "child", "updated_at"),
    "plan_ended": (ChildProtectionPlan, "child", "end_date"),
    "core_group_recorded": (CoreGroupMeeting, "plan__child", "recorded_at"),
    "visit_recorded": (Visit, "plan__child", "recorded_at"),
    "plan_reviewed": (PlanReview, "plan__child", "recorded_at"),
    "child_in_need_updated": (ChildInNeedPlan, "child", "updated_at"),
    "child_in_need_closed": (ChildInNeedPlan, "child", "closed_on"),
    "allocation_updated": (Allocation, "child", "updated_at"),
    "allocation_ended": (Allocation, "child", "end_date"),
}


def _as_date(value: date | datetime | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


class _Links:
    """Union-find over children: linked children end in one group."""

    def __init__(self, children: Iterable[int]) -> None:
        self.parent = {pk: pk for pk in children}

    def root(self, pk: int) -> int:
        while self.parent[pk] != pk:
            self.parent[pk] = self.parent[self.parent[pk]]
            pk = self.parent[pk]
        return pk

    def join(self, pks: Iterable[int]) -> None:
        known = [pk for pk in pks if pk in self.parent]
        for other in known[1:]:
            self.parent[self.root(other)] = self.root(known[0])


def _stored_report_files() -> set[str]:
    """Every file under the reports folder of the private storage, as stored names."""
    top = private_storage.path(REPORTS_FOLDER)
    found: set[str] = set()
    for folder, _dirs, files in os.walk(top):
        for name in files:
            full = os.path.join(folder, name)
            found.add(os.path.relpath(full, private_storage.location).replace(os.sep, "/"))
    return found


def files_in_use() -> set[str]:
    """The stored names of every report's current file, in every authority."""
    return set(Report.objects.exclude(file="").values_list("file", flat=True))


def unused_files() -> set[str]:
    """Report files in storage that no report uses now (replaced, or left by an interrupted upload)."""
    return _stored_report_files() - files_in_use()


def review(authority: Authority, *, today: date | None = None, unused: set[str] | None = None) -> Review:
    """What is past retention in ``authority``, what is held, and what destruction would remove.

    ``unused`` is ``unused_files()`` when the caller reviews several authorities (read storage once)."""
    today = today or clock.today()
    periods = periods_for(authority)
    holds = list(
        LegalHold.objects.filter(authority=authority, released_at__isnull=True).values_list(
            "public_id", "child_id"
        )
    )
    authority_hold_ids = [public_id for public_id, child_pk in holds if child_pk is None]
    held_children = {child_pk for _public_id, child_pk in holds if child_pk is not None}

    annotations = {name: _latest(*spec) for name, spec in _ACTIVITY.items()}
    rows = (
        Child.objects.filter(authority=authority)
        .order_by("pk")
        .annotate(**annotations)
        .values("pk", "public_id", "date_of_birth", "expected_delivery_date", "updated_at", *annotations)
    )
    children: dict[int, ChildRetention] = {}
    for row in rows:
        born = row["date_of_birth"] or row["expected_delivery_date"]
        activity = [_as_date(row[name]) for name in ("updated_at", *annotations)]
        last = max(day for day in activity if day is not None)
        retain_until = max(
            years_after(born, periods.years_after_birth),
            years_after(last, periods.years_after_last_activity),
        )
        children[row["pk"]] = ChildRetention(
            pk=row["pk"],
            public_id=row["public_id"],
            retain_until=retain_until,
            past=retain_until <= today,
            held=row["pk"] in held_children,
        )

    links = _Links(children)
    conference_children: dict[int, set[int]] = defaultdict(set)
    for conference_pk, child_pk in ConferenceChild.objects.filter(
        conference__authority=authority
    ).values_list("conference_id", "child_id"):
        conference_children[conference_pk].add(child_pk)
    enquiry_children: dict[int, set[int]] = defaultdict(set)
    for enquiry_pk, child_pk in EnquiryChild.objects.filter(enquiry__authority=authority).values_list(
        "enquiry_id", "child_id"
    ):
        enquiry_children[enquiry_pk].add(child_pk)
    household_children: dict[int, set[int]] = defaultdict(set)
    for household_pk, child_pk in Household.children.through.objects.filter(
        household__authority=authority
    ).values_list("household_id", "child_id"):
        household_children[household_pk].add(child_pk)
    conferences = list(
        Conference.objects.filter(authority=authority).values_list(
            "pk", "previous_id", "household_id", "enquiry_id"
        )
    )
    enquiries = list(Section47Enquiry.objects.filter(authority=authority).values_list("pk", "household_id"))

    # Everyone a record touches is linked: its children, its household's, the conference before's.
    def touched_by_conference(
        pk: int, previous: int | None, household: int | None, enquiry: int | None
    ) -> set[int]:
        touched = set(conference_children[pk])
        for linked in (
            household_children[household] if household else set(),
            enquiry_children[enquiry] if enquiry else set(),
        ):
            touched |= linked
        if previous:
            touched |= conference_children[previous]
        return touched

    for pk, previous, household, enquiry in conferences:
        links.join(touched_by_conference(pk, previous, household, enquiry))
    for pk, household in enquiries:
        links.join(enquiry_children[pk] | household_children[household])
    for pks in household_children.values():
        links.join(pks)

    groups: dict[int, Group] = {}

    def group_of(pks: set[int]) -> Group | None:
        known = [pk for pk in pks if pk in children]
        if not known:
            return None
        return groups.setdefault(links.root(known[0]), Group())

    for pk in children:
        groups.setdefault(links.root(pk), Group()).child_pks.add(pk)
    for pk, previous, household, enquiry in conferences:
        group = group_of(touched_by_conference(pk, previous, household, enquiry))
        if group is not None:
            group.conference_pks.add(pk)
    for pk, household in enquiries:
        group = group_of(enquiry_children[pk] | household_children[household])
        if group is not None:
            group.enquiry_pks.add(pk)
    for pk, members in household_children.items():
        group = group_of(members)
        if group is not None:
            group.household_pks.add(pk)

    report_files: dict[int, list[str]] = defaultdict(list)
    reports: dict[str, tuple[int, uuid.UUID, int]] = {}
    for report_pk, public_id, conference_pk, name in Report.objects.filter(
        conference__authority=authority
    ).values_list("pk", "public_id", "conference_id", "file"):
        reports[str(public_id)] = (report_pk, public_id, conference_pk)
        if name:
            report_files[conference_pk].append(name)

    unused = unused_files() if unused is None else unused
    replaced_files = _replaced_files(reports, unused, periods, today)
    return Review(
        authority=authority,
        periods=periods,
        today=today,
        children=children,
        authority_hold_ids=authority_hold_ids,
        child_hold_ids=[public_id for public_id, child_pk in holds if child_pk is not None],
        groups=sorted(groups.values(), key=lambda group: min(group.child_pks)),
        report_files=dict(report_files),
        replaced_files=replaced_files,
    )


def _replaced_files(
    reports: dict[str, tuple[int, uuid.UUID, int]], unused: set[str], periods: Periods, today: date
) -> list[StoredFile]:
    """The unused files the audit history ties to one of ``reports``: each upload's entry names the stored
    file, and the entry that replaced it says when (one query)."""
    if not unused or not reports:
        return []
    replaced: dict[str, StoredFile] = {}
    entries = (
        AuditEntry.objects.filter(object_type=REPORT_OBJECT_TYPE, object_id__in=list(reports))
        .order_by("sequence")
        .values_list("object_id", "before", "after", "recorded_at")
    )
    for object_id, before, after, recorded_at in entries:
        old = (before or {}).get("file") or ""
        new = (after or {}).get("file") or ""
        if old and old != new and old in unused and old not in replaced:
            report_pk, public_id, conference_pk = reports[object_id]
            replaced_on = _as_date(recorded_at) or today
            past = periods.replaced_file_years is not None and (
                years_after(replaced_on, periods.replaced_file_years) <= today
            )
            replaced[old] = StoredFile(old, report_pk, public_id, conference_pk, replaced_on, past)
    return sorted(replaced.values(), key=lambda stored: stored.name)


def attributed_files(reviews: Iterable[Review]) -> set[str]:
    return {stored.name for each in reviews for stored in each.replaced_files}
