"""NHS numbers and unique pupil numbers: the check digits that catch a mistyped identifier."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from cpconf.people import identifiers
from cpconf.people.validators import validate_nhs_number, validate_upn

NHS_SHAPE = "An NHS number is 10 digits, for example 943 476 5919."
NHS_CHECK = "This NHS number is not valid: check that every digit is right."
UPN_SHAPE = (
    "A unique pupil number is 13 characters: a letter, then 12 digits (the last may be a letter), "
    "for example N801200103001."
)
UPN_CHECK = "This unique pupil number is not valid: check that every character is right."


def nhs_check_digit(first_nine: str) -> int:
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True))
    return (11 - total % 11) % 11


def in_arabic_indic(digits: str) -> str:
    """The same number written in Arabic-Indic digits (U+0660 to U+0669)."""
    return digits.translate(str.maketrans("0123456789", "".join(chr(0x660 + n) for n in range(10))))


class TestNhsNumber:
    def test_a_valid_number_is_returned_as_ten_digits(self) -> None:
        assert identifiers.normalise_nhs_number("9434765919") == "9434765919"

    @pytest.mark.parametrize("typed", ["943 476 5919", "943-476-5919", " 943 476 5919 "])
    def test_spaces_and_hyphens_people_type_are_removed(self, typed: str) -> None:
        assert identifiers.normalise_nhs_number(typed) == "9434765919"

    def test_a_check_value_of_eleven_means_a_check_digit_of_zero(self) -> None:
        assert identifiers.normalise_nhs_number("1000000060") == "1000000060"

    @pytest.mark.parametrize("last_digit", "0123456789")
    def test_a_number_whose_check_value_is_ten_is_never_valid(self, last_digit: str) -> None:
        # 100000001 weighs to a check value of 10, which no NHS number has.
        with pytest.raises(ValueError, match=NHS_CHECK):
            identifiers.normalise_nhs_number("100000001" + last_digit)

    def test_a_wrong_check_digit_is_refused(self) -> None:
        with pytest.raises(ValueError, match=NHS_CHECK):
            identifiers.normalise_nhs_number("9434765918")

    # The last is 9434765919 in Arabic-Indic digits: str.isdigit() and \d accept them, NHS numbers do not.
    @pytest.mark.parametrize(
        "typed",
        ["943476591", "94347659190", "943476591X", "", "nine four three", in_arabic_indic("9434765919")],
    )
    def test_anything_but_ten_digits_is_refused_with_the_shape_explained(self, typed: str) -> None:
        with pytest.raises(ValueError) as raised:
            identifiers.normalise_nhs_number(typed)
        assert str(raised.value) == NHS_SHAPE

    def test_the_django_validator_gives_the_same_plain_message(self) -> None:
        with pytest.raises(ValidationError) as raised:
            validate_nhs_number("9434765918")
        assert raised.value.messages == [NHS_CHECK]

    @given(st.text(alphabet="0123456789", min_size=9, max_size=9))
    def test_a_generated_valid_number_validates(self, first_nine: str) -> None:
        check = nhs_check_digit(first_nine)
        assume(check != 10)
        assert identifiers.normalise_nhs_number(f"{first_nine}{check}") == f"{first_nine}{check}"

    @given(
        st.text(alphabet="0123456789", min_size=9, max_size=9),
        st.integers(min_value=0, max_value=9),
        st.integers(min_value=1, max_value=9),
    )
    def test_any_single_digit_change_to_a_valid_number_is_refused(
        self, first_nine: str, position: int, change: int
    ) -> None:
        check = nhs_check_digit(first_nine)
        assume(check != 10)
        number = f"{first_nine}{check}"
        changed_digit = str((int(number[position]) + change) % 10)
        mistyped = number[:position] + changed_digit + number[position + 1 :]
        with pytest.raises(ValueError, match=NHS_CHECK):
            identifiers.normalise_nhs_number(mistyped)


class TestUniquePupilNumber:
    def test_a_valid_number_is_returned_in_capitals(self) -> None:
        assert identifiers.normalise_upn("n801200103001") == "N801200103001"

    def test_spaces_are_removed(self) -> None:
        assert identifiers.normalise_upn("N801 2001 03001") == "N801200103001"

    def test_a_wrong_check_letter_is_refused(self) -> None:
        with pytest.raises(ValueError) as raised:
            identifiers.normalise_upn("M801200103001")
        assert str(raised.value) == UPN_CHECK

    def test_digits_of_another_script_are_refused(self) -> None:
        with pytest.raises(ValueError, match="13 characters"):
            identifiers.normalise_upn("N" + in_arabic_indic("801200103001"))

    def test_a_temporary_number_ending_in_a_letter_is_valid(self) -> None:
        assert identifiers.normalise_upn("Z80120010300A") == "Z80120010300A"

    def test_a_temporary_number_ending_in_a_letter_a_upn_never_uses_is_refused(self) -> None:
        # I, O and S are never used, so they cannot be mistaken for 1, 0 and 5.
        with pytest.raises(ValueError) as raised:
            identifiers.normalise_upn("Z80120010300I")
        assert str(raised.value) == UPN_SHAPE

    @pytest.mark.parametrize("typed", ["N80120010300", "N8012001030011", "8801200103001", "N80120010300AB"])
    def test_a_number_of_the_wrong_length_or_shape_is_refused_with_the_shape_explained(
        self, typed: str
    ) -> None:
        with pytest.raises(ValueError) as raised:
            identifiers.normalise_upn(typed)
        assert str(raised.value) == UPN_SHAPE

    def test_the_check_letter_covers_every_character(self) -> None:
        rest = "801200103001"
        for position in range(len(rest)):
            changed = rest[:position] + str((int(rest[position]) + 1) % 10) + rest[position + 1 :]
            with pytest.raises(ValueError, match="not valid"):
                identifiers.normalise_upn("N" + changed)

    def test_the_django_validator_gives_the_same_plain_message(self) -> None:
        with pytest.raises(ValidationError) as raised:
            validate_upn("M801200103001")
        assert raised.value.messages == [UPN_CHECK]
