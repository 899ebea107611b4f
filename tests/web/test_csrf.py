"""CSRF everywhere: a form sent without its token is refused with 403, signed in or not."""

from __future__ import annotations

import pytest
from django.test import Client

from cpconf.people.models import Professional
from tests.factories import DEFAULT_PASSWORD
from tests.web.two_factor import CODE_PAGE, SET_UP_PAGE, app_code, authenticator_for

EMAIL = "morwenna.quillfeather@northbridge.example"


def test_signing_in_without_the_token_is_refused(chair: Professional) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/sign-in/", {"email": EMAIL, "password": DEFAULT_PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_signing_out_without_the_token_is_refused_and_the_session_stays(chair: Professional) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(chair.user)
    response = client.post("/sign-out/")
    assert response.status_code == 403
    assert "_auth_user_id" in client.session


@pytest.mark.usefixtures("two_factor_required")
def test_a_code_sent_without_the_token_is_refused_and_not_counted(chair: Professional) -> None:
    device = authenticator_for(chair.user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(chair.user)
    assert client.post(CODE_PAGE, {"code": app_code(device)}).status_code == 403
    assert client.get("/").status_code == 302  # still not verified
    device.refresh_from_db()
    assert device.last_t == -1  # the code was never checked, so it can still be used


@pytest.mark.usefixtures("two_factor_required")
def test_setting_up_an_app_without_the_token_is_refused(chair: Professional) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(chair.user)
    assert client.post(SET_UP_PAGE, {"code": "123456"}).status_code == 403
