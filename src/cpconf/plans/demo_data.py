"""The demo's outcome of a conference: the Merriweather family after their initial conference.

Written through the services, like everything typed in, with dates counted from today so that the demo
always shows the same picture. The services check what they are asked against the clock (a conference is
booked for the future, held only once it has started), so each step is written as if on its own day
(``clock.as_if_at``):

- about 6 weeks ago, the strategy discussion and the Section 47 enquiry;
- about 3 and a half weeks ago, the initial conference: the social worker, the police officer, the health
  visitor, the school's safeguarding lead and the father attended; each agency gave its view; Saskia (8)
  became subject to a child protection plan under neglect, and Felix (4) to a child in need plan, with
  his father's consent;
- the plan, with its lead social worker, core group and three actions; Felix's child in need plan;
- the day after the conference, the social worker's first visit: the policy (Staffordshire's, a visit
  at least every 3 weeks) makes the next one overdue today;
- the minutes, every section written, the father named as a reader of all but the information shared
  without the family, approved by the chair and circulated with the decisions;
- about 10 days ago, the first core group meeting.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from cpconf import clock
from cpconf.conferences.agenda import SECTION_KEYS
from cpconf.conferences.models import AttendanceMode, Category, Conference, Recommendation, VenueKind
from cpconf.conferences.selectors.decisions import view_sources
from cpconf.conferences.services.attendance import attendance_record
from cpconf.conferences.services.decisions import agency_view_record, child_decision_record
from cpconf.conferences.services.invitations import invitations_add
from cpconf.conferences.services.scheduling import conference_mark_held, conference_schedule
from cpconf.enquiries.models import EnquiryOutcome, StrategyDiscussionOutcome
from cpconf.enquiries.services import enquiry_conclude, enquiry_start, strategy_discussion_record
from cpconf.minutes.models import Document
from cpconf.minutes.services import (
    circulate,
    minutes_approve,
    minutes_start,
    section_save,
    section_set_audience,
)
from cpconf.people.models import Agency, Authority, Household, Professional, User
from cpconf.plans.models import ChildProtectionPlan
from cpconf.plans.services.child_in_need import child_in_need_start
from cpconf.plans.services.core_groups import core_group_meeting_record, members_on
from cpconf.plans.services.plans import ActionInput, plan_make
from cpconf.plans.services.visits import visit_record

HOUSEHOLD = "the Merriweather household"
VENUE = "Conference Room 2, Northbridge Civic Centre, Market Square, Northbridge NB1 1AA"

# Every section of the minutes, in plain English (the father reads all but the first one shared without him).
MINUTES_TEXT = {
    "introductions": (
        "Everyone introduced themselves. The chair explained that the conference would decide whether Saskia "
        "and Felix need a plan to keep them safe, and that Mr Merriweather could ask questions at any time."
    ),
    "information-without-family": (
        "The police officer shared information about a neighbour's concerns that cannot be shared with the "
        "family while it is checked."
    ),
    "agency-reports": (
        "The school said Saskia has missed 14 days this term and often arrives without breakfast or a coat. "
        "The health visitor said Felix has missed two appointments, but is growing well. The social worker "
        "found the kitchen with little food and the children's beds without clean bedding."
    ),
    "family-views": (
        "Mr Merriweather said he has found things hard since he lost his job in the summer. He agreed the "
        "home needs to be better for the children and said he wants help with money and mornings."
    ),
    "child-views": (
        "Saskia told her social worker she likes school and her teacher, and that she worries when there is "
        "no food. Felix is too young to give his views; he was seen playing happily with his father."
    ),
    "analysis": (
        "We are worried that Saskia's and Felix's basic needs for food, warmth and school are not being met "
        "often enough. What is working well: the children love their father and he wants to change. What "
        "needs to change: regular food, clean bedding, and Saskia at school every day."
    ),
    "decision": (
        "Saskia is to be subject to a child protection plan under the category of neglect. Felix does not "
        "need a child protection plan; he will have a child in need plan, which his father agreed to."
    ),
    "plan": (
        "Thaddeus Ormsby is the lead social worker. The core group will help Mr Merriweather with a morning "
        "routine, money advice and food, and will check Saskia's attendance every week."
    ),
    "next-steps": (
        "The first core group meets within 10 working days. The review conference will be within 3 months."
    ),
}


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())


def _working_day_back(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _user(professional: Professional) -> User:
    if professional.user is None:  # pragma: no cover - every demo professional signs in
        raise AssertionError(f"{professional.full_name} has no sign-in.")
    return professional.user


def demo_outcomes_load(
    authority: Authority, professionals: dict[str, Professional], agencies: dict[str, Agency]
) -> Conference:
    """Create the Merriweather family's held initial conference and what followed it (called inside the
    demo's one transaction). Returns the conference."""
    today = clock.today()
    household = Household.objects.get(authority=authority, name=HOUSEHOLD)
    children = {child.given_name: child for child in household.children.all()}
    saskia, felix = children["Saskia"], children["Felix"]
    father = household.adults.get(given_name="Augustin")
    chair = professionals["Idris Fellowes"]
    minute_taker = professionals["Caspian Dunmore"]
    coordinator = _user(professionals["Ottoline Brackwater"])
    social_worker = professionals["Thaddeus Ormsby"]  # a qualified social worker (R-PL-2)
    invited = [
        social_worker,
        professionals["Sefton Harcastle"],  # police
        professionals["Jocasta Penhallow"],  # health visitor
        professionals["Primrose Talbothay"],  # Saskia's school
    ]
    core = [agencies["social_care"], agencies["police"], agencies["health_visiting"], agencies["primary"]]

    discussed_on = _working_day_back(today - timedelta(days=42))
    concluded_on = discussed_on + timedelta(days=7)
    held_on = _working_day_back(today - timedelta(days=25))

    # About 6 weeks ago: the strategy discussion, the enquiry and, a week later, its conclusion.
    with clock.as_if_at(_at(discussed_on, 16)):
        discussion = strategy_discussion_record(
            authority=authority,
            household=household,
            held_on=discussed_on,
            agencies_present=core,
            outcome=StrategyDiscussionOutcome.SECTION_47,
            outcome_notes="Saskia's school reported she has come in hungry and without a coat since October.",
            acting_user=None,
        )
        enquiry = enquiry_start(
            authority=authority,
            household=household,
            started_on=discussed_on,
            strategy_discussion=discussion,
            contributing_agencies=core,
            acting_user=None,
        )
    with clock.as_if_at(_at(concluded_on, 15)):
        conference = enquiry_conclude(
            enquiry=enquiry,
            outcome=EnquiryOutcome.CONFERENCE_NEEDED,
            reason="The enquiry found the children's basic needs were not being met.",
            concluded_on=concluded_on,
            acting_user=None,
        )
        if conference is None:  # pragma: no cover - "conference needed" always requests one
            raise AssertionError("The enquiry requested no conference.")
        conference = conference_schedule(
            conference=conference,
            starts_at=_at(held_on, 10),
            ends_at=_at(held_on, 12),
            venue_kind=VenueKind.IN_PERSON,
            venue_address=VENUE,
            chair=chair,
            minute_taker=minute_taker,
            acting_user=coordinator,
        )
        invitations = invitations_add(
            conference=conference, acting_user=coordinator, professionals=invited, family_members=[father]
        )
    father_invitation = next(i for i in invitations if i.family_member_id == father.pk)

    # The conference: held, attendance, each agency's view, and the decisions.
    with clock.as_if_at(_at(held_on, 11, 30)):
        conference = conference_mark_held(conference=conference, acting_user=_user(minute_taker))
        for invitation in invitations:
            family = invitation.pk == father_invitation.pk
            sections = [key for key in SECTION_KEYS if not (family and key == "information-without-family")]
            attendance_record(
                invitation=invitation,
                mode=AttendanceMode.IN_PERSON,
                sections=sections,
                acting_user=_user(minute_taker),
            )
        for source in view_sources(conference):
            for child, recommendation in (
                (saskia, Recommendation.PLAN),
                (felix, Recommendation.CHILD_IN_NEED),
            ):
                agency_view_record(
                    conference=conference,
                    child=child,
                    source=source.key,
                    recommendation=recommendation,
                    categories=[Category.NEGLECT] if recommendation == Recommendation.PLAN else [],
                    rationale=(
                        f"{source.agency.name}: Saskia's needs for food, warmth and school are not met often "
                        "enough."
                        if child == saskia
                        else f"{source.agency.name}: Felix is growing well; the family needs support."
                    ),
                    acting_user=_user(minute_taker),
                )
        saskia_decision = child_decision_record(
            conference=conference,
            child=saskia,
            suffered_significant_harm=True,
            likely_to_suffer_significant_harm=True,
            chair_view=Recommendation.PLAN,
            categories=[Category.NEGLECT],
            acting_user=_user(chair),
        )
        felix_decision = child_decision_record(
            conference=conference,
            child=felix,
            suffered_significant_harm=False,
            likely_to_suffer_significant_harm=False,
            chair_view=Recommendation.CHILD_IN_NEED,
            family_consents=True,
            acting_user=_user(chair),
        )

    # That afternoon: Saskia's plan, with its core group and actions, and Felix's child in need plan.
    with clock.as_if_at(_at(held_on, 15)):
        plan = plan_make(
            decision=saskia_decision,
            lead_professional=social_worker,
            members=[*invited, father],
            outcomes="Saskia has breakfast, clean clothes and a coat every day, and is at school on time.",
            contingency="If Saskia misses school again without a reason, the core group meets within a week.",
            actions=[
                ActionInput(
                    what="Make a morning routine with Mr Merriweather and check it works each week.",
                    owner=social_worker,
                    due_on=held_on + timedelta(days=14),
                ),
                ActionInput(
                    what="Tell the social worker by noon on any day Saskia is absent.",
                    owner=professionals["Primrose Talbothay"],
                    due_on=held_on + timedelta(days=7),
                ),
                ActionInput(
                    what="Book an appointment with the money advice service and go to it.",
                    owner=father,
                    due_on=held_on + timedelta(days=28),
                ),
            ],
            childs_wishes="Saskia wants to keep going to her school and to have breakfast at home.",
            parents_views="Mr Merriweather agrees with the plan and wants help with money and mornings.",
            acting_user=_user(chair),
        )
        child_in_need_start(
            decision=felix_decision,
            family_consent_on=held_on,
            lead_professional=social_worker,
            needs="Help for Felix's father with meals and routines; Felix's health visitor appointments kept.",
            acting_user=_user(chair),
        )
        # The decisions go to everyone invited the day they are made.
        minutes = minutes_start(conference=conference, acting_user=_user(minute_taker))
        circulate(minutes=minutes, document=Document.DECISIONS, acting_user=_user(minute_taker))

    # The next day: the social worker's first visit (the policy's next is due 3 weeks on: overdue now).
    with clock.as_if_at(_at(held_on + timedelta(days=1), 16)):
        visit_record(
            plan=plan,
            visited_on=held_on + timedelta(days=1),
            visited_by=social_worker,
            seen_alone=True,
            seen_with_family=True,
            unannounced=False,
            notes="Saskia showed me her room; there was food in the kitchen. Mr Merriweather has started the routine.",
            acting_user=_user(social_worker),
        )

    # The minutes: written, the father named as a reader of every section shared with him, approved, circulated.
    minutes_day = held_on + timedelta(days=3)
    while minutes_day.weekday() >= 5:
        minutes_day += timedelta(days=1)
    with clock.as_if_at(_at(minutes_day, 11)):
        for section in minutes.sections.order_by("pk"):
            section = section_save(
                minutes=minutes,
                key=section.key,
                text=MINUTES_TEXT[section.key],
                expected_version=section.version,
                acting_user=_user(minute_taker),
            )
            if section.key != "information-without-family":
                section_set_audience(
                    minutes=minutes,
                    key=section.key,
                    invitations=[father_invitation],
                    expected_version=section.version,
                    acting_user=_user(minute_taker),
                )
        minutes.refresh_from_db()
        minutes = minutes_approve(minutes=minutes, expected_version=minutes.version, acting_user=_user(chair))
        circulate(minutes=minutes, document=Document.MINUTES, acting_user=_user(minute_taker))

    # About 10 days ago: the first core group meeting, held in time (R-PL-3).
    plan = ChildProtectionPlan.objects.get(pk=plan.pk)
    core_group_on = _working_day_back(today - timedelta(days=10))
    if plan.first_core_group_due is not None:
        core_group_on = min(core_group_on, plan.first_core_group_due)
    with clock.as_if_at(_at(core_group_on, 15)):
        members = members_on(plan, core_group_on)
        core_group_meeting_record(
            plan=plan,
            held_on=core_group_on,
            chaired_by=professionals["Marisol Quenby"].full_name,
            chaired_by_team_manager=True,
            attendance={member.public_id: True for member in members},
            decisions="Saskia has been at school every day since the conference. The routine is working; keep it.",
            next_meeting_on=core_group_on + timedelta(days=35),
            acting_user=_user(social_worker),
        )
    return conference
