"""Schemas several routers share: errors, references to other records, and the types of what is sent.

Every identifier is a record's public UUID; primary keys never appear. Text sent to the API is refused if
it holds control characters (which no person types, and which PostgreSQL cannot store); dates and times
must fall between 2000 and 2099, so that nothing sent can overflow the statutory clock's arithmetic.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, AwareDatetime, Field

# Errors


class Error(Schema):
    """A refusal: 401 (not signed in), 403 (may see but may not do this), 404 (no such record, or not
    yours), 409 (someone else changed it first)."""

    detail: str = Field(description="What went wrong, in plain English.")


class FieldError(Schema):
    field: str | None = Field(
        description="The field the message is about, as sent ('starts_at', 'children_left_out.0.reason'); "
        "null when it is about the request as a whole."
    )
    location: str = Field(description="Where the field was: 'body', 'query' or 'path'.")
    message: str = Field(description="What to change, in plain English.")


class ValidationErrorOut(Schema):
    """422: what was sent cannot be accepted, and why, field by field."""

    detail: str = Field(description="A summary: the one problem, or how many there are.")
    errors: list[FieldError]


#: The refusals every operation may answer with, besides its own success.
REFUSALS: dict[int, type[Schema]] = {401: Error, 403: Error, 422: ValidationErrorOut}
#: ... and those of an operation on one record.
RECORD_REFUSALS: dict[int, type[Schema]] = {**REFUSALS, 404: Error}
#: ... and those of a change that carries ``expected_version``.
CHANGE_REFUSALS: dict[int, type[Schema]] = {**RECORD_REFUSALS, 409: Error}


# The types of what is sent

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)


def _no_control_characters(text: str) -> str:
    for character in text:
        code = ord(character)
        if (code < 32 and character not in "\t\n\r") or code == 127 or 0xD800 <= code <= 0xDFFF:
            raise ValueError("Remove the control characters from this text.")
    return text


def _in_range(day: date) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError("Give a date between 1 January 2000 and 31 December 2099.")
    return day


def _moment_in_range(moment: datetime) -> datetime:
    _in_range(moment.date())
    return moment


#: Text a person wrote: a reason, notes, an address. At most 5,000 characters.
Text = Annotated[str, Field(max_length=5000), AfterValidator(_no_control_characters)]
#: A short line of text. At most 200 characters.
ShortText = Annotated[str, Field(max_length=200), AfterValidator(_no_control_characters)]
#: A calendar date, as 2026-11-20.
Day = Annotated[date, AfterValidator(_in_range)]
#: A moment with its offset from UTC, as 2026-11-20T10:00:00+00:00.
Moment = Annotated[AwareDatetime, AfterValidator(_moment_in_range)]


# References to other records, in answers


class Ref(Schema):
    """Another record, by public identifier and name."""

    id: uuid.UUID
    name: str


class ChildRef(Schema):
    """A child a record is about, by public identifier and name."""

    id: uuid.UUID
    name: str
