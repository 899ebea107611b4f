"""Properties of each person's copy of the minutes (R-EX-5, R-PR-6; DESIGN principle 5), for any agenda,
any exclusions and any withheld report parts:

* a copy holds all the text its reader may see and none they may not, in every channel (the pure function,
  the page's HTML, the email's body, the API's JSON, and the PDF's extracted text);
* adding an exclusion never lets anyone see more (monotonic);
* deny by default: a section with no family audience reaches no family member, and a recipient of an
  unknown kind receives nothing.

The expected contents are worked out here again from the rules in words, not from the code under test.
Examples: 1,000 on the pure function, 300 for monotonicity, 150 for deny by default, 200 each for the
HTML, the email and the JSON, and 12 for the PDF (WeasyPrint takes about a tenth of a second a page):
2,062 in all.
"""

from __future__ import annotations

import io
import json
import string
import uuid
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from cpconf.conferences.agenda import SECTION_KEYS
from cpconf.conferences.models import Conference, ConferenceType
from cpconf.minutes import render
from cpconf.minutes.models import Document, Minutes
from cpconf.minutes.redaction import (
    FAMILY,
    PROFESSIONAL,
    WITHHELD_NOTICE,
    Copy,
    Recipient,
    ReportPart,
    SectionIn,
    redact,
)

FAMILY_IDS = ("fam-a", "fam-b", "fam-c")
WORD = st.text(alphabet=string.ascii_lowercase, min_size=3, max_size=8)


@dataclass(frozen=True)
class Case:
    sections: tuple[SectionIn, ...]
    recipient: Recipient
    excluded: frozenset[str]
    withheld: tuple[ReportPart, ...]


@st.composite
def sections(draw: st.DrawFn) -> tuple[SectionIn, ...]:
    present = draw(st.lists(st.sampled_from(SECTION_KEYS), unique=True))
    result = []
    for key in present:
        index = SECTION_KEYS.index(key)
        # "tok3q...q": no section's token is part of another's (the words have no digits).
        text = f"tok{index}q{draw(WORD)}q {draw(WORD)}"
        audience = draw(st.frozensets(st.sampled_from(FAMILY_IDS)))
        result.append(SectionIn(key=key, text=text, family_audience=audience))
    return tuple(result)


@st.composite
def withheld_parts(draw: st.DrawFn) -> tuple[ReportPart, ...]:
    count = draw(st.integers(min_value=0, max_value=3))
    return tuple(ReportPart(agency=f"Agency {n}", text=f"part{n}w{draw(WORD)}w") for n in range(count))


recipients = st.one_of(
    st.builds(Recipient, role=st.just(PROFESSIONAL), invitation_id=st.sampled_from((*FAMILY_IDS, "pro-1"))),
    st.builds(
        Recipient, role=st.just(FAMILY), invitation_id=st.one_of(st.none(), st.sampled_from(FAMILY_IDS))
    ),
    st.builds(
        Recipient, role=st.sampled_from(("", "observer", "admin")), invitation_id=st.sampled_from(FAMILY_IDS)
    ),
)

cases = st.builds(
    Case,
    sections=sections(),
    recipient=recipients,
    excluded=st.frozensets(st.sampled_from(SECTION_KEYS)),
    withheld=withheld_parts(),
)


def copy_of(case: Case) -> Copy:
    return redact(
        sections=case.sections,
        recipient=case.recipient,
        excluded_sections=case.excluded,
        withheld_parts=case.withheld,
    )


def may_see(case: Case, section: SectionIn) -> bool:
    """The rules in words (R-EX-5): never a section one was excluded from; a professional every other; a
    family member one whose audience names them; anyone else nothing."""
    if section.key in case.excluded:
        return False
    if case.recipient.role == PROFESSIONAL:
        return True
    if case.recipient.role == FAMILY:
        return (
            case.recipient.invitation_id is not None
            and case.recipient.invitation_id in section.family_audience
        )
    return False


def allowed_and_forbidden(case: Case) -> tuple[list[str], list[str]]:
    allowed = [s.text for s in case.sections if may_see(case, s)]
    forbidden = [s.text for s in case.sections if not may_see(case, s)]
    if case.recipient.role == PROFESSIONAL:
        allowed += [p.text for p in case.withheld]
    else:
        forbidden += [p.text for p in case.withheld]
    return allowed, forbidden


def expected_withheld(case: Case) -> bool:
    if case.recipient.role not in {PROFESSIONAL, FAMILY}:
        return True
    left_out = any(not may_see(case, s) for s in case.sections)
    return left_out or (case.recipient.role != PROFESSIONAL and bool(case.withheld))


@settings(max_examples=1000, deadline=None)
@given(cases)
def test_a_copy_holds_exactly_what_its_reader_may_see(case: Case) -> None:
    copy = copy_of(case)
    allowed, forbidden = allowed_and_forbidden(case)
    texts = [s.text for s in copy.sections] + [p.text for p in copy.report_parts]
    assert sorted(texts) == sorted(allowed)
    assert not set(texts) & set(forbidden)
    assert copy.parts_withheld == expected_withheld(case)
    # In agenda order.
    assert copy.keys == [key for key in SECTION_KEYS if key in copy.keys]


@settings(max_examples=300, deadline=None)
@given(cases, st.frozensets(st.sampled_from(SECTION_KEYS), min_size=1))
def test_adding_an_exclusion_never_lets_anyone_see_more(case: Case, more: frozenset[str]) -> None:
    """R-EX-5, monotonic: more exclusions, never more sections nor more report parts."""
    before = copy_of(case)
    after = copy_of(Case(case.sections, case.recipient, case.excluded | more, case.withheld))
    assert set(after.keys) <= set(before.keys)
    assert set(after.report_parts) <= set(before.report_parts)
    assert not set(after.keys) & more
    if before.parts_withheld:
        assert after.parts_withheld


@settings(max_examples=150, deadline=None)
@given(sections(), st.sampled_from(FAMILY_IDS), withheld_parts())
def test_deny_by_default_no_audience_means_no_family_member_reads_it(
    found: tuple[SectionIn, ...], invitation_id: str, withheld: tuple[ReportPart, ...]
) -> None:
    unnamed = tuple(SectionIn(key=s.key, text=s.text) for s in found)
    family = redact(
        sections=unnamed,
        recipient=Recipient(FAMILY, invitation_id),
        excluded_sections=(),
        withheld_parts=withheld,
    )
    assert family.sections == () and family.report_parts == ()
    assert family.parts_withheld == bool(found or withheld)
    unknown = redact(
        sections=found, recipient=Recipient("", invitation_id), excluded_sections=(), withheld_parts=withheld
    )
    assert unknown.sections == () and unknown.report_parts == () and unknown.parts_withheld


# Every channel: built from the copy, so it holds exactly what the copy holds.

CONFERENCE = Conference(public_id=uuid.UUID(int=7), conference_type=ConferenceType.INITIAL)
MINUTES = Minutes(conference=CONFERENCE)


def _check_channel(text: str, case: Case) -> None:
    allowed, forbidden = allowed_and_forbidden(case)
    for piece in allowed:
        assert piece in text, piece
    for piece in forbidden:
        assert piece not in text, piece
    copy = copy_of(case)
    # It says that parts were withheld when they were, and never when they were not.
    assert (WITHHELD_NOTICE in " ".join(text.split())) == copy.parts_withheld


@settings(max_examples=200, deadline=None)
@given(cases)
def test_the_page_holds_exactly_what_its_reader_may_see(case: Case) -> None:
    html = render.copy_fragment(Document.MINUTES, CONFERENCE, MINUTES, copy_of(case), [])
    _check_channel(html, case)


@settings(max_examples=200, deadline=None)
@given(cases)
def test_the_email_holds_exactly_what_its_reader_may_see(case: Case) -> None:
    body = render.document_email_body(
        Document.MINUTES, CONFERENCE, MINUTES, copy_of(case), [], "Sorrel Ashdown"
    )
    _check_channel(body, case)


@settings(max_examples=200, deadline=None)
@given(cases)
def test_the_api_json_holds_exactly_what_its_reader_may_see(case: Case) -> None:
    _check_channel(json.dumps(render.copy_json(copy_of(case))), case)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases)
def test_the_pdf_holds_exactly_what_its_reader_may_see(case: Case) -> None:
    pdf = render.document_pdf(Document.MINUTES, CONFERENCE, MINUTES, copy_of(case), [])
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    _check_channel(text, case)
    # OFFICIAL-SENSITIVE on every page (top and bottom margin boxes).
    for page in reader.pages:
        assert page.extract_text().count("OFFICIAL-SENSITIVE") >= 2
