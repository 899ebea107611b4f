"""factory-boy factories for fictional test data. Every name here is invented."""

from __future__ import annotations

from datetime import date, timedelta

import factory

from cpconf import clock
from cpconf.conferences import models as conference_models
from cpconf.enquiries import models as enquiry_models
from cpconf.people import models

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Authority
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Testshire Council {n}")
    slug = factory.Sequence(lambda n: f"testshire-{n}")
    policy_profile = "staffordshire"


class ClosureDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ClosureDay

    authority = factory.SubFactory(AuthorityFactory)
    date = factory.Sequence(lambda n: date(2030, 12, 27) + timedelta(days=n))
    reason = "Council offices closed"


class SecureEmailDomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SecureEmailDomain

    authority = factory.SubFactory(AuthorityFactory)
    domain = factory.Sequence(lambda n: f"secure{n}.testshire.example")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Agency

    authority = factory.SubFactory(AuthorityFactory)
    name = factory.Sequence(lambda n: f"Testshire Agency {n}")
    agency_type = models.AgencyType.CHILDRENS_SOCIAL_CARE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@testshire.example")
    first_name = "Morwenna"
    last_name = factory.Sequence(lambda n: f"Quillfeather{n}")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def save_password(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class ProfessionalFactory(factory.django.DjangoModelFactory):
    """A professional with a sign-in. ``roles=[Role.CHAIR, ...]`` gives them roles."""

    class Meta:
        model = models.Professional
        skip_postgeneration_save = True

    agency = factory.SubFactory(AgencyFactory)
    user = factory.SubFactory(UserFactory)
    given_name = factory.SelfAttribute("user.first_name")
    family_name = factory.SelfAttribute("user.last_name")
    email = factory.SelfAttribute("user.email")
    job_title = "Social worker"

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        for role in extracted or []:
            models.ProfessionalRole.objects.create(professional=self, role=role)


class SuperuserFactory(UserFactory):
    is_staff = True
    is_superuser = True
    email = factory.Sequence(lambda n: f"superuser{n}@cpconf.example")


class AuthorityAdministratorFactory(ProfessionalFactory):
    """A staff user whose professional record holds the authority administrator role."""

    user = factory.SubFactory(UserFactory, is_staff=True)
    job_title = "Business support manager"

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        for role in extracted or [models.Role.AUTHORITY_ADMINISTRATOR]:
            models.ProfessionalRole.objects.create(professional=self, role=role)


class ProfessionalRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProfessionalRole

    professional = factory.SubFactory(ProfessionalFactory)
    role = models.Role.SOCIAL_WORKER


class ChildFactory(factory.django.DjangoModelFactory):
    """A child born in 2019. ``ChildFactory(unborn=True)`` is an unborn child due in 12 weeks (R-CT-3)."""

    class Meta:
        model = models.Child

    class Params:
        unborn = factory.Trait(
            given_name="",
            date_of_birth=None,
            expected_delivery_date=factory.LazyFunction(lambda: clock.today() + timedelta(weeks=12)),
        )

    authority = factory.SubFactory(AuthorityFactory)
    given_name = "Tamsin"
    family_name = factory.Sequence(lambda n: f"Brackenridge{n}")
    date_of_birth = date(2019, 4, 12)


class FamilyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.FamilyMember

    authority = factory.SubFactory(AuthorityFactory)
    given_name = "Oriel"
    family_name = factory.Sequence(lambda n: f"Brackenridge{n}")


class ChildRelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ChildRelationship

    child = factory.SubFactory(ChildFactory)
    family_member = factory.SubFactory(
        FamilyMemberFactory, authority=factory.SelfAttribute("..child.authority")
    )
    relationship = models.Relationship.MOTHER
    parental_responsibility = True
    lives_with_child = True


class HouseholdFactory(factory.django.DjangoModelFactory):
    """A household; ``children=[...]`` and ``adults=[...]`` add its members."""

    class Meta:
        model = models.Household
        skip_postgeneration_save = True

    authority = factory.SubFactory(AuthorityFactory)
    name = factory.Sequence(lambda n: f"the Brackenridge{n} household")

    @factory.post_generation
    def children(self, create: bool, extracted: list[models.Child] | None, **kwargs: object) -> None:
        if create and extracted:
            self.children.set(extracted)

    @factory.post_generation
    def adults(self, create: bool, extracted: list[models.FamilyMember] | None, **kwargs: object) -> None:
        if create and extracted:
            self.adults.set(extracted)


# ---- Enquiries and conferences (issue 4) -----------------------------------------------------------


class StrategyDiscussionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = enquiry_models.StrategyDiscussion

    authority = factory.SubFactory(AuthorityFactory)
    household = factory.SubFactory(HouseholdFactory, authority=factory.SelfAttribute("..authority"))
    held_on = date(2026, 11, 2)
    outcome = enquiry_models.StrategyDiscussionOutcome.SECTION_47


class Section47EnquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = enquiry_models.Section47Enquiry

    authority = factory.SubFactory(AuthorityFactory)
    household = factory.SubFactory(HouseholdFactory, authority=factory.SelfAttribute("..authority"))
    started_on = date(2026, 11, 3)


class ConferenceFactory(factory.django.DjangoModelFactory):
    """A requested initial conference. Pass ``children=[...]`` to say whom it is about."""

    class Meta:
        model = conference_models.Conference
        skip_postgeneration_save = True

    authority = factory.SubFactory(AuthorityFactory)
    conference_type = conference_models.ConferenceType.INITIAL
    due_date = date(2026, 11, 23)
    counted_from = date(2026, 11, 2)
    due_date_basis = "Within 15 wd of the strategy discussion on 2 November 2026 (R-CT-1)."

    @factory.post_generation
    def children(self, create: bool, extracted: list[models.Child] | None, **kwargs: object) -> None:
        if create and extracted:
            for child in extracted:
                conference_models.ConferenceChild.objects.create(conference=self, child=child)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = conference_models.Invitation

    conference = factory.SubFactory(ConferenceFactory)
    role = conference_models.InviteeRole.PROFESSIONAL
    professional = factory.SubFactory(
        ProfessionalFactory, agency__authority=factory.SelfAttribute("...conference.authority")
    )
    agency = factory.LazyAttribute(
        lambda invitation: invitation.professional.agency if invitation.professional else None
    )
    name = factory.LazyAttribute(
        lambda invitation: (
            f"{invitation.professional.given_name} {invitation.professional.family_name}"
            if invitation.professional
            else "Ysolde Marchbank"
        )
    )
    email = factory.LazyAttribute(
        lambda invitation: invitation.professional.email if invitation.professional else ""
    )


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = conference_models.Report

    conference = factory.SubFactory(ConferenceFactory)
    agency = factory.SubFactory(AgencyFactory, authority=factory.SelfAttribute("..conference.authority"))
    due_on = date(2026, 11, 19)
