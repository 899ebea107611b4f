"""Django validators for the national identifiers (see ``identifiers.py``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from cpconf.people import identifiers


def validate_nhs_number(value: str) -> None:
    try:
        identifiers.normalise_nhs_number(value)
    except ValueError as error:
        raise ValidationError(str(error), code="invalid_nhs_number") from None


def validate_upn(value: str) -> None:
    try:
        identifiers.normalise_upn(value)
    except ValueError as error:
        raise ValidationError(str(error), code="invalid_upn") from None


def validate_email_domain(value: str) -> None:
    labels = value.split(".")
    if (
        len(labels) < 2
        or value != value.lower()
        or any(not label or not label.replace("-", "").isalnum() for label in labels)
        or any(label.startswith("-") or label.endswith("-") for label in labels)
    ):
        raise ValidationError(
            "Enter a domain name in lower case, without @, for example northbridge.gov.uk.",
            code="invalid_domain",
        )
