"""The GOV.UK radios, checkboxes, date input and time field of the form renderer."""

from __future__ import annotations

from datetime import date, time

import pytest
from django import forms

from cpconf.web.forms import GovukDateField, TimeOfDayField, error_summary_items


class ExampleForm(forms.Form):
    venue = forms.ChoiceField(
        label="How will people attend?",
        choices=[("in_person", "In person"), ("online", "Online")],
        widget=forms.RadioSelect,
        help_text="Choose one.",
    )
    agencies = forms.MultipleChoiceField(
        label="Agencies",
        choices=[("police", "Police"), ("health", "Health")],
        widget=forms.CheckboxSelectMultiple,
    )
    told = forms.BooleanField(label="Told of the right to bring a supporter", required=False)
    day = GovukDateField(label="Date", what="the date of the conference")
    start = TimeOfDayField(label="Start time", what="the start time")


def test_radios_checkboxes_and_date_render_as_govuk_components_with_linked_errors() -> None:
    form = ExampleForm({"day_0": "31", "day_1": "2", "day_2": "2027", "start": "10am"})
    assert not form.is_valid()
    html = form.as_div()
    assert '<div class="govuk-radios" data-module="govuk-radios">' in html
    assert 'id="id_venue_0" name="venue" type="radio" value="in_person"' in html
    assert 'aria-describedby="id_venue_0-hint id_venue_0-error"' in html
    assert '<div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">' in html
    assert 'id="id_told" name="told" type="checkbox" value="on"' in html
    assert '<fieldset class="govuk-fieldset" role="group"' in html
    assert (
        'class="govuk-input govuk-date-input__input govuk-input--width-4 govuk-input--error" id="id_day_2"'
        in html
    )
    # The error summary links each message to the first control of its group.
    assert error_summary_items(form) == [
        {"text": "This field is required.", "href": "#id_venue_0"},
        {"text": "This field is required.", "href": "#id_agencies_0"},
        {"text": "The date of the conference must be a real date.", "href": "#id_day_0"},
    ]


@pytest.mark.parametrize(
    ("parts", "result"),
    [
        (["3", "12", "2026"], date(2026, 12, 3)),
        (["", "", ""], "Enter the date of the conference."),
        (["3", "", "2026"], "The date of the conference must include a month."),
        (["", "", "2026"], "The date of the conference must include a day and a month."),
        (["3", "12", "26"], "The date of the conference must be a real date, for example 27 3 2027."),
        (["٣", "12", "2026"], "The date of the conference must be a real date, for example 27 3 2027."),
        (["30", "2", "2027"], "The date of the conference must be a real date."),
        (["9" * 20, "2", "2027"], "The date of the conference must be a real date."),
    ],
)
def test_the_date_field_explains_what_is_wrong(parts: list[str], result: object) -> None:
    field = GovukDateField(what="the date of the conference")
    if isinstance(result, date):
        assert field.clean(parts) == result
    else:
        with pytest.raises(forms.ValidationError) as raised:
            field.clean(parts)
        assert raised.value.messages == [result]


@pytest.mark.parametrize(
    ("typed", "result"),
    [
        ("10am", time(10, 0)),
        ("2:30pm", time(14, 30)),
        ("2.30 PM", time(14, 30)),
        ("12pm", time(12, 0)),
        ("12am", time(0, 0)),
        ("14:30", time(14, 30)),
        ("9", time(9, 0)),
        ("13pm", "Enter the start time like 10am, 2:30pm or 14:30."),
        ("25:00", "The start time must be a real time."),
        ("10:75", "The start time must be a real time."),
        ("teatime", "Enter the start time like 10am, 2:30pm or 14:30."),
    ],
)
def test_the_time_field_reads_times_as_people_write_them(typed: str, result: object) -> None:
    field = TimeOfDayField(what="the start time")
    if isinstance(result, time):
        assert field.clean(typed) == result
    else:
        with pytest.raises(forms.ValidationError) as raised:
            field.clean(typed)
        assert raised.value.messages == [result]


class ChoicesForm(forms.Form):
    rooms = forms.MultipleChoiceField(
        label="Which rooms?",
        choices=[("hall", "Hall"), ("kitchen", "Kitchen"), ("all", "Every room")],
        widget=forms.CheckboxSelectMultiple,
    )
    colour = forms.ChoiceField(
        label="Which colour?", choices=[("red", "Red"), ("blue", "Blue")], widget=forms.RadioSelect
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        rooms = self.fields["rooms"]
        rooms.choice_hints = {"kitchen": "Where the cooker is"}  # type: ignore[attr-defined]
        rooms.exclusive = "all"  # type: ignore[attr-defined]
        self.fields["colour"].legend_classes = "govuk-fieldset__legend--m"  # type: ignore[attr-defined]


def test_checkboxes_take_hints_and_an_exclusive_choice_and_a_legend_can_be_larger() -> None:
    html = ChoicesForm(initial={"rooms": ["kitchen"]}).as_div()
    assert (
        'id="id_rooms_1" name="rooms" type="checkbox" value="kitchen" checked '
        'aria-describedby="id_rooms_1-item-hint">' in html
    )
    assert (
        '<div id="id_rooms_1-item-hint" class="govuk-hint govuk-checkboxes__hint">Where the cooker is</div>'
        in html
    )
    assert '<div class="govuk-checkboxes__divider">or</div>' in html
    assert 'value="all" data-behaviour="exclusive">' in html
    assert html.count("data-behaviour") == 1 and html.count("item-hint") == 2
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--m">Which colour?</legend>' in html
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Which rooms?</legend>' in html
