"""Pages for strategy discussions and Section 47 enquiries (children's social care staff only)."""

from __future__ import annotations

import uuid
from typing import cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cpconf import clock
from cpconf.access.log import access_record
from cpconf.enquiries import selectors, services
from cpconf.enquiries.forms import EnquiryOutcomeForm, EnquiryStartForm, StrategyDiscussionForm
from cpconf.enquiries.models import EnquiryOutcome, StrategyDiscussionOutcome
from cpconf.people.models import User
from cpconf.web.forms import add_service_errors

#: Concluded enquiries shown on each page of the list.
CONCLUDED_PER_PAGE = 50


@login_required
def enquiry_list(request: HttpRequest) -> HttpResponse:
    user = cast("User", request.user)
    authority = selectors.authority_for(user, what="enquiry-list", request=request)
    access_record(user=user, what="enquiry-list", allowed=True, request=request)
    enquiries = selectors.enquiries_for(authority)
    # Open enquiries are the work in hand: all of them. Concluded ones are history: a page at a time.
    page = Paginator(enquiries.exclude(outcome=EnquiryOutcome.OPEN), CONCLUDED_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "enquiries/enquiry_list.html",
        {
            "open": list(enquiries.filter(outcome=EnquiryOutcome.OPEN)),
            "closed": list(page.object_list),
            "page": page,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def strategy_discussion_new(request: HttpRequest) -> HttpResponse:
    user = cast("User", request.user)
    authority = selectors.authority_for(user, what=selectors.STRATEGY_DISCUSSION, request=request)
    form = StrategyDiscussionForm(
        request.POST if request.method == "POST" else None,
        households=selectors.households_for(authority),
        agencies=selectors.agencies_for(authority),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            discussion = services.strategy_discussion_record(
                authority=authority,
                household=data["household"],
                held_on=data["held_on"],
                agencies_present=data["agencies_present"],
                outcome=data["outcome"],
                outcome_notes=data["outcome_notes"],
                acting_user=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if discussion.outcome == StrategyDiscussionOutcome.SECTION_47:
                return redirect("enquiries:enquiry-start", discussion_id=discussion.public_id)
            return redirect("enquiries:enquiry-list")
    return render(request, "enquiries/strategy_discussion_form.html", {"form": form, "today": clock.today()})


@login_required
@require_http_methods(["GET", "POST"])
def enquiry_start(request: HttpRequest, discussion_id: uuid.UUID) -> HttpResponse:
    user = cast("User", request.user)
    authority = selectors.authority_for(user, what=selectors.ENQUIRY, request=request)
    discussion = selectors.discussion_for(authority, discussion_id)
    children = selectors.children_of(discussion.household)
    form = EnquiryStartForm(
        request.POST if request.method == "POST" else None,
        children=children,
        agencies=selectors.agencies_for(authority),
        initial={
            "contributing_agencies": list(discussion.agencies_present.values_list("public_id", flat=True))
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            enquiry = services.enquiry_start(
                authority=authority,
                household=discussion.household,
                started_on=form.cleaned_data["started_on"],
                strategy_discussion=discussion,
                contributing_agencies=form.cleaned_data["contributing_agencies"],
                left_out=form.left_out(),
                acting_user=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("enquiries:enquiry-detail", enquiry_id=enquiry.public_id)
    child_fields = [
        (child, form[f"include_{child.public_id}"], form[f"reason_{child.public_id}"]) for child in children
    ]
    return render(
        request,
        "enquiries/enquiry_start.html",
        {"form": form, "discussion": discussion, "child_fields": child_fields},
    )


@login_required
@require_http_methods(["GET", "POST"])
def enquiry_detail(request: HttpRequest, enquiry_id: uuid.UUID) -> HttpResponse:
    user = cast("User", request.user)
    authority = selectors.authority_for(user, what=selectors.ENQUIRY, request=request)
    enquiry = selectors.enquiry_for(user, authority, enquiry_id, request=request)
    form = EnquiryOutcomeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and enquiry.outcome == EnquiryOutcome.OPEN and form.is_valid():
        try:
            conference = services.enquiry_conclude(
                enquiry=enquiry,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                concluded_on=form.cleaned_data["concluded_on"],
                acting_user=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if conference is not None:
                return redirect("conferences:detail", conference_id=conference.public_id)
            return redirect(reverse("enquiries:enquiry-detail", kwargs={"enquiry_id": enquiry.public_id}))
    return render(request, "enquiries/enquiry_detail.html", {"enquiry": enquiry, "form": form})
