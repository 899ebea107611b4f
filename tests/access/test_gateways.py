"""The access gateways: the only ways to obtain a child's record (R-AF-5). Each read writes exactly one
access-log row, and so does each refusal; "missing" and "not yours" look the same from outside."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.test import Client

from cpconf import clock
from cpconf.access import gateways
from cpconf.access.models import AccessEntry
from cpconf.access.rules import VIEW_CHILD, may
from cpconf.people.models import Agency, AgencyType, Allocation, CaseRole, Professional, User
from cpconf.people.selectors import professional_for_user_forget
from cpconf.people.services import allocation_create, allocation_end
from tests import factories
from tests.access.conftest import World, build_world


@contextmanager
def one_new_row() -> Iterator[list[AccessEntry]]:
    """Yields a list that holds, afterwards, the one access-log row written inside the block."""
    before = AccessEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    written: list[AccessEntry] = []
    yield written
    new = list(AccessEntry.objects.filter(sequence__gt=before).order_by("sequence"))
    assert len(new) == 1, f"expected exactly one access-log row, found {len(new)}"
    written.extend(new)


def fresh(user: User) -> User:
    """The user as the next request would load them: nothing remembered from earlier calls."""
    professional_for_user_forget(user)
    return user


# child_for: who gets the record


def test_the_childs_social_worker_gets_the_record_and_one_row_saying_so(world: World) -> None:
    user = world.user("social_worker")
    with one_new_row() as rows:
        child = gateways.child_for(user, world.child.public_id)
    assert child == world.child
    row = rows[0]
    assert (row.what, row.allowed, row.child_public_id, row.actor) == (
        "child-record",
        True,
        child.public_id,
        user,
    )
    assert row.actor_name == "Lucan Marwood"


def test_allocated_health_visitor_gets_the_record(world: World) -> None:
    assert gateways.child_for(world.user("health_visitor"), world.child.public_id) == world.child


def test_a_chair_sees_every_child_of_their_authority(world: World) -> None:
    user = world.user("chair")
    assert gateways.child_for(user, world.unrelated_child.public_id) == world.unrelated_child


def test_unallocated_police_officer_gets_404(world: World) -> None:
    user = world.user("police_officer")
    with one_new_row() as rows, pytest.raises(Http404):
        gateways.child_for(user, world.child.public_id)
    row = rows[0]
    # Logged against the child, so her authority sees the attempt.
    assert (row.what, row.allowed, row.child_public_id, row.actor) == (
        "child-record",
        False,
        world.child.public_id,
        user,
    )
    assert row.reason == gateways.NOT_ALLOWED


def test_health_visitor_gets_404_for_the_brother_she_is_not_allocated_to(world: World) -> None:
    with pytest.raises(Http404):
        gateways.child_for(world.user("health_visitor"), world.brother.public_id)


def test_worker_from_another_authority_gets_404(world: World) -> None:
    with one_new_row() as rows, pytest.raises(Http404):
        gateways.child_for(world.user("other_authority_worker"), world.child.public_id)
    assert rows[0].allowed is False


@pytest.mark.parametrize(
    "persona", ["performance_analyst", "service_account", "no_professional_record", "inactive_professional"]
)
def test_people_who_see_no_records_get_404_and_a_row(world: World, persona: str) -> None:
    with one_new_row() as rows, pytest.raises(Http404):
        gateways.child_for(world.user(persona), world.child.public_id)
    assert rows[0].allowed is False


def test_superuser_gets_404(world: World) -> None:
    superuser = world.user("superuser")
    with pytest.raises(Http404):
        gateways.child_for(superuser, world.child.public_id)
    # Why code asks may(), never user.has_perm(): Django lets every active superuser through has_perm
    # before asking any backend.
    assert superuser.has_perm(VIEW_CHILD, world.child) is True
    assert may(superuser, VIEW_CHILD, world.child) is False


def test_a_guessed_identifier_gets_the_same_404_and_logs_what_was_tried(world: World) -> None:
    guessed = uuid.uuid4()
    with one_new_row() as rows, pytest.raises(Http404) as missing:
        gateways.child_for(world.user("social_worker"), guessed)
    row = rows[0]
    assert (row.allowed, row.child_public_id, row.object_id, row.reason) == (
        False,
        None,
        guessed,
        gateways.NO_SUCH_CHILD,
    )
    with pytest.raises(Http404) as not_allowed:
        gateways.child_for(world.user("police_officer"), world.child.public_id)
    assert str(missing.value) == str(not_allowed.value) == gateways.NOT_FOUND_MESSAGE


def test_signed_out_visitor_gets_404_and_is_logged_as_nobody(world: World) -> None:
    from django.contrib.auth.models import AnonymousUser

    with one_new_row() as rows, pytest.raises(Http404):
        gateways.child_for(AnonymousUser(), world.child.public_id)
    assert rows[0].actor is None


def test_the_log_row_records_the_request_path_but_never_the_query_string(world: World) -> None:
    client = world.client_for("social_worker")
    with one_new_row() as rows:
        client.get(f"/children/{world.child.public_id}/?q=Elowen")
    assert rows[0].request_path == f"/children/{world.child.public_id}/"
    assert rows[0].request_method == "GET"


# Allocations start and end, and the next request follows (ASVS 8.3.2)


def test_an_allocation_counts_from_its_first_day_to_its_last(world: World) -> None:
    today = clock.today()
    police = world.professionals["police_officer"]
    allocation = allocation_create(
        child=world.unrelated_child, professional=police, case_role=CaseRole.AGENCY_WORKER, start_date=today
    )
    user = fresh(world.user("police_officer"))
    assert gateways.child_for(user, world.unrelated_child.public_id) == world.unrelated_child
    allocation_end(allocation=allocation, end_date=today)
    assert gateways.child_for(user, world.unrelated_child.public_id) == world.unrelated_child
    # The next morning, in England.
    tomorrow = datetime.combine(today + timedelta(days=1), time(9), tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(tomorrow, tick=False), pytest.raises(Http404):
        gateways.child_for(user, world.unrelated_child.public_id)


def test_an_allocation_that_starts_tomorrow_gives_nothing_yet(world: World) -> None:
    allocation_create(
        child=world.unrelated_child,
        professional=world.professionals["police_officer"],
        case_role=CaseRole.AGENCY_WORKER,
        start_date=clock.today() + timedelta(days=1),
    )
    with pytest.raises(Http404):
        gateways.child_for(world.user("police_officer"), world.unrelated_child.public_id)


def test_a_health_visitor_whose_allocation_ends_gets_404_on_the_next_request(world: World) -> None:
    client = world.client_for("health_visitor")
    assert client.get(f"/children/{world.child.public_id}/").status_code == 200
    Allocation.objects.filter(professional=world.professionals["health_visitor"]).update(
        end_date=clock.today() - timedelta(days=1)
    )
    assert client.get(f"/children/{world.child.public_id}/").status_code == 404


def test_a_professional_who_moves_to_another_authority_loses_the_child_despite_the_allocation(
    world: World,
) -> None:
    # Nobody sees another authority's children, even with an allocation left behind by a move.
    elsewhere = factories.AgencyFactory(authority=world.southmoor, agency_type=AgencyType.HEALTH)
    Professional.objects.filter(pk=world.professionals["health_visitor"].pk).update(agency=elsewhere)
    with pytest.raises(Http404):
        gateways.child_for(fresh(world.user("health_visitor")), world.child.public_id)


# children_for: the list


def test_the_list_writes_one_row_and_shows_social_care_staff_their_authoritys_children(world: World) -> None:
    with one_new_row() as rows:
        children = list(gateways.children_for(world.user("team_manager")))
    assert children == [world.child, world.brother, world.unrelated_child]
    assert (rows[0].what, rows[0].allowed, rows[0].child_public_id) == ("child-list", True, None)


def test_the_list_shows_an_agency_professional_only_their_allocated_children(world: World) -> None:
    assert list(gateways.children_for(world.user("health_visitor"))) == [world.child]
    assert list(gateways.children_for(world.user("police_officer"))) == []


def test_the_list_logs_that_a_search_happened_but_not_the_name_searched_for(world: World) -> None:
    with one_new_row() as rows:
        found = list(gateways.children_for(world.user("chair"), search="  fairBRASS  jag "))
    assert found == [world.brother]  # every word must appear in one of the child's names
    assert rows[0].reason == "Searched by name."
    assert list(gateways.children_for(world.user("chair"), search="Fairbrass")) == [
        world.child,
        world.brother,
    ]


@pytest.mark.parametrize(
    "persona", ["performance_analyst", "service_account", "superuser", "no_professional_record"]
)
def test_people_whose_roles_show_no_records_are_refused_the_list_with_a_row(
    world: World, persona: str
) -> None:
    with one_new_row() as rows, pytest.raises(PermissionDenied):
        gateways.children_for(world.user(persona))
    assert (rows[0].what, rows[0].allowed) == ("child-list", False)


# child_access_history_for: who has seen the record


def test_team_manager_sees_the_history_including_refusals_and_this_read(world: World) -> None:
    with pytest.raises(Http404):
        gateways.child_for(world.user("police_officer"), world.child.public_id)
    gateways.child_for(world.user("social_worker"), world.child.public_id)
    with one_new_row() as rows:
        child, history = gateways.child_access_history_for(world.user("team_manager"), world.child.public_id)
    assert child == world.child
    entries = list(history)
    assert [(e.actor_name, e.what, e.allowed) for e in entries] == [
        ("Berenice Stowell", "access-history", True),
        ("Lucan Marwood", "child-record", True),
        ("Rufus Ashbury", "child-record", False),
    ]
    assert entries[0] == rows[0]


def test_social_worker_may_see_the_child_but_gets_403_for_the_history_with_a_row(world: World) -> None:
    with one_new_row() as rows, pytest.raises(PermissionDenied):
        gateways.child_access_history_for(world.user("social_worker"), world.child.public_id)
    assert (rows[0].what, rows[0].allowed, rows[0].child_public_id) == (
        "access-history",
        False,
        world.child.public_id,
    )


@pytest.mark.parametrize("persona", ["police_officer", "other_authority_worker", "superuser"])
def test_people_who_may_not_see_the_child_get_404_for_the_history(world: World, persona: str) -> None:
    with one_new_row(), pytest.raises(Http404):
        gateways.child_access_history_for(world.user(persona), world.child.public_id)


def test_a_guessed_identifier_gets_404_for_the_history(world: World) -> None:
    with one_new_row() as rows, pytest.raises(Http404):
        gateways.child_access_history_for(world.user("team_manager"), uuid.uuid4())
    assert rows[0].reason == gateways.NO_SUCH_CHILD


def test_a_team_manager_outside_childrens_social_care_does_not_see_the_history(world: World) -> None:
    # Roles alone are not enough: a team manager in a police agency is not social care staff.
    police = Agency.objects.get(name="Northbridge Test Police Protection Unit")
    manager = factories.ProfessionalFactory(agency=police, roles=["team_manager", "agency_professional"])
    allocation_create(
        child=world.child, professional=manager, case_role=CaseRole.AGENCY_WORKER, start_date=clock.today()
    )
    assert gateways.child_for(manager.user, world.child.public_id) == world.child
    with pytest.raises(PermissionDenied):
        gateways.child_access_history_for(manager.user, world.child.public_id)


# Transactions: a refusal's row survives the 404; a read's row goes with the read.


@pytest.mark.django_db(transaction=True)
def test_a_refusal_row_survives_the_404_that_follows_it() -> None:
    world = build_world()
    response = world.client_for("police_officer").get(f"/children/{world.child.public_id}/")
    assert response.status_code == 404
    # Committed for real (this test runs without a wrapping transaction), not just visible inside one.
    assert (
        AccessEntry.objects.filter(
            child_public_id=world.child.public_id, allowed=False, actor=world.user("police_officer")
        ).count()
        == 1
    )


@pytest.mark.django_db(transaction=True)
def test_a_refusal_inside_a_transaction_fails_loudly_rather_than_lose_its_row() -> None:
    world = build_world()
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        gateways.child_for(world.user("police_officer"), world.child.public_id)
    assert not AccessEntry.objects.filter(actor=world.user("police_officer")).exists()


@pytest.mark.django_db(transaction=True)
def test_a_read_is_logged_in_the_callers_transaction_and_rolls_back_with_it() -> None:
    world = build_world()
    with transaction.atomic():
        gateways.child_for(world.user("social_worker"), world.child.public_id)
        transaction.set_rollback(True)
    assert not AccessEntry.objects.filter(actor=world.user("social_worker")).exists()
    gateways.child_for(world.user("social_worker"), world.child.public_id)
    assert AccessEntry.objects.filter(actor=world.user("social_worker"), allowed=True).count() == 1


def test_child_lookup_is_not_scoped_so_only_gateways_may_use_it() -> None:
    # A guard on the layering: the unscoped lookup is imported by the gateways and nothing else in src.
    from pathlib import Path

    import cpconf

    source = Path(cpconf.__file__).parent
    users = sorted(
        str(path.relative_to(source))
        for path in source.rglob("*.py")
        if "child_lookup" in path.read_text(encoding="utf-8")
    )
    assert users == ["access/gateways.py", "access/selectors.py"]


def test_views_never_query_children_directly() -> None:
    # DESIGN principle 4: the people pages get children only from the gateways.
    from pathlib import Path

    import cpconf

    views = (Path(cpconf.__file__).parent / "people" / "views.py").read_text(encoding="utf-8")
    assert ".objects" not in views
    assert "gateways." in views


def test_a_client_without_a_session_is_sent_to_sign_in_before_any_gateway(world: World) -> None:
    before = AccessEntry.objects.count()
    response = Client().get(f"/children/{world.child.public_id}/")
    assert response.status_code == 302
    assert response.url.startswith("/sign-in/?next=")
    assert AccessEntry.objects.count() == before
