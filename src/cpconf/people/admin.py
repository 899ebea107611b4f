"""The administration pages for people records, for superusers and authority administrators.

An authority administrator is an active staff user whose professional record holds the role
"Authority administrator". Making someone one is just that: the role and staff status, no permission
rows. They see and change only their own authority's records: every list is filtered, every choice
of a related record is limited to their authority, and a new record belongs to their authority.
A superuser sees everything. Anyone else who reaches the administration sees nothing, whatever
permission rows they may hold (deny by default).

Nothing about a child is deleted through ordinary use (DESIGN "Data conventions"): authority
administrators cannot delete children, family members, relationships or households. Every form runs
the model's own validation, so the administration refuses what the services refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from cpconf import clock
from cpconf.access.admin import AuditedAdmin
from cpconf.access.log import audit_record
from cpconf.access.models import AuditAction
from cpconf.people import identifiers, services
from cpconf.people.models import (
    Agency,
    Allocation,
    Authority,
    Child,
    ChildRelationship,
    ClosureDay,
    FamilyMember,
    Household,
    Professional,
    ProfessionalRole,
    Role,
    SecureEmailDomain,
    User,
)
from cpconf.people.selectors import professional_for_user

if TYPE_CHECKING:
    from django.contrib.admin.options import BaseModelAdmin, InlineModelAdmin
    from django_stubs_ext import WithAnnotations

    # The mixins below always come before a ModelAdmin or an inline, whose methods their super() calls
    # reach. Only the type checker sees these bases: at run time the mixins derive from object.
    _AccessBase = BaseModelAdmin[Any]
    _InlineBase = InlineModelAdmin[Any, Any]
else:
    _AccessBase = object
    _InlineBase = object

# How each model reaches its authority ("" for the authority itself).
AUTHORITY_PATHS: dict[type[models.Model], str] = {
    Authority: "",
    ClosureDay: "authority",
    SecureEmailDomain: "authority",
    Agency: "authority",
    Professional: "agency__authority",
    ProfessionalRole: "professional__agency__authority",
    Child: "authority",
    FamilyMember: "authority",
    ChildRelationship: "child__authority",
    Allocation: "child__authority",
    Household: "authority",
    User: "professional__agency__authority",
}

_CACHE_ATTRIBUTE = "_cpconf_administered_authority"


def administered_authority(request: HttpRequest) -> Authority | None:
    """The authority the signed-in authority administrator looks after; None for anyone else."""
    if hasattr(request, _CACHE_ATTRIBUTE):
        return cast("Authority | None", getattr(request, _CACHE_ATTRIBUTE))
    authority = None
    user = request.user
    # Only an active staff user can use the administration at all.
    if user.is_authenticated and user.is_active and user.is_staff:
        professional = professional_for_user(user)
        # An inactive professional record is None here, so a leaver loses access at once.
        if professional is not None and any(
            held.role == Role.AUTHORITY_ADMINISTRATOR for held in professional.roles.all()
        ):
            authority = professional.agency.authority
    setattr(request, _CACHE_ATTRIBUTE, authority)
    return authority


def is_superuser(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


def scoped[M: models.Model](queryset: QuerySet[M], authority: Authority | None) -> QuerySet[M]:
    """Only the rows of ``queryset`` that belong to ``authority`` (none without an authority)."""
    if authority is None:
        return queryset.none()
    path = AUTHORITY_PATHS[queryset.model]
    if path == "":
        return queryset.filter(pk=authority.pk)
    return queryset.filter(**{path: authority})


def authority_id_of(obj: models.Model) -> int | None:
    """The primary key of the authority ``obj`` belongs to; None if it belongs to none yet."""
    path = AUTHORITY_PATHS[type(obj)]
    if path == "":
        return cast("int | None", obj.pk)
    *hops, last = path.split("__")
    target: Any = obj
    for hop in hops:
        try:
            target = getattr(target, hop)
        except ObjectDoesNotExist:  # for example a user who has no professional record
            return None
        if target is None:
            return None
    return cast("int | None", getattr(target, f"{last}_id"))


class _AuthorityAccess(_AccessBase):
    """Who may do what, shared by the pages and their inlines."""

    # What an authority administrator may do with this model (a superuser may do everything).
    authority_administrator_may_add = True
    authority_administrator_may_change = True
    authority_administrator_may_delete = False

    def _authority_administrator_may(self, request: HttpRequest, allowed: bool, obj: Any = None) -> bool:
        authority = administered_authority(request)
        if not allowed or authority is None:
            return False
        # A record of another authority is refused even if it reached here some other way.
        return obj is None or authority_id_of(obj) == authority.pk

    # Viewing, changing and deleting take the same arguments on a page and on an inline (where ``obj`` is
    # the parent record); adding does not, so each class keeps its own has_add_permission.
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if is_superuser(request):
            return bool(super().has_view_permission(request, obj))
        return self._authority_administrator_may(request, True, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if is_superuser(request):
            return bool(super().has_change_permission(request, obj))
        return self._authority_administrator_may(request, self.authority_administrator_may_change, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if is_superuser(request):
            return bool(super().has_delete_permission(request, obj))
        return self._authority_administrator_may(request, self.authority_administrator_may_delete, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if is_superuser(request):
            return queryset
        return scoped(queryset, administered_authority(request))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        related = db_field.remote_field.model
        if not is_superuser(request) and related in AUTHORITY_PATHS:
            authority = administered_authority(request)
            if related is Authority:
                # A new record is created in the administrator's own authority: the only choice.
                kwargs["empty_label"] = None
            kwargs.setdefault("queryset", scoped(related._default_manager.all(), authority))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        related = db_field.remote_field.model
        if not is_superuser(request) and related in AUTHORITY_PATHS:
            kwargs.setdefault(
                "queryset", scoped(related._default_manager.all(), administered_authority(request))
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class AuthorityScopedAdmin[M: models.Model](AuditedAdmin, _AuthorityAccess, admin.ModelAdmin[M]):
    """A page of records that belong to one authority each. Every add, change and delete, its inlines'
    included, writes an audit history entry in the same transaction (``AuditedAdmin``)."""

    if TYPE_CHECKING:
        # _AuthorityAccess.get_queryset returns rows of this page's model.
        def get_queryset(self, request: HttpRequest) -> QuerySet[M]: ...

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_superuser(request) or administered_authority(request) is not None

    def has_add_permission(self, request: HttpRequest) -> bool:
        if is_superuser(request):
            return super().has_add_permission(request)
        return self._authority_administrator_may(request, self.authority_administrator_may_add)

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        # "Does not exist" and "not yours" look the same: a 404, not a redirect naming the record.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(f"There is no {self.opts.verbose_name} here.")
        return obj

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial: dict[str, Any] = super().get_changeform_initial_data(request)
        authority = None if is_superuser(request) else administered_authority(request)
        if authority is not None and "authority" in {field.name for field in self.opts.fields}:
            initial["authority"] = authority.pk
        return initial

    def get_list_filter(self, request: HttpRequest) -> Any:
        # Only a superuser sees more than one authority, so only they can filter by it.
        list_filter = tuple(super().get_list_filter(request))
        return list_filter if is_superuser(request) else tuple(f for f in list_filter if f != "authority")

    def get_list_display(self, request: HttpRequest) -> Any:
        list_display = tuple(super().get_list_display(request))
        if is_superuser(request):
            return list_display
        return tuple(f for f in list_display if f not in {"authority", "authority_name"})

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        # Moving a saved record to another authority would leave its households, relationships and
        # allocations behind in the old one, where staff would still see the child (R-AF-5): the
        # authority is set once, when the record is added, even by a superuser.
        if obj is not None and "authority" in {field.name for field in self.opts.fields}:
            readonly += ("authority",)
        return readonly


class AuthorityScopedInline(_AuthorityAccess, _InlineBase):
    """Rows shown under their parent record; ``obj`` in the permission checks is the parent."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if is_superuser(request):
            return super().has_add_permission(request, obj)
        return self._authority_administrator_may(request, self.authority_administrator_may_add, obj)


# Authority, closure days and secure email domains


class ClosureDayInline(AuthorityScopedInline, admin.TabularInline[ClosureDay, Authority]):
    model = ClosureDay
    extra = 0
    authority_administrator_may_delete = True
    verbose_name = "closure day"
    verbose_name_plural = "Closure days (not counted as working days, as well as bank holidays in England)"


class SecureEmailDomainInline(AuthorityScopedInline, admin.TabularInline[SecureEmailDomain, Authority]):
    model = SecureEmailDomain
    extra = 0
    authority_administrator_may_delete = True
    verbose_name = "secure email domain"
    verbose_name_plural = "Secure email domains (content about a child is only emailed to these)"


@admin.register(Authority)
class AuthorityAdmin(AuthorityScopedAdmin[Authority]):
    list_display = ("name", "slug", "code", "policy_profile")
    search_fields = ("name", "slug")
    inlines = (ClosureDayInline, SecureEmailDomainInline)
    authority_administrator_may_add = False
    prepopulated_fields = {"slug": ("name",)}

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The authority's identity and policy profile set every statutory deadline: superusers only.
        if is_superuser(request):
            return ()
        return ("name", "slug", "code", "policy_profile")

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> dict[str, Any]:
        return dict(self.prepopulated_fields) if is_superuser(request) else {}


@admin.register(ClosureDay)
class ClosureDayAdmin(AuthorityScopedAdmin[ClosureDay]):
    list_display = ("date", "reason", "authority")
    list_filter = ("authority",)
    search_fields = ("reason",)
    date_hierarchy = "date"
    authority_administrator_may_delete = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[ClosureDay]:
        return super().get_queryset(request).select_related("authority")


@admin.register(SecureEmailDomain)
class SecureEmailDomainAdmin(AuthorityScopedAdmin[SecureEmailDomain]):
    list_display = ("domain", "authority")
    list_filter = ("authority",)
    search_fields = ("domain",)
    authority_administrator_may_delete = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[SecureEmailDomain]:
        return super().get_queryset(request).select_related("authority")


# Agencies and professionals


class _AgencyCounts(TypedDict):
    professional_count: int


@admin.register(Agency)
class AgencyAdmin(AuthorityScopedAdmin[Agency]):
    list_display = ("name", "agency_type", "professional_count", "authority")
    list_filter = ("agency_type", "authority")
    search_fields = ("name",)
    fields = ("authority", "name", "agency_type")
    # An agency in use is protected by its professionals; an unused one may be removed.
    authority_administrator_may_delete = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[WithAnnotations[Agency, _AgencyCounts]]:
        return (
            super()
            .get_queryset(request)
            .select_related("authority")
            .annotate(professional_count=Count("professionals"))
        )

    @admin.display(description="Professionals", ordering="professional_count")
    def professional_count(self, agency: WithAnnotations[Agency, _AgencyCounts]) -> int:
        return agency.professional_count


class ProfessionalRoleInline(AuthorityScopedInline, admin.TabularInline[ProfessionalRole, Professional]):
    model = ProfessionalRole
    extra = 1
    authority_administrator_may_delete = True  # taking a role away is ordinary
    verbose_name = "role"
    verbose_name_plural = "Roles (what this person may do in cpconf)"


class ProfessionalAdminForm(forms.ModelForm[Professional]):
    create_sign_in = forms.BooleanField(
        label="Give this person a sign-in",
        required=False,
        help_text="Creates a sign-in with their work email address. Set their password on the sign-in's "
        "page (Users), or they choose one with the forgotten password link.",
    )

    class Meta:
        model = Professional
        fields = (
            "given_name",
            "family_name",
            "job_title",
            "agency",
            "email",
            "phone",
            "qualified_social_worker",
            "social_work_england_number",
            "user",
            "is_active",
        )
        labels = {
            "qualified_social_worker": "Qualified social worker",
            "social_work_england_number": "Social Work England number",
            "is_active": "Active (clear this when the person leaves; they can no longer sign in to cpconf)",
        }

    def clean(self) -> dict[str, Any]:
        super().clean()  # returns self.cleaned_data (django-stubs allows None, for subclasses)
        cleaned = self.cleaned_data
        if cleaned.get("create_sign_in"):
            if self.instance.user_id is not None or cleaned.get("user") is not None:
                self.add_error("create_sign_in", "This person already has a sign-in.")
            email = (cleaned.get("email") or "").strip().lower()
            if email and User.objects.filter(email__iexact=email).exists():
                self.add_error(
                    "email", f"Someone already signs in with {email}: use a different work email address."
                )
        return cleaned


@admin.register(Professional)
class ProfessionalAdmin(AuthorityScopedAdmin[Professional]):
    form = ProfessionalAdminForm
    list_display = (
        "full_name",
        "job_title",
        "agency",
        "role_list",
        "qualified_social_worker",
        "has_sign_in",
        "is_active",
        "authority_name",
    )
    list_filter = (
        "roles__role",
        ("agency", admin.RelatedOnlyFieldListFilter),
        "qualified_social_worker",
        "is_active",
    )
    search_fields = ("given_name", "family_name", "email", "job_title")
    autocomplete_fields = ("user",)
    inlines = (ProfessionalRoleInline,)
    # A professional is made inactive, not deleted: conferences and plans keep pointing at them.
    authority_administrator_may_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Professional]:
        return super().get_queryset(request).select_related("agency__authority").prefetch_related("roles")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        sign_in: tuple[str, ...] = ("user",) if is_superuser(request) else ("sign_in",)
        if obj is None or obj.user_id is None:
            sign_in += ("create_sign_in",)
        return (
            (None, {"fields": ("given_name", "family_name", "job_title", "agency")}),
            ("Contact", {"fields": ("email", "phone")}),
            ("Social work", {"fields": ("qualified_social_worker", "social_work_england_number")}),
            ("Sign-in", {"fields": (*sign_in, "is_active")}),
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if is_superuser(request) else ("sign_in",)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # After the professional and their roles, so that the audit history reads in that order.
        super().save_related(request, form, formsets, change)
        professional = form.instance
        if form.cleaned_data.get("create_sign_in") and professional.user_id is None:
            services.professional_give_sign_in(
                professional=professional, acting_user=cast("User", request.user)
            )

    @admin.display(description="Name", ordering="family_name")
    def full_name(self, professional: Professional) -> str:
        return professional.full_name

    @admin.display(description="Roles")
    def role_list(self, professional: Professional) -> str:
        return ", ".join(held.get_role_display() for held in professional.roles.all())

    @admin.display(description="Sign-in", boolean=True)
    def has_sign_in(self, professional: Professional) -> bool:
        return professional.user_id is not None

    @admin.display(description="Authority", ordering="agency__authority__name")
    def authority_name(self, professional: Professional) -> str:
        return professional.agency.authority.name

    @admin.display(description="Sign-in")
    def sign_in(self, professional: Professional) -> str:
        user = professional.user  # None without a query when user_id is None
        if user is None:
            return "No sign-in yet."
        url = reverse("admin:people_user_change", args=(professional.user_id,))
        return format_html('<a href="{}">{}</a>', url, user.email)


@admin.register(ProfessionalRole)
class ProfessionalRoleAdmin(AuthorityScopedAdmin[ProfessionalRole]):
    list_display = ("professional", "role")
    list_filter = ("role",)
    search_fields = ("professional__given_name", "professional__family_name")
    autocomplete_fields = ("professional",)
    authority_administrator_may_delete = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProfessionalRole]:
        return super().get_queryset(request).select_related("professional")


# Children, family members, relationships and households


class SameAuthorityFormSet[P: models.Model](BaseInlineFormSet[ChildRelationship, P]):
    """Refuses a row that links the record on the page to another authority's record."""

    other_field = ""

    def clean(self) -> None:
        super().clean()
        authority_id = getattr(self.instance, "authority_id", None)
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            other = form.cleaned_data.get(self.other_field)
            if authority_id is not None and other is not None and other.authority_id != authority_id:
                form.add_error(
                    self.other_field, "The child and the family member must belong to the same authority."
                )


class RelationshipsOfChildFormSet(SameAuthorityFormSet[Child]):
    other_field = "family_member"


class RelationshipsOfFamilyMemberFormSet(SameAuthorityFormSet[FamilyMember]):
    other_field = "child"


class RelationshipInline[P: models.Model](AuthorityScopedInline, admin.TabularInline[ChildRelationship, P]):
    model = ChildRelationship
    extra = 0
    # Relationships are corrected, never deleted (DESIGN "Data conventions").
    authority_administrator_may_delete = False


class FamilyOfChildInline(RelationshipInline[Child]):
    fk_name = "child"
    formset = RelationshipsOfChildFormSet
    fields = ("family_member", "relationship", "parental_responsibility", "lives_with_child")
    autocomplete_fields = ("family_member",)
    verbose_name = "family member"
    verbose_name_plural = "Family: parents, carers and relatives"


class ChildrenOfFamilyMemberInline(RelationshipInline[FamilyMember]):
    fk_name = "family_member"
    formset = RelationshipsOfFamilyMemberFormSet
    fields = ("child", "relationship", "parental_responsibility", "lives_with_child")
    autocomplete_fields = ("child",)
    verbose_name = "child"
    verbose_name_plural = "Children this person is related to"


class AllocationsOfChildFormSet(BaseInlineFormSet[Allocation, Child]):
    """Refuses two rows on the page that allocate the same person in the same role for overlapping dates
    (each row's own validation only sees the allocations already saved)."""

    def clean(self) -> None:
        super().clean()
        seen: list[tuple[Any, str, date, date | None]] = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            professional = form.cleaned_data.get("professional")
            case_role = form.cleaned_data.get("case_role")
            start = form.cleaned_data.get("start_date")
            end = form.cleaned_data.get("end_date")
            if professional is None or not case_role or start is None:
                continue
            for other_professional, other_role, other_start, other_end in seen:
                if (
                    other_professional == professional
                    and other_role == case_role
                    and (other_end is None or other_end >= start)
                    and (end is None or end >= other_start)
                ):
                    form.add_error(
                        None,
                        f"{professional.full_name} is allocated twice in this role for overlapping dates: "
                        "remove one row, or change the dates.",
                    )
                    break
            seen.append((professional, case_role, start, end))


class AllocationInline(AuthorityScopedInline, admin.TabularInline[Allocation, Child]):
    """The professionals allocated to a child. While an allocation is current, someone from another agency
    may see the child's record (R-AF-5)."""

    model = Allocation
    formset = AllocationsOfChildFormSet
    extra = 0
    fields = ("professional", "case_role", "start_date", "end_date")
    autocomplete_fields = ("professional",)
    # An allocation is ended (an end date), never deleted: who worked with the child stays known.
    authority_administrator_may_delete = False
    verbose_name = "allocation"
    verbose_name_plural = (
        "Allocations: professionals working with this child (someone from another agency can see the "
        "child's record only while allocated)"
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Allocation]:
        return super().get_queryset(request).select_related("professional")


class IdentifierField(forms.CharField):
    """A national identifier people type with spaces; normalised, then checked by its check digit."""

    def __init__(self, *, normalise: Callable[[str], str], **kwargs: Any) -> None:
        super().__init__(required=False, max_length=20, **kwargs)
        self.normalise = normalise

    def clean(self, value: Any) -> str:
        value = super().clean(value).strip()
        if not value:
            return ""
        try:
            return self.normalise(value)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None


class ChildAdminForm(forms.ModelForm[Child]):
    nhs_number = IdentifierField(
        normalise=identifiers.normalise_nhs_number,
        label="NHS number",
        help_text="10 digits; spaces are fine, for example 943 476 5919.",
    )
    upn = IdentifierField(
        normalise=identifiers.normalise_upn,
        label="Unique pupil number",
        help_text="13 characters: a letter, then 12 digits (a temporary number ends in a letter).",
    )

    class Meta:
        model = Child
        fields = (
            "authority",
            "given_name",
            "family_name",
            "known_as",
            "date_of_birth",
            "expected_delivery_date",
            "sex",
            "ethnicity",
            "first_language",
            "nhs_number",
            "upn",
            "consistent_child_identifier",
        )
        labels = {
            "known_as": "Known as",
            "consistent_child_identifier": "Consistent child identifier",
        }
        help_texts = {
            "date_of_birth": "Leave blank for an unborn child.",
            "consistent_child_identifier": "Not in use yet: its form will be set nationally.",
        }


class BornOrUnbornFilter(admin.SimpleListFilter):
    title = "born or unborn"
    parameter_name = "unborn"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("no", "Born"), ("yes", "Unborn")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(date_of_birth__isnull=True)
        if self.value() == "no":
            return queryset.filter(date_of_birth__isnull=False)
        return queryset


def _household_links(households: Any) -> str:
    links = format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        ((reverse("admin:people_household_change", args=(h.pk,)), h.name) for h in households),
    )
    return links or "Not in a household."


@admin.register(Child)
class ChildAdmin(AuthorityScopedAdmin[Child]):
    form = ChildAdminForm
    list_display = ("full_name", "born_or_due", "age", "nhs_number", "upn", "authority")
    list_filter = (BornOrUnbornFilter, "sex", "authority")
    search_fields = ("given_name", "family_name", "known_as", "nhs_number", "upn")
    inlines = (FamilyOfChildInline, AllocationInline)
    readonly_fields = ("household_list",)
    fieldsets = (
        (None, {"fields": ("authority", "given_name", "family_name", "known_as")}),
        ("Birth", {"fields": ("date_of_birth", "expected_delivery_date", "sex")}),
        ("Background", {"fields": ("ethnicity", "first_language")}),
        ("Identifiers", {"fields": ("nhs_number", "upn", "consistent_child_identifier")}),
        ("Households", {"fields": ("household_list",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Child]:
        return super().get_queryset(request).select_related("authority")

    @admin.display(description="Name", ordering="family_name")
    def full_name(self, child: Child) -> str:
        return child.full_name

    @admin.display(description="Born, or due", ordering="date_of_birth")
    def born_or_due(self, child: Child) -> str:
        if child.date_of_birth is not None:
            return clock.date_in_words(child.date_of_birth)
        if child.expected_delivery_date is not None:
            return f"Due {clock.date_in_words(child.expected_delivery_date)}"
        return ""

    @admin.display(description="Age")
    def age(self, child: Child) -> str:
        age = child.age_on(clock.today())
        return "Unborn" if age is None else str(age)

    @admin.display(description="Households (change them on the household's page)")
    def household_list(self, child: Child) -> str:
        return _household_links(child.households.all()) if child.pk else "Not in a household yet."


class FamilyMemberAdminForm(forms.ModelForm[FamilyMember]):
    class Meta:
        model = FamilyMember
        fields = (
            "authority",
            "given_name",
            "family_name",
            "phone",
            "email",
            "address",
            "contact_details_confidential",
            "preferred_language",
            "interpreter_needed",
        )
        labels = {
            "contact_details_confidential": "Keep contact details confidential",
            "interpreter_needed": "Needs an interpreter",
        }


@admin.register(FamilyMember)
class FamilyMemberAdmin(AuthorityScopedAdmin[FamilyMember]):
    form = FamilyMemberAdminForm
    list_display = (
        "full_name",
        "preferred_language",
        "interpreter_needed",
        "contact_details_confidential",
        "authority",
    )
    list_filter = ("interpreter_needed", "contact_details_confidential", "authority")
    search_fields = ("given_name", "family_name", "email", "phone")
    inlines = (ChildrenOfFamilyMemberInline,)
    readonly_fields = ("household_list",)
    fieldsets = (
        (None, {"fields": ("authority", "given_name", "family_name")}),
        (
            "Contact",
            {"fields": ("phone", "email", "address", "contact_details_confidential")},
        ),
        ("Language", {"fields": ("preferred_language", "interpreter_needed")}),
        ("Households", {"fields": ("household_list",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[FamilyMember]:
        return super().get_queryset(request).select_related("authority")

    @admin.display(description="Name", ordering="family_name")
    def full_name(self, family_member: FamilyMember) -> str:
        return family_member.full_name

    @admin.display(description="Households (change them on the household's page)")
    def household_list(self, family_member: FamilyMember) -> str:
        if not family_member.pk:
            return "Not in a household yet."
        return _household_links(family_member.households.all())


@admin.register(ChildRelationship)
class ChildRelationshipAdmin(AuthorityScopedAdmin[ChildRelationship]):
    list_display = ("child", "family_member", "relationship", "parental_responsibility", "lives_with_child")
    list_filter = ("relationship", "parental_responsibility", "lives_with_child")
    search_fields = (
        "child__given_name",
        "child__family_name",
        "family_member__given_name",
        "family_member__family_name",
    )
    autocomplete_fields = ("child", "family_member")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ChildRelationship]:
        return super().get_queryset(request).select_related("child", "family_member")


class HouseholdAdminForm(forms.ModelForm[Household]):
    class Meta:
        model = Household
        fields = ("authority", "name", "address", "children", "adults")
        labels = {"children": "Children living here", "adults": "Adults living here"}
        help_texts = {
            "children": "All children in the household are considered at a conference (R-CH-1).",
            "adults": "Parents and carers who live here. An absent parent is not added here.",
        }

    def clean(self) -> dict[str, Any]:
        super().clean()  # returns self.cleaned_data (django-stubs allows None, for subclasses)
        cleaned = self.cleaned_data
        try:
            services.household_members_check(
                authority=cleaned.get("authority"),
                children=list(cleaned.get("children") or []),
                adults=list(cleaned.get("adults") or []),
            )
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


class _HouseholdCounts(TypedDict):
    children_count: int
    adults_count: int


@admin.register(Household)
class HouseholdAdmin(AuthorityScopedAdmin[Household]):
    form = HouseholdAdminForm
    list_display = ("name", "children_count", "adults_count", "authority")
    list_filter = ("authority",)
    search_fields = ("name", "address", "children__family_name", "adults__family_name")
    autocomplete_fields = ("children", "adults")
    fields = ("authority", "name", "address", "children", "adults")

    def get_queryset(self, request: HttpRequest) -> QuerySet[WithAnnotations[Household, _HouseholdCounts]]:
        return (
            super()
            .get_queryset(request)
            .select_related("authority")
            .annotate(
                children_count=Count("children", distinct=True), adults_count=Count("adults", distinct=True)
            )
        )

    @admin.display(description="Children", ordering="children_count")
    def children_count(self, household: WithAnnotations[Household, _HouseholdCounts]) -> int:
        return household.children_count

    @admin.display(description="Adults", ordering="adults_count")
    def adults_count(self, household: WithAnnotations[Household, _HouseholdCounts]) -> int:
        return household.adults_count


# Sign-ins


class UserAddForm(AdminUserCreationForm[User]):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm[User]):
    class Meta:
        model = User
        fields = (
            "email",
            "password",
            "first_name",
            "last_name",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
            "last_login",
            "date_joined",
        )


@admin.register(User)
class UserAdmin(AuthorityScopedAdmin[User], DjangoUserAdmin[User]):
    """Sign-ins. An authority administrator manages those of their own authority's professionals and
    adds new ones from the professional's page; only a superuser sees or changes a superuser."""

    form = UserEditForm
    add_form = UserAddForm
    list_display = ("email", "first_name", "last_name", "is_staff", "is_active", "last_login")
    list_filter = ("is_staff", "is_active", "is_superuser")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1", "password2")}),
    )
    authority_administrator_may_add = False  # from the professional's page instead

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        queryset = super().get_queryset(request)
        return queryset if is_superuser(request) else queryset.filter(is_superuser=False)

    def _authority_administrator_may(self, request: HttpRequest, allowed: bool, obj: Any = None) -> bool:
        # Changing a superuser's sign-in would hand over everything.
        if obj is not None and obj.is_superuser:
            return False
        return super()._authority_administrator_may(request, allowed, obj)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None or is_superuser(request):
            return super().get_fieldsets(request, obj)
        return (
            (None, {"fields": ("email", "password")}),
            ("Name", {"fields": ("first_name", "last_name")}),
            (
                "Access",
                {
                    "fields": ("is_active", "is_staff"),
                    "description": "Staff status lets an authority administrator use these pages.",
                },
            ),
            ("Dates", {"fields": ("last_login", "date_joined")}),
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if is_superuser(request) else ("last_login", "date_joined")

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        # Django's password page saves the form itself, bypassing save_model: audit it here, in the same
        # transaction as the new password (the password itself is never in the history).
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                audit_record(
                    actor=request.user,
                    action=AuditAction.CHANGE,
                    instance=self.get_object(request, unquote(id)),
                    before=None,
                    after=None,
                    reason="Password set in the administration.",
                )
        return response

    def get_list_filter(self, request: HttpRequest) -> Any:
        return self.list_filter if is_superuser(request) else ("is_staff", "is_active")
