"""The overdue lists (R-PL-3 to R-PL-5), for children's social care staff: each the plans (or core group
records) of the children the person may see, soonest due first, 25 a page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from cpconf import clock
from cpconf.plans import deadlines as plan_deadlines
from cpconf.plans.selectors import overdue as selectors
from cpconf.plans.views.followup_common import user_of

PER_PAGE = 25

LISTS: dict[str, dict[str, Any]] = {
    "core-groups": {
        "title": "Core group meetings overdue",
        "intro": "Plans whose next core group meeting was due before today. The core group meets at least every 6 weeks.",
        "empty": "No core group meeting is overdue for the children you can see.",
        "selector": selectors.overdue_core_groups,
    },
    "visits": {
        "title": "Visits overdue",
        "intro": "Plans whose next visit to the child was due before today. Plans with no visit interval set are not listed.",
        "empty": "No visit is overdue for the children you can see.",
        "selector": selectors.overdue_visits,
    },
    "records": {
        "title": "Core group records not circulated in time",
        "intro": "Records of core group meetings not yet circulated, past the date your authority's policy sets.",
        "empty": "Every core group record due has been circulated.",
        "selector": selectors.late_core_group_records,
    },
    "eighteen": {
        "title": "Plans of young people nearly 18",
        "intro": "Plans still open within three months of the young person's 18th birthday. A review must be held before then to end the plan.",
        "empty": "No open plan is within three months of a young person's 18th birthday.",
        "selector": selectors.nearing_eighteen,
    },
}


def _list_page(request: HttpRequest, kind: str) -> HttpResponse:
    user = user_of(request)
    selectors.check_lists_allowed(user, request=request)
    spec = LISTS[kind]
    today = clock.today()
    paginator = Paginator(spec["selector"](user, today), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    if kind == "eighteen":
        rows = [{"plan": plan, "birthday": plan_deadlines.eighteenth_birthday(plan.child)} for plan in rows]
    context = {
        "kind": kind,
        "spec": spec,
        "rows": rows,
        "page": page,
        "page_range": list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)),
        "lists": [(key, value["title"]) for key, value in LISTS.items()],
    }
    return render(request, "plans/overdue_list.html", context)


@login_required
def overdue_core_groups(request: HttpRequest) -> HttpResponse:
    return _list_page(request, "core-groups")


@login_required
def overdue_visits(request: HttpRequest) -> HttpResponse:
    return _list_page(request, "visits")


@login_required
def overdue_records(request: HttpRequest) -> HttpResponse:
    return _list_page(request, "records")


@login_required
def nearing_eighteen(request: HttpRequest) -> HttpResponse:
    return _list_page(request, "eighteen")


urlpatterns: list[URLPattern] = [
    path("overdue/core-groups/", overdue_core_groups, name="overdue-core-groups"),
    path("overdue/visits/", overdue_visits, name="overdue-visits"),
    path("overdue/records/", overdue_records, name="overdue-records"),
    path("overdue/nearly-18/", nearing_eighteen, name="overdue-eighteen"),
]
