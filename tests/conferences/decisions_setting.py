"""A held conference ready for its decisions (R-DE-1 to R-DE-6), built on the Ashdown family's setting
(tests/conferences/conftest.py): a chair, the social worker, the police officer and the health visitor
attended; the school sent apologies and its written report; the maternity service neither came nor sent
its report. Every name is invented.

``build_decisions`` takes the authority's policy profile, so that each rule (R-DE-3) can be tried, and
how many extra agencies attend (for the query counts at two sizes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from cpconf.conferences.agenda import SECTION_KEYS
from cpconf.conferences.models import (
    Attendance,
    AttendanceMode,
    Conference,
    ConferenceStatus,
    Invitation,
    Report,
)
from cpconf.conferences.selectors.decisions import view_sources
from cpconf.people.models import AgencyType, Child, Professional, Role
from tests import factories
from tests.conferences.conftest import Setting, build_setting

LONDON = ZoneInfo("Europe/London")
#: Half an hour after the Ashdown conference ended.
AFTER_CONFERENCE = datetime(2027, 4, 14, 12, 30, tzinfo=LONDON)


@dataclass
class Decisions:
    setting: Setting
    conference: Conference
    chair: Professional
    invitations: dict[str, Invitation]
    school_report: Report
    maternity_report: Report

    @property
    def wren(self) -> Child:
        return self.setting.children["wren"]

    @property
    def pip(self) -> Child:
        return self.setting.children["pip"]

    def source(self, name: str) -> str:
        """The view source key of an attending professional ("police_officer") or "school_report"."""
        if name == "school_report":
            return f"report:{self.school_report.public_id}"
        return f"invitation:{self.invitations[name].public_id}"

    def sources(self) -> list[str]:
        return [source.key for source in view_sources(self.conference)]


def build_decisions(*, policy_profile: str = "staffordshire", extra_agencies: int = 0) -> Decisions:
    setting = build_setting(policy_profile=policy_profile)
    authority = setting.authority
    chair = factories.ProfessionalFactory(
        agency=setting.agencies["social_care"],
        user__email=f"oriel.sandcombe@{policy_profile}.westmere.example",
        user__first_name="Oriel",
        user__last_name="Sandcombe",
        job_title="Independent conference chair",
        roles=[Role.CHAIR],
    )
    conference = setting.conference
    Conference.objects.filter(pk=conference.pk).update(status=ConferenceStatus.HELD, chair=chair)
    conference.refresh_from_db()
    invitations: dict[str, Invitation] = {}
    for name in ("social_worker", "police_officer", "health_visitor", "teacher", "midwife"):
        invitations[name] = factories.InvitationFactory(
            conference=conference, professional=setting.people[name]
        )
    for name in ("social_worker", "police_officer", "health_visitor"):
        _attend(invitations[name], AttendanceMode.IN_PERSON)
    _attend(invitations["teacher"], AttendanceMode.APOLOGIES)
    school_report = factories.ReportFactory(
        conference=conference, agency=setting.agencies["school"], received_at=AFTER_CONFERENCE.replace(day=9)
    )
    maternity_report = factories.ReportFactory(conference=conference, agency=setting.agencies["maternity"])
    for number in range(extra_agencies):
        agency = factories.AgencyFactory(
            authority=authority, name=f"Westmere Extra Service {number + 1}", agency_type=AgencyType.HEALTH
        )
        person = factories.ProfessionalFactory(agency=agency, roles=[Role.AGENCY_PROFESSIONAL])
        invitation = factories.InvitationFactory(conference=conference, professional=person)
        _attend(invitation, AttendanceMode.ONLINE)
        invitations[f"extra_{number + 1}"] = invitation
        factories.ReportFactory(
            conference=conference, agency=agency, received_at=AFTER_CONFERENCE.replace(day=9)
        )
    return Decisions(
        setting=setting,
        conference=conference,
        chair=chair,
        invitations=invitations,
        school_report=school_report,
        maternity_report=maternity_report,
    )


def _attend(invitation: Invitation, mode: str) -> None:
    Attendance.objects.create(
        invitation=invitation,
        mode=mode,
        sections=list(SECTION_KEYS) if mode in {AttendanceMode.IN_PERSON, AttendanceMode.ONLINE} else [],
        recorded_at=AFTER_CONFERENCE,
    )
