"""Who is signed in: their professional record, loaded once per request.

The header (through the context processor), the page's own view and the access rules all need the
signed-in person's professional record; ``professional_for_user`` keeps it on the request's user object,
so a page asks the database for it once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from cpconf.people.models import Professional
from cpconf.people.selectors import professional_for_user


@dataclass(frozen=True)
class SignedInPerson:
    """What the page header shows about the person using the service."""

    name: str
    authority_name: str | None


def signed_in_professional(request: HttpRequest) -> Professional | None:
    """The signed-in person's active professional record (with agency, authority and roles), or None."""
    user = getattr(request, "user", None)
    return None if user is None else professional_for_user(user)


def signed_in_person(request: HttpRequest) -> SignedInPerson | None:
    """The name and authority to show in the header; None when nobody is signed in."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    professional = signed_in_professional(request)
    if professional is None:
        # Someone with an account but no active professional record: they belong to no authority yet.
        return SignedInPerson(name=user.get_full_name() or user.email, authority_name=None)
    return SignedInPerson(name=professional.full_name, authority_name=professional.agency.authority.name)
