"""Making, revoking and checking service accounts' API tokens: every write audited, no token ever stored,
logged or shown again after it is made (docs/api.md)."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from cpconf import clock
from cpconf.access.log import audit_record, audit_snapshot
from cpconf.api.models import PREFIX_LENGTH, ApiToken
from cpconf.people.models import Professional, Role, User

#: How long a token lasts unless the command is told otherwise, and the longest it may last.
DEFAULT_DAYS = 90
MAX_DAYS = 366

#: What ``secrets.token_urlsafe(32)`` makes: 43 characters of the URL-safe base64 alphabet.
TOKEN_FORM = re.compile(r"^[A-Za-z0-9_-]{43}$")

#: last_used_at is written at most this often, so that a busy system does not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_hash(token: str) -> str:
    """The SHA-256 hash under which a token is kept."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _snapshot(token: ApiToken) -> dict[str, Any]:
    # The hash reveals nothing, but it is a credential's only trace: it stays out of the history too.
    snapshot = audit_snapshot(token)
    snapshot.pop("token_hash", None)
    return snapshot


def _check_service_account(user: User) -> None:
    if not user.is_active:
        raise ValidationError({"email": f"The account {user.email} is closed."})
    if user.is_superuser:
        raise ValidationError({"email": f"{user.email} is a superuser, not a service account."})
    professional = Professional.objects.filter(user=user, is_active=True).first()
    if professional is None:
        raise ValidationError(
            {
                "email": f"{user.email} has no active professional record: give it one with the service account role."
            }
        )
    if not professional.roles.filter(role=Role.SERVICE_ACCOUNT).exists():
        raise ValidationError(
            {
                "email": f"{user.email} does not hold the service account role: only service accounts have tokens."
            }
        )


@dataclass(frozen=True)
class NewToken:
    """A token just made: ``token`` is shown once and is nowhere else."""

    record: ApiToken
    token: str


@transaction.atomic
def api_token_create(*, user: User, days: int = DEFAULT_DAYS, acting_user: User | None) -> NewToken:
    """A new token for a service account, lasting ``days`` days."""
    _check_service_account(user)
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": f"A token lasts from 1 to {MAX_DAYS} days, not {days}."})
    while True:
        token = secrets.token_urlsafe(32)
        prefix = token[:PREFIX_LENGTH]
        # Two tokens sharing a prefix could not be told apart in a list: draw again (about 1 in 2^48).
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    now = clock.now()
    record = ApiToken.objects.create(
        user=user,
        prefix=prefix,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    audit_record(actor=acting_user, action="create", instance=record, before=None, after=_snapshot(record))
    return NewToken(record=record, token=token)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, acting_user: User | None) -> ApiToken:
    """Revoke a token from now on; revoking it again changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    before = _snapshot(token)
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=acting_user, action="change", instance=token, before=before, after=_snapshot(token))
    return token


def api_token_touch(*, token: ApiToken, now: datetime) -> None:
    """Record that the token was used (at most once a minute). Not audited: it is not a change anyone
    makes, and the access log already records every read made with it."""
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
