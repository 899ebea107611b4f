"""Check digits of the national identifiers a child may have: NHS number and Unique Pupil Number.

Pure functions: each returns the normalised identifier or raises ``ValueError`` with a message a
person can act on. Django validators wrap them in ``validators.py``.
"""

from __future__ import annotations

import re

_NHS_WEIGHTS = range(10, 1, -1)  # first nine digits, weights 10 down to 2

# The 23 letters a UPN check letter can be (no I, O or S), in value order: A=0 ... Z=22.
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
# [0-9], not \d: \d also matches other scripts' digits, which are not valid in these identifiers.
_UPN_SHAPE = re.compile(r"^[A-Z]([0-9]{12}|[0-9]{11}[A-Z])$")
_NHS_SHAPE = re.compile(r"^[0-9]{10}$")


def normalise_nhs_number(value: str) -> str:
    """Return the ten digits of a valid NHS number, or raise ValueError.

    Spaces and hyphens are allowed in the input (people write "943 476 5919"). The tenth digit is a
    modulus 11 check digit over the first nine, weighted 10 down to 2; a check value of 10 never occurs.
    """
    digits = re.sub(r"[\s-]", "", value)
    if not _NHS_SHAPE.match(digits):
        raise ValueError("An NHS number is 10 digits, for example 943 476 5919.")
    total = sum(int(digit) * weight for digit, weight in zip(digits, _NHS_WEIGHTS, strict=False))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10 or check != int(digits[9]):
        raise ValueError("This NHS number is not valid: check that every digit is right.")
    return digits


def upn_check_letter(rest: str) -> str:
    """The check letter for the last 12 characters of a UPN (weights 2 to 13, modulus 23)."""
    total = 0
    for weight, char in enumerate(rest, start=2):
        value = int(char) if char in "0123456789" else _UPN_LETTERS.index(char)
        total += value * weight
    return _UPN_LETTERS[total % 23]


def normalise_upn(value: str) -> str:
    """Return a valid Unique Pupil Number in capitals, or raise ValueError.

    A UPN is 13 characters: a check letter, then 12 digits (the last may be a letter in a temporary UPN).
    """
    upn = re.sub(r"\s", "", value).upper()
    if not _UPN_SHAPE.match(upn) or (upn[-1].isalpha() and upn[-1] not in _UPN_LETTERS):
        raise ValueError(
            "A unique pupil number is 13 characters: a letter, then 12 digits (the last may be a letter), "
            "for example N801200103001."
        )
    if upn_check_letter(upn[1:]) != upn[0]:
        raise ValueError("This unique pupil number is not valid: check that every character is right.")
    return upn
