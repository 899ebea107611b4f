"""The access log and the audit history: two append-only, hash-chained tables.

``AccessEntry`` records every read of a child's record (and every refused attempt); ``AuditEntry``
records every change to a record. They are separate chains, each with its own head row
(``ChainHead``), so that the many reads never wait for the few writes and each table keeps only the
columns it needs. Rows are written only by ``cpconf.access.log``; the chain arithmetic is
``cpconf.access.chain``.

A row is never changed or deleted through the ORM: ``save`` refuses an existing row and ``delete``
refuses always. This is the one place where a guard on the model is right, because nothing else may
ever edit these rows. It does not stop raw SQL; the hash chain detects that (``cpconf audit verify``).

``BreakGlassGrant`` is the record of a child's record opened in an emergency, and for as long as it
lasts it lets the person see the record (``cpconf.access.rules``; docs/access.md).
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from cpconf.people.models import Child


class AppendOnlyError(Exception):
    """Raised on an attempt to change or delete a log row through the ORM."""


class AppendOnlyQuerySet[M: models.Model](models.QuerySet[M]):
    """A queryset that refuses bulk updates and deletes of log rows."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only: they cannot be updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only: they cannot be deleted.")


class ChainedEntry(models.Model):
    """The columns every chained row has. ``entry_hash`` covers every other column."""

    sequence = models.PositiveBigIntegerField(unique=True, editable=False)
    recorded_at = models.DateTimeField(editable=False)
    # Which audit key signed the entry (cpconf.access.chain.key_id), so that a rotated key still verifies.
    key_id = models.CharField(max_length=16, editable=False)
    # PROTECT: a person who appears in the log is made inactive, never deleted, so "who" stays answerable.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Copied at write time: the entry stays readable if the person later changes their name or email.
    actor_name = models.CharField(max_length=255, blank=True, editable=False)
    actor_email = models.CharField(max_length=254, blank=True, editable=False)
    previous_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["-sequence"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(
                f"{type(self).__name__} #{self.sequence} is append-only: it cannot be changed."
            )
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} #{self.sequence} is append-only: it cannot be deleted.")

    def actor_display(self) -> str:
        if not (self.actor_name or self.actor_email):
            return "System"
        if self.actor_name and self.actor_email:
            return f"{self.actor_name} ({self.actor_email})"
        return self.actor_name or self.actor_email


class AccessEntry(ChainedEntry):
    """One read of a child's record, a report, minutes or a plan, or one refused attempt (issue item 4)."""

    # What was looked at, as a short name: "child-record", "child-list", "access-history", "report", ...
    what = models.CharField(max_length=60)
    # The child it concerns, by public identifier: a child is never deleted, and no foreign key means the
    # log never blocks or changes with the record it describes.
    child_public_id = models.UUIDField(null=True, blank=True)
    object_id = models.UUIDField(null=True, blank=True)
    reason = models.TextField(blank=True)
    allowed = models.BooleanField()
    # Where: the method and path of the request (public identifiers only, never names).
    request_method = models.CharField(max_length=10, blank=True)
    request_path = models.CharField(max_length=500, blank=True)

    objects: ClassVar[models.Manager[AccessEntry]] = AppendOnlyQuerySet.as_manager()

    class Meta(ChainedEntry.Meta):
        verbose_name = "access log entry"
        verbose_name_plural = "access log"
        indexes = [
            models.Index(fields=["child_public_id", "-sequence"], name="access_child_newest_first"),
            models.Index(fields=["actor", "-sequence"], name="access_actor_newest_first"),
            # The limit on failed emergency searches asks, before each one, "this person's recent
            # emergency attempts" (cpconf.access.services).
            models.Index(fields=["actor", "what", "-recorded_at"], name="access_actor_what_recent"),
        ]

    def __str__(self) -> str:
        outcome = "viewed" if self.allowed else "was refused"
        return f"#{self.sequence}: {self.actor_display()} {outcome} {self.what}"


class AuditAction(models.TextChoices):
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    DELETE = "delete", "Deleted"


class AuditEntry(ChainedEntry):
    """One change to a record: who, when, before and after (issue item 5)."""

    action = models.CharField(max_length=10, choices=AuditAction.choices)
    # The record changed: its model label ("people.child") and public identifier (or primary key).
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200, blank=True)
    child_public_id = models.UUIDField(null=True, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)

    objects: ClassVar[models.Manager[AuditEntry]] = AppendOnlyQuerySet.as_manager()

    class Meta(ChainedEntry.Meta):
        verbose_name = "audit history entry"
        verbose_name_plural = "audit history"
        indexes = [
            models.Index(fields=["object_type", "object_id", "-sequence"], name="audit_object_newest_first"),
            models.Index(fields=["child_public_id", "-sequence"], name="audit_child_newest_first"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence}: {self.actor_display()} {self.action} {self.object_type} {self.object_id}"


class ChainHead(models.Model):
    """The last entry of one chain. Appends lock this row, so two writers cannot fork the chain.

    It is not trusted by verification (anyone who can edit the log can edit it too); the checkpoint
    written outside the database is.
    """

    chain = models.CharField(max_length=20, primary_key=True)
    sequence = models.PositiveBigIntegerField()
    entry_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.chain} #{self.sequence}"


class EmergencySearch(models.TextChoices):
    """How the person found the child they opened in an emergency."""

    NHS_NUMBER = "nhs_number", "NHS number"
    NAME_AND_DATE_OF_BIRTH = "name_and_date_of_birth", "Full name and date of birth"


class BreakGlassGrant(models.Model):
    """A child's record opened in an emergency by someone not involved with the child (break glass,
    issue item 4): who, which child, why, and from when until when. While it lasts, they may see the
    record; afterwards it is the record of what they did, for review. Never changed or deleted."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # PROTECT: who opened a child's record, and which, stays answerable.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="break_glass_grants")
    reason = models.TextField()
    found_by = models.CharField(max_length=30, choices=EmergencySearch.choices)
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "emergency access"
        verbose_name_plural = "emergency access"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("started_at")),
                name="break_glass_ends_after_it_starts",
            ),
        ]
        indexes = [
            # The rules ask on every page "which children has this person opened, unexpired?".
            models.Index(fields=["user", "child", "expires_at"], name="break_glass_user_child"),
        ]

    def __str__(self) -> str:
        return f"Emergency access {self.public_id}"


class ReviewOutcome(models.TextChoices):
    """What the safeguarding manager found when they reviewed an emergency access."""

    JUSTIFIED = "justified", "Justified"
    NOT_JUSTIFIED = "not_justified", "Not justified"


class BreakGlassReview(models.Model):
    """A safeguarding manager's review of one emergency access (security note §0 point 4): whether opening
    the record was justified, why, and, when it was not, what will follow. The access itself is never
    changed; a review may be corrected, each change in the audit history (``version`` guards against
    two managers saving at once)."""

    grant = models.OneToOneField(BreakGlassGrant, on_delete=models.PROTECT, related_name="review")
    outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices)
    note = models.TextField()
    # What will follow an access that was not justified (for example, raised with their manager).
    follow_up = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "emergency access review"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome=ReviewOutcome.JUSTIFIED) | ~models.Q(follow_up=""),
                name="break_glass_review_not_justified_has_follow_up",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of emergency access {self.grant.public_id}"

    @property
    def child(self) -> Child:
        """The child the reviewed access was to (so that the audit history files the review with them)."""
        return self.grant.child
