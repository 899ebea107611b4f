"""Template tags for our layout and GOV.UK components.

The layout reads the service name and version through tags rather than the context processor, because
Django renders the 500 page without any context processors and that page must still say what it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from django import template
from django.conf import settings
from django.forms import BaseForm
from django.template.base import Parser, Token
from django.template.context import Context
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from cpconf import clock
from cpconf.web.forms import error_summary_items

register = template.Library()

try:
    _VERSION = version("cpconf")
except PackageNotFoundError:  # running from a source tree that was never installed
    _VERSION = "unknown"


@register.simple_tag
def service_name() -> str:
    return settings.CPCONF_SERVICE_NAME


@register.simple_tag
def service_version() -> str:
    return _VERSION


@register.simple_tag
def govuk_error_summary(*forms: BaseForm) -> str:
    """The GOV.UK error summary for one or more forms, linking each message to its field; "" if valid."""
    items = [item for form in forms if isinstance(form, BaseForm) for item in error_summary_items(form)]
    if not items:
        return ""
    return render_to_string(
        "govuk/components/error-summary.html", {"title_text": "There is a problem", "error_list": items}
    )


@register.filter
def in_words(moment: datetime | date | None) -> str:
    """A date or moment as GOV.UK writes it, in England's time: "20 November 2026 at 10:30am"."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        return clock.time_in_words(moment)
    return clock.date_in_words(moment)


@register.filter
def time_of_day(moment: datetime | None) -> str:
    """The time of day in England: "10:30am"."""
    return "" if moment is None else clock.time_of_day_in_words(moment)


@register.filter
def any_row_has_actions(rows: Iterable[Mapping[str, Any]]) -> bool:
    """For the summary list: whether any row has actions (rows without them then get a modifier class)."""
    return any(row and (row.get("actions") or {}).get("items") for row in rows)


class CaptureNode(template.Node):
    def __init__(self, nodelist: template.NodeList, variable: str) -> None:
        self.nodelist = nodelist
        self.variable = variable

    def render(self, context: Context) -> str:
        # The captured output was rendered (and escaped) by the template engine, so it is safe HTML.
        output: SafeString = mark_safe(self.nodelist.render(context).strip())  # noqa: S308
        context[self.variable] = output
        return ""


@register.tag
def capture(parser: Parser, token: Token) -> CaptureNode:
    """``{% capture as name %}…{% endcapture %}``: render the enclosed markup into a variable, to pass
    it as a component's ``html`` option (Nunjucks' ``{% set name %}…{% endset %}``)."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Use {% capture as name %}…{% endcapture %}.")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])
