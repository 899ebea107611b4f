"""What follows a conference's decision: the child protection plan, its actions and core group, core group
meetings, statutory visits, reviews and endings, and the child in need plan a child steps down to (R-DE-5,
R-DE-6, R-PL-1 to R-PL-7, R-AF-3).

Due dates (the first core group, the next core group, the next visit, the record's circulation) come from
the statutory clock and are stored on the row they belong to (DESIGN principle 3), so that "which core
groups and visits are overdue across 50,000 plans" is one indexed query. ``cpconf.plans.services`` makes
every change; nothing here computes a deadline.
"""

from __future__ import annotations

import uuid

from django.db import models

from cpconf.conferences.models import ChildDecision, Conference
from cpconf.people.models import Agency, Authority, Child, FamilyMember, Professional, User


class PlanStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    # Medway (R-PL-6): the review ended it, waiting for the Assistant Director's approval.
    ENDING_AWAITS_APPROVAL = "ending_awaits_approval", "Ending: waiting for approval"
    ENDED = "ended", "Ended"


class EndingReason(models.TextChoices):
    """Why a child protection plan ended (R-PL-5)."""

    NO_LONGER_AT_RISK = "no_longer_at_risk", "No longer likely to suffer significant harm"
    MOVED_AUTHORITY = "moved_authority", "Moved permanently to another authority"
    EIGHTEENTH_BIRTHDAY = "eighteenth_birthday", "Reached 18"
    DIED = "died", "Died"
    LEFT_UK = "left_uk", "Left the United Kingdom permanently"


class ChildProtectionPlan(models.Model):
    """One child's child protection plan, made from a conference's decision (R-DE-5, R-PL-1, R-PL-2)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="plans")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="protection_plans")
    decision = models.OneToOneField(ChildDecision, on_delete=models.PROTECT, related_name="plan")
    status = models.CharField(max_length=30, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    start_date = models.DateField()
    categories = models.JSONField()  # cpconf.conferences.models.Category values (R-DE-4)
    # R-PL-2: a qualified social worker, checked by the service when set.
    lead_professional = models.ForeignKey(Professional, on_delete=models.PROTECT, related_name="plans_led")
    # R-PL-1: what the plan says.
    outcomes = models.TextField(help_text="What needs to change for the child to be safe.")
    contingency = models.TextField(help_text="What happens if the plan does not work (R-DE-5).")
    childs_wishes = models.TextField(blank=True)
    parents_views = models.TextField(blank=True)
    family_preference_not_followed = models.TextField(
        blank=True, help_text="Why a preference of the family was not followed (R-PL-1)."
    )
    # R-PL-4: the conference may ask for more frequent and for unannounced visits.
    visit_interval_days = models.PositiveSmallIntegerField(null=True, blank=True)
    unannounced_visits_required = models.BooleanField(default=False)
    # Due dates from the clock (R-DE-5, R-PL-3, R-PL-4, R-CT-2), stored and indexed.
    first_core_group_due = models.DateField(null=True, blank=True)
    next_core_group_due = models.DateField(null=True, blank=True)
    next_visit_due = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    # R-PL-5 to R-PL-7: the ending.
    ended_at_conference = models.ForeignKey(
        Conference, on_delete=models.PROTECT, related_name="plans_ended", null=True, blank=True
    )
    end_date = models.DateField(null=True, blank=True)
    ending_reason = models.CharField(max_length=30, choices=EndingReason.choices, blank=True)
    ending_details = models.TextField(blank=True)
    # Medway (R-PL-6): the Assistant Director's approval of an ending at review.
    ending_approved_by = models.CharField(max_length=200, blank=True)
    ending_approved_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start_date", "pk"]
        indexes = [
            models.Index(fields=["authority", "status", "next_core_group_due"], name="plan_core_group_due"),
            models.Index(fields=["authority", "status", "next_visit_due"], name="plan_visit_due"),
            models.Index(fields=["lead_professional", "status"], name="plan_by_lead"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=~models.Q(status="ended"),
                name="plan_one_open_per_child",
                violation_error_message="This child already has a child protection plan that has not ended.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ended") | ~models.Q(ending_reason=""),
                name="plan_ended_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Child protection plan for {self.child} from {self.start_date:%d %B %Y}"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    NOT_DONE = "not_done", "Not done"


class PlanAction(models.Model):
    """One action of a plan: what, who, by when, and its status (R-DE-5, SMART; R-PL-3)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.CASCADE, related_name="actions")
    what = models.TextField()
    # Who: a professional, or a family member (a parent's own actions), named here.
    owner_professional = models.ForeignKey(
        Professional, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    owner_family_member = models.ForeignKey(
        FamilyMember, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    owner_name = models.CharField(max_length=200)
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    status_note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(owner_name=""), name="plan_action_has_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.what[:60]} ({self.owner_name}, by {self.due_on:%d %B %Y})"

    @property
    def child(self) -> Child:
        """The child it is about (for the audit history)."""
        return self.plan.child


class CoreGroupMember(models.Model):
    """A professional or family member in a plan's core group (R-DE-5, R-PL-3). Membership makes a
    professional involved with the child (R-AF-5) until it ends."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.CASCADE, related_name="core_group")
    professional = models.ForeignKey(
        Professional, on_delete=models.PROTECT, related_name="core_groups", null=True, blank=True
    )
    family_member = models.ForeignKey(
        FamilyMember, on_delete=models.PROTECT, related_name="core_groups", null=True, blank=True
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    name = models.CharField(max_length=200)
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "pk"]
        indexes = [models.Index(fields=["professional", "left_on"], name="core_group_by_professional")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(professional__isnull=False) | models.Q(family_member__isnull=False),
                name="core_group_member_is_someone",
            ),
            models.UniqueConstraint(
                fields=["plan", "professional"],
                condition=models.Q(professional__isnull=False, left_on__isnull=True),
                name="core_group_professional_once",
            ),
            models.UniqueConstraint(
                fields=["plan", "family_member"],
                condition=models.Q(family_member__isnull=False, left_on__isnull=True),
                name="core_group_family_member_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} in the core group of {self.plan}"

    @property
    def child(self) -> Child:
        """The child it is about (for the audit history)."""
        return self.plan.child


class CoreGroupMeeting(models.Model):
    """One core group meeting (R-PL-3): attendance, decisions, actions, the next date, and the record's
    circulation within the policy's time."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(
        ChildProtectionPlan, on_delete=models.CASCADE, related_name="core_group_meetings"
    )
    held_on = models.DateField()
    chaired_by = models.CharField(max_length=200)
    attendance = models.JSONField(default=list)  # [{"member": uuid, "name": str, "attended": bool}]
    decisions = models.TextField()
    next_meeting_on = models.DateField(null=True, blank=True)
    # R-PL-3: the due date the meeting was held against (the plan's next core group due), so a meeting
    # held after it stays flagged; and whether the team manager chaired it (they chair the first).
    due_on = models.DateField(null=True, blank=True)
    chaired_by_team_manager = models.BooleanField(default=False)
    record_due = models.DateField(null=True, blank=True)
    record_circulated_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["plan", "held_on", "pk"]
        indexes = [models.Index(fields=["record_circulated_on", "record_due"], name="core_group_record_due")]

    def __str__(self) -> str:
        return f"Core group for {self.plan.child} on {self.held_on:%d %B %Y}"


class Visit(models.Model):
    """A statutory visit by the social worker (R-PL-4)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField()
    visited_by = models.ForeignKey(Professional, on_delete=models.PROTECT, related_name="+")
    seen_alone = models.BooleanField()
    seen_with_family = models.BooleanField()
    unannounced = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["plan", "visited_on", "pk"]

    def __str__(self) -> str:
        return f"Visit to {self.plan.child} on {self.visited_on:%d %B %Y}"


class ChildInNeedStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ChildInNeedPlan(models.Model):
    """A child in need plan (section 17): when a conference makes no child protection plan but needs
    remain (R-DE-6), or when a plan ends and support steps down (R-PL-7). It closes only with
    multi-agency consensus (R-PL-7)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="child_in_need_plans")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="child_in_need_plans")
    decision = models.ForeignKey(
        ChildDecision, on_delete=models.PROTECT, related_name="child_in_need_plans", null=True, blank=True
    )
    stepped_down_from = models.ForeignKey(
        ChildProtectionPlan, on_delete=models.PROTECT, related_name="step_downs", null=True, blank=True
    )
    status = models.CharField(
        max_length=10, choices=ChildInNeedStatus.choices, default=ChildInNeedStatus.OPEN
    )
    start_date = models.DateField()
    family_consent_on = models.DateField()
    lead_professional = models.ForeignKey(Professional, on_delete=models.PROTECT, related_name="+")
    needs = models.TextField()
    closed_on = models.DateField(null=True, blank=True)
    closing_consensus = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(status="open"),
                name="child_in_need_one_open_per_child",
                violation_error_message="This child already has an open child in need plan.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(closing_consensus=""),
                name="child_in_need_closed_with_consensus",
            ),
        ]

    def __str__(self) -> str:
        return f"Child in need plan for {self.child} from {self.start_date:%d %B %Y}"


class PlanNotificationEvent(models.TextChoices):
    STARTED = "started", "Child protection plan started"
    ENDED = "ended", "Child protection plan ended"


class PlanNotification(models.Model):
    """R-AF-3: health and education were told that a child became, or stopped being, subject to a plan.
    One row per professional told, with the email queued (secure content or the sign-in notice, R-AF-5)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=10, choices=PlanNotificationEvent.choices)
    professional = models.ForeignKey(Professional, on_delete=models.PROTECT, related_name="+")
    agency_type = models.CharField(max_length=30)
    name = models.CharField(max_length=200)
    email = models.EmailField()
    # Whether the content went (a secure address) or the sign-in notice (docs/email.md).
    secure = models.BooleanField()
    message = models.ForeignKey(
        "notifications.OutboxMessage", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["plan", "sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "event", "professional"], name="plan_notification_once_per_event"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} told: {self.get_event_display().lower()}"

    @property
    def child(self) -> Child:
        return self.plan.child


# ---- Reviews and endings (R-PL-5 to R-PL-7): cpconf.plans.services.reviews ----------------------------


class ReviewOutcome(models.TextChoices):
    CONTINUE = "continue", "Continue the plan"
    CHANGE_CATEGORY = "change_category", "Continue the plan under a different category"
    END = "end", "End the plan"


class PlanReview(models.Model):
    """What a review conference decided for one child's plan (R-CT-2, R-PL-5, R-PL-6), or an ending
    outside a review (transfer out, 18th birthday, death, leaving the UK: ``conference`` is empty).

    An ending keeps what R-PL-5 asks to be recorded: dissent and the actions not completed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.CASCADE, related_name="reviews")
    conference = models.ForeignKey(
        Conference, on_delete=models.PROTECT, related_name="plan_reviews", null=True, blank=True
    )
    outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices)
    first_review = models.BooleanField(default=False)
    categories_before = models.JSONField(default=list)
    categories_after = models.JSONField(default=list)
    next_review_due = models.DateField(null=True, blank=True)
    ending_reason = models.CharField(max_length=30, choices=EndingReason.choices, blank=True)
    ending_details = models.TextField(blank=True)
    dissent = models.TextField(blank=True)
    incomplete_actions = models.JSONField(default=list)  # [{"action": uuid, "what": str, "status": str}]
    # R-PL-6 (Staffordshire): the chair's record that the child no longer lives in the household.
    child_left_household = models.BooleanField(default=False)
    # R-PL-6 (Medway): the ending waits for the senior manager's approval.
    awaits_approval_by = models.CharField(max_length=200, blank=True)
    # R-PL-7: step down to a child in need plan once the ending takes effect.
    step_down = models.BooleanField(default=False)
    step_down_needs = models.TextField(blank=True)
    step_down_family_consent_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["plan", "recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "conference"],
                condition=models.Q(conference__isnull=False),
                name="plan_review_once_per_conference",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome="end") | ~models.Q(ending_reason=""),
                name="plan_review_ending_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} for {self.plan}"
