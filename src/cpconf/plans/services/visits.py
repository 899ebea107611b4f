"""Statutory visits (R-PL-4): recording that the social worker saw the child, and when the next visit is
due.

Who may do this is decided before it is called (``RECORD_VISIT``). One transaction, the plan's row locked,
everything checked before anything is written, ``ValidationError`` keyed by the form's field names, and
the audit history written.

Decisions:

* **A visit in the future is refused**: a visit is recorded once it has happened.
* **The next visit** is due from the latest visit, at the earlier of the policy's minimum (Staffordshire:
  3 weeks) and the interval the conference set on the plan (``cpconf.plans.deadlines.next_visit_due``). With
  neither, none is due, and the plan is not listed as overdue ("no interval set").
* **Who visited** is a professional of the plan's authority whose record is active.
* **Unannounced visits** the conference required (R-PL-4) are shown on the page; a visit says whether it
  was one. Nothing refuses an announced visit: the plan's page shows how many were unannounced.
* As for core groups, the plan's version is not raised by the clock's due date (see
  ``cpconf.plans.services.core_groups``).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from cpconf import clock as today_clock
from cpconf.access.log import audit_snapshot
from cpconf.clock import date_in_words
from cpconf.people.models import Professional, User
from cpconf.plans import deadlines
from cpconf.plans.models import ChildProtectionPlan, Visit
from cpconf.plans.services.core_groups import check_open
from cpconf.plans.services.followup_common import field_errors, save_audited

NOTES_MAX_LENGTH = 10000


@transaction.atomic
def visit_record(
    *,
    plan: ChildProtectionPlan,
    visited_on: date | None,
    visited_by: Professional | None,
    seen_alone: bool | None,
    seen_with_family: bool | None,
    unannounced: bool,
    notes: str = "",
    acting_user: User | None,
) -> Visit:
    """Record a visit to the child of ``plan`` (R-PL-4) and move the plan's next visit due date."""
    plan = (
        ChildProtectionPlan.objects.select_for_update(of=("self",))
        .select_related("authority", "child")
        .get(pk=plan.pk)
    )
    check_open(plan, "visited_on")
    errors: dict[str, list[str]] = {}
    if visited_on is None:
        errors["visited_on"] = ["Enter the date of the visit"]
    elif visited_on > today_clock.today():
        errors["visited_on"] = ["The date of the visit must be today or in the past"]
    elif visited_on < plan.start_date:
        errors["visited_on"] = [
            f"The date of the visit must be on or after the plan started, {date_in_words(plan.start_date)}"
        ]
    if visited_by is None:
        errors["visited_by"] = ["Select who visited the child"]
    elif not visited_by.is_active or visited_by.agency.authority_id != plan.authority_id:
        errors["visited_by"] = ["Select someone who works for this child's authority"]
    if seen_alone is None:
        errors["seen_alone"] = ["Select whether the child was seen alone"]
    if seen_with_family is None:
        errors["seen_with_family"] = ["Select whether the child was seen with their family"]
    notes = notes.strip()
    if len(notes) > NOTES_MAX_LENGTH:
        errors["notes"] = [f"The notes must be {NOTES_MAX_LENGTH} characters or fewer"]
    field_errors(errors)
    if not (visited_on is not None and visited_by is not None):  # checked above
        raise RuntimeError("unreachable: checked above")
    visit = Visit(
        plan=plan,
        visited_on=visited_on,
        visited_by=visited_by,
        seen_alone=bool(seen_alone),
        seen_with_family=bool(seen_with_family),
        unannounced=unannounced,
        notes=notes,
        recorded_by=acting_user,
        recorded_at=today_clock.now(),
    )
    save_audited(visit, None, acting_user, bump=False)
    latest = plan.visits.order_by("-visited_on").values_list("visited_on", flat=True).first()
    if latest == visited_on:
        before = audit_snapshot(plan)
        plan.next_visit_due = deadlines.next_visit_due(
            plan.authority, visited_on, visit_interval_days=plan.visit_interval_days
        )
        save_audited(plan, before, acting_user, reason="Visit recorded (R-PL-4)", bump=False)
    return visit
