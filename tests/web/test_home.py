"""The home page: the start of the signed-in person's work list."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from cpconf.people.models import Professional, ProfessionalRole, Role, User
from tests.web.html import page_title


def test_home_sends_someone_signed_out_to_sign_in(client: Client, db: None) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == "/sign-in/?next=/"


def test_home_says_who_the_person_is_in_plain_words(chair_client: Client) -> None:
    html = chair_client.get("/").content.decode()
    assert f"<title>{page_title('Your work')}</title>" in html
    assert '<h1 class="govuk-heading-l">Your work</h1>' in html
    for detail in (
        "Morwenna Quillfeather",
        "Independent conference chair",
        "Northbridge Children&#x27;s Services",
        "Northbridge City Council",
        "<li>Conference chair</li>",
        "<li>Conference coordinator</li>",
    ):
        assert detail in html


def test_home_links_to_the_conference_work_lists_and_says_where_plan_actions_will_appear(
    chair_client: Client,
) -> None:
    html = chair_client.get("/").content.decode()
    for url in ("/conferences/my-work/", "/conferences/", "/conferences/chairing/", "/enquiries/"):
        assert f'href="{url}"' in html
    assert "The actions given to you in child protection plans will be listed here" in html


def test_someone_with_no_professional_record_is_told_to_ask_their_administrator(
    client: Client, person_without_record: User
) -> None:
    client.force_login(person_without_record)
    html = client.get("/").content.decode()
    assert "Your account is not linked to an active professional record" in html
    assert "Ask your authority administrator" in html
    assert "Tobias Fernleigh" in html  # the header still says who is signed in


def test_a_deactivated_professional_record_closes_the_account(client: Client, chair: Professional) -> None:
    # Someone who has left is signed out at once (ASVS 7.4.2); tests/web/test_sessions.py has the rest.
    Professional.objects.filter(pk=chair.pk).update(is_active=False)
    client.force_login(chair.user)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == "/sign-in/?next=/"


def test_the_administration_link_is_shown_only_to_staff(client: Client, chair: Professional) -> None:
    client.force_login(chair.user)
    assert 'href="/admin/"' not in client.get("/").content.decode()
    User.objects.filter(pk=chair.user.pk).update(is_staff=True)
    assert 'href="/admin/"' in client.get("/").content.decode()


@pytest.mark.parametrize("extra_roles", [0, 6], ids=["two roles", "eight roles"])
def test_home_needs_the_same_queries_however_many_roles_a_person_holds(
    chair_client: Client,
    chair: Professional,
    django_assert_num_queries: Callable[..., object],
    extra_roles: int,
) -> None:
    others = [role for role in Role.values if role not in {Role.CHAIR, Role.CONFERENCE_COORDINATOR}]
    ProfessionalRole.objects.bulk_create(
        ProfessionalRole(professional=chair, role=role) for role in others[:extra_roles]
    )
    # The session, the user, the professional with agency and authority, and the roles: the header and
    # the page share one load of the professional record.
    with django_assert_num_queries(4):  # type: ignore[operator]
        response = chair_client.get("/")
    assert response.status_code == 200
    assert response.content.decode().count("<li>Conference chair</li>") == 1
