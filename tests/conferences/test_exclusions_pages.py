"""The exclusion pages (R-EX-1 to R-EX-3): the list, asking, the chair's decision and telling the person.
Who may use each is in tests/access/test_permission_matrix.py; here, what they show, what they do with good
and bad input, and that their query counts do not grow with the conference."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any

import pytest
import time_machine
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from cpconf import clock
from cpconf.access.models import AccessEntry
from cpconf.conferences.models import (
    ChairDecision,
    Conference,
    ConferenceStatus,
    Exclusion,
    ExclusionGround,
    InviteeRole,
    ViewsRoute,
)
from cpconf.conferences.services.exclusions import exclusion_decide, exclusion_request
from tests import factories
from tests.access.conftest import World
from tests.conferences.conftest import Invited
from tests.web.html import page_title

pytestmark = pytest.mark.django_db


def text(html: str) -> str:
    """The page's words, without tags or repeated spaces."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" ,", ",").strip())


def list_url(conference: Conference) -> str:
    return f"/conferences/{conference.public_id}/exclusions/"


def request_url(conference: Conference) -> str:
    return f"/conferences/{conference.public_id}/exclusions/new/"


def decide_url(exclusion: Exclusion) -> str:
    return f"/conferences/{exclusion.conference.public_id}/exclusions/{exclusion.public_id}/decide/"


def told_url(exclusion: Exclusion) -> str:
    return f"/conferences/{exclusion.conference.public_id}/exclusions/{exclusion.public_id}/told/"


def _ask(world: World, invited: Invited, **changes: Any) -> Exclusion:
    arguments: dict[str, Any] = {
        "conference": invited.conference,
        "invitation": invited.father,
        "grounds": [ExclusionGround.MARAC],
        "details": "Police hold information from a risk assessment conference.",
        "sections": ["agency-reports"],
        "acting_user": world.user("social_worker"),
    }
    arguments.update(changes)
    return exclusion_request(**arguments)


def _error_summary(html: str) -> list[str]:
    summary = re.search(r'<div class="govuk-error-summary.*?</ul>', html, re.S)
    assert summary is not None, "no error summary"
    return [text(item) for item in re.findall(r"<a [^>]*>(.*?)</a>", summary.group(0), re.S)]


# Asking


def test_the_request_form_offers_only_people_who_can_be_excluded(world: World, invited: Invited) -> None:
    response = world.client_for("social_worker").get(request_url(invited.conference))
    html = response.content.decode()
    assert f"<title>{page_title('Ask for an exclusion')}</title>" in html
    words = text(html)
    assert "Morwen Fairbrass (parent or carer)" in words
    assert "Tobiah Penrose (parent or carer)" in words
    assert "Gwenna Trevose (supporter)" in words
    assert "Ysolde Marchbank" not in words  # an observer
    assert "Rufus Ashbury (" not in words  # a professional cannot be excluded
    # R-EX-1's grounds in plain words, MARAC written out; the agenda, and the whole conference.
    assert (
        "Information from a multi-agency risk assessment conference (a meeting about domestic abuse)" in words
    )
    assert "MARAC" not in html
    assert "Reports from agencies" in words and "The whole conference" in words
    assert 'data-behaviour="exclusive"' in html
    # The social worker may record a request the police officer made by phone.
    assert "Who is asking?" in words
    assert (
        "You (Lucan Marwood)" in words and "Rufus Ashbury, Northbridge Test Police Protection Unit" in words
    )
    # The notice period: this conference is ten days away.
    assert "Ask by " in words and "late" not in words.lower()


def test_a_social_worker_asks_and_is_sent_to_the_list(world: World, invited: Invited) -> None:
    client = world.client_for("social_worker")
    response = client.post(
        request_url(invited.conference),
        {
            "requested_by": str(world.professionals["social_worker"].public_id),
            "invitation": str(invited.father.public_id),
            "grounds": ["marac", "third_party"],
            "details": "Police hold information from a risk assessment conference.",
            "sections": ["agency-reports", "analysis"],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == list_url(invited.conference)
    exclusion = Exclusion.objects.get(invitation=invited.father)
    assert exclusion.requested_by == world.professionals["social_worker"]
    assert exclusion.grounds == ["third_party", "marac"]
    assert exclusion.sections == ["agency-reports", "analysis"]
    words = text(client.get(response["Location"]).content.decode())
    assert "Your request to exclude Tobiah Penrose was sent to the chair." in words


def test_the_whole_conference_means_every_section(world: World, invited: Invited) -> None:
    response = world.client_for("chair").post(
        request_url(invited.conference),
        {
            "requested_by": str(world.professionals["chair"].public_id),
            "invitation": str(invited.supporter.public_id),
            "grounds": ["disruption"],
            "details": "Arrived drunk to the last core group and threatened the health visitor.",
            "sections": ["plan", "whole-conference"],
        },
    )
    assert response.status_code == 302
    assert Exclusion.objects.get(invitation=invited.supporter).sections == [
        "introductions",
        "information-without-family",
        "agency-reports",
        "family-views",
        "child-views",
        "analysis",
        "decision",
        "plan",
        "next-steps",
    ]


def test_a_request_made_by_phone_is_recorded_for_the_invited_professional(
    world: World, invited: Invited
) -> None:
    response = world.client_for("social_worker").post(
        request_url(invited.conference),
        {
            "requested_by": str(world.professionals["police_officer"].public_id),
            "invitation": str(invited.father.public_id),
            "grounds": ["criminal_investigation"],
            "details": "A live investigation into the father.",
            "sections": ["agency-reports"],
        },
    )
    assert response.status_code == 302
    exclusion = Exclusion.objects.get(invitation=invited.father)
    assert exclusion.requested_by == world.professionals["police_officer"]
    assert exclusion.created_by == world.user("social_worker")
    words = text(world.client_for("chair").get(list_url(invited.conference)).content.decode())
    assert "Asked by phone; recorded by Lucan Marwood" in words


def test_an_invited_agency_professional_may_ask_for_themselves_only(world: World, invited: Invited) -> None:
    client = world.client_for("police_officer")
    html = client.get(request_url(invited.conference)).content.decode()
    assert "Who is asking?" not in text(html)
    response = client.post(
        request_url(invited.conference),
        {
            # A name slipped into the form is ignored: the field is not there for him.
            "requested_by": str(world.professionals["social_worker"].public_id),
            "invitation": str(invited.father.public_id),
            "grounds": ["criminal_investigation"],
            "details": "A live investigation into the father.",
            "sections": ["agency-reports"],
        },
    )
    assert response.status_code == 302
    assert (
        Exclusion.objects.get(invitation=invited.father).requested_by == world.professionals["police_officer"]
    )


def test_a_professional_who_is_not_invited_may_not_ask(world: World, invited: Invited) -> None:
    # The health visitor sees Elowen's conference through her allocation, but is not invited to it.
    client = world.client_for("health_visitor")
    assert client.get(list_url(invited.conference)).status_code == 200
    assert client.get(request_url(invited.conference)).status_code == 403
    response = client.post(request_url(invited.conference), {"invitation": str(invited.father.public_id)})
    assert response.status_code == 403
    assert not Exclusion.objects.filter(invitation=invited.father).exists()
    refused = AccessEntry.objects.filter(allowed=False, actor=world.user("health_visitor")).last()
    assert refused is not None and refused.reason == "Not allowed: access.request_exclusion."


def test_an_empty_request_shows_every_problem_in_the_error_summary(world: World, invited: Invited) -> None:
    response = world.client_for("social_worker").post(request_url(invited.conference), {"details": "  "})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<title>{page_title('Error: Ask for an exclusion')}</title>" in html
    assert _error_summary(html) == [
        "Select who is asking",
        "Select who should be excluded",
        "Select at least one reason for excluding them",
        "Enter what has happened and why they should be excluded",
        "Select the parts of the conference they should be excluded from, or the whole conference",
    ]
    # The summary links each message to its field's first box.
    assert 'href="#id_invitation_0"' in html and 'id="id_invitation_0"' in html
    assert 'href="#id_grounds_0"' in html and 'href="#id_sections_0"' in html
    assert Exclusion.objects.filter(conference=invited.conference).count() == 1  # the world's own


@pytest.mark.parametrize("who", ["observer", "police_officer", "corin"])
def test_someone_who_cannot_be_excluded_is_not_a_choice(world: World, invited: Invited, who: str) -> None:
    invitation = world.conferences["corin"].invitations.get() if who == "corin" else getattr(invited, who)
    response = world.client_for("social_worker").post(
        request_url(invited.conference),
        {
            "requested_by": str(world.professionals["social_worker"].public_id),
            "invitation": str(invitation.public_id),
            "grounds": ["disruption"],
            "details": "Threats.",
            "sections": ["plan"],
        },
    )
    assert response.status_code == 200
    assert _error_summary(response.content.decode()) == ["Select someone invited to this conference"]
    assert not Exclusion.objects.filter(invitation=invitation, conference=invited.conference).exists()


def test_unknown_grounds_and_sections_are_refused_by_the_form(world: World, invited: Invited) -> None:
    response = world.client_for("social_worker").post(
        request_url(invited.conference),
        {
            "requested_by": str(world.professionals["social_worker"].public_id),
            "invitation": str(invited.father.public_id),
            "grounds": ["shouting"],
            "details": "Threats.",
            "sections": ["the-car-park"],
        },
    )
    assert _error_summary(response.content.decode()) == [
        "Choose reasons from the list",
        "Choose parts of the agenda from the list",
    ]


def test_a_cancelled_conference_says_so_and_takes_no_request(world: World, invited: Invited) -> None:
    Conference.objects.filter(pk=invited.conference.pk).update(
        status=ConferenceStatus.CANCELLED, cancelled_reason="The family moved away."
    )
    client = world.client_for("social_worker")
    words = text(client.get(request_url(invited.conference)).content.decode())
    assert "This conference was cancelled, so nobody can be excluded from it." in words
    assert "Send to the chair" not in words
    client.post(
        request_url(invited.conference),
        {
            "requested_by": str(world.professionals["social_worker"].public_id),
            "invitation": str(invited.father.public_id),
            "grounds": ["disruption"],
            "details": "Threats.",
            "sections": ["plan"],
        },
    )
    assert not Exclusion.objects.filter(invitation=invited.father).exists()
    # The list no longer offers to ask.
    assert "Ask for an exclusion" not in text(client.get(list_url(invited.conference)).content.decode())


def test_a_late_request_is_sent_and_shown_as_late(world: World, invited: Invited) -> None:
    start = datetime(2026, 12, 10, 10, 0, tzinfo=UTC)
    Conference.objects.filter(pk=invited.conference.pk).update(
        starts_at=start, ends_at=start + timedelta(hours=2)
    )
    with time_machine.travel(datetime(2026, 12, 9, 9, 0, tzinfo=UTC), tick=False):
        client = world.client_for("social_worker")  # signed in on the day: sessions have a lifetime
        words = text(client.get(request_url(invited.conference)).content.decode())
        assert "Requests should have reached the chair by 8 December 2026." in words
        response = client.post(
            request_url(invited.conference),
            {
                "requested_by": str(world.professionals["social_worker"].public_id),
                "invitation": str(invited.father.public_id),
                "grounds": ["disruption"],
                "details": "Threats made yesterday.",
                "sections": ["plan"],
            },
        )
        assert response.status_code == 302
        words = text(client.get(response["Location"]).content.decode())
    assert "It was made after the notice period, so the chair will see it as late." in words
    exclusion = Exclusion.objects.get(invitation=invited.father)
    assert exclusion.requested_late
    chair_words = text(world.client_for("chair").get(decide_url(exclusion)).content.decode())
    assert "Late Asked after the notice period before the conference" in chair_words


def test_nobody_to_exclude_yet(world: World) -> None:
    conference = world.conferences["corin"]  # only an observer is invited
    words = text(world.client_for("social_worker").get(request_url(conference)).content.decode())
    assert "Nobody who can be excluded has been invited yet." in words


# The list


def test_the_list_shows_each_request_with_its_status_and_decision(world: World, invited: Invited) -> None:
    waiting = _ask(world, invited, invitation=invited.supporter, sections=["plan", "decision"])
    agreed = _ask(world, invited, grounds=[ExclusionGround.MARAC, ExclusionGround.CRIMINAL_INVESTIGATION])
    exclusion_decide(
        exclusion=agreed,
        decision=ChairDecision.AGREED,
        reason="Police information.",
        acting_user=world.user("chair"),
    )
    refused = _ask(world, invited, invitation=invited.mother, grounds=[ExclusionGround.DISRUPTION])
    exclusion_decide(
        exclusion=refused,
        decision=ChairDecision.REFUSED,
        reason="No sign of it.",
        acting_user=world.user("chair"),
    )
    response = world.client_for("health_visitor").get(list_url(invited.conference))
    html = response.content.decode()
    assert f"<title>{page_title('Exclusions')}</title>" in html
    words = text(html)
    assert "Gwenna Trevose (supporter) Status Waiting for the chair" in words
    assert "Parts of the conference The decision The plan and recommendations" in words
    assert "Tobiah Penrose (parent or carer) Status Agreed" in words
    assert "A live criminal investigation Information from a multi-agency risk assessment conference" in words
    assert "Decision Agreed by Idony Cargreave on " in words
    assert "The chair's reasons Police information." in words
    assert "Told Not recorded yet How their views reach the conference Not recorded yet" in words
    assert "Status Refused" in words and "No sign of it." in words
    assert "MARAC" not in html
    # The details are for the chair: not on the list.
    assert "risk assessment conference." not in words
    # The health visitor may only read it.
    for link in ("Ask for an exclusion", "Decide on this request", "was told"):
        assert link not in words
    assert waiting.decision == ChairDecision.PENDING


def test_the_chair_sees_what_is_theirs_to_do(world: World, invited: Invited) -> None:
    agreed = _ask(world, invited)
    exclusion_decide(
        exclusion=agreed,
        decision=ChairDecision.AGREED,
        reason="Police information.",
        acting_user=world.user("chair"),
    )
    html = world.client_for("chair").get(list_url(invited.conference)).content.decode()
    world_request = invited.mother.exclusions.get()
    assert f'href="{decide_url(world_request)}"' in html
    assert f'href="{decide_url(agreed)}"' not in html
    assert f'href="{told_url(agreed)}"' in html
    assert f'href="{request_url(invited.conference)}"' in html


# Deciding


def test_the_chair_reads_the_request_and_agrees_to_part_of_it(world: World, invited: Invited) -> None:
    exclusion = _ask(world, invited, sections=["agency-reports", "analysis"])
    client = world.client_for("chair")
    html = client.get(decide_url(exclusion)).content.decode()
    assert f"<title>{page_title('Decide on a request for exclusion')}</title>" in html
    words = text(html)
    assert "Who Tobiah Penrose (parent or carer)" in words
    assert "Asked by Lucan Marwood, Northbridge Test Children's Social Care" in words
    assert "What has happened Police hold information from a risk assessment conference." in words
    response = client.post(
        decide_url(exclusion),
        {"decision": "agreed", "sections": ["analysis"], "reason": "Police information."},
    )
    assert response.status_code == 302
    assert response["Location"] == told_url(exclusion)
    exclusion.refresh_from_db()
    assert (exclusion.decision, exclusion.sections) == (ChairDecision.AGREED, ["analysis"])
    assert exclusion.decided_by == world.professionals["chair"]


def test_the_chair_refuses(world: World, invited: Invited) -> None:
    exclusion = _ask(world, invited)
    response = world.client_for("chair").post(
        decide_url(exclusion), {"decision": "refused", "reason": "Not needed: the police can share it."}
    )
    assert response["Location"] == list_url(invited.conference)
    exclusion.refresh_from_db()
    assert exclusion.decision == ChairDecision.REFUSED


def test_a_decision_without_reasons_or_answer_is_explained(world: World, invited: Invited) -> None:
    exclusion = _ask(world, invited)
    client = world.client_for("chair")
    assert _error_summary(client.post(decide_url(exclusion), {"reason": " "}).content.decode()) == [
        "Select whether you agree to the exclusion",
        "Enter the reasons for your decision",
    ]
    assert _error_summary(
        client.post(decide_url(exclusion), {"decision": "agreed", "reason": "Yes."}).content.decode()
    ) == ["Select at least one part of the conference, or refuse the exclusion"]
    # A section that was not asked for is not a choice.
    assert _error_summary(
        client.post(
            decide_url(exclusion), {"decision": "agreed", "sections": ["decision"], "reason": "Yes."}
        ).content.decode()
    ) == ["Choose from the parts that were asked for"]
    exclusion.refresh_from_db()
    assert exclusion.decision == ChairDecision.PENDING


def test_deciding_twice_is_refused_with_a_clear_message(world: World, invited: Invited) -> None:
    exclusion = _ask(world, invited)
    client = world.client_for("chair")
    client.post(
        decide_url(exclusion), {"decision": "agreed", "sections": ["agency-reports"], "reason": "Yes."}
    )
    words = text(client.get(decide_url(exclusion)).content.decode())
    assert "This request has already been decided: agreed by Idony Cargreave on " in words
    assert "Save decision" not in words
    response = client.post(decide_url(exclusion), {"decision": "refused", "reason": "Changed my mind."})
    assert response.status_code == 200
    [message] = _error_summary(response.content.decode())
    assert message.startswith("This request has already been decided: agreed by Idony Cargreave")
    exclusion.refresh_from_db()
    assert exclusion.decision == ChairDecision.AGREED


def test_another_conferences_request_is_not_found_through_this_one(world: World, invited: Invited) -> None:
    corin_request = world.conferences["corin"].exclusions.get()
    url = f"/conferences/{invited.conference.public_id}/exclusions/{corin_request.public_id}/decide/"
    assert world.client_for("chair").get(url).status_code == 404
    url = f"/conferences/{invited.conference.public_id}/exclusions/{corin_request.public_id}/told/"
    assert world.client_for("chair").get(url).status_code == 404


def test_only_the_named_chair_decides_once_one_is_named(world: World, invited: Invited) -> None:
    other_chair = factories.ProfessionalFactory(agency=world.professionals["chair"].agency, roles=["chair"])
    Conference.objects.filter(pk=invited.conference.pk).update(chair=other_chair)
    exclusion = _ask(world, invited)
    assert world.client_for("chair").get(decide_url(exclusion)).status_code == 403
    client = Client()
    client.force_login(other_chair.user)
    assert client.get(decide_url(exclusion)).status_code == 200


# Telling the person


def test_recording_that_the_person_was_told(world: World, invited: Invited) -> None:
    exclusion = _ask(world, invited)
    exclusion_decide(
        exclusion=exclusion,
        decision=ChairDecision.AGREED,
        reason="Police information.",
        acting_user=world.user("chair"),
    )
    client = world.client_for("social_worker")
    html = client.get(told_url(exclusion)).content.decode()
    assert f"<title>{page_title('Record that they were told')}</title>" in html
    today = clock.today()
    response = client.post(
        told_url(exclusion),
        {
            "told_on_0": str(today.day),
            "told_on_1": str(today.month),
            "told_on_2": str(today.year),
            "told_how": "By phone by the social worker",
            "views_route": ViewsRoute.WRITTEN,
            "views_details": "He will write to the chair before the conference.",
        },
    )
    assert response.status_code == 302
    words = text(client.get(list_url(invited.conference)).content.decode())
    assert f"Told {today.day} {today:%B %Y}: By phone by the social worker" in words
    assert "How their views reach the conference In writing He will write to the chair" in words
    # The form shows what was recorded, to correct it.
    html = client.get(told_url(exclusion)).content.decode()
    assert f'name="told_on_0" type="text" inputmode="numeric" value="{today.day}"' in html


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Enter the date they were told."),
        ("12", "", "2026", "The date they were told must include a month."),
        ("", "", "2026", "The date they were told must include a day and a month."),
        ("31", "2", "2026", "The date they were told must be a real date."),
        ("1", "1", "26", "The date they were told must be a real date, for example 27 3 2027."),
        ("tw", "1", "2026", "The date they were told must be a real date, for example 27 3 2027."),
        ("9" * 20, "1", "2026", "The date they were told must be a real date."),
        ("1", "1", "2099", "The date they were told must be today or in the past"),
    ],
)
def test_a_wrong_date_told_is_explained(
    world: World, invited: Invited, day: str, month: str, year: str, message: str
) -> None:
    exclusion = _ask(world, invited)
    exclusion_decide(
        exclusion=exclusion,
        decision=ChairDecision.AGREED,
        reason="Police information.",
        acting_user=world.user("chair"),
    )
    response = world.client_for("social_worker").post(
        told_url(exclusion),
        {
            "told_on_0": day,
            "told_on_1": month,
            "told_on_2": year,
            "told_how": "In person",
            "views_route": ViewsRoute.ADVOCATE,
            "views_details": "His advocate.",
        },
    )
    html = response.content.decode()
    assert _error_summary(html) == [message]
    assert 'href="#id_told_on_0"' in html
    assert 'id="id_told_on_0-error"' in html
    exclusion.refresh_from_db()
    assert exclusion.told_on is None


def test_there_is_nothing_to_record_before_the_chair_agrees(world: World, invited: Invited) -> None:
    exclusion = _ask(world, invited)
    client = world.client_for("social_worker")
    words = text(client.get(told_url(exclusion)).content.decode())
    assert "The chair has not decided on this request yet." in words
    client.post(
        told_url(exclusion),
        {
            "told_on_0": "1",
            "told_on_1": "1",
            "told_on_2": "2026",
            "told_how": "x",
            "views_route": "written",
            "views_details": "x",
        },
    )
    exclusion.refresh_from_db()
    assert exclusion.told_on is None


# Query counts


def _grow(world: World, invited: Invited, extra: int) -> None:
    """``extra`` more family invitees, each with a request: agreed, refused or waiting, one told."""
    for number in range(extra):
        invitation = factories.InvitationFactory(
            conference=invited.conference,
            role=InviteeRole.PARENT_OR_CARER,
            professional=None,
            agency=None,
            name=f"Relative {number} Ormerod",
            email="",
        )
        requester = world.user("social_worker")
        exclusion = _ask(world, invited, invitation=invitation, acting_user=requester)
        if number % 3:
            exclusion_decide(
                exclusion=exclusion,
                decision=ChairDecision.AGREED if number % 3 == 1 else ChairDecision.REFUSED,
                reason="Reasons.",
                acting_user=world.user("chair"),
            )
        # A professional asked by phone, recorded by the chair.
        colleague = factories.ProfessionalFactory(agency=world.professionals["police_officer"].agency)
        factories.InvitationFactory(conference=invited.conference, professional=colleague)


@pytest.mark.parametrize("extra", [0, 10], ids=["2 invitees", "12 invitees"])
@pytest.mark.parametrize("persona", ["chair", "health_visitor"])
def test_the_list_needs_the_same_queries_however_many_requests(
    world: World,
    invited: Invited,
    django_assert_num_queries: DjangoAssertNumQueries,
    extra: int,
    persona: str,
) -> None:
    # Two invitees of a family role (the mother and father), then twelve.
    for invitation in (invited.supporter, invited.observer):
        invitation.delete()
    _grow(world, invited, extra)
    client = world.client_for(persona)
    client.get(list_url(invited.conference))  # warm up: the session's start and the log's chain
    # The session and user; the professional and roles; the conference, and the rules' question whether
    # they may see it; its children and one access-log row (savepoint, chain head, row, head, release); the
    # children for the heading; the requests; the authority's closure days (the notice period). Then the
    # page's links ask the rules three more things (may they ask, decide, record the telling); each that
    # the person's roles do not settle asks again whether they may see the conference (the chair: three;
    # the health visitor: one, and whether she is invited). The health visitor, not social care staff,
    # also needs whether she sees any of its children through an emergency access (a read through one is
    # marked as such).
    expected = {"chair": 18, "health_visitor": 18}[persona]
    with django_assert_num_queries(expected):
        response = client.get(list_url(invited.conference))
    assert response.status_code == 200


@pytest.mark.parametrize("extra", [0, 10], ids=["2 invitees", "12 invitees"])
def test_the_request_form_needs_the_same_queries_however_many_invitees(
    world: World, invited: Invited, django_assert_num_queries: DjangoAssertNumQueries, extra: int
) -> None:
    for invitation in (invited.supporter, invited.observer):
        invitation.delete()
    _grow(world, invited, extra)
    client = world.client_for("social_worker")
    client.get(request_url(invited.conference))
    # As the list, but the family invitees and the professionals invited instead of the requests, and one
    # question to the rules (may they ask) instead of three.
    with django_assert_num_queries(17):
        response = client.get(request_url(invited.conference))
    assert response.status_code == 200
