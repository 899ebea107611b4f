"""Which addresses may receive content about a child, and what everyone else receives (R-AF-5).

Secure domains are matched **exactly** (case aside): ``nhs.northbridge.example`` is not trusted because
``northbridge.example`` is, and neither is ``northbridge.example.evil.example``. A secure email domain is
an accredited mail system, and a subdomain may be another system entirely, so each one is listed on its
own (deny by default: security note §0). Pure functions but for reading the authority's domains.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import Resolver404, resolve

from cpconf.people.models import Authority

# What someone outside the secure domains receives instead of the content: nothing about any child.
NOTICE_SUBJECT = "New information in {service}"
NOTICE_BODY = "There is new information for you in {service}. Sign in to read it: {url}"

# Characters a sign-in path may not hold: a query string or fragment could carry a searched name,
# a backslash or space could make a mail client read a different link.
_NOT_IN_A_PATH = set("?#\\ \r\n\t")


def email_domain(email_address: str) -> str:
    """The domain of an address (after its last @), in lower case: domains are not case-sensitive, local
    parts may be. "" for something that is not an address."""
    local_part, at, domain = email_address.rpartition("@")
    return domain.lower() if at and local_part else ""


def is_secure_address(*, authority: Authority, email_address: str) -> bool:
    """Whether content about a child may be emailed to this address: its domain is exactly one of the
    authority's secure email domains (R-AF-5). ``str.lower`` and not ``casefold``: casefolding turns
    "straße" into "strasse", which is a different domain."""
    domain = email_domain(email_address)
    if not domain:
        return False
    secure = {listed.lower() for listed in authority.secure_email_domains.values_list("domain", flat=True)}
    return domain in secure


def sign_in_url(sign_in_path: str) -> str:
    """The full address of a page of the service, for an email. Only a path the service answers to, with
    no query string: a query string could carry a searched name, and another site is not ours to send
    people to."""
    if (
        not sign_in_path.startswith("/")
        or sign_in_path.startswith("//")
        or _NOT_IN_A_PATH & set(sign_in_path)
    ):
        raise ValueError(f"{sign_in_path!r} is not a path of this service (for example /children/<id>/).")
    try:
        resolve(sign_in_path)
    except Resolver404:
        raise ValueError(f"{sign_in_path!r} is not a page of this service.") from None
    return f"{settings.CPCONF_SITE_URL}{sign_in_path}"


def sign_in_notice(*, url: str) -> tuple[str, str]:
    """The subject and body someone outside the secure domains receives: the service's name and a link."""
    service = settings.CPCONF_SERVICE_NAME
    return NOTICE_SUBJECT.format(service=service), NOTICE_BODY.format(service=service, url=url)
