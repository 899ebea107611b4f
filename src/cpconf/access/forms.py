"""The forms for opening a child's record in an emergency and for reviewing it (break glass, docs/access.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from cpconf import clock
from cpconf.access.models import ReviewOutcome
from cpconf.access.services import NOTE_MAX_LENGTH, REASON_MAX_LENGTH, REASON_MIN_LENGTH
from cpconf.people import identifiers

REASON_MESSAGE = (
    f"Enter why you need to open this record now, in at least {REASON_MIN_LENGTH} characters, "
    "for example what has happened and what you need to know"
)
SEARCH_MESSAGE = "Enter the child's NHS number, or their first name, last name and date of birth"


class EmergencyAccessForm(forms.Form):
    """Which child (by NHS number, or by full name and date of birth), why, and that the person knows
    their use will be reviewed. The date of birth is three boxes, as GOV.UK asks for dates."""

    nhs_number = forms.CharField(
        label="NHS number",
        required=False,
        max_length=20,
        help_text="10 digits, for example 999 000 0018",
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input--width-10",
                "inputmode": "numeric",
                "spellcheck": "false",
                "autocomplete": "off",
            }
        ),
    )
    given_name = forms.CharField(
        label="First name",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    family_name = forms.CharField(
        label="Last name",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    # Rendered by the page as GOV.UK's date input; errors about the date are kept on the day.
    date_of_birth_day = forms.CharField(required=False, max_length=2)
    date_of_birth_month = forms.CharField(required=False, max_length=2)
    date_of_birth_year = forms.CharField(required=False, max_length=4)
    reason = forms.CharField(
        label="Why do you need to open this record now?",
        help_text="Your safeguarding managers receive this, and it is kept with the record. Do not include "
        "details you do not need to.",
        max_length=REASON_MAX_LENGTH,
        error_messages={
            "required": REASON_MESSAGE,
            "max_length": f"Keep your reason to {REASON_MAX_LENGTH} characters or fewer",
        },
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    confirm = forms.BooleanField(
        label="I understand that opening this record is recorded, that my safeguarding managers are told, "
        "and that my reason will be reviewed",
        error_messages={"required": "Confirm that you understand your use of this record will be reviewed"},
    )

    def clean_nhs_number(self) -> str:
        value: str = self.cleaned_data["nhs_number"]
        if not value.strip():
            return ""
        try:
            return identifiers.normalise_nhs_number(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if len(reason) < REASON_MIN_LENGTH:
            raise forms.ValidationError(REASON_MESSAGE)
        return reason

    def _date_of_birth(self) -> date | None:
        parts = [
            self.cleaned_data.get(f"date_of_birth_{part}", "").strip() for part in ("day", "month", "year")
        ]
        if not any(parts):
            return None
        if not all(parts):
            missing = [
                name for name, part in zip(("a day", "a month", "a year"), parts, strict=True) if not part
            ]
            raise forms.ValidationError(f"Date of birth must include {' and '.join(missing)}")
        if not all(part.isascii() and part.isdigit() for part in parts) or len(parts[2]) != 4:
            raise forms.ValidationError("Date of birth must be a real date, for example 27 3 2019")
        try:
            born = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            raise forms.ValidationError("Date of birth must be a real date, for example 27 3 2019") from None
        if born > clock.today():
            raise forms.ValidationError("Date of birth must be today or in the past")
        return born

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            cleaned["date_of_birth"] = self._date_of_birth()
        except forms.ValidationError as error:
            self.add_error("date_of_birth_day", error)
            return cleaned
        names_and_date = cleaned.get("given_name") and cleaned.get("family_name") and cleaned["date_of_birth"]
        if not self.has_error("nhs_number") and not cleaned.get("nhs_number") and not names_and_date:
            raise forms.ValidationError(SEARCH_MESSAGE)
        return cleaned


class BreakGlassReviewForm(forms.Form):
    """The safeguarding manager's review of one emergency access: justified or not, a note, and what will
    follow one that was not. The review's version travels in a hidden field (two managers at once)."""

    outcome = forms.ChoiceField(
        label="Was opening the record justified?",
        widget=forms.RadioSelect,
        choices=[
            (ReviewOutcome.JUSTIFIED.value, "Yes, it was justified"),
            (ReviewOutcome.NOT_JUSTIFIED.value, "No, it was not justified"),
        ],
        error_messages={
            "required": "Select whether opening the record was justified",
            "invalid_choice": "Select whether opening the record was justified",
        },
    )
    note = forms.CharField(
        label="What you found",
        help_text="For example, who you spoke to and what they told you. This is kept with the emergency access.",
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter what you found, for example who you spoke to and what they told you",
            "max_length": f"Keep your note to {NOTE_MAX_LENGTH} characters or fewer",
        },
    )
    follow_up = forms.CharField(
        label="If it was not justified, what will happen next?",
        help_text="For example, that you raised it with their manager or your information governance lead.",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"Keep what will happen next to {NOTE_MAX_LENGTH} characters or fewer"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].legend_classes = "govuk-fieldset__legend--m"  # type: ignore[attr-defined]
        self.fields["outcome"].choice_hints = {}  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("outcome") == ReviewOutcome.NOT_JUSTIFIED and not cleaned.get("follow_up", "").strip():
            self.add_error(
                "follow_up", "Enter what will happen next, for example that you raised it with their manager"
            )
        return cleaned
