"""The administration's side of the audit history.

``AuditedAdmin`` makes a ModelAdmin write an audit entry (who = the signed-in administrator, before and
after) for every record it adds, changes or deletes, including the rows of its inlines, in the same
transaction as the change; and an access log entry each time its page shows a record about a child (a
child, a relationship, an allocation).

The log tables themselves are listed read-only, to superusers only: nobody adds, changes or deletes a
log row through the administration. Reading them is itself logged, since the audit history holds what
the records said.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from cpconf.access.log import access_record, audit_record, audit_snapshot, child_concerned
from cpconf.access.models import AccessEntry, AuditAction, AuditEntry
from cpconf.people.models import Child, FamilyMember, Household

if TYPE_CHECKING:
    _AdminBase = admin.ModelAdmin[Any]
else:
    _AdminBase = object

# Where save_model leaves the "before" of the record it saves, for save_related to finish the entry.
_BEFORE_ATTRIBUTE = "_cpconf_audit_before"

# Records about families that are not tied to one child: showing one is still a read to log.
_FAMILY_RECORDS = (FamilyMember, Household)


def _stored(obj: models.Model) -> models.Model:
    """The record as the database holds it now (a form has already changed ``obj`` in memory)."""
    return type(obj)._default_manager.get(pk=obj.pk)


class AuditedAdmin(_AdminBase):
    """Mix in before ``admin.ModelAdmin``: every save and delete through this page is audited, and every
    showing of a record about a child is in the access log."""

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> Any:
        # The page is about to show a stored record: inside the change view's transaction, as a read.
        child = child_concerned(obj) if change and obj is not None else None
        if child is not None or (change and isinstance(obj, _FAMILY_RECORDS)):
            access_record(
                user=request.user,
                what="child-record" if obj is child else obj._meta.model_name,
                child=child,
                object_id=getattr(obj, "public_id", None),
                allowed=True,
                request=request,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # A list of children or families shows names and identifiers: one access-log row per showing.
        response = super().changelist_view(request, extra_context)
        if self.model is Child or issubclass(self.model, _FAMILY_RECORDS):
            access_record(
                user=request.user,
                what=f"{self.model._meta.model_name}-list",
                allowed=200 <= response.status_code < 300,
                request=request,
            )
        return response

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = audit_snapshot(_stored(obj)) if change and obj.pk is not None else None
        setattr(request, _BEFORE_ATTRIBUTE, {**getattr(request, _BEFORE_ATTRIBUTE, {}), id(obj): before})
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # ModelAdmin.save_related, with the record's entry written once its many-to-many values are saved
        # and before its inline rows, so that the history reads in the order things happened.
        form.save_m2m()
        obj = form.instance
        before = getattr(request, _BEFORE_ATTRIBUTE, {}).pop(id(obj), None)
        audit_record(
            actor=request.user,
            action=AuditAction.CHANGE if change else AuditAction.CREATE,
            instance=obj,
            before=before,
            after=audit_snapshot(obj),
        )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            # Recorded first, while the row still has its primary key; one transaction holds both.
            audit_record(
                actor=request.user,
                action=AuditAction.DELETE,
                instance=obj,
                before=audit_snapshot(obj),
                after=None,
            )
            obj.delete()
        for obj in instances:
            before = audit_snapshot(_stored(obj)) if obj.pk is not None else None
            obj.save()
            audit_record(
                actor=request.user,
                action=AuditAction.CREATE if before is None else AuditAction.CHANGE,
                instance=obj,
                before=before,
                after=audit_snapshot(obj),
            )
        formset.save_m2m()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        # Recorded first, while the row still has its primary key; the delete view's transaction holds both.
        audit_record(
            actor=request.user,
            action=AuditAction.DELETE,
            instance=obj,
            before=audit_snapshot(obj),
            after=None,
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        # "Delete selected": one entry per record, and all or nothing.
        with transaction.atomic(using=queryset.db):
            for obj in queryset:
                self.delete_model(request, obj)


class _LogAdmin[E: AccessEntry | AuditEntry](admin.ModelAdmin[E]):
    """A log listing: superusers may read it; nobody may add, change or delete through it."""

    # What a read of this page is logged as ("audit-history", "access-log").
    what = ""
    list_per_page = 50
    show_full_result_count = False  # counting millions of rows on every page is slow

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[E]:
        return super().get_queryset(request).select_related("actor")

    def _logged(
        self, request: HttpRequest, view: Callable[[], HttpResponse], *, child: Child | None = None
    ) -> HttpResponse:
        """Run ``view`` and log the read, or the refusal, once."""
        try:
            response = view()
        except PermissionDenied:
            access_record(user=request.user, what=self.what, child=child, allowed=False, request=request)
            raise
        access_record(user=request.user, what=self.what, child=child, allowed=True, request=request)
        return response

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return self._logged(request, lambda: super(_LogAdmin, self).changelist_view(request, extra_context))

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # An entry about a child is a read of (part of) that child's record: it shows in their history.
        entry = self.get_object(request, unquote(object_id))
        child_public_id = entry.child_public_id if entry is not None else None
        child = Child.objects.filter(public_id=child_public_id).first() if child_public_id else None
        return self._logged(
            request,
            lambda: super(_LogAdmin, self).change_view(request, object_id, form_url, extra_context),
            child=child,
        )

    @admin.display(description="Who")
    def who(self, entry: E) -> str:
        return entry.actor_display()


@admin.register(AccessEntry)
class AccessEntryAdmin(_LogAdmin[AccessEntry]):
    what = "access-log"
    list_display = ("sequence", "recorded_at", "who", "what", "allowed", "child_public_id", "object_id")
    list_filter = ("allowed", "what")
    search_fields = ("=child_public_id", "=object_id", "actor_email")


@admin.register(AuditEntry)
class AuditEntryAdmin(_LogAdmin[AuditEntry]):
    what = "audit-history"
    list_display = ("sequence", "recorded_at", "who", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("=object_id", "=child_public_id", "actor_email")
