"""The administration pages for retention policies and legal holds (docs/retention.md).

An authority administrator sees and changes only their own authority's policy and holds, as on every other
administration page (``cpconf.people.admin``). Nothing here is ever deleted: a hold is released, with the
reason, and stays; a policy is changed, and every change is in the audit history.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from cpconf import clock
from cpconf.people.admin import AUTHORITY_PATHS, AuthorityScopedAdmin
from cpconf.people.models import User
from cpconf.retention.models import LegalHold, RetentionPolicy
from cpconf.retention.services import check_hold, locked_policy, stamp_destruction_switch

AUTHORITY_PATHS[RetentionPolicy] = "authority"
AUTHORITY_PATHS[LegalHold] = "authority"


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(AuthorityScopedAdmin[RetentionPolicy]):
    list_display = (
        "authority",
        "years_after_birth",
        "years_after_last_activity",
        "replaced_file_years",
        "destruction_enabled",
    )
    list_filter = ("destruction_enabled", "authority")
    fields = (
        "authority",
        "years_after_birth",
        "years_after_last_activity",
        "replaced_file_years",
        "destruction_enabled",
        "destruction_approval",
        "destruction_enabled_by",
        "destruction_enabled_at",
    )
    readonly_fields = ("destruction_enabled_by", "destruction_enabled_at")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a policy is changed, never deleted: without one, the defaults apply

    def save_model(self, request: HttpRequest, obj: RetentionPolicy, form: Any, change: bool) -> None:
        was_enabled = False
        if change and obj.pk is not None:
            was_enabled = RetentionPolicy.objects.select_for_update().get(pk=obj.pk).destruction_enabled
        stamp_destruction_switch(obj, was_enabled, _user(request))
        super().save_model(request, obj, form, change)


@admin.register(LegalHold)
class LegalHoldAdmin(AuthorityScopedAdmin[LegalHold]):
    list_display = ("__str__", "authority", "reference", "placed_at", "released_at")
    list_filter = ("authority",)
    search_fields = ("reference",)
    autocomplete_fields = ("child",)
    authority_administrator_may_delete = False

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("authority", "child", "reason", "reference")
        return (
            "authority",
            "child_public_id",
            "reason",
            "reference",
            "placed_by",
            "placed_at",
            "released_reason",
            "released_by",
            "released_at",
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        fixed: tuple[str, ...] = (
            "authority",
            "child_public_id",
            "reason",
            "reference",
            "placed_by",
            "placed_at",
        )
        fixed += ("released_by", "released_at")
        if obj.released_at is not None:
            fixed += ("released_reason",)
        return fixed

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A released hold is history: it can be read, not changed.
        if obj is not None and obj.released_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # released, never deleted

    def save_model(self, request: HttpRequest, obj: LegalHold, form: Any, change: bool) -> None:
        user = _user(request)
        # Waits for a destruction under way in the authority (cpconf.retention.services).
        locked_policy(obj.authority)
        if not change:
            obj.placed_by = user
            obj.placed_at = clock.now()
            obj.child_public_id = obj.child.public_id if obj.child is not None else None
        elif obj.released_reason.strip() and obj.released_at is None:
            obj.released_reason = obj.released_reason.strip()
            obj.released_by = user
            obj.released_at = clock.now()
        super().save_model(request, obj, form, change)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class HoldForm(form_class):  # type: ignore[misc, valid-type]
            def _post_clean(self) -> None:
                super()._post_clean()
                try:
                    check_hold(self.instance)
                except ValidationError as error:
                    self._update_errors(error)

        return HoldForm
