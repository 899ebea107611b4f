"""The form for one invitee's attendance on the day (R-PR-3, R-EX-1).

It checks what a person chose; ``cpconf.conferences.services.attendance`` checks the rest (and everything
again), and its messages land on the same fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from cpconf.conferences.agenda import AGENDA, SECTION_KEYS, titles
from cpconf.conferences.forms.exclusions import checkboxes, radios
from cpconf.conferences.models import Attendance, AttendanceMode, Invitation, InviteeRole, Reply
from cpconf.conferences.services.attendance import ATTENDED_BY_MAX_LENGTH, PRESENT_MODES

EXCLUDED_HINT = "Excluded by the chair's decision"


class AttendanceForm(forms.Form):
    """How they attended, which parts of the agenda they were present for, and (for a professional) the
    colleague who came instead."""

    mode = radios(
        label="How did they attend?",
        legend_classes="govuk-fieldset__legend--m",
        choices=AttendanceMode.choices,
        error_messages={"required": "Select how they attended", "invalid_choice": "Select how they attended"},
    )
    sections = checkboxes(
        label="Which parts of the conference were they present for?",
        legend_classes="govuk-fieldset__legend--m",
        help_text="Only if they attended. Leave these as they are if they sent apologies or did not attend.",
        choices=AGENDA,
        required=False,
        error_messages={"invalid_choice": "Choose parts of the agenda from the list"},
    )
    attended_by = forms.CharField(
        label="If a colleague attended instead, their name (optional)",
        required=False,
        max_length=ATTENDED_BY_MAX_LENGTH,
        error_messages={
            "max_length": f"The colleague's name must be {ATTENDED_BY_MAX_LENGTH} characters or fewer"
        },
    )

    def __init__(self, *args: Any, invitation: Invitation, excluded: Sequence[str], **kwargs: Any) -> None:
        self.invitation = invitation
        self.excluded = list(excluded)
        attendance: Attendance | None = getattr(invitation, "attendance", None)
        initial: dict[str, Any]
        if attendance is not None:
            initial = {
                "mode": attendance.mode,
                "sections": list(attendance.sections)
                or [key for key in SECTION_KEYS if key not in self.excluded],
                "attended_by": attendance.attended_by,
            }
        else:
            # By default, present for every part they were not excluded from; a colleague they said
            # they would send (R-PR-3).
            initial = {
                "sections": [key for key in SECTION_KEYS if key not in self.excluded],
                "attended_by": invitation.colleague_name
                if invitation.reply == Reply.SENDING_COLLEAGUE
                else "",
            }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["sections"].choice_hints = dict.fromkeys(self.excluded, EXCLUDED_HINT)  # type: ignore[attr-defined]
        if invitation.role != InviteeRole.PROFESSIONAL:
            del self.fields["attended_by"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        mode = cleaned.get("mode")
        sections = cleaned.get("sections") or []
        if mode in PRESENT_MODES:
            if not sections and not self.has_error("sections"):
                self.add_error("sections", "Select the parts of the conference they were present for")
            clash = [key for key in sections if key in self.excluded]
            if clash:
                self.add_error(
                    "sections",
                    f"{self.invitation.name} was excluded from {'; '.join(titles(clash))} by the chair's "
                    "decision, so cannot be recorded as present for it. Untick it",
                )
        elif mode is not None and cleaned.get("attended_by"):
            self.add_error(
                "attended_by",
                "A colleague can only be recorded as attending instead if they attended in person or online",
            )
        return cleaned
