"""Invitation pages (R-PR-1 to R-PR-3): who is invited and how they replied, adding people from the
suggestions or by name, what the family were told of their rights, sending the emails, one invitation's
details, and the reply page an invitee reaches through the signed link in their email, with no account.

Thin: every conference comes from the gateway (``conference_for``), with MANAGE_CONFERENCE for anything
that changes; the selectors say what to show and the services decide and write.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from cpconf.access import gateways
from cpconf.access.log import access_record
from cpconf.access.rules import MANAGE_CONFERENCE, VIEW_CONFERENCE
from cpconf.conferences import ics, links
from cpconf.conferences.forms.invitations import (
    AddInviteesForm,
    AddPersonForm,
    InvitedHowForm,
    RecordReplyForm,
    ReplyForm,
    RightsForm,
    WithdrawForm,
)
from cpconf.conferences.models import Conference, Invitation
from cpconf.conferences.selectors import invitations as selectors
from cpconf.conferences.services import invitations as services
from cpconf.people.models import User

# What the access log calls a read of these pages, and a refused reply link.
WHAT = "conference-invitations"
REPLY_WHAT = "invitation-reply"

REFUSED_WORDS = {
    links.LinkProblem.INVALID: (
        "This link does not work",
        "The link may have been copied wrongly or not in full. Use the link in the invitation email, or contact "
        "the conference office that sent it.",
    ),
    links.LinkProblem.EXPIRED: (
        "This link has expired",
        "Links to reply to an invitation work until the day of the conference. Contact the conference office "
        "that sent it.",
    ),
}


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)  # login_required has turned away anyone signed out


def conference_path(conference: Conference) -> str:
    """The conference's own page (``conferences:detail``), or its address if that page is not there yet."""
    try:
        return reverse("conferences:detail", kwargs={"conference_id": conference.public_id})
    except NoReverseMatch:
        return f"/conferences/{conference.public_id}/"


def _list_path(conference: Conference) -> str:
    return reverse("conferences:invitations", kwargs={"conference_id": conference.public_id})


def _conference(request: HttpRequest, conference_id: uuid.UUID, *, manage: bool = False) -> Conference:
    return gateways.conference_for(
        _user(request),
        conference_id,
        what=WHAT,
        permission=MANAGE_CONFERENCE if manage else VIEW_CONFERENCE,
        request=request,
    )


def _invitation(conference: Conference, invitation_id: uuid.UUID) -> Invitation:
    invitation = selectors.invitation_in_conference(conference=conference, invitation_id=invitation_id)
    if invitation is None:
        raise Http404("There is no invitation here, or you do not have access to it.")
    return invitation


def _schedule(conference: Conference) -> dict[str, str]:
    day, times = selectors.when_in_words(conference)
    return {"day": day, "times": times, "place": ics.place_in_words(conference) or "Not arranged yet"}


@dataclass(frozen=True)
class Item:
    """One checkbox of the suggestions, as the page shows it."""

    value: str
    id: str
    checked: bool
    suggestion: selectors.Suggestion


def _items(form: AddInviteesForm, name: str, people: tuple[selectors.Suggestion, ...]) -> list[Item]:
    selected = set(form[name].value() or []) if form.is_bound else set()
    items = []
    index = 0
    for person in people:
        if person.invited:
            continue
        items.append(Item(person.value, f"id_{name}_{index}", person.value in selected, person))
        index += 1
    return items


def _render_list(
    request: HttpRequest,
    conference: Conference,
    *,
    add_form: AddInviteesForm | None = None,
    rights_form: RightsForm | None = None,
    errors: list[dict[str, str]] | None = None,
) -> HttpResponse:
    page = selectors.invitations_page(conference=conference, acting_user=_user(request))
    if page.suggestions is not None and add_form is None:
        add_form = AddInviteesForm(suggestions=page.suggestions)
    if rights_form is None:
        rights_form = RightsForm(rows=page.rights)
    context: dict[str, Any] = {
        "conference": conference,
        "conference_path": conference_path(conference),
        "page": page,
        "schedule": _schedule(conference),
        "add_form": add_form,
        "rights_form": rights_form,
        "rights": [(row, rights_form[row.field]) for row in page.rights],
        # Errors that belong to no form field (a closed conference, one not ready to send), with where to look.
        "page_errors": errors or [],
        # The form whose errors the page's title announces.
        "form": add_form if add_form is not None and add_form.errors else rights_form,
    }
    if add_form is not None and page.suggestions is not None:
        context["items"] = {
            "professionals": _items(add_form, "professionals", page.suggestions.professionals),
            "family": _items(add_form, "family", page.suggestions.family),
            "children": _items(add_form, "children", page.suggestions.children),
        }
        context["choose"] = [(choose, add_form[choose.name]) for choose in page.suggestions.to_choose]
    return render(request, "conferences/invitations/list.html", context)


@login_required
def invitation_list(request: HttpRequest, conference_id: uuid.UUID) -> HttpResponse:
    """Everyone invited, how and whether they replied; for the conference office, what to do next."""
    return _render_list(request, _conference(request, conference_id))


@require_POST
@login_required
def invitations_add(request: HttpRequest, conference_id: uuid.UUID) -> HttpResponse:
    """Invite the people ticked among the suggestions (R-PR-2)."""
    conference = _conference(request, conference_id, manage=True)
    if not conference.is_open:
        return _render_list(request, conference, errors=[{"text": _closed(conference), "href": "#invited"}])
    suggestions = selectors.conference_suggestions(conference=conference)
    form = AddInviteesForm(request.POST, suggestions=suggestions)
    if form.is_valid():
        data = form.cleaned_data
        by_value = {
            person.value: person
            for person in (*suggestions.professionals, *suggestions.family, *suggestions.children)
        }
        professionals = [by_value[value].professional for value in data["professionals"]]
        for choose in suggestions.to_choose:
            if data.get(choose.name):
                professionals.append(choose.professionals[data[choose.name]])
        try:
            created = services.invitations_add(
                conference=conference,
                acting_user=_user(request),
                professionals=[person for person in professionals if person is not None],
                family_members=[
                    member
                    for value in data["family"]
                    if (member := by_value[value].family_member) is not None
                ],
                children=[
                    child for value in data["children"] if (child := by_value[value].child) is not None
                ],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            names = ", ".join(invitation.name for invitation in created)
            messages.success(request, f"Invited: {names}.")
            return redirect(_list_path(conference))
    return _render_list(request, conference, add_form=form)


def _closed(conference: Conference) -> str:
    return (
        f"This conference is {conference.get_status_display().lower()}: its invitations can no longer change."
    )


@require_POST
@login_required
def invitations_rights(request: HttpRequest, conference_id: uuid.UUID) -> HttpResponse:
    """Record what parents and children have been told of their rights (R-PR-2)."""
    conference = _conference(request, conference_id, manage=True)
    page = selectors.invitations_page(conference=conference, acting_user=_user(request))
    form = RightsForm(request.POST, rows=page.rights)
    if form.is_valid():
        supporter = {
            row.invitation.public_id: bool(form.cleaned_data[row.field])
            for row in page.rights
            if row.field.startswith("supporter_")
        }
        advocate = {
            row.invitation.public_id: bool(form.cleaned_data[row.field])
            for row in page.rights
            if row.field.startswith("advocate_")
        }
        try:
            changed = services.invitations_record_rights(
                conference=conference, acting_user=_user(request), supporter=supporter, advocate=advocate
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "Saved what the family have been told." if changed else "Nothing changed."
            )
            return redirect(_list_path(conference))
    return _render_list(request, conference, rights_form=form)


@require_POST
@login_required
def invitations_send(request: HttpRequest, conference_id: uuid.UUID) -> HttpResponse:
    """Email the invitations, with calendar files, to everyone not yet sent the latest details (R-AF-4)."""
    conference = _conference(request, conference_id, manage=True)
    try:
        result = services.invitations_send(conference=conference, acting_user=_user(request))
    except ValidationError as error:
        errors = [{"text": text, "href": "#send-invitations"} for text in error.messages]
        return _render_list(request, conference, errors=errors)
    if result.sent:
        messages.success(request, f"Invitations sent: {result.sent} email{'s' if result.sent != 1 else ''}.")
    else:
        messages.success(request, "Nothing to send: everyone with an email address has the latest details.")
    for name in result.without_email:
        messages.warning(request, f"{name} has no email address: invite them another way and record how.")
    return redirect(_list_path(conference))


@require_http_methods(["GET", "POST"])
@login_required
def invitation_add_person(request: HttpRequest, conference_id: uuid.UUID) -> HttpResponse:
    """Invite someone who is not in the records: a supporter, an advocate, an observer or a lawyer."""
    conference = _conference(request, conference_id, manage=True)
    form = AddPersonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_add_person(
                conference=conference,
                acting_user=_user(request),
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"Invited: {invitation.name} ({invitation.get_role_display().lower()})."
            )
            return redirect(_list_path(conference))
    context = {
        "conference": conference,
        "form": form,
        "list_path": _list_path(conference),
        "is_open": conference.is_open,
    }
    return render(request, "conferences/invitations/add_person.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def invitation_detail(
    request: HttpRequest, conference_id: uuid.UUID, invitation_id: uuid.UUID
) -> HttpResponse:
    """One invitation: its details and history of sending and replying, and how they were invited when
    not by email."""
    conference = _conference(request, conference_id, manage=True)
    invitation = _invitation(conference, invitation_id)
    form = InvitedHowForm(
        request.POST if request.method == "POST" else None, initial={"invited_how": invitation.invited_how}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_record_how(
                invitation=invitation,
                acting_user=_user(request),
                invited_how=form.cleaned_data["invited_how"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved how {invitation.name} was invited.")
            return redirect(_list_path(conference))
    context = {
        "conference": conference,
        "invitation": invitation,
        "form": form,
        "list_path": _list_path(conference),
        "row": selectors.invitation_row(invitation, conference),
    }
    return render(request, "conferences/invitations/invitation.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def invitation_record_reply(
    request: HttpRequest, conference_id: uuid.UUID, invitation_id: uuid.UUID
) -> HttpResponse:
    """Record a reply that came by letter, phone or in person (R-PR-3)."""
    conference = _conference(request, conference_id, manage=True)
    invitation = _invitation(conference, invitation_id)
    initial = {
        "reply": invitation.reply,
        "colleague_name": invitation.colleague_name,
        "colleague_email": invitation.colleague_email,
        "note": invitation.reply_note,
    }
    form = RecordReplyForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.invitation_record_reply(
                invitation=invitation,
                acting_user=_user(request),
                reply=data["reply"],
                how=data["how"],
                colleague_name=data["colleague_name"],
                colleague_email=data["colleague_email"],
                note=data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved {invitation.name}'s reply.")
            return redirect(_list_path(conference))
    context = {
        "conference": conference,
        "invitation": invitation,
        "form": form,
        "list_path": _list_path(conference),
    }
    return render(request, "conferences/invitations/record_reply.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def invitation_withdraw(
    request: HttpRequest, conference_id: uuid.UUID, invitation_id: uuid.UUID
) -> HttpResponse:
    """Withdraw an invitation, after a confirmation: it is kept, marked withdrawn."""
    conference = _conference(request, conference_id, manage=True)
    invitation = _invitation(conference, invitation_id)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_withdraw(
                invitation=invitation, acting_user=_user(request), reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Withdrawn: the invitation to {invitation.name}.")
            return redirect(_list_path(conference))
    context = {
        "conference": conference,
        "invitation": invitation,
        "form": form,
        "list_path": _list_path(conference),
    }
    return render(request, "conferences/invitations/withdraw.html", context)


def _refused(request: HttpRequest, problem: links.LinkProblem, reason: str) -> HttpResponse:
    """A reply link that is not ours, was changed or has expired: a plain page, and a refused attempt in the
    access log (no person is signed in, so it names nobody)."""
    with transaction.atomic():
        access_record(user=request.user, what=REPLY_WHAT, reason=reason, allowed=False, request=request)
    title, words = REFUSED_WORDS[problem]
    return render(
        request, "conferences/invitations/reply_refused.html", {"title": title, "words": words}, status=400
    )


@require_http_methods(["GET", "POST"])
def invitation_reply(request: HttpRequest, token: str) -> HttpResponse:
    """Reply to an invitation through the signed link in its email: no account needed (R-PR-3)."""
    try:
        link = links.read_reply_token(token)
    except links.BadReplyLink as bad:
        return _refused(request, bad.problem, bad.reason)
    invitation = selectors.invitation_for_reply(link.invitation_id)
    if invitation is None:
        return _refused(request, links.LinkProblem.INVALID, "Reply link: no invitation has this identifier.")
    conference = invitation.conference
    # Just replied (sent here after the reply was recorded): a confirmation rather than "already replied".
    replied = (
        request.method == "GET" and request.GET.get("replied") == "1" and invitation.replied_at is not None
    )
    problem = "" if replied else services.reply_link_problem(invitation, link.sequence)
    form = ReplyForm(request.POST if request.method == "POST" and not problem and not replied else None)
    if request.method == "POST" and form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            services.invitation_reply_by_link(
                invitation_id=invitation.public_id,
                sequence=link.sequence,
                reply=data["reply"],
                colleague_name=data["colleague_name"],
                colleague_email=data["colleague_email"],
                note=data["note"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_error(None, error)
            else:
                problem = " ".join(error.messages)
        else:
            return redirect(f"{request.path}?replied=1")
    context = {
        "invitation": invitation,
        "conference": conference,
        "schedule": _schedule(conference),
        "form": form,
        "problem": problem,
        "replied": replied,
    }
    return render(request, "conferences/invitations/reply.html", context)


urlpatterns: list[URLPattern] = [
    path("conferences/<uuid:conference_id>/invitations/", invitation_list, name="invitations"),
    path("conferences/<uuid:conference_id>/invitations/add/", invitations_add, name="invitations-add"),
    path(
        "conferences/<uuid:conference_id>/invitations/rights/", invitations_rights, name="invitations-rights"
    ),
    path("conferences/<uuid:conference_id>/invitations/send/", invitations_send, name="invitations-send"),
    path(
        "conferences/<uuid:conference_id>/invitations/someone-else/",
        invitation_add_person,
        name="invitations-add-person",
    ),
    path(
        "conferences/<uuid:conference_id>/invitations/<uuid:invitation_id>/",
        invitation_detail,
        name="invitation",
    ),
    path(
        "conferences/<uuid:conference_id>/invitations/<uuid:invitation_id>/reply/",
        invitation_record_reply,
        name="invitation-record-reply",
    ),
    path(
        "conferences/<uuid:conference_id>/invitations/<uuid:invitation_id>/withdraw/",
        invitation_withdraw,
        name="invitation-withdraw",
    ),
    path("invite/reply/<str:token>/", invitation_reply, name="invitation-reply"),
]
