"""Form fields that render as GOV.UK's radios, checkboxes and date input.

``cpconf.web.forms.GovukFormRenderer`` renders text-like fields itself; these fields add the components
that need a fieldset, each with its own field template under ``govuk/forms/``:

* ``RadiosField``: one choice, as GOV.UK radios (``inline=True`` for two short answers).
* ``CheckboxesField``: several choices, as GOV.UK checkboxes; ``exclusive`` names a choice shown after
  an "or" divider that stands for all the others (GOV.UK's exclusive checkbox: with JavaScript it
  clears the others, without it the form treats it as ticking them all, see ``clean``).
* ``DateInputField``: a date as GOV.UK's three boxes (day, month, year), with GOV.UK's messages for a
  date that is incomplete or not real.

Each takes ``legend_classes`` (for example ``"govuk-fieldset__legend--m"``) and ``item_hints``
(radios and checkboxes: a hint under the choices they name). The error summary links to the first box,
as GOV.UK asks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, cast

from django import forms
from django.forms import BaseForm
from django.forms.boundfield import BoundField

from cpconf.web.forms import GovukBoundField


class _FirstOptionIdMixin:
    """Django leaves ``for`` off a group's label (there is no one control to point at); GOV.UK links the
    error summary and the hint's id to the first option, so the field's id is the first option's."""

    def id_for_label(self, id_: str, index: str | None = "0") -> str:
        if not id_:
            return ""
        return f"{id_}_{index or '0'}"


class GovukRadioSelect(_FirstOptionIdMixin, forms.RadioSelect):
    pass


class GovukCheckboxSelectMultiple(_FirstOptionIdMixin, forms.CheckboxSelectMultiple):
    pass


class ChoiceItemsBoundField(GovukBoundField):
    """A bound radios or checkboxes field, with its options as the template shows them."""

    @property
    def items(self) -> list[dict[str, Any]]:
        field = self.field
        hints: Mapping[str, str] = getattr(field, "item_hints", {}) or {}
        exclusive = getattr(field, "exclusive", None)
        items = []
        for option in self.subwidgets:
            value = str(option.data["value"])
            item_id = str(option.data["attrs"].get("id", ""))
            hint = hints.get(value, "")
            items.append(
                {
                    "id": item_id,
                    "name": option.data["name"],
                    "value": value,
                    "label": option.choice_label,
                    "checked": bool(option.data["selected"]),
                    "hint": hint,
                    "hint_id": f"{item_id}-item-hint" if hint else "",
                    "exclusive": value == exclusive,
                }
            )
        return items


class RadiosField(forms.ChoiceField):
    """One choice, as GOV.UK radios."""

    widget = GovukRadioSelect

    def __init__(
        self,
        *,
        legend_classes: str = "",
        inline: bool = False,
        item_hints: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.legend_classes = legend_classes
        self.inline = inline
        self.item_hints = dict(item_hints or {})
        kwargs.setdefault("template_name", "govuk/forms/radios.html")
        super().__init__(**kwargs)

    def get_bound_field(self, form: BaseForm, field_name: str) -> BoundField:
        return ChoiceItemsBoundField(form, self, field_name)


class CheckboxesField(forms.MultipleChoiceField):
    """Several choices, as GOV.UK checkboxes. With ``exclusive``, that choice (the last, after "or")
    stands for all the others: ``clean`` returns every other choice instead of it."""

    widget = GovukCheckboxSelectMultiple

    def __init__(
        self,
        *,
        legend_classes: str = "",
        item_hints: Mapping[str, str] | None = None,
        exclusive: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.legend_classes = legend_classes
        self.item_hints = dict(item_hints or {})
        self.exclusive = exclusive
        kwargs.setdefault("template_name", "govuk/forms/checkboxes.html")
        super().__init__(**kwargs)

    def get_bound_field(self, form: BaseForm, field_name: str) -> BoundField:
        return ChoiceItemsBoundField(form, self, field_name)

    def clean(self, value: Any) -> list[str]:
        cleaned: list[str] = super().clean(value)
        if self.exclusive is not None and self.exclusive in cleaned:
            choices = cast("list[tuple[Any, Any]]", self.choices)
            return [str(key) for key, _ in choices if str(key) != self.exclusive]
        return cleaned


class DateInputWidget(forms.MultiWidget):
    """Three boxes named ``<name>_day``, ``<name>_month`` and ``<name>_year``."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"day": forms.TextInput, "month": forms.TextInput, "year": forms.TextInput}, attrs)

    def decompress(self, value: Any) -> list[str]:
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year)]
        return ["", "", ""]

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_day" if id_ else ""


class DateInputBoundField(GovukBoundField):
    @property
    def parts(self) -> list[dict[str, str]]:
        value = self.value()
        if not isinstance(value, (list, tuple)):
            value = self.field.widget.decompress(value)
        values = [("" if part is None else str(part)) for part in value]
        values += [""] * (3 - len(values))
        return [
            {
                "id": f"{self.auto_id}_{part}" if self.auto_id else "",
                "name": f"{self.html_name}_{part}",
                "label": label,
                "value": values[index],
                "width": width,
            }
            for index, (part, label, width) in enumerate(
                (("day", "Day", "2"), ("month", "Month", "2"), ("year", "Year", "4"))
            )
        ]


class DateInputField(forms.MultiValueField):
    """A date as GOV.UK's date input. Messages name the date by ``name`` ("Date told"), as GOV.UK's do:
    "Date told must include a month", "Date told must be a real date"."""

    widget = DateInputWidget

    def __init__(
        self, *, name: str, example: str = "27 3 2026", legend_classes: str = "", **kwargs: Any
    ) -> None:
        self.date_name = name
        self.example = example
        self.legend_classes = legend_classes
        kwargs.setdefault("template_name", "govuk/forms/date-input.html")
        kwargs.setdefault("help_text", f"For example, {example}")
        error_messages = {
            "required": f"Enter {name[0].lower()}{name[1:]}",
            **kwargs.pop("error_messages", {}),
        }
        parts = (
            forms.CharField(required=False, max_length=2),
            forms.CharField(required=False, max_length=2),
            forms.CharField(required=False, max_length=4),
        )
        super().__init__(fields=parts, require_all_fields=False, error_messages=error_messages, **kwargs)

    def get_bound_field(self, form: BaseForm, field_name: str) -> BoundField:
        return DateInputBoundField(form, self, field_name)

    def clean(self, value: Any) -> date | None:
        # Check the parts here, not in the parts' own fields, so that every message names the date.
        parts = [str(part or "").strip() for part in (value or [])] + ["", "", ""]
        parts = parts[:3]
        if not any(parts):
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return None
        if not all(parts):
            missing = [
                name for name, part in zip(("a day", "a month", "a year"), parts, strict=True) if not part
            ]
            raise forms.ValidationError(
                f"{self.date_name} must include {' and '.join(missing)}", code="incomplete"
            )
        real_date = f"{self.date_name} must be a real date, for example {self.example}"
        if not all(part.isascii() and part.isdigit() for part in parts) or len(parts[2]) != 4:
            raise forms.ValidationError(real_date, code="invalid")
        try:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
        except (ValueError, OverflowError):  # OverflowError: a day or month of twenty digits
            raise forms.ValidationError(real_date, code="invalid") from None

    def compress(self, data_list: Sequence[Any]) -> date | None:  # pragma: no cover - clean does it all
        return None
