"""The GOV.UK form renderer: what any Django form looks like with {{ form }}."""

from __future__ import annotations

from django import forms
from django.template import Context, Template

from cpconf.web.forms import GovukFormRenderer, error_summary_items
from tests.web.html import normalise


class ConferenceNoteForm(forms.Form):
    """A made-up form with one of each supported widget."""

    venue = forms.CharField(label="Venue", help_text="For example, the family centre on Larch Road.")
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    category = forms.ChoiceField(
        label="Category", choices=[("neglect", "Neglect"), ("emotional", "Emotional abuse")]
    )
    attendees = forms.IntegerField(
        label="Number of attendees", widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"})
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        if cleaned.get("venue") == "Nowhere":
            raise forms.ValidationError("Check the venue and the number of attendees together")
        return cleaned


def test_the_renderer_is_the_one_settings_name() -> None:
    assert ConferenceNoteForm().renderer.__class__ is GovukFormRenderer


def test_a_field_with_a_hint_and_an_error_is_described_by_both_in_govuk_order() -> None:
    form = ConferenceNoteForm(data={"venue": "", "category": "neglect", "attendees": "4"})
    expected = """
        <div class="govuk-form-group govuk-form-group--error">
          <label class="govuk-label" for="id_venue">Venue</label>
          <div id="id_venue-hint" class="govuk-hint">For example, the family centre on Larch Road.</div>
          <p id="id_venue-error" class="govuk-error-message">
            <span class="govuk-visually-hidden">Error:</span> This field is required.
          </p>
          <input type="text" name="venue" class="govuk-input govuk-input--error"
            aria-describedby="id_venue-hint id_venue-error" id="id_venue">
        </div>
    """
    assert normalise(form["venue"].as_field_group()) == normalise(expected)


def test_textarea_select_and_width_classes_get_their_govuk_classes_and_no_required_attribute() -> None:
    html = str(ConferenceNoteForm())
    assert 'class="govuk-textarea"' in html
    assert 'class="govuk-select"' in html
    assert 'class="govuk-input govuk-input--width-3"' in html
    assert " required" not in html


def test_the_error_summary_lists_form_errors_first_then_fields_in_page_order() -> None:
    form = ConferenceNoteForm(data={"venue": "Nowhere", "category": "", "attendees": "many"})
    assert error_summary_items(form) == [
        {"text": "Check the venue and the number of attendees together", "href": "#id_venue"},
        {"text": "This field is required.", "href": "#id_category"},
        {"text": "Enter a whole number.", "href": "#id_attendees"},
    ]


def test_the_error_summary_tag_writes_nothing_for_a_valid_or_unbound_form() -> None:
    template = Template("{% load cpconf_web %}{% govuk_error_summary form %}")
    assert template.render(Context({"form": ConferenceNoteForm()})) == ""
    valid = ConferenceNoteForm(data={"venue": "Larch Road", "category": "neglect", "attendees": "4"})
    assert valid.is_valid()
    assert template.render(Context({"form": valid})) == ""


def test_the_error_summary_tag_renders_the_govuk_component_for_an_invalid_form() -> None:
    template = Template("{% load cpconf_web %}{% govuk_error_summary form %}")
    form = ConferenceNoteForm(data={"venue": "", "category": "neglect", "attendees": "4"})
    html = template.render(Context({"form": form}))
    assert 'data-module="govuk-error-summary"' in html
    assert '<a href="#id_venue">This field is required.</a>' in html


def test_capture_puts_rendered_markup_into_a_variable() -> None:
    template = Template(
        "{% load cpconf_web %}{% capture as note %}<p>{{ name }}</p>{% endcapture %}[{{ note }}]"
    )
    assert template.render(Context({"name": "<b>Ash</b>"})) == "[<p>&lt;b&gt;Ash&lt;/b&gt;</p>]"
