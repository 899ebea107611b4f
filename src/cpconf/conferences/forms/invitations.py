"""Forms for invitations (R-PR-1 to R-PR-3). They check the shape of what was sent; the services
(``cpconf.conferences.services.invitations``) decide whether it may be done and say why not."""

from __future__ import annotations

from typing import Any

from django import forms

from cpconf.conferences.models import Reply
from cpconf.conferences.selectors.invitations import NAMED_PERSON_ROLES, RightsRow, Suggestion, Suggestions
from cpconf.conferences.services.invitations import NOTE_MAX_LENGTH

REPLY_CHOICES = [
    (Reply.ATTENDING.value, "I will attend"),
    (Reply.NOT_ATTENDING.value, "I cannot attend"),
    (Reply.SENDING_COLLEAGUE.value, "I am sending a colleague who knows the family"),
]
RECORDED_REPLY_CHOICES = [
    (Reply.ATTENDING.value, "Will attend"),
    (Reply.NOT_ATTENDING.value, "Cannot attend"),
    (Reply.SENDING_COLLEAGUE.value, "Sending a colleague"),
]
NOTHING_SELECTED = "Select at least one person to invite"


class Checkboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose "label" is the first box, so that the error summary links to it (GOV.UK)."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


class Radios(forms.RadioSelect):
    """Radios whose "label" is the first one, so that the error summary links to it (GOV.UK)."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


def _not_invited(people: tuple[Suggestion, ...]) -> list[tuple[str, str]]:
    return [(person.value, person.name) for person in people if not person.invited]


class AddInviteesForm(forms.Form):
    """Whom to invite, from the suggestions (R-PR-2): ticked people, and someone picked from each agency
    (and midwifery) nobody involved comes from."""

    professionals = forms.MultipleChoiceField(label="Professionals", required=False, widget=Checkboxes)
    family = forms.MultipleChoiceField(label="Parents and carers", required=False, widget=Checkboxes)
    children = forms.MultipleChoiceField(label="Children", required=False, widget=Checkboxes)

    def __init__(self, *args: Any, suggestions: Suggestions, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.suggestions = suggestions
        self.fields["professionals"].choices = _not_invited(suggestions.professionals)  # type: ignore[attr-defined]
        self.fields["family"].choices = _not_invited(suggestions.family)  # type: ignore[attr-defined]
        self.fields["children"].choices = _not_invited(suggestions.children)  # type: ignore[attr-defined]
        for choose in suggestions.to_choose:
            self.fields[choose.name] = forms.ChoiceField(
                label=choose.label,
                required=False,
                choices=[("", "Choose someone"), *choose.choices],
                error_messages={"invalid_choice": "Choose someone from the list"},
            )
        for name in ("professionals", "family", "children"):
            self.fields[name].error_messages["invalid_choice"] = (
                "One of the people selected can no longer be invited: reload the page and try again"
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = [cleaned.get(name) for name in ("professionals", "family", "children")]
        chosen += [cleaned.get(choose.name) for choose in self.suggestions.to_choose]
        if not self.errors and not any(chosen):
            raise forms.ValidationError(NOTHING_SELECTED)
        return cleaned


class AddPersonForm(forms.Form):
    """Someone not in the records: a supporter, an advocate, an observer or a legal representative."""

    name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={
            "required": "Enter the person's full name",
            "max_length": "Keep the name to 200 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        help_text="Leave it empty if they have none: you can record how you invited them instead.",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(
        label="Why are they coming?",
        choices=[(role.value, role.label) for role in NAMED_PERSON_ROLES],
        widget=Radios,
        error_messages={
            "required": "Select whether they are a supporter, an advocate, an observer or a legal representative",
            "invalid_choice": "Select whether they are a supporter, an advocate, an observer or a legal representative",
        },
    )


class RightsForm(forms.Form):
    """What each parent and child has been told of their rights (R-PR-2): one box per person."""

    def __init__(self, *args: Any, rows: tuple[RightsRow, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[row.field] = forms.BooleanField(label=row.label, required=False, initial=row.told)


class InvitedHowForm(forms.Form):
    invited_how = forms.CharField(
        label="How were they invited?",
        help_text="For example: by letter posted on 3 March, or in person by their social worker.",
        max_length=200,
        error_messages={
            "required": "Enter how they were invited, for example by letter on 3 March",
            "max_length": "Keep how they were invited to 200 characters or fewer",
        },
    )


class _ReplyFields(forms.Form):
    colleague_name = forms.CharField(
        label="Your colleague's full name",
        required=False,
        max_length=200,
        error_messages={"max_length": "Keep the name to 200 characters or fewer"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    colleague_email = forms.EmailField(
        label="Your colleague's email address",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    note = forms.CharField(
        label="Anything the conference office should know (optional)",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        error_messages={"max_length": f"Keep the note to {NOTE_MAX_LENGTH} characters or fewer"},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReplyForm(_ReplyFields):
    """The reply through the signed link (R-PR-3): a colleague sent needs a name and an email address."""

    reply = forms.ChoiceField(
        label="Can you attend?",
        choices=REPLY_CHOICES,
        widget=Radios,
        error_messages={
            "required": "Select whether you will attend, cannot attend, or are sending a colleague",
            "invalid_choice": "Select whether you will attend, cannot attend, or are sending a colleague",
        },
    )
    field_order = ["reply", "colleague_name", "colleague_email", "note"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("reply") == Reply.SENDING_COLLEAGUE:
            if not cleaned.get("colleague_name", "").strip() and not self.has_error("colleague_name"):
                self.add_error("colleague_name", "Enter the name of the colleague who will attend")
            if not cleaned.get("colleague_email", "").strip() and not self.has_error("colleague_email"):
                self.add_error("colleague_email", "Enter the email address of the colleague who will attend")
        return cleaned


class RecordReplyForm(_ReplyFields):
    """A reply that came by letter, phone or in person, recorded by the conference office (R-PR-3)."""

    reply = forms.ChoiceField(
        label="What was their reply?",
        choices=RECORDED_REPLY_CHOICES,
        widget=Radios,
        error_messages={
            "required": "Select whether they will attend, cannot attend, or are sending a colleague",
            "invalid_choice": "Select whether they will attend, cannot attend, or are sending a colleague",
        },
    )
    how = forms.CharField(
        label="How did the reply come?",
        help_text="For example: by phone, by letter, or in person.",
        max_length=200,
        error_messages={
            "required": "Enter how the reply came, for example by phone",
            "max_length": "Keep how the reply came to 200 characters or fewer",
        },
    )
    field_order = ["reply", "colleague_name", "colleague_email", "how", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["colleague_name"].label = "The colleague's full name"
        self.fields["colleague_email"].label = "The colleague's email address (optional)"
        self.fields["note"].label = "Note (optional)"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("reply") == Reply.SENDING_COLLEAGUE
            and not cleaned.get("colleague_name", "").strip()
            and not self.has_error("colleague_name")
        ):
            self.add_error("colleague_name", "Enter the name of the colleague who will attend")
        return cleaned


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why is the invitation withdrawn? (optional)",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        error_messages={"max_length": f"Keep the reason to {NOTE_MAX_LENGTH} characters or fewer"},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
