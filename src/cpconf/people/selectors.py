"""Reads of people records. Need-to-know scoping of children arrives with the access rules (cpconf.access)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from cpconf.people.models import Professional, User


def professional_for_user(user: User | AnonymousUser) -> Professional | None:
    """The signed-in person's professional record with agency and authority, in one query; None if absent."""
    if not user.is_authenticated:
        return None
    return (
        Professional.objects.select_related("agency__authority")
        .prefetch_related("roles")
        .filter(user=user, is_active=True)
        .first()
    )
