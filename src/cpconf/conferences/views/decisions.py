"""Decision pages (R-DE-1 to R-DE-6): each child with every agency's view and the decision, recording an
agency's view on a child, and recording the decision for a child.

Thin: the conference comes from ``cpconf.access.gateways.conference_for`` (``VIEW_CONFERENCE`` to see the
decisions, ``RECORD_DECISION`` to record: the chair, or a conference coordinator for the chair), reads
come from ``cpconf.conferences.selectors.decisions`` and writes go through
``cpconf.conferences.services.decisions``.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path

from cpconf import clock
from cpconf.access import gateways
from cpconf.access.rules import RECORD_DECISION, VIEW_CONFERENCE, may
from cpconf.conferences import decision_rule
from cpconf.conferences.forms.decisions import AgencyViewForm, ChildDecisionForm
from cpconf.conferences.models import Conference
from cpconf.conferences.selectors import decisions as selectors
from cpconf.conferences.services import decisions as services
from cpconf.conferences.views.exclusions import conference_heading
from cpconf.people.models import Child, User

# What the access log records each page as reading.
DECISIONS = "conference-decisions"


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)  # login_required has turned away anyone signed out


def _child_or_404(conference: Conference, child_id: uuid.UUID) -> Child:
    child = selectors.child_in(conference, child_id)
    if child is None:
        raise Http404("This conference is not about this child, or you do not have access to them.")
    return child


def _rule_words(conference: Conference) -> dict[str, Any]:
    policy = services.policy_for(conference)
    return {
        "rule_words": decision_rule.rule_in_words(policy.decision_rule),
        "single_category": services.single_category(policy),
    }


def _row_for(conference: Conference, child: Child) -> selectors.ChildDecisions:
    return next(row for row in selectors.decisions_for(conference) if row.child.pk == child.pk)


@login_required
def decision_list(request: HttpRequest, conference_id: uuid.UUID) -> HttpResponse:
    """Each child with every agency's view, the agencies still to give one, and the decision."""
    user = _user(request)
    conference = gateways.conference_for(
        user, conference_id, what=DECISIONS, permission=VIEW_CONFERENCE, request=request
    )
    closed = services.decision_closed(conference, clock.now())
    rows = selectors.decisions_for(conference)
    context = {
        "conference": conference,
        "heading": conference_heading(conference),
        "entries": [(row, services.decision_summary(row.decision) if row.decision else "") for row in rows],
        "closed": closed,
        "may_record": not closed and may(user, RECORD_DECISION, conference),
        **_rule_words(conference),
    }
    return render(request, "conferences/decisions/list.html", context)


@login_required
def decision_view_record(request: HttpRequest, conference_id: uuid.UUID, child_id: uuid.UUID) -> HttpResponse:
    """Record one agency's view on the child (R-DE-2)."""
    user = _user(request)
    conference = gateways.conference_for(
        user, conference_id, what=DECISIONS, permission=RECORD_DECISION, request=request
    )
    child = _child_or_404(conference, child_id)
    row = _row_for(conference, child)
    closed = services.decision_closed(conference, clock.now())
    if not closed and row.decided:
        closed = f"The decision for {child.full_name} has been recorded, so no more views can be added."
    words = _rule_words(conference)
    form = AgencyViewForm(
        request.POST if request.method == "POST" else None,
        sources=row.sources,
        single=words["single_category"],
    )
    if request.method == "POST" and not closed and row.sources and form.is_valid():
        data = form.cleaned_data
        try:
            view = services.agency_view_record(
                conference=conference,
                child=child,
                source=data["source"],
                recommendation=data["recommendation"],
                categories=data["categories"],
                rationale=data["rationale"],
                acting_user=user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"You recorded {view.agency.name}'s view on {child.full_name}.")
            return redirect("conferences:decisions", conference_id=conference.public_id)
    context = {
        "conference": conference,
        "heading": conference_heading(conference),
        "child": child,
        "row": row,
        "closed": closed,
        "form": form,
        **words,
    }
    return render(request, "conferences/decisions/view.html", context)


@login_required
def decision_record(request: HttpRequest, conference_id: uuid.UUID, child_id: uuid.UUID) -> HttpResponse:
    """Record the conference's decision for the child (R-DE-1, R-DE-3 to R-DE-6)."""
    user = _user(request)
    conference = gateways.conference_for(
        user, conference_id, what=DECISIONS, permission=RECORD_DECISION, request=request
    )
    child = _child_or_404(conference, child_id)
    row = _row_for(conference, child)
    closed = services.decision_closed(conference, clock.now())
    words = _rule_words(conference)
    form = ChildDecisionForm(
        request.POST if request.method == "POST" else None, single=words["single_category"]
    )
    if request.method == "POST" and not closed and form.is_valid():
        try:
            decision = services.child_decision_record(
                conference=conference, child=child, acting_user=user, **form.service_arguments()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"You recorded the decision for {child.full_name}: {decision.get_outcome_display().lower()}.",
            )
            return redirect("conferences:decisions", conference_id=conference.public_id)
    context = {
        "conference": conference,
        "heading": conference_heading(conference),
        "child": child,
        "row": row,
        "summary": services.decision_summary(row.decision) if row.decision else "",
        "closed": closed,
        "form": form,
        **words,
    }
    return render(request, "conferences/decisions/decide.html", context)


urlpatterns: list[URLPattern] = [
    path("conferences/<uuid:conference_id>/decisions/", decision_list, name="decisions"),
    path(
        "conferences/<uuid:conference_id>/decisions/<uuid:child_id>/views/new/",
        decision_view_record,
        name="decision-view-record",
    ),
    path(
        "conferences/<uuid:conference_id>/decisions/<uuid:child_id>/decide/",
        decision_record,
        name="decision-record",
    ),
]
