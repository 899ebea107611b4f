"""Forms for the minutes: a section's text and audience, the chair's approval, an amendment, circulation.

The forms check what a person typed; ``cpconf.minutes.services`` checks the rest (and everything again),
and its messages land on the same fields. Each section form carries the section's ``version`` and has the
section's key as its prefix, so that the editor's forms never share an identifier.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms

from cpconf.conferences.agenda import AGENDA
from cpconf.conferences.forms.exclusions import checkboxes, radios
from cpconf.conferences.models import Invitation
from cpconf.conferences.selectors.exclusions import invitee_in_words
from cpconf.minutes.models import Document
from cpconf.minutes.services import REASON_MAX_LENGTH, TEXT_MAX_LENGTH


class SectionForm(forms.Form):
    text = forms.CharField(
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"max_length": f"The section must be {TEXT_MAX_LENGTH:,} characters or fewer"},
    )
    audience = checkboxes(
        label="Which family members may read this section?",
        legend_classes="govuk-fieldset__legend--s",
        help_text="Nobody who is not a professional reads a section unless you select them here. "
        "Professionals read every section they were not excluded from.",
        required=False,
        error_messages={"invalid_choice": "Choose people invited to this conference"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(
        self,
        *args: Any,
        title: str,
        family: Sequence[Invitation],
        excluded: Sequence[Invitation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = title
        self.fields["text"].label_classes = "govuk-label--m"  # type: ignore[attr-defined]
        excluded_ids = {invitation.pk for invitation in excluded}
        self._family = {str(i.public_id): i for i in family if i.pk not in excluded_ids}
        audience = cast("forms.MultipleChoiceField", self.fields["audience"])
        audience.choices = [(key, invitee_in_words(i)) for key, i in self._family.items()]
        audience.choice_hints = {}  # type: ignore[attr-defined]
        if excluded:
            names = ", ".join(i.name for i in excluded)
            audience.help_text += f" Excluded from this part of the conference, so not listed: {names}."
        if not self._family:
            audience.help_text = "Nobody who is not a professional can read this section."

    def chosen(self) -> list[Invitation]:
        return [self._family[key] for key in self.cleaned_data.get("audience", []) if key in self._family]


class ApproveForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have read the minutes, and I approve and sign them as the chair",
        error_messages={"required": "Confirm that you have read and approve the minutes"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AmendForm(forms.Form):
    section = forms.ChoiceField(
        label="Which section?",
        choices=AGENDA,
        error_messages={"required": "Choose a section", "invalid_choice": "Choose a section of the agenda"},
    )
    text = forms.CharField(
        label="The section as it should read",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={
            "required": "Enter the section's text",
            "max_length": f"The section must be {TEXT_MAX_LENGTH:,} characters or fewer",
        },
    )
    reason = forms.CharField(
        label="Why is it being amended?",
        help_text="For example, a parent pointed out a wrong date.",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why the minutes are being amended",
            "max_length": f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CirculateForm(forms.Form):
    document = radios(
        label="What do you want to send?",
        legend_classes="govuk-fieldset__legend--m",
        choices=Document.choices,
        error_messages={
            "required": "Choose what to send",
            "invalid_choice": "Choose the minutes or the decisions and recommendations",
        },
    )
