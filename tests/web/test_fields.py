"""GOV.UK radios, checkboxes and date input as form fields (cpconf.web.fields): their markup, the ids the
error summary links to, and the date input's messages."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms

from cpconf.web.fields import CheckboxesField, DateInputField, RadiosField
from cpconf.web.forms import error_summary_items


class ExampleForm(forms.Form):
    colour = RadiosField(
        label="Which colour?",
        legend_classes="govuk-fieldset__legend--m",
        choices=[("red", "Red"), ("blue", "Blue")],
        help_text="Pick one.",
        item_hints={"blue": "Like the sea"},
        error_messages={"required": "Select a colour"},
    )
    rooms = CheckboxesField(
        label="Which rooms?",
        choices=[("hall", "Hall"), ("kitchen", "Kitchen"), ("all", "Every room")],
        exclusive="all",
        error_messages={"required": "Select the rooms"},
    )
    moved_on = DateInputField(name="Date moved", label="When did they move?", required=False)


def test_radios_render_as_a_govuk_fieldset_with_item_hints() -> None:
    html = str(ExampleForm()["colour"].as_field_group())
    assert '<fieldset class="govuk-fieldset" aria-describedby="id_colour_0-hint">' in html
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--m">Which colour?</legend>' in html
    assert '<div class="govuk-radios" data-module="govuk-radios">' in html
    assert (
        '<input class="govuk-radios__input" id="id_colour_0" name="colour" type="radio" value="red">' in html
    )
    assert '<label class="govuk-label govuk-radios__label" for="id_colour_1">Blue</label>' in html
    assert 'aria-describedby="id_colour_1-item-hint"' in html
    assert '<div id="id_colour_1-item-hint" class="govuk-hint govuk-radios__hint">Like the sea</div>' in html


def test_errors_are_in_the_fieldset_and_the_summary_links_to_the_first_option() -> None:
    form = ExampleForm({})
    assert not form.is_valid()
    html = str(form["colour"].as_field_group())
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    assert 'aria-describedby="id_colour_0-hint id_colour_0-error"' in html
    assert '<p id="id_colour_0-error" class="govuk-error-message">' in html
    assert error_summary_items(form) == [
        {"text": "Select a colour", "href": "#id_colour_0"},
        {"text": "Select the rooms", "href": "#id_rooms_0"},
    ]


def test_checkboxes_keep_what_was_ticked_and_the_exclusive_choice_stands_for_all() -> None:
    form = ExampleForm({"colour": "red", "rooms": ["kitchen"]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["rooms"] == ["kitchen"]
    html = str(form["rooms"].as_field_group())
    assert 'value="kitchen" checked>' in html
    assert '<div class="govuk-checkboxes__divider">or</div>' in html
    assert 'value="all" data-behaviour="exclusive">' in html
    form = ExampleForm({"colour": "red", "rooms": ["hall", "all"]})
    assert form.is_valid()
    assert form.cleaned_data["rooms"] == ["hall", "kitchen"]


@pytest.mark.parametrize(
    ("parts", "result"),
    [
        (("", "", ""), None),
        (("7", "3", "2026"), date(2026, 3, 7)),
        ((" 07 ", "03", "2026"), date(2026, 3, 7)),
        (("7", "", "2026"), "Date moved must include a month"),
        (("", "", "2026"), "Date moved must include a day and a month"),
        (("30", "2", "2026"), "Date moved must be a real date, for example 27 3 2026"),
        (("7", "3", "26"), "Date moved must be a real date, for example 27 3 2026"),
        (("9" * 20, "3", "2026"), "Date moved must be a real date, for example 27 3 2026"),
        (("7", "3", "0000"), "Date moved must be a real date, for example 27 3 2026"),
        (
            ("\N{ARABIC-INDIC DIGIT SEVEN}", "3", "2026"),
            "Date moved must be a real date, for example 27 3 2026",
        ),
    ],
)
def test_the_date_input_reads_three_boxes(parts: tuple[str, str, str], result: date | str | None) -> None:
    day, month, year = parts
    form = ExampleForm(
        {
            "colour": "red",
            "rooms": ["hall"],
            "moved_on_day": day,
            "moved_on_month": month,
            "moved_on_year": year,
        }
    )
    if isinstance(result, str):
        assert not form.is_valid()
        assert form.errors["moved_on"] == [result]
        html = str(form["moved_on"].as_field_group())
        assert html.count("govuk-input--error") == 3
        assert error_summary_items(form) == [{"text": result, "href": "#id_moved_on_day"}]
    else:
        assert form.is_valid(), form.errors
        assert form.cleaned_data["moved_on"] == result


def test_a_required_date_says_what_to_enter_and_an_initial_date_fills_the_boxes() -> None:
    class Required(forms.Form):
        told_on = DateInputField(name="The date they were told", label="When?")

    form = Required({})
    assert not form.is_valid()
    assert form.errors["told_on"] == ["Enter the date they were told"]
    html = str(Required(initial={"told_on": date(2026, 3, 7)})["told_on"].as_field_group())
    assert '<fieldset class="govuk-fieldset" role="group" aria-describedby="id_told_on_day-hint">' in html
    assert '<div class="govuk-date-input" id="id_told_on">' in html
    assert 'id="id_told_on_month" name="told_on_month" type="text" inputmode="numeric" value="3"' in html
    assert 'id="id_told_on_year" name="told_on_year" type="text" inputmode="numeric" value="2026"' in html
    assert "For example, 27 3 2026" in html
