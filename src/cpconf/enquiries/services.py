"""Strategy discussions and Section 47 enquiries: every write, in a transaction, audited.

Concluding an enquiry with "conference needed" requests the initial conference with its due date from
the statutory clock (R-CT-1), covering every child of the household unless a child is left out with a
reason (R-CH-1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from cpconf import clock
from cpconf.access.log import audit_record, audit_snapshot
from cpconf.clock import date_in_words
from cpconf.conferences.models import Conference
from cpconf.enquiries.models import (
    EnquiryChild,
    EnquiryOutcome,
    Section47Enquiry,
    StrategyDiscussion,
    StrategyDiscussionOutcome,
)
from cpconf.people.models import Agency, Authority, Child, Household, User


def _not_in_future(day: date, field: str, what: str) -> None:
    if day > clock.today():
        raise ValidationError({field: f"The date {what} must be today or in the past."})


def _same_authority_agencies(authority: Authority, agencies: Iterable[Agency], field: str) -> list[Agency]:
    agencies = list(agencies)
    if any(agency.authority_id != authority.pk for agency in agencies):
        raise ValidationError({field: "Choose agencies of this authority only."})
    return agencies


def _household_of(authority: Authority, household: Household) -> Household:
    if household.authority_id != authority.pk:
        raise ValidationError({"household": "The household belongs to another authority."})
    return household


@transaction.atomic
def strategy_discussion_record(
    *,
    authority: Authority,
    household: Household,
    held_on: date,
    agencies_present: Iterable[Agency],
    outcome: str,
    outcome_notes: str = "",
    acting_user: User | None,
) -> StrategyDiscussion:
    """Record a strategy discussion about the children of a household."""
    _household_of(authority, household)
    _not_in_future(held_on, "held_on", "of the strategy discussion")
    agencies = _same_authority_agencies(authority, agencies_present, "agencies_present")
    if not agencies:
        raise ValidationError({"agencies_present": "Select the agencies that took part."})
    if outcome not in StrategyDiscussionOutcome.values:
        raise ValidationError({"outcome": "Select the outcome of the strategy discussion."})
    discussion = StrategyDiscussion(
        authority=authority,
        household=household,
        held_on=held_on,
        outcome=outcome,
        outcome_notes=outcome_notes.strip(),
        created_by=acting_user,
    )
    discussion.full_clean()
    discussion.save()
    discussion.agencies_present.set(agencies)
    audit_record(
        actor=acting_user, action="create", instance=discussion, before=None, after=audit_snapshot(discussion)
    )
    return discussion


@transaction.atomic
def enquiry_start(
    *,
    authority: Authority,
    household: Household,
    started_on: date,
    strategy_discussion: StrategyDiscussion | None = None,
    contributing_agencies: Iterable[Agency] = (),
    left_out: Mapping[Child, str] | None = None,
    acting_user: User | None,
) -> Section47Enquiry:
    """Start a Section 47 enquiry about the children of ``household``. Every child of the household is
    covered unless left out with a reason (R-CH-1): ``left_out`` maps a child to the reason."""
    _household_of(authority, household)
    _not_in_future(started_on, "started_on", "the enquiry started")
    if strategy_discussion is not None:
        if (
            strategy_discussion.authority_id != authority.pk
            or strategy_discussion.household_id != household.pk
        ):
            raise ValidationError(
                {"strategy_discussion": "The strategy discussion was about another household."}
            )
        if strategy_discussion.outcome != StrategyDiscussionOutcome.SECTION_47:
            raise ValidationError(
                {
                    "strategy_discussion": "The strategy discussion did not decide to start a Section 47 enquiry."
                }
            )
        if started_on < strategy_discussion.held_on:
            raise ValidationError(
                {
                    "started_on": "The enquiry cannot start before the strategy discussion on "
                    f"{date_in_words(strategy_discussion.held_on)}."
                }
            )
        if Section47Enquiry.objects.filter(strategy_discussion=strategy_discussion).exists():
            raise ValidationError(
                {"strategy_discussion": "An enquiry has already been started from this discussion."}
            )
    children = list(household.children.order_by("pk"))
    if not children:
        raise ValidationError({"household": "The household has no children recorded."})
    left_out = dict(left_out or {})
    strangers = [child for child in left_out if child not in children]
    if strangers:
        raise ValidationError({"children": f"{strangers[0].full_name} is not a child of this household."})
    for child, reason in left_out.items():
        if not reason.strip():
            raise ValidationError(
                {"children": f"Give the reason {child.full_name} is not included (R-CH-1)."}
            )
    if len(left_out) == len(children):
        raise ValidationError({"children": "The enquiry must include at least one child."})
    agencies = _same_authority_agencies(authority, contributing_agencies, "contributing_agencies")
    enquiry = Section47Enquiry(
        authority=authority,
        household=household,
        started_on=started_on,
        strategy_discussion=strategy_discussion,
        created_by=acting_user,
    )
    enquiry.full_clean()
    enquiry.save()
    enquiry.contributing_agencies.set(agencies)
    EnquiryChild.objects.bulk_create(
        EnquiryChild(
            enquiry=enquiry,
            child=child,
            included=child not in left_out,
            not_included_reason=left_out.get(child, "").strip(),
        )
        for child in children
    )
    after = audit_snapshot(enquiry)
    after["children_left_out"] = {str(child.public_id): reason.strip() for child, reason in left_out.items()}
    audit_record(actor=acting_user, action="create", instance=enquiry, before=None, after=after)
    return enquiry


@transaction.atomic
def enquiry_conclude(
    *,
    enquiry: Section47Enquiry,
    outcome: str,
    reason: str,
    concluded_on: date,
    acting_user: User | None,
) -> Conference | None:
    """Record the enquiry's outcome. "Conference needed" requests the initial conference (a pre-birth one
    when every child covered is unborn) with its due date from the clock (R-CT-1, R-CT-3), and returns it."""
    # Imported here: the conferences app imports this app's models.
    from cpconf.conferences.services.scheduling import conference_request_initial

    enquiry = Section47Enquiry.objects.select_for_update().get(pk=enquiry.pk)
    if enquiry.outcome != EnquiryOutcome.OPEN:
        raise ValidationError("This enquiry already has an outcome: it cannot be concluded twice.")
    if outcome not in {EnquiryOutcome.CONFERENCE_NEEDED, EnquiryOutcome.NO_CONFERENCE}:
        raise ValidationError({"outcome": "Select whether an initial conference is needed."})
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the outcome."})
    _not_in_future(concluded_on, "concluded_on", "of the outcome")
    if concluded_on < enquiry.started_on:
        raise ValidationError(
            {
                "concluded_on": f"The outcome cannot come before the enquiry started, on {date_in_words(enquiry.started_on)}."
            }
        )
    before = audit_snapshot(enquiry)
    enquiry.outcome = outcome
    enquiry.outcome_reason = reason.strip()
    enquiry.outcome_on = concluded_on
    enquiry.save(update_fields=["outcome", "outcome_reason", "outcome_on", "updated_at"])
    audit_record(
        actor=acting_user, action="change", instance=enquiry, before=before, after=audit_snapshot(enquiry)
    )
    if outcome == EnquiryOutcome.NO_CONFERENCE:
        return None
    return conference_request_initial(enquiry=enquiry, decided_on=concluded_on, acting_user=acting_user)
