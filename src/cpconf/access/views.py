"""Opening a child's record in an emergency (break glass; docs/access.md). Thin: the gateway decides who
may use the page, the service searches, decides and writes."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cpconf.access import gateways, services
from cpconf.access.forms import EmergencyAccessForm
from cpconf.access.rules import actor_for
from cpconf.people.models import User

# What the page says when the search opens nothing: about this authority only, naming no child.
NO_MATCH_MESSAGE = (
    "No child in {authority} matches these details. Check them and try again, or contact children's "
    "social care"
)
SEVERAL_MATCH_MESSAGE = (
    "More than one child in {authority} matches these details. Search by the child's NHS number instead"
)


@login_required
def emergency_access(request: HttpRequest) -> HttpResponse:
    """Find one child of the person's authority and open their record for a few hours, with a reason."""
    user = cast("User", request.user)  # login_required has turned away anyone signed out
    gateways.emergency_access_page_for(user, request=request)
    professional = actor_for(user).professional
    authority = professional.agency.authority.name if professional is not None else ""
    form = EmergencyAccessForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.break_glass_open(
                user=user,
                reason=data["reason"],
                nhs_number=data["nhs_number"],
                given_name=data["given_name"],
                family_name=data["family_name"],
                date_of_birth=data["date_of_birth"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if result.child is not None:
                return redirect("people:child-detail", public_id=result.child.public_id)
            message = (
                NO_MATCH_MESSAGE
                if result.outcome is services.EmergencyOutcome.NO_MATCH
                else SEVERAL_MATCH_MESSAGE
            )
            form.add_error(None, message.format(authority=authority))
    context = {"form": form, "authority": authority, "hours": settings.CPCONF_BREAK_GLASS_HOURS}
    return render(request, "access/emergency_access.html", context)
