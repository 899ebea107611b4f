"""Authorities, agencies, professionals, children, family members and households.

Models hold data, field invariants and database constraints only; writes go through ``services.py``
and reads through ``selectors.py``. Public identifiers are UUIDs (``public_id``); primary keys never
leave the database.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar, cast

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import RegexValidator
from django.db import models

from cpconf import clock, timescales
from cpconf.people.validators import validate_email_domain, validate_nhs_number, validate_upn


def policy_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in timescales.policy_names()]


class UserManager(BaseUserManager["User"]):
    """Users sign in with their email address; there is no separate username."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields: object) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields: object) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username: str | None) -> User:
        # Email addresses are not case-sensitive in practice: Name@Council.example signs in as name@council.example.
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A person who signs in. What they may do comes from their Professional record and its roles."""

    # No username: people sign in with their email address. django-stubs declares `username` a field.
    username = None  # type: ignore[assignment]
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # django-stubs types AbstractUser.objects as auth's UserManager (with usernames); ours is email-only.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.email.strip().lower()


class Authority(models.Model):
    """A local authority: it runs conferences under one policy profile (DESIGN principle 2)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=120, unique=True, help_text="For example: Northbridge City Council.")
    slug = models.SlugField(max_length=60, unique=True, help_text="A short name for addresses and files.")
    code = models.CharField(
        "local authority number",
        max_length=3,
        blank=True,
        validators=[
            RegexValidator(r"^[0-9]{3}$", "The local authority number is 3 digits, for example 860.")
        ],
        help_text="The Department for Education's 3-digit number for the authority, used in statutory returns.",
    )
    policy_profile = models.CharField(
        max_length=60,
        choices=policy_choices,
        help_text="The local procedures that set this authority's timescales and rules.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "authorities"

    def __str__(self) -> str:
        return self.name


class ClosureDay(models.Model):
    """A day the authority is closed beyond England's bank holidays; it is not a working day."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="closure_days")
    date = models.DateField()
    reason = models.CharField(max_length=120, help_text="For example: council office closure day.")

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "date"], name="closure_day_once_per_authority"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d %B %Y}: {self.reason}"


class SecureEmailDomain(models.Model):
    """An email domain the authority trusts for content about a child (R-AF-5)."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="secure_email_domains")
    domain = models.CharField(max_length=253, validators=[validate_email_domain])

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "domain"], name="secure_domain_once_per_authority"),
        ]

    def __str__(self) -> str:
        return self.domain


class AgencyType(models.TextChoices):
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    PROBATION = "probation", "Probation"
    CAFCASS = "cafcass", "Children and Family Court Advisory and Support Service (Cafcass)"
    HOUSING = "housing", "Housing"
    OTHER = "other", "Other"


class Agency(models.Model):
    """An organisation that takes part in conferences. Each health provider service is its own
    agency, because they can count separately towards quorum (R-QU-1)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField(max_length=160)
    agency_type = models.CharField(max_length=30, choices=AgencyType.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="agency_name_unique_in_authority"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    AUTHORITY_ADMINISTRATOR = "authority_administrator", "Authority administrator"
    CONFERENCE_COORDINATOR = "conference_coordinator", "Conference coordinator"
    CHAIR = "chair", "Conference chair"
    MINUTE_TAKER = "minute_taker", "Minute taker"
    TEAM_MANAGER = "team_manager", "Team manager"
    SOCIAL_WORKER = "social_worker", "Social worker"
    # R-NA-2: the experienced social worker who holds child protection cases (Families First).
    LEAD_CHILD_PROTECTION_PRACTITIONER = (
        "lead_child_protection_practitioner",
        "Lead child protection practitioner",
    )
    AGENCY_PROFESSIONAL = "agency_professional", "Agency professional"
    SAFEGUARDING_MANAGER = "safeguarding_manager", "Safeguarding manager"
    PERFORMANCE_ANALYST = "performance_analyst", "Performance analyst"
    SERVICE_ACCOUNT = "service_account", "Service account"


class Professional(models.Model):
    """Someone who works with children and families. Not everyone invited has an account (``user``)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="professional"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="professionals")
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    job_title = models.CharField(max_length=120)
    email = models.EmailField(help_text="Work email address.")
    phone = models.CharField(max_length=40, blank=True)
    qualified_social_worker = models.BooleanField(
        default=False,
        help_text="Registered with Social Work England. Only a qualified social worker can be a child's lead "
        "professional on a child protection plan.",
    )
    social_work_england_number = models.CharField(
        max_length=12,
        blank=True,
        validators=[
            RegexValidator(r"^SW[0-9]{1,8}$", "A Social Work England number is SW then digits, e.g. SW12345.")
        ],
    )
    is_active = models.BooleanField(
        "active", default=True, help_text="Someone who has left is made inactive, not deleted."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name"]

    def __str__(self) -> str:
        return f"{self.full_name}, {self.job_title}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class ProfessionalRole(models.Model):
    """One role a professional holds; a person may hold several."""

    professional = models.ForeignKey(Professional, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=40, choices=Role.choices)

    class Meta:
        ordering = ["role"]
        verbose_name = "role"
        constraints = [
            models.UniqueConstraint(fields=["professional", "role"], name="role_once_per_professional"),
        ]

    def __str__(self) -> str:
        return self.get_role_display()


class Sex(models.TextChoices):
    # The values of the children in need census (2024-25 onwards).
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    UNKNOWN = "unknown", "Not known (or not yet known)"


class Ethnicity(models.TextChoices):
    # The Department for Education's ethnicity codes used in the children in need census.
    WBRI = "WBRI", "White: British"
    WIRI = "WIRI", "White: Irish"
    WIRT = "WIRT", "White: Traveller of Irish heritage"
    WROM = "WROM", "White: Gypsy or Roma"
    WOTH = "WOTH", "White: any other White background"
    MWBC = "MWBC", "Mixed: White and Black Caribbean"
    MWBA = "MWBA", "Mixed: White and Black African"
    MWAS = "MWAS", "Mixed: White and Asian"
    MOTH = "MOTH", "Mixed: any other mixed background"
    AIND = "AIND", "Asian or Asian British: Indian"
    APKN = "APKN", "Asian or Asian British: Pakistani"
    ABAN = "ABAN", "Asian or Asian British: Bangladeshi"
    AOTH = "AOTH", "Asian or Asian British: any other Asian background"
    BCRB = "BCRB", "Black or Black British: Caribbean"
    BAFR = "BAFR", "Black or Black British: African"
    BOTH = "BOTH", "Black or Black British: any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


# A pregnancy lasts at most about 42 weeks, so an expected delivery date further away is a typing mistake.
MAX_PREGNANCY_DAYS = 42 * 7


class Child(models.Model):
    """A child, or an unborn child (R-CT-3), known to the authority."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="children")
    given_name = models.CharField(
        max_length=100, blank=True, help_text="Leave blank for an unborn child who has no name yet."
    )
    family_name = models.CharField(max_length=100)
    known_as = models.CharField(
        max_length=100, blank=True, help_text="The name the child likes to be called."
    )
    date_of_birth = models.DateField(null=True, blank=True)
    expected_delivery_date = models.DateField(
        null=True, blank=True, help_text="For an unborn child: the expected date of delivery."
    )
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    first_language = models.CharField(max_length=60, blank=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True, validators=[validate_nhs_number])
    upn = models.CharField("unique pupil number", max_length=13, blank=True, validators=[validate_upn])
    # R-NA-6: the consistent child identifier is coming; its form is not yet set, so it is not validated.
    consistent_child_identifier = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name_plural = "children"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_of_birth__isnull=False)
                | models.Q(expected_delivery_date__isnull=False),
                name="child_has_birth_or_expected_delivery_date",
                violation_error_message="Enter the date of birth, or for an unborn child the expected delivery date.",
            ),
            models.UniqueConstraint(
                fields=["authority", "nhs_number"],
                condition=~models.Q(nhs_number=""),
                name="nhs_number_once_per_authority",
                violation_error_message="Another child in this authority already has this NHS number.",
            ),
            models.UniqueConstraint(
                fields=["authority", "upn"],
                condition=~models.Q(upn=""),
                name="upn_once_per_authority",
                violation_error_message="Another child in this authority already has this unique pupil number.",
            ),
        ]
        indexes = [models.Index(fields=["authority", "family_name", "given_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_unborn(self) -> bool:
        return self.date_of_birth is None

    @property
    def full_name(self) -> str:
        if self.given_name:
            return f"{self.given_name} {self.family_name}"
        return f"Unborn baby {self.family_name}"

    def clean(self) -> None:
        super().clean()
        today = clock.today()
        errors: dict[str, str] = {}
        if self.date_of_birth is None and self.expected_delivery_date is None:
            errors["expected_delivery_date"] = (
                "Enter the date of birth, or for an unborn child the expected delivery date."
            )
        if self.date_of_birth is not None and self.date_of_birth > today:
            errors["date_of_birth"] = "The date of birth must be today or in the past."
        if (
            self.date_of_birth is None
            and self.expected_delivery_date is not None
            and (self.expected_delivery_date - today).days > MAX_PREGNANCY_DAYS
        ):
            errors["expected_delivery_date"] = (
                "The expected delivery date is more than 42 weeks away: check the year."
            )
        if errors:
            raise ValidationError(errors)

    def age_on(self, day: date) -> int | None:
        """Whole years of age on ``day``; None for an unborn child."""
        if self.date_of_birth is None:
            return None
        return timescales.age_in_years(self.date_of_birth, day)


class FamilyMember(models.Model):
    """A parent, carer or relative. How they relate to each child is a ChildRelationship."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="family_members")
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    contact_details_confidential = models.BooleanField(
        default=False,
        help_text="Never show this person's address, phone or email to other family members "
        "(for example after domestic abuse).",
    )
    preferred_language = models.CharField(max_length=60, blank=True, default="English")
    interpreter_needed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Relationship(models.TextChoices):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    STEP_PARENT = "step_parent", "Step-parent"
    PARENTS_PARTNER = "parents_partner", "Parent's partner"
    GRANDPARENT = "grandparent", "Grandparent"
    AUNT_OR_UNCLE = "aunt_or_uncle", "Aunt or uncle"
    ADULT_SIBLING = "adult_sibling", "Adult brother or sister"
    SPECIAL_GUARDIAN = "special_guardian", "Special guardian"
    KINSHIP_CARER = "kinship_carer", "Family and friends carer"
    OTHER = "other", "Other"


class ChildRelationship(models.Model):
    """How a family member is related to a child, and whether they hold parental responsibility."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="relationships")
    family_member = models.ForeignKey(FamilyMember, on_delete=models.CASCADE, related_name="relationships")
    relationship = models.CharField(max_length=30, choices=Relationship.choices)
    parental_responsibility = models.BooleanField(default=False)
    lives_with_child = models.BooleanField(default=False)

    class Meta:
        ordering = ["child", "relationship"]
        verbose_name = "family relationship"
        constraints = [
            models.UniqueConstraint(fields=["child", "family_member"], name="one_relationship_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.family_member} ({self.get_relationship_display()} of {self.child})"

    def clean(self) -> None:
        super().clean()
        if (
            self.child_id
            and self.family_member_id
            and self.child.authority_id != self.family_member.authority_id
        ):
            raise ValidationError("The child and the family member must belong to the same authority.")


class Household(models.Model):
    """The children and adults living at one address. All its children are considered together (R-CH-1)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="households")
    name = models.CharField(max_length=120, help_text="For example: the Fairweather household.")
    address = models.TextField(blank=True)
    children = models.ManyToManyField(Child, related_name="households", blank=True)
    adults = models.ManyToManyField(FamilyMember, related_name="households", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CaseRole(models.TextChoices):
    """What a professional does on a child's case. Not the same list as ``Role``: these are the ways a
    person is allocated to one child, not what they may do in cpconf."""

    SOCIAL_WORKER = "social_worker", "Social worker"
    # R-NA-2: the experienced social worker who holds the child protection case.
    LEAD_CHILD_PROTECTION_PRACTITIONER = (
        "lead_child_protection_practitioner",
        "Lead child protection practitioner",
    )
    TEAM_MANAGER = "team_manager", "Team manager"
    # Someone from another agency who works with the child: a health visitor, school nurse, midwife,
    # teacher, probation officer, family support worker.
    AGENCY_WORKER = "agency_worker", "Worker from another agency"


# The case roles that make someone the child's social worker, for lists that name them.
SOCIAL_WORKER_CASE_ROLES = (CaseRole.LEAD_CHILD_PROTECTION_PRACTITIONER, CaseRole.SOCIAL_WORKER)


class Allocation(models.Model):
    """A professional allocated to a child, from a start date to an end date (blank while current).

    An allocation is one of the ways a professional from another agency becomes involved with a child,
    and so may see the child's record (R-AF-5, ``cpconf.access.rules``). It is ended, never deleted, so
    that who worked with the child stays known.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="allocations")
    # PROTECT: professionals are made inactive, never deleted, and the case history keeps them.
    professional = models.ForeignKey(Professional, on_delete=models.PROTECT, related_name="allocations")
    case_role = models.CharField("role on the case", max_length=40, choices=CaseRole.choices)
    start_date = models.DateField()
    end_date = models.DateField(
        null=True, blank=True, help_text="The last day of the allocation. Leave blank while it is current."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="allocation_ends_after_it_starts",
                violation_error_message="The end date must be the same as or after the start date.",
            ),
            # The database's own guard against the commonest duplicate; clean() refuses every overlap.
            models.UniqueConstraint(
                fields=["child", "professional", "case_role"],
                condition=models.Q(end_date__isnull=True),
                name="one_current_allocation_per_case_role",
                violation_error_message="This person is already allocated to this child in this role.",
            ),
        ]
        indexes = [
            # Need-to-know asks "which children is this professional allocated to now?" on every page.
            models.Index(fields=["professional", "child", "end_date"], name="allocation_professional"),
        ]

    def __str__(self) -> str:
        return f"{self.professional.full_name}, {self.get_case_role_display()} for {self.child}"

    def clean(self) -> None:
        super().clean()
        try:
            # On the administration's page for a new child, the child is not saved yet but is set.
            child = self.child
            professional = self.professional
        except ObjectDoesNotExist:
            return  # the missing field has its own message
        if not child.authority_id:
            return  # a new child whose authority is not chosen yet: that field has its own message
        # Need-to-know never crosses authorities (R-AF-5), so neither does an allocation.
        if professional.agency.authority_id != child.authority_id:
            raise ValidationError(
                {
                    "professional": f"{professional.full_name} works for {professional.agency.authority}, "
                    f"not {child.authority}: choose someone from {child.authority}."
                }
            )
        # A start date left blank is None here (its own message comes from the field).
        start = cast("date | None", self.start_date)
        end = self.end_date
        if start is None or (end is not None and end < start):
            return  # the dates have their own messages
        if child._state.adding:
            return  # a new child has no allocations yet
        overlapping = (
            Allocation.objects.filter(child=child, professional=professional, case_role=self.case_role)
            .exclude(pk=self.pk)
            .filter(models.Q(end_date__isnull=True) | models.Q(end_date__gte=start))
        )
        if end is not None:
            overlapping = overlapping.filter(start_date__lte=end)
        other = overlapping.order_by("start_date").first()
        if other is not None:
            until = (
                "with no end date"
                if other.end_date is None
                else f"until {clock.date_in_words(other.end_date)}"
            )
            raise ValidationError(
                f"{professional.full_name} is already allocated to {child.full_name} as "
                f"{other.get_case_role_display().lower()} from {clock.date_in_words(other.start_date)} {until}. "
                "End that allocation first, or choose dates that do not overlap."
            )
