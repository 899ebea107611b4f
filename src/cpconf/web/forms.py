"""GOV.UK form rendering, the sign-in form, and the forms for a code from an authenticator app.

``FORM_RENDERER = "cpconf.web.forms.GovukFormRenderer"`` makes ``{{ form }}`` render GOV.UK form
groups: a label, the hint (the field's ``help_text``), the error message with its visually hidden
"Error:" prefix, and the control with GOV.UK's classes and ``aria-describedby`` pointing at the hint
and the error. The error summary at the top of the page comes from ``{% govuk_error_summary form %}``.

Supported: text-like inputs (text, email, number, telephone, URL, search), password (GOV.UK's
password input, with its "Show" button), textarea, select, radios (RadioSelect; hints per choice from
the field's ``choice_hints``), checkboxes (CheckboxSelectMultiple, or one CheckboxInput) and the date
input (``GovukDateField``). Any other widget falls back to a plain GOV.UK form group.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, time
from typing import Any, cast

from django import forms
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.forms.utils import ErrorList
from django.http import HttpRequest

from cpconf.people.models import User
from cpconf.people.selectors import has_closed_professional_record
from cpconf.web.two_factor import is_app_code, is_recovery_code, normalise_code

# Widget type (BoundField.widget_type) → the field template that ports its GOV.UK component.
_FIELD_TEMPLATES = {
    "text": "govuk/forms/form-group.html",
    "email": "govuk/forms/form-group.html",
    "number": "govuk/forms/form-group.html",
    "tel": "govuk/forms/form-group.html",
    "url": "govuk/forms/form-group.html",
    "search": "govuk/forms/form-group.html",
    "textarea": "govuk/forms/form-group.html",
    "select": "govuk/forms/form-group.html",
    "password": "govuk/forms/password-input.html",
    "radioselect": "govuk/forms/radios.html",
    "checkboxselectmultiple": "govuk/forms/checkboxes.html",
    "checkbox": "govuk/forms/checkboxes.html",
    "govukdate": "govuk/forms/date-input.html",
}
# Widgets of several controls: the error summary and the hint belong to the first one (GOV.UK).
_GROUPED_WIDGETS = frozenset({"radioselect", "checkboxselectmultiple", "govukdate"})
_FALLBACK_FIELD_TEMPLATE = "govuk/forms/field.html"

# Widget type → (the control's own classes, its error modifier), in GOV.UK's order.
_CONTROL_CLASSES = {
    "text": ("govuk-input", "govuk-input--error"),
    "email": ("govuk-input", "govuk-input--error"),
    "number": ("govuk-input", "govuk-input--error"),
    "tel": ("govuk-input", "govuk-input--error"),
    "url": ("govuk-input", "govuk-input--error"),
    "search": ("govuk-input", "govuk-input--error"),
    "password": (
        "govuk-input govuk-password-input__input govuk-js-password-input-input",
        "govuk-input--error",
    ),
    "textarea": ("govuk-textarea", "govuk-textarea--error"),
    "select": ("govuk-select", "govuk-select--error"),
}


def _messages(errors: ErrorList) -> Sequence[str]:
    """The messages in `errors`. An ErrorList gives each error as its message text (it unwraps a
    ValidationError when indexed or iterated); django-stubs types its items as what it stores."""
    return cast("Sequence[str]", errors)


class GovukBoundField(BoundField):
    """A bound field that renders as a GOV.UK form group."""

    @property
    def template_name(self) -> str:
        # Field.template_name (Django 5.0) is missing from django-stubs' Field.
        template_name: str | None = self.field.template_name  # type: ignore[attr-defined]
        return template_name or _FIELD_TEMPLATES.get(self.widget_type, _FALLBACK_FIELD_TEMPLATE)

    @property
    def id_for_label(self) -> str:
        # Radios, checkboxes and dates: the first control (Django gives a group no id to label).
        if self.widget_type in _GROUPED_WIDGETS and self.auto_id:
            return f"{self.auto_id}_0"
        return super().id_for_label

    @property
    def hint_id(self) -> str:
        return f"{self.id_for_label}-hint" if self.help_text and self.id_for_label else ""

    @property
    def error_id(self) -> str:
        return f"{self.id_for_label}-error" if self.errors and self.id_for_label else ""

    @property
    def error_message(self) -> str:
        """The message shown beside the field: GOV.UK shows one per field, the first."""
        return _messages(self.errors)[0] if self.errors else ""

    @property
    def aria_describedby(self) -> str | None:
        # GOV.UK's ids and order: the hint, then the error. A widget's own aria-describedby wins.
        if self.field.widget.attrs.get("aria-describedby"):
            return None
        return " ".join(part for part in (self.hint_id, self.error_id) if part)

    def build_widget_attrs(self, attrs: dict[str, Any], widget: forms.Widget | None = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        # GOV.UK validates on the server and shows the error summary, with `novalidate` on the form;
        # `required` would also make screen readers announce every field as required, and GOV.UK marks
        # optional fields instead. GOV.UK also leaves out aria-invalid: the error message says it.
        attrs.pop("required", None)
        attrs.pop("aria-invalid", None)
        widget = widget or self.field.widget
        classes = _CONTROL_CLASSES.get(self.widget_type)
        if classes is not None:
            base, error_modifier = classes
            parts = [base, widget.attrs.get("class", ""), error_modifier if self.errors else ""]
            attrs["class"] = " ".join(part for part in parts if part)
        if self.widget_type == "password":
            attrs.setdefault("spellcheck", "false")
            attrs.setdefault("autocapitalize", "none")
            if "autocomplete" not in widget.attrs:
                attrs.setdefault("autocomplete", "current-password")
        return attrs


class GovukFormRenderer(DjangoTemplates):
    form_template_name = "govuk/forms/form.html"
    field_template_name = _FALLBACK_FIELD_TEMPLATE
    bound_field_class = GovukBoundField


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year as three inputs (GOV.UK date input)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date entered as day, month and year, with GOV.UK's error messages ("Date of ... must include a
    month", "must be a real date"). ``what`` names the date in messages: "the date of the discussion"."""

    widget = GovukDateWidget

    def __init__(self, *, what: str, **kwargs: Any) -> None:
        self.what = what
        kwargs.setdefault("help_text", "For example, 27 3 2027")
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def clean(self, value: Any) -> date | None:
        parts = [str(part).strip() if part is not None else "" for part in (value or ["", "", ""])]
        if not any(parts):
            if self.required:
                raise forms.ValidationError(f"Enter {self.what}.", code="required")
            return None
        missing = [name for name, part in zip(("day", "month", "year"), parts, strict=True) if not part]
        if missing:
            raise forms.ValidationError(f"{self.what.capitalize()} must include a {' and a '.join(missing)}.")
        if not all(part.isascii() and part.isdigit() for part in parts) or len(parts[2]) != 4:
            raise forms.ValidationError(
                f"{self.what.capitalize()} must be a real date, for example 27 3 2027."
            )
        try:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
        except (ValueError, OverflowError):  # OverflowError: a day or month of twenty digits
            raise forms.ValidationError(f"{self.what.capitalize()} must be a real date.") from None

    def compress(self, data_list: list[Any]) -> None:  # pragma: no cover - clean() does the work
        return None


_TIME = re.compile(r"^(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<half>am|pm)?$")


class TimeOfDayField(forms.CharField):
    """A time of day typed as people write it: "10am", "2:30pm", "14:30", "9.15am"."""

    def __init__(self, *, what: str, **kwargs: Any) -> None:
        self.what = what
        kwargs.setdefault("help_text", "For example, 10am, 2:30pm or 14:30")
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("class", "govuk-input--width-5")
        self.widget.attrs.setdefault("autocomplete", "off")

    def clean(self, value: Any) -> time | None:
        text = super().clean(value)
        if not text:
            return None
        match = _TIME.match(text.strip().lower().replace(" ", ""))
        if match is None:
            raise forms.ValidationError(f"Enter {self.what} like 10am, 2:30pm or 14:30.")
        hour, minute, half = int(match["hour"]), int(match["minute"] or 0), match["half"]
        if half:
            if not 1 <= hour <= 12:
                raise forms.ValidationError(f"Enter {self.what} like 10am, 2:30pm or 14:30.")
            hour = hour % 12 + (12 if half == "pm" else 0)
        if hour > 23 or minute > 59:
            raise forms.ValidationError(f"{self.what.capitalize()} must be a real time.")
        return time(hour, minute)


def add_service_errors(
    form: forms.BaseForm, error: ValidationError, fields: dict[str, str] | None = None
) -> None:
    """Show a service's ``ValidationError`` on ``form``: each message keyed by a field the form has (or that
    ``fields`` maps to one of its fields) beside that field, every other message at the top."""
    fields = fields or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, messages in error.message_dict.items():
        field = fields.get(key, key)
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


def error_summary_items(form: forms.BaseForm) -> list[dict[str, str]]:
    """The error summary's entries for a form, in page order: errors about the whole form first (linked
    to its first field, where the person starts to put it right), then each field's first error."""
    visible = form.visible_fields()
    first_href = f"#{visible[0].id_for_label}" if visible and visible[0].id_for_label else ""
    items = [{"text": message, "href": first_href} for message in _messages(form.non_field_errors())]
    for field in form.hidden_fields():
        items.extend({"text": message, "href": first_href} for message in _messages(field.errors))
    for field in visible:
        if field.errors:
            href = f"#{field.id_for_label}" if field.id_for_label else ""
            items.append({"text": _messages(field.errors)[0], "href": href})
    return items


class SignInForm(forms.Form):
    """Email address and password. One message for any wrong pair, so it never reveals who has an account."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    WRONG_PAIR = "The email address or password is not right"

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        # Django's LoginView passes the request, which authenticate() needs (for lockout and logging).
        self.request = request
        self.user_cache: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()  # returns self.cleaned_data (django-stubs allows None, for subclasses)
        cleaned = self.cleaned_data
        email = cleaned.get("email")
        password = cleaned.get("password")
        if email and password:
            # Addresses are stored in lower case (UserManager), so compare in lower case.
            user = authenticate(self.request, username=email.lower(), password=password)
            # authenticate() returns None for an unknown address, a wrong password and an inactive
            # account alike (ModelBackend refuses inactive users), so all three get the same message.
            if user is None:
                raise forms.ValidationError(self.WRONG_PAIR, code="invalid_login")
            # Someone whose professional record was closed has left: their account is closed too.
            if has_closed_professional_record(user):
                raise forms.ValidationError(self.WRONG_PAIR, code="invalid_login")
            self.user_cache = user
        return cleaned

    def get_user(self) -> User | None:
        return self.user_cache


class CodeField(forms.CharField):
    """A one-time code: a text input with the spacing GOV.UK uses for codes. Its label can be the page's
    heading (``is_page_heading``) or a heading-sized label (``label_classes``)."""

    def __init__(self, *, label_classes: str = "", is_page_heading: bool = False, **kwargs: Any) -> None:
        self.label_classes = label_classes
        self.is_page_heading = is_page_heading
        kwargs.setdefault("template_name", "web/forms/code.html")
        super().__init__(**kwargs)


class AuthenticatorCodeForm(forms.Form):
    """Setting up an authenticator app: the first code it shows proves it has the right key."""

    code = CodeField(
        label="Enter the 6-digit code from your authenticator app",
        label_classes="govuk-label--m",
        help_text="The app shows a new code every 30 seconds.",
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input--width-5 govuk-input--extra-letter-spacing",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not is_app_code(code):
            raise forms.ValidationError("The code must be 6 numbers", code="format")
        return code


class TwoFactorCodeForm(forms.Form):
    """Signing in: a code from the person's app, or one of their recovery codes."""

    code = CodeField(
        label="Enter the code from your authenticator app",
        is_page_heading=True,
        label_classes="govuk-label--l",
        help_text="Open your authenticator app to see your 6-digit code. If you cannot use your app, "
        "enter one of your recovery codes instead.",
        error_messages={"required": "Enter the 6-digit code from your authenticator app, or a recovery code"},
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input--width-10 govuk-input--extra-letter-spacing",
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not (is_app_code(code) or is_recovery_code(code)):
            raise forms.ValidationError(
                "Enter the 6-digit code from your app, or a recovery code of 8 letters and numbers",
                code="format",
            )
        return code
