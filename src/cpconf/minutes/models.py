"""The minutes of a held conference, section by section, and their circulation (R-EX-5, R-AF-1, R-AF-2,
R-AF-4, R-AF-5). See docs/minutes.md.

* ``Minutes``: one per held conference. Drafted by the minute taker (or the coordinator), approved,
  signed and dated by the chair, which freezes them; then changed only by an ``Amendment`` within the
  policy's window (R-AF-2). The circulation deadlines are stored from the clock when the minutes are
  started (``cpconf.minutes.deadlines``), so that the list of late circulations is one query.
* ``MinutesSection``: one per agenda key (``cpconf.conferences.agenda``), with its text and its family
  audience: the invitations of people who are not professionals who may read it. Deny by default: a
  section with no audience recorded is shown to nobody who is not a professional.
* ``Circulation``: who received which document, how, when, which sections and whether parts were
  withheld (never which parts).
"""

from __future__ import annotations

import uuid

from django.db import models

from cpconf.conferences.models import Conference, Invitation
from cpconf.people.models import Professional, User


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved and signed by the chair"


class Minutes(models.Model):
    """The record of one held conference (R-AF-2)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    conference = models.OneToOneField(Conference, on_delete=models.CASCADE, related_name="minutes")
    status = models.CharField(max_length=10, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT)
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    started_at = models.DateTimeField()
    # R-AF-2: approved, signed and dated by the chair; the name as it was on the day.
    approved_by = models.ForeignKey(
        Professional, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    signed_name = models.CharField(max_length=200, blank=True)
    # The circulation deadlines, from the clock (cpconf.minutes.deadlines). A deadline in working days is
    # a day (``*_on``); one in hours is a moment (``*_at``); a policy without one leaves both empty.
    decisions_due_on = models.DateField(null=True, blank=True)  # R-AF-1
    decisions_due_at = models.DateTimeField(null=True, blank=True)
    minutes_due_on = models.DateField(null=True, blank=True)  # R-AF-2
    minutes_due_at = models.DateTimeField(null=True, blank=True)
    amend_until_on = models.DateField(null=True, blank=True)  # R-AF-2 (Staffordshire: 28 working days)
    amend_until_at = models.DateTimeField(null=True, blank=True)
    # When each document first went to everyone it was due to (None: not yet).
    decisions_circulated_at = models.DateTimeField(null=True, blank=True)
    minutes_circulated_at = models.DateTimeField(null=True, blank=True)
    # Raised by each amendment: circulating again sends the amended minutes to everyone.
    edition = models.PositiveIntegerField(default=1)
    # Raised on every change of the minutes' own row (approval, amendment): optimistic locking.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "minutes"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="approved")
                | (models.Q(approved_at__isnull=False) & ~models.Q(signed_name="")),
                name="minutes_approved_signed_and_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"Minutes of {self.conference}"

    @property
    def is_approved(self) -> bool:
        return self.status == MinutesStatus.APPROVED


class MinutesSection(models.Model):
    """One agenda section of the minutes, with who among the family may read it (R-EX-5)."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=40)  # an agenda key (cpconf.conferences.agenda)
    text = models.TextField(blank=True)
    # The invitations (of people who are not professionals) who may read this section. Deny by default:
    # none recorded means no family member reads it.
    family_audience = models.ManyToManyField(Invitation, blank=True, related_name="+")
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["minutes", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "key"], name="minutes_section_once"),
        ]

    def __str__(self) -> str:
        return f"{self.key} of {self.minutes}"


class Amendment(models.Model):
    """A change to approved minutes, within the policy's window (R-AF-2)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="amendments")
    key = models.CharField(max_length=40)
    before = models.TextField(blank=True)
    after = models.TextField()
    reason = models.TextField()
    amended_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    amended_at = models.DateTimeField()

    class Meta:
        ordering = ["minutes", "amended_at", "pk"]

    def __str__(self) -> str:
        return f"Amendment to {self.key} of {self.minutes}"


class Document(models.TextChoices):
    MINUTES = "minutes", "Minutes"
    DECISIONS = "decisions", "Decisions and recommendations"


class Channel(models.TextChoices):
    # R-AF-5: the document itself only to an address at one of the authority's secure domains.
    EMAIL = "email", "Email with the document (secure address)"
    NOTICE = "notice", "Email asking them to sign in (no content)"
    POST = "post", "By post or by hand (printed copy)"


class Circulation(models.Model):
    """One document sent to one invitee (R-AF-1, R-AF-2): how, when, which sections, whether parts were
    withheld. Never which parts: the row is as safe to show as the copy."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="circulations")
    invitation = models.ForeignKey(Invitation, on_delete=models.PROTECT, related_name="+")
    document = models.CharField(max_length=10, choices=Document.choices)
    edition = models.PositiveIntegerField(default=1)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    sent_at = models.DateTimeField()
    sections = models.JSONField(default=list)  # the agenda keys included
    parts_withheld = models.BooleanField(default=False)
    sent_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["minutes", "sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "invitation", "document", "edition"], name="circulation_once_per_edition"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_document_display()} to {self.invitation.name} ({self.get_channel_display()})"
