"""Forms for strategy discussions and Section 47 enquiries."""

from __future__ import annotations

from typing import Any

from django import forms

from cpconf.enquiries.models import EnquiryOutcome, StrategyDiscussionOutcome
from cpconf.people.models import Agency, Child, Household
from cpconf.web.forms import GovukDateField


class AgencyChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Agency) -> str:
        return obj.name


class StrategyDiscussionForm(forms.Form):
    household = forms.ModelChoiceField(
        queryset=Household.objects.none(),
        label="Household",
        help_text="Every child in the household is considered (R-CH-1 of the guidance).",
        empty_label="Select a household",
        error_messages={
            "required": "Select the household",
            "invalid_choice": "Select a household from the list",
        },
        to_field_name="public_id",
    )
    held_on = GovukDateField(
        label="Date of the strategy discussion", what="the date of the strategy discussion"
    )
    agencies_present = AgencyChoiceField(
        queryset=Agency.objects.none(),
        label="Agencies that took part",
        widget=forms.CheckboxSelectMultiple,
        to_field_name="public_id",
        error_messages={"required": "Select the agencies that took part"},
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=StrategyDiscussionOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome of the strategy discussion"},
    )
    outcome_notes = forms.CharField(
        label="Reasons for the outcome",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args: Any, households: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households  # type: ignore[attr-defined]
        self.fields["agencies_present"].queryset = agencies  # type: ignore[attr-defined]


class EnquiryStartForm(forms.Form):
    """Starting a Section 47 enquiry: the date, the agencies contributing, and which children it covers.
    One checkbox and one reason per child of the household (R-CH-1: a child left out needs a reason)."""

    started_on = GovukDateField(label="Date the enquiry started", what="the date the enquiry started")
    contributing_agencies = AgencyChoiceField(
        queryset=Agency.objects.none(),
        label="Agencies contributing to the enquiry",
        help_text="Some authorities count only these agencies towards the conference's quorum.",
        widget=forms.CheckboxSelectMultiple,
        to_field_name="public_id",
        required=False,
    )

    def __init__(self, *args: Any, children: list[Child], agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.children = children
        self.fields["contributing_agencies"].queryset = agencies  # type: ignore[attr-defined]
        for child in children:
            self.fields[f"include_{child.public_id}"] = forms.BooleanField(
                label=f"Include {child.full_name}", required=False, initial=True
            )
            self.fields[f"reason_{child.public_id}"] = forms.CharField(
                label=f"If {child.full_name} is not included, why not",
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                max_length=2000,
            )

    def left_out(self) -> dict[Child, str]:
        return {
            child: self.cleaned_data.get(f"reason_{child.public_id}", "")
            for child in self.children
            if not self.cleaned_data.get(f"include_{child.public_id}")
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for child in self.children:
            if (
                not cleaned.get(f"include_{child.public_id}")
                and not cleaned.get(f"reason_{child.public_id}", "").strip()
            ):
                self.add_error(
                    f"reason_{child.public_id}", f"Give the reason {child.full_name} is not included"
                )
        return cleaned


class EnquiryOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Is an initial child protection conference needed?",
        choices=[
            (EnquiryOutcome.CONFERENCE_NEEDED, "Yes: the child is at continuing risk of significant harm"),
            (EnquiryOutcome.NO_CONFERENCE, "No"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether an initial conference is needed"},
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Give the reason for the outcome"},
    )
    concluded_on = GovukDateField(label="Date of the outcome", what="the date of the outcome")
