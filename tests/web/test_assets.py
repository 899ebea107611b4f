"""The committed front-end assets: built from the pinned packages, branded for a council, not GOV.UK."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
STATIC = ROOT / "src" / "cpconf" / "web" / "static" / "cpconf"


def test_the_npm_packages_are_pinned_exactly_and_locked() -> None:
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    pins = package["devDependencies"]
    assert pins["govuk-frontend"] == "6.6.0"
    assert pins["axe-core"] == "4.14.1"
    major, minor, _ = (int(part) for part in pins["sass"].split("."))
    assert (major, minor) >= (1, 79)  # GOV.UK Frontend 6 needs Dart Sass 1.79 or newer
    for name, version in pins.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


def test_the_stylesheet_uses_arial_and_no_gov_uk_branding() -> None:
    css = (STATIC / "application.css").read_text(encoding="utf-8")
    assert "font-family:arial,sans-serif" in css
    assert "GDS Transport" not in css
    assert "govuk-crest" not in css
    assert "@font-face" not in css
    assert "sourceMappingURL" not in css
    assert ".govuk-generic-header" in css and ".cpconf-sign-out__button" in css


def test_the_javascript_module_starts_govuk_frontend() -> None:
    frontend = (STATIC / "govuk-frontend.min.js").read_text(encoding="utf-8")
    assert 'const version="6.6.0"' in frontend
    assert re.search(r"export\{[^}]*\binitAll\b", frontend)
    assert "sourceMappingURL" not in frontend
    application = (STATIC / "application.js").read_text(encoding="utf-8")
    assert 'import { initAll } from "./govuk-frontend.min.js";' in application
    assert "initAll();" in application


def test_the_browser_tests_have_axe_core() -> None:
    axe = (ROOT / "tests" / "browser" / "vendor" / "axe.min.js").read_text(encoding="utf-8")
    assert "4.14.1" in axe[:200]


def test_the_build_script_is_executable() -> None:
    assert os.access(ROOT / "scripts" / "build-assets", os.X_OK)
