"""A recipient's copy in each channel: the page (HTML), the PDF, the email body and the API's JSON.

Every function here takes a ``Copy`` from ``cpconf.minutes.redaction.redact``: what the person may
receive, and nothing else (DESIGN principle 5: built from the parts, never by hiding). None of them reads
the minutes' sections themselves.

The PDF is made by WeasyPrint from the same fragment as the page, with our own CSS inline and a URL
fetcher that refuses every URL (no file, no network: nothing from outside goes into a document about a
child). Every page is marked OFFICIAL-SENSITIVE in its top and bottom margins. It is a tagged PDF
(PDF/UA-1), so that screen readers can read it.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from weasyprint.urls import URLFetcher

from cpconf.clock import time_in_words
from cpconf.conferences.models import Conference
from cpconf.minutes.models import Document, Minutes
from cpconf.minutes.redaction import WITHHELD_NOTICE, Copy
from cpconf.minutes.selectors import ChildDecisionLine

MARKING = "OFFICIAL-SENSITIVE"


class RefuseEveryURL(URLFetcher):
    """WeasyPrint's fetcher for our documents: nothing is fetched, from the network or from files."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=[], fail_on_errors=False)

    def fetch(self, url: str, headers: Any = None) -> Any:
        raise ValueError(f"Documents load nothing from outside: {url[:40]!r} refused.")


def _context(
    document: str, conference: Conference, minutes: Minutes, copy: Copy, decisions: list[ChildDecisionLine]
) -> dict[str, Any]:
    return {
        "document": document,
        "is_minutes": document == Document.MINUTES,
        "title": Document(document).label,
        "conference": conference,
        "reference": conference.reference,
        "conference_type": conference.get_conference_type_display(),
        "held": time_in_words(conference.starts_at) if conference.starts_at else "",
        "minutes": minutes,
        "approved": minutes.is_approved,
        "signed": (
            f"Approved and signed by {minutes.signed_name}, chair, on {time_in_words(minutes.approved_at)}"
            if minutes.is_approved and minutes.approved_at
            else ""
        ),
        "copy": copy,
        "withheld_notice": WITHHELD_NOTICE if copy.parts_withheld else "",
        "decisions": decisions,
        "marking": MARKING,
    }


def copy_fragment(
    document: str, conference: Conference, minutes: Minutes, copy: Copy, decisions: list[ChildDecisionLine]
) -> str:
    """The copy as an HTML fragment, for a page and for the PDF."""
    return render_to_string("minutes/_copy.html", _context(document, conference, minutes, copy, decisions))


def document_html(
    document: str, conference: Conference, minutes: Minutes, copy: Copy, decisions: list[ChildDecisionLine]
) -> str:
    """The whole document as one HTML file with its CSS inline (for WeasyPrint)."""
    return render_to_string("minutes/document.html", _context(document, conference, minutes, copy, decisions))


def document_pdf(
    document: str, conference: Conference, minutes: Minutes, copy: Copy, decisions: list[ChildDecisionLine]
) -> bytes:
    from weasyprint import HTML  # imported when a PDF is made: the pages start without it

    html = document_html(document, conference, minutes, copy, decisions)
    pdf = HTML(string=html, url_fetcher=RefuseEveryURL(), base_url=None).write_pdf(pdf_variant="pdf/ua-1")
    if pdf is None:  # pragma: no cover - write_pdf returns bytes when given no target
        raise RuntimeError("WeasyPrint made no PDF.")
    return bytes(pdf)


def document_email_body(
    document: str,
    conference: Conference,
    minutes: Minutes,
    copy: Copy,
    decisions: list[ChildDecisionLine],
    name: str,
) -> str:
    """The email's text: the document itself, plain (the PDF is attached too)."""
    context = _context(document, conference, minutes, copy, decisions) | {"name": name}
    return render_to_string("minutes/email.txt", context).strip() + "\n"


def copy_json(copy: Copy) -> dict[str, Any]:
    """The copy as the API gives it."""
    return {
        "sections": [{"key": s.key, "title": s.title, "text": s.text} for s in copy.sections],
        "report_parts_withheld_from_family": [
            {"agency": p.agency, "parts": p.text} for p in copy.report_parts
        ],
        "parts_withheld": copy.parts_withheld,
        "withheld_notice": WITHHELD_NOTICE if copy.parts_withheld else "",
    }
