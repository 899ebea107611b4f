"""Two-factor sign-in (ASVS 6.3.3): who needs it, and every read and write of django-otp's devices.

Everyone who can see a child's record (anyone with an active professional record, and every staff
user and superuser) confirms a code from an authenticator app after their password. An app is a
django-otp TOTP device; the ten single-use recovery codes are one static device. Views call the
functions here and never touch the device tables themselves.

``CPCONF_REQUIRE_TWO_FACTOR`` can be turned off only in the demo (settings refuse it elsewhere).
"""

from __future__ import annotations

import logging
import re
from base64 import b32encode
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, cast

import django_otp
import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cpconf import clock
from cpconf.people.models import User
from cpconf.web.identity import signed_in_professional

logger = logging.getLogger("cpconf.security")

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"

# An app's code is 6 digits; a recovery code is 8 letters and digits (base32, as django-otp makes them).
_APP_CODE = re.compile(r"^\d{6}$")
_RECOVERY_CODE = re.compile(r"^[a-z2-7]{8}$")


def normalise_code(code: str) -> str:
    """What the person typed, without the spaces and dashes people add when copying a code."""
    return re.sub(r"[\s-]", "", code).lower()


def is_app_code(code: str) -> bool:
    return bool(_APP_CODE.match(normalise_code(code)))


def is_recovery_code(code: str) -> bool:
    return bool(_RECOVERY_CODE.match(normalise_code(code)))


def two_factor_required(request: HttpRequest) -> bool:
    """Whether the signed-in person must confirm a code before they see anything (ASVS 6.3.3)."""
    if not settings.CPCONF_REQUIRE_TWO_FACTOR:
        return False  # the demo only; settings refuse this anywhere else
    user = request.user
    if not user.is_authenticated:
        return False
    # Administrators reach every authority's records through the admin.
    if user.is_staff or user.is_superuser:
        return True
    # A professional can see the children they work with.
    return signed_in_professional(request) is not None


def is_verified(request: HttpRequest) -> bool:
    """Whether this session has confirmed a code (django-otp's OTPMiddleware records it on the user)."""
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


def has_authenticator(user: User) -> bool:
    return cast("bool", TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def authenticator_for_set_up(*, user: User) -> TOTPDevice:
    """The app being set up: made with a new secret key on the first visit, then the same one, so that
    a person who scanned the code and came back still has the right key."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return cast("TOTPDevice", device)


def grouped_key(device: TOTPDevice) -> list[str]:
    """The secret key as people type it into an app: base32, in groups of four."""
    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return [key[start : start + 4] for start in range(0, len(key), 4)]


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The app's set-up address as a QR code, in inline SVG: presentation attributes, no style
    attribute or script, so the page's strict CSP allows it."""
    qr = segno.make(device.config_url, error="m")
    svg = qr.svg_inline(scale=5, light="#fff", svgclass=None, lineclass=None, title=None)
    label = escape("QR code to add this service to your authenticator app")
    # The role and label make it one image with a name for screen readers.
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" focusable="false" ', 1)
    # segno's own output (the svg element, sizes and one path) and an escaped label.
    return mark_safe(svg)  # noqa: S308


class CodeResult(StrEnum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    TOO_MANY_TRIES = "too_many_tries"


@dataclass(frozen=True)
class CodeOutcome:
    result: CodeResult
    # When a throttled device will take a code again (django-otp doubles the wait after each wrong code).
    try_again_at: datetime | None = None
    recovery_codes: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.result == CodeResult.ACCEPTED


def _check(device: Any, code: str) -> CodeOutcome:
    """Check `code` against `device` (locked for update), honouring and updating its throttle."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        return CodeOutcome(CodeResult.TOO_MANY_TRIES, try_again_at=(details or {}).get("locked_until"))
    if device.verify_token(code):
        return CodeOutcome(CodeResult.ACCEPTED)
    return CodeOutcome(CodeResult.WRONG)


def _verified(request: HttpRequest, device: TOTPDevice | StaticDevice) -> None:
    """Mark the session as verified by `device`, with a new session key (ASVS 7.2.4: a new token at
    each step of authentication)."""
    django_otp.login(request, device)
    request.session.cycle_key()


def authenticator_confirm(*, request: HttpRequest, device: TOTPDevice, code: str) -> CodeOutcome:
    """Confirm the app being set up with a code it shows, replace any older app, issue new recovery
    codes, and count this session as verified. A wrong code counts towards the device's throttle."""
    user = cast("User", request.user)
    with transaction.atomic():
        locked = (
            TOTPDevice.objects.select_for_update().filter(pk=device.pk, user=user, confirmed=False).first()
        )
        if locked is None:
            return CodeOutcome(CodeResult.WRONG)
        outcome = _check(locked, normalise_code(code))
        if not outcome.accepted:
            logger.warning("Two-factor set-up: wrong code for user %s (%s).", user.public_id, outcome.result)
            return outcome
        locked.confirmed = True
        locked.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=locked.pk).delete()
        codes = recovery_codes_replace(user=user)
        _verified(request, locked)
    logger.info("Two-factor set-up: authenticator app confirmed for user %s.", user.public_id)
    return CodeOutcome(CodeResult.ACCEPTED, recovery_codes=codes)


def recovery_codes_replace(*, user: User) -> list[str]:
    """Ten new single-use recovery codes; any earlier ones stop working."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_CODES_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_verify(*, request: HttpRequest, code: str) -> CodeOutcome:
    """Check a code from the person's app, or one of their recovery codes (used up by this), and count
    this session as verified if it is right. Wrong codes slow down further tries (django-otp)."""
    user = cast("User", request.user)
    code = normalise_code(code)
    device_class: type[TOTPDevice] | type[StaticDevice] = TOTPDevice if is_app_code(code) else StaticDevice
    with transaction.atomic():
        device = device_class.objects.select_for_update().filter(user=user, confirmed=True).first()
        outcome = CodeOutcome(CodeResult.WRONG) if device is None else _check(device, code)
        if outcome.accepted:
            _verified(request, device)
    kind = "app code" if device_class is TOTPDevice else "recovery code"
    if outcome.accepted:
        logger.info("Two-factor sign-in: %s accepted for user %s.", kind, user.public_id)
    else:
        logger.warning(
            "Two-factor sign-in: %s refused for user %s (%s).", kind, user.public_id, outcome.result
        )
    return outcome


def seconds_until(moment: datetime | None) -> int:
    if moment is None:
        return 0
    return max(0, int((moment - clock.now()).total_seconds()) + 1)
