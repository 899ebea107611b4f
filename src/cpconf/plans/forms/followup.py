"""Forms for the plans' follow-up: core group meetings, visits, review outcomes and endings (R-PL-3 to
R-PL-7).

Each form checks what a person typed (a real date, a choice from the list); the services check everything
that needs the database or the clock, and their messages land on the same fields. A form about a row with
a ``version`` carries it, so that a form made before someone else's change is refused, not saved over it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django import forms

from cpconf.conferences.forms.exclusions import checkboxes, radios
from cpconf.conferences.models import Category
from cpconf.people.models import Professional
from cpconf.plans.models import ActionStatus, CoreGroupMember, EndingReason, PlanAction, ReviewOutcome
from cpconf.plans.services import core_groups, reviews, visits
from cpconf.web.forms import GovukDateField

YES_NO = [("yes", "Yes"), ("no", "No")]


def yes_no(
    label: str, *, message: str, hint: str = "", legend_classes: str = "govuk-fieldset__legend--s"
) -> forms.ChoiceField:
    return radios(
        label=label,
        legend_classes=legend_classes,
        choices=YES_NO,
        help_text=hint,
        error_messages={"required": message, "invalid_choice": message},
    )


def as_bool(value: str | None) -> bool | None:
    return None if value not in {"yes", "no"} else value == "yes"


def textarea(
    label: str, *, max_length: int, what: str, required: bool = False, hint: str = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": f"Enter {what}",
            "max_length": f"{what.capitalize()} must be {max_length} characters or fewer",
        },
    )


class VersionedForm(forms.Form):
    """A form about one row, carrying the version of the row it was made from."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def expected_version(self) -> int | None:
        value = self.cleaned_data.get("version")
        return int(value) if value is not None else None


class CoreGroupMeetingForm(forms.Form):
    """A core group meeting (R-PL-3): when, who chaired, who attended, what was decided, how each action is
    going, and the next meeting's date."""

    held_on = GovukDateField(label="Date of the meeting", what="the date of the meeting")
    chaired_by = forms.CharField(
        label="Who chaired the meeting",
        max_length=core_groups.CHAIR_MAX_LENGTH,
        error_messages={
            "required": "Enter the name of the person who chaired the meeting",
            "max_length": f"The chair's name must be {core_groups.CHAIR_MAX_LENGTH} characters or fewer",
        },
    )
    chaired_by_team_manager = yes_no(
        "Was the chair the team manager?",
        message="Select whether the team manager chaired the meeting",
        hint="The team manager chairs the first core group meeting.",
    )
    decisions = textarea(
        "What the core group decided",
        max_length=core_groups.TEXT_MAX_LENGTH,
        what="what the core group decided",
        required=True,
    )
    next_meeting_on = GovukDateField(
        label="Date of the next meeting (optional)",
        what="the date of the next meeting",
        required=False,
        help_text="The core group meets at least every 6 weeks. For example, 27 3 2027",
    )

    def __init__(
        self, *args: Any, members: Sequence[CoreGroupMember], actions: Sequence[PlanAction], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.members = list(members)
        self.actions = list(actions)
        for member in self.members:
            self.fields[f"attended_{member.public_id.hex}"] = yes_no(
                f"Did {member.name} attend?", message=f"Select whether {member.name} attended"
            )
        for action in self.actions:
            key = f"action_{action.public_id.hex}"
            field = radios(
                label=f"Action: {action.what} ({action.owner_name})",
                legend_classes="govuk-fieldset__legend--s",
                choices=ActionStatus.choices,
                initial=action.status,
                error_messages={
                    "required": "Select how the action is going",
                    "invalid_choice": "Select how the action is going",
                },
            )
            self.fields[key] = field
            self.fields[f"{key}_version"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=action.version, min_value=1
            )

    def attendance(self) -> dict[uuid.UUID, bool]:
        return {
            member.public_id: bool(as_bool(self.cleaned_data.get(f"attended_{member.public_id.hex}")))
            for member in self.members
        }

    def action_updates(self) -> list[core_groups.ActionUpdate]:
        updates = []
        for action in self.actions:
            key = f"action_{action.public_id.hex}"
            status = self.cleaned_data.get(key)
            if status and status != action.status:
                updates.append(
                    core_groups.ActionUpdate(
                        action.public_id, status, action.status_note, self.cleaned_data.get(f"{key}_version")
                    )
                )
        return updates


class RecordCirculatedForm(VersionedForm):
    circulated_on = GovukDateField(
        label="Date the record was circulated", what="the date the record was circulated"
    )


class VisitForm(forms.Form):
    """A visit (R-PL-4)."""

    visited_on = GovukDateField(label="Date of the visit", what="the date of the visit")
    visited_by = forms.ChoiceField(
        label="Who visited",
        error_messages={
            "required": "Select who visited the child",
            "invalid_choice": "Select who visited the child",
        },
    )
    seen_alone = yes_no("Was the child seen alone?", message="Select whether the child was seen alone")
    seen_with_family = yes_no(
        "Was the child seen with their family?", message="Select whether the child was seen with their family"
    )
    unannounced = yes_no("Was the visit unannounced?", message="Select whether the visit was unannounced")
    notes = textarea("Notes (optional)", max_length=visits.NOTES_MAX_LENGTH, what="the notes")

    def __init__(self, *args: Any, visitors: Sequence[Professional], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.visitors = {str(person.public_id): person for person in visitors}
        self.fields["visited_by"].choices = [("", "Choose who visited")] + [  # type: ignore[attr-defined]
            (key, f"{person.full_name}, {person.job_title}") for key, person in self.visitors.items()
        ]

    def visitor(self) -> Professional | None:
        return self.visitors.get(self.cleaned_data.get("visited_by") or "")


def _step_down_fields() -> dict[str, forms.Field]:
    return {
        "step_down": yes_no(
            "Will a child in need plan follow?",
            message="Select whether a child in need plan will follow",
            hint="Ending the plan need not end support. A child in need plan needs the family's agreement.",
        ),
        "step_down_needs": textarea(
            "If so, the needs the child in need plan will meet",
            max_length=reviews.TEXT_MAX_LENGTH,
            what="the needs the child in need plan will meet",
        ),
        "step_down_family_consent_on": GovukDateField(
            label="If so, the date the family agreed to it",
            what="the date the family agreed",
            required=False,
        ),
    }


class ReviewOutcomeForm(VersionedForm):
    """What the review decided for one child's plan (R-PL-5 to R-PL-7)."""

    outcome = radios(
        label="What did the conference decide for this plan?",
        legend_classes="govuk-fieldset__legend--m",
        choices=ReviewOutcome.choices,
        error_messages={
            "required": "Select what the conference decided for this plan",
            "invalid_choice": "Select what the conference decided for this plan",
        },
    )
    categories = checkboxes(
        label="If the category changes, the new category",
        legend_classes="govuk-fieldset__legend--s",
        choices=Category.choices,
        required=False,
        error_messages={"invalid_choice": "Choose categories from the list"},
    )
    ending_reason = radios(
        label="If the plan ends, why",
        legend_classes="govuk-fieldset__legend--s",
        choices=EndingReason.choices,
        required=False,
        error_messages={"invalid_choice": "Select why the plan is ending"},
    )
    child_left_household = forms.BooleanField(
        label="The child no longer lives in the household where the concerns arose",
        required=False,
        help_text="Tick this only if you have checked it.",
    )
    ending_details = textarea(
        "Details of the ending (optional)",
        max_length=reviews.TEXT_MAX_LENGTH,
        what="the details of the ending",
    )
    dissent = textarea(
        "Views that disagreed with the decision (optional)",
        max_length=reviews.TEXT_MAX_LENGTH,
        what="the dissenting views",
        hint="Every view that disagreed is recorded.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_step_down_fields())
        self.fields["step_down"].required = False


class EndOutsideReviewForm(VersionedForm):
    """An ending outside a review (R-PL-5): transfer out, the 18th birthday, death, leaving the UK."""

    ending_reason = radios(
        label="Why is the plan ending?",
        legend_classes="govuk-fieldset__legend--m",
        choices=[(reason.value, reason.label) for reason in reviews.OUTSIDE_REVIEW_REASONS],
        error_messages={
            "required": "Select why the plan is ending",
            "invalid_choice": "Select why the plan is ending",
        },
    )
    ended_on = GovukDateField(label="Date the plan ended", what="the date the plan ended")
    ending_details = textarea(
        "Details of the ending (optional)",
        max_length=reviews.TEXT_MAX_LENGTH,
        what="the details of the ending",
    )
    dissent = textarea(
        "Views that disagreed with ending the plan (optional)",
        max_length=reviews.TEXT_MAX_LENGTH,
        what="the dissenting views",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_step_down_fields())


class EndingApprovalForm(VersionedForm):
    """R-PL-6 (Medway): the senior manager's approval of an ending decided at a review."""

    approved_by = forms.CharField(
        label="Name of the person who approved the ending",
        max_length=reviews.APPROVER_MAX_LENGTH,
        error_messages={
            "required": "Enter the name of the person who approved the ending",
            "max_length": f"The name must be {reviews.APPROVER_MAX_LENGTH} characters or fewer",
        },
    )
    approved_on = GovukDateField(label="Date of the approval", what="the date of the approval")
