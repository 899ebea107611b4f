"""Retention and destruction (issue 3, item 9): nothing is destroyed unless the authority turned destruction
on; a legal hold always wins; linked records go together or not at all; files leave storage; the access log
and the audit history stay whole."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cpconf.access import chain
from cpconf.access.models import AccessEntry, AuditEntry, BreakGlassGrant, EmergencySearch
from cpconf.conferences.models import Conference, Exclusion, Invitation, Report
from cpconf.enquiries.models import Section47Enquiry
from cpconf.minutes.models import Minutes
from cpconf.notifications.models import OutboxMessage, OutboxStatus
from cpconf.people.models import Authority, Child, FamilyMember, Household
from cpconf.plans.models import ChildProtectionPlan, PlanNotification
from cpconf.retention import selectors, services
from cpconf.retention.models import RetentionPolicy
from tests import factories
from tests.retention.conftest import LATER, Place, build_family, later

pytestmark = pytest.mark.django_db


def turn_on(place: Place) -> None:
    services.set_destruction(
        authority=place.authority,
        enabled=True,
        approval="Approved by the Caldicott guardian, decision IG-2075-01 (fictional)",
        acting_user=place.chair.user,
    )


@pytest.fixture
def destroy(django_capture_on_commit_callbacks: Any) -> Callable[[Authority], services.Outcome]:
    """``services.destroy``, with what it leaves for after the commit (removing files) run, as in production."""

    def run(authority: Authority) -> services.Outcome:
        with django_capture_on_commit_callbacks(execute=True):
            return services.destroy(authority)

    return run


Destroy = Callable[[Authority], services.Outcome]


def stored(root: Path, name: str) -> bool:
    return (root / name).exists()


def chains_intact() -> bool:
    return all(chain.verify_chain(name).intact for name in ("audit", "access"))


class TestNothingIsDestroyedByDefault:
    def test_destruction_is_off_without_a_policy_and_in_a_new_one(self, place: Place) -> None:
        assert selectors.periods_for(place.authority).destruction_enabled is False
        assert RetentionPolicy.objects.create(authority=place.authority).destruction_enabled is False

    def test_destroy_without_a_policy_creates_none_and_destroys_nothing(
        self, place: Place, destroy: Destroy
    ) -> None:
        family = build_family(place.authority, place.chair)
        with later():
            assert destroy(place.authority).refused == "destruction is off for this authority"
        assert not RetentionPolicy.objects.exists()
        assert Child.objects.filter(pk=family.child.pk).exists()

    def test_a_record_past_retention_stays_while_destruction_is_off(
        self, place: Place, upload_root: Path, destroy: Destroy
    ) -> None:
        family = build_family(place.authority, place.chair)
        with later():
            review = selectors.review(place.authority)
            assert [child.public_id for child in review.past] == [family.child.public_id]
            outcome = destroy(place.authority)
        assert outcome.refused == "destruction is off for this authority"
        assert Child.objects.filter(pk=family.child.pk).exists()
        assert Report.objects.filter(pk=family.report.pk).exists()
        assert all(stored(upload_root, name) for name in family.files)

    def test_turning_destruction_on_needs_who_approved_it(self, place: Place) -> None:
        with pytest.raises(ValidationError) as refused:
            services.set_destruction(authority=place.authority, enabled=True, approval=" ", acting_user=None)
        assert "destruction_approval" in refused.value.message_dict
        assert selectors.periods_for(place.authority).destruction_enabled is False

    def test_who_turned_it_on_and_when_is_kept_and_audited(self, place: Place) -> None:
        turn_on(place)
        policy = RetentionPolicy.objects.get(authority=place.authority)
        assert policy.destruction_enabled_by == place.chair.user
        assert policy.destruction_enabled_at is not None
        entry = AuditEntry.objects.filter(object_type="retention.retentionpolicy").latest("sequence")
        assert entry.action == "create"
        assert entry.after is not None
        assert entry.after["destruction_enabled"] is True
        assert entry.after["destruction_approval"] == policy.destruction_approval
        assert place.chair.user is not None
        assert entry.after["destruction_enabled_by"] == str(place.chair.user.public_id)
        services.set_destruction(authority=place.authority, enabled=False, acting_user=None)
        policy.refresh_from_db()
        assert (policy.destruction_enabled, policy.destruction_enabled_by) == (False, None)
        entry = AuditEntry.objects.filter(object_type="retention.retentionpolicy").latest("sequence")
        assert (entry.action, entry.after) == (
            "change",
            {"destruction_enabled": False, "destruction_enabled_by": None, "destruction_enabled_at": None},
        )


class TestDestruction:
    def test_the_whole_record_goes_with_its_files_and_the_logs_still_verify(
        self, place: Place, upload_root: Path, destroy: Destroy
    ) -> None:
        family = build_family(place.authority, place.chair)
        kept = build_family(place.authority, place.chair, born=(date(2055, 1, 1),), surname="Quennell")
        turn_on(place)
        access_before = AccessEntry.objects.count()
        audit_before = AuditEntry.objects.count()
        assert all(stored(upload_root, name) for name in family.files)
        with later():
            outcome = destroy(place.authority)
        assert not Child.objects.filter(pk=family.child.pk).exists()
        assert not Conference.objects.filter(pk=family.conference.pk).exists()
        assert not Report.objects.filter(pk=family.report.pk).exists()
        assert not Exclusion.objects.filter(conference_id=family.conference.pk).exists()
        assert not Invitation.objects.filter(conference_id=family.conference.pk).exists()
        assert not Section47Enquiry.objects.filter(pk=family.enquiry.pk).exists()
        assert not Household.objects.filter(pk=family.household.pk).exists()
        assert not FamilyMember.objects.filter(pk=family.parent.pk).exists()
        assert not ChildProtectionPlan.objects.filter(child_id=family.child.pk).exists()
        assert not OutboxMessage.objects.filter(child_id=family.child.pk).exists()
        assert not Minutes.objects.filter(conference_id=family.conference.pk).exists()
        assert not PlanNotification.objects.filter(plan__child_id=family.child.pk).exists()
        # Both the current file and the one it replaced leave storage.
        assert not any(stored(upload_root, name) for name in family.files)
        assert outcome.files_removed == 2
        assert outcome.destroyed["people.child"] == 1
        assert outcome.destroyed["conferences.conference"] == 1
        # The family not past retention is untouched.
        assert Child.objects.filter(pk=kept.child.pk).exists()
        assert all(stored(upload_root, name) for name in kept.files)
        # The logs only grew, and their chains verify.
        assert AccessEntry.objects.count() == access_before
        assert AuditEntry.objects.count() > audit_before
        assert chains_intact()

    def test_each_destroyed_record_has_an_audit_entry_naming_only_its_kind_and_id(
        self, place: Place, destroy: Destroy
    ) -> None:
        family = build_family(place.authority, place.chair)
        turn_on(place)
        with later():
            destroy(place.authority)
        entry = AuditEntry.objects.get(object_type="people.child", action="delete")
        assert entry.object_id == str(family.child.public_id)
        assert entry.child_public_id == family.child.public_id
        assert entry.before is None and entry.after is None
        assert "Linnet" not in entry.object_repr and "Fennimore" not in entry.object_repr
        assert AuditEntry.objects.filter(
            object_type="conferences.conference", action="delete", object_id=str(family.conference.public_id)
        ).exists()
        assert AuditEntry.objects.filter(
            object_type="conferences.report", action="delete", object_id=str(family.report.public_id)
        ).exists()

    def test_a_child_not_past_retention_keeps_a_linked_brother_or_sister(
        self, place: Place, destroy: Destroy
    ) -> None:
        family = build_family(place.authority, place.chair, born=(date(2019, 4, 12), date(2055, 1, 1)))
        turn_on(place)
        with later():
            review = selectors.review(place.authority)
            assert [child.public_id for child in review.kept_with_linked] == [family.children[0].public_id]
            assert review.destroyable_groups == []
            outcome = destroy(place.authority)
        assert outcome.destroyed == {}
        assert Child.objects.filter(pk__in=[child.pk for child in family.children]).count() == 2

    def test_a_recent_change_keeps_the_record(self, place: Place, destroy: Destroy) -> None:
        family = build_family(place.authority, place.chair)
        turn_on(place)
        with later():
            # Activity in 2075: kept for 35 years from now.
            Child.objects.filter(pk=family.child.pk).update(given_name="Linnet")
            Child.objects.get(pk=family.child.pk).save()
            assert selectors.review(place.authority).past == []
            destroy(place.authority)
        assert Child.objects.filter(pk=family.child.pk).exists()

    def test_a_group_another_record_still_needs_is_kept_with_the_reason(
        self, place: Place, destroy: Destroy
    ) -> None:
        blocked = build_family(place.authority, place.chair)
        free = build_family(place.authority, place.chair, surname="Quennell")
        assert place.chair.user is not None
        BreakGlassGrant.objects.create(
            user=place.chair.user,
            child=blocked.child,
            reason="Fictional emergency",
            found_by=EmergencySearch.NHS_NUMBER,
            started_at=LATER.replace(year=2026),
            expires_at=LATER.replace(year=2027),
        )
        turn_on(place)
        with later():
            outcome = destroy(place.authority)
        assert Child.objects.filter(pk=blocked.child.pk).exists()
        assert Report.objects.filter(pk=blocked.report.pk).exists()
        assert not Child.objects.filter(pk=free.child.pk).exists()
        assert outcome.kept == [
            ([blocked.child.public_id], "other records still refer to it: emergency access")
        ]
        assert chains_intact()

    def test_an_email_still_to_send_keeps_the_group(self, place: Place, destroy: Destroy) -> None:
        family = build_family(place.authority, place.chair)
        OutboxMessage.objects.filter(child=family.child).update(status=OutboxStatus.PENDING, sent_at=None)
        turn_on(place)
        with later():
            outcome = destroy(place.authority)
        assert Child.objects.filter(pk=family.child.pk).exists()
        assert outcome.kept[0][1] == "an email about a child in the group is still waiting to be sent"

    def test_another_authority_is_not_touched(self, place: Place, destroy: Destroy) -> None:
        other = factories.AuthorityFactory(name="Elsewhere Test Council", slug="elsewhere")
        chair = factories.ProfessionalFactory(agency__authority=other)
        theirs = build_family(other, chair, surname="Quennell")
        build_family(place.authority, place.chair)
        turn_on(place)
        with later():
            destroy(place.authority)
            destroy(other)
        assert Child.objects.filter(pk=theirs.child.pk).exists()


class TestLegalHolds:
    def test_a_held_child_is_never_destroyed(self, place: Place, upload_root: Path, destroy: Destroy) -> None:
        family = build_family(place.authority, place.chair)
        services.place_legal_hold(
            authority=place.authority,
            child=family.child,
            reason="A claim has been made (fictional)",
            reference="CLAIM-1",
            acting_user=place.chair.user,
        )
        turn_on(place)
        with later():
            review = selectors.review(place.authority)
            assert [child.public_id for child in review.held_past] == [family.child.public_id]
            outcome = destroy(place.authority)
        assert outcome.destroyed == {}
        assert Child.objects.filter(pk=family.child.pk).exists()
        assert all(stored(upload_root, name) for name in family.files)

    def test_a_hold_on_the_whole_authority_stops_everything(self, place: Place, destroy: Destroy) -> None:
        family = build_family(place.authority, place.chair)
        services.place_legal_hold(
            authority=place.authority,
            child=None,
            reason="An inquiry asked us to keep everything",
            acting_user=None,
        )
        turn_on(place)
        with later():
            outcome = destroy(place.authority)
        assert outcome.refused == "a legal hold covers every record of this authority"
        assert Child.objects.filter(pk=family.child.pk).exists()

    def test_released_then_destroyed_the_hold_stays_as_history(self, place: Place, destroy: Destroy) -> None:
        family = build_family(place.authority, place.chair)
        hold = services.place_legal_hold(
            authority=place.authority, child=family.child, reason="A complaint (fictional)", acting_user=None
        )
        with pytest.raises(ValidationError):
            services.release_legal_hold(hold=hold, reason="  ", acting_user=None)
        services.release_legal_hold(
            hold=hold, reason="The complaint was closed", acting_user=place.chair.user
        )
        with pytest.raises(ValidationError):
            services.release_legal_hold(hold=hold, reason="Again", acting_user=None)
        turn_on(place)
        with later():
            destroy(place.authority)
        assert not Child.objects.filter(pk=family.child.pk).exists()
        hold.refresh_from_db()
        assert hold.child is None
        assert hold.child_public_id == family.child.public_id
        assert hold.released_by == place.chair.user
        history = AuditEntry.objects.filter(object_type="retention.legalhold", object_id=str(hold.public_id))
        assert sorted(history.values_list("action", flat=True)) == ["change", "create"]
        assert chains_intact()

    def test_a_hold_must_be_on_a_child_of_its_authority(self, place: Place) -> None:
        other_child = factories.ChildFactory()
        with pytest.raises(ValidationError) as refused:
            services.place_legal_hold(
                authority=place.authority, child=other_child, reason="Fictional", acting_user=None
            )
        assert "child" in refused.value.message_dict
        with pytest.raises(ValidationError) as refused:
            services.place_legal_hold(authority=place.authority, child=None, reason="", acting_user=None)
        assert "reason" in refused.value.message_dict


class TestReplacedFiles:
    def test_a_replaced_file_goes_after_its_own_period_and_the_current_one_stays(
        self, place: Place, upload_root: Path, destroy: Destroy
    ) -> None:
        family = build_family(place.authority, place.chair, born=(date(2055, 1, 1),))
        replaced, current = family.files
        turn_on(place)
        RetentionPolicy.objects.filter(authority=place.authority).update(replaced_file_years=2)
        with later():
            review = selectors.review(place.authority)
            assert [each.name for each in review.replaced_files_destroyable] == [replaced]
            outcome = destroy(place.authority)
        assert not stored(upload_root, replaced)
        assert stored(upload_root, current)
        assert outcome.destroyed == {"conferences.report.replaced-file": 1}
        assert Report.objects.get(pk=family.report.pk).file.name == current
        assert chains_intact()

    def test_without_a_period_a_replaced_file_stays_with_the_record(
        self, place: Place, upload_root: Path, destroy: Destroy
    ) -> None:
        family = build_family(place.authority, place.chair, born=(date(2055, 1, 1),))
        turn_on(place)
        with later():
            assert selectors.review(place.authority).replaced_files_destroyable == []
            destroy(place.authority)
        assert all(stored(upload_root, name) for name in family.files)

    def test_a_held_childs_replaced_file_stays(
        self, place: Place, upload_root: Path, destroy: Destroy
    ) -> None:
        family = build_family(place.authority, place.chair, born=(date(2055, 1, 1),))
        turn_on(place)
        assert RetentionPolicy.objects.filter(authority=place.authority).update(replaced_file_years=2) == 1
        services.place_legal_hold(
            authority=place.authority, child=family.child, reason="Claim", acting_user=None
        )
        with later():
            destroy(place.authority)
        assert all(stored(upload_root, name) for name in family.files)


class TestQueries:
    def test_the_review_does_not_query_per_child(self, place: Place) -> None:
        build_family(place.authority, place.chair)

        def count() -> int:
            with CaptureQueriesContext(connection) as queries, later():
                selectors.review(place.authority)
            return len(queries)

        small = count()
        for surname in ("Quennell", "Ravensworth", "Sallowby"):
            build_family(
                place.authority, place.chair, born=(date(2019, 1, 1), date(2021, 2, 2)), surname=surname
            )
        assert Child.objects.filter(authority=place.authority).count() == 7
        assert count() == small == 11
