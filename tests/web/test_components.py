"""Our GOV.UK component templates against GOV.UK Frontend's own published examples.

tests/web/govuk_frontend_fixtures.json holds, for each component we port, the package's fixtures
(options and the HTML its Nunjucks template renders), copied by scripts/build-assets. Each test renders
our Django template with the same options and compares the two after normalising whitespace, attribute
order and class order. Upgrading govuk-frontend and rebuilding the assets reruns all of this.

Options map to our templates' context as snake_case (``isStartButton`` → ``is_start_button``). A
top-level option that is an object is flattened with an underscore (``tag.text`` → ``tag_text``,
``slots.navigationEnd`` → ``slots_navigation_end``), except ``attributes``; objects inside lists
(rows, navigation items, error list items) keep their shape. Options ending in ``html``, and slots, are trusted HTML.

The input and password input are ported as the form renderer's field templates, so their fixtures are
rendered through a Django form with the same label, hint, error, id, name, classes and value.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from tests.web.html import normalise

FIXTURES: dict[str, list[dict[str, Any]]] = json.loads(
    (Path(__file__).parent / "govuk_frontend_fixtures.json").read_text(encoding="utf-8")
)

# What we have not ported, fixture by fixture, and why. Everything else must match.
NOT_PORTED = {
    ("input", "with label as page heading"): "labels as page headings are not needed by any form yet",
    ("input", "with prefix"): "prefixes and suffixes are not ported yet",
    ("input", "with suffix"): "prefixes and suffixes are not ported yet",
    ("input", "with prefix and suffix"): "prefixes and suffixes are not ported yet",
    ("input", "with prefix and suffix and error"): "prefixes and suffixes are not ported yet",
    ("input", "with prefix and suffix and width modifier"): "prefixes and suffixes are not ported yet",
    ("password-input", "with label as page heading"): "labels as page headings are not needed yet",
    ("summary-list", "as a summary card with a text header"): "the summary card variant is not ported yet",
    ("summary-list", "as a summary card with a html header"): "the summary card variant is not ported yet",
    ("summary-list", "as a summary card with actions"): "the summary card variant is not ported yet",
    (
        "summary-list",
        "as a summary card with actions plus summary list actions",
    ): "the summary card variant is not ported yet",
    ("summary-list", "as a summary card extreme"): "the summary card variant is not ported yet",
    ("service-navigation", "with right-aligned language navigation"): "inline end slots are not ported",
    ("service-navigation", "with `inline` end slot"): "inline end slots are not ported",
}

FORM_FIELD_COMPONENTS = {"input", "password-input"}


def snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _convert(value: Any, key: str = "") -> Any:
    if key.lower().endswith("html") and isinstance(value, str):
        return mark_safe(value)  # noqa: S308 (the package's own fixture HTML)
    if key == "attributes":
        return value
    if isinstance(value, dict):
        return {snake_case(k): _convert(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_convert(item) for item in value]
    return value


def template_context(options: dict[str, Any]) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for key, value in options.items():
        name = snake_case(key)
        if isinstance(value, dict) and key != "attributes":
            for inner_key, inner_value in value.items():
                # Slots are HTML whatever their names.
                context[f"{name}_{snake_case(inner_key)}"] = _convert(
                    inner_value, "html" if key == "slots" else inner_key
                )
        else:
            context[name] = _convert(value, key)
    return context


def render_form_field(component: str, options: dict[str, Any]) -> str:
    """Render the fixture's options as a Django form field through our form renderer."""
    name = options["name"]
    attrs: dict[str, str] = {}
    if "id" in options:
        attrs["id"] = options["id"]
    if "classes" in options:
        attrs["class"] = options["classes"]
    widget = forms.PasswordInput(attrs) if component == "password-input" else forms.TextInput(attrs)
    field = forms.CharField(
        label=options["label"]["text"],
        help_text=options.get("hint", {}).get("text", ""),
        required=False,
        widget=widget,
    )
    form_class = type("FixtureForm", (forms.Form,), {name: field})
    if "errorMessage" in options:
        form = form_class(data={name: options.get("value", "")}, auto_id="%s")
        form.add_error(name, options["errorMessage"]["text"])
    else:
        form = form_class(initial={name: options.get("value")}, auto_id="%s")
    return form[name].as_field_group()


def fixture_params() -> list[Any]:
    return [
        pytest.param(component, fixture, id=f"{component}: {fixture['name']}")
        for component, fixtures in FIXTURES.items()
        for fixture in fixtures
        if (component, fixture["name"]) not in NOT_PORTED
    ]


@pytest.mark.parametrize(("component", "fixture"), fixture_params())
def test_our_template_renders_what_govuk_frontend_renders(component: str, fixture: dict[str, Any]) -> None:
    if component in FORM_FIELD_COMPONENTS:
        ours = render_form_field(component, fixture["options"])
    else:
        ours = render_to_string(f"govuk/components/{component}.html", template_context(fixture["options"]))
    assert normalise(ours) == normalise(fixture["html"])


def test_every_fixture_listed_as_not_ported_exists() -> None:
    # A stale entry would hide a fixture that GOV.UK Frontend renamed or removed.
    names = {(component, fixture["name"]) for component, fixtures in FIXTURES.items() for fixture in fixtures}
    assert set(NOT_PORTED) <= names


def test_the_fixtures_come_from_govuk_frontend_6_6_0() -> None:
    package = json.loads((Path(__file__).parents[2] / "package.json").read_text(encoding="utf-8"))
    assert package["devDependencies"]["govuk-frontend"] == "6.6.0"
    assert set(FIXTURES) >= {"button", "error-summary", "input", "password-input", "summary-list"}
