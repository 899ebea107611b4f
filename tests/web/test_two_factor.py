"""Two-factor sign-in (ASVS 6.3.3): everyone who can see a child's record confirms a code from an
authenticator app after their password; nothing but signing out is reachable before that."""

from __future__ import annotations

import re
from base64 import b32encode

import pytest
import time_machine
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cpconf.people.models import Professional, User
from tests.factories import DEFAULT_PASSWORD, SuperuserFactory, UserFactory
from tests.web.html import page_title
from tests.web.test_sign_in import error_summary, title_of
from tests.web.two_factor import (
    CODE_PAGE,
    RECOVERY_CODES_PAGE,
    SET_UP_PAGE,
    a_wrong_code,
    app_code,
    authenticator_for,
    sign_in_with_code,
)

SIGN_IN = "/sign-in/"
CHAIR_EMAIL = "morwenna.quillfeather@northbridge.example"
# A moment in the middle of a 30-second step, so that codes do not change under a test.
FROZEN = "2031-03-04 10:15:10 +00:00"

pytestmark = pytest.mark.usefixtures("two_factor_required")


def sign_in_with_password(client: Client, email: str = CHAIR_EMAIL, **extra: str) -> str:
    response = client.post(SIGN_IN, {"email": email, "password": DEFAULT_PASSWORD, **extra})
    assert response.status_code == 302
    return str(response.url)


def main_of(html: str) -> str:
    match = re.search(r"<main.*?</main>", html, re.S)
    assert match, "the page has no main element"
    return match.group(0)


class TestWhoNeedsTwoFactor:
    def test_a_professional_goes_from_the_password_to_setting_up_an_app(
        self, client: Client, chair: Professional
    ) -> None:
        assert sign_in_with_password(client) == f"{SET_UP_PAGE}?next=%2F"

    def test_a_professional_with_an_app_goes_from_the_password_to_its_code(
        self, client: Client, chair: Professional
    ) -> None:
        authenticator_for(chair.user)
        assert sign_in_with_password(client) == f"{CODE_PAGE}?next=%2F"

    @pytest.mark.parametrize("flags", [{"is_staff": True}, {"is_superuser": True, "is_staff": True}])
    def test_staff_and_superusers_without_a_professional_record_need_it_too(
        self, client: Client, db: None, flags: dict[str, bool]
    ) -> None:
        user = UserFactory(email="quentin.harrowgate@cpconf.example", **flags)
        client.force_login(user)
        response = client.get("/admin/")
        assert response.status_code == 302
        assert response.url == f"{SET_UP_PAGE}?next=%2Fadmin%2F"

    def test_an_account_without_a_professional_record_sees_no_child_and_needs_no_code(
        self, client: Client, person_without_record: User
    ) -> None:
        response = client.post(SIGN_IN, {"email": person_without_record.email, "password": DEFAULT_PASSWORD})
        assert response.url == "/"
        assert "Your account is not linked" in client.get("/").content.decode()

    def test_the_demo_can_turn_it_off_and_then_a_password_is_enough(
        self, client: Client, chair: Professional, settings: object
    ) -> None:
        settings.CPCONF_REQUIRE_TWO_FACTOR = False  # type: ignore[attr-defined]
        authenticator_for(chair.user)
        assert sign_in_with_password(client) == "/"
        assert client.get("/").status_code == 200


class TestBeforeTheCode:
    @pytest.mark.parametrize(
        "path", ["/", "/admin/", "/admin/people/child/", "/admin/otp_totp/totpdevice/", "/no-such-page/"]
    )
    def test_every_page_including_the_admin_sends_the_person_to_the_code(
        self, client: Client, db: None, path: str
    ) -> None:
        superuser = SuperuserFactory()
        authenticator_for(superuser)
        client.force_login(superuser)
        response = client.get(path)
        assert response.status_code == 302
        assert response.url.startswith(f"{CODE_PAGE}?next=")

    def test_a_form_sent_before_the_code_is_not_carried_through(
        self, client: Client, chair: Professional
    ) -> None:
        authenticator_for(chair.user)
        client.force_login(chair.user)
        response = client.post("/admin/people/child/add/", {"given_name": "Tamsin"})
        assert response.status_code == 302
        assert response.url == CODE_PAGE

    def test_signing_out_the_accessibility_statement_and_static_files_stay_reachable(
        self, client: Client, chair: Professional
    ) -> None:
        authenticator_for(chair.user)
        client.force_login(chair.user)
        assert client.get("/accessibility/").status_code == 200
        assert client.get("/static/cpconf/application.css").status_code == 200
        response = client.post("/sign-out/")
        assert response.status_code == 302
        assert response.url == "/signed-out/"
        assert client.get("/signed-out/").status_code == 200
        assert "_auth_user_id" not in client.session


class TestSettingUpAnApp:
    def test_the_page_shows_the_key_in_groups_of_four_and_a_qr_code_as_inline_svg(
        self, client: Client, chair: Professional
    ) -> None:
        client.force_login(chair.user)
        html = client.get(SET_UP_PAGE).content.decode()
        device = TOTPDevice.objects.get(user=chair.user, confirmed=False)
        key = b32encode(device.bin_key).decode()
        assert title_of(html) == page_title("Set up an authenticator app")
        groups = " ".join(key[i : i + 4] for i in range(0, len(key), 4))
        assert re.search(rf"<p [^>]*data-secret-key>{groups}</p>", html)
        svg = re.search(r"<svg .*?</svg>", html, re.S)
        assert svg, "no inline SVG QR code"
        assert 'role="img" aria-label="QR code to add this service to your authenticator app"' in svg.group(0)
        # The page's CSP has no 'unsafe-inline': the SVG must carry no style attribute or script.
        assert "style=" not in svg.group(0)
        assert "<script" not in svg.group(0)
        assert '<label class="govuk-label govuk-label--m" for="id_code">' in html
        assert "Enter the 6-digit code from your authenticator app" in html
        assert re.search(r'<input type="text" name="code"[^>]*autocomplete="one-time-code"', html)
        assert re.search(r'<input type="text" name="code"[^>]*inputmode="numeric"', html)

    def test_coming_back_shows_the_same_key(self, client: Client, chair: Professional) -> None:
        client.force_login(chair.user)
        first = re.findall(r"data-secret-key>([A-Z2-7 ]+)<", client.get(SET_UP_PAGE).content.decode())
        again = re.findall(r"data-secret-key>([A-Z2-7 ]+)<", client.get(SET_UP_PAGE).content.decode())
        assert first == again
        assert TOTPDevice.objects.filter(user=chair.user).count() == 1

    def test_the_right_code_confirms_the_app_and_shows_ten_recovery_codes_once(
        self, client: Client, chair: Professional
    ) -> None:
        client.force_login(chair.user)
        client.get(SET_UP_PAGE)
        device = TOTPDevice.objects.get(user=chair.user)
        response = client.post(f"{SET_UP_PAGE}?next=%2F", {"code": app_code(device)})
        assert response.status_code == 302
        assert response.url == f"{RECOVERY_CODES_PAGE}?next=%2F"
        device.refresh_from_db()
        assert device.confirmed

        html = client.get(response.url).content.decode()
        assert title_of(html) == page_title("Save your recovery codes")
        shown = re.findall(r"<li>([a-z2-7]{8})</li>", html)
        assert len(shown) == 10
        assert set(shown) == set(
            StaticToken.objects.filter(device__user=chair.user).values_list("token", flat=True)
        )
        assert 'href="/"' in main_of(html)

        again = client.get(RECOVERY_CODES_PAGE).content.decode()
        assert not any(code in again for code in shown)
        assert "cannot be shown again" in again
        # The session counts as verified: the person goes on to their work.
        assert client.get("/").status_code == 200

    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            ("", "Enter the 6-digit code from your authenticator app"),
            ("12345", "The code must be 6 numbers"),
            ("abcdef", "The code must be 6 numbers"),
        ],
        ids=["no code", "too short", "letters"],
    )
    def test_a_missing_or_malformed_code_gets_its_own_message(
        self, client: Client, chair: Professional, typed: str, message: str
    ) -> None:
        client.force_login(chair.user)
        response = client.post(SET_UP_PAGE, {"code": typed})
        html = response.content.decode()
        assert response.status_code == 200
        assert title_of(html) == page_title("Error: Set up an authenticator app")
        assert f'<a href="#id_code">{message}</a>' in error_summary(html)
        assert not TOTPDevice.objects.filter(user=chair.user, confirmed=True).exists()

    @time_machine.travel(FROZEN, tick=False)
    def test_a_wrong_code_is_refused_and_the_app_stays_unconfirmed(
        self, client: Client, chair: Professional
    ) -> None:
        client.force_login(chair.user)
        client.get(SET_UP_PAGE)
        device = TOTPDevice.objects.get(user=chair.user)
        html = client.post(SET_UP_PAGE, {"code": a_wrong_code(device)}).content.decode()
        assert "The code is not right. Enter the code your app shows now" in error_summary(html)
        device.refresh_from_db()
        assert not device.confirmed
        assert client.get("/").status_code == 302

    def test_someone_who_already_has_an_app_cannot_add_another_with_only_a_password(
        self, client: Client, chair: Professional
    ) -> None:
        authenticator_for(chair.user)
        client.force_login(chair.user)
        response = client.get(SET_UP_PAGE)
        assert response.status_code == 302
        assert response.url == CODE_PAGE
        assert client.post(SET_UP_PAGE, {"code": "123456"}).url == CODE_PAGE
        assert TOTPDevice.objects.filter(user=chair.user).count() == 1

    def test_the_set_up_page_needs_a_password_first(self, client: Client, db: None) -> None:
        response = client.get(SET_UP_PAGE)
        assert response.status_code == 302
        assert response.url.startswith("/sign-in/?next=")


class TestEnteringTheCode:
    def test_the_page_asks_for_the_code_in_its_heading(self, client: Client, chair: Professional) -> None:
        authenticator_for(chair.user)
        client.force_login(chair.user)
        html = client.get(CODE_PAGE).content.decode()
        assert title_of(html) == page_title("Enter the code from your authenticator app")
        assert re.search(
            r'<h1 class="govuk-label-wrapper">\s*<label class="govuk-label govuk-label--l" for="id_code">\s*'
            r"Enter the code from your authenticator app\s*</label>\s*</h1>",
            html,
        )
        assert "enter one of your recovery codes instead" in html

    def test_the_password_then_the_code_reach_the_page_the_person_asked_for(
        self, client: Client, chair: Professional
    ) -> None:
        device = authenticator_for(chair.user)
        assert client.get("/").url == "/sign-in/?next=/"
        step = sign_in_with_password(client, next="/")
        assert step == f"{CODE_PAGE}?next=%2F"
        response = client.post(step, {"code": app_code(device)})
        assert response.status_code == 302
        assert response.url == "/"
        assert "Your work" in client.get("/").content.decode()

    def test_a_next_address_on_another_site_is_ignored(self, client: Client, chair: Professional) -> None:
        device = authenticator_for(chair.user)
        client.force_login(chair.user)
        response = client.post(f"{CODE_PAGE}?next=https://phishing.example/", {"code": app_code(device)})
        assert response.url == "/"

    def test_the_session_key_changes_when_the_code_is_accepted(
        self, client: Client, chair: Professional
    ) -> None:
        device = authenticator_for(chair.user)
        client.force_login(chair.user)
        before = client.session.session_key
        client.post(CODE_PAGE, {"code": app_code(device)})
        assert client.session.session_key != before
        assert client.session["_auth_user_id"] == str(chair.user.pk)

    @time_machine.travel(FROZEN, tick=False)
    def test_a_wrong_code_is_refused_in_plain_english(self, client: Client, chair: Professional) -> None:
        device = authenticator_for(chair.user)
        client.force_login(chair.user)
        response = client.post(CODE_PAGE, {"code": a_wrong_code(device)})
        html = response.content.decode()
        assert response.status_code == 200
        assert title_of(html) == page_title("Error: Enter the code from your authenticator app")
        assert (
            '<a href="#id_code">The code is not right. Enter the code your app shows now, or a recovery code '
            "you have not used</a>"
        ) in error_summary(html)
        assert client.get("/").status_code == 302

    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            ("", "Enter the 6-digit code from your authenticator app, or a recovery code"),
            ("1234", "Enter the 6-digit code from your app, or a recovery code of 8 letters and numbers"),
        ],
        ids=["no code", "neither an app code nor a recovery code"],
    )
    def test_a_missing_or_malformed_code_gets_its_own_message(
        self, client: Client, chair: Professional, typed: str, message: str
    ) -> None:
        authenticator_for(chair.user)
        client.force_login(chair.user)
        html = client.post(CODE_PAGE, {"code": typed}).content.decode()
        assert f'<a href="#id_code">{message}</a>' in error_summary(html)

    def test_wrong_codes_make_the_person_wait_longer_and_longer(
        self, client: Client, chair: Professional
    ) -> None:
        device = authenticator_for(chair.user)
        with time_machine.travel(FROZEN, tick=False) as clock:
            client.force_login(chair.user)
            for _ in range(7):
                client.post(CODE_PAGE, {"code": a_wrong_code(device)})
                clock.shift(120)  # two minutes between tries: enough for the first few waits only
            # After 7 wrong codes django-otp wants 64 seconds, after 8 it wants 128 (more than 2 minutes).
            client.post(CODE_PAGE, {"code": a_wrong_code(device)})
            html = client.post(CODE_PAGE, {"code": app_code(device)}).content.decode()
            assert "You have entered a wrong code too many times. Wait 3 minutes, then try again" in html
            assert client.get("/").status_code == 302
            clock.shift(129)
            response = client.post(CODE_PAGE, {"code": app_code(device)})
            assert response.status_code == 302
            assert client.get("/").status_code == 200

    def test_the_right_code_straight_after_a_wrong_one_must_wait_a_moment(
        self, client: Client, chair: Professional
    ) -> None:
        device = authenticator_for(chair.user)
        with time_machine.travel(FROZEN, tick=False) as clock:
            client.force_login(chair.user)
            client.post(CODE_PAGE, {"code": a_wrong_code(device)})
            html = client.post(CODE_PAGE, {"code": app_code(device)}).content.decode()
            assert "Wait a minute, then try again" in html
            clock.shift(2)
            assert client.post(CODE_PAGE, {"code": app_code(device)}).status_code == 302

    def test_a_code_works_once_even_in_another_browser(self, chair: Professional) -> None:
        device = authenticator_for(chair.user)
        with time_machine.travel(FROZEN, tick=False):
            code = app_code(device)
            first, second = Client(), Client()
            first.force_login(chair.user)
            second.force_login(chair.user)
            assert first.post(CODE_PAGE, {"code": code}).status_code == 302
            assert second.post(CODE_PAGE, {"code": code}).status_code == 200

    def test_a_recovery_code_signs_in_once(self, chair: Professional) -> None:
        with time_machine.travel(FROZEN, tick=False) as clock:
            setup = Client()
            setup.force_login(chair.user)
            setup.get(SET_UP_PAGE)
            setup.post(SET_UP_PAGE, {"code": app_code(TOTPDevice.objects.get(user=chair.user))})
            codes = re.findall(r"<li>([a-z2-7]{8})</li>", setup.get(RECOVERY_CODES_PAGE).content.decode())

            first, second = Client(), Client()
            first.force_login(chair.user)
            # Typed in capitals with a space, as people copy codes from paper.
            typed = f"{codes[0][:4].upper()} {codes[0][4:].upper()}"
            assert first.post(CODE_PAGE, {"code": typed}).status_code == 302
            assert first.get("/").status_code == 200

            second.force_login(chair.user)
            assert second.post(CODE_PAGE, {"code": codes[0]}).status_code == 200
            clock.shift(2)  # a wrong code makes the next try wait a second
            assert second.post(CODE_PAGE, {"code": codes[1]}).status_code == 302
            assert StaticToken.objects.filter(device__user=chair.user).count() == 8

    def test_someone_without_an_app_is_sent_to_set_one_up(self, client: Client, chair: Professional) -> None:
        client.force_login(chair.user)
        response = client.get(f"{CODE_PAGE}?next=/admin/")
        assert response.url == f"{SET_UP_PAGE}?next=%2Fadmin%2F"

    def test_someone_already_verified_goes_straight_on(self, client: Client, chair: Professional) -> None:
        sign_in_with_code(client, chair.user)
        response = client.get(f"{CODE_PAGE}?next=/accessibility/")
        assert response.url == "/accessibility/"

    def test_a_new_sign_in_needs_a_new_code(self, client: Client, chair: Professional) -> None:
        sign_in_with_code(client, chair.user)
        client.post("/sign-out/")
        assert sign_in_with_password(client) == f"{CODE_PAGE}?next=%2F"
        assert client.get("/").status_code == 302

    def test_after_the_code_the_admin_opens_for_a_superuser(self, client: Client, db: None) -> None:
        superuser = SuperuserFactory()
        sign_in_with_code(client, superuser)
        assert client.get("/admin/").status_code == 200

    def test_a_deleted_app_means_setting_up_a_new_one_at_the_next_sign_in(
        self, client: Client, chair: Professional
    ) -> None:
        # How an administrator resets someone who lost their phone and their recovery codes.
        sign_in_with_code(client, chair.user)
        TOTPDevice.objects.filter(user=chair.user).delete()
        client.post("/sign-out/")
        assert sign_in_with_password(client) == f"{SET_UP_PAGE}?next=%2F"


def test_the_admin_never_shows_an_apps_key_even_to_a_superuser(client: Client, db: None) -> None:
    superuser = SuperuserFactory()
    sign_in_with_code(client, superuser)
    device = TOTPDevice.objects.get(user=superuser)
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 403
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code == 403
    html = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in html
