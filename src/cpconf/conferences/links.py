"""Signed links for replying to an invitation without an account (R-PR-3).

A link carries, signed with the site's secret key and a salt used for nothing else, the invitation's
public identifier, the schedule sequence it was sent for, and the last day it works (the conference's
own day, in England's time). Nothing else: no name, no child, no address. Anyone who changes a
character gets "not valid"; after its last day it is "expired"; a link from an earlier email, sent
before the date, time or place changed, is recognised as such (``ReplyLink.sequence``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from cpconf import clock
from cpconf.conferences.models import Conference, Invitation

SALT = "cpconf.conferences.invitation-reply"
# A real token is about 120 characters; anything far longer is not one of ours.
MAX_TOKEN_LENGTH = 400


class LinkProblem(StrEnum):
    INVALID = "invalid"
    EXPIRED = "expired"


class BadReplyLink(Exception):
    """The link cannot be used: ``problem`` says why (for the page), ``reason`` in words (for the log)."""

    def __init__(self, problem: LinkProblem, reason: str) -> None:
        super().__init__(reason)
        self.problem = problem
        self.reason = reason


@dataclass(frozen=True)
class ReplyLink:
    invitation_id: uuid.UUID
    sequence: int
    works_until: date


def last_day(conference: Conference) -> date:
    """The last day a reply link works: the day the conference ends (or starts), in England's time."""
    moment = conference.ends_at or conference.starts_at
    if moment is None:
        raise ValueError("A reply link needs the conference's date.")
    return timezone.localtime(moment).date()


def reply_token(*, invitation: Invitation, conference: Conference) -> str:
    """The signed token for ``invitation``'s reply link, for the conference as it is scheduled now."""
    payload = {
        "i": str(invitation.public_id),
        "s": conference.schedule_sequence,
        "u": last_day(conference).isoformat(),
    }
    return signing.dumps(payload, salt=SALT, compress=True)


def reply_url(*, invitation: Invitation, conference: Conference) -> str:
    """The whole address of the reply link, for an email."""
    path = reverse(
        "conferences:invitation-reply", args=[reply_token(invitation=invitation, conference=conference)]
    )
    return f"{settings.CPCONF_SITE_URL}{path}"


def read_reply_token(token: str) -> ReplyLink:
    """What a token says, if it is ours, untouched and not past its last day; ``BadReplyLink`` otherwise."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise BadReplyLink(LinkProblem.INVALID, "Reply link: not a token of the right length.")
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise BadReplyLink(LinkProblem.INVALID, "Reply link: the signature does not match.") from None
    try:
        link = ReplyLink(
            invitation_id=uuid.UUID(str(payload["i"])),
            sequence=int(payload["s"]),
            works_until=date.fromisoformat(str(payload["u"])),
        )
    except (KeyError, TypeError, ValueError):
        raise BadReplyLink(LinkProblem.INVALID, "Reply link: signed, but not a reply token.") from None
    if clock.today() > link.works_until:
        raise BadReplyLink(LinkProblem.EXPIRED, f"Reply link: expired after {link.works_until.isoformat()}.")
    return link
