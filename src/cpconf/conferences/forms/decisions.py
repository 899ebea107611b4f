"""Forms for each child's decision (R-DE-1 to R-DE-6): an agency's view, and the decision.

The forms check what a person chose; ``cpconf.conferences.services.decisions`` checks the rest (and
everything again), and its messages land on the same fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms

from cpconf.conferences.forms.exclusions import checkboxes, radios
from cpconf.conferences.models import Category, Recommendation
from cpconf.conferences.selectors.decisions import ViewSource
from cpconf.conferences.services.decisions import RATIONALE_MAX_LENGTH, TEXT_MAX_LENGTH

YES, NO = "yes", "no"
YES_NO = [(YES, "Yes"), (NO, "No")]
RECOMMENDATION_HINTS = {
    Recommendation.PLAN.value: "The child is likely to suffer significant harm",
    Recommendation.CHILD_IN_NEED.value: "No plan, but the family is offered support, with their consent",
    Recommendation.NO_FURTHER_ACTION.value: "No plan and no further support from children's social care",
}


def _category_field(single: bool, *, label: str, help_text: str) -> forms.Field:
    if single:
        return radios(
            label=label,
            legend_classes="govuk-fieldset__legend--s",
            help_text=help_text + " This authority records one category: the main concern.",
            choices=Category.choices,
            required=False,
            error_messages={"invalid_choice": "Choose a category from the list"},
        )
    return checkboxes(
        label=label,
        legend_classes="govuk-fieldset__legend--s",
        help_text=help_text + " Select all that apply.",
        choices=Category.choices,
        required=False,
        error_messages={"invalid_choice": "Choose categories from the list"},
    )


def _categories(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


def _yes_no(value: str | None) -> bool | None:
    return {YES: True, NO: False}.get(value or "")


class AgencyViewForm(forms.Form):
    """Who gave the view, what the agency recommends, the category, and its reasons (R-DE-2)."""

    source = radios(
        label="Whose view is it?",
        legend_classes="govuk-fieldset__legend--m",
        help_text="Someone who attended for their agency, or the written report of an agency nobody attended for.",
        error_messages={
            "required": "Select whose view it is",
            "invalid_choice": "Select someone who attended, or an agency's written report",
        },
    )
    recommendation = radios(
        label="What does the agency recommend?",
        legend_classes="govuk-fieldset__legend--m",
        choices=Recommendation.choices,
        choice_hints=RECOMMENDATION_HINTS,
        error_messages={
            "required": "Select what the agency recommends",
            "invalid_choice": "Select what the agency recommends",
        },
    )
    rationale = forms.CharField(
        label="The agency's reasons",
        help_text="What the agency said, in its own words where you can.",
        max_length=RATIONALE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Enter the agency's reasons for its recommendation",
            "max_length": f"The reasons must be {RATIONALE_MAX_LENGTH} characters or fewer",
        },
    )

    def __init__(self, *args: Any, sources: Sequence[ViewSource], single: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["source"]).choices = [
            (source.key, source.label) for source in sources
        ]
        self.fields["categories"] = _category_field(
            single,
            label="If it recommends a child protection plan, under which category?",
            help_text="Only for a child protection plan.",
        )
        # The category question after the recommendation, before the reasons.
        self.order_fields(["source", "recommendation", "categories", "rationale"])

    def clean_categories(self) -> list[str]:
        return _categories(self.cleaned_data.get("categories"))

    def clean_rationale(self) -> str:
        rationale: str = self.cleaned_data["rationale"].strip()
        if not rationale:
            raise forms.ValidationError("Enter the agency's reasons for its recommendation")
        return rationale


class ChildDecisionForm(forms.Form):
    """The two-limbed test (R-DE-1), the chair's view, the category, what is recorded with the decision."""

    suffered_significant_harm = radios(
        label="Has the child suffered significant harm?",
        legend_classes="govuk-fieldset__legend--m",
        choices=YES_NO,
        error_messages={
            "required": "Select whether the child has suffered significant harm",
            "invalid_choice": "Select whether the child has suffered significant harm",
        },
    )
    likely_to_suffer_significant_harm = radios(
        label="Is the child likely to suffer significant harm in future?",
        legend_classes="govuk-fieldset__legend--m",
        choices=YES_NO,
        error_messages={
            "required": "Select whether the child is likely to suffer significant harm in future",
            "invalid_choice": "Select whether the child is likely to suffer significant harm in future",
        },
    )
    chair_view = radios(
        label="What is the chair's own view?",
        legend_classes="govuk-fieldset__legend--m",
        choices=Recommendation.choices,
        choice_hints=RECOMMENDATION_HINTS,
        error_messages={
            "required": "Select the chair's own view",
            "invalid_choice": "Select the chair's own view",
        },
    )
    chair_disagreement = forms.CharField(
        label="If the chair disagrees with the agencies' majority, the chair's reasons",
        help_text="Where the agencies' majority decides, it stands and the chair's disagreement is recorded.",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"The chair's reasons must be {TEXT_MAX_LENGTH} characters or fewer"},
    )
    dissent = forms.CharField(
        label="Dissenting views to record (optional)",
        help_text="Each agency that disagreed with the decision is recorded with its view. Add anything more "
        "that was said.",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"Dissenting views must be {TEXT_MAX_LENGTH} characters or fewer"},
    )
    family_consents = radios(
        label="If the decision is a child in need plan, does the family consent to it?",
        legend_classes="govuk-fieldset__legend--s",
        help_text="A child in need plan needs the family's consent.",
        choices=YES_NO,
        required=False,
        error_messages={"invalid_choice": "Select whether the family consents to a child in need plan"},
    )
    compensation_considered = radios(
        label="If there is a plan, was criminal injuries compensation considered?",
        legend_classes="govuk-fieldset__legend--s",
        choices=YES_NO,
        required=False,
        error_messages={"invalid_choice": "Select whether criminal injuries compensation was considered"},
    )

    def __init__(self, *args: Any, single: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"] = _category_field(
            single,
            label="If the decision is a child protection plan, under which category?",
            help_text="Needed when the agencies did not agree on one; otherwise the agencies' category stands"
            " unless the chair decides it.",
        )
        self.order_fields(
            [
                "suffered_significant_harm",
                "likely_to_suffer_significant_harm",
                "chair_view",
                "categories",
                "chair_disagreement",
                "dissent",
                "family_consents",
                "compensation_considered",
            ]
        )

    def clean_categories(self) -> list[str]:
        return _categories(self.cleaned_data.get("categories"))

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "suffered_significant_harm": _yes_no(data.get("suffered_significant_harm")),
            "likely_to_suffer_significant_harm": _yes_no(data.get("likely_to_suffer_significant_harm")),
            "chair_view": data.get("chair_view", ""),
            "categories": data.get("categories", []),
            "chair_disagreement": data.get("chair_disagreement", ""),
            "dissent": data.get("dissent", ""),
            "family_consents": _yes_no(data.get("family_consents")),
            "compensation_considered": _yes_no(data.get("compensation_considered")) is True,
        }
