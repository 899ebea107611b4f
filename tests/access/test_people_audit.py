"""Every change to a people record, through the services or the administration, leaves one audit entry
(who, when, before, after) that commits or rolls back with the change itself."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from cpconf.access import chain
from cpconf.access.models import AccessEntry, AuditEntry
from cpconf.people import services
from cpconf.people.models import (
    Agency,
    Authority,
    CaseRole,
    Child,
    ChildRelationship,
    FamilyMember,
    Household,
    Professional,
    Role,
    User,
)
from tests import factories

pytestmark = pytest.mark.django_db


def url(model: str, view: str, *args: Any) -> str:
    return reverse(f"admin:people_{model}_{view}", args=args)


def inline_management(prefix: str, total: int = 0, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def entries() -> list[tuple[str, str, str]]:
    """(action, model, who) for each audit entry, oldest first."""
    return [
        (entry.action, entry.object_type, entry.actor_email)
        for entry in AuditEntry.objects.order_by("sequence")
    ]


def child_form(child: Child | None, authority: Authority, **overrides: str) -> dict[str, str]:
    data = {
        "authority": str(authority.pk),
        "given_name": child.given_name if child else "Hesper",
        "family_name": child.family_name if child else "Wintercross",
        "known_as": "",
        "date_of_birth": child.date_of_birth.isoformat() if child and child.date_of_birth else "2018-05-14",
        "expected_delivery_date": "",
        "sex": child.sex if child else "female",
        "ethnicity": child.ethnicity if child else "NOBT",
        "first_language": child.first_language if child else "English",
        "nhs_number": "",
        "upn": "",
        "consistent_child_identifier": "",
        **inline_management("relationships"),
        **inline_management("allocations"),
    }
    data.update(overrides)
    return data


@pytest.fixture
def northbridge() -> Authority:
    return factories.AuthorityFactory(name="Northbridge Audit Council", slug="northbridge-audit")


@pytest.fixture
def social_care(northbridge: Authority) -> Agency:
    return factories.AgencyFactory(authority=northbridge, name="Northbridge Audit Social Care")


@pytest.fixture
def administrator(social_care: Agency) -> Professional:
    return factories.AuthorityAdministratorFactory(
        agency=social_care,
        user__email="severine.althorp@northbridge.example",
        user__first_name="Severine",
        user__last_name="Althorp",
    )


@pytest.fixture
def administrator_client(client: Client, administrator: Professional) -> Client:
    client.force_login(administrator.user)
    return client


@pytest.fixture
def superuser_client(client: Client) -> Client:
    client.force_login(factories.SuperuserFactory(email="root@cpconf.example"))
    return client


@pytest.fixture
def child(northbridge: Authority) -> Child:
    return factories.ChildFactory(authority=northbridge, given_name="Ambrose", family_name="Thistlewood")


ADMIN_EMAIL = "severine.althorp@northbridge.example"


class TestServices:
    def test_adding_a_child_records_who_and_every_field(self, northbridge: Authority) -> None:
        actor = factories.UserFactory(email="caspian.holloway@northbridge.example")
        child = services.child_create(
            authority=northbridge,
            given_name="Marigold",
            family_name="Penhallow",
            date_of_birth=date(2020, 2, 2),
            nhs_number="943 476 5919",
            acting_user=actor,
        )
        entry = AuditEntry.objects.get()
        assert (entry.action, entry.object_type, entry.object_id) == (
            "create",
            "people.child",
            str(child.public_id),
        )
        assert entry.actor == actor
        assert entry.child_public_id == child.public_id
        assert entry.before is None
        assert entry.after is not None
        assert entry.after["family_name"] == "Penhallow"
        assert entry.after["nhs_number"] == "9434765919"
        assert entry.after["authority"] == str(northbridge.public_id)

    def test_without_an_acting_user_the_system_did_it(self, northbridge: Authority) -> None:
        services.agency_create(authority=northbridge, name="Northbridge Audit Police", agency_type="police")
        entry = AuditEntry.objects.get()
        assert entry.actor is None
        assert entry.actor_display() == "System"

    def test_every_people_service_writes_its_entries(
        self, northbridge: Authority, social_care: Agency
    ) -> None:
        services.authority_create(name="Eastfold Council", slug="eastfold", policy_profile="staffordshire")
        services.closure_day_add(authority=northbridge, day=date(2031, 12, 29), reason="Offices closed")
        services.secure_email_domain_add(authority=northbridge, domain="nhs.northbridge.example")
        professional = services.professional_create(
            agency=social_care,
            given_name="Ignatius",
            family_name="Wrenfield",
            job_title="Social worker",
            email="ignatius.wrenfield@northbridge.example",
            roles=[Role.SOCIAL_WORKER, Role.CHAIR],
            sign_in=True,
            password="a-long-fictional-password-1",
        )
        child = services.child_create(
            authority=northbridge, family_name="Larkspur", date_of_birth=date(2021, 1, 1)
        )
        mother = services.family_member_create(
            authority=northbridge, given_name="Odile", family_name="Larkspur"
        )
        services.child_relationship_create(child=child, family_member=mother, relationship="mother")
        services.household_create(
            authority=northbridge, name="the Larkspur household", children=[child], adults=[mother]
        )
        allocation = services.allocation_create(
            child=child,
            professional=professional,
            case_role=CaseRole.SOCIAL_WORKER,
            start_date=date(2031, 1, 6),
        )
        services.allocation_end(allocation=allocation, end_date=date(2031, 6, 30))
        assert [(action, model) for action, model, _ in entries()] == [
            ("create", "people.authority"),
            ("create", "people.closureday"),
            ("create", "people.secureemaildomain"),
            ("create", "people.professional"),
            ("create", "people.professionalrole"),
            ("create", "people.professionalrole"),
            ("create", "people.user"),
            ("change", "people.professional"),
            ("create", "people.child"),
            ("create", "people.familymember"),
            ("create", "people.childrelationship"),
            ("create", "people.household"),
            ("create", "people.allocation"),
            ("change", "people.allocation"),
        ]
        sign_in = AuditEntry.objects.get(object_type="people.user")
        assert sign_in.after is not None
        assert "password" not in sign_in.after
        given = AuditEntry.objects.get(object_type="people.professional", action="change")
        assert given.before == {"user": None}
        assert given.after == {
            "user": str(User.objects.get(email="ignatius.wrenfield@northbridge.example").public_id)
        }
        household = AuditEntry.objects.get(object_type="people.household")
        assert household.after is not None
        assert household.after["children"] == [str(child.public_id)]
        ended = AuditEntry.objects.get(object_type="people.allocation", action="change")
        assert (ended.before, ended.after) == ({"end_date": None}, {"end_date": "2031-06-30"})
        assert ended.child_public_id == child.public_id
        assert chain.verify_chain("audit").intact

    def test_a_refused_write_leaves_no_entry(self, northbridge: Authority) -> None:
        with pytest.raises(ValidationError):
            services.child_create(authority=northbridge, family_name="Nodate")
        assert not Child.objects.exists()
        assert not AuditEntry.objects.exists()

    def test_a_change_rolled_back_takes_its_entry_with_it(self, northbridge: Authority) -> None:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.family_member_create(authority=northbridge, given_name="Bram", family_name="Oakes")
            raise RuntimeError("something later in the same request failed")
        assert not FamilyMember.objects.exists()
        assert not AuditEntry.objects.exists()

    def test_if_the_entry_cannot_be_written_the_change_is_not_made(
        self, northbridge: Authority, settings: Settings
    ) -> None:
        settings.CPCONF_AUDIT_KEY = ""
        with pytest.raises(ImproperlyConfigured):
            services.child_create(
                authority=northbridge, family_name="Unlogged", date_of_birth=date(2020, 1, 1)
            )
        assert not Child.objects.exists()


class TestAdministration:
    def test_adding_a_child_records_the_administrator(
        self, administrator_client: Client, northbridge: Authority
    ) -> None:
        response = administrator_client.post(url("child", "add"), child_form(None, northbridge))
        assert response.status_code == 302, response.text
        child = Child.objects.get(family_name="Wintercross")
        entry = AuditEntry.objects.get()
        assert (entry.action, entry.object_id, entry.actor_email) == (
            "create",
            str(child.public_id),
            ADMIN_EMAIL,
        )
        assert entry.actor_name == "Severine Althorp"
        assert entry.after is not None
        assert entry.after["given_name"] == "Hesper"

    def test_changing_a_child_records_before_and_after_of_the_changed_fields(
        self, administrator_client: Client, child: Child
    ) -> None:
        response = administrator_client.post(
            url("child", "change", child.pk),
            child_form(child, child.authority, family_name="Thistlewood-Marsh", known_as="Amby"),
        )
        assert response.status_code == 302, response.text
        entry = AuditEntry.objects.get()
        assert (entry.action, entry.actor_email) == ("change", ADMIN_EMAIL)
        # Only the fields that changed: the rest of the record is in the entry that created it.
        assert entry.before == {"family_name": "Thistlewood", "known_as": ""}
        assert entry.after == {"family_name": "Thistlewood-Marsh", "known_as": "Amby"}

    def test_a_relationship_added_on_the_childs_page_is_recorded_under_the_child(
        self, administrator_client: Client, child: Child
    ) -> None:
        father = factories.FamilyMemberFactory(authority=child.authority, given_name="Leofric")
        data = child_form(child, child.authority)
        data.update(
            {
                **inline_management("relationships", total=1),
                "relationships-0-family_member": str(father.pk),
                "relationships-0-relationship": "father",
                "relationships-0-parental_responsibility": "on",
            }
        )
        response = administrator_client.post(url("child", "change", child.pk), data)
        assert response.status_code == 302, response.text
        assert entries()[-1] == ("create", "people.childrelationship", ADMIN_EMAIL)
        relationship = AuditEntry.objects.get(object_type="people.childrelationship")
        assert relationship.child_public_id == child.public_id
        assert relationship.after is not None
        assert relationship.after["family_member"] == str(father.public_id)

    def test_an_inline_row_changed_and_one_deleted_are_recorded(
        self, administrator_client: Client, northbridge: Authority
    ) -> None:
        kept = factories.ClosureDayFactory(authority=northbridge, date=date(2031, 12, 29), reason="Closed")
        dropped = factories.ClosureDayFactory(authority=northbridge, date=date(2031, 12, 30), reason="Closed")
        response = administrator_client.post(
            url("authority", "change", northbridge.pk),
            {
                **inline_management("closure_days", total=2, initial=2),
                "closure_days-0-id": str(kept.pk),
                "closure_days-0-authority": str(northbridge.pk),
                "closure_days-0-date": "2031-12-29",
                "closure_days-0-reason": "Council offices closed",
                "closure_days-1-id": str(dropped.pk),
                "closure_days-1-authority": str(northbridge.pk),
                "closure_days-1-date": "2031-12-30",
                "closure_days-1-reason": "Closed",
                "closure_days-1-DELETE": "on",
                **inline_management("secure_email_domains"),
            },
        )
        assert response.status_code == 302, response.text
        assert entries() == [
            ("change", "people.authority", ADMIN_EMAIL),
            ("delete", "people.closureday", ADMIN_EMAIL),
            ("change", "people.closureday", ADMIN_EMAIL),
        ]
        deleted = AuditEntry.objects.get(action="delete")
        assert deleted.object_id == str(dropped.pk)
        assert deleted.before is not None
        assert deleted.before["date"] == "2031-12-30"
        assert deleted.after is None
        changed = AuditEntry.objects.get(object_type="people.closureday", action="change")
        assert (changed.before, changed.after) == ({"reason": "Closed"}, {"reason": "Council offices closed"})

    def test_household_members_are_recorded_before_and_after(
        self, administrator_client: Client, child: Child
    ) -> None:
        sister = factories.ChildFactory(authority=child.authority)
        household = factories.HouseholdFactory(authority=child.authority, children=[child])
        response = administrator_client.post(
            url("household", "change", household.pk),
            {
                "authority": str(child.authority_id),
                "name": household.name,
                "address": "",
                "children": [str(child.pk), str(sister.pk)],
            },
        )
        assert response.status_code == 302, response.text
        entry = AuditEntry.objects.get()
        assert entry.before == {"children": [str(child.public_id)]}
        assert entry.after == {"children": sorted([str(child.public_id), str(sister.public_id)])}

    def test_a_professional_with_roles_and_a_sign_in_is_recorded_in_order(
        self, administrator_client: Client, social_care: Agency
    ) -> None:
        response = administrator_client.post(
            url("professional", "add"),
            {
                "given_name": "Perpetua",
                "family_name": "Ravensdale",
                "job_title": "Conference chair",
                "agency": str(social_care.pk),
                "email": "perpetua.ravensdale@northbridge.example",
                "create_sign_in": "on",
                "is_active": "on",
                **inline_management("roles", total=1),
                "roles-0-role": Role.CHAIR,
            },
        )
        assert response.status_code == 302, response.text
        assert entries() == [
            ("create", "people.professional", ADMIN_EMAIL),
            ("create", "people.professionalrole", ADMIN_EMAIL),
            ("create", "people.user", ADMIN_EMAIL),
            ("change", "people.professional", ADMIN_EMAIL),
        ]

    def test_a_refused_form_leaves_no_entry(
        self, administrator_client: Client, northbridge: Authority
    ) -> None:
        response = administrator_client.post(
            url("child", "add"), child_form(None, northbridge, date_of_birth="2999-01-01")
        )
        assert response.status_code == 200
        assert not Child.objects.exists()
        assert not AuditEntry.objects.exists()

    def test_if_the_entry_cannot_be_written_the_change_is_not_saved(
        self, administrator_client: Client, child: Child, settings: Settings
    ) -> None:
        settings.CPCONF_AUDIT_KEY = ""
        with pytest.raises(ImproperlyConfigured):
            administrator_client.post(
                url("child", "change", child.pk), child_form(child, child.authority, family_name="Unlogged")
            )
        child.refresh_from_db()
        assert child.family_name == "Thistlewood"

    def test_a_superuser_deleting_a_household_is_recorded_with_what_it_held(
        self, superuser_client: Client, child: Child
    ) -> None:
        household = factories.HouseholdFactory(authority=child.authority, children=[child])
        public_id = household.public_id
        response = superuser_client.post(url("household", "delete", household.pk), {"post": "yes"})
        assert response.status_code == 302, response.text
        assert not Household.objects.exists()
        entry = AuditEntry.objects.get()
        assert (entry.action, entry.object_id, entry.actor_email) == (
            "delete",
            str(public_id),
            "root@cpconf.example",
        )
        assert entry.before is not None
        assert entry.before["children"] == [str(child.public_id)]

    def test_delete_selected_records_every_record_it_deletes(
        self, superuser_client: Client, child: Child
    ) -> None:
        relationships = [factories.ChildRelationshipFactory(child=child) for _ in range(2)]
        response = superuser_client.post(
            url("childrelationship", "changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [str(r.pk) for r in relationships],
                "post": "yes",
            },
        )
        assert response.status_code == 302, response.text
        assert not ChildRelationship.objects.exists()
        assert sorted(AuditEntry.objects.values_list("object_id", flat=True)) == sorted(
            str(r.pk) for r in relationships
        )
        assert set(AuditEntry.objects.values_list("action", flat=True)) == {"delete"}

    def test_a_sign_in_changed_by_the_administrator_is_recorded_without_its_password(
        self, administrator_client: Client, social_care: Agency
    ) -> None:
        colleague = factories.ProfessionalFactory(agency=social_care)
        user = colleague.user
        response = administrator_client.post(
            url("user", "change", user.pk),
            {
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "is_active": "on",
                "is_staff": "on",
            },
        )
        assert response.status_code == 302, response.text
        entry = AuditEntry.objects.get()
        assert (entry.before, entry.after) == ({"is_staff": False}, {"is_staff": True})

    def test_a_password_set_by_the_administrator_is_recorded_without_the_password(
        self, administrator_client: Client, social_care: Agency
    ) -> None:
        user = factories.ProfessionalFactory(agency=social_care).user
        new_password = "an-entirely-fictional-passphrase-42"
        response = administrator_client.post(
            reverse("admin:auth_user_password_change", args=[user.pk]),
            {"password1": new_password, "password2": new_password},
        )
        assert response.status_code == 302, response.text
        entry = AuditEntry.objects.get()
        assert (entry.action, entry.object_type, entry.actor_email) == ("change", "people.user", ADMIN_EMAIL)
        assert entry.reason == "Password set in the administration."
        assert new_password not in str(entry.before) + str(entry.after)
        user.refresh_from_db()
        assert user.check_password(new_password)

    def test_a_childs_authority_cannot_be_changed_once_added(
        self, superuser_client: Client, child: Child
    ) -> None:
        # R-AF-5: moving the child would leave their family and allocations in the old authority.
        elsewhere = factories.AuthorityFactory(name="Southmoor Audit Council", slug="southmoor-audit")
        response = superuser_client.post(
            url("child", "change", child.pk), child_form(child, elsewhere, known_as="Brosy")
        )
        assert response.status_code == 302, response.text
        child.refresh_from_db()
        assert (child.authority, child.known_as) == (
            elsewhere.__class__.objects.get(slug="northbridge-audit"),
            "Brosy",
        )

    def test_a_new_child_without_an_authority_but_with_an_allocation_gets_a_message(
        self, superuser_client: Client, administrator: Professional
    ) -> None:
        data = child_form(None, administrator.agency.authority)
        data["authority"] = ""
        data.update(inline_management("allocations", total=1))
        data.update(
            {
                "allocations-0-professional": str(administrator.pk),
                "allocations-0-case_role": CaseRole.SOCIAL_WORKER,
                "allocations-0-start_date": "2030-01-06",
            }
        )
        response = superuser_client.post(url("child", "add"), data)
        assert response.status_code == 200
        assert "This field is required" in response.text
        assert not Child.objects.exists()

    def test_the_whole_history_written_through_the_administration_verifies(
        self, administrator_client: Client, northbridge: Authority
    ) -> None:
        administrator_client.post(url("child", "add"), child_form(None, northbridge))
        child = Child.objects.get()
        administrator_client.post(
            url("child", "change", child.pk), child_form(child, northbridge, known_as="Hes")
        )
        assert chain.verify_chain("audit").intact


class TestReadsInTheAdministration:
    def test_opening_a_childs_page_is_in_the_childs_access_history(
        self, administrator_client: Client, child: Child
    ) -> None:
        assert administrator_client.get(url("child", "change", child.pk)).status_code == 200
        read = AccessEntry.objects.get()
        assert (read.what, read.allowed, read.actor_email) == ("child-record", True, ADMIN_EMAIL)
        assert (read.child_public_id, read.object_id) == (child.public_id, child.public_id)
        assert read.request_path == url("child", "change", child.pk)

    def test_opening_a_relationship_is_filed_under_its_child(
        self, administrator_client: Client, child: Child
    ) -> None:
        relationship = factories.ChildRelationshipFactory(child=child)
        assert (
            administrator_client.get(url("childrelationship", "change", relationship.pk)).status_code == 200
        )
        read = AccessEntry.objects.get()
        assert (read.what, read.child_public_id) == ("childrelationship", child.public_id)

    def test_a_page_about_no_child_is_not_in_the_access_log(
        self, administrator_client: Client, social_care: Agency
    ) -> None:
        assert administrator_client.get(url("agency", "change", social_care.pk)).status_code == 200
        assert not AccessEntry.objects.exists()

    def test_opening_a_family_member_is_logged(self, administrator_client: Client, child: Child) -> None:
        mother = factories.FamilyMemberFactory(authority=child.authority)
        assert administrator_client.get(url("familymember", "change", mother.pk)).status_code == 200
        read = AccessEntry.objects.get()
        assert (read.what, read.object_id, read.allowed) == ("familymember", mother.public_id, True)

    @pytest.mark.parametrize("model", ["child", "familymember", "household"])
    def test_a_list_of_children_or_families_is_logged_once(
        self, administrator_client: Client, child: Child, model: str
    ) -> None:
        assert administrator_client.get(url(model, "changelist")).status_code == 200
        read = AccessEntry.objects.get()
        assert (read.what, read.allowed, read.actor_email) == (f"{model}-list", True, ADMIN_EMAIL)

    def test_saving_is_audited_not_logged_as_a_read(self, administrator_client: Client, child: Child) -> None:
        administrator_client.post(
            url("child", "change", child.pk), child_form(child, child.authority, known_as="Bro")
        )
        assert not AccessEntry.objects.exists()
        assert AuditEntry.objects.count() == 1


class TestTheLogInTheAdministration:
    def test_a_superuser_may_read_the_logs_but_not_change_them(
        self, superuser_client: Client, child: Child
    ) -> None:
        services.family_member_create(
            authority=child.authority, given_name="Ysolde", family_name="Fairweather"
        )
        entry = AuditEntry.objects.get()
        assert superuser_client.get(reverse("admin:access_auditentry_changelist")).status_code == 200
        assert superuser_client.get(reverse("admin:access_accessentry_changelist")).status_code == 200
        assert (
            superuser_client.get(reverse("admin:access_auditentry_change", args=(entry.pk,))).status_code
            == 200
        )
        assert superuser_client.get(reverse("admin:access_auditentry_add")).status_code == 403
        assert (
            superuser_client.get(reverse("admin:access_auditentry_delete", args=(entry.pk,))).status_code
            == 403
        )
        response = superuser_client.post(
            reverse("admin:access_auditentry_change", args=(entry.pk,)), {"reason": "tidied"}
        )
        assert response.status_code == 403
        assert AuditEntry.objects.get().reason == ""

    def test_reading_the_logs_is_itself_logged(self, superuser_client: Client, child: Child) -> None:
        services.child_relationship_create(
            child=child, family_member=factories.FamilyMemberFactory(authority=child.authority)
        )
        entry = AuditEntry.objects.get()
        superuser_client.get(reverse("admin:access_auditentry_changelist"))
        superuser_client.get(reverse("admin:access_auditentry_change", args=(entry.pk,)))
        superuser_client.get(reverse("admin:access_accessentry_changelist"))
        reads = AccessEntry.objects.order_by("sequence")
        assert [(read.what, read.allowed, read.child_public_id) for read in reads] == [
            ("audit-history", True, None),
            # The entry concerns a child, so reading it shows in the child's "who has seen this record".
            ("audit-history", True, child.public_id),
            ("access-log", True, None),
        ]

    def test_an_authority_administrator_cannot_read_the_logs_and_the_attempt_is_logged(
        self, administrator_client: Client
    ) -> None:
        assert administrator_client.get(reverse("admin:access_auditentry_changelist")).status_code == 403
        assert administrator_client.get(reverse("admin:access_accessentry_changelist")).status_code == 403
        assert list(
            AccessEntry.objects.order_by("sequence").values_list("what", "allowed", "actor_email")
        ) == [
            ("audit-history", False, ADMIN_EMAIL),
            ("access-log", False, ADMIN_EMAIL),
        ]
