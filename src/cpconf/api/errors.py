"""Every refusal as JSON in plain English, never a 500 (docs/api.md, "Errors").

* ``django.core.exceptions.ValidationError`` from a service: 422, field by field (the service's field
  names become the API's: ``household`` is ``household_id``).
* ``StaleEditError`` (someone changed the conference since the client read it): 409, saying who and when.
* ``Http404`` from a gateway: 404 with its message, the same for "missing" and "not yours".
* ``PermissionDenied``: 403. Authentication: 401 with ``WWW-Authenticate``.
* What ninja refuses before a handler runs (a missing field, a date that is not a date, a body that is
  not JSON): 422, with pydantic's messages put in plain English.
* A date the authority's policy has no timescales for (before it came into force): 422.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, cast

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from cpconf.api.auth import NOT_SIGNED_IN
from cpconf.conferences.services.scheduling import StaleEditError
from cpconf.timescales.errors import PolicyNotInForceError

#: The code of a service's ``ValidationError`` for a record changed since it was read: 409, not 422.
STALE_CODE = "stale"

#: The services' field names that the API names differently.
SERVICE_FIELDS = {
    "household": "household_id",
    "strategy_discussion": "strategy_discussion_id",
    "chair": "chair_id",
    "minute_taker": "minute_taker_id",
}


class ServiceRefusal(Exception):
    """A service's ``ValidationError``, with how this operation names the fields it is about."""

    def __init__(self, error: DjangoValidationError, fields: Mapping[str, str] | None = None) -> None:
        self.error = error
        self.fields = {**SERVICE_FIELDS, **(fields or {})}
        super().__init__(error)


def field_error(field: str | None, message: str, location: str = "body") -> dict[str, Any]:
    return {"field": field, "location": location, "message": message}


def validation_response(api: NinjaAPI, request: HttpRequest, errors: list[dict[str, Any]]) -> HttpResponse:
    if len(errors) == 1:
        detail = errors[0]["message"]
    else:
        detail = f"There are {len(errors)} problems with what you sent: see 'errors'."
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


def _service_errors(refusal: ServiceRefusal) -> list[dict[str, Any]]:
    error = refusal.error
    if not hasattr(error, "error_dict"):
        return [field_error(None, message) for message in error.messages]
    errors: list[dict[str, Any]] = []
    for field, messages in error.message_dict.items():
        name = None if field == NON_FIELD_ERRORS else refusal.fields.get(field, field)
        errors.extend(field_error(name, message) for message in messages)
    return errors


# Pydantic's error types, in plain English. {…} takes the error's context.
_PLAIN = {
    "missing": "Give this: it is required.",
    "string_type": "Give text here.",
    "int_type": "Give a whole number.",
    "int_parsing": "Give a whole number.",
    "int_from_float": "Give a whole number.",
    "greater_than_equal": "Give a number of at least {ge}.",
    "less_than_equal": "Give a number of at most {le}.",
    "greater_than": "Give a number greater than {gt}.",
    "less_than": "Give a number less than {lt}.",
    "bool_type": "Give true or false.",
    "bool_parsing": "Give true or false.",
    "date_type": "Give a date in the form 2026-11-20.",
    "date_parsing": "Give a date in the form 2026-11-20.",
    "date_from_datetime_parsing": "Give a date in the form 2026-11-20.",
    "date_from_datetime_inexact": "Give a date in the form 2026-11-20, without a time.",
    "datetime_type": "Give a date and time with its offset from UTC, in the form 2026-11-20T10:00:00+00:00.",
    "datetime_parsing": "Give a date and time with its offset from UTC, in the form 2026-11-20T10:00:00+00:00.",
    "datetime_from_date_parsing": "Give a date and time with its offset from UTC, in the form "
    "2026-11-20T10:00:00+00:00.",
    "timezone_aware": "Give the time with its offset from UTC, for example 2026-11-20T10:00:00+00:00.",
    "uuid_type": "Give an identifier in the form 3fa85f64-5717-4562-b3fc-2c963f66afa6.",
    "uuid_parsing": "Give an identifier in the form 3fa85f64-5717-4562-b3fc-2c963f66afa6.",
    "enum": "Choose one of: {expected}.",
    "literal_error": "Choose one of: {expected}.",
    "list_type": "Give a list here.",
    "dict_type": "Give a JSON object here.",
    "model_type": "Give a JSON object here.",
    "model_attributes_type": "Give a JSON object here.",
    "extra_forbidden": "This field is not part of this operation: remove it.",
    "json_invalid": "The body is not valid JSON.",
}


# Lengths, with the right plural: (at least?, what is counted).
_COUNTED = {
    "string_too_short": (True, "character"),
    "string_too_long": (False, "character"),
    "too_short": (True, "item"),
    "too_long": (False, "item"),
}


def plain_message(error: Mapping[str, Any]) -> str:
    """One of pydantic's errors, in words a person can act on."""
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    if kind in {"value_error", "assertion_error"} and "error" in context:
        return str(context["error"])  # our own validators' messages are plain already
    if kind in _COUNTED:
        least, what = _COUNTED[kind]
        number = int(context.get("min_length" if least else "max_length", 0))
        return f"Give at {'least' if least else 'most'} {number} {what}{'' if number == 1 else 's'}."
    template = _PLAIN.get(kind)
    if template is None:
        return "This value cannot be accepted here."
    try:
        return template.format(**{key: str(value) for key, value in context.items()})
    except (KeyError, IndexError):
        return template.split(":")[0] + "."


_LOCATIONS = {"body": "body", "query": "query", "path": "path"}


def _field_and_location(loc: Iterable[Any]) -> tuple[str | None, str]:
    parts = list(loc)
    location = _LOCATIONS.get(str(parts[0]), "body") if parts else "body"
    # ninja names the body parameter ("payload") and query schemas ("filters") inside the location.
    rest = [str(part) for part in parts[1:] if str(part) not in {"payload", "filters", "pagination"}]
    return (".".join(rest) or None), location


def _ninja_errors(exc: NinjaValidationError) -> list[dict[str, Any]]:
    errors = []
    for error in exc.errors:
        field, location = _field_and_location(error.get("loc", ()))
        errors.append(field_error(field, plain_message(error), location))
    return errors


def _handle[E: Exception](
    api: NinjaAPI, exception: type[E], handler: Callable[[HttpRequest, E], HttpResponse]
) -> None:
    # ninja types a handler as taking the exception or its class; it only ever passes the exception.
    api.add_exception_handler(exception, cast(Any, handler))


def install(api: NinjaAPI) -> None:
    """Install the handlers on ``api`` (after ninja's own, which they replace)."""

    def on_service_refusal(request: HttpRequest, exc: ServiceRefusal) -> HttpResponse:
        if isinstance(exc.error, StaleEditError):
            return api.create_response(request, {"detail": " ".join(exc.error.messages)}, status=409)
        return validation_response(api, request, _service_errors(exc))

    def on_stale(request: HttpRequest, exc: StaleEditError) -> HttpResponse:
        return api.create_response(request, {"detail": " ".join(exc.messages)}, status=409)

    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return validation_response(api, request, _service_errors(ServiceRefusal(exc)))

    def on_ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return validation_response(api, request, _ninja_errors(exc))

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # The gateways' messages say "missing or not yours" without telling which.
        message = str(exc) or "There is nothing at this address."
        return api.create_response(request, {"detail": message}, status=404)

    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) or "Your roles do not include doing this."
        return api.create_response(request, {"detail": message}, status=403)

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            # ninja's "Cannot parse request body": a body that is not JSON.
            return validation_response(api, request, [field_error(None, _PLAIN["json_invalid"])])
        message = exc.message
        if isinstance(exc, AuthenticationError) and message == "Unauthorized":
            message = NOT_SIGNED_IN
        response = api.create_response(request, {"detail": message}, status=exc.status_code)
        if exc.status_code == 401:
            response["WWW-Authenticate"] = 'Bearer realm="cpconf"'
        return response

    def on_no_timescales(request: HttpRequest, exc: PolicyNotInForceError) -> HttpResponse:
        return validation_response(
            api,
            request,
            [field_error(None, f"Your authority's timescales do not cover that date: {exc}")],
        )

    _handle(api, ServiceRefusal, on_service_refusal)
    _handle(api, StaleEditError, on_stale)
    _handle(api, DjangoValidationError, on_django_validation)
    _handle(api, NinjaValidationError, on_ninja_validation)
    _handle(api, Http404, on_not_found)
    _handle(api, PermissionDenied, on_permission_denied)
    _handle(api, HttpError, on_http_error)
    _handle(api, PolicyNotInForceError, on_no_timescales)


@contextmanager
def service_fields(**fields: str) -> Iterator[None]:
    """Around a service call: its ``ValidationError`` becomes a 422 whose fields are named as this
    operation names them (``children="children_left_out"``). A stale edit stays a 409, and so does a
    ``ValidationError`` whose code is "stale" (a report changed since it was read)."""
    try:
        yield
    except StaleEditError:
        raise
    except DjangoValidationError as error:
        if getattr(error, "code", None) == STALE_CODE:
            raise HttpError(409, " ".join(error.messages)) from error
        raise ServiceRefusal(error, fields) from error


def refuse(field: str | None, message: str) -> DjangoValidationError:
    """A 422 about one field of what was sent (raise it)."""
    return DjangoValidationError({field or NON_FIELD_ERRORS: message})
