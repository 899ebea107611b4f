"""Playwright on Debian's Chromium, against pytest-django's live server, with axe-core.

Never run `playwright install`: the browser is the system's /usr/bin/chromium. Without it these tests
are skipped with a reason, except on CI (CI=true), where a missing browser is a failure: CI must never
pass by silently skipping them. One browser serves the whole session; each test gets a fresh context.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

# Playwright's sync API runs an event loop in the test thread, so Django would otherwise refuse the
# database calls the tests (and live_server's set-up) make from that thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Debian's Chromium; CPCONF_CHROMIUM points elsewhere on a machine that keeps it in another place.
CHROMIUM = Path(os.environ.get("CPCONF_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"Browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)."
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} CI must run the browser tests, not skip them.", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    _require_chromium()
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # Our CSP would block the script tag that injects axe; test_csp.py checks the real policy.
    return {**browser_context_args, "bypass_csp": True}


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = [f"{len(violations)} accessibility violation(s):"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  at {json.dumps(node['target'])}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n    ")
            if summary:
                lines.append(f"    {summary}")
    return "\n".join(lines)


def assert_accessible(page: Page, *, under_real_csp: bool = False) -> None:
    """Run axe-core's WCAG 2.2 A and AA rules on the page as it is now; fail with a readable list.

    axe goes in as a script tag, which needs the context's ``bypass_csp``; in a context that enforces
    our policy (``under_real_csp``) it is evaluated through the DevTools protocol instead, which a
    page's CSP does not govern.
    """
    if under_real_csp:
        page.evaluate(AXE.read_text(encoding="utf-8"))
    else:
        page.add_script_tag(path=str(AXE))
    results = page.evaluate("async (tags) => await axe.run(document, { runOnly: tags })", WCAG_TAGS)
    assert results["violations"] == [], _describe(results["violations"])


def tab_to(page: Page, selector: str, *, max_presses: int = 25) -> None:
    """Press Tab until the element matching ``selector`` has focus, as a keyboard user would."""
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{selector} never got focus after {max_presses} presses of Tab")


def sign_in_as(page: Page, live_server: LiveServer, user: AbstractBaseUser) -> None:
    """Start a session through Django's test client and hand its cookie to the browser, for tests
    about what comes after signing in (signing in itself has its own keyboard test)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
