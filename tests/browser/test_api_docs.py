"""The API's documentation page (Swagger UI from the application's own static files) works under the
service's real Content Security Policy, asks for nothing from anywhere else, and as it opens has no
accessibility violations (src/cpconf/api/static/api/swagger.css darkens its colours). An operation opened
out still has two of Swagger UI's own (docs/api.md, "Documentation")."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Request, expect
from pytest_django.live_server_helper import LiveServer

from tests.access.conftest import World, build_world
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db: None) -> World:
    return build_world()


def test_the_api_documentation_runs_under_the_real_csp_and_fetches_only_from_here(
    browser: Browser, live_server: LiveServer, world: World
) -> None:
    context = browser.new_context()  # without bypass_csp: the browser enforces our policy
    try:
        client = Client()
        client.force_login(world.user("chair"))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        elsewhere: list[str] = []

        def note(request: Request) -> None:
            if not request.url.startswith(live_server.url) and not request.url.startswith("data:"):
                elsewhere.append(request.url)

        page.on("request", note)
        page.goto(f"{live_server.url}/api/docs")
        expect(page.get_by_role("heading", name="cpconf API")).to_be_visible()
        expect(page.get_by_text("/api/conferences/{conference_id}/schedule")).to_be_visible()
        assert elsewhere == [], elsewhere
        assert [error for error in errors if "Content Security Policy" in error] == []
        assert_accessible(page, under_real_csp=True)
    finally:
        context.close()
