"""Whether a conference will be quorate (R-QU-1): the facts from the database, the answer from
``cpconf.conferences.quorum.assess``.

Three queries whatever the size of the conference (or of a work list's conferences, ``quorum_for_each``): the professionals' invitations with their agencies, the
reports (which have arrived), and the agencies that contributed to the Section 47 enquiry. The caller has
the conference already, from ``cpconf.access.gateways.conference_for``, which checked who may see it.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from cpconf import clock
from cpconf.conferences import deadlines
from cpconf.conferences.models import Conference, Invitation, InviteeRole, Report
from cpconf.conferences.quorum import (
    AgencyStanding,
    Expected,
    QuorumAssessment,
    assess,
    expected_from_reply,
    most_hopeful,
)
from cpconf.enquiries.models import Section47Enquiry
from cpconf.people.models import Agency

#: Said beside the answer for a conference with no enquiry (a review, a transfer-in): every agency counts.
NO_ENQUIRY_NOTE = (
    "This conference has no Section 47 enquiry recorded, so every agency counts, not only those that "
    "contributed to an enquiry."
)


def agency_standings(conference: Conference) -> list[AgencyStanding]:
    """Each agency invited to ``conference`` or that contributed to its enquiry, as the quorum sees it, in
    the order of their names."""
    return _standings_for([conference])[conference.pk]


def _standings_for(conferences: list[Conference]) -> dict[int, list[AgencyStanding]]:
    """``agency_standings`` for several conferences at once, in three queries."""
    ids = [conference.pk for conference in conferences]
    invitations = Invitation.objects.filter(
        conference_id__in=ids,
        role=InviteeRole.PROFESSIONAL,
        withdrawn_at__isnull=True,
        agency__isnull=False,
    ).select_related("agency")
    agencies: dict[int, dict[int, Agency]] = defaultdict(dict)
    replies: dict[tuple[int, int], list[Expected]] = defaultdict(list)
    for invitation in invitations:
        if invitation.agency is None:  # filtered out above; for the type checker
            continue
        agencies[invitation.conference_id][invitation.agency.pk] = invitation.agency
        replies[(invitation.conference_id, invitation.agency.pk)].append(
            expected_from_reply(invitation.reply)
        )
    received = set(
        Report.objects.filter(conference_id__in=ids, received_at__isnull=False).values_list(
            "conference_id", "agency_id"
        )
    )
    enquiry_ids = {conference.enquiry_id for conference in conferences if conference.enquiry_id is not None}
    by_enquiry: dict[int, list[Agency]] = defaultdict(list)
    through = Section47Enquiry.contributing_agencies.through
    for row in through.objects.filter(section47enquiry_id__in=enquiry_ids).select_related("agency"):
        by_enquiry[row.section47enquiry_id].append(row.agency)
    result: dict[int, list[AgencyStanding]] = {}
    for conference in conferences:
        invited = agencies[conference.pk]
        contributed: set[int] = set()
        for agency in by_enquiry.get(conference.enquiry_id or 0, []):
            invited.setdefault(agency.pk, agency)
            contributed.add(agency.pk)
        standings = [
            AgencyStanding(
                name=agency.name,
                agency_type=agency.agency_type,
                contributed_to_enquiry=agency.pk in contributed,
                expected=most_hopeful(replies.get((conference.pk, agency.pk), [])),
                report_received=(conference.pk, agency.pk) in received,
            )
            for agency in invited.values()
        ]
        result[conference.pk] = sorted(standings, key=lambda standing: standing.name)
    return result


def quorum_for_each(conferences: list[Conference]) -> dict[int, QuorumAssessment]:
    """``quorum_for`` for each of ``conferences`` (a work list's), in three queries whatever their number."""
    standings = _standings_for(conferences)
    return {conference.pk: _assess(conference, standings[conference.pk]) for conference in conferences}


def quorum_for(conference: Conference) -> QuorumAssessment:
    """Whether ``conference`` will be quorate under its authority's policy on its day (today, while it has
    no date), and why (R-QU-1)."""
    return _assess(conference, agency_standings(conference))


def _assess(conference: Conference, standings: list[AgencyStanding]) -> QuorumAssessment:
    policy = deadlines.policy_on(conference.authority, conference.starts_at or clock.today())
    rule = policy.quorum
    notes: tuple[str, ...] = ()
    if rule is not None and rule.contributed_to_enquiry and conference.enquiry_id is None:
        rule = dataclasses.replace(rule, contributed_to_enquiry=False)
        notes = (NO_ENQUIRY_NOTE,)
    assessment = assess(rule, standings, needed_by=policy.title)
    return dataclasses.replace(assessment, notes=notes + assessment.notes)
