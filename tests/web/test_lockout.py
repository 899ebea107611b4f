"""Throttling and lockout (ASVS 6.3.1): django-axes locks the sign-in for one email address from one
address after AXES_FAILURE_LIMIT wrong passwords, for AXES_COOLOFF_MINUTES, and says so plainly."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client, RequestFactory, override_settings

from cpconf.people.models import Professional
from cpconf.web.lockout import client_ip_address, username_for_lockout
from tests.factories import DEFAULT_PASSWORD
from tests.web.html import page_title
from tests.web.test_sign_in import error_summary, title_of

SIGN_IN = "/sign-in/"
EMAIL = "morwenna.quillfeather@northbridge.example"
WRONG_PAIR = "The email address or password is not right"
START = "2031-03-04 10:00:00 +00:00"
WRONG_PASSWORD = "not-the-password"

pytestmark = pytest.mark.usefixtures("lockout_on")


def attempt(
    client: Client, email: str = EMAIL, password: str = WRONG_PASSWORD, ip: str = "198.51.100.7"
) -> tuple[int, str]:
    response = client.post(SIGN_IN, {"email": email, "password": password}, REMOTE_ADDR=ip)
    return response.status_code, response.content.decode()


def fail(client: Client, times: int, **kwargs: str) -> None:
    for _ in range(times):
        status, html = attempt(client, **kwargs)
        assert status == 200
        assert WRONG_PAIR in error_summary(html)


def test_the_fifth_wrong_password_locks_the_sign_in_even_for_the_right_password(
    client: Client, chair: Professional
) -> None:
    fail(client, 4)
    status, html = attempt(client)
    assert status == 429
    assert title_of(html) == page_title("You cannot sign in at the moment")
    status, _ = attempt(client, password=DEFAULT_PASSWORD)
    assert status == 429
    assert "_auth_user_id" not in client.session


def test_the_locked_page_says_how_long_to_wait_and_nothing_that_helps_an_attacker(
    client: Client, chair: Professional
) -> None:
    fail(client, 4)
    status, html = attempt(client)
    assert status == 429
    assert "you need to wait 30 minutes before you try again" in html
    assert "tell your authority administrator" in html
    # Not the address tried, not whether it has an account, not how many tries are allowed.
    assert EMAIL not in html
    assert "morwenna" not in html.lower()
    for detail in ("5 ", "five", "attempts", "account locked", "does not exist"):
        assert detail not in html.lower()


def test_an_unknown_email_address_is_locked_in_exactly_the_same_way(
    client: Client, chair: Professional
) -> None:
    # So the lockout cannot tell anyone which addresses have accounts.
    fail(client, 4, email="nobody.here@northbridge.example")
    status, unknown = attempt(client, email="nobody.here@northbridge.example")
    fail(client, 4)
    status_known, known = attempt(client)
    assert status == status_known == 429
    assert unknown.split("<main", 1)[1].split("</main>")[0] == known.split("<main", 1)[1].split("</main>")[0]


def test_the_same_address_in_capitals_counts_as_the_same_person(client: Client, chair: Professional) -> None:
    fail(client, 2, email=EMAIL.upper())
    fail(client, 2, email=f" {EMAIL} ")
    status, _ = attempt(client, email="Morwenna.Quillfeather@Northbridge.example")
    assert status == 429


def test_the_lock_is_for_that_address_from_that_computer_only(client: Client, chair: Professional) -> None:
    # Locking by email address alone would let anyone lock a chair out by typing theirs.
    fail(client, 4)
    assert attempt(client)[0] == 429
    other_computer = Client()
    response = other_computer.post(
        SIGN_IN, {"email": EMAIL, "password": DEFAULT_PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 302
    # And the computer is not locked for other addresses.
    status, html = attempt(Client(), email="someone.else@northbridge.example")
    assert status == 200
    assert WRONG_PAIR in error_summary(html)


def test_after_the_cool_off_the_person_can_sign_in_again(client: Client, chair: Professional) -> None:
    with time_machine.travel(START, tick=False) as clock:
        fail(client, 4)
        assert attempt(client)[0] == 429
        clock.shift(29 * 60)
        assert attempt(client, password=DEFAULT_PASSWORD)[0] == 429
    with time_machine.travel(START, tick=False) as clock:
        clock.shift(29 * 60 + 31 * 60)  # a failure while locked starts the cool-off again
        response = Client().post(
            SIGN_IN, {"email": EMAIL, "password": DEFAULT_PASSWORD}, REMOTE_ADDR="198.51.100.7"
        )
        assert response.status_code == 302


def test_signing_in_clears_the_count_of_wrong_passwords(client: Client, chair: Professional) -> None:
    fail(client, 4)
    assert attempt(client, password=DEFAULT_PASSWORD)[0] == 302
    client.post("/sign-out/")
    fail(client, 4)
    assert attempt(client, password=DEFAULT_PASSWORD)[0] == 302


@override_settings(AXES_FAILURE_LIMIT=2, AXES_COOLOFF_TIME=timedelta(minutes=5))
def test_the_limit_and_the_wait_come_from_settings(client: Client, chair: Professional) -> None:
    fail(client, 1)
    status, html = attempt(client)
    assert status == 429
    assert "you need to wait 5 minutes before you try again" in html


def test_the_admin_sign_in_is_locked_too(client: Client, chair: Professional) -> None:
    for _ in range(5):
        response = client.post(
            "/admin/login/", {"username": EMAIL, "password": "not-the-password"}, REMOTE_ADDR="198.51.100.7"
        )
    assert response.status_code == 429
    assert attempt(client)[0] == 429


def test_the_locked_page_is_never_cached_and_has_the_security_headers(
    client: Client, chair: Professional
) -> None:
    fail(client, 4)
    response = client.post(SIGN_IN, {"email": EMAIL, "password": "x"}, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    assert "no-store" in response["Cache-Control"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


class TestWhoIsTrying:
    def test_the_email_address_comes_from_the_credentials_or_either_form(self, rf: RequestFactory) -> None:
        assert (
            username_for_lockout(rf.post("/"), {"username": " Name@Council.example "})
            == "name@council.example"
        )
        assert username_for_lockout(rf.post("/", {"email": "A@B.example"}), None) == "a@b.example"
        assert username_for_lockout(rf.post("/", {"username": "C@D.example"}), None) == "c@d.example"
        assert username_for_lockout(rf.post("/"), None) == ""

    def test_without_a_proxy_the_address_is_the_connections(self, rf: RequestFactory) -> None:
        request = rf.post("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="192.0.2.1")
        assert client_ip_address(request) == "198.51.100.7"

    @override_settings(CPCONF_PROXY_COUNT=1)
    def test_behind_one_proxy_it_is_the_address_the_proxy_saw(self, rf: RequestFactory) -> None:
        # A client can send its own X-Forwarded-For; only the entry our proxy added counts.
        request = rf.post("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.7")
        assert client_ip_address(request) == "198.51.100.7"

    @override_settings(CPCONF_PROXY_COUNT=2)
    def test_behind_two_proxies_it_is_the_address_the_outer_proxy_saw(self, rf: RequestFactory) -> None:
        request = rf.post(
            "/", REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.7, 10.0.0.2"
        )
        assert client_ip_address(request) == "198.51.100.7"

    @override_settings(CPCONF_PROXY_COUNT=2)
    def test_a_header_shorter_than_the_proxies_falls_back_to_the_connection(self, rf: RequestFactory) -> None:
        request = rf.post("/", REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR="198.51.100.7")
        assert client_ip_address(request) == "10.0.0.3"
