"""The outbox: one row per email, written in the transaction of the change that causes it.

A row holds exactly what will be sent (a recipient outside the secure domains gets the sign-in notice,
and the content meant for others is never stored for them, attachments included), and how sending went:
attempts, the last error, when it was sent. Rows are written by ``cpconf.notifications.services`` and
updated only by ``cpconf.notifications.tasks``.
"""

from __future__ import annotations

import uuid

from django.db import models

from cpconf.people.models import Authority, Child


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    # Every attempt failed: nothing more happens until someone retries it (`cpconf outbox --retry-failed`).
    FAILED = "failed", "Failed"


class OutboxMessage(models.Model):
    """One email to one person, waiting to be sent or sent (docs/email.md)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    # The child it is about, if one: a record is never deleted while email about it exists.
    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Why it is sent, as a short name ("emergency-access-alert"): never personal data.
    purpose = models.CharField(max_length=60)
    recipient = models.EmailField()
    # Whether the recipient's address was at a secure domain, so the content went; False: the notice.
    secure = models.BooleanField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    # Where the notice sends the person to sign in, kept so that a message can still be sent as the
    # notice if its domain stops being secure before it goes. Blank for a message that names no child.
    sign_in_url = models.CharField(max_length=500, blank=True)
    # A message that names no child and holds nothing from a child's record (a conference invitation,
    # which gives only the conference's reference): it may go to any address as it is
    # (``notify_naming_no_child``), so the worker never swaps it for the sign-in notice.
    names_no_child = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    # When the next attempt is due (a pending message whose time is long past lost its task in a crash).
    next_attempt_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "outbox message"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="outbox_sent_has_sent_at",
            ),
        ]

    def __str__(self) -> str:
        # No subject: it may name a child.
        return f"Email {self.public_id} to {self.recipient} ({self.get_status_display().lower()})"


class OutboxAttachment(models.Model):
    """A file sent with an outbox message (a calendar invitation). Stored only with what the recipient
    receives: a recipient who gets the sign-in notice gets no attachment, and none is kept for them."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=100)
    # The whole Content-Type, parameters included ("text/calendar; method=REQUEST").
    content_type = models.CharField(max_length=120)
    content = models.BinaryField()

    class Meta:
        ordering = ["message", "pk"]
        verbose_name = "outbox attachment"

    def __str__(self) -> str:
        return f"{self.filename} ({self.content_type})"
