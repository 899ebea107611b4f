"""Conferences from the request to the day itself: scheduling, invitations, reports, exclusions and
attendance (R-CT, R-PR, R-QU, R-EX).

Due dates come from the statutory clock (``cpconf.timescales``) and are stored on the row they belong to
(DESIGN principle 3), so that "what is overdue" is one indexed query. ``cpconf.conferences.services``
makes every change; nothing here computes a deadline.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from cpconf import clock
from cpconf.conferences.storage import private_storage
from cpconf.enquiries.models import Section47Enquiry
from cpconf.people.models import Agency, Authority, Child, FamilyMember, Household, Professional, User


class ConferenceType(models.TextChoices):
    INITIAL = "initial", "Initial child protection conference"
    PRE_BIRTH = "pre_birth", "Pre-birth child protection conference"
    REVIEW = "review", "Review child protection conference"
    TRANSFER_IN = "transfer_in", "Transfer-in child protection conference"
    RECONVENED = "reconvened", "Reconvened initial child protection conference"
    DUAL_PROCESS = "dual_process", "Review combined with a looked-after child review"


#: The conference types that are initial conferences for the statutory clock's "before" deadlines.
INITIAL_TYPES = frozenset({ConferenceType.INITIAL, ConferenceType.PRE_BIRTH, ConferenceType.RECONVENED})


class ConferenceStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    INQUORATE = "inquorate", "Adjourned: not quorate"
    CANCELLED = "cancelled", "Cancelled"


#: Statuses of a conference that is still to happen.
OPEN_STATUSES = frozenset({ConferenceStatus.REQUESTED, ConferenceStatus.SCHEDULED})


class VenueKind(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"
    BLENDED = "blended", "Blended: in person and online"


class Conference(models.Model):
    """One child protection conference about one or more children of a household."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="conferences")
    conference_type = models.CharField(max_length=20, choices=ConferenceType.choices)
    status = models.CharField(
        max_length=20, choices=ConferenceStatus.choices, default=ConferenceStatus.REQUESTED
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="conferences", null=True, blank=True
    )
    children = models.ManyToManyField(Child, through="ConferenceChild", related_name="conferences")
    # What led to it: the enquiry (initial, pre-birth), or the conference before (review, reconvened).
    enquiry = models.ForeignKey(
        Section47Enquiry, on_delete=models.PROTECT, related_name="conferences", null=True, blank=True
    )
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="following", null=True, blank=True
    )
    # The day the clock counts from, and the deadline (R-CT-1 to R-CT-6), with the rule in words.
    counted_from = models.DateField(null=True, blank=True)
    earliest_date = models.DateField(null=True, blank=True)  # R-CT-3: a pre-birth window's first day
    due_date = models.DateField(null=True, blank=True)
    due_date_basis = models.CharField(max_length=300, blank=True)
    # Scheduling.
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    venue_kind = models.CharField(max_length=20, choices=VenueKind.choices, blank=True)
    venue_address = models.TextField("address", blank=True)
    joining_details = models.TextField(blank=True)
    chair = models.ForeignKey(
        Professional, on_delete=models.PROTECT, related_name="conferences_chaired", null=True, blank=True
    )
    minute_taker = models.ForeignKey(
        Professional, on_delete=models.PROTECT, related_name="conferences_minuted", null=True, blank=True
    )
    # Booked after the due date: allowed only with a reason, and shown wherever it is listed.
    out_of_timescale_reason = models.TextField(blank=True)
    cancelled_reason = models.TextField(blank=True)
    # The calendar invitation's SEQUENCE: raised each time the date, time or place changes (R-AF-4).
    schedule_sequence = models.PositiveIntegerField(default=0)
    # Raised on every save through the services, so that a stale form is refused (issue 3, item 10).
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["authority", "status", "due_date"], name="conference_by_status_due"),
            models.Index(fields=["chair", "status", "due_date"], name="conference_by_chair"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(starts_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="conference_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="cancelled") | ~models.Q(cancelled_reason=""),
                name="conference_cancelled_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_conference_type_display()} {self.reference}"

    @property
    def reference(self) -> str:
        """A short reference for letters, emails and calendars: it names no one."""
        return f"CP-{str(self.public_id)[:8].upper()}"

    @property
    def held_on(self) -> date | None:
        return timezone.localtime(self.starts_at).date() if self.starts_at else None

    @property
    def out_of_timescale(self) -> bool:
        """Booked (or held) after its due date."""
        held_on = self.held_on
        return held_on is not None and self.due_date is not None and held_on > self.due_date

    @property
    def is_overdue(self) -> bool:
        """Still to be held, and its due date has passed."""
        return self.is_open and self.due_date is not None and self.due_date < clock.today()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def clock_name(self) -> str:
        """The statutory clock's name for this conference's "before" deadlines (R-PR-5)."""
        return "initial-conference" if self.conference_type in INITIAL_TYPES else "review-conference"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The conference must end after it starts."})


class ConferenceChild(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="conference_children")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="conference_children")

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["conference", "child"], name="conference_child_once")]

    def __str__(self) -> str:
        return f"{self.child} at {self.conference}"


class ScheduleChange(models.Model):
    """A change of date, time, place, chair or minute taker, with its reason: the history of a booking."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="schedule_changes")
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.TextField(blank=True)
    before = models.JSONField()
    after = models.JSONField()

    class Meta:
        ordering = ["conference", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"Schedule change to {self.conference} at {self.changed_at:%Y-%m-%d %H:%M}"


class InviteeRole(models.TextChoices):
    PROFESSIONAL = "professional", "Professional"
    PARENT_OR_CARER = "parent_or_carer", "Parent or carer"
    CHILD = "child", "Child"
    SUPPORTER = "supporter", "Supporter"
    ADVOCATE = "advocate", "Advocate"
    OBSERVER = "observer", "Observer"
    LEGAL_REPRESENTATIVE = "legal_representative", "Legal representative"


#: Roles that may be excluded from part or all of a conference (R-EX-1).
EXCLUDABLE_ROLES = frozenset(
    {
        InviteeRole.PARENT_OR_CARER,
        InviteeRole.CHILD,
        InviteeRole.SUPPORTER,
        InviteeRole.ADVOCATE,
        InviteeRole.LEGAL_REPRESENTATIVE,
    }
)
#: Family roles: what they see is limited to what is theirs (R-EX-5, R-PR-6).
FAMILY_ROLES = EXCLUDABLE_ROLES


class Reply(models.TextChoices):
    NONE = "", "No reply yet"
    ATTENDING = "attending", "Attending"
    NOT_ATTENDING = "not_attending", "Cannot attend"
    SENDING_COLLEAGUE = "sending_colleague", "Sending a colleague"


class Invitation(models.Model):
    """One person invited to one conference (R-PR-1 to R-PR-3)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=30, choices=InviteeRole.choices)
    # Who: a professional, a family member or a child of the conference, or someone named here only
    # (a supporter, an advocate, an observer).
    professional = models.ForeignKey(
        Professional, on_delete=models.PROTECT, related_name="invitations", null=True, blank=True
    )
    family_member = models.ForeignKey(
        FamilyMember, on_delete=models.PROTECT, related_name="invitations", null=True, blank=True
    )
    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="invitations", null=True, blank=True
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="invitations", null=True, blank=True
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    # R-PR-2: what the family were told.
    told_of_right_to_supporter = models.BooleanField(default=False)
    told_of_right_to_advocate = models.BooleanField(default=False)
    # How the invitation reached them when not by email (in person, by letter).
    invited_how = models.CharField(max_length=200, blank=True)
    # The schedule_sequence of the last invitation or update emailed (None: never emailed).
    sent_sequence = models.PositiveIntegerField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # R-PR-3: the reply.
    reply = models.CharField(max_length=20, choices=Reply.choices, blank=True, default=Reply.NONE)
    colleague_name = models.CharField(max_length=200, blank=True)
    colleague_email = models.EmailField(blank=True)
    reply_note = models.TextField(blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["conference", "pk"]
        indexes = [models.Index(fields=["professional", "conference"], name="invitation_by_professional")]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "professional"],
                condition=models.Q(professional__isnull=False, withdrawn_at__isnull=True),
                name="invitation_professional_once",
            ),
            models.UniqueConstraint(
                fields=["conference", "family_member"],
                condition=models.Q(family_member__isnull=False, withdrawn_at__isnull=True),
                name="invitation_family_member_once",
            ),
            models.UniqueConstraint(
                fields=["conference", "child"],
                condition=models.Q(child__isnull=False, withdrawn_at__isnull=True),
                name="invitation_child_once",
            ),
            models.CheckConstraint(
                condition=~models.Q(reply="sending_colleague") | ~models.Q(colleague_name=""),
                name="invitation_colleague_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()}) to {self.conference}"

    @property
    def is_family(self) -> bool:
        return self.role in FAMILY_ROLES


class ReportStatus(models.TextChoices):
    DUE = "due", "Due"
    RECEIVED = "received", "Received"


class ChairDecision(models.TextChoices):
    PENDING = "pending", "Waiting for the chair"
    AGREED = "agreed", "Agreed"
    REFUSED = "refused", "Refused"


class Report(models.Model):
    """The written report an invited agency owes a conference, whether or not it attends (R-PR-4)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="reports")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="reports")
    # R-PR-5: the policy's deadline before this conference type (a date, or a time for deadlines in hours).
    due_on = models.DateField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    # The upload (issue 3, item 8): kept outside the web root, read only through a checked, logged view.
    file = models.FileField(storage=private_storage, upload_to="reports/%Y/%m/", blank=True, max_length=300)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    received_from = models.ForeignKey(
        Professional, on_delete=models.PROTECT, related_name="reports_sent", null=True, blank=True
    )
    # R-PR-6: shared with the family before the conference, talked through.
    shared_with_family_on = models.DateField(null=True, blank=True)
    shared_how = models.CharField(max_length=200, blank=True)
    # R-PR-6: parts the author asks to withhold from the family, and the chair's decision.
    withhold_parts = models.TextField(blank=True)
    withhold_reason = models.TextField(blank=True)
    withhold_requested_at = models.DateTimeField(null=True, blank=True)
    withhold_decision = models.CharField(max_length=10, choices=ChairDecision.choices, blank=True)
    withhold_decision_reason = models.TextField(blank=True)
    withhold_decided_at = models.DateTimeField(null=True, blank=True)
    withhold_decided_by = models.ForeignKey(
        Professional, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["conference", "agency__name", "pk"]
        indexes = [models.Index(fields=["agency", "received_at", "due_on"], name="report_owed_by_agency")]
        constraints = [
            models.UniqueConstraint(fields=["conference", "agency"], name="report_once_per_agency")
        ]

    def __str__(self) -> str:
        return f"Report from {self.agency} for {self.conference}"

    @property
    def status(self) -> ReportStatus:
        return ReportStatus.RECEIVED if self.received_at else ReportStatus.DUE


class ExclusionGround(models.TextChoices):
    """R-EX-1's grounds."""

    INTIMIDATION = "intimidation", "Intimidation of conference members"
    THIRD_PARTY = "third_party", "Third-party information shared without consent"
    CRIMINAL_INVESTIGATION = "criminal_investigation", "A live criminal investigation"
    MARAC = (
        "marac",
        "Domestic abuse risk assessment conference information with the alleged perpetrator present",
    )
    DISCLOSURE_SCHEME = "disclosure_scheme", "A Domestic Violence Disclosure Scheme request"
    DISRUPTION = "disruption", "Disruption (alcohol, substances, or a threat of violence)"
    LEGAL_ADVICE = "legal_advice", "The chair or social care need legal advice"


class ViewsRoute(models.TextChoices):
    """R-EX-3: how an excluded person's views still reach the conference."""

    ADVOCATE = "advocate", "Through an advocate"
    WRITTEN = "written", "In writing"
    SEPARATE_MEETING = "separate_meeting", "At a separate part of the conference"
    SOCIAL_WORKER = "social_worker", "Through the social worker"
    CHAIR_BEFOREHAND = "chair_beforehand", "Meeting the chair beforehand"


class Exclusion(models.Model):
    """A request to exclude someone from part or all of a conference, and the chair's decision (R-EX)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="exclusions")
    invitation = models.ForeignKey(Invitation, on_delete=models.PROTECT, related_name="exclusions")
    requested_by = models.ForeignKey(Professional, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    # R-EX-2: after the policy's notice deadline (kept, and shown to the chair; not refused).
    requested_late = models.BooleanField(default=False)
    grounds = models.JSONField()  # ExclusionGround values
    details = models.TextField()
    sections = models.JSONField()  # cpconf.conferences.agenda keys
    decision = models.CharField(max_length=10, choices=ChairDecision.choices, default=ChairDecision.PENDING)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        Professional, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # R-EX-3: told to the person, and how their views reach the conference.
    told_on = models.DateField(null=True, blank=True)
    told_how = models.CharField(max_length=200, blank=True)
    views_route = models.CharField(max_length=30, choices=ViewsRoute.choices, blank=True)
    views_details = models.TextField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["conference", "requested_at", "pk"]

    def __str__(self) -> str:
        return f"Exclusion request for {self.invitation.name} at {self.conference}"


class AttendanceMode(models.TextChoices):
    IN_PERSON = "in_person", "Attended in person"
    ONLINE = "online", "Attended online"
    APOLOGIES = "apologies", "Sent apologies"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"


class Attendance(models.Model):
    """Who was at the conference on the day, how, and for which agenda sections."""

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="attendance")
    mode = models.CharField(max_length=20, choices=AttendanceMode.choices)
    sections = models.JSONField(default=list)  # cpconf.conferences.agenda keys
    # A colleague who came in the invitee's place (R-PR-3).
    attended_by = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["invitation"]

    def __str__(self) -> str:
        return f"{self.invitation.name}: {self.get_mode_display()}"


class Recommendation(models.TextChoices):
    """What an agency recommends for a child, and what the conference decides (R-DE-2, R-DE-5, R-DE-6)."""

    PLAN = "plan", "Child protection plan"
    CHILD_IN_NEED = "child_in_need", "Child in need plan"
    NO_FURTHER_ACTION = "no_further_action", "No further action"


class Category(models.TextChoices):
    """R-DE-4's categories of abuse (R-NA-7)."""

    NEGLECT = "neglect", "Neglect"
    PHYSICAL = "physical", "Physical abuse"
    EMOTIONAL = "emotional", "Emotional abuse"
    SEXUAL = "sexual", "Sexual abuse"


class ViewSource(models.TextChoices):
    """How an agency's view reached the conference (R-DE-2)."""

    PRESENT = "present", "Given at the conference"
    WRITTEN_REPORT = "written_report", "From the agency's written report (not present)"


class AgencyView(models.Model):
    """One agency's view on one child at one conference (R-DE-2): plan or not, category, rationale."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="agency_views")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="agency_views")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="views_given")
    source = models.CharField(max_length=20, choices=ViewSource.choices)
    # Who gave it: the invitation of the person present, or the report an absent agency sent.
    invitation = models.ForeignKey(
        Invitation, on_delete=models.PROTECT, related_name="views_given", null=True, blank=True
    )
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="views", null=True, blank=True)
    given_by = models.CharField(max_length=200)
    recommendation = models.CharField(max_length=20, choices=Recommendation.choices)
    categories = models.JSONField(default=list)  # Category values; empty unless a plan is recommended
    rationale = models.TextField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField()
    # Raised on every change through the services, so that a stale change is refused (issue 3, item 10).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["conference", "child", "agency__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "child", "agency"], name="agency_view_once"),
            models.CheckConstraint(
                condition=~models.Q(source="written_report") | models.Q(report__isnull=False),
                name="agency_view_written_has_report",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency}'s view on {self.child} at {self.conference}"


class ChildDecision(models.Model):
    """The conference's decision for one child (R-DE-1 to R-DE-6), made once; changed only by a later
    conference. The rule that produced it is the authority's (R-DE-3), kept in words."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="decisions")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="decisions")
    # R-DE-1: the two-limbed test.
    suffered_significant_harm = models.BooleanField()
    likely_to_suffer_significant_harm = models.BooleanField()
    outcome = models.CharField(max_length=20, choices=Recommendation.choices)
    categories = models.JSONField(default=list)  # Category values; empty unless the outcome is a plan
    # R-DE-3: the rule applied and how it came out, in words ("3 of 4 agencies recommended a plan").
    decision_rule = models.CharField(max_length=60)
    decided_how = models.TextField()
    chair_view = models.CharField(max_length=20, choices=Recommendation.choices)
    casting_vote_used = models.BooleanField(default=False)
    # R-DE-3: the chair's own disagreement (Staffordshire) and dissenting views, always recorded.
    chair_disagreement = models.TextField(blank=True)
    dissent = models.TextField(blank=True)
    # R-DE-4: the chair chose the category when the agencies did not agree on one.
    category_chosen_by_chair = models.BooleanField(default=False)
    # R-DE-6: a child in need plan needs the family's consent.
    family_consents = models.BooleanField(null=True, blank=True)
    # R-DE-5: criminal injuries compensation considered.
    compensation_considered = models.BooleanField(default=False)
    decided_by = models.ForeignKey(Professional, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["conference", "child__date_of_birth", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "child"], name="decision_once_per_child"),
            models.CheckConstraint(
                condition=~models.Q(outcome="plan") | ~models.Q(categories=[]),
                name="decision_plan_has_category",
            ),
        ]

    def __str__(self) -> str:
        return f"Decision for {self.child} at {self.conference}: {self.get_outcome_display()}"
