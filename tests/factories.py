"""factory-boy factories for fictional test data. Every name here is invented."""

from __future__ import annotations

from datetime import date

import factory

from cpconf.people import models

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Authority
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Testshire Council {n}")
    slug = factory.Sequence(lambda n: f"testshire-{n}")
    policy_profile = "staffordshire"


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


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Child

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
