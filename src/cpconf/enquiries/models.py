"""Strategy discussions and Section 47 enquiries: what calls for an initial conference (R-CT-1, R-CH-1)."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models

from cpconf.people.models import Agency, Authority, Child, Household, User


class StrategyDiscussionOutcome(models.TextChoices):
    SECTION_47 = "section_47", "Start a Section 47 enquiry"
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    OTHER_SUPPORT = (
        "other_support",
        "Support without a Section 47 enquiry (for example, a child in need assessment)",
    )


class StrategyDiscussion(models.Model):
    """The discussion between social care, police and health that decides whether to start a Section 47
    enquiry. The initial conference is due counted from it (R-CT-1)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="strategy_discussions")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="strategy_discussions")
    held_on = models.DateField("date held")
    agencies_present = models.ManyToManyField(Agency, related_name="strategy_discussions", blank=True)
    outcome = models.CharField(max_length=30, choices=StrategyDiscussionOutcome.choices)
    outcome_notes = models.TextField("reasons for the outcome", blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"Strategy discussion on {self.held_on:%d %B %Y}"

    def clean(self) -> None:
        if self.household_id and self.authority_id and self.household.authority_id != self.authority_id:
            raise ValidationError({"household": "The household belongs to another authority."})


class EnquiryOutcome(models.TextChoices):
    OPEN = "open", "Enquiry still open"
    CONFERENCE_NEEDED = "conference_needed", "Initial conference needed"
    NO_CONFERENCE = "no_conference", "No conference needed"


class Section47Enquiry(models.Model):
    """A Section 47 enquiry into whether children in a household are suffering, or likely to suffer,
    significant harm. Every child of the household is considered (R-CH-1)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="section_47_enquiries")
    strategy_discussion = models.OneToOneField(
        StrategyDiscussion, on_delete=models.PROTECT, related_name="enquiry", null=True, blank=True
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="section_47_enquiries")
    started_on = models.DateField("date started")
    children = models.ManyToManyField(Child, through="EnquiryChild", related_name="section_47_enquiries")
    # R-QU-1 (Staffordshire): the agencies that contributed to the enquiry count towards quorum.
    contributing_agencies = models.ManyToManyField(Agency, related_name="section_47_enquiries", blank=True)
    outcome = models.CharField(max_length=30, choices=EnquiryOutcome.choices, default=EnquiryOutcome.OPEN)
    outcome_reason = models.TextField(blank=True)
    outcome_on = models.DateField("date of the outcome", null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = "Section 47 enquiry"
        verbose_name_plural = "Section 47 enquiries"
        indexes = [models.Index(fields=["authority", "outcome", "-started_on"], name="enquiry_by_outcome")]

    def __str__(self) -> str:
        return f"Section 47 enquiry started {self.started_on:%d %B %Y}"


class EnquiryChild(models.Model):
    """A child of the household, and whether the enquiry (and so the conference) covers them. A child is
    left out only with a reason (R-CH-1)."""

    enquiry = models.ForeignKey(Section47Enquiry, on_delete=models.CASCADE, related_name="enquiry_children")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="enquiry_children")
    included = models.BooleanField(default=True)
    not_included_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["enquiry", "child"], name="enquiry_child_once"),
            models.CheckConstraint(
                condition=models.Q(included=True) | ~models.Q(not_included_reason=""),
                name="enquiry_child_left_out_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} in {self.enquiry}"
