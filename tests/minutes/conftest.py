"""The Ashdown conference of tests/conferences (Westmere, Staffordshire policy), held on Wednesday 14 April
2027, with its chair, minute taker, invitations and an agreed exclusion, for the minutes tests. Every name
is invented; email domains are .example.

Invited: the health visitor (secure address, nhs.westmere.example), the police officer (not secure), the
mother Sorrel (her own address, not secure), the father Tobin (excluded, with the chair's agreement, from
"Information shared without the family present" and "Reports from agencies"). The police report's part about
a neighbour is withheld from the family (R-PR-6).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from cpconf.conferences.agenda import SECTION_KEYS
from cpconf.conferences.models import (
    ChairDecision,
    ConferenceStatus,
    Exclusion,
    Invitation,
    InviteeRole,
)
from cpconf.minutes import services
from cpconf.minutes.models import Minutes
from cpconf.people.models import Professional, Role
from tests import factories
from tests.conferences.conftest import Setting, _person, build_setting

# The morning after the conference.
AFTER = datetime(2027, 4, 15, 9, 0, tzinfo=UTC)


@dataclass
class Held:
    setting: Setting
    chair: Professional
    minute_taker: Professional
    health_visitor: Invitation
    police_officer: Invitation
    mother: Invitation
    father: Invitation

    @property
    def conference(self):  # type: ignore[no-untyped-def]
        return self.setting.conference

    def client_for(self, professional: Professional) -> Client:
        client = Client()
        assert professional.user is not None
        client.force_login(professional.user)
        return client


def invite_parents_father_excluded(
    setting: Setting,
    chair: Professional,
    sections: tuple[str, ...] = ("information-without-family", "agency-reports"),
) -> tuple[Invitation, Invitation]:
    """Invite the Ashdown children's mother and father to their conference; the chair agreed to exclude the
    father from ``sections`` (R-EX-1). Returns the two invitations."""
    conference = setting.conference
    people = setting.people
    mother = factories.InvitationFactory(
        conference=conference,
        role=InviteeRole.PARENT_OR_CARER,
        professional=None,
        agency=None,
        family_member=setting.family["mother"],
        name="Sorrel Ashdown",
        email="sorrel.ashdown@mail.example",
    )
    father = factories.InvitationFactory(
        conference=conference,
        role=InviteeRole.PARENT_OR_CARER,
        professional=None,
        agency=None,
        family_member=setting.family["father"],
        name="Tobin Ashdown",
        email="tobin.a@mail.example",
    )
    Exclusion.objects.create(
        conference=conference,
        invitation=father,
        requested_by=people["police_officer"],
        requested_at=datetime(2027, 4, 1, 9, 0, tzinfo=UTC),
        grounds=["criminal_investigation"],
        details="A live investigation into the father.",
        sections=list(sections),
        decision=ChairDecision.AGREED,
        decided_by=chair,
        decided_at=datetime(2027, 4, 2, 9, 0, tzinfo=UTC),
        decision_reason="Agreed: the investigation would be prejudiced.",
    )
    return mother, father


def build_held(policy_profile: str = "staffordshire") -> Held:
    setting = build_setting(policy_profile=policy_profile)
    social_care = setting.agencies["social_care"]
    chair = _person(
        social_care, "idris.vantage@westmere.example", "Idris", "Vantage", "Independent chair", [Role.CHAIR]
    )
    minute_taker = _person(
        social_care, "petra.quill@westmere.example", "Petra", "Quill", "Minute taker", [Role.MINUTE_TAKER]
    )
    conference = setting.conference
    conference.status = ConferenceStatus.HELD
    conference.chair = chair
    conference.minute_taker = minute_taker
    conference.save()
    people = setting.people
    health_visitor = factories.InvitationFactory(
        conference=conference, professional=people["health_visitor"], email=people["health_visitor"].email
    )
    police_officer = factories.InvitationFactory(
        conference=conference, professional=people["police_officer"], email=people["police_officer"].email
    )
    mother, father = invite_parents_father_excluded(setting, chair)
    factories.ReportFactory(
        conference=conference,
        agency=setting.agencies["police"],
        withhold_decision=ChairDecision.AGREED,
        withhold_parts="Paragraph 4 about the neighbour who called the police",
        withhold_reason="Third-party information.",
    )
    return Held(
        setting=setting,
        chair=chair,
        minute_taker=minute_taker,
        health_visitor=health_visitor,
        police_officer=police_officer,
        mother=mother,
        father=father,
    )


@pytest.fixture
def after_conference() -> Iterator[None]:
    with time_machine.travel(AFTER, tick=False):
        yield


@pytest.fixture
def held(db: None, after_conference: None) -> Held:
    return build_held()


#: Text for each section, unique words so that a test can tell which sections a copy holds.
TEXTS = {key: f"Section {key} says token{index}zq." for index, key in enumerate(SECTION_KEYS)}


def written_minutes(held: Held) -> Minutes:
    """The minutes started, every section written, the mother in the audience of all but two sections."""
    user = held.minute_taker.user
    minutes = services.minutes_start(conference=held.conference, acting_user=user)
    for key, text in TEXTS.items():
        section = services.section_save(
            minutes=minutes, key=key, text=text, expected_version=None, acting_user=user
        )
        if key not in {"information-without-family", "analysis"}:
            services.section_set_audience(
                minutes=minutes,
                key=key,
                invitations=[held.mother]
                + ([held.father] if key not in {"information-without-family", "agency-reports"} else []),
                expected_version=section.version,
                acting_user=user,
            )
    return Minutes.objects.get(pk=minutes.pk)
