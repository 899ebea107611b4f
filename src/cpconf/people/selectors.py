"""Reads of people records. Which children a person may see is decided in ``cpconf.access`` (R-AF-5)."""

from __future__ import annotations

from datetime import date
from typing import cast

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from cpconf.people.models import Authority, ClosureDay, Professional, User
from cpconf.timescales import WorkingCalendar

# Where professional_for_user keeps its answer on the user object. Django loads request.user afresh for
# every request, so the answer lives exactly as long as one request: the header, the page and the
# access rules share one load, and a change of role or a leaver's closed record counts from the next
# request (ASVS 8.3.2).
_CACHE_ATTRIBUTE = "_cpconf_professional"


def professional_for_user(user: User | AnonymousUser) -> Professional | None:
    """The signed-in person's active professional record with agency, authority and roles, loaded once per
    user object (one query and one for the roles); None if absent or inactive."""
    if not user.is_authenticated:
        return None
    # getattr and setattr, not __dict__: request.user is a lazy wrapper that passes them to the user.
    if not hasattr(user, _CACHE_ATTRIBUTE):
        setattr(
            user,
            _CACHE_ATTRIBUTE,
            Professional.objects.select_related("agency__authority")
            .prefetch_related("roles")
            .filter(user=user, is_active=True)
            .first(),
        )
    return cast("Professional | None", getattr(user, _CACHE_ATTRIBUTE))


def professional_for_user_forget(user: User | AnonymousUser) -> None:
    """Forget the record loaded for ``user``, for code that keeps one user object across a change of roles
    (tests; a long-running command)."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def has_closed_professional_record(user: User) -> bool:
    """Whether the person's professional record has been made inactive (they have left): their account is
    closed even though the user row is still active (ASVS 7.4.2)."""
    return Professional.objects.filter(user=user, is_active=False).exists()


def working_calendar_for(authority: Authority) -> WorkingCalendar:
    """The authority's working days: England's bank holidays and its own closure days are not counted
    (docs/domain.md, "wd"). Pass it to ``cpconf.timescales`` whenever a deadline is worked out for the
    authority; the closure days of its policy profile are added there."""
    closure_days = ClosureDay.objects.filter(authority=authority).values_list("date", flat=True)
    return WorkingCalendar(closure_days=closure_days)


def allocation_current_on(day: date) -> Q:
    """A filter on Allocation: those that cover ``day``, their start and end dates included (R-AF-5)."""
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))
