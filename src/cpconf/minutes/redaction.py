"""Who may receive which part of the minutes (R-EX-5, R-PR-6, R-AF-5): one pure function, ``redact``.

Every copy of the minutes (page, PDF, email, API) is built from what ``redact`` returns, never by hiding
parts of a fuller copy (DESIGN principle 5). It takes plain values, no database, so that the property tests
(tests/minutes/test_redaction_properties.py) can run it thousands of times.

The rules, deny by default:

* A **professional** receives every section except those they were excluded from (R-EX-5), and the parts
  of agencies' reports withheld from the family (they are professionals' information).
* **Anyone else** (a parent or carer, a child, a supporter, an advocate, a legal representative, an
  observer) receives a section only when the minutes record them in its audience, and never one they were
  excluded from; never a withheld part of a report (R-PR-6).
* A recipient of another kind, or a family recipient without an invitation, receives nothing.
* The copy says whether anything was left out of it (``parts_withheld``), never what.

Adding an exclusion never lets anyone receive more (monotonic): an exclusion only ever removes sections.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Literal

from cpconf.conferences.agenda import SECTION_KEYS, SECTION_TITLES

FAMILY: Literal["family"] = "family"
PROFESSIONAL: Literal["professional"] = "professional"
Role = Literal["family", "professional"]

#: What a copy says when something was left out of it; the same words whatever was left out.
WITHHELD_NOTICE = (
    "Some parts of these minutes are not included in this copy. The chair agreed this. "
    "If you have questions, contact the conference office."
)


@dataclass(frozen=True)
class SectionIn:
    """A section as stored: its agenda key, text, and the invitations (identifiers as strings) of people
    who are not professionals who may read it."""

    key: str
    text: str
    family_audience: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ReportPart:
    """A part of an agency's report withheld from the family with the chair's agreement (R-PR-6)."""

    agency: str
    text: str


@dataclass(frozen=True)
class Recipient:
    role: str  # "family" or "professional"; anything else receives nothing
    invitation_id: str | None = None


@dataclass(frozen=True)
class SectionOut:
    key: str
    title: str
    text: str


@dataclass(frozen=True)
class Copy:
    """What one recipient may receive: sections in agenda order, report parts, and whether anything was
    left out (not what)."""

    sections: tuple[SectionOut, ...]
    report_parts: tuple[ReportPart, ...]
    parts_withheld: bool

    @property
    def keys(self) -> list[str]:
        return [section.key for section in self.sections]


def _may_read(section: SectionIn, recipient: Recipient, excluded: frozenset[str]) -> bool:
    if section.key not in SECTION_TITLES:
        return False  # not an agenda section: nobody's to receive
    if section.key in excluded:
        return False  # R-EX-5
    if recipient.role == PROFESSIONAL:
        return True
    if recipient.role == FAMILY:
        return recipient.invitation_id is not None and recipient.invitation_id in section.family_audience
    return False


def redact(
    *,
    sections: Iterable[SectionIn],
    recipient: Recipient,
    excluded_sections: Collection[str],
    withheld_parts: Iterable[ReportPart],
) -> Copy:
    """Exactly the sections and report parts ``recipient`` may receive (see the module's docstring)."""
    excluded = frozenset(excluded_sections)
    by_key: dict[str, SectionIn] = {}
    for section in sections:
        by_key.setdefault(section.key, section)  # one per key; a repeat is ignored, never merged
    included: list[SectionOut] = []
    left_out = False
    for key in SECTION_KEYS:
        found = by_key.get(key)
        if found is None:
            continue
        if _may_read(found, recipient, excluded):
            included.append(SectionOut(key=key, title=SECTION_TITLES[key], text=found.text))
        else:
            left_out = True
    parts = tuple(withheld_parts)
    report_parts: tuple[ReportPart, ...] = ()
    if recipient.role == PROFESSIONAL:
        report_parts = parts
    elif parts:
        left_out = True
    if recipient.role not in {PROFESSIONAL, FAMILY}:
        # Deny by default: nothing, and the copy still says that parts were withheld.
        return Copy(sections=(), report_parts=(), parts_withheld=True)
    return Copy(sections=tuple(included), report_parts=report_parts, parts_withheld=left_out)
