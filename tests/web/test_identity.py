"""The signed-in person is loaded once per request, and only when a page shows them."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from cpconf.people.models import Professional, User
from cpconf.web.context_processors import service
from cpconf.web.identity import signed_in_person, signed_in_professional


def test_the_context_processor_queries_nothing_until_the_person_is_shown(
    chair: Professional, rf: RequestFactory, django_assert_num_queries: Callable[..., object]
) -> None:
    request = rf.get("/")
    request.user = chair.user
    with django_assert_num_queries(0):  # type: ignore[operator]
        context = service(request)
    # The professional with agency and authority, then the roles.
    with django_assert_num_queries(2):  # type: ignore[operator]
        assert context["signed_in"].authority_name == "Northbridge City Council"
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert signed_in_professional(request) == chair
        assert context["signed_in"].name == "Morwenna Quillfeather"


def test_nobody_signed_in_means_no_person_and_no_query(
    rf: RequestFactory, db: None, django_assert_num_queries: Callable[..., object]
) -> None:
    request = rf.get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert signed_in_person(request) is None
        assert signed_in_professional(request) is None


def test_an_account_without_a_record_is_named_but_has_no_authority(
    rf: RequestFactory, person_without_record: User
) -> None:
    request = rf.get("/")
    request.user = person_without_record
    person = signed_in_person(request)
    assert person is not None
    assert person.name == "Tobias Fernleigh"
    assert person.authority_name is None
