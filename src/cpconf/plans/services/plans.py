"""Making and changing a child protection plan (R-DE-5, R-PL-1, R-PL-2, R-PL-3 membership), its actions and
its core group, and telling health and education when a child becomes or stops being subject to a plan
(R-AF-3).

Who may do each is decided before these are called (the views and the API ask ``cpconf.access.gateways``:
``MAKE_PLAN`` on the conference, ``MANAGE_PLAN`` on the plan); these check the data. Each runs in one
transaction, checks everything before it writes (nothing is half-saved), raises ``ValidationError`` with
plain-English messages keyed by the form's field names, and writes its audit history.

Decisions made here:

* **A plan comes from a decision** whose outcome is a plan (R-DE-5), of a conference that was held; it
  starts on the conference's day, with the decision's categories (R-DE-4). A child has one plan at a time.
* **The lead professional** (R-PL-2) is an active, qualified social worker of the authority; they join the
  core group if not named in it.
* **Every action** says what, who and by when (SMART, R-DE-5): an action without an owner or a date is
  refused, and so is the whole plan.
* **The first review** (R-CT-2) is requested with the plan, through
  ``cpconf.conferences.services.scheduling.conference_request_review``, unless a conference already follows
  the one held (a plan for a brother made at the same conference: one review for both).
* **Optimistic locking** (issue 3 item 10): a change to a plan or an action carries the version the form
  was opened at; a mismatch raises ``StaleEditError`` naming who changed it, when and what.
* **Leaving the core group** takes effect at once: the access rules read ``left_on`` on every request, so a
  professional who leaves loses sight of the child on their next request (R-AF-5).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from cpconf import clock
from cpconf.access.log import audit_history_for, audit_record, audit_snapshot
from cpconf.clock import date_in_words, time_in_words
from cpconf.conferences.models import Category, ChildDecision, ConferenceStatus, Recommendation
from cpconf.conferences.services.scheduling import StaleEditError, conference_request_review
from cpconf.notifications.services import notify_about_child
from cpconf.people.models import (
    AgencyType,
    Allocation,
    Child,
    ChildRelationship,
    FamilyMember,
    Professional,
    User,
)
from cpconf.people.selectors import allocation_current_on
from cpconf.plans import deadlines
from cpconf.plans.models import (
    ActionStatus,
    ChildProtectionPlan,
    CoreGroupMember,
    PlanAction,
    PlanNotification,
    PlanNotificationEvent,
    PlanStatus,
)

TEXT_MAX_LENGTH = 10000
WHAT_MAX_LENGTH = 2000
NAME_MAX_LENGTH = 200
#: The longest gap between visits a conference may set (R-PL-4); the policy's minimum still applies.
VISIT_INTERVAL_MAX_DAYS = 90

#: The plan's fields a person changes on the edit page and through the API.
EDITABLE_FIELDS = (
    "lead_professional",
    "outcomes",
    "contingency",
    "childs_wishes",
    "parents_views",
    "family_preference_not_followed",
    "visit_interval_days",
    "unannounced_visits_required",
)

#: What each field is called in a message about a stale edit.
FIELD_WORDS = {
    "lead_professional": "lead professional",
    "outcomes": "what needs to change",
    "contingency": "contingency plan",
    "childs_wishes": "the child's wishes and feelings",
    "parents_views": "the parents' views",
    "family_preference_not_followed": "why a family preference was not followed",
    "visit_interval_days": "how often the child is visited",
    "unannounced_visits_required": "unannounced visits",
    "next_visit_due": "next visit due",
    "status": "status",
    "status_note": "progress note",
    "what": "what will be done",
    "owner_name": "who will do it",
    "due_on": "date it is due",
}

# R-AF-3: the agencies told when a plan starts or ends.
NOTIFIED_AGENCY_TYPES = (AgencyType.HEALTH, AgencyType.EDUCATION)


@dataclass(frozen=True)
class ActionInput:
    """One action of a plan as entered: what, who (a professional, a family member, or a name) and when."""

    what: str
    owner: Professional | FamilyMember | None
    due_on: date | None
    owner_name: str = ""


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _text(
    value: str | None,
    field: str,
    errors: dict[str, list[str]],
    *,
    required: str = "",
    max_length: int = TEXT_MAX_LENGTH,
) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.setdefault(field, []).append(required)
    elif len(value) > max_length:
        errors.setdefault(field, []).append(f"This must be {max_length} characters or fewer")
    return value


def _check_lead(lead: Professional | None, authority_id: int, errors: dict[str, list[str]]) -> None:
    """R-PL-2: a named lead professional, who is a qualified social worker of the authority."""
    if lead is None:
        errors["lead_professional"] = ["Choose the lead professional"]
    elif not lead.is_active or lead.agency.authority_id != authority_id:
        errors["lead_professional"] = ["Choose a lead professional who works for this authority"]
    elif not lead.qualified_social_worker:
        errors["lead_professional"] = [
            f"{lead.full_name} is not recorded as a qualified social worker. Only a qualified social worker "
            "can be the lead professional on a child protection plan"
        ]


def _related_family_ids(child: Child) -> set[int]:
    return set(ChildRelationship.objects.filter(child=child).values_list("family_member_id", flat=True))


def _check_member(member: Professional | FamilyMember, child: Child, family_ids: set[int]) -> str:
    """Why ``member`` cannot join the child's core group, or ""."""
    if isinstance(member, Professional):
        if not member.is_active or member.agency.authority_id != child.authority_id:
            return f"{member.full_name} does not work with this authority. Choose someone who does"
        return ""
    if member.pk not in family_ids:
        return f"{member.full_name} is not recorded as family of {child.full_name}"
    return ""


def _check_visit_interval(days: int | None, errors: dict[str, list[str]]) -> None:
    if days is not None and not 1 <= days <= VISIT_INTERVAL_MAX_DAYS:
        errors["visit_interval_days"] = [
            f"Enter how often the child is to be visited, as a number of days from 1 to {VISIT_INTERVAL_MAX_DAYS}"
        ]


def _clean_actions(
    actions: Sequence[ActionInput],
    *,
    child: Child,
    start: date,
    family_ids: set[int],
    errors: dict[str, list[str]],
) -> list[tuple[str, Professional | None, FamilyMember | None, str, date]]:
    """Each action with what, who and by when (R-DE-5); messages name the action by its number."""
    cleaned: list[tuple[str, Professional | None, FamilyMember | None, str, date]] = []
    messages: list[str] = []
    for number, action in enumerate(actions, start=1):
        what = (action.what or "").strip()
        problems: list[str] = []
        if not what:
            problems.append("enter what will be done")
        elif len(what) > WHAT_MAX_LENGTH:
            problems.append(f"what will be done must be {WHAT_MAX_LENGTH} characters or fewer")
        owner = action.owner
        owner_name = (action.owner_name or "").strip()
        if owner is not None:
            reason = _check_member(owner, child, family_ids)
            if reason:
                problems.append(reason[0].lower() + reason[1:])
            owner_name = owner.full_name
        if not owner_name:
            problems.append("choose who will do it")
        elif len(owner_name) > NAME_MAX_LENGTH:
            problems.append(f"the name must be {NAME_MAX_LENGTH} characters or fewer")
        if action.due_on is None:
            problems.append("enter the date it is due")
        elif action.due_on < start:
            problems.append(f"the date it is due must be on or after the plan starts, {date_in_words(start)}")
        if problems:
            messages.append(f"Action {number}: {'; '.join(problems)}")
            continue
        if action.due_on is None:  # pragma: no cover - a problem above
            continue
        cleaned.append(
            (
                what,
                owner if isinstance(owner, Professional) else None,
                owner if isinstance(owner, FamilyMember) else None,
                owner_name,
                action.due_on,
            )
        )
    if messages:
        errors["actions"] = messages
    return cleaned


def _create_member(
    plan: ChildProtectionPlan, member: Professional | FamilyMember, joined_on: date, acting_user: User | None
) -> CoreGroupMember:
    row = CoreGroupMember(
        plan=plan,
        professional=member if isinstance(member, Professional) else None,
        family_member=member if isinstance(member, FamilyMember) else None,
        agency=member.agency if isinstance(member, Professional) else None,
        name=member.full_name[:NAME_MAX_LENGTH],
        joined_on=joined_on,
    )
    row.full_clean()
    row.save()
    audit_record(actor=acting_user, action="create", instance=row, before=None, after=audit_snapshot(row))
    return row


def _create_action(
    plan: ChildProtectionPlan,
    values: tuple[str, Professional | None, FamilyMember | None, str, date],
    acting_user: User | None,
) -> PlanAction:
    what, professional, family_member, owner_name, due_on = values
    action = PlanAction(
        plan=plan,
        what=what,
        owner_professional=professional,
        owner_family_member=family_member,
        owner_name=owner_name,
        due_on=due_on,
    )
    action.full_clean()
    action.save()
    audit_record(
        actor=acting_user, action="create", instance=action, before=None, after=audit_snapshot(action)
    )
    return action


def open_plan_for(child: Child) -> ChildProtectionPlan | None:
    """The child's plan that has not ended, if any (R-PL-5: one at a time)."""
    return ChildProtectionPlan.objects.exclude(status=PlanStatus.ENDED).filter(child=child).first()


def why_no_plan(decision: ChildDecision) -> str:
    """Why a plan cannot be made from ``decision``, in words, or "" if it can."""
    if decision.outcome != Recommendation.PLAN:
        return (
            f"The conference decided: {decision.get_outcome_display().lower()}. A child protection plan is "
            "made only when the conference decides on one."
        )
    if ChildProtectionPlan.objects.filter(decision=decision).exists():
        return "A child protection plan has already been made from this decision."
    if decision.conference.status != ConferenceStatus.HELD or decision.conference.held_on is None:
        return "The plan is made after the conference has been held."
    if open_plan_for(decision.child) is not None:
        return f"{decision.child.full_name} already has a child protection plan that has not ended."
    return ""


@transaction.atomic
def plan_make(
    *,
    decision: ChildDecision,
    lead_professional: Professional | None,
    members: Iterable[Professional | FamilyMember],
    outcomes: str,
    contingency: str,
    actions: Sequence[ActionInput],
    childs_wishes: str = "",
    parents_views: str = "",
    family_preference_not_followed: str = "",
    visit_interval_days: int | None = None,
    unannounced_visits_required: bool = False,
    acting_user: User | None,
) -> ChildProtectionPlan:
    """Make the child protection plan the conference decided on (R-DE-5, R-PL-1, R-PL-2, R-PL-3), tell
    health and education (R-AF-3) and request the first review (R-CT-2)."""
    # The child's row is locked, so that two plans for one child made at once cannot both pass the checks.
    child = Child.objects.select_for_update().get(pk=decision.child_id)
    decision = ChildDecision.objects.select_related("conference__authority", "child").get(pk=decision.pk)
    conference = decision.conference
    reason = why_no_plan(decision)
    if reason:
        raise ValidationError(reason)
    start = conference.held_on
    if start is None:  # pragma: no cover - why_no_plan checked it
        raise ValidationError("The plan is made after the conference has been held.")
    errors: dict[str, list[str]] = {}
    _check_lead(lead_professional, child.authority_id, errors)
    outcomes = _text(
        outcomes, "outcomes", errors, required="Enter what needs to change for the child to be safe"
    )
    contingency = _text(
        contingency,
        "contingency",
        errors,
        required="Enter the contingency plan: what happens if the plan does not work",
    )
    childs_wishes = _text(childs_wishes, "childs_wishes", errors)
    parents_views = _text(parents_views, "parents_views", errors)
    family_preference_not_followed = _text(
        family_preference_not_followed, "family_preference_not_followed", errors
    )
    _check_visit_interval(visit_interval_days, errors)
    family_ids = _related_family_ids(child)
    chosen: list[Professional | FamilyMember] = []
    seen: set[tuple[str, int]] = set()
    member_problems: list[str] = []
    for member in members:
        key = (type(member).__name__, member.pk)
        if key in seen:
            continue
        seen.add(key)
        problem = _check_member(member, child, family_ids)
        if problem:
            member_problems.append(problem)
        chosen.append(member)
    if member_problems:
        errors["members"] = member_problems
    if not actions:
        errors["actions"] = ["Add at least one action: what will be done, by whom and by when"]
    cleaned_actions = _clean_actions(actions, child=child, start=start, family_ids=family_ids, errors=errors)
    _raise(errors)
    if lead_professional is None:  # pragma: no cover - _check_lead refused it
        raise ValidationError({"lead_professional": ["Choose the lead professional"]})
    if ("Professional", lead_professional.pk) not in seen:
        chosen.insert(0, lead_professional)

    due = deadlines.plan_due_dates(conference, start_date=start, visit_interval_days=visit_interval_days)
    plan = ChildProtectionPlan(
        authority=conference.authority,
        child=child,
        decision=decision,
        start_date=start,
        categories=[value for value in Category.values if value in set(decision.categories)],
        lead_professional=lead_professional,
        outcomes=outcomes,
        contingency=contingency,
        childs_wishes=childs_wishes,
        parents_views=parents_views,
        family_preference_not_followed=family_preference_not_followed,
        visit_interval_days=visit_interval_days,
        unannounced_visits_required=unannounced_visits_required,
        first_core_group_due=due.first_core_group_due,
        next_core_group_due=due.first_core_group_due,
        next_visit_due=due.next_visit_due,
        next_review_due=due.next_review_due,
        created_by=acting_user,
    )
    plan.full_clean()
    plan.save()
    audit_record(actor=acting_user, action="create", instance=plan, before=None, after=audit_snapshot(plan))
    for member in chosen:
        _create_member(plan, member, start, acting_user)
    for values in cleaned_actions:
        _create_action(plan, values, acting_user)
    # R-CT-2: the first review, once for the conference (its other children share it).
    if not conference.following.exclude(status=ConferenceStatus.CANCELLED).exists():
        conference_request_review(previous=conference, acting_user=acting_user)
    notify_plan_started(plan, acting_user=acting_user)
    return plan


def _locked_plan(plan: ChildProtectionPlan) -> ChildProtectionPlan:
    return (
        ChildProtectionPlan.objects.select_for_update(of=("self",))
        .select_related("child", "authority", "lead_professional__agency")
        .get(pk=plan.pk)
    )


def _check_active(plan: ChildProtectionPlan) -> None:
    if plan.status != PlanStatus.ACTIVE:
        raise ValidationError(
            f"This plan is {plan.get_status_display().lower()}: it can no longer be changed here."
        )


def stale_message(instance: ChildProtectionPlan | PlanAction, what: str) -> str:
    """Who changed ``instance`` last, when, and which fields, for a person whose form is out of date."""
    last = audit_history_for(instance).first()
    who = "Someone else"
    when = ""
    fields = ""
    if last is not None:
        who = last.actor_name or who
        when = f" on {time_in_words(last.recorded_at)}"
        changed = sorted(set(last.after or {}) | set(last.before or {}))
        words = [FIELD_WORDS.get(name, name.replace("_", " ")) for name in changed if name != "version"]
        if words:
            fields = f" ({', '.join(words)})"
    return (
        f"{who} changed this {what}{when}{fields}, after you opened this page. Your change has not been saved: "
        "check the details as they are now, then make your change again."
    )


def _check_version(
    instance: ChildProtectionPlan | PlanAction, expected_version: int | None, what: str
) -> None:
    if expected_version is not None and expected_version != instance.version:
        raise StaleEditError(stale_message(instance, what))


@transaction.atomic
def plan_update(
    *,
    plan: ChildProtectionPlan,
    expected_version: int | None,
    acting_user: User | None,
    **changes: Any,
) -> ChildProtectionPlan:
    """Change what the plan says (``EDITABLE_FIELDS``), refused if someone else changed it since
    ``expected_version`` (issue 3 item 10). Fields not given keep their values."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"plan_update cannot change {', '.join(sorted(unknown))}")
    plan = _locked_plan(plan)
    _check_version(plan, expected_version, "plan")
    _check_active(plan)
    values = {field: changes.get(field, getattr(plan, field)) for field in EDITABLE_FIELDS}
    errors: dict[str, list[str]] = {}
    _check_lead(values["lead_professional"], plan.authority_id, errors)
    values["outcomes"] = _text(
        values["outcomes"], "outcomes", errors, required="Enter what needs to change for the child to be safe"
    )
    values["contingency"] = _text(
        values["contingency"],
        "contingency",
        errors,
        required="Enter the contingency plan: what happens if the plan does not work",
    )
    for field in ("childs_wishes", "parents_views", "family_preference_not_followed"):
        values[field] = _text(values[field], field, errors)
    _check_visit_interval(values["visit_interval_days"], errors)
    values["unannounced_visits_required"] = bool(values["unannounced_visits_required"])
    _raise(errors)
    if all(getattr(plan, field) == value for field, value in values.items()):
        return plan
    before = audit_snapshot(plan)
    new_lead = values["lead_professional"]
    lead_changed = new_lead.pk != plan.lead_professional_id
    interval_changed = values["visit_interval_days"] != plan.visit_interval_days
    for field, value in values.items():
        setattr(plan, field, value)
    if interval_changed:
        last_visit = plan.visits.order_by("-visited_on").values_list("visited_on", flat=True).first()
        plan.next_visit_due = deadlines.next_visit_due(
            plan.authority, last_visit or plan.start_date, visit_interval_days=plan.visit_interval_days
        )
    plan.version += 1
    plan.full_clean()
    plan.save()
    audit_record(actor=acting_user, action="change", instance=plan, before=before, after=audit_snapshot(plan))
    # R-PL-2: the lead professional is in the core group.
    if lead_changed and not plan.core_group.filter(professional=new_lead, left_on__isnull=True).exists():
        _create_member(plan, new_lead, clock.today(), acting_user)
    return plan


@transaction.atomic
def action_add(*, plan: ChildProtectionPlan, action: ActionInput, acting_user: User | None) -> PlanAction:
    """Add one action to an active plan: what, who and by when (R-DE-5)."""
    plan = _locked_plan(plan)
    _check_active(plan)
    errors: dict[str, list[str]] = {}
    cleaned = _clean_actions(
        [action],
        child=plan.child,
        start=plan.start_date,
        family_ids=_related_family_ids(plan.child),
        errors=errors,
    )
    if errors:
        # One action: its own fields' messages, without "Action 1:".
        raise ValidationError(
            {"__all__": [message.removeprefix("Action 1: ").capitalize() for message in errors["actions"]]}
        )
    return _create_action(plan, cleaned[0], acting_user)


@transaction.atomic
def action_update_status(
    *,
    action: PlanAction,
    status: str,
    note: str = "",
    expected_version: int | None,
    acting_user: User | None,
) -> PlanAction:
    """Record an action's progress (R-PL-3: the core group reviews it), refused if someone else changed it
    since ``expected_version``."""
    action = (
        PlanAction.objects.select_for_update(of=("self",)).select_related("plan__child").get(pk=action.pk)
    )
    _check_version(action, expected_version, "action")
    _check_active(action.plan)
    errors: dict[str, list[str]] = {}
    if status not in ActionStatus.values:
        errors["status"] = ["Select how the action is going"]
    note = _text(note, "status_note", errors)
    if status == ActionStatus.NOT_DONE and not note:
        errors["status_note"] = ["Say why the action was not done"]
    _raise(errors)
    if action.status == status and action.status_note == note:
        return action
    before = audit_snapshot(action)
    action.status = status
    action.status_note = note
    action.version += 1
    action.full_clean()
    action.save()
    audit_record(
        actor=acting_user, action="change", instance=action, before=before, after=audit_snapshot(action)
    )
    return action


@transaction.atomic
def member_add(
    *, plan: ChildProtectionPlan, member: Professional | FamilyMember, acting_user: User | None
) -> CoreGroupMember:
    """Add a professional or a family member of the child to the core group (R-PL-3). A professional who
    joins may see the child from then on (R-AF-5)."""
    plan = _locked_plan(plan)
    _check_active(plan)
    problem = _check_member(member, plan.child, _related_family_ids(plan.child))
    if problem:
        raise ValidationError({"member": [problem]})
    current = plan.core_group.filter(left_on__isnull=True)
    if isinstance(member, Professional):
        current = current.filter(professional=member)
    else:
        current = current.filter(family_member=member)
    if current.exists():
        raise ValidationError({"member": [f"{member.full_name} is already in the core group"]})
    return _create_member(plan, member, clock.today(), acting_user)


@transaction.atomic
def member_leave(*, member: CoreGroupMember, acting_user: User | None) -> CoreGroupMember:
    """Record that someone left the core group today. A professional stops seeing the child through it on
    their next request (R-AF-5). The lead professional cannot leave while they lead (R-PL-2)."""
    member = CoreGroupMember.objects.select_for_update(of=("self",)).select_related("plan").get(pk=member.pk)
    _check_active(member.plan)
    if member.left_on is not None:
        raise ValidationError(f"{member.name} left the core group on {date_in_words(member.left_on)}.")
    if member.professional_id is not None and member.professional_id == member.plan.lead_professional_id:
        raise ValidationError(
            f"{member.name} is the lead professional. Name another lead professional first, then they can leave "
            "the core group."
        )
    before = audit_snapshot(member)
    member.left_on = clock.today()
    member.full_clean()
    member.save()
    audit_record(
        actor=acting_user, action="change", instance=member, before=before, after=audit_snapshot(member)
    )
    return member


# ---- R-AF-3: telling health and education ----------------------------------------------------------


def professionals_to_notify(plan: ChildProtectionPlan) -> list[Professional]:
    """The child's health and education professionals (R-AF-3): those allocated to the child today and those
    in the core group, active, with an email address; each once."""
    today = clock.today()
    allocated = Allocation.objects.filter(
        allocation_current_on(today),
        child=plan.child,
        professional__is_active=True,
        professional__agency__agency_type__in=NOTIFIED_AGENCY_TYPES,
    ).values_list("professional_id", flat=True)
    in_core_group = plan.core_group.filter(
        left_on__isnull=True,
        professional__is_active=True,
        professional__agency__agency_type__in=NOTIFIED_AGENCY_TYPES,
    ).values_list("professional_id", flat=True)
    ids = set(allocated) | set(in_core_group)
    return list(
        Professional.objects.filter(pk__in=ids)
        .exclude(email="")
        .select_related("agency")
        .order_by("family_name", "given_name", "pk")
    )


def _notification_text(plan: ChildProtectionPlan, event: str) -> tuple[str, str]:
    child = plan.child
    lead = plan.lead_professional
    categories = ", ".join(Category(value).label.lower() for value in plan.categories)
    if event == PlanNotificationEvent.STARTED:
        subject = f"{child.full_name} is now subject to a child protection plan"
        body = (
            f"{child.full_name} became subject to a child protection plan on {date_in_words(plan.start_date)}, "
            f"under the category of {categories}.\n\n"
            f"The lead professional is {lead.full_name}, {lead.agency.name} ({lead.email}).\n\n"
            "You are told because you work with the child in health or education. Please make sure your "
            "records show the plan."
        )
    else:
        ended = date_in_words(plan.end_date) if plan.end_date else date_in_words(clock.today())
        subject = f"{child.full_name} is no longer subject to a child protection plan"
        body = (
            f"{child.full_name}'s child protection plan ended on {ended}.\n\n"
            f"For more information contact {lead.full_name}, {lead.agency.name} ({lead.email}).\n\n"
            "You are told because you work with the child in health or education. Please make sure your "
            "records show that the plan has ended."
        )
    return subject, body


def _notify(plan: ChildProtectionPlan, event: str, acting_user: User | None) -> list[PlanNotification]:
    plan = ChildProtectionPlan.objects.select_related("child", "authority", "lead_professional__agency").get(
        pk=plan.pk
    )
    already = set(plan.notifications.filter(event=event).values_list("professional_id", flat=True))
    subject, body = _notification_text(plan, event)
    path = reverse("plans:detail", kwargs={"plan_id": plan.public_id})
    rows: list[PlanNotification] = []
    for professional in professionals_to_notify(plan):
        if professional.pk in already:
            continue
        message = notify_about_child(
            authority=plan.authority,
            child=plan.child,
            recipient_email=professional.email,
            subject=subject,
            body=body,
            sign_in_path=path,
            purpose=f"plan-{event}",
            acting_user=acting_user,
        )
        row = PlanNotification(
            plan=plan,
            event=event,
            professional=professional,
            agency_type=professional.agency.agency_type,
            name=professional.full_name[:NAME_MAX_LENGTH],
            email=professional.email,
            secure=message.secure,
            message=message,
            sent_at=clock.now(),
            sent_by=acting_user,
        )
        row.full_clean()
        row.save()
        audit_record(actor=acting_user, action="create", instance=row, before=None, after=audit_snapshot(row))
        rows.append(row)
    return rows


@transaction.atomic
def notify_plan_started(
    plan: ChildProtectionPlan, *, acting_user: User | None = None
) -> list[PlanNotification]:
    """R-AF-3: tell the child's health and education professionals that the child is now subject to a plan
    (content only to secure addresses, R-AF-5). Nobody is told twice. Called by ``plan_make``."""
    return _notify(plan, PlanNotificationEvent.STARTED, acting_user)


@transaction.atomic
def notify_plan_ended(
    plan: ChildProtectionPlan, *, acting_user: User | None = None
) -> list[PlanNotification]:
    """R-AF-3: tell the child's health and education professionals that the child is no longer subject to a
    plan. For whoever ends a plan (reviews, transfers): call it in the same transaction, after ``end_date``
    is set. Nobody is told twice."""
    return _notify(plan, PlanNotificationEvent.ENDED, acting_user)
