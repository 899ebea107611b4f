"""The plan pages: making the plan from the conference, the plan, changing it, its actions and core group
(R-DE-5, R-PL-1 to R-PL-3); core group membership opens the child's record and leaving closes it on the
next request (R-AF-5); query counts do not grow with the plan."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from cpconf.plans.models import ChildProtectionPlan, CoreGroupMember, PlanAction
from cpconf.plans.services import plans as services
from tests import factories
from tests.plans.conftest import Scene, plan_arguments
from tests.plans.factories import PlanActionFactory

pytestmark = pytest.mark.django_db


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def make_url(scene: Scene, child: str = "linnet") -> str:
    decision = scene.decisions[child]
    return f"/conferences/{scene.conference.public_id}/decisions/{decision.public_id}/plan/"


def _form(scene: Scene, **overrides: str) -> dict[str, str]:
    data = {
        "lead_professional": str(scene.people["social_worker"].public_id),
        "members": [f"p:{scene.people['health_visitor'].public_id}", f"f:{scene.mother.public_id}"],
        "outcomes": "A clean, warm home and regular meals.",
        "contingency": "Legal advice if nothing changes by the first review.",
        "childs_wishes": "",
        "parents_views": "",
        "family_preference_not_followed": "",
        "action_1_what": "Go to the parenting course",
        "action_1_owner": f"f:{scene.mother.public_id}",
        "action_1_due_on_0": "15",
        "action_1_due_on_1": "1",
        "action_1_due_on_2": "2027",
        "visit_interval_days": "",
    }
    data.update(overrides)
    return data  # type: ignore[return-value]


def test_conference_page_links_to_making_the_plan(scene: Scene) -> None:
    response = scene.client_for("social_worker").get(f"/conferences/{scene.conference.public_id}/")
    assert make_url(scene) in response.content.decode()


def test_making_the_plan_through_the_page(scene: Scene) -> None:
    client = scene.client_for("social_worker")
    assert client.get(make_url(scene)).status_code == 200
    response = client.post(make_url(scene), _form(scene))
    plan = ChildProtectionPlan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{plan.public_id}/"
    page = text(client.get(response["Location"]).content.decode())
    assert "Go to the parenting course" in page
    assert "Nell Marchant" in page  # in the core group, and told (R-AF-3)
    assert "Email with the details (secure address)" in page
    assert "Email asking them to sign in (address not secure)" in page  # the school
    # The child's record links to it.
    record = client.get(f"/children/{scene.children['linnet'].public_id}/").content.decode()
    assert f"/plans/{plan.public_id}/" in record


def test_an_action_without_a_date_is_refused_with_nothing_saved(scene: Scene) -> None:
    response = scene.client_for("social_worker").post(
        make_url(scene), _form(scene, action_1_due_on_0="", action_1_due_on_1="", action_1_due_on_2="")
    )
    assert response.status_code == 200
    page = text(response.content.decode())
    assert "There is a problem" in page
    assert "Action 1: enter the date it is due" in page
    assert ChildProtectionPlan.objects.count() == 0
    assert PlanAction.objects.count() == 0


def test_no_lead_professional_chosen(scene: Scene) -> None:
    response = scene.client_for("social_worker").post(make_url(scene), _form(scene, lead_professional=""))
    assert "Choose the lead professional" in response.content.decode()
    assert ChildProtectionPlan.objects.count() == 0


def test_an_unqualified_lead_cannot_even_be_offered(scene: Scene) -> None:
    """R-PL-2: the list offers qualified social workers only; a forged choice is refused."""
    client = scene.client_for("social_worker")
    page = client.get(make_url(scene)).content.decode()
    assert "Perry Dunmore" not in page.split('name="lead_professional"')[1].split("</select>")[0]
    response = client.post(
        make_url(scene), _form(scene, lead_professional=str(scene.people["unqualified"].public_id))
    )
    assert "Choose the lead professional" in response.content.decode()
    assert ChildProtectionPlan.objects.count() == 0


def test_an_agency_professional_cannot_make_a_plan(scene: Scene) -> None:
    # Allocated to both children, she sees the conference, but making plans is social care's.
    from cpconf.people.models import CaseRole
    from cpconf.people.services import allocation_create

    allocation_create(
        child=scene.children["rook"],
        professional=scene.people["health_visitor"],
        case_role=CaseRole.AGENCY_WORKER,
        start_date=date(2026, 9, 1),
    )
    response = scene.client_for("health_visitor").post(make_url(scene), _form(scene))
    assert response.status_code == 403
    assert ChildProtectionPlan.objects.count() == 0


def test_editing_a_plan_someone_else_changed_is_refused(scene: Scene) -> None:
    plan = services.plan_make(**plan_arguments(scene))  # type: ignore[arg-type]
    client = scene.client_for("social_worker")
    form = client.get(f"/plans/{plan.public_id}/edit/").content.decode()
    assert 'name="version" value="1"' in form
    services.plan_update(
        plan=plan, expected_version=1, acting_user=scene.people["team_manager"].user, outcomes="Changed."
    )
    data = {
        "lead_professional": str(scene.people["social_worker"].public_id),
        "outcomes": "Mine.",
        "contingency": "Mine.",
        "version": "1",
    }
    response = client.post(f"/plans/{plan.public_id}/edit/", data)
    assert response.status_code == 200
    assert "Hazel Brightwater changed this plan" in text(response.content.decode())
    assert ChildProtectionPlan.objects.get(pk=plan.pk).contingency != "Mine."


def test_action_add_and_progress_pages(scene: Scene) -> None:
    plan = services.plan_make(**plan_arguments(scene))  # type: ignore[arg-type]
    client = scene.client_for("social_worker")
    response = client.post(
        f"/plans/{plan.public_id}/actions/new/",
        {
            "what": "Food bank referral",
            "owner": f"p:{scene.people['social_worker'].public_id}",
            "due_on_0": "1",
            "due_on_1": "12",
            "due_on_2": "2026",
        },
    )
    assert response.status_code == 302
    action = plan.actions.get(what="Food bank referral")
    response = client.post(
        f"/plans/{plan.public_id}/actions/{action.public_id}/",
        {"status": "done", "status_note": "", "version": "1"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done"
    missing_owner = client.post(
        f"/plans/{plan.public_id}/actions/new/",
        {"what": "x", "owner": "", "due_on_0": "1", "due_on_1": "12", "due_on_2": "2026"},
    )
    assert "Choose who will do it" in missing_owner.content.decode()


def test_core_group_membership_opens_the_record_and_leaving_closes_it(scene: Scene) -> None:
    """R-AF-5 (issue 3 item 2): a professional in the core group is involved with the child; leaving takes
    effect on their next request."""
    plan = services.plan_make(**plan_arguments(scene, members=[]))  # type: ignore[arg-type]
    officer: Client = scene.client_for("police")
    assert officer.get(f"/plans/{plan.public_id}/").status_code == 404
    response = scene.client_for("social_worker").post(
        f"/plans/{plan.public_id}/core-group/new/", {"member": f"p:{scene.people['police'].public_id}"}
    )
    assert response.status_code == 302
    assert officer.get(f"/plans/{plan.public_id}/").status_code == 200
    assert officer.get(f"/children/{scene.children['linnet'].public_id}/").status_code == 200
    member = CoreGroupMember.objects.get(plan=plan, professional=scene.people["police"])
    response = scene.client_for("social_worker").post(
        f"/plans/{plan.public_id}/core-group/{member.public_id}/leave/"
    )
    assert response.status_code == 302
    assert officer.get(f"/plans/{plan.public_id}/").status_code == 404
    assert officer.get(f"/children/{scene.children['linnet'].public_id}/").status_code == 404


def test_the_lead_professional_cannot_leave(scene: Scene) -> None:
    plan = services.plan_make(**plan_arguments(scene))  # type: ignore[arg-type]
    lead = CoreGroupMember.objects.get(plan=plan, professional=scene.people["social_worker"])
    response = scene.client_for("social_worker").post(
        f"/plans/{plan.public_id}/core-group/{lead.public_id}/leave/"
    )
    assert response.status_code == 400
    assert "is the lead professional" in text(response.content.decode())


@pytest.mark.parametrize("extra", [0, 18], ids=["2 of each", "20 of each"])
def test_the_plan_page_needs_the_same_queries_however_large_the_plan(
    scene: Scene, django_assert_num_queries: DjangoAssertNumQueries, extra: int
) -> None:
    plan = services.plan_make(**plan_arguments(scene))  # type: ignore[arg-type]
    for number in range(extra):
        PlanActionFactory(
            plan=plan, what=f"Action number {number}", due_on=date(2027, 1, 1) + timedelta(days=number)
        )
        professional = factories.ProfessionalFactory(agency=scene.people["health_visitor"].agency)
        services.member_add(plan=plan, member=professional, acting_user=None)
    client = scene.client_for("social_worker")
    client.get(f"/plans/{plan.public_id}/")  # not measured: the session's first request
    # The session and user; the professional and roles; the plan (the gateway); whether they may see the
    # child (social care staff: no query) and manage it; the access-log row (five); the actions; the core
    # group; the notifications.
    with django_assert_num_queries(13):
        response = client.get(f"/plans/{plan.public_id}/")
    assert response.status_code == 200
    assert text(response.content.decode()).count("Action number") == extra


@pytest.mark.parametrize("extra", [0, 18], ids=["small", "large"])
def test_the_make_page_needs_the_same_queries_however_many_people(
    scene: Scene, django_assert_num_queries: DjangoAssertNumQueries, extra: int
) -> None:
    for _ in range(extra):
        factories.ProfessionalFactory(
            agency=scene.people["social_worker"].agency, qualified_social_worker=True
        )
    client = scene.client_for("social_worker")
    client.get(make_url(scene))
    # The session, user, roles; the conference (the gateway, both children's log rows); the decision; why
    # no plan yet (four checks) and any plan made; the lead professionals, the people working with the
    # child, those invited, the family, the owners to choose from. The same however many there are.
    with django_assert_num_queries(28):
        response = client.get(make_url(scene))
    assert response.status_code == 200
