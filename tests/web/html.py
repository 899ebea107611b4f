"""Compare HTML by its structure, the way govuk-frontend-jinja proves its templates match GOV.UK's.

Whitespace between and around text is collapsed, attribute order is ignored, and so is the order of
class names; everything else (elements, nesting, attributes and their values, text) must be the same.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Normaliser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.depth = 0

    def _attributes(self, attrs: list[tuple[str, str | None]]) -> str:
        parts = []
        for name, value in sorted(attrs):
            value = value or ""
            if name == "class":
                value = " ".join(sorted(value.split()))
            parts.append(f' {name}="{value}"')
        return "".join(parts)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.lines.append("  " * self.depth + f"<{tag}{self._attributes(attrs)}>")
        if tag not in _VOID_ELEMENTS:
            self.depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.lines.append("  " * self.depth + f"<{tag}{self._attributes(attrs)}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID_ELEMENTS:
            return
        self.depth -= 1
        self.lines.append("  " * self.depth + f"</{tag}>")

    def handle_data(self, data: str) -> None:
        text = re.sub(r"\s+", " ", data).strip()
        if text:
            self.lines.append("  " * self.depth + text)


def normalise(html: str) -> str:
    """One element, closing tag or piece of text per line, indented by depth: readable in a diff."""
    parser = _Normaliser()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.lines)


def page_title(heading: str) -> str:
    """A GOV.UK page title: the page, an en dash, then the service name."""
    return f"{heading} \N{EN DASH} Child protection conferences"
