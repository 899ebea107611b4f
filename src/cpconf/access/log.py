"""Writing and reading the access log and the audit history (issue items 4 and 5; DESIGN principle 4).

``access_record`` writes one row per read of a child's record, report, minutes or plan, and one per
refused attempt. ``audit_record`` writes one row per change to a record, with the field values before and
after. Both write in the caller's transaction, so the row commits with the read or the change it records
and rolls back with it: call them inside the service's or view's ``transaction.atomic`` block. A refusal
is logged only if the transaction it is written in commits, so record a refusal outside (or before
leaving) any block that the refusal rolls back.

Each row is appended to a hash chain (``cpconf.access.chain``): writers of the same chain wait for each
other until commit, so call these late in a long transaction.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from cpconf.access import chain
from cpconf.access.models import AccessEntry, AuditAction, AuditEntry
from cpconf.people.models import Child, User

__all__ = [
    "access_history_for_child",
    "access_record",
    "audit_history_for",
    "audit_record",
    "audit_snapshot",
    "child_concerned",
]

# Never copied into the audit history: secrets, and what changes on every sign-in or save.
_NOT_AUDITED = {"password", "last_login", "created_at", "updated_at"}


def _actor(user: Any) -> User | None:
    """The signed-in person, or None for the system and for someone not signed in."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user if isinstance(user, User) else None


def _copy_actor(entry: AccessEntry | AuditEntry, user: User | None) -> None:
    entry.actor = user
    if user is not None:
        entry.actor_name = user.get_full_name()[:255]
        entry.actor_email = user.email[:254]


def _public_id(instance: models.Model) -> str:
    public_id = getattr(instance, "public_id", None)
    return str(public_id) if public_id is not None else str(instance.pk)


def child_concerned(instance: models.Model) -> Child | None:
    """The child a record is about: the child itself, or the ``child`` of a relationship or allocation."""
    if isinstance(instance, Child):
        return instance
    child = getattr(instance, "child", None)
    return child if isinstance(child, Child) else None


def _logged_path(request: HttpRequest) -> str:
    """The request's path only (a query string may hold a searched name), with any signed token in it (a
    reply link's) replaced by "[token]": the log must not hold a credential someone could use."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    token = match.kwargs.get("token") if match is not None else None
    if token:
        path = path.replace(str(token), "[token]")
    return path[:500]


def access_record(
    *,
    user: Any,
    what: str,
    child: Child | None = None,
    object_id: uuid.UUID | None = None,
    reason: str = "",
    allowed: bool,
    request: HttpRequest | None = None,
) -> AccessEntry:
    """Log one read (or one refused attempt): who, what, which child and object, why, and when.

    ``user`` may be anonymous (logged as nobody). ``what`` is a short name such as "child-record",
    "child-list" or "access-history". Exactly one call per read.
    """
    entry = AccessEntry(
        what=what,
        child_public_id=child.public_id if child is not None else None,
        object_id=object_id,
        reason=reason,
        allowed=allowed,
    )
    _copy_actor(entry, _actor(user))
    if request is not None:
        entry.request_method = (request.method or "")[:10]
        entry.request_path = _logged_path(request)
    return chain.append(entry)


def audit_record(
    *,
    actor: Any,
    action: str,
    instance: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str = "",
) -> AuditEntry:
    """Log one change to ``instance``: who, what ("create", "change", "delete"), before and after.

    ``before`` and ``after`` are ``audit_snapshot`` dictionaries (None for the side that does not exist).
    For a change only the fields whose value differs are kept.
    """
    if action not in AuditAction.values:
        raise ValueError(f"Unknown audit action {action!r}: use one of {', '.join(AuditAction.values)}.")
    if action == AuditAction.CHANGE and before is not None and after is not None:
        changed = sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))
        before = {key: before.get(key) for key in changed}
        after = {key: after.get(key) for key in changed}
    child = child_concerned(instance)
    entry = AuditEntry(
        action=action,
        object_type=instance._meta.label_lower,
        object_id=_public_id(instance),
        object_repr=str(instance)[:200],
        child_public_id=child.public_id if child is not None else None,
        before=before,
        after=after,
        reason=reason,
    )
    _copy_actor(entry, _actor(actor))
    return chain.append(entry)


def _value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (uuid.UUID, Decimal)):
        return str(value)
    if isinstance(value, float):
        return repr(value)  # text, so that the database's JSON type cannot round it
    if isinstance(value, models.Model):
        return _public_id(value)
    return str(value)


def audit_snapshot(instance: models.Model) -> dict[str, Any]:
    """The record's field values as JSON-safe data: related records by public identifier, many-to-many
    as a sorted list of them. Secrets and save timestamps are left out."""
    snapshot: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key or field.name in _NOT_AUDITED:
            continue
        if field.is_relation:
            related = getattr(instance, field.name)
            snapshot[field.name] = None if related is None else _public_id(related)
        else:
            snapshot[field.name] = _value(field.value_from_object(instance))
    if instance.pk is not None:
        for m2m in instance._meta.many_to_many:
            related_manager = getattr(instance, m2m.name)
            snapshot[m2m.name] = sorted(_public_id(related) for related in related_manager.all())
    return snapshot


def access_history_for_child(child: Child) -> QuerySet[AccessEntry]:
    """Who has seen (or tried to see) this child's record, newest first, with each person loaded."""
    return (
        AccessEntry.objects.filter(child_public_id=child.public_id)
        .select_related("actor")
        .order_by("-sequence")
    )


def audit_history_for(instance: models.Model) -> QuerySet[AuditEntry]:
    """Every change to this record, newest first, with each person loaded."""
    return (
        AuditEntry.objects.filter(object_type=instance._meta.label_lower, object_id=_public_id(instance))
        .select_related("actor")
        .order_by("-sequence")
    )
