"""Authenticator apps for tests: a confirmed app with a known key, the code it shows now (RFC 6238,
computed with django-otp's own TOTP maths), and a client signed in with password and code."""

from __future__ import annotations

from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cpconf.people.models import User

# RFC 6238's test key ("12345678901234567890"), so that a frozen clock gives known codes.
TEST_KEY = "3132333435363738393031323334353637383930"
CODE_PAGE = "/sign-in/code/"
SET_UP_PAGE = "/sign-in/set-up-authenticator-app/"
RECOVERY_CODES_PAGE = "/sign-in/recovery-codes/"


def authenticator_for(user: User, *, key: str = TEST_KEY) -> TOTPDevice:
    """A confirmed authenticator app for `user`, as if they had set it up."""
    return TOTPDevice.objects.create(user=user, name="Authenticator app", key=key, confirmed=True)


def app_code(device: TOTPDevice, *, steps_from_now: int = 0) -> str:
    """The 6-digit code the app shows now (or that many 30-second steps away)."""
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_from_now)
    return f"{value:0{device.digits}d}"


def a_wrong_code(device: TOTPDevice) -> str:
    """A code that none of the steps the device accepts now (the last, this and the next) shows."""
    accepted = {app_code(device, steps_from_now=step) for step in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in accepted)


def sign_in_with_code(client: Client, user: User) -> None:
    """Sign `user` in on `client` through both steps: the password (force_login) and a code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or authenticator_for(user)
    client.force_login(user)
    response = client.post(CODE_PAGE, {"code": app_code(device)})
    assert response.status_code == 302, response.content.decode()[:2000]
