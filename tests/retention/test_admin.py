"""The administration's retention policy and legal hold pages: an authority administrator keeps their own
authority's, turning destruction on records who and when, holds are placed and released, never deleted."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cpconf.access.models import AuditEntry
from cpconf.people.models import Authority, Child, Professional
from cpconf.retention.models import LegalHold, RetentionPolicy
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def harrowdene() -> Authority:
    return factories.AuthorityFactory(name="Harrowdene Test Council", slug="harrowdene")


@pytest.fixture
def administrator(harrowdene: Authority) -> Professional:
    return factories.AuthorityAdministratorFactory(agency__authority=harrowdene)


@pytest.fixture
def admin_client(client: Client, administrator: Professional) -> Client:
    client.force_login(administrator.user)
    return client


@pytest.fixture
def child(harrowdene: Authority) -> Child:
    return factories.ChildFactory(authority=harrowdene, given_name="Linnet", family_name="Fennimore")


def policy_form(authority: Authority, **overrides: str) -> dict[str, str]:
    return {
        "authority": str(authority.pk),
        "years_after_birth": "25",
        "years_after_last_activity": "35",
        "replaced_file_years": "",
        "destruction_approval": "",
        **overrides,
    }


class TestPolicyPage:
    def test_turning_destruction_on_records_who_and_when(
        self, admin_client: Client, administrator: Professional, harrowdene: Authority
    ) -> None:
        response = admin_client.post(
            reverse("admin:retention_retentionpolicy_add"),
            policy_form(
                harrowdene, destruction_enabled="on", destruction_approval="Approved, IG-1 (fictional)"
            ),
        )
        assert response.status_code == 302, response.content
        policy = RetentionPolicy.objects.get(authority=harrowdene)
        assert policy.destruction_enabled
        assert policy.destruction_enabled_by == administrator.user
        assert policy.destruction_enabled_at is not None
        assert AuditEntry.objects.filter(
            object_type="retention.retentionpolicy", object_id=str(policy.public_id), action="create"
        ).exists()

    def test_destruction_needs_who_approved_it_and_periods_have_a_floor(
        self, admin_client: Client, harrowdene: Authority
    ) -> None:
        response = admin_client.post(
            reverse("admin:retention_retentionpolicy_add"),
            policy_form(harrowdene, destruction_enabled="on", years_after_birth="18"),
        )
        assert response.status_code == 200
        content = response.content.decode()
        assert "Enter who approved destruction" in content
        assert "Ensure this value is greater than or equal to 25" in content
        assert not RetentionPolicy.objects.exists()

    def test_another_authoritys_policy_is_not_found_and_none_is_deleted(
        self, admin_client: Client, harrowdene: Authority
    ) -> None:
        other = RetentionPolicy.objects.create(
            authority=factories.AuthorityFactory(name="Elsewhere Test Council", slug="elsewhere")
        )
        own = RetentionPolicy.objects.create(authority=harrowdene)
        assert (
            admin_client.get(reverse("admin:retention_retentionpolicy_change", args=[other.pk])).status_code
            == 404
        )
        listing = admin_client.get(reverse("admin:retention_retentionpolicy_changelist")).content.decode()
        assert reverse("admin:retention_retentionpolicy_change", args=[own.pk]) in listing
        assert reverse("admin:retention_retentionpolicy_change", args=[other.pk]) not in listing
        assert (
            admin_client.post(reverse("admin:retention_retentionpolicy_delete", args=[own.pk])).status_code
            == 403
        )


class TestLegalHoldPage:
    def test_a_hold_is_placed_then_released_with_reasons_and_never_deleted(
        self, admin_client: Client, administrator: Professional, harrowdene: Authority, child: Child
    ) -> None:
        response = admin_client.post(
            reverse("admin:retention_legalhold_add"),
            {
                "authority": str(harrowdene.pk),
                "child": str(child.pk),
                "reason": "A claim (fictional)",
                "reference": "C-1",
            },
        )
        assert response.status_code == 302, response.content
        hold = LegalHold.objects.get()
        assert (hold.placed_by, hold.child_public_id) == (administrator.user, child.public_id)
        change = reverse("admin:retention_legalhold_change", args=[hold.pk])
        response = admin_client.post(change, {"released_reason": "The claim was settled"})
        assert response.status_code == 302, response.content
        hold.refresh_from_db()
        assert hold.released_by == administrator.user and hold.released_at is not None
        # Released: read only, and never deleted.
        assert admin_client.post(change, {"released_reason": "Changed"}).status_code == 403
        assert (
            admin_client.post(reverse("admin:retention_legalhold_delete", args=[hold.pk])).status_code == 403
        )
        assert LegalHold.objects.get().released_reason == "The claim was settled"
        actions = AuditEntry.objects.filter(object_type="retention.legalhold").values_list(
            "action", flat=True
        )
        assert sorted(actions) == ["change", "create"]

    def test_a_hold_on_another_authoritys_child_is_refused(
        self, admin_client: Client, harrowdene: Authority
    ) -> None:
        theirs = factories.ChildFactory(authority=factories.AuthorityFactory(slug="elsewhere"))
        response = admin_client.post(
            reverse("admin:retention_legalhold_add"),
            {"authority": str(harrowdene.pk), "child": str(theirs.pk), "reason": "Fictional"},
        )
        assert response.status_code == 200
        assert not LegalHold.objects.exists()

    def test_the_list_names_no_child(self, admin_client: Client, harrowdene: Authority, child: Child) -> None:
        LegalHold.objects.create(
            authority=harrowdene,
            child=child,
            child_public_id=child.public_id,
            reason="Fictional",
            placed_at="2026-11-25T10:00Z",
        )
        listing = admin_client.get(reverse("admin:retention_legalhold_changelist")).content.decode()
        assert "Legal hold" in listing
        assert "Fennimore" not in listing
