"""Bearer tokens for service accounts (docs/api.md).

A token is shown once, when it is made (``cpconf api_token create``), and never stored: only its SHA-256
hash is kept, with its first characters (``prefix``) so that people can tell tokens apart in a list. A
fast hash is right here, unlike for passwords: a token is 32 random bytes, so there is nothing to guess,
and the hash can be looked up directly.
"""

from __future__ import annotations

import uuid

from django.db import models

from cpconf.people.models import User

#: How many characters of a token are kept, and shown, to tell tokens apart.
PREFIX_LENGTH = 8


class ApiToken(models.Model):
    """A service account's token for the JSON API: who it belongs to, until when, and whether revoked."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # PROTECT: an account that ever held a token is made inactive, never deleted, so the history stays.
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    prefix = models.CharField(max_length=PREFIX_LENGTH, unique=True)
    token_hash = models.CharField("SHA-256 hash of the token", max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = "API token"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")), name="api_token_expires_after_made"
            )
        ]

    def __str__(self) -> str:
        return f"API token {self.prefix}…"
