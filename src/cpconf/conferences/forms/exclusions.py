"""Forms for exclusions (R-EX-1 to R-EX-3): asking, the chair's decision, and telling the person.

The forms check what a person typed and turn identifiers into records; ``cpconf.conferences.services.
exclusions`` checks the rest (and everything again) and its messages land on the same fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms

from cpconf.conferences.agenda import AGENDA, SECTION_KEYS, SECTION_TITLES
from cpconf.conferences.models import ChairDecision, Invitation, ViewsRoute
from cpconf.conferences.selectors.exclusions import GROUND_TITLES, invitee_in_words
from cpconf.conferences.services.exclusions import DETAILS_MAX_LENGTH, REASON_MAX_LENGTH, TOLD_HOW_MAX_LENGTH
from cpconf.people.models import Professional
from cpconf.web.forms import GovukDateField


def radios(
    *, legend_classes: str = "", choice_hints: dict[str, str] | None = None, **kwargs: Any
) -> forms.ChoiceField:
    """A choice as GOV.UK radios (the form renderer's radios template), with a legend size and hints."""
    field = forms.ChoiceField(widget=forms.RadioSelect, **kwargs)
    field.legend_classes = legend_classes  # type: ignore[attr-defined]
    field.choice_hints = choice_hints or {}  # type: ignore[attr-defined]
    return field


def checkboxes(
    *,
    legend_classes: str = "",
    choice_hints: dict[str, str] | None = None,
    exclusive: str = "",
    **kwargs: Any,
) -> forms.MultipleChoiceField:
    """Several choices as GOV.UK checkboxes, with a legend size, hints, and an exclusive last choice."""
    field = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, **kwargs)
    field.legend_classes = legend_classes  # type: ignore[attr-defined]
    field.choice_hints = choice_hints or {}  # type: ignore[attr-defined]
    field.exclusive = exclusive  # type: ignore[attr-defined]
    return field


#: The request form's choice that stands for every section.
WHOLE_CONFERENCE = "whole-conference"

SECTIONS_MESSAGE = "Select the parts of the conference they should be excluded from, or the whole conference"


class ExclusionRequestForm(forms.Form):
    """Who asks (for social care staff recording a request made by phone), about whom, on what grounds,
    the details, and from which sections of the agenda."""

    requested_by = forms.ChoiceField(
        label="Who is asking?",
        help_text="If an invited professional asked by phone, choose them.",
        error_messages={"required": "Select who is asking", "invalid_choice": "Select who is asking"},
    )
    invitation = radios(
        label="Who should be excluded?",
        legend_classes="govuk-fieldset__legend--m",
        error_messages={
            "required": "Select who should be excluded",
            "invalid_choice": "Select someone invited to this conference",
        },
    )
    grounds = checkboxes(
        label="Why should they be excluded?",
        legend_classes="govuk-fieldset__legend--m",
        help_text="Select all that apply.",
        choices=[(value, GROUND_TITLES[value]) for value in GROUND_TITLES],
        error_messages={
            "required": "Select at least one reason for excluding them",
            "invalid_choice": "Choose reasons from the list",
        },
    )
    details = forms.CharField(
        label="What has happened?",
        help_text="The chair reads this to decide. Say what has happened and why excluding them is needed. "
        "Where the information comes from someone else, say so.",
        max_length=DETAILS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Enter what has happened and why they should be excluded",
            "max_length": f"Details must be {DETAILS_MAX_LENGTH} characters or fewer",
        },
    )
    sections = checkboxes(
        label="Which parts of the conference should they be excluded from?",
        legend_classes="govuk-fieldset__legend--m",
        help_text="Select all that apply.",
        choices=[*AGENDA, (WHOLE_CONFERENCE, "The whole conference")],
        exclusive=WHOLE_CONFERENCE,
        error_messages={
            "required": SECTIONS_MESSAGE,
            "invalid_choice": "Choose parts of the agenda from the list",
        },
    )

    def __init__(
        self,
        *args: Any,
        invitations: Sequence[Invitation],
        me: Professional,
        professionals: Sequence[Professional] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._invitations = {str(invitation.public_id): invitation for invitation in invitations}
        self._choice_field("invitation").choices = [
            (key, invitee_in_words(invitation)) for key, invitation in self._invitations.items()
        ]
        self._me = me
        others = [professional for professional in professionals if professional.pk != me.pk]
        self._professionals = {str(me.public_id): me} | {
            str(professional.public_id): professional for professional in others
        }
        if others:
            self._choice_field("requested_by").choices = [
                (str(me.public_id), f"You ({me.full_name})"),
                *((str(p.public_id), f"{p.full_name}, {p.agency.name}") for p in others),
            ]
            self.fields["requested_by"].initial = str(me.public_id)
        else:
            # Only the signed-in person can ask: nothing to choose.
            del self.fields["requested_by"]

    def _choice_field(self, name: str) -> forms.ChoiceField:
        return cast("forms.ChoiceField", self.fields[name])

    def clean_invitation(self) -> Invitation:
        return self._invitations[self.cleaned_data["invitation"]]

    def clean_requested_by(self) -> Professional:
        return self._professionals[self.cleaned_data["requested_by"]]

    def clean_sections(self) -> list[str]:
        # "The whole conference" (the exclusive choice) is every section, whatever else was ticked.
        sections: list[str] = self.cleaned_data["sections"]
        return list(SECTION_KEYS) if WHOLE_CONFERENCE in sections else sections

    def clean_details(self) -> str:
        details: str = self.cleaned_data["details"].strip()
        if not details:
            raise forms.ValidationError("Enter what has happened and why they should be excluded")
        return details

    @property
    def requester(self) -> Professional:
        if "requested_by" in self.fields:
            chosen: Professional = self.cleaned_data["requested_by"]
            return chosen
        return self._me


class ExclusionDecisionForm(forms.Form):
    """The chair agrees or refuses, with reasons; agreeing, they may keep fewer sections than asked for."""

    decision = radios(
        label="Do you agree to exclude them?",
        legend_classes="govuk-fieldset__legend--m",
        choices=[
            (ChairDecision.AGREED.value, "Yes, exclude them"),
            (ChairDecision.REFUSED.value, "No, they can take part in all of the conference"),
        ],
        error_messages={
            "required": "Select whether you agree to the exclusion",
            "invalid_choice": "Select whether you agree to the exclusion",
        },
    )
    sections = checkboxes(
        label="If you agree, which parts of the conference are they excluded from?",
        legend_classes="govuk-fieldset__legend--s",
        help_text="These are the parts asked for. You can agree to fewer of them. To exclude them from another "
        "part, ask for a new exclusion.",
        required=False,
        error_messages={"invalid_choice": "Choose from the parts that were asked for"},
    )
    reason = forms.CharField(
        label="Your reasons",
        help_text="These are recorded in the minutes and the person is told of them.",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Enter the reasons for your decision",
            "max_length": f"Reasons must be {REASON_MAX_LENGTH} characters or fewer",
        },
    )

    def __init__(self, *args: Any, requested_sections: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choice_field("sections").choices = [(key, SECTION_TITLES[key]) for key in requested_sections]
        self.fields["sections"].initial = list(requested_sections)

    def _choice_field(self, name: str) -> forms.ChoiceField:
        return cast("forms.ChoiceField", self.fields[name])

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Enter the reasons for your decision")
        return reason

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == ChairDecision.AGREED and not cleaned.get("sections"):
            self.add_error("sections", "Select at least one part of the conference, or refuse the exclusion")
        return cleaned


class ExclusionToldForm(forms.Form):
    """R-EX-3: when and how the person was told, and how their views will still reach the conference."""

    told_on = GovukDateField(label="When were they told?", what="the date they were told")
    told_how = forms.CharField(
        label="How were they told?",
        help_text="For example, by phone by the social worker, or in a letter from the chair.",
        max_length=TOLD_HOW_MAX_LENGTH,
        error_messages={
            "required": "Enter how they were told, for example by phone by the social worker",
            "max_length": f"How they were told must be {TOLD_HOW_MAX_LENGTH} characters or fewer",
        },
    )
    views_route = radios(
        label="How will their views reach the conference?",
        legend_classes="govuk-fieldset__legend--s",
        choices=ViewsRoute.choices,
        error_messages={
            "required": "Select how their views will reach the conference",
            "invalid_choice": "Select how their views will reach the conference",
        },
    )
    views_details = forms.CharField(
        label="Details",
        help_text="For example, who will share their views, and when they will meet them.",
        max_length=DETAILS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter the details, for example who will share their views and when",
            "max_length": f"Details must be {DETAILS_MAX_LENGTH} characters or fewer",
        },
    )
