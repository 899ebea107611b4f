"""Legal holds, the destruction switch, and destruction itself (docs/retention.md).

Every change is audited. Destruction:

* happens only when the authority has turned destruction on, for a group of linked records whose every
  child is past retention and under no legal hold, and while no hold covers the whole authority;
* removes the rows in one transaction, a savepoint per group: a group that another record still needs
  (emergency access to a child, say, or an email about them still waiting to go) is left whole, with the
  reason, and the others go ahead;
* removes the uploaded files from storage only once that transaction has committed, so that a rollback
  never leaves a report without its file;
* writes one audit entry per record destroyed naming its kind and public identifier, never its content;
* never touches the access log or the audit history: their chains still verify afterwards.

A hold and destruction cannot cross: placing a hold and destroying both lock the authority's retention
policy row, so a hold placed while destruction runs waits for it, and destruction run after a hold sees it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError

from cpconf import clock
from cpconf.access import chain
from cpconf.access.log import audit_record, audit_snapshot
from cpconf.access.models import AuditAction, AuditEntry
from cpconf.conferences.models import AgencyView, ChildDecision, Conference, Exclusion, Invitation, Report
from cpconf.conferences.storage import private_storage
from cpconf.enquiries.models import Section47Enquiry, StrategyDiscussion
from cpconf.minutes.models import Minutes
from cpconf.notifications.models import OutboxMessage, OutboxStatus
from cpconf.people.models import Authority, Child, FamilyMember, Household, User
from cpconf.plans.models import ChildInNeedPlan, ChildProtectionPlan, PlanNotification
from cpconf.retention import selectors
from cpconf.retention.models import LegalHold, RetentionPolicy

logger = logging.getLogger(__name__)

REASON_MAX_LENGTH = 5000
DESTROYED_REPR = "Destroyed under the authority's retention policy"


def locked_policy(authority: Authority) -> RetentionPolicy | None:
    """The authority's policy row, locked (see the module's docstring); None while it has none, when
    cpconf's defaults apply and destruction is off."""
    return RetentionPolicy.objects.select_for_update().filter(authority=authority).first()


def _reason(value: str, *, field_name: str, missing: str) -> str:
    text = value.strip()
    if not text:
        raise ValidationError({field_name: missing}, code="required")
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationError(
            {field_name: f"Keep this to {REASON_MAX_LENGTH} characters or fewer"}, code="max_length"
        )
    return text


@transaction.atomic
def set_destruction(
    *, authority: Authority, enabled: bool, approval: str = "", acting_user: User | None
) -> RetentionPolicy:
    """Turn destruction on (with who approved it) or off, recording who and when."""
    policy = locked_policy(authority)
    created = policy is None
    if policy is None:
        policy = RetentionPolicy(authority=authority)
    before = None if created else audit_snapshot(policy)
    if enabled:
        policy.destruction_approval = _reason(
            approval,
            field_name="destruction_approval",
            missing="Enter who approved destruction and the decision's reference before turning destruction on",
        )
        if not policy.destruction_enabled:
            policy.destruction_enabled_by = acting_user
            policy.destruction_enabled_at = clock.now()
    else:
        policy.destruction_enabled_by = None
        policy.destruction_enabled_at = None
    policy.destruction_enabled = enabled
    policy.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE if created else AuditAction.CHANGE,
        instance=policy,
        before=before,
        after=audit_snapshot(policy),
    )
    return policy


def stamp_destruction_switch(policy: RetentionPolicy, was_enabled: bool, user: User | None) -> None:
    """Who turned destruction on and when, for a policy saved through the administration."""
    if policy.destruction_enabled and not was_enabled:
        policy.destruction_enabled_by = user
        policy.destruction_enabled_at = clock.now()
    elif not policy.destruction_enabled:
        policy.destruction_enabled_by = None
        policy.destruction_enabled_at = None


def check_hold(hold: LegalHold) -> None:
    """A hold on a child is a hold in the child's own authority."""
    if hold.child is not None and hold.authority_id and hold.child.authority_id != hold.authority_id:
        raise ValidationError({"child": "Choose a child of the authority the hold is placed in."})


@transaction.atomic
def place_legal_hold(
    *,
    authority: Authority,
    child: Child | None,
    reason: str,
    reference: str = "",
    acting_user: User | None,
) -> LegalHold:
    """Hold a child's record (or, without a child, every record of the authority) from destruction."""
    locked_policy(authority)  # waits for a destruction under way (see the module's docstring)
    hold = LegalHold(
        authority=authority,
        child=child,
        child_public_id=child.public_id if child is not None else None,
        reason=_reason(reason, field_name="reason", missing="Enter why the records must be kept"),
        reference=reference.strip()[:200],
        placed_by=acting_user,
        placed_at=clock.now(),
    )
    check_hold(hold)
    hold.save()
    audit_record(
        actor=acting_user, action=AuditAction.CREATE, instance=hold, before=None, after=audit_snapshot(hold)
    )
    return hold


@transaction.atomic
def release_legal_hold(*, hold: LegalHold, reason: str, acting_user: User | None) -> LegalHold:
    """Release a hold, with the reason. The hold stays, released, with its history."""
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.released_at is not None:
        raise ValidationError({"released_reason": "This hold has already been released"}, code="released")
    before = audit_snapshot(hold)
    hold.released_reason = _reason(
        reason, field_name="released_reason", missing="Enter why the hold is released"
    )
    hold.released_by = acting_user
    hold.released_at = clock.now()
    hold.save()
    audit_record(
        actor=acting_user, action=AuditAction.CHANGE, instance=hold, before=before, after=audit_snapshot(hold)
    )
    return hold


# Destruction


class NotDestroyed(Exception):
    """A group that cannot be destroyed now; the message says why, naming no one."""


@dataclass
class Outcome:
    """What one authority's destruction did: counts per kind, and groups left with the reason."""

    authority: Authority
    destroyed: dict[str, int] = field(default_factory=dict)
    files_removed: int = 0
    files_not_removed: list[str] = field(default_factory=list)
    kept: list[tuple[list[uuid.UUID], str]] = field(default_factory=list)
    refused: str = ""

    def count(self, kind: str, number: int) -> None:
        if number:
            self.destroyed[kind] = self.destroyed.get(kind, 0) + number


def _audit_destroyed(
    kind: str, public_ids: Iterable[Any], *, child_public_id: Any = None, reason: str
) -> int:
    """One audit entry per record destroyed: its kind and public identifier, never its content."""
    written = 0
    for public_id in public_ids:
        entry = AuditEntry(
            action=AuditAction.DELETE,
            object_type=kind,
            object_id=str(public_id),
            object_repr=DESTROYED_REPR,
            child_public_id=child_public_id,
            before=None,
            after=None,
            reason=reason,
        )
        chain.append(entry)
        written += 1
    return written


def _destroy_rows(
    kind: str, queryset: models.QuerySet[Any], outcome: Outcome, reason: str, child_public_id: Any = None
) -> None:
    public_ids = list(queryset.values_list("public_id", flat=True))
    _audit_destroyed(kind, public_ids, child_public_id=child_public_id, reason=reason)
    queryset.delete()
    outcome.count(kind, len(public_ids))


def _destroy_group(review: selectors.Review, group: selectors.Group, outcome: Outcome) -> list[str]:
    """Delete one group's rows, dependants first (their foreign keys PROTECT what they refer to). Returns
    the stored files to remove once the transaction commits."""
    children = Child.objects.filter(pk__in=group.child_pks)
    conferences = Conference.objects.filter(pk__in=group.conference_pks)
    reason = f"Past retention: {review.periods.in_words()}."
    if OutboxMessage.objects.filter(child__in=children, status=OutboxStatus.PENDING).exists():
        raise NotDestroyed("an email about a child in the group is still waiting to be sent")
    files = [name for pk in group.conference_pks for name in review.report_files.get(pk, [])]
    files += [stored.name for stored in review.replaced_files if stored.conference_pk in group.conference_pks]
    family_members = set(
        FamilyMember.objects.filter(relationships__child__in=children).values_list("pk", flat=True)
    ) | set(FamilyMember.objects.filter(households__pk__in=group.household_pks).values_list("pk", flat=True))

    # R-AF-3's record of who was told refers to the email it queued: it goes first.
    _destroy_rows(
        "plans.plannotification", PlanNotification.objects.filter(plan__child__in=children), outcome, reason
    )
    _destroy_rows(
        "notifications.outboxmessage", OutboxMessage.objects.filter(child__in=children), outcome, reason
    )
    _destroy_rows(
        "plans.childinneedplan", ChildInNeedPlan.objects.filter(child__in=children), outcome, reason
    )
    _destroy_rows(
        "plans.childprotectionplan", ChildProtectionPlan.objects.filter(child__in=children), outcome, reason
    )
    _destroy_rows(
        "conferences.agencyview", AgencyView.objects.filter(conference__in=conferences), outcome, reason
    )
    _destroy_rows(
        "conferences.childdecision", ChildDecision.objects.filter(conference__in=conferences), outcome, reason
    )
    _destroy_rows(
        "conferences.exclusion", Exclusion.objects.filter(conference__in=conferences), outcome, reason
    )
    _destroy_rows("conferences.report", Report.objects.filter(conference__in=conferences), outcome, reason)
    # The minutes' circulation refers to the invitations (each copy's recipient): the minutes go first.
    _destroy_rows("minutes.minutes", Minutes.objects.filter(conference__in=conferences), outcome, reason)
    _destroy_rows(
        "conferences.invitation", Invitation.objects.filter(conference__in=conferences), outcome, reason
    )
    # A conference refers to the one before it (PROTECT); both go, so the link goes first.
    conferences.update(previous=None)
    _destroy_rows("conferences.conference", conferences, outcome, reason)
    households = Household.objects.filter(pk__in=group.household_pks)
    enquiries = Section47Enquiry.objects.filter(pk__in=group.enquiry_pks)
    discussions = StrategyDiscussion.objects.filter(
        models.Q(household__in=households) | models.Q(enquiry__in=enquiries)
    )
    discussion_pks = list(discussions.values_list("pk", flat=True))
    _destroy_rows("enquiries.section47enquiry", enquiries, outcome, reason)
    _destroy_rows(
        "enquiries.strategydiscussion",
        StrategyDiscussion.objects.filter(pk__in=discussion_pks),
        outcome,
        reason,
    )
    # Released holds on these children stay, as the record that there was a hold; the link goes.
    LegalHold.objects.filter(child__in=children).update(child=None)
    for child_pk, public_id in children.values_list("pk", "public_id"):
        _destroy_rows(
            "people.child", Child.objects.filter(pk=child_pk), outcome, reason, child_public_id=public_id
        )
    _destroy_rows("people.household", households, outcome, reason)
    # A parent or carer goes too, unless another child's record still needs them.
    for member in FamilyMember.objects.filter(pk__in=family_members, relationships=None, households=None):
        try:
            with transaction.atomic():
                _destroy_rows(
                    "people.familymember", FamilyMember.objects.filter(pk=member.pk), outcome, reason
                )
        except (ProtectedError, RestrictedError, IntegrityError):
            outcome.count("people.familymember kept: another record refers to them", 1)
    return files


def _remove_files(names: list[str], outcome: Outcome) -> None:
    for name in names:
        try:
            private_storage.delete(name)
            outcome.files_removed += 1
        except OSError as error:
            logger.error("Retention could not remove a stored report file: %s", error.strerror)
            outcome.files_not_removed.append(name)


def _blocking(error: Exception) -> str:
    if isinstance(error, (ProtectedError, RestrictedError)):
        related = error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
        kinds = sorted({str(obj._meta.verbose_name_plural) for obj in related})
        return "other records still refer to it: " + ", ".join(kinds)
    return "the database refused it"


def destroy(authority: Authority, *, unused: set[str] | None = None) -> Outcome:
    """Destroy what is past retention in ``authority``, if and only if it has turned destruction on.

    Returns what was destroyed and what was kept, with reasons. Files are removed after the commit."""
    outcome = Outcome(authority=authority)
    files: list[str] = []
    with transaction.atomic():
        policy = locked_policy(authority)
        if policy is None or not policy.destruction_enabled:
            outcome.refused = "destruction is off for this authority"
            return outcome
        review = selectors.review(authority, unused=unused)
        if review.authority_held:
            outcome.refused = "a legal hold covers every record of this authority"
            return outcome
        for group in review.destroyable_groups:
            trial = Outcome(authority=authority)
            try:
                with transaction.atomic():
                    group_files = _destroy_group(review, group, trial)
            except (NotDestroyed, ProtectedError, RestrictedError, IntegrityError) as error:
                reason = str(error) if isinstance(error, NotDestroyed) else _blocking(error)
                outcome.kept.append(
                    ([review.children[pk].public_id for pk in sorted(group.child_pks)], reason)
                )
                continue
            files += group_files
            for kind, number in trial.destroyed.items():
                outcome.count(kind, number)
        # Replaced files past their own period, in groups that stay.
        destroyed_conferences = {pk for group in review.destroyable_groups for pk in group.conference_pks}
        for stored in review.replaced_files_destroyable:
            if stored.conference_pk in destroyed_conferences or stored.name in files:
                continue
            _audit_destroyed(
                "conferences.report.replaced-file",
                [stored.report_public_id],
                reason=f"Replaced report file past retention: {review.periods.in_words()}.",
            )
            files.append(stored.name)
            outcome.count("conferences.report.replaced-file", 1)
        transaction.on_commit(lambda: _remove_files(files, outcome))
    return outcome
