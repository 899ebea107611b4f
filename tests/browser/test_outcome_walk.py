"""Issue 5's walk in a real browser, from the decision to the circulated minutes, on one family.

At the Ashdown children's initial conference (a Staffordshire-policy authority, held on 14 April 2027) the
chair records the agencies' views and a decision for each of two siblings: Wren a child protection plan
under neglect, Pip no plan (R-DE-1 to R-DE-4). The social worker makes Wren's plan (R-DE-5, R-PL-1,
R-PL-2) and the core group meets (R-PL-3). The minute taker writes the minutes section by section, the
chair approves and signs them, and they are circulated with the decisions (R-AF-1, R-AF-2): the father,
excluded from two sections, receives a copy without them, as a page and as a PDF marked
OFFICIAL-SENSITIVE on every page (R-EX-5). At the first review, ending Wren's plan under neglect is
refused (R-PL-6), and allowed once the chair records that she no longer lives in that household.
Zero WCAG 2.2 AA violations on every page, errors included.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from pytest_django.live_server_helper import LiveServer

from cpconf.conferences.agenda import AGENDA
from cpconf.conferences.models import (
    Conference,
    ConferenceStatus,
    ConferenceType,
)
from cpconf.minutes.models import Minutes, MinutesStatus
from cpconf.people.models import Professional, Role
from cpconf.plans.models import ChildProtectionPlan, CoreGroupMeeting, PlanStatus
from tests import factories
from tests.browser.conftest import assert_accessible, sign_in_as
from tests.browser.test_decisions import _answer, _record_view
from tests.conferences.decisions_setting import AFTER_CONFERENCE, Decisions, build_decisions
from tests.minutes.conftest import invite_parents_father_excluded
from tests.web.html import page_title

pytestmark = pytest.mark.browser

LONDON = ZoneInfo("Europe/London")
#: The first review, held three months after the initial conference (R-CT-2).
REVIEW_AT = datetime(2027, 7, 12, 10, 0, tzinfo=LONDON)

#: What the minute taker writes in each section: each text is unique, so that a copy shows which it holds.
TEXTS = {key: f"Minuted under {title.lower()}: note {number}." for number, (key, title) in enumerate(AGENDA)}
#: The father was excluded from these (R-EX-1); the family reads none of "information-without-family".
EXCLUDED = ("information-without-family", "agency-reports")


@pytest.fixture
def walk(transactional_db: None) -> Iterator[tuple[Decisions, Professional, time_machine.Coordinates]]:
    with time_machine.travel(AFTER_CONFERENCE, tick=True) as traveller:
        held = build_decisions()
        conference = held.conference
        setting = held.setting
        minute_taker = factories.ProfessionalFactory(
            agency=setting.agencies["social_care"],
            user__email="petra.quill@staffordshire.westmere.example",
            user__first_name="Petra",
            user__last_name="Quill",
            job_title="Minute taker",
            roles=[Role.MINUTE_TAKER],
        )
        Conference.objects.filter(pk=conference.pk).update(minute_taker=minute_taker)
        # R-PL-2: the social worker is registered, so may lead the plan.
        Professional.objects.filter(pk=setting.people["social_worker"].pk).update(
            qualified_social_worker=True
        )
        invite_parents_father_excluded(setting, held.chair, sections=EXCLUDED)
        yield held, minute_taker, traveller


def _as(page: Page, live_server: LiveServer, person: Professional) -> None:
    page.context.clear_cookies()
    assert person.user is not None
    sign_in_as(page, live_server, person.user)


def test_from_the_decisions_to_the_circulated_minutes_and_the_first_review(
    page: Page,
    live_server: LiveServer,
    walk: tuple[Decisions, Professional, time_machine.Coordinates],
) -> None:
    held, minute_taker, traveller = walk
    conference = held.conference
    base = f"{live_server.url}/conferences/{conference.public_id}"

    # 1. The chair: the agencies' views and each sibling's decision (R-DE).
    _as(page, live_server, held.chair)
    page.goto(f"{base}/decisions/")
    expect(page).to_have_title(page_title("Decisions"))
    assert_accessible(page)
    _record_view(page, "Wren Ashdown", "Caspar Holt, Westmere Police", "Child protection plan", "Neglect")
    _record_view(
        page, "Wren Ashdown", "Morwenna Tilly, Westmere Health Visiting", "Child protection plan", "Neglect"
    )
    page.get_by_role("button", name="Record the decision for Wren Ashdown").click()
    _answer(page, "Has the child suffered significant harm?", "Yes")
    _answer(page, "Is the child likely to suffer significant harm in future?", "Yes")
    _answer(page, "What is the chair's own view?", "Child protection plan")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator("main")).to_contain_text(
        "Wren Ashdown is to have a child protection plan, under the category of neglect."
    )
    _record_view(page, "Pip Ashdown", "Caspar Holt, Westmere Police", "No further action")
    _record_view(page, "Pip Ashdown", "Morwenna Tilly, Westmere Health Visiting", "No further action")
    page.get_by_role("button", name="Record the decision for Pip Ashdown").click()
    _answer(page, "Has the child suffered significant harm?", "No")
    _answer(page, "Is the child likely to suffer significant harm in future?", "No")
    _answer(page, "What is the chair's own view?", "No further action")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator("main")).to_contain_text("Pip Ashdown does not need a child protection plan")
    assert_accessible(page)

    # 2. The social worker makes Wren's plan from the conference's page (R-DE-5, R-PL-1, R-PL-2).
    _as(page, live_server, held.setting.people["social_worker"])
    page.goto(f"{base}/")
    assert_accessible(page)
    page.get_by_role("link", name="Make the child protection plan").click()
    expect(page).to_have_title(page_title("Make the child protection plan"))
    page.get_by_role("button", name="Make the plan").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the contingency plan")
    assert_accessible(page)
    page.get_by_label("Lead professional").select_option(
        label="Aldous Fenwright, Westmere Children's Social Care"
    )
    page.get_by_label("Morwenna Tilly, Health visitor, Westmere Health Visiting").check()
    page.get_by_label("Sorrel Ashdown (family)").check()
    page.get_by_label("What needs to change for the child to be safe").fill(
        "Wren has regular meals, clean clothes and goes to school every day."
    )
    page.get_by_label("Contingency plan").fill(
        "If nothing changes by the first review, legal advice is sought."
    )
    page.get_by_label("Action 1: what will be done").fill("Go to the parenting course at the family centre")
    page.get_by_label("Action 1: who will do it").select_option(label="Sorrel Ashdown (family)")
    page.locator('[name="action_1_due_on_0"]').fill("30")
    page.locator('[name="action_1_due_on_1"]').fill("6")
    page.locator('[name="action_1_due_on_2"]').fill("2027")
    page.get_by_role("button", name="Make the plan").click()
    expect(page).to_have_title(page_title("Child protection plan for Wren Ashdown"))
    assert_accessible(page)
    plan = ChildProtectionPlan.objects.get(child=held.wren)
    assert plan.categories == ["neglect"] and plan.status == PlanStatus.ACTIVE
    assert not ChildProtectionPlan.objects.filter(child=held.pip).exists()

    # 3. The core group meets (R-PL-3).
    page.goto(f"{live_server.url}/plans/{plan.public_id}/core-groups/")
    page.get_by_role("button", name="Record a core group meeting").click()
    today = AFTER_CONFERENCE.date()
    page.locator("#id_held_on_0").fill(str(today.day))
    page.locator("#id_held_on_1").fill(str(today.month))
    page.locator("#id_held_on_2").fill(str(today.year))
    page.get_by_label("Who chaired the meeting").fill("Aldous Fenwright")
    page.get_by_role("group", name="Was the chair the team manager?").get_by_label("No").check()
    for group in page.get_by_role("group", name="Did ").all():
        group.get_by_label("Yes").check()
    page.get_by_label("What the core group decided").fill("The school nurse sees Wren weekly.")
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "You recorded the core group meeting."
    )
    # R-PL-3: the team manager chairs the first; recorded with a warning, not refused.
    expect(page.get_by_role("region", name="Important")).to_be_visible()
    assert_accessible(page)
    assert CoreGroupMeeting.objects.filter(plan=plan).count() == 1

    # 4. The minute taker writes each section; the family may read all but one (R-EX-5: deny by default).
    _as(page, live_server, minute_taker)
    page.goto(f"{base}/")
    page.get_by_role("link", name="Minutes, decisions and their circulation").click()
    page.get_by_role("button", name="Start the minutes").click()
    expect(page).to_have_title(page_title("Write the minutes"))
    assert_accessible(page)
    for key, text in TEXTS.items():
        section = page.locator(f"#section-{key}")
        section.locator("textarea").fill(text)
        if key != "information-without-family":
            section.get_by_label("Sorrel Ashdown (parent or carer)").check()
        if key not in EXCLUDED:  # the father is not offered the sections he was excluded from
            section.get_by_label("Tobin Ashdown (parent or carer)").check()
        section.get_by_role("button", name="Save this section").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text("You saved")
    assert_accessible(page)

    # 5. The chair approves and signs them, and circulates the decisions and the minutes (R-AF-1, R-AF-2).
    _as(page, live_server, held.chair)
    page.goto(f"{base}/minutes/approve/")
    page.get_by_label("I have read the minutes, and I approve and sign them as the chair").check()
    page.get_by_role("button", name="Approve and sign").click()
    expect(page.locator("main")).to_contain_text("Approved and signed by Oriel Sandcombe, chair")
    assert Minutes.objects.get(conference=conference).status == MinutesStatus.APPROVED
    page.get_by_role("link", name="Circulate the minutes and decisions").click()
    assert_accessible(page)
    page.get_by_label("Decisions and recommendations").check()
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Decisions and recommendations"
    )
    page.get_by_label("Minutes", exact=True).check()
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Minutes: sent to")
    assert_accessible(page)

    # The excluded father's copy: without the sections he was excluded from, saying that parts are not
    # included but not what they are (R-EX-5); the same on the page and in the PDF.
    page.get_by_role("link", name="Preview Tobin Ashdown\u2019s copy").click()
    main = page.locator("main")
    for key, text in TEXTS.items():
        if key in EXCLUDED:
            expect(main).not_to_contain_text(text)
        else:
            expect(main).to_contain_text(text)
    expect(main).to_contain_text("Some parts of these minutes are not included in this copy.")
    assert_accessible(page)
    pdf_link = page.get_by_role("link", name="Download their copy as a PDF, to print")
    response = page.request.get(f"{live_server.url}{pdf_link.get_attribute('href')}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    pages = [sheet.extract_text() for sheet in reader.pages]
    assert pages and all("OFFICIAL-SENSITIVE" in text for text in pages)
    whole = " ".join(" ".join(text.split()) for text in pages)
    assert TEXTS["decision"] in whole
    assert not any(TEXTS[key] in whole for key in EXCLUDED)

    # 6. The first review, three months on (R-CT-2): ending under neglect is refused, then allowed once the
    # chair records that Wren no longer lives in that household (R-PL-6, Staffordshire).
    review = Conference.objects.get(previous=conference, conference_type=ConferenceType.REVIEW)
    traveller.move_to(REVIEW_AT + timedelta(hours=3))
    Conference.objects.filter(pk=review.pk).update(
        status=ConferenceStatus.HELD,
        starts_at=REVIEW_AT,
        ends_at=REVIEW_AT + timedelta(hours=2),
        chair=held.chair,
    )
    _as(page, live_server, held.chair)
    page.goto(f"{live_server.url}/conferences/{review.public_id}/")
    page.get_by_role("link", name="Plans reviewed at this conference").click()
    assert_accessible(page)
    page.get_by_role("link", name="Record the decision").click()
    page.get_by_label("End the plan").check()
    page.get_by_label("No longer likely to suffer significant harm").check()
    page.get_by_role("group", name="Will a child in need plan follow?").get_by_label("No").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("cannot end at its first review")
    assert_accessible(page)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    page.get_by_label("The child no longer lives in the household where the concerns arose").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("You recorded the decision")
    assert_accessible(page)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ENDED
