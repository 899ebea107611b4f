"""The people models refuse impossible records with messages a person can act on."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cpconf.people.models import Authority, Child, ChildRelationship
from tests import factories

pytestmark = pytest.mark.django_db

FROZEN = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def errors_of(record: object) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        record.full_clean()  # type: ignore[attr-defined]
    return raised.value.message_dict


@pytest.fixture
def frozen(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(FROZEN, tick=False)


@pytest.mark.usefixtures("frozen")
class TestChildDates:
    def test_a_date_of_birth_in_the_future_is_refused(self, northbridge: Authority) -> None:
        child = Child(
            authority=northbridge,
            given_name="Lysander",
            family_name="Quarrie",
            date_of_birth=date(2026, 3, 3),
        )
        assert errors_of(child)["date_of_birth"] == ["The date of birth must be today or in the past."]

    def test_a_child_born_today_is_accepted(self, northbridge: Authority) -> None:
        Child(
            authority=northbridge,
            given_name="Lysander",
            family_name="Quarrie",
            date_of_birth=date(2026, 3, 2),
        ).full_clean()

    def test_an_unborn_child_needs_an_expected_delivery_date(self, northbridge: Authority) -> None:
        # R-CT-3: an unborn child has an expected delivery date instead of a date of birth.
        child = Child(authority=northbridge, family_name="Quarrie")
        assert errors_of(child)["expected_delivery_date"] == [
            "Enter the date of birth, or for an unborn child the expected delivery date."
        ]

    def test_an_expected_delivery_date_more_than_42_weeks_away_is_refused(
        self, northbridge: Authority
    ) -> None:
        # 42 weeks after 2 March 2026 is 21 December 2026.
        child = Child(authority=northbridge, family_name="Quarrie", expected_delivery_date=date(2026, 12, 22))
        assert errors_of(child)["expected_delivery_date"] == [
            "The expected delivery date is more than 42 weeks away: check the year."
        ]

    def test_an_expected_delivery_date_exactly_42_weeks_away_is_accepted(
        self, northbridge: Authority
    ) -> None:
        Child(
            authority=northbridge, family_name="Quarrie", expected_delivery_date=date(2026, 12, 21)
        ).full_clean()

    def test_an_unborn_child_is_called_unborn_baby_until_named(self, northbridge: Authority) -> None:
        child = Child(authority=northbridge, family_name="Quarrie", expected_delivery_date=date(2026, 6, 1))
        assert child.is_unborn
        assert child.full_name == "Unborn baby Quarrie"
        assert child.age_on(date(2026, 3, 2)) is None


class TestIdentifiersOnTheChild:
    def test_a_mistyped_nhs_number_is_refused_on_the_child(self, northbridge: Authority) -> None:
        child = factories.ChildFactory.build(authority=northbridge, nhs_number="9434765918")
        assert errors_of(child)["nhs_number"] == [
            "This NHS number is not valid: check that every digit is right."
        ]

    def test_a_mistyped_upn_is_refused_on_the_child(self, northbridge: Authority) -> None:
        child = factories.ChildFactory.build(authority=northbridge, upn="M801200103001")
        assert errors_of(child)["upn"] == [
            "This unique pupil number is not valid: check that every character is right."
        ]

    def test_two_children_in_one_authority_cannot_share_an_nhs_number(self, northbridge: Authority) -> None:
        factories.ChildFactory(authority=northbridge, nhs_number="9434765919")
        twin = factories.ChildFactory.build(authority=northbridge, nhs_number="9434765919")
        assert errors_of(twin)["__all__"] == ["Another child in this authority already has this NHS number."]

    def test_two_children_in_one_authority_cannot_share_a_upn(self, northbridge: Authority) -> None:
        factories.ChildFactory(authority=northbridge, upn="N801200103001")
        twin = factories.ChildFactory.build(authority=northbridge, upn="N801200103001")
        assert errors_of(twin)["__all__"] == [
            "Another child in this authority already has this unique pupil number."
        ]

    def test_the_same_nhs_number_may_be_known_to_two_authorities(
        self, northbridge: Authority, southmoor: Authority
    ) -> None:
        # A child who moves (R-MV-1) is known to both the originating and the receiving authority.
        factories.ChildFactory(authority=southmoor, nhs_number="9434765919")
        factories.ChildFactory.build(authority=northbridge, nhs_number="9434765919").full_clean()

    def test_many_children_may_have_no_nhs_number_yet(self, northbridge: Authority) -> None:
        factories.ChildFactory(authority=northbridge, nhs_number="")
        factories.ChildFactory.build(authority=northbridge, nhs_number="").full_clean()


class TestRelationships:
    def test_a_relationship_across_authorities_is_refused(
        self, northbridge: Authority, southmoor: Authority
    ) -> None:
        relationship = ChildRelationship(
            child=factories.ChildFactory(authority=northbridge),
            family_member=factories.FamilyMemberFactory(authority=southmoor),
            relationship="mother",
        )
        assert errors_of(relationship)["__all__"] == [
            "The child and the family member must belong to the same authority."
        ]

    def test_a_relationship_within_an_authority_is_accepted(self, northbridge: Authority) -> None:
        ChildRelationship(
            child=factories.ChildFactory(authority=northbridge),
            family_member=factories.FamilyMemberFactory(authority=northbridge),
            relationship="father",
            parental_responsibility=True,
        ).full_clean()


def test_the_unborn_child_factory_makes_a_valid_unborn_child(northbridge: Authority) -> None:
    child = factories.ChildFactory(authority=northbridge, unborn=True)
    child.full_clean()
    assert child.is_unborn
    assert child.full_name.startswith("Unborn baby ")
