"""Forms for making and changing a child protection plan, its actions and its core group.

The forms check what a person typed and turn identifiers into records; ``cpconf.plans.services.plans``
checks the rest (and everything again); ``add_service_errors`` puts its messages on the same fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms

from cpconf.people.models import FamilyMember, Professional
from cpconf.plans.models import ActionStatus
from cpconf.plans.services.plans import VISIT_INTERVAL_MAX_DAYS, WHAT_MAX_LENGTH, ActionInput
from cpconf.web.forms import GovukDateField

#: Rows for actions on the page that makes a plan (more are added on the plan's page afterwards).
ACTION_ROWS = 3

Person = Professional | FamilyMember


def person_key(person: Person) -> str:
    return f"{'p' if isinstance(person, Professional) else 'f'}:{person.public_id}"


def person_label(person: Person) -> str:
    if isinstance(person, Professional):
        return f"{person.full_name}, {person.job_title}, {person.agency.name}"
    return f"{person.full_name} (family)"


class _People:
    """Choices of people, kept by key so that a chosen key turns back into the record."""

    def __init__(self, people: Sequence[Person]) -> None:
        self.by_key = {person_key(person): person for person in people}

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(key, person_label(person)) for key, person in self.by_key.items()]


class PlanForm(forms.Form):
    """What a plan says (R-PL-1, R-PL-2, R-PL-4). On the page that makes it, also the core group and the
    first actions (R-DE-5); on the edit page, the version it was opened at."""

    lead_professional = forms.ChoiceField(
        label="Lead professional",
        help_text="Only a qualified social worker can be the lead professional.",
        error_messages={
            "required": "Choose the lead professional",
            "invalid_choice": "Choose the lead professional",
        },
    )
    outcomes = forms.CharField(
        label="What needs to change for the child to be safe",
        help_text="Say what must be different, and how everyone will know it has changed.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter what needs to change for the child to be safe"},
    )
    contingency = forms.CharField(
        label="Contingency plan",
        help_text="What will happen if the plan does not work or is not followed.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the contingency plan: what happens if the plan does not work"},
    )
    childs_wishes = forms.CharField(
        label="The child's wishes and feelings", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    parents_views = forms.CharField(
        label="The parents' views", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    family_preference_not_followed = forms.CharField(
        label="If the family asked for something the plan does not do, why not",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    visit_interval_days = forms.IntegerField(
        label="How often the social worker must see the child, in days (optional)",
        help_text="Only if the conference asked for more frequent visits than your authority's usual minimum.",
        required=False,
        min_value=1,
        max_value=VISIT_INTERVAL_MAX_DAYS,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "invalid": "Enter the number of days as a whole number, like 14",
            "min_value": f"Enter a number of days from 1 to {VISIT_INTERVAL_MAX_DAYS}",
            "max_value": f"Enter a number of days from 1 to {VISIT_INTERVAL_MAX_DAYS}",
        },
    )
    unannounced_visits_required = forms.BooleanField(
        label="The conference asked for some visits to be unannounced", required=False
    )

    def __init__(
        self,
        *args: Any,
        leads: Sequence[Professional],
        members: Sequence[Person] = (),
        owners: Sequence[Person] = (),
        making: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.making = making
        self._leads = {str(lead.public_id): lead for lead in leads}
        lead_field = cast("forms.ChoiceField", self.fields["lead_professional"])
        lead_field.choices = [
            ("", "Choose a social worker"),
            *((key, f"{p.full_name}, {p.agency.name}") for key, p in self._leads.items()),
        ]
        self._members = _People(members)
        self._owners = _People(owners)
        if making:
            field = forms.MultipleChoiceField(
                label="Core group",
                help_text="The professionals and family members who will carry out the plan. The lead professional "
                "joins it anyway. You can add others on the plan's page.",
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=self._members.choices,
                error_messages={"invalid_choice": "Choose people from the list"},
            )
            self.fields["members"] = field
            for number in range(1, ACTION_ROWS + 1):
                self.fields[f"action_{number}_what"] = forms.CharField(
                    label=f"Action {number}: what will be done",
                    required=False,
                    max_length=WHAT_MAX_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
                self.fields[f"action_{number}_owner"] = forms.ChoiceField(
                    label=f"Action {number}: who will do it",
                    required=False,
                    choices=[("", "Choose someone"), *self._owners.choices],
                    error_messages={"invalid_choice": "Choose someone from the list"},
                )
                self.fields[f"action_{number}_due_on"] = GovukDateField(
                    label=f"Action {number}: by when", what=f"the date action {number} is due", required=False
                )
        else:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)

    def clean_lead_professional(self) -> Professional:
        return self._leads[self.cleaned_data["lead_professional"]]

    def clean_members(self) -> list[Person]:
        return [self._members.by_key[key] for key in self.cleaned_data["members"]]

    def actions(self) -> list[ActionInput]:
        """The action rows filled in (a row left wholly blank is skipped)."""
        rows: list[ActionInput] = []
        for number in range(1, ACTION_ROWS + 1):
            what = self.cleaned_data.get(f"action_{number}_what", "")
            owner_key = self.cleaned_data.get(f"action_{number}_owner", "")
            due_on = self.cleaned_data.get(f"action_{number}_due_on")
            if not (what or owner_key or due_on):
                continue
            rows.append(ActionInput(what=what, owner=self._owners.by_key.get(owner_key), due_on=due_on))
        return rows


class ActionForm(forms.Form):
    """One new action: what, who and by when (R-DE-5)."""

    what = forms.CharField(
        label="What will be done",
        max_length=WHAT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what will be done"},
    )
    owner = forms.ChoiceField(
        label="Who will do it",
        error_messages={"required": "Choose who will do it", "invalid_choice": "Choose who will do it"},
    )
    due_on = GovukDateField(label="By when", what="the date it is due")

    def __init__(self, *args: Any, owners: Sequence[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._owners = _People(owners)
        cast("forms.ChoiceField", self.fields["owner"]).choices = [
            ("", "Choose someone"),
            *self._owners.choices,
        ]

    def action(self) -> ActionInput:
        return ActionInput(
            what=self.cleaned_data["what"],
            owner=self._owners.by_key.get(self.cleaned_data["owner"]),
            due_on=self.cleaned_data["due_on"],
        )


class ActionStatusForm(forms.Form):
    """How an action is going."""

    status = forms.ChoiceField(
        label="How is it going?",
        widget=forms.RadioSelect,
        choices=ActionStatus.choices,
        error_messages={
            "required": "Select how the action is going",
            "invalid_choice": "Select how the action is going",
        },
    )
    status_note = forms.CharField(
        label="Progress note",
        help_text="Needed if the action was not done.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class MemberForm(forms.Form):
    """Someone to add to the core group (R-PL-3)."""

    member = forms.ChoiceField(
        label="Who is joining the core group?",
        error_messages={"required": "Choose who is joining", "invalid_choice": "Choose who is joining"},
    )

    def __init__(self, *args: Any, people: Sequence[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._people = _People(people)
        cast("forms.ChoiceField", self.fields["member"]).choices = [
            ("", "Choose someone"),
            *self._people.choices,
        ]

    def clean_member(self) -> Person:
        return self._people.by_key[self.cleaned_data["member"]]


class ChildInNeedForm(forms.Form):
    """Starting a child in need plan (R-DE-6)."""

    family_consent_on = GovukDateField(
        label="When did the family agree to the plan?", what="the date the family agreed"
    )
    lead_professional = forms.ChoiceField(
        label="Lead professional",
        error_messages={
            "required": "Choose the lead professional",
            "invalid_choice": "Choose the lead professional",
        },
    )
    needs = forms.CharField(
        label="The child's needs and the help the family will get",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the child's needs and the help the family will get"},
    )

    def __init__(self, *args: Any, leads: Sequence[Professional], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._leads = {str(lead.public_id): lead for lead in leads}
        cast("forms.ChoiceField", self.fields["lead_professional"]).choices = [
            ("", "Choose someone"),
            *((key, f"{p.full_name}, {p.agency.name}") for key, p in self._leads.items()),
        ]

    def clean_lead_professional(self) -> Professional:
        return self._leads[self.cleaned_data["lead_professional"]]
