"""Whether a conference will be quorate (R-QU-1): the facts from the database, the answer from
``cpconf.conferences.quorum.assess``.

Three queries whatever the size of the conference: the professionals' invitations with their agencies, the
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
from cpconf.people.models import Agency

#: Said beside the answer for a conference with no enquiry (a review, a transfer-in): every agency counts.
NO_ENQUIRY_NOTE = (
    "This conference has no Section 47 enquiry recorded, so every agency counts, not only those that "
    "contributed to an enquiry."
)


def agency_standings(conference: Conference) -> list[AgencyStanding]:
    """Each agency invited to ``conference`` or that contributed to its enquiry, as the quorum sees it, in
    the order of their names."""
    invitations = Invitation.objects.filter(
        conference=conference,
        role=InviteeRole.PROFESSIONAL,
        withdrawn_at__isnull=True,
        agency__isnull=False,
    ).select_related("agency")
    agencies: dict[int, Agency] = {}
    replies: dict[int, list[Expected]] = defaultdict(list)
    for invitation in invitations:
        if invitation.agency is None:  # filtered out above; for the type checker
            continue
        agencies[invitation.agency.pk] = invitation.agency
        replies[invitation.agency.pk].append(expected_from_reply(invitation.reply))
    received = set(
        Report.objects.filter(conference=conference, received_at__isnull=False).values_list(
            "agency_id", flat=True
        )
    )
    contributed: set[int] = set()
    if conference.enquiry_id is not None:
        for agency in Agency.objects.filter(section_47_enquiries=conference.enquiry_id):
            agencies.setdefault(agency.pk, agency)
            contributed.add(agency.pk)
    standings = [
        AgencyStanding(
            name=agency.name,
            agency_type=agency.agency_type,
            contributed_to_enquiry=agency.pk in contributed,
            expected=most_hopeful(replies.get(agency.pk, [])),
            report_received=agency.pk in received,
        )
        for agency in agencies.values()
    ]
    return sorted(standings, key=lambda standing: standing.name)


def quorum_for(conference: Conference) -> QuorumAssessment:
    """Whether ``conference`` will be quorate under its authority's policy on its day (today, while it has
    no date), and why (R-QU-1)."""
    policy = deadlines.policy_on(conference.authority, conference.starts_at or clock.today())
    rule = policy.quorum
    notes: tuple[str, ...] = ()
    if rule is not None and rule.contributed_to_enquiry and conference.enquiry_id is None:
        rule = dataclasses.replace(rule, contributed_to_enquiry=False)
        notes = (NO_ENQUIRY_NOTE,)
    assessment = assess(rule, agency_standings(conference), needed_by=policy.title)
    return dataclasses.replace(assessment, notes=notes + assessment.notes)
