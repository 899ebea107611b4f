"""Minutes pages (R-EX-5, R-AF-1, R-AF-2, R-AF-5): reading one's copy, the editor, the chair's approval,
amendments, circulation, each recipient's copy (to preview, print and post), the PDFs and the list of
late circulations.

Thin: each page gets its conference from ``cpconf.access.gateways.conference_for`` with the permission it
needs (which decides, logs the read as "minutes" and refuses with 404 or 403), reads through
``cpconf.minutes.selectors`` and writes through ``cpconf.minutes.services``. Every copy shown or sent is
built by ``cpconf.minutes.redaction.redact`` from what its reader may receive.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from cpconf.access import gateways
from cpconf.access.log import access_record
from cpconf.access.rules import (
    APPROVE_MINUTES,
    PREVIEW_MINUTES,
    READ_MINUTES,
    SEE_LATE_CIRCULATION,
    WRITE_MINUTES,
    may,
)
from cpconf.conferences.agenda import AGENDA, SECTION_TITLES
from cpconf.conferences.models import Conference, ConferenceStatus, Invitation
from cpconf.conferences.selectors.exclusions import excluded_sections_for
from cpconf.conferences.views.exclusions import conference_heading
from cpconf.minutes import deadlines, selectors, services
from cpconf.minutes import render as documents
from cpconf.minutes.forms import AmendForm, ApproveForm, CirculateForm, SectionForm
from cpconf.minutes.models import Channel, Document, Minutes
from cpconf.minutes.redaction import Copy
from cpconf.people.models import User

# What the access log records these pages as reading.
MINUTES = "minutes"
MINUTES_COPY = "minutes-copy"
LATE_LIST = "minutes-late-list"

NO_MINUTES = "There are no minutes of this conference yet."


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def _minutes_or_404(conference: Conference) -> Minutes:
    minutes = selectors.minutes_of(conference)
    if minutes is None:
        raise Http404(NO_MINUTES)
    return minutes


def _document(request: HttpRequest) -> str:
    value = request.GET.get("document", Document.MINUTES)
    return value if value in Document.values else Document.MINUTES


def _deadline_rows(minutes: Minutes) -> list[dict[str, str]]:
    rows = []
    for label, on, at, done in (
        (
            "Decisions and recommendations to be sent by",
            minutes.decisions_due_on,
            minutes.decisions_due_at,
            minutes.decisions_circulated_at,
        ),
        (
            "Minutes to be sent by",
            minutes.minutes_due_on,
            minutes.minutes_due_at,
            minutes.minutes_circulated_at,
        ),
        ("Amendments can be made until", minutes.amend_until_on, minutes.amend_until_at, None),
    ):
        due = deadlines.joined(on, at)
        if due is not None:
            rows.append({"label": label, "value": deadlines.in_words(due), "done": "Sent" if done else ""})
    return rows


@login_required
def minutes_read(request: HttpRequest, conference_id: uuid.UUID) -> HttpResponse:
    """The reader's copy: the whole minutes for social care staff, or an invited professional's own copy
    (R-AF-5, R-EX-5); with the ways on for whoever writes, approves or circulates them."""
    user = _user(request)
    conference = gateways.conference_for(
        user, conference_id, what=MINUTES, permission=READ_MINUTES, request=request
    )
    minutes = selectors.minutes_of(conference)
    document = _document(request)
    fragment = ""
    if minutes is not None:
        copy = selectors.copy_for_reader(user, minutes)
        fragment = documents.copy_fragment(
            document, conference, minutes, copy, selectors.decisions_of(conference)
        )
    context = {
        "conference": conference,
        "heading": conference_heading(conference),
        "minutes": minutes,
        "document": document,
        "fragment": fragment,
        "may_write": may(user, WRITE_MINUTES, conference),
        "may_approve": may(user, APPROVE_MINUTES, conference),
        "may_preview": may(user, PREVIEW_MINUTES, conference),
        "may_start": conference.status == ConferenceStatus.HELD,
        "deadline_rows": _deadline_rows(minutes) if minutes else [],
    }
    return render(request, "minutes/read.html", context)


@require_POST
@login_required
def minutes_start(request: HttpRequest, conference_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    conference = gateways.conference_for(
        user, conference_id, what=MINUTES, permission=WRITE_MINUTES, request=request
    )
    try:
        services.minutes_start(conference=conference, acting_user=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("minutes:read", conference_id=conference.public_id)
    messages.success(
        request, "You started the minutes. Write each section, then ask the chair to approve them."
    )
    return redirect("minutes:edit", conference_id=conference.public_id)


def _section_forms(
    minutes: Minutes,
    family: list[Invitation],
    excluded: dict[uuid.UUID, list[str]],
    posted: tuple[str, Any] | None,
) -> list[tuple[str, SectionForm]]:
    sections = selectors.sections_by_key(minutes)
    forms = []
    for key, title in AGENDA:
        section = sections.get(key)
        excluded_here = [i for i in family if key in excluded.get(i.public_id, [])]
        initial = {
            "text": section.text if section else "",
            "audience": [str(i.public_id) for i in section.family_audience.all()] if section else [],
            "version": section.version if section else 1,
        }
        data = posted[1] if posted is not None and posted[0] == key else None
        forms.append(
            (
                key,
                SectionForm(
                    data, prefix=key, initial=initial, title=title, family=family, excluded=excluded_here
                ),
            )
        )
    return forms


@login_required
def minutes_edit(request: HttpRequest, conference_id: uuid.UUID) -> HttpResponse:
    """The minute taker's editor: each agenda section's text and who in the family may read it (R-EX-5)."""
    user = _user(request)
    conference = gateways.conference_for(
        user, conference_id, what=MINUTES, permission=WRITE_MINUTES, request=request
    )
    minutes = _minutes_or_404(conference)
    family = selectors.family_invitations(conference)
    excluded = excluded_sections_for(conference)
    posted_key = request.POST.get("section", "") if request.method == "POST" else ""
    if request.method == "POST" and posted_key not in SECTION_TITLES:
        posted_key = ""
    forms = _section_forms(minutes, family, excluded, (posted_key, request.POST) if posted_key else None)
    failed: SectionForm | None = None
    if posted_key and not minutes.is_approved:
        form = dict(forms)[posted_key]
        if form.is_valid():
            try:
                with transaction.atomic():
                    section = services.section_save(
                        minutes=minutes,
                        key=posted_key,
                        text=form.cleaned_data["text"],
                        expected_version=form.cleaned_data["version"],
                        acting_user=user,
                    )
                    services.section_set_audience(
                        minutes=minutes,
                        key=posted_key,
                        invitations=form.chosen(),
                        expected_version=section.version,
                        acting_user=user,
                    )
            except ValidationError as error:
                form.add_error(None, error)
                failed = form
            else:
                messages.success(request, f"You saved \u201c{SECTION_TITLES[posted_key]}\u201d.")
                return redirect(f"{request.path}#section-{posted_key}")
        else:
            failed = form
    context = {
        "conference": conference,
        "heading": conference_heading(conference),
        "minutes": minutes,
        "forms": forms,
        "failed": failed,
        "missing": services.missing_sections(minutes),
    }
    return render(request, "minutes/edit.html", context, status=200)


@login_required
def minutes_approve(request: HttpRequest, conference_id: uuid.UUID) -> HttpResponse:
    """The chair approves, signs and dates the minutes (R-AF-2), which freezes them."""
    user = _user(request)
    conference = gateways.conference_for(
        user, conference_id, what=MINUTES, permission=APPROVE_MINUTES, request=request
    )
    minutes = _minutes_or_404(conference)
    form = ApproveForm(
        request.POST if request.method == "POST" else None, initial={"version": minutes.version}
    )
    if request.method == "POST" and not minutes.is_approved and form.is_valid():
        try:
            services.minutes_approve(
                minutes=minutes, expected_version=form.cleaned_data["version"], acting_user=user
            )
        except ValidationError as error:
            form.add_error(None, error.messages if hasattr(error, "error_dict") else error)
        else:
            messages.success(request, "You approved and signed the minutes. They can now be circulated.")
            return redirect("minutes:read", conference_id=conference.public_id)
    inputs = selectors.redaction_inputs(minutes)
    context = {
        "conference": conference,
        "heading": conference_heading(conference),
        "minutes": minutes,
        "form": form,
        "missing": services.missing_sections(minutes),
        "fragment": documents.copy_fragment(Document.MINUTES, conference, minutes, inputs.full_copy(), []),
    }
    return render(request, "minutes/approve.html", context)


@login_required
def minutes_amend(request: HttpRequest, conference_id: uuid.UUID) -> HttpResponse:
    """The chair amends approved minutes, with a reason, within the policy's window (R-AF-2)."""
    user = _user(request)
    conference = gateways.conference_for(
        user, conference_id, what=MINUTES, permission=APPROVE_MINUTES, request=request
    )
    minutes = _minutes_or_404(conference)
    sections = selectors.sections_by_key(minutes)
    chosen = request.GET.get("section", "")
    initial: dict[str, Any] = {}
    if chosen in sections:
        initial = {"section": chosen, "text": sections[chosen].text, "version": sections[chosen].version}
    form = AmendForm(request.POST if request.method == "POST" else None, initial=initial)
    closed = services.amendment_window_closed(minutes) if minutes.is_approved else ""
    if request.method == "POST" and minutes.is_approved and form.is_valid():
        data = form.cleaned_data
        try:
            services.minutes_amend(
                minutes=minutes,
                key=data["section"],
                text=data["text"],
                reason=data["reason"],
                expected_version=data["version"],
                acting_user=user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "You amended the minutes. Circulate them again so everyone has this edition."
            )
            return redirect("minutes:read", conference_id=conference.public_id)
    context = {
        "conference": conference,
        "heading": conference_heading(conference),
        "minutes": minutes,
        "form": form,
        "closed": closed,
        "chosen": chosen if chosen in sections else "",
        "agenda": AGENDA,
        "amendments": list(minutes.amendments.select_related("amended_by").order_by("amended_at", "pk")),
        "titles": SECTION_TITLES,
    }
    return render(request, "minutes/amend.html", context)


@login_required
def minutes_circulation(request: HttpRequest, conference_id: uuid.UUID) -> HttpResponse:
    """Who receives the minutes and the decisions, how (R-AF-5), and what each will receive (R-EX-5)."""
    user = _user(request)
    conference = gateways.conference_for(
        user, conference_id, what=MINUTES, permission=WRITE_MINUTES, request=request
    )
    minutes = _minutes_or_404(conference)
    form = CirculateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.circulate(
                minutes=minutes, document=form.cleaned_data["document"], acting_user=user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            label = Document(form.cleaned_data["document"]).label
            messages.success(
                request,
                f"{label}: sent to {len(sent)} {'person' if len(sent) == 1 else 'people'}."
                if sent
                else f"{label}: everyone already has this edition.",
            )
            return redirect("minutes:circulation", conference_id=conference.public_id)
    inputs = selectors.redaction_inputs(minutes)
    done = selectors.circulations_of(minutes)
    rows = []
    for invitation in selectors.recipients_of(conference):
        copy = inputs.copy_for(invitation)
        rows.append(
            {
                "invitation": invitation,
                "channel": services.channel_for(minutes, invitation),
                "sections": [s.title for s in copy.sections],
                "parts_withheld": copy.parts_withheld,
                "minutes_sent": done.get((invitation.public_id, Document.MINUTES)),
                "decisions_sent": done.get((invitation.public_id, Document.DECISIONS)),
            }
        )
    context = {
        "conference": conference,
        "heading": conference_heading(conference),
        "minutes": minutes,
        "form": form,
        "rows": rows,
        "deadline_rows": _deadline_rows(minutes),
        "channel_labels": dict(Channel.choices),
    }
    return render(request, "minutes/circulation.html", context)


@dataclass(frozen=True)
class _Copy:
    """One recipient's copy of a conference's minutes, read for the person previewing or printing it."""

    conference: Conference
    minutes: Minutes
    invitation: Invitation
    copy: Copy


def _copy_of(request: HttpRequest, conference_id: uuid.UUID, invitation_id: uuid.UUID) -> _Copy:
    """The conference (checked and logged as a read of this recipient's copy), its minutes, the recipient
    and what they receive; 404 alike for minutes not started and a recipient not invited."""
    conference = gateways.conference_for(
        _user(request),
        conference_id,
        what=MINUTES_COPY,
        permission=PREVIEW_MINUTES,
        request=request,
        object_id=invitation_id,
    )
    minutes = _minutes_or_404(conference)
    invitation = selectors.invitation_in(conference, invitation_id)
    if invitation is None:
        raise Http404("There is nobody invited with this identifier, or you do not have access to them.")
    return _Copy(conference, minutes, invitation, selectors.redaction_inputs(minutes).copy_for(invitation))


@login_required
def copy_preview(request: HttpRequest, conference_id: uuid.UUID, invitation_id: uuid.UUID) -> HttpResponse:
    """One recipient's copy, exactly as they receive it: to check it, or to print it and post it."""
    found = _copy_of(request, conference_id, invitation_id)
    conference = found.conference
    document = _document(request)
    context = {
        "conference": conference,
        "heading": conference_heading(conference),
        "minutes": found.minutes,
        "invitation": found.invitation,
        "document": document,
        "fragment": documents.copy_fragment(
            document, conference, found.minutes, found.copy, selectors.decisions_of(conference)
        ),
    }
    return render(request, "minutes/preview.html", context)


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def minutes_pdf(request: HttpRequest, conference_id: uuid.UUID) -> HttpResponse:
    """The reader's own copy as a PDF (R-AF-5)."""
    user = _user(request)
    conference = gateways.conference_for(
        user, conference_id, what=MINUTES, permission=READ_MINUTES, request=request
    )
    minutes = _minutes_or_404(conference)
    document = _document(request)
    copy = selectors.copy_for_reader(user, minutes)
    pdf = documents.document_pdf(document, conference, minutes, copy, selectors.decisions_of(conference))
    return _pdf_response(pdf, f"{document}-{conference.reference}.pdf")


@login_required
def copy_pdf(request: HttpRequest, conference_id: uuid.UUID, invitation_id: uuid.UUID) -> HttpResponse:
    """One recipient's copy as a PDF, to print and post."""
    found = _copy_of(request, conference_id, invitation_id)
    conference = found.conference
    document = _document(request)
    pdf = documents.document_pdf(
        document, conference, found.minutes, found.copy, selectors.decisions_of(conference)
    )
    return _pdf_response(pdf, f"{document}-{conference.reference}-copy.pdf")


@login_required
def late_list(request: HttpRequest) -> HttpResponse:
    """Minutes and decisions not circulated by their due date (R-AF-1, R-AF-2), for social care staff."""
    user = _user(request)
    if not may(user, SEE_LATE_CIRCULATION):
        with transaction.atomic(durable=True):
            access_record(
                user=user,
                what=LATE_LIST,
                reason="Not allowed: see_late_circulation.",
                allowed=False,
                request=request,
            )
        raise PermissionDenied("Your roles do not include the list of late circulation.")
    access_record(user=user, what=LATE_LIST, allowed=True, request=request)
    return render(request, "minutes/late.html", {"rows": selectors.late_circulations(user)})


urlpatterns: list[URLPattern] = [
    path("conferences/<uuid:conference_id>/minutes/", minutes_read, name="read"),
    path("conferences/<uuid:conference_id>/minutes/start/", minutes_start, name="start"),
    path("conferences/<uuid:conference_id>/minutes/edit/", minutes_edit, name="edit"),
    path("conferences/<uuid:conference_id>/minutes/approve/", minutes_approve, name="approve"),
    path("conferences/<uuid:conference_id>/minutes/amend/", minutes_amend, name="amend"),
    path("conferences/<uuid:conference_id>/minutes/circulation/", minutes_circulation, name="circulation"),
    path("conferences/<uuid:conference_id>/minutes/minutes.pdf", minutes_pdf, name="pdf"),
    path(
        "conferences/<uuid:conference_id>/minutes/copies/<uuid:invitation_id>/", copy_preview, name="preview"
    ),
    path(
        "conferences/<uuid:conference_id>/minutes/copies/<uuid:invitation_id>/copy.pdf",
        copy_pdf,
        name="copy-pdf",
    ),
    path("minutes/late/", late_list, name="late"),
]
