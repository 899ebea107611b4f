"""Forms for agencies' reports (R-PR-4 to R-PR-6): uploading one, recording that it was shared with the
family, asking to withhold parts of it, and the chair's decision.

Each form checks what a person typed (a date is a real date, something was chosen); the services check
everything that needs the database or the clock. Each carries the report's ``version``, so that a form
made before someone else's change is refused rather than overwriting it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from cpconf.conferences import uploads
from cpconf.conferences.models import ChairDecision
from cpconf.conferences.services.reports import SHARED_HOW_MAX_LENGTH, TEXT_MAX_LENGTH


class VersionedForm(forms.Form):
    """A form about one report, carrying the version of the report it was made from."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def expected_version(self) -> int | None:
        value = self.cleaned_data.get("version")
        return int(value) if value is not None else None


class ReportUploadForm(VersionedForm):
    """The report file. Its type, size and content are checked by the service (``uploads.check_upload``)."""

    file = forms.FileField(
        label="Upload a file",
        required=False,
        help_text="",  # the size limit is a setting: see __init__
        error_messages={"empty": uploads.EMPTY_MESSAGE, "invalid": uploads.SELECT_MESSAGE},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = (
            f"A PDF or Word document, smaller than {uploads.size_in_words(uploads.max_upload_bytes())}."
        )


def date_from_parts(day: str, month: str, year: str, *, what: str) -> date | None:
    """A date from GOV.UK's three boxes, or None if all are empty; the messages are GOV.UK's date input
    error messages, starting with ``what`` ("The date the report was shared")."""
    parts = [part.strip() for part in (day, month, year)]
    if not any(parts):
        return None
    missing = [name for name, part in zip(("a day", "a month", "a year"), parts, strict=True) if not part]
    if missing:
        raise forms.ValidationError(f"{what} must include {' and '.join(missing)}")
    if not all(part.isascii() and part.isdigit() for part in parts) or len(parts[2]) != 4:
        raise forms.ValidationError(f"{what} must be a real date, for example 27 3 2026")
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        raise forms.ValidationError(f"{what} must be a real date, for example 27 3 2026") from None


class ReportSharedForm(VersionedForm):
    """R-PR-6: when the report was shared with the family, and how. The date is three boxes (GOV.UK's date
    input); errors about it are kept on the day."""

    shared_on_day = forms.CharField(required=False, max_length=2)
    shared_on_month = forms.CharField(required=False, max_length=2)
    shared_on_year = forms.CharField(required=False, max_length=4)
    shared_how = forms.CharField(
        label="How was it shared?",
        help_text="For example, talked through at home with an interpreter",
        max_length=SHARED_HOW_MAX_LENGTH,
        error_messages={
            "required": "Enter how the report was shared with the family",
            "max_length": f"How it was shared must be {SHARED_HOW_MAX_LENGTH} characters or fewer",
        },
    )

    DATE_WHAT = "The date the report was shared"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            shared_on = date_from_parts(
                cleaned.get("shared_on_day", ""),
                cleaned.get("shared_on_month", ""),
                cleaned.get("shared_on_year", ""),
                what=self.DATE_WHAT,
            )
        except forms.ValidationError as error:
            self.add_error("shared_on_day", error)
            return cleaned
        if shared_on is None:
            self.add_error("shared_on_day", "Enter the date the report was shared with the family")
        cleaned["shared_on"] = shared_on
        return cleaned


class WithholdRequestForm(VersionedForm):
    """R-PR-6: the parts of a report the author asks the chair to withhold from the family, and why."""

    parts = forms.CharField(
        label="Which parts of the report should the family not see?",
        help_text="Name each section or paragraph, for example “Section 3, paragraphs 2 and 4”.",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter which parts of the report the family should not see",
            "max_length": f"Keep this to {TEXT_MAX_LENGTH} characters or fewer",
        },
    )
    reason = forms.CharField(
        label="Why should the family not see them?",
        help_text="For example, information from someone else shared without their consent, or legal advice.",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter why the family should not see these parts",
            "max_length": f"Keep this to {TEXT_MAX_LENGTH} characters or fewer",
        },
    )


class GovukRadios(forms.RadioSelect):
    """Radios whose first input has the field's own id, as GOV.UK's do, so that the error summary's link
    lands on it; the others are numbered from 2."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        if index is None or str(index) == "0":
            return id_
        return f"{id_}-{int(index) + 1}"


class WithholdDecisionForm(VersionedForm):
    """R-PR-6: the chair agrees or refuses, with a reason. Rendered as GOV.UK radios by the page."""

    decision = forms.ChoiceField(
        label="Do you agree to withhold these parts from the family?",
        choices=[
            (ChairDecision.AGREED.value, "Yes, withhold these parts from the family"),
            (ChairDecision.REFUSED.value, "No, the family will see the whole report"),
        ],
        widget=GovukRadios,
        error_messages={
            "required": "Select whether you agree to withhold these parts from the family",
            "invalid_choice": "Select whether you agree to withhold these parts from the family",
        },
    )
    decision_reason = forms.CharField(
        label="Reason for your decision",
        help_text="The author and the conference coordinator will see this.",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter the reason for your decision",
            "max_length": f"Keep this to {TEXT_MAX_LENGTH} characters or fewer",
        },
    )
