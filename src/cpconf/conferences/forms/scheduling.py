"""Forms for booking, cancelling and closing a conference."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from cpconf.conferences.models import VenueKind
from cpconf.people.models import Household, Professional
from cpconf.web.forms import GovukDateField, TimeOfDayField


class ProfessionalChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Professional) -> str:
        return f"{obj.full_name}, {obj.job_title}"


class ScheduleForm(forms.Form):
    day = GovukDateField(label="Date", what="the date of the conference")
    start = TimeOfDayField(label="Start time", what="the start time")
    end = TimeOfDayField(label="End time", what="the end time")
    venue_kind = forms.ChoiceField(
        label="How will people attend?",
        choices=VenueKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how people will attend"},
    )
    venue_address = forms.CharField(
        label="Address",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="For in person or blended conferences.",
    )
    joining_details = forms.CharField(
        label="How to join online",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="For online or blended conferences. Invitees must join from somewhere private.",
    )
    chair = ProfessionalChoiceField(
        queryset=Professional.objects.none(),
        required=False,
        to_field_name="public_id",
        empty_label="Not chosen yet",
    )
    minute_taker = ProfessionalChoiceField(
        queryset=Professional.objects.none(),
        required=False,
        to_field_name="public_id",
        empty_label="Not chosen yet",
    )
    out_of_timescale_reason = forms.CharField(
        label="If the date is after the due date, why",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    change_reason = forms.CharField(
        label="If you are changing the date, time or place, why",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Everyone already invited is sent the new details.",
    )
    accept_clashes = forms.BooleanField(
        label="Book anyway: I have checked the chair and minute taker can be at both", required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, chairs: Any, minute_takers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = chairs  # type: ignore[attr-defined]
        self.fields["minute_taker"].queryset = minute_takers  # type: ignore[attr-defined]

    def times(self) -> tuple[datetime, datetime] | None:
        """The start and end as aware datetimes in England's time, once the form is valid."""
        data = self.cleaned_data
        if not data.get("day") or not data.get("start") or not data.get("end"):
            return None
        zone = timezone.get_default_timezone()
        return (
            datetime.combine(data["day"], data["start"], tzinfo=zone),
            datetime.combine(data["day"], data["end"], tzinfo=zone),
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Give the reason"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happened?",
        choices=[
            ("held", "The conference went ahead"),
            ("inquorate", "It could not go ahead: not quorate and not enough information"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happened"},
    )
    reason = forms.CharField(
        label="If it could not go ahead, why",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class TransferInForm(forms.Form):
    household: forms.ModelChoiceField[Household] = forms.ModelChoiceField(
        queryset=Household.objects.none(),
        to_field_name="public_id",
        empty_label="Select a household",
        error_messages={"required": "Select the household"},
    )
    decided_on = GovukDateField(
        label="Date of the decision to hold a transfer-in conference", what="the date of the decision"
    )

    def __init__(self, *args: Any, households: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households  # type: ignore[attr-defined]
