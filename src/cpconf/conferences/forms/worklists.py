"""The filters of the conference list (a GET form: nothing here changes anything)."""

from __future__ import annotations

from typing import Any

from django import forms

from cpconf.conferences.models import ConferenceType
from cpconf.conferences.selectors.worklists import ListFilters

STATUS_CHOICES = [
    ("open", "Still to happen"),
    ("requested", "Not booked yet"),
    ("scheduled", "Booked"),
    ("held", "Held"),
    ("inquorate", "Not quorate"),
    ("cancelled", "Cancelled"),
    ("all", "All"),
]


class ConferenceFilterForm(forms.Form):
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False, label="Status")
    conference_type = forms.ChoiceField(
        choices=[("", "All types"), *ConferenceType.choices], required=False, label="Type"
    )
    chair = forms.ChoiceField(choices=[("", "All chairs")], required=False, label="Chair")
    overdue = forms.BooleanField(required=False, label="Only overdue: still to happen after the due date")
    out_of_timescale = forms.BooleanField(
        required=False, label="Only out of timescale: booked after the due date"
    )

    def __init__(self, *args: Any, chairs: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"].choices = [("", "All chairs"), *chairs]  # type: ignore[attr-defined]

    def filters(self) -> ListFilters:
        if not self.is_valid():
            return ListFilters()
        data = self.cleaned_data
        return ListFilters(
            status=data["status"] or "open",
            conference_type=data["conference_type"],
            chair=data["chair"],
            overdue=data["overdue"],
            out_of_timescale=data["out_of_timescale"],
        )
