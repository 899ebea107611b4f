"""The accessibility check itself: it must catch a real violation, or its passes mean nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser


def test_the_accessibility_check_catches_an_unlabelled_field(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/accessibility/")
    assert_accessible(page)
    page.evaluate(
        "() => document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=\"text\">')"
    )
    with pytest.raises(AssertionError, match=r"- label \(critical\): Form elements must have labels"):
        assert_accessible(page)
