"""GOV.UK Frontend's JavaScript runs under the service's real Content Security Policy."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser


def test_govuk_frontend_starts_under_the_real_content_security_policy(
    browser: Browser, live_server: LiveServer
) -> None:
    # A context of its own without bypass_csp, so the browser enforces our policy as it would for a user.
    context = browser.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(f"{live_server.url}/sign-in/")
        # The inline script (allowed by its nonce) marks the body; the module then starts the password
        # input, whose "Show" button stays hidden until govuk-frontend's JavaScript runs.
        expect(page.locator("body")).to_have_class("govuk-template__body js-enabled govuk-frontend-supported")
        expect(page.get_by_role("button", name="Show password")).to_be_visible()
        assert errors == [], errors
        assert_accessible(page, under_real_csp=True)
    finally:
        context.close()
