"""Sessions (ASVS 7.2.4, 7.3.1, 7.3.2, 7.4.2): a new key at sign-in, an end after SESSION_INACTIVITY_TIMEOUT
without a request and SESSION_COOKIE_AGE after sign-in, and an immediate end for a closed account."""

from __future__ import annotations

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client, override_settings

from cpconf.people.models import Professional, User
from cpconf.web.middleware import LAST_ACTIVITY
from tests.factories import DEFAULT_PASSWORD
from tests.web.test_sign_in import error_summary
from tests.web.two_factor import sign_in_with_code

SIGN_IN = "/sign-in/"
EMAIL = "morwenna.quillfeather@northbridge.example"
START = "2031-03-04 09:00:00 +00:00"
MINUTE = 60


def sign_in(client: Client) -> None:
    response = client.post(SIGN_IN, {"email": EMAIL, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302


def test_signing_in_gives_the_session_a_new_key(client: Client, chair: Professional) -> None:
    session = client.session
    session["seen_the_sign_in_page"] = True
    session.save()
    client.cookies["sessionid"] = session.session_key
    before = session.session_key
    sign_in(client)
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


class TestInactivity:
    def test_a_session_used_within_30_minutes_stays_open(self, client: Client, chair: Professional) -> None:
        with time_machine.travel(START, tick=False) as clock:
            sign_in(client)
            for _ in range(4):
                clock.shift(29 * MINUTE)
                assert client.get("/").status_code == 200

    def test_a_session_ends_after_30_minutes_without_a_request(
        self, client: Client, chair: Professional
    ) -> None:
        with time_machine.travel(START, tick=False) as clock:
            sign_in(client)
            assert client.get("/").status_code == 200
            old_key = client.session.session_key
            clock.shift(30 * MINUTE + 1)
            response = client.get("/")
            assert response.status_code == 302
            assert response.url == "/sign-in/?next=/"
            assert "_auth_user_id" not in client.session
            assert not Session.objects.filter(session_key=old_key).exists()
            # The sign-in page says why, once.
            html = client.get(response.url).content.decode()
            assert "You were signed out to keep information safe" in html
            assert "You had not used the service for 30 minutes." in html
            assert "signed out to keep" not in client.get(SIGN_IN).content.decode()

    def test_the_timeout_comes_from_settings(self, client: Client, chair: Professional) -> None:
        with (
            override_settings(SESSION_INACTIVITY_TIMEOUT=5 * MINUTE),
            time_machine.travel(START, tick=False) as clock,
        ):
            sign_in(client)
            clock.shift(5 * MINUTE + 1)
            assert client.get("/").status_code == 302

    def test_the_step_before_the_code_times_out_too(
        self, client: Client, chair: Professional, two_factor_required: None
    ) -> None:
        with time_machine.travel(START, tick=False) as clock:
            sign_in(client)
            clock.shift(31 * MINUTE)
            response = client.get("/sign-in/set-up-authenticator-app/")
            assert response.status_code == 302
            assert response.url.startswith("/sign-in/?next=")

    def test_the_last_request_is_written_at_most_once_a_minute(
        self, client: Client, chair: Professional
    ) -> None:
        with time_machine.travel(START, tick=False) as clock:
            sign_in(client)
            signed_in_at = client.session[LAST_ACTIVITY]
            clock.shift(59)
            client.get("/")
            assert client.session[LAST_ACTIVITY] == signed_in_at
            clock.shift(1)
            client.get("/")
            assert client.session[LAST_ACTIVITY] == signed_in_at + 60

    def test_a_busy_session_still_ends_8_hours_after_signing_in(
        self, client: Client, chair: Professional
    ) -> None:
        with time_machine.travel(START, tick=False) as clock:
            sign_in(client)
            for _ in range(16):
                clock.shift(29 * MINUTE)
                assert client.get("/").status_code == 200
            clock.shift(16 * MINUTE + 1)  # 8 hours and a second after signing in
            response = client.get("/")
            assert response.status_code == 302
            assert "You had been signed in for 8 hours." in client.get(response.url).content.decode()


class TestClosedAccounts:
    def test_an_account_made_inactive_is_signed_out_at_its_next_request(
        self, client: Client, chair: Professional
    ) -> None:
        sign_in(client)
        key = client.session.session_key
        User.objects.filter(pk=chair.user.pk).update(is_active=False)
        response = client.get("/")
        assert response.status_code == 302
        assert response.url == "/sign-in/?next=/"
        assert not Session.objects.filter(session_key=key).exists()

    def test_a_professional_record_made_inactive_signs_the_person_out_at_their_next_request(
        self, client: Client, chair: Professional
    ) -> None:
        sign_in(client)
        key = client.session.session_key
        Professional.objects.filter(pk=chair.pk).update(is_active=False)
        response = client.get("/admin/")
        assert response.status_code == 302
        assert response.url == "/admin/login/?next=/admin/"
        assert "_auth_user_id" not in client.session
        assert not Session.objects.filter(session_key=key).exists()

    def test_a_closed_professional_record_cannot_sign_in_and_is_told_nothing_more(
        self, client: Client, chair: Professional
    ) -> None:
        Professional.objects.filter(pk=chair.pk).update(is_active=False)
        response = client.post(SIGN_IN, {"email": EMAIL, "password": DEFAULT_PASSWORD})
        assert response.status_code == 200
        assert "The email address or password is not right" in error_summary(response.content.decode())
        assert "_auth_user_id" not in client.session

    @pytest.mark.usefixtures("two_factor_required")
    def test_closing_the_account_ends_a_session_that_had_given_its_code(
        self, client: Client, chair: Professional
    ) -> None:
        sign_in_with_code(client, chair.user)
        assert client.get("/").status_code == 200
        Professional.objects.filter(pk=chair.pk).update(is_active=False)
        assert client.get("/").status_code == 302
        assert "_auth_user_id" not in client.session
