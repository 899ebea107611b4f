"""The access log and audit history writers: one row per read or change, append-only, who at the time."""

from __future__ import annotations

import uuid

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import ProtectedError
from django.test import RequestFactory

from cpconf.access import chain
from cpconf.access.log import (
    access_history_for_child,
    access_record,
    audit_history_for,
    audit_record,
    audit_snapshot,
)
from cpconf.access.models import AccessEntry, AppendOnlyError, AuditEntry
from cpconf.people.models import Child, User
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker() -> User:
    return factories.UserFactory(
        email="linnea.ashgrove@northbridge.example", first_name="Linnea", last_name="Ashgrove"
    )


@pytest.fixture
def child() -> Child:
    return factories.ChildFactory(given_name="Peregrine", family_name="Oakhollow")


class TestAccessRecord:
    def test_records_who_what_which_child_why_and_when(self, worker: User, child: Child) -> None:
        report_id = uuid.uuid4()
        with time_machine.travel("2031-03-04 09:15:00+00:00", tick=False):
            entry = access_record(
                user=worker,
                what="report",
                child=child,
                object_id=report_id,
                reason="Core group",
                allowed=True,
            )
        entry.refresh_from_db()
        assert entry.actor == worker
        assert (entry.actor_name, entry.actor_email) == (
            "Linnea Ashgrove",
            "linnea.ashgrove@northbridge.example",
        )
        assert entry.what == "report"
        assert entry.child_public_id == child.public_id
        assert entry.object_id == report_id
        assert entry.reason == "Core group"
        assert entry.allowed is True
        assert entry.recorded_at.isoformat() == "2031-03-04T09:15:00+00:00"

    def test_records_a_refused_attempt(self, worker: User, child: Child) -> None:
        entry = access_record(user=worker, what="child-record", child=child, allowed=False)
        assert AccessEntry.objects.get().allowed is False
        assert str(entry).endswith("was refused child-record")

    def test_someone_not_signed_in_is_recorded_as_nobody(self, child: Child) -> None:
        entry = access_record(user=AnonymousUser(), what="child-record", child=child, allowed=False)
        assert entry.actor is None
        assert entry.actor_display() == "System"

    def test_keeps_the_method_and_path_but_never_the_query_string(self, worker: User, child: Child) -> None:
        request = RequestFactory().get(f"/children/{child.public_id}/", {"q": "Oakhollow"})
        entry = access_record(user=worker, what="child-record", child=child, allowed=True, request=request)
        assert (entry.request_method, entry.request_path) == ("GET", f"/children/{child.public_id}/")
        assert "Oakhollow" not in entry.request_path

    def test_an_identifier_given_as_text_is_stored_and_signed_as_a_uuid(
        self, worker: User, child: Child
    ) -> None:
        report_id = uuid.uuid4()
        entry = access_record(
            user=worker,
            what="report",
            child=child,
            object_id=str(report_id).upper(),
            allowed=True,  # type: ignore[arg-type]
        )
        assert entry.object_id == report_id
        assert chain.verify_chain("access").intact

    def test_exactly_one_row_per_call(self, worker: User, child: Child) -> None:
        for _ in range(3):
            access_record(user=worker, what="child-record", child=child, allowed=True)
        assert AccessEntry.objects.count() == 3
        assert list(AccessEntry.objects.order_by("sequence").values_list("sequence", flat=True)) == [1, 2, 3]

    def test_the_name_stays_as_it_was_when_the_person_later_changes_it(
        self, worker: User, child: Child
    ) -> None:
        access_record(user=worker, what="child-record", child=child, allowed=True)
        worker.last_name = "Ashgrove-Pellew"
        worker.save()
        assert AccessEntry.objects.get().actor_name == "Linnea Ashgrove"

    def test_rolls_back_with_the_read_it_records(self, worker: User, child: Child) -> None:
        with pytest.raises(RuntimeError), transaction.atomic():
            access_record(user=worker, what="child-record", child=child, allowed=True)
            raise RuntimeError("the page failed to render")
        assert not AccessEntry.objects.exists()
        # The chain carries on from where the committed entries end.
        access_record(user=worker, what="child-record", child=child, allowed=True)
        assert AccessEntry.objects.get().sequence == 1
        assert chain.verify_chain("access").intact


class TestAccessHistoryForChild:
    def test_lists_who_has_seen_this_child_newest_first(self, worker: User, child: Child) -> None:
        other_child = factories.ChildFactory(authority=child.authority)
        colleague = factories.UserFactory(first_name="Tobias", last_name="Quennell")
        access_record(user=worker, what="child-record", child=child, allowed=True)
        access_record(user=colleague, what="child-record", child=other_child, allowed=True)
        access_record(user=colleague, what="child-record", child=child, allowed=False)
        history = list(access_history_for_child(child))
        assert [(entry.actor, entry.allowed) for entry in history] == [(colleague, False), (worker, True)]

    @pytest.mark.parametrize("readers", [2, 12])
    def test_one_query_however_many_people_have_looked(
        self, child: Child, readers: int, django_assert_num_queries: object
    ) -> None:
        for _ in range(readers):
            access_record(user=factories.UserFactory(), what="child-record", child=child, allowed=True)
        with django_assert_num_queries(1):  # type: ignore[operator]
            names = [entry.actor.get_full_name() for entry in access_history_for_child(child) if entry.actor]
        assert len(names) == readers


class TestAuditRecord:
    def test_records_who_what_and_the_changed_fields_only(self, worker: User, child: Child) -> None:
        before = audit_snapshot(child)
        child.known_as = "Perry"
        child.save()
        entry = audit_record(
            actor=worker, action="change", instance=child, before=before, after=audit_snapshot(child)
        )
        entry.refresh_from_db()
        assert entry.actor == worker
        assert (entry.object_type, entry.object_id) == ("people.child", str(child.public_id))
        assert entry.child_public_id == child.public_id
        assert entry.before == {"known_as": ""}
        assert entry.after == {"known_as": "Perry"}

    def test_a_record_without_a_public_identifier_is_named_by_its_primary_key(self, worker: User) -> None:
        closure_day = factories.ClosureDayFactory()
        entry = audit_record(
            actor=worker,
            action="create",
            instance=closure_day,
            before=None,
            after=audit_snapshot(closure_day),
        )
        assert (entry.object_type, entry.object_id) == ("people.closureday", str(closure_day.pk))
        assert entry.child_public_id is None

    def test_a_relationship_is_filed_under_its_child(self, worker: User, child: Child) -> None:
        relationship = factories.ChildRelationshipFactory(child=child)
        entry = audit_record(
            actor=worker,
            action="create",
            instance=relationship,
            before=None,
            after=audit_snapshot(relationship),
        )
        assert entry.child_public_id == child.public_id
        assert entry.after is not None
        assert entry.after["child"] == str(child.public_id)

    def test_refuses_an_unknown_action(self, worker: User, child: Child) -> None:
        with pytest.raises(ValueError, match="Unknown audit action"):
            audit_record(actor=worker, action="rename", instance=child, before=None, after=None)
        assert not AuditEntry.objects.exists()

    def test_audit_history_for_a_record_is_newest_first(self, worker: User, child: Child) -> None:
        audit_record(actor=worker, action="create", instance=child, before=None, after=audit_snapshot(child))
        audit_record(
            actor=None, action="change", instance=child, before={"sex": "male"}, after={"sex": "female"}
        )
        assert [entry.action for entry in audit_history_for(child)] == ["change", "create"]


class TestAuditSnapshot:
    def test_is_json_safe_and_names_related_records_by_public_identifier(self, child: Child) -> None:
        snapshot = audit_snapshot(child)
        assert snapshot["authority"] == str(child.authority.public_id)
        assert snapshot["date_of_birth"] == "2019-04-12"
        assert snapshot["public_id"] == str(child.public_id)
        assert "created_at" not in snapshot
        assert "id" not in snapshot

    def test_lists_many_to_many_members(self, child: Child) -> None:
        household = factories.HouseholdFactory(authority=child.authority, children=[child])
        assert audit_snapshot(household)["children"] == [str(child.public_id)]
        assert audit_snapshot(household)["adults"] == []

    def test_never_holds_a_password(self, worker: User) -> None:
        snapshot = audit_snapshot(worker)
        assert "password" not in snapshot
        assert "last_login" not in snapshot
        assert snapshot["email"] == "linnea.ashgrove@northbridge.example"


class TestAppendOnly:
    def test_an_entry_cannot_be_changed_or_deleted_through_the_orm(self, worker: User, child: Child) -> None:
        entry = access_record(user=worker, what="child-record", child=child, allowed=True)
        entry.allowed = False
        with pytest.raises(AppendOnlyError, match="cannot be changed"):
            entry.save()
        with pytest.raises(AppendOnlyError, match="cannot be deleted"):
            entry.delete()
        with pytest.raises(AppendOnlyError):
            AccessEntry.objects.filter(pk=entry.pk).update(allowed=False)
        with pytest.raises(AppendOnlyError):
            AccessEntry.objects.all().delete()
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.all().delete()
        assert AccessEntry.objects.get().allowed is True

    def test_someone_not_in_the_log_can_still_be_deleted(self, worker: User) -> None:
        worker.delete()
        assert not User.objects.filter(email="linnea.ashgrove@northbridge.example").exists()

    def test_someone_in_the_log_cannot_be_deleted(self, worker: User, child: Child) -> None:
        # People who leave are made inactive: the log must always be able to say who.
        access_record(user=worker, what="child-record", child=child, allowed=True)
        with pytest.raises(ProtectedError):
            worker.delete()
