"""The work lists: all conferences (the coordinator's), the chair's, and a professional's own work."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from cpconf.access.log import access_record
from cpconf.access.rules import SEE_CONFERENCES, actor_for, may
from cpconf.conferences.forms.worklists import ConferenceFilterForm
from cpconf.conferences.selectors import worklists as selectors
from cpconf.conferences.selectors.scheduling import chairs_for
from cpconf.people.models import User

PER_PAGE = 50


def _allowed(request: HttpRequest, what: str) -> User:
    user = cast("User", request.user)
    if not may(user, SEE_CONFERENCES):
        with transaction.atomic(durable=True):
            access_record(
                user=user,
                what=what,
                reason="Not allowed: access.see_conferences.",
                allowed=False,
                request=request,
            )
        raise PermissionDenied("Your roles do not include seeing conferences.")
    access_record(user=user, what=what, allowed=True, request=request)
    return user


@login_required
def conference_list(request: HttpRequest) -> HttpResponse:
    user = _allowed(request, "conference-list")
    professional = actor_for(user).professional
    chairs = (
        [(str(chair.public_id), chair.full_name) for chair in chairs_for(professional.agency.authority)]
        if professional is not None
        else []
    )
    form = ConferenceFilterForm(request.GET or None, chairs=chairs)
    filters = form.filters()
    page = Paginator(selectors.conferences_listed(user, filters), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "conferences/worklists/conference_list.html",
        {"form": form, "page": page, "conferences": list(page.object_list), "query": query.urlencode()},
    )


@login_required
def chair_list(request: HttpRequest) -> HttpResponse:
    user = _allowed(request, "conference-chair-list")
    conferences = list(selectors.chairing(user)[:200])
    return render(request, "conferences/worklists/chair_list.html", {"conferences": conferences})


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    user = _allowed(request, "conference-my-work")
    return render(request, "conferences/worklists/my_work.html", {"work": selectors.my_work(user)})


urlpatterns = [
    path("conferences/", conference_list, name="list"),
    path("conferences/chairing/", chair_list, name="chair-list"),
    path("conferences/my-work/", my_work, name="my-work"),
]
