"""The minutes' pages and API: each reader's own copy (R-AF-5, R-EX-5), the editor's bad input and stale
saves (issue 3, item 10), the chair's approval, the PDF, the late list, the access log, and constant query
counts."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from cpconf.access.models import AccessEntry
from cpconf.minutes import selectors, services
from cpconf.minutes.models import Minutes, MinutesSection
from tests import factories
from tests.minutes.conftest import TEXTS, Held, written_minutes


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def _url(held: Held, tail: str = "") -> str:
    return f"/conferences/{held.conference.public_id}/minutes/{tail}"


def _api(held: Held, tail: str = "") -> str:
    return f"/api/conferences/{held.conference.public_id}/minutes{tail}"


def test_the_minute_taker_starts_and_writes_a_section_with_its_audience(held: Held) -> None:
    client = held.client_for(held.minute_taker)
    response = client.post(_url(held, "start/"))
    assert response.status_code == 302 and response["Location"].endswith("/minutes/edit/")
    page = client.get(_url(held, "edit/"))
    assert page.status_code == 200
    assert "Tobin Ashdown" in page.content.decode()  # named as excluded from the first sections
    response = client.post(
        _url(held, "edit/"),
        {
            "section": "decision",
            "decision-text": "A child protection plan for each child.",
            "decision-audience": [str(held.mother.public_id)],
            "decision-version": "1",
        },
    )
    assert response.status_code == 302
    section = MinutesSection.objects.get(key="decision")
    assert section.text == "A child protection plan for each child."
    assert list(section.family_audience.all()) == [held.mother]


def test_a_stale_save_on_the_page_says_who_changed_the_section_and_saves_nothing(held: Held) -> None:
    minutes = services.minutes_start(conference=held.conference, acting_user=held.minute_taker.user)
    services.section_save(
        minutes=minutes, key="plan", text="Theirs.", expected_version=1, acting_user=held.chair.user
    )
    response = held.client_for(held.minute_taker).post(
        _url(held, "edit/"), {"section": "plan", "plan-text": "Mine.", "plan-version": "1"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Idris Vantage changed the section" in body
    assert "govuk-error-summary" in body
    assert MinutesSection.objects.get(key="plan").text == "Theirs."


def test_bad_input_on_the_editor_is_refused_per_field_never_a_500(held: Held) -> None:
    services.minutes_start(conference=held.conference, acting_user=held.minute_taker.user)
    client = held.client_for(held.minute_taker)
    for data in (
        {"section": "plan", "plan-text": "x", "plan-version": "abc"},
        {"section": "plan", "plan-text": "x" * 50_001, "plan-version": "1"},
        {"section": "plan", "plan-text": "x", "plan-version": "1", "plan-audience": ["not-an-id"]},
        {"section": "no-such-section", "plan-text": "x"},
    ):
        response = client.post(_url(held, "edit/"), data)
        assert response.status_code == 200, data
    assert MinutesSection.objects.get(key="plan").text == ""


def test_only_the_chair_approves_and_the_page_lists_what_is_missing(held: Held) -> None:
    services.minutes_start(conference=held.conference, acting_user=held.minute_taker.user)
    assert held.client_for(held.minute_taker).get(_url(held, "approve/")).status_code == 403
    page = held.client_for(held.chair).post(_url(held, "approve/"), {"confirm": "on", "version": "1"})
    assert page.status_code == 200
    assert "Still empty" in page.content.decode() and not Minutes.objects.get().is_approved


def test_an_excluded_parents_preview_lacks_the_sections_he_was_excluded_from(held: Held) -> None:
    """R-EX-5: "Preview Tobin's copy" holds neither excluded section, and says parts were withheld."""
    written_minutes(held)
    body = (
        held.client_for(held.minute_taker)
        .get(_url(held, f"copies/{held.father.public_id}/"))
        .content.decode()
    )
    assert TEXTS["decision"] in body
    assert TEXTS["agency-reports"] not in body and TEXTS["information-without-family"] not in body
    assert "Paragraph 4 about the neighbour" not in body  # R-PR-6
    assert "Some parts of these minutes are not included" in body


def test_an_invited_professional_reads_their_own_copy_by_page_api_and_pdf(held: Held) -> None:
    written_minutes(held)
    client = held.client_for(held.setting.people["health_visitor"])
    page = client.get(_url(held))
    assert page.status_code == 200 and TEXTS["agency-reports"] in page.content.decode()
    api = client.get(_api(held)).json()
    assert next(s["key"] for s in api["sections"]) == "introductions" and not api["parts_withheld"]
    assert api["section_versions"] == []  # not theirs to write
    pdf = client.get(_url(held, "minutes.pdf"))
    assert pdf.status_code == 200 and pdf["Content-Disposition"].startswith("attachment;")
    assert "no-store" in pdf["Cache-Control"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert TEXTS["decision"] in text and "OFFICIAL-SENSITIVE" in text
    # Reads are in the access log, one row per child (three children).
    assert AccessEntry.objects.filter(what="minutes", allowed=True).count() == 9


def test_a_professional_who_is_not_invited_reads_no_minutes(held: Held) -> None:
    """R-AF-5: the midwife may see Bramble's record through her allocation? She is not allocated or invited;
    the teacher is allocated to Wren only. Neither reads the minutes."""
    written_minutes(held)
    teacher = held.client_for(held.setting.people["teacher"])
    assert teacher.get(_url(held)).status_code == 404
    assert teacher.get(_api(held)).status_code == 404


def test_the_api_saves_a_section_and_answers_409_for_a_stale_version(held: Held) -> None:
    minutes = services.minutes_start(conference=held.conference, acting_user=held.minute_taker.user)
    client = held.client_for(held.minute_taker)
    ok = _post(client, _api(held, "/sections"), {"section": "plan", "text": "Plan.", "expected_version": 1})
    assert ok.status_code == 200
    versions = {row["key"]: row["version"] for row in ok.json()["section_versions"]}
    assert versions["plan"] == 2
    stale = _post(
        client, _api(held, "/sections"), {"section": "plan", "text": "Again.", "expected_version": 1}
    )
    assert stale.status_code == 409 and "Petra Quill" in stale.json()["detail"]
    bad = _post(client, _api(held, "/sections"), {"section": "nope", "text": "x", "expected_version": 1})
    assert bad.status_code == 422
    control = _post(
        client, _api(held, "/sections"), {"section": "plan", "text": "a\x00b", "expected_version": 2}
    )
    assert control.status_code == 422
    assert MinutesSection.objects.get(minutes=minutes, key="plan").text == "Plan."


def test_the_api_refuses_approval_with_sections_missing_and_approves_complete_minutes(held: Held) -> None:
    services.minutes_start(conference=held.conference, acting_user=held.minute_taker.user)
    chair = held.client_for(held.chair)
    refused = _post(chair, _api(held, "/approve"), {"expected_version": 1})
    assert refused.status_code == 422 and "Still empty" in str(refused.json())
    written_minutes(held)
    assert (
        _post(held.client_for(held.minute_taker), _api(held, "/approve"), {"expected_version": 1}).status_code
        == 403
    )
    approved = _post(chair, _api(held, "/approve"), {"expected_version": 1})
    assert approved.status_code == 200 and approved.json()["signed_by"] == "Idris Vantage"
    sent = _post(chair, _api(held, "/circulate"), {"document": "minutes"})
    assert sent.status_code == 200 and len(sent.json()) == 4


def test_late_circulation_is_listed_after_the_due_day(held: Held) -> None:
    """R-AF-1: the decisions were due by 15 April 2027 (1 working day), the minutes by 28 April."""
    services.minutes_start(conference=held.conference, acting_user=held.minute_taker.user)
    coordinator = held.client_for(held.setting.people["coordinator"])
    on_time = coordinator.get("/minutes/late/")
    assert on_time.status_code == 200 and held.conference.reference not in on_time.content.decode()
    with time_machine.travel(datetime(2027, 4, 16, 9, 0), tick=False):
        # A new sign-in: sessions end after a while without use.
        coordinator = held.client_for(held.setting.people["coordinator"])
        body = coordinator.get("/minutes/late/").content.decode()
        assert held.conference.reference in body and "Decisions and recommendations" in body
        assert "15 April 2027" in body
        assert held.client_for(held.setting.people["health_visitor"]).get("/minutes/late/").status_code == 403


def _another_late_conference(held: Held, number: int) -> None:
    conference = factories.ConferenceFactory(
        authority=held.conference.authority,
        children=[factories.ChildFactory(authority=held.conference.authority)],
        status="held",
        starts_at=held.conference.starts_at,
        ends_at=held.conference.ends_at,
    )
    services.minutes_start(conference=conference, acting_user=held.minute_taker.user)


@pytest.mark.parametrize("more", [0, 4])
def test_the_late_list_and_a_copy_take_a_constant_number_of_queries(
    held: Held, more: int, django_assert_num_queries: Any
) -> None:
    """Two queries for the late list whatever its length; the copies' inputs in five."""
    written_minutes(held)
    for number in range(more):
        _another_late_conference(held, number)
    user = held.setting.people["coordinator"].user
    assert user is not None
    with time_machine.travel(datetime(2027, 4, 16, 9, 0), tick=False):
        # The visibility check (the person, their roles) is cached on the user after the first call.
        selectors.late_circulations(user)
        with CaptureQueriesContext(connection) as queries:
            rows = selectors.late_circulations(user)
        assert len(rows) == 1 + more
        assert len(queries) == 2
    minutes = selectors.minutes_of(held.conference)
    assert minutes is not None
    with django_assert_num_queries(3):
        inputs = selectors.redaction_inputs(minutes)
        for invitation in selectors.recipients_of(held.conference):
            inputs.copy_for(invitation)


def test_the_chair_amends_a_section_on_the_page_and_editing_is_closed_after_approval(held: Held) -> None:
    """R-AF-2: after approval the editor shows no form; the amendment page takes the section, the new
    text and a reason; bad input is refused per field."""
    minutes = services.minutes_approve(
        minutes=written_minutes(held), expected_version=None, acting_user=held.chair.user
    )
    taker = held.client_for(held.minute_taker)
    closed = taker.post(_url(held, "edit/"), {"section": "plan", "plan-text": "Sneaky.", "plan-version": "2"})
    assert closed.status_code == 200 and "only be changed by an amendment" in closed.content.decode()
    chair = held.client_for(held.chair)
    version = MinutesSection.objects.get(minutes=minutes, key="plan").version
    page = chair.get(_url(held, "amend/?section=plan"))
    assert page.status_code == 200 and TEXTS["plan"] in page.content.decode()
    refused = chair.post(
        _url(held, "amend/"), {"section": "plan", "text": "New.", "reason": "", "version": version}
    )
    assert (
        refused.status_code == 200 and "Enter why the minutes are being amended" in refused.content.decode()
    )
    done = chair.post(
        _url(held, "amend/"), {"section": "plan", "text": "New.", "reason": "Wrong date.", "version": version}
    )
    assert done.status_code == 302
    assert MinutesSection.objects.get(minutes=minutes, key="plan").text == "New."


def test_the_amendment_page_says_when_the_window_closed(held: Held) -> None:
    services.minutes_approve(
        minutes=written_minutes(held), expected_version=None, acting_user=held.chair.user
    )
    with time_machine.travel(datetime(2027, 6, 1, 9, 0), tick=False):
        chair = held.client_for(held.chair)
        page = chair.get(_url(held, "amend/?section=plan")).content.decode()
        assert "Amendments could be made until 25 May 2027" in page
        refused = chair.post(
            _url(held, "amend/"), {"section": "plan", "text": "x", "reason": "y", "version": "2"}
        )
        assert refused.status_code == 200
        assert MinutesSection.objects.get(key="plan").text == TEXTS["plan"]


def test_the_circulation_page_shows_each_persons_way_and_what_they_receive(held: Held) -> None:
    written_minutes(held)
    body = held.client_for(held.minute_taker).get(_url(held, "circulation/")).content.decode()
    assert "Email with the document (secure address)" in body
    assert "Email asking them to sign in (no content)" in body
    assert "By post or by hand (printed copy)" in body
    assert "Preview Tobin Ashdown&rsquo;s copy" in body
    refused = held.client_for(held.minute_taker).post(_url(held, "circulation/"), {"document": "minutes"})
    assert refused.status_code == 200 and "approved" in refused.content.decode()
