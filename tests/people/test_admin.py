"""The administration through HTTP: an authority administrator manages their own authority only.

Three fixed people: Northbridge's authority administrator, Southmoor (another authority) whose records
they must never see, and a superuser who sees both.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cpconf.people.models import (
    Agency,
    Authority,
    Child,
    ClosureDay,
    FamilyMember,
    Household,
    Professional,
    ProfessionalRole,
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


def child_form(authority: Authority, **overrides: str) -> dict[str, str]:
    data = {
        "authority": str(authority.pk),
        "given_name": "Hesper",
        "family_name": "Wintercross",
        "known_as": "",
        "date_of_birth": "2018-05-14",
        "expected_delivery_date": "",
        "sex": "female",
        "ethnicity": "NOBT",
        "first_language": "English",
        "nhs_number": "943 476 5919",
        "upn": "",
        "consistent_child_identifier": "",
        **inline_management("relationships"),
        **inline_management("allocations"),
    }
    data.update(overrides)
    return data


@pytest.fixture
def southmoor_child(southmoor: Authority) -> Child:
    return factories.ChildFactory(authority=southmoor, given_name="Corisande", family_name="Blackthorne")


@pytest.fixture
def northbridge_child(northbridge: Authority) -> Child:
    return factories.ChildFactory(authority=northbridge, given_name="Evander", family_name="Mossbrook")


class TestWhoMayUseTheAdministration:
    def test_the_authority_administrator_sees_the_people_section(self, administrator_client: Client) -> None:
        response = administrator_client.get(reverse("admin:index"))
        assert response.status_code == 200
        assert reverse("admin:people_child_changelist") in response.text

    def test_a_staff_member_without_the_role_sees_nothing(
        self, client: Client, staff_without_role: Professional, northbridge_child: Child
    ) -> None:
        client.force_login(staff_without_role.user)
        assert reverse("admin:people_child_changelist") not in client.get(reverse("admin:index")).text
        assert client.get(url("child", "changelist")).status_code == 403
        assert client.get(url("child", "change", northbridge_child.pk)).status_code == 404

    def test_a_staff_member_with_permission_rows_but_no_role_still_sees_nothing(
        self, client: Client, staff_without_role: Professional
    ) -> None:
        # Deny by default: only the role (or superuser status) opens the administration.
        from django.contrib.auth.models import Permission

        staff_without_role.user.user_permissions.add(Permission.objects.get(codename="view_child"))
        client.force_login(staff_without_role.user)
        assert client.get(url("child", "changelist")).status_code == 403

    def test_an_administrator_who_has_left_loses_access_at_once(
        self, client: Client, administrator: Professional
    ) -> None:
        administrator.is_active = False
        administrator.save()
        client.force_login(administrator.user)
        response = client.get(url("child", "changelist"))
        # A closed professional record ends the session: the next request is treated as signed out.
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


class TestTheAdministratorManagesTheirOwnAuthority:
    def test_lists_their_agencies_only(
        self, administrator_client: Client, northbridge_social_care: Agency, southmoor_police: Agency
    ) -> None:
        response = administrator_client.get(url("agency", "changelist"))
        assert response.status_code == 200
        assert "Northbridge Test Social Care" in response.text
        assert "Southmoor" not in response.text

    def test_adds_an_agency_in_their_own_authority(
        self, administrator_client: Client, northbridge: Authority
    ) -> None:
        response = administrator_client.post(
            url("agency", "add"),
            {"authority": str(northbridge.pk), "name": "Northbridge Test Midwifery", "agency_type": "health"},
        )
        assert response.status_code == 302
        assert Agency.objects.get(name="Northbridge Test Midwifery").authority == northbridge

    def test_the_add_agency_form_offers_only_their_own_authority(
        self, administrator_client: Client, northbridge: Authority, southmoor: Authority
    ) -> None:
        response = administrator_client.get(url("agency", "add"))
        assert "Northbridge Test Council" in response.text
        assert "Southmoor" not in response.text

    def test_cannot_add_a_record_to_another_authority_by_changing_the_form(
        self, administrator_client: Client, southmoor: Authority
    ) -> None:
        response = administrator_client.post(
            url("agency", "add"),
            {"authority": str(southmoor.pk), "name": "Planted Agency", "agency_type": "health"},
        )
        assert response.status_code == 200
        assert "Select a valid choice" in response.text
        assert not Agency.objects.filter(name="Planted Agency").exists()

    def test_changes_an_agency(self, administrator_client: Client, northbridge_social_care: Agency) -> None:
        response = administrator_client.post(
            url("agency", "change", northbridge_social_care.pk),
            {
                "authority": str(northbridge_social_care.authority_id),
                "name": "Northbridge Children's Services",
                "agency_type": "childrens_social_care",
            },
        )
        assert response.status_code == 302
        northbridge_social_care.refresh_from_db()
        assert northbridge_social_care.name == "Northbridge Children's Services"

    def test_adds_a_professional_with_roles_and_a_sign_in(
        self, administrator_client: Client, northbridge_social_care: Agency
    ) -> None:
        response = administrator_client.post(
            url("professional", "add"),
            {
                "given_name": "Isolde",
                "family_name": "Fernshaw",
                "job_title": "Conference chair",
                "agency": str(northbridge_social_care.pk),
                "email": "isolde.fernshaw@northbridge.example",
                "phone": "",
                "qualified_social_worker": "on",
                "social_work_england_number": "SW99123",
                "create_sign_in": "on",
                "is_active": "on",
                **inline_management("roles", total=2),
                "roles-0-role": Role.CHAIR,
                "roles-1-role": Role.CONFERENCE_COORDINATOR,
            },
        )
        assert response.status_code == 302, response.text
        professional = Professional.objects.get(family_name="Fernshaw")
        assert {held.role for held in professional.roles.all()} == {Role.CHAIR, Role.CONFERENCE_COORDINATOR}
        assert professional.user is not None
        assert professional.user.email == "isolde.fernshaw@northbridge.example"
        assert not professional.user.has_usable_password()

    def test_a_professional_cannot_be_put_in_another_authoritys_agency(
        self, administrator_client: Client, southmoor_police: Agency
    ) -> None:
        response = administrator_client.post(
            url("professional", "add"),
            {
                "given_name": "Isolde",
                "family_name": "Fernshaw",
                "job_title": "Police officer",
                "agency": str(southmoor_police.pk),
                "email": "isolde.fernshaw@northbridge.example",
                "is_active": "on",
                **inline_management("roles"),
            },
        )
        assert response.status_code == 200
        assert "Select a valid choice" in response.text
        assert not Professional.objects.filter(family_name="Fernshaw").exists()

    def test_lists_their_children_only(
        self, administrator_client: Client, northbridge_child: Child, southmoor_child: Child
    ) -> None:
        response = administrator_client.get(url("child", "changelist"))
        assert "Mossbrook" in response.text
        assert "Blackthorne" not in response.text
        assert "Southmoor" not in response.text

    def test_adds_a_child_in_their_own_authority_with_the_nhs_number_as_typed(
        self, administrator_client: Client, northbridge: Authority
    ) -> None:
        response = administrator_client.post(url("child", "add"), child_form(northbridge))
        assert response.status_code == 302, response.text
        child = Child.objects.get(family_name="Wintercross")
        assert child.authority == northbridge
        assert child.nhs_number == "9434765919"

    def test_adds_an_unborn_child_with_an_expected_delivery_date(
        self, administrator_client: Client, northbridge: Authority
    ) -> None:
        from cpconf import clock

        due = clock.today().replace(day=1).toordinal() + 60
        from datetime import date

        response = administrator_client.post(
            url("child", "add"),
            child_form(
                northbridge,
                given_name="",
                date_of_birth="",
                expected_delivery_date=date.fromordinal(due).isoformat(),
                nhs_number="",
            ),
        )
        assert response.status_code == 302, response.text
        assert Child.objects.get(family_name="Wintercross").is_unborn

    def test_changes_a_child(self, administrator_client: Client, northbridge_child: Child) -> None:
        response = administrator_client.post(
            url("child", "change", northbridge_child.pk),
            child_form(northbridge_child.authority, given_name="Evander", family_name="Mossbrook-Hale"),
        )
        assert response.status_code == 302, response.text
        northbridge_child.refresh_from_db()
        assert northbridge_child.family_name == "Mossbrook-Hale"

    def test_a_bad_nhs_number_gives_the_plain_message_and_saves_nothing(
        self, administrator_client: Client, northbridge: Authority
    ) -> None:
        response = administrator_client.post(
            url("child", "add"), child_form(northbridge, nhs_number="943 476 5918")
        )
        assert response.status_code == 200
        assert "This NHS number is not valid: check that every digit is right." in response.text
        assert not Child.objects.filter(family_name="Wintercross").exists()

    def test_a_duplicate_nhs_number_in_the_authority_gives_the_plain_message(
        self, administrator_client: Client, northbridge: Authority
    ) -> None:
        factories.ChildFactory(authority=northbridge, nhs_number="9434765919")
        response = administrator_client.post(url("child", "add"), child_form(northbridge))
        assert response.status_code == 200
        assert "Another child in this authority already has this NHS number." in response.text
        assert not Child.objects.filter(family_name="Wintercross").exists()

    def test_a_future_date_of_birth_gives_the_plain_message(
        self, administrator_client: Client, northbridge: Authority
    ) -> None:
        response = administrator_client.post(
            url("child", "add"), child_form(northbridge, date_of_birth="2999-01-01")
        )
        assert "The date of birth must be today or in the past." in response.text
        assert not Child.objects.exists()

    def test_records_a_family_member_on_the_childs_page(
        self, administrator_client: Client, northbridge: Authority
    ) -> None:
        mother = factories.FamilyMemberFactory(
            authority=northbridge, given_name="Oriel", family_name="Wintercross"
        )
        data = child_form(northbridge)
        data.update(
            {
                **inline_management("relationships", total=1),
                "relationships-0-family_member": str(mother.pk),
                "relationships-0-relationship": "mother",
                "relationships-0-parental_responsibility": "on",
                "relationships-0-lives_with_child": "on",
            }
        )
        response = administrator_client.post(url("child", "add"), data)
        assert response.status_code == 302, response.text
        relationship = Child.objects.get(family_name="Wintercross").relationships.get()
        assert relationship.family_member == mother
        assert relationship.parental_responsibility

    def test_cannot_delete_a_child(self, administrator_client: Client, northbridge_child: Child) -> None:
        # DESIGN "Data conventions": nothing about a child is deleted through ordinary use.
        assert administrator_client.get(url("child", "delete", northbridge_child.pk)).status_code == 403
        assert (
            administrator_client.post(
                url("child", "delete", northbridge_child.pk), {"post": "yes"}
            ).status_code
            == 403
        )
        response = administrator_client.post(
            url("child", "changelist"),
            {"action": "delete_selected", "_selected_action": [northbridge_child.pk]},
        )
        assert response.status_code in {200, 302}
        assert Child.objects.filter(pk=northbridge_child.pk).exists()

    @pytest.mark.parametrize("model", ["familymember", "childrelationship", "household"])
    def test_cannot_delete_family_records(
        self, administrator_client: Client, northbridge_child: Child, model: str
    ) -> None:
        mother = factories.FamilyMemberFactory(authority=northbridge_child.authority)
        relationship = factories.ChildRelationshipFactory(child=northbridge_child, family_member=mother)
        household = factories.HouseholdFactory(
            authority=northbridge_child.authority, children=[northbridge_child], adults=[mother]
        )
        record = {"familymember": mother, "childrelationship": relationship, "household": household}[model]
        assert administrator_client.post(url(model, "delete", record.pk), {"post": "yes"}).status_code == 403
        assert type(record).objects.filter(pk=record.pk).exists()

    def test_adds_closure_days_and_secure_domains_on_their_authority_page(
        self, administrator_client: Client, northbridge: Authority
    ) -> None:
        response = administrator_client.post(
            url("authority", "change", northbridge.pk),
            {
                **inline_management("closure_days", total=1),
                "closure_days-0-date": "2030-12-30",
                "closure_days-0-reason": "Council offices closed",
                **inline_management("secure_email_domains", total=1),
                "secure_email_domains-0-domain": "nhs.northbridge.example",
            },
        )
        assert response.status_code == 302, response.text
        assert northbridge.closure_days.get().reason == "Council offices closed"
        assert northbridge.secure_email_domains.get().domain == "nhs.northbridge.example"

    def test_cannot_rename_their_authority_or_change_its_policy_profile(
        self, administrator_client: Client, northbridge: Authority
    ) -> None:
        response = administrator_client.post(
            url("authority", "change", northbridge.pk),
            {
                "name": "Renamed Council",
                "policy_profile": "medway",
                **inline_management("closure_days"),
                **inline_management("secure_email_domains"),
            },
        )
        assert response.status_code == 302
        northbridge.refresh_from_db()
        assert (northbridge.name, northbridge.policy_profile) == ("Northbridge Test Council", "staffordshire")

    def test_cannot_create_an_authority(self, administrator_client: Client) -> None:
        assert administrator_client.get(url("authority", "add")).status_code == 403

    def test_a_bad_secure_domain_gives_the_plain_message(
        self, administrator_client: Client, northbridge: Authority
    ) -> None:
        response = administrator_client.post(
            url("secureemaildomain", "add"), {"authority": str(northbridge.pk), "domain": "@NHS.net"}
        )
        assert "Enter a domain name in lower case, without @" in response.text


class TestTheAdministratorNeverSeesAnotherAuthority:
    @pytest.mark.parametrize("view", ["change", "history", "delete"])
    def test_another_authoritys_child_is_not_found(
        self, administrator_client: Client, southmoor_child: Child, view: str
    ) -> None:
        response = administrator_client.get(url("child", view, southmoor_child.pk))
        assert response.status_code in {403, 404}
        assert "Blackthorne" not in response.text

    def test_another_authoritys_child_cannot_be_changed_by_posting(
        self, administrator_client: Client, southmoor_child: Child, southmoor: Authority
    ) -> None:
        response = administrator_client.post(
            url("child", "change", southmoor_child.pk), child_form(southmoor, family_name="Hijacked")
        )
        assert response.status_code == 404
        southmoor_child.refresh_from_db()
        assert southmoor_child.family_name == "Blackthorne"

    def test_another_authoritys_agency_and_professional_are_not_found(
        self, administrator_client: Client, southmoor_administrator: Professional
    ) -> None:
        assert (
            administrator_client.get(url("agency", "change", southmoor_administrator.agency_id)).status_code
            == 404
        )
        assert (
            administrator_client.get(url("professional", "change", southmoor_administrator.pk)).status_code
            == 404
        )
        assert (
            administrator_client.get(url("user", "change", southmoor_administrator.user_id)).status_code
            == 404
        )
        assert (
            administrator_client.get(
                reverse("admin:auth_user_password_change", args=(southmoor_administrator.user_id,))
            ).status_code
            == 404
        )

    def test_another_authority_is_not_listed(
        self, administrator_client: Client, southmoor: Authority
    ) -> None:
        response = administrator_client.get(url("authority", "changelist"))
        assert "Northbridge Test Council" in response.text
        assert "Southmoor" not in response.text
        assert administrator_client.get(url("authority", "change", southmoor.pk)).status_code == 404

    def test_searching_finds_nothing_of_another_authority(
        self, administrator_client: Client, southmoor_child: Child
    ) -> None:
        response = administrator_client.get(url("child", "changelist"), {"q": "Blackthorne"})
        assert response.context["cl"].result_count == 0
        assert "Corisande" not in response.text

    def test_the_autocomplete_offers_only_their_own_children(
        self, administrator_client: Client, northbridge_child: Child, southmoor_child: Child
    ) -> None:
        response = administrator_client.get(
            reverse("admin:autocomplete"),
            {"app_label": "people", "model_name": "household", "field_name": "children", "term": ""},
        )
        assert response.status_code == 200
        names = [result["text"] for result in response.json()["results"]]
        assert names == ["Evander Mossbrook"]

    def test_a_household_cannot_take_another_authoritys_child(
        self, administrator_client: Client, northbridge: Authority, southmoor_child: Child
    ) -> None:
        response = administrator_client.post(
            url("household", "add"),
            {
                "authority": str(northbridge.pk),
                "name": "the Blackthorne household",
                "address": "",
                "children": [str(southmoor_child.pk)],
            },
        )
        assert response.status_code == 200
        assert not Household.objects.exists()

    def test_cannot_relate_another_authoritys_family_member_to_their_child(
        self, administrator_client: Client, northbridge_child: Child, southmoor: Authority
    ) -> None:
        stranger = factories.FamilyMemberFactory(authority=southmoor)
        response = administrator_client.post(
            url("childrelationship", "add"),
            {"child": str(northbridge_child.pk), "family_member": str(stranger.pk), "relationship": "father"},
        )
        assert response.status_code == 200
        assert not northbridge_child.relationships.exists()

    def test_cannot_change_a_superusers_sign_in(
        self, administrator_client: Client, administrator: Professional, northbridge_social_care: Agency
    ) -> None:
        # Even a superuser with a professional record in this authority is out of reach.
        boss = factories.ProfessionalFactory(
            agency=northbridge_social_care, user=factories.SuperuserFactory()
        )
        assert administrator_client.get(url("user", "change", boss.user_id)).status_code == 404
        assert (
            administrator_client.get(
                reverse("admin:auth_user_password_change", args=(boss.user_id,))
            ).status_code
            == 404
        )

    def test_makes_a_colleague_staff_but_not_superuser(
        self, administrator_client: Client, northbridge_social_care: Agency
    ) -> None:
        colleague = factories.ProfessionalFactory(agency=northbridge_social_care)
        user = colleague.user
        response = administrator_client.post(
            url("user", "change", user.pk),
            {
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "is_active": "on",
                "is_staff": "on",
                "is_superuser": "on",
            },
        )
        assert response.status_code == 302, response.text
        user.refresh_from_db()
        assert user.is_staff
        assert not user.is_superuser


class TestTheSuperuserSeesEverything:
    def test_lists_the_children_of_both_authorities(
        self, superuser_client: Client, northbridge_child: Child, southmoor_child: Child
    ) -> None:
        response = superuser_client.get(url("child", "changelist"))
        assert "Mossbrook" in response.text
        assert "Blackthorne" in response.text

    def test_opens_any_authority(
        self, superuser_client: Client, northbridge: Authority, southmoor: Authority
    ) -> None:
        assert superuser_client.get(url("authority", "change", southmoor.pk)).status_code == 200
        assert superuser_client.get(url("authority", "add")).status_code == 200

    def test_cannot_mix_authorities_in_a_household(
        self, superuser_client: Client, northbridge: Authority, southmoor_child: Child
    ) -> None:
        response = superuser_client.post(
            url("household", "add"),
            {
                "authority": str(northbridge.pk),
                "name": "the Mixed household",
                "children": [str(southmoor_child.pk)],
            },
        )
        assert response.status_code == 200
        assert "Every child in a household must belong to Northbridge Test Council" in response.text
        assert not Household.objects.exists()

    def test_cannot_relate_a_child_to_another_authoritys_family_member_on_the_childs_page(
        self, superuser_client: Client, northbridge: Authority, southmoor: Authority
    ) -> None:
        stranger = factories.FamilyMemberFactory(authority=southmoor)
        data = child_form(northbridge)
        data.update(
            {
                **inline_management("relationships", total=1),
                "relationships-0-family_member": str(stranger.pk),
                "relationships-0-relationship": "father",
            }
        )
        response = superuser_client.post(url("child", "add"), data)
        assert response.status_code == 200
        assert "The child and the family member must belong to the same authority." in response.text
        assert not Child.objects.exists()

    def test_cannot_relate_across_authorities_on_the_relationship_page(
        self, superuser_client: Client, northbridge_child: Child, southmoor: Authority
    ) -> None:
        stranger = factories.FamilyMemberFactory(authority=southmoor)
        response = superuser_client.post(
            url("childrelationship", "add"),
            {"child": str(northbridge_child.pk), "family_member": str(stranger.pk), "relationship": "father"},
        )
        assert "The child and the family member must belong to the same authority." in response.text
        assert not FamilyMember.objects.get(pk=stranger.pk).relationships.exists()

    def test_adds_a_sign_in(self, superuser_client: Client) -> None:
        response = superuser_client.post(
            url("user", "add"),
            {
                "email": "new.person@cpconf.example",
                "usable_password": "false",
                "password1": "",
                "password2": "",
            },
        )
        assert response.status_code == 302, response.text
        assert User.objects.filter(email="new.person@cpconf.example").exists()


class TestListsDoNotGrowTheirQueries:
    @pytest.mark.parametrize(
        "model", ["child", "professional", "household", "agency", "familymember", "user"]
    )
    def test_a_list_makes_the_same_number_of_queries_for_few_and_many_rows(
        self,
        administrator_client: Client,
        northbridge: Authority,
        northbridge_social_care: Agency,
        model: str,
    ) -> None:
        def add_rows(count: int) -> None:
            for _ in range(count):
                child = factories.ChildFactory(authority=northbridge)
                adult = factories.FamilyMemberFactory(authority=northbridge)
                factories.HouseholdFactory(authority=northbridge, children=[child], adults=[adult])
                factories.ProfessionalFactory(
                    agency=factories.AgencyFactory(authority=northbridge),
                    roles=[Role.SOCIAL_WORKER, Role.CHAIR],
                )

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert administrator_client.get(url(model, "changelist")).status_code == 200
            return len(captured)

        add_rows(2)
        queries()  # the first read also starts the access log's chain: a one-off, not growth
        few = queries()
        add_rows(8)
        assert queries() == few


def test_the_roles_page_lists_roles_of_their_own_professionals_only(
    administrator_client: Client, administrator: Professional, southmoor_administrator: Professional
) -> None:
    response = administrator_client.get(url("professionalrole", "changelist"))
    assert "Pendragast" in response.text
    assert "Vantreight" not in response.text
    assert ProfessionalRole.objects.count() == 2


def test_closure_days_of_another_authority_are_not_listed(
    administrator_client: Client, northbridge: Authority, southmoor: Authority
) -> None:
    factories.ClosureDayFactory(authority=southmoor, reason="Southmoor civic holiday")
    factories.ClosureDayFactory(authority=northbridge, reason="Northbridge staff day")
    response = administrator_client.get(url("closureday", "changelist"))
    assert "Northbridge staff day" in response.text
    assert "Southmoor civic holiday" not in response.text
    assert ClosureDay.objects.count() == 2


def test_the_administrator_sets_a_colleagues_password_but_adds_sign_ins_only_from_the_professional(
    administrator_client: Client, northbridge_social_care: Agency
) -> None:
    colleague = factories.ProfessionalFactory(agency=northbridge_social_care)
    response = administrator_client.post(
        reverse("admin:auth_user_password_change", args=(colleague.user_id,)),
        {"password1": "lichen-harbour-orchard-9", "password2": "lichen-harbour-orchard-9"},
    )
    assert response.status_code == 302, response.text
    colleague.user.refresh_from_db()
    assert colleague.user.check_password("lichen-harbour-orchard-9")
    assert administrator_client.get(url("user", "add")).status_code == 403
