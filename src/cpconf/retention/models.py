"""How long each authority keeps a child's record, legal holds that stop anything being destroyed, and the
switch that allows destruction at all (issue 3, item 9; docs/retention.md).

Nothing is destroyed unless the authority has turned destruction on (``destruction_enabled``, off by
default). The access log and the audit history are never destroyed: they are not records this app
touches.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from cpconf.people.models import Authority, Child, User

# The defaults (docs/retention.md, "Defaults and why"): conservative on purpose.
DEFAULT_YEARS_AFTER_BIRTH = 25
DEFAULT_YEARS_AFTER_LAST_ACTIVITY = 35
# cpconf refuses a shorter period than this after the child's birth: a person abused as a child may bring
# a claim for years after turning 18 (docs/retention.md).
MINIMUM_YEARS_AFTER_BIRTH = 25
MAXIMUM_YEARS = 150


class RetentionPolicy(models.Model):
    """One authority's retention periods, per kind of record, and whether destruction is allowed.

    Kinds of record and their triggers:

    * a child's record and everything about the child (the child, their conferences, invitations,
      attendance, exclusions, reports and their files, decisions, enquiries, plans, their household and
      family members no other record needs): kept until the later of ``years_after_birth`` after the
      child's birth (for an unborn child, the expected delivery date) and ``years_after_last_activity``
      after the last thing that happened on the record;
    * report files replaced by a later upload: ``replaced_file_years`` after they were replaced; blank
      keeps them as long as the child's record.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.OneToOneField(Authority, on_delete=models.PROTECT, related_name="retention_policy")
    years_after_birth = models.PositiveSmallIntegerField(
        "keep a child's record for this many years after their birth",
        default=DEFAULT_YEARS_AFTER_BIRTH,
        validators=[MinValueValidator(MINIMUM_YEARS_AFTER_BIRTH), MaxValueValidator(MAXIMUM_YEARS)],
        help_text=f"At least {MINIMUM_YEARS_AFTER_BIRTH}. For an unborn child, counted from the expected "
        "delivery date.",
    )
    years_after_last_activity = models.PositiveSmallIntegerField(
        "and for this many years after the last activity",
        default=DEFAULT_YEARS_AFTER_LAST_ACTIVITY,
        validators=[MinValueValidator(1), MaxValueValidator(MAXIMUM_YEARS)],
        help_text="The last conference, enquiry, plan, allocation or change to the child's record. The record "
        "is kept until both periods have passed.",
    )
    replaced_file_years = models.PositiveSmallIntegerField(
        "keep a replaced report file for this many years after it was replaced",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAXIMUM_YEARS)],
        help_text="Leave blank to keep replaced files as long as the child's record.",
    )
    destruction_enabled = models.BooleanField(
        "destroy records past retention",
        default=False,
        help_text="Off: nothing is ever destroyed, whatever the periods above. Turn on only when your "
        "information governance lead has approved the periods and no inquiry or claim needs the records.",
    )
    destruction_approval = models.TextField(
        "who approved destruction, and the reference of the decision",
        blank=True,
        help_text="Required to turn destruction on, for example: approved by the Caldicott guardian, "
        "decision IG-2031-04.",
    )
    destruction_enabled_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    destruction_enabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["authority__name"]
        verbose_name = "retention policy"
        verbose_name_plural = "retention policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(years_after_birth__gte=MINIMUM_YEARS_AFTER_BIRTH),
                name="retention_at_least_minimum_after_birth",
            ),
            models.CheckConstraint(
                condition=models.Q(destruction_enabled=False) | ~models.Q(destruction_approval=""),
                name="retention_destruction_has_approval",
            ),
        ]

    def __str__(self) -> str:
        return f"Retention policy of {self.authority}"

    def clean(self) -> None:
        super().clean()
        if self.destruction_enabled and not self.destruction_approval.strip():
            raise ValidationError(
                {
                    "destruction_approval": "Enter who approved destruction and the decision's reference "
                    "before turning destruction on."
                }
            )


class LegalHold(models.Model):
    """A hold on a child's record, or on everything an authority holds: while it is in place nothing it
    covers is destroyed, whatever the retention policy (for example a claim, a complaint, or an inquiry such
    as the Independent Inquiry into Child Sexual Abuse). Released, never deleted: the history is kept."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="legal_holds")
    # Blank: a hold on every record of the authority. Once a released hold's child is destroyed the link
    # is cleared and ``child_public_id`` keeps which child it was (naming no one).
    child = models.ForeignKey(
        Child,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legal_holds",
        help_text="Leave blank to hold every record of the authority.",
    )
    child_public_id = models.UUIDField(null=True, blank=True, editable=False)
    reason = models.TextField(help_text="Why the records must be kept, for example: a claim has been made.")
    reference = models.CharField(
        max_length=200, blank=True, help_text="The claim's, complaint's or inquiry's reference, if any."
    )
    placed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    placed_at = models.DateTimeField()
    released_reason = models.TextField(
        "reason for releasing the hold",
        blank=True,
        help_text="Enter this only to release the hold, for example: the claim was settled.",
    )
    released_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        verbose_name = "legal hold"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(released_at__isnull=True) | ~models.Q(released_reason=""),
                name="legal_hold_released_with_reason",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="legal_hold_has_reason"),
        ]
        indexes = [models.Index(fields=["authority", "released_at"], name="legal_hold_current")]

    def __str__(self) -> str:
        # No child's name: the hold's own identifier.
        scope = "a child's record" if self.child_public_id or self.child_id else "every record"
        state = "released" if self.released_at else "in place"
        return f"Legal hold {str(self.public_id)[:8].upper()} on {scope} ({state})"

    @property
    def is_current(self) -> bool:
        return self.released_at is None
