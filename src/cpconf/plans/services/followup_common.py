"""What the follow-up services (core groups, visits, reviews) share: the stale-edit check and locking.

Optimistic locking (issue 3, item 10): a row with ``version`` is changed only if the person's form
carried the version they saw; otherwise ``StaleEditError`` says who changed it and when.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from cpconf.access.log import audit_history_for, audit_record, audit_snapshot
from cpconf.clock import time_in_words
from cpconf.conferences.services.scheduling import StaleEditError
from cpconf.people.models import User

__all__ = ["StaleEditError", "check_version", "field_errors", "save_audited"]


def field_errors(errors: dict[str, list[str]]) -> None:
    """Raise every message at once, keyed by the form's field names (nothing is written)."""
    if errors:
        raise ValidationError(errors)


def check_version(instance: Any, expected_version: int | None, what: str) -> None:
    """Refuse a change made from a form that showed an older version of ``instance``."""
    if expected_version is None or expected_version == instance.version:
        return
    last = audit_history_for(instance).select_related("actor").first()
    who = "Someone else"
    when = ""
    if last is not None:
        who = last.actor_name or who
        when = f" on {time_in_words(last.recorded_at)}"
    raise StaleEditError(
        f"{who} changed {what}{when}, after you opened this page. Your change has not been saved: "
        "check the details as they are now, then make your change again."
    )


def save_audited[M: models.Model](
    instance: M,
    before: dict[str, Any] | None,
    acting_user: User | None,
    *,
    reason: str = "",
    bump: bool = True,
) -> M:
    """Validate and save ``instance`` (raising its version if it has one) and write its audit entry."""
    if bump and hasattr(instance, "version"):
        instance.version += 1
    # A JSON list may be empty (nobody in the core group yet, no action left undone): the services check
    # what goes in them; the model's own "cannot be blank" would refuse an empty list.
    instance.full_clean(
        exclude=[field.name for field in instance._meta.fields if isinstance(field, models.JSONField)]
    )
    instance.save()
    audit_record(
        actor=acting_user,
        action="create" if before is None else "change",
        instance=instance,
        before=before,
        after=audit_snapshot(instance),
        reason=reason,
    )
    return instance
