"""Signing out is a POST from the header's form, and ends the session."""

from __future__ import annotations

import re

from django.test import Client

from cpconf.people.models import Professional
from tests.web.html import page_title


def test_signing_out_needs_a_post_and_a_get_leaves_the_session_alone(chair_client: Client) -> None:
    response = chair_client.get("/sign-out/")
    assert response.status_code == 405
    assert "_auth_user_id" in chair_client.session


def test_signing_out_ends_the_session_and_says_so(chair_client: Client) -> None:
    response = chair_client.post("/sign-out/", follow=True)
    assert response.redirect_chain == [("/signed-out/", 302)]
    html = response.content.decode()
    assert f"<title>{page_title('You have signed out')}</title>" in html
    assert '<h1 class="govuk-heading-l">You have signed out</h1>' in html
    assert "_auth_user_id" not in chair_client.session
    assert chair_client.get("/").status_code == 302


def test_the_header_sign_out_form_carries_its_csrf_token(chair: Professional) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(chair.user)
    html = client.get("/").content.decode()
    form = re.search(
        r'<form class="cpconf-sign-out" method="post" action="/sign-out/">(.*?)</form>', html, re.S
    )
    assert form, "the header has no sign-out form"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(1))
    assert token
    assert '<button type="submit" class="cpconf-sign-out__button">Sign out</button>' in form.group(1)
    response = client.post("/sign-out/", {"csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
