"""Writing the minutes (R-EX-5, R-AF-1, R-AF-2, R-AF-4, R-AF-5): starting them, saving a section, its
family audience, the chair's approval, amendments, and circulation.

Who may do each is decided before these are called (the views and the API ask the gateway with the
permission: ``WRITE_MINUTES``, ``APPROVE_MINUTES``, ``AMEND_MINUTES``, ``CIRCULATE_MINUTES``); these check
the data. Each runs in one transaction, locks the row it changes, checks everything before it writes,
raises ``ValidationError`` with messages keyed by the form's field names, and writes the audit history.

Optimistic locking (issue 3, item 10): a section carries ``version``; a save with another
``expected_version`` is refused with ``StaleEditError`` naming who changed the section, when, and which
section. The check is made on the locked row, so of two saves at the same moment the second waits for
the first, then finds the version raised and is refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from cpconf import clock
from cpconf.access.log import audit_record, audit_snapshot
from cpconf.clock import time_in_words
from cpconf.conferences.agenda import SECTION_KEYS, SECTION_TITLES
from cpconf.conferences.models import Conference, ConferenceStatus, Invitation, InviteeRole
from cpconf.conferences.selectors.exclusions import excluded_sections_for
from cpconf.conferences.services.scheduling import StaleEditError
from cpconf.minutes import deadlines, render, selectors
from cpconf.minutes.models import (
    Amendment,
    Channel,
    Circulation,
    Document,
    Minutes,
    MinutesSection,
    MinutesStatus,
)
from cpconf.minutes.redaction import Copy
from cpconf.notifications.secure import is_secure_address
from cpconf.notifications.services import Attachment, notify_about_child
from cpconf.people.models import User
from cpconf.people.selectors import professional_for_user

TEXT_MAX_LENGTH = 50_000
REASON_MAX_LENGTH = 2_000

FROZEN = "The chair has approved these minutes, so they can only be changed by an amendment."


def _snapshot(section: MinutesSection) -> dict[str, Any]:
    snapshot = audit_snapshot(section)
    # The text is the record itself: the history says that it changed and who changed it.
    snapshot["text"] = hashlib.sha256(section.text.encode()).hexdigest()[:16] if section.text else ""
    if section.pk is not None:
        snapshot["family_audience"] = sorted(str(i.public_id) for i in section.family_audience.all())
    return snapshot


@transaction.atomic
def minutes_start(*, conference: Conference, acting_user: User | None) -> Minutes:
    """Start the minutes of a held conference: one empty section per agenda key, and the circulation
    deadlines from the clock (R-AF-1, R-AF-2). Starting them twice returns the ones there are."""
    locked = (
        Conference.objects.select_for_update(of=("self",)).select_related("authority").get(pk=conference.pk)
    )
    existing = Minutes.objects.filter(conference=locked).first()
    if existing is not None:
        return existing
    if locked.status != ConferenceStatus.HELD:
        raise ValidationError("Minutes can be started once the conference has been recorded as held.")
    due = deadlines.after_conference(locked)
    decisions_on, decisions_at = deadlines.split(due.decisions)
    minutes_on, minutes_at = deadlines.split(due.minutes)
    amend_on, amend_at = deadlines.split(due.amend_until)
    minutes = Minutes(
        conference=locked,
        started_by=acting_user,
        started_at=clock.now(),
        decisions_due_on=decisions_on,
        decisions_due_at=decisions_at,
        minutes_due_on=minutes_on,
        minutes_due_at=minutes_at,
        amend_until_on=amend_on,
        amend_until_at=amend_at,
    )
    minutes.full_clean(exclude=["conference"])
    minutes.save()
    MinutesSection.objects.bulk_create([MinutesSection(minutes=minutes, key=key) for key in SECTION_KEYS])
    audit_record(
        actor=acting_user, action="create", instance=minutes, before=None, after=audit_snapshot(minutes)
    )
    return minutes


def _locked_section(minutes: Minutes, key: str, field: str = "text") -> MinutesSection:
    if key not in SECTION_TITLES:
        raise ValidationError({"section": ["Choose a section of the agenda"]})
    section = (
        MinutesSection.objects.select_for_update(of=("self",))
        .select_related("updated_by", "minutes")
        .filter(minutes=minutes, key=key)
        .first()
    )
    if section is None:
        section = MinutesSection.objects.create(minutes=minutes, key=key)
    return section


def _check_section_version(section: MinutesSection, expected_version: int | None) -> None:
    if expected_version is None or expected_version == section.version:
        return
    who = "Someone else"
    if section.updated_by is not None:
        who = section.updated_by.get_full_name() or section.updated_by.email
    when = f" on {time_in_words(section.updated_at)}" if section.updated_at else ""
    raise StaleEditError(
        f"{who} changed the section \u201c{SECTION_TITLES[section.key]}\u201d{when}, after you opened this "
        "page. Your change has not been saved: read the section as it is now, then make your change again."
    )


def _clean_text(text: str, *, required: bool = False, field: str = "text") -> str:
    cleaned = text.replace("\r\n", "\n").strip()
    if "\x00" in cleaned:
        raise ValidationError({field: ["The text contains a character that cannot be saved"]})
    if len(cleaned) > TEXT_MAX_LENGTH:
        raise ValidationError({field: [f"The section must be {TEXT_MAX_LENGTH:,} characters or fewer"]})
    if required and not cleaned:
        raise ValidationError({field: ["Enter the section's text"]})
    return cleaned


@transaction.atomic
def section_save(
    *, minutes: Minutes, key: str, text: str, expected_version: int | None, acting_user: User | None
) -> MinutesSection:
    """Save one section's draft text. Refused once the chair has approved the minutes (R-AF-2: changed only
    by an amendment), and when someone else saved the section since it was read."""
    cleaned = _clean_text(text)
    locked_minutes = Minutes.objects.select_for_update(of=("self",)).get(pk=minutes.pk)
    if locked_minutes.is_approved:
        raise ValidationError({"text": [FROZEN]})
    section = _locked_section(locked_minutes, key)
    _check_section_version(section, expected_version)
    before = _snapshot(section)
    section.text = cleaned
    section.updated_by = acting_user
    section.updated_at = clock.now()
    section.version += 1
    section.save()
    audit_record(
        actor=acting_user, action="change", instance=section, before=before, after=_snapshot(section)
    )
    return section


@transaction.atomic
def section_set_audience(
    *,
    minutes: Minutes,
    key: str,
    invitations: Iterable[Invitation],
    expected_version: int | None,
    acting_user: User | None,
) -> MinutesSection:
    """Record which family invitees may read a section (R-EX-5; deny by default: nobody unless named). Only
    people who are not professionals can be named, and never someone excluded from that section."""
    locked_minutes = (
        Minutes.objects.select_for_update(of=("self",)).select_related("conference").get(pk=minutes.pk)
    )
    if locked_minutes.is_approved:
        raise ValidationError({"audience": [FROZEN]})
    section = _locked_section(locked_minutes, key)
    _check_section_version(section, expected_version)
    chosen = list(invitations)
    conference = locked_minutes.conference
    excluded = excluded_sections_for(conference)
    for invitation in chosen:
        if invitation.conference_id != conference.pk or invitation.withdrawn_at is not None:
            raise ValidationError({"audience": ["Choose people invited to this conference"]})
        if invitation.role == InviteeRole.PROFESSIONAL:
            raise ValidationError(
                {"audience": ["Professionals receive every section they were not excluded from"]}
            )
        if key in excluded.get(invitation.public_id, []):
            raise ValidationError(
                {"audience": [f"{invitation.name} was excluded from this part of the conference (R-EX-5)"]}
            )
    before = _snapshot(section)
    section.family_audience.set(chosen)
    section.updated_by = acting_user
    section.updated_at = clock.now()
    section.version += 1
    section.save()
    audit_record(
        actor=acting_user, action="change", instance=section, before=before, after=_snapshot(section)
    )
    return section


def missing_sections(minutes: Minutes) -> list[str]:
    """The titles of the agenda sections with no text, in agenda order."""
    texts = {section.key: section.text for section in minutes.sections.all()}
    return [SECTION_TITLES[key] for key in SECTION_KEYS if not texts.get(key, "").strip()]


@transaction.atomic
def minutes_approve(*, minutes: Minutes, expected_version: int | None, acting_user: User) -> Minutes:
    """The chair approves, signs and dates the minutes (R-AF-2), which freezes them. Refused with the list
    of sections still empty, and by anyone but the chair (the caller checks ``APPROVE_MINUTES``)."""
    locked = Minutes.objects.select_for_update(of=("self",)).get(pk=minutes.pk)
    if locked.is_approved:
        raise ValidationError("The chair has already approved these minutes.")
    if expected_version is not None and expected_version != locked.version:
        raise StaleEditError(
            "The minutes changed after you opened this page. Nothing was approved: read them again first."
        )
    missing = missing_sections(locked)
    if missing:
        raise ValidationError(
            {"sections": [f"Write every section before approving. Still empty: {'; '.join(missing)}."]}
        )
    chair = professional_for_user(acting_user)
    if chair is None:  # pragma: no cover - APPROVE_MINUTES needs an active professional record
        raise ValidationError("Only the chair can approve the minutes.")
    before = audit_snapshot(locked)
    locked.status = MinutesStatus.APPROVED
    locked.approved_by = chair
    locked.approved_at = clock.now()
    locked.signed_name = chair.full_name
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user, action="change", instance=locked, before=before, after=audit_snapshot(locked)
    )
    return locked


def amendment_window_closed(minutes: Minutes) -> str:
    """Why an amendment is refused now ("" if it is allowed): the window's last day has passed (R-AF-2)."""
    until = deadlines.joined(minutes.amend_until_on, minutes.amend_until_at)
    if deadlines.passed(until, clock.now()):
        return (
            f"Amendments could be made until {deadlines.in_words(until)}. That time has passed, so these "
            "minutes can no longer be amended."
        )
    return ""


@transaction.atomic
def minutes_amend(
    *,
    minutes: Minutes,
    key: str,
    text: str,
    reason: str,
    expected_version: int | None,
    acting_user: User | None,
) -> Amendment:
    """Change a section of approved minutes, within the policy's window (R-AF-2), with a reason. The
    amended minutes are a new edition: circulating again sends them to everyone."""
    cleaned = _clean_text(text, required=True)
    why = reason.strip()
    if not why:
        raise ValidationError({"reason": ["Enter why the minutes are being amended"]})
    if len(why) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": [f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer"]})
    locked = Minutes.objects.select_for_update(of=("self",)).get(pk=minutes.pk)
    if not locked.is_approved:
        raise ValidationError("These minutes are still a draft: change the section itself.")
    closed = amendment_window_closed(locked)
    if closed:
        raise ValidationError(closed)
    section = _locked_section(locked, key)
    _check_section_version(section, expected_version)
    if section.text == cleaned:
        raise ValidationError({"text": ["The text is the same as before: change it, or go back"]})
    before_section = _snapshot(section)
    amendment = Amendment.objects.create(
        minutes=locked,
        key=key,
        before=section.text,
        after=cleaned,
        reason=why,
        amended_by=acting_user,
        amended_at=clock.now(),
    )
    section.text = cleaned
    section.updated_by = acting_user
    section.updated_at = amendment.amended_at
    section.version += 1
    section.save()
    before_minutes = audit_snapshot(locked)
    locked.edition += 1
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="change",
        instance=section,
        before=before_section,
        after=_snapshot(section),
        reason=why,
    )
    audit_record(
        actor=acting_user,
        action="change",
        instance=locked,
        before=before_minutes,
        after=audit_snapshot(locked),
        reason=why,
    )
    return amendment


# Circulation (R-AF-1, R-AF-2, R-AF-5)


def channel_for(minutes: Minutes, invitation: Invitation) -> str:
    """How a document reaches this person: by email with the document to a secure address (R-AF-5); a
    professional elsewhere is asked to sign in; anyone else, who has no account, by post or by hand."""
    email = invitation.email.strip()
    if email and is_secure_address(authority=minutes.conference.authority, email_address=email):
        return Channel.EMAIL
    if invitation.role == InviteeRole.PROFESSIONAL and email:
        return Channel.NOTICE
    return Channel.POST


def _subject(document: str, conference: Conference) -> str:
    what = "Minutes" if document == Document.MINUTES else "Decisions and recommendations"
    return f"{what} of child protection conference {conference.reference}"


@transaction.atomic
def circulate(*, minutes: Minutes, document: str, acting_user: User | None) -> list[Circulation]:
    """Send ``document`` to everyone invited who has not had this edition: each their own copy (R-EX-5).
    Emails go through the outbox, in this transaction. Returns the new circulations."""
    locked = Minutes.objects.select_for_update(of=("self",)).get(pk=minutes.pk)
    conference = minutes.conference
    locked.conference = conference
    if document not in Document.values:
        raise ValidationError({"document": ["Choose the minutes or the decisions and recommendations"]})
    loaded = selectors.minutes_of(conference)
    if loaded is None:  # pragma: no cover - locked above, so it exists
        raise ValidationError("There are no minutes of this conference yet.")
    decisions = selectors.decisions_of(conference)
    if document == Document.MINUTES and not locked.is_approved:
        raise ValidationError(
            {"document": ["The minutes are circulated once the chair has approved, signed and dated them"]}
        )
    if document == Document.DECISIONS and not decisions:
        raise ValidationError({"document": ["No decision has been recorded for any child yet"]})
    edition = locked.edition if document == Document.MINUTES else 1
    done = {
        invitation_id
        for invitation_id in Circulation.objects.filter(
            minutes=locked, document=document, edition=edition
        ).values_list("invitation_id", flat=True)
    }
    inputs = selectors.redaction_inputs(loaded)
    now = clock.now()
    sent: list[Circulation] = []
    pdf_cache: dict[Copy, bytes] = {}
    children = list(conference.children.order_by("pk"))
    child = children[0] if len(children) == 1 else None
    path = reverse("minutes:read", kwargs={"conference_id": conference.public_id})
    for invitation in selectors.recipients_of(conference):
        if invitation.pk in done:
            continue
        copy = inputs.copy_for(invitation)
        channel = channel_for(locked, invitation)
        if channel != Channel.POST:
            attachments: list[Attachment] = []
            if channel == Channel.EMAIL:
                if copy not in pdf_cache:
                    pdf_cache[copy] = render.document_pdf(document, conference, loaded, copy, decisions)
                attachments.append(
                    Attachment(
                        filename=f"{document}-{conference.reference}.pdf",
                        content_type="application/pdf",
                        content=pdf_cache[copy],
                    )
                )
            notify_about_child(
                authority=conference.authority,
                child=child,
                recipient_email=invitation.email,
                subject=_subject(document, conference),
                body=render.document_email_body(
                    document, conference, loaded, copy, decisions, invitation.name
                ),
                sign_in_path=path,
                purpose=f"{document}-circulated",
                attachments=attachments,
                acting_user=acting_user,
            )
        row = Circulation.objects.create(
            minutes=locked,
            invitation=invitation,
            document=document,
            edition=edition,
            channel=channel,
            sent_at=now,
            sections=copy.keys if document == Document.MINUTES else [],
            parts_withheld=copy.parts_withheld if document == Document.MINUTES else False,
            sent_by=acting_user,
        )
        audit_record(actor=acting_user, action="create", instance=row, before=None, after=audit_snapshot(row))
        sent.append(row)
    before = audit_snapshot(locked)
    if document == Document.MINUTES and locked.minutes_circulated_at is None:
        locked.minutes_circulated_at = now
    if document == Document.DECISIONS and locked.decisions_circulated_at is None:
        locked.decisions_circulated_at = now
    locked.save()
    audit_record(
        actor=acting_user, action="change", instance=locked, before=before, after=audit_snapshot(locked)
    )
    return sent
