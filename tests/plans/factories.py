"""Factories for decisions and plans (fictional data only). Decisions are created directly here: the
pages and services that record them are another area's."""

from __future__ import annotations

from datetime import date

import factory

from cpconf import clock
from cpconf.conferences import models as conference_models
from cpconf.plans import models as plan_models
from tests import factories


class ChildDecisionFactory(factory.django.DjangoModelFactory):
    """A conference's decision for one child: a plan under neglect, unless told otherwise."""

    class Meta:
        model = conference_models.ChildDecision

    conference = factory.SubFactory(factories.ConferenceFactory)
    child = factory.SubFactory(
        factories.ChildFactory, authority=factory.SelfAttribute("..conference.authority")
    )
    suffered_significant_harm = True
    likely_to_suffer_significant_harm = True
    outcome = conference_models.Recommendation.PLAN
    categories = factory.LazyAttribute(
        lambda d: (
            [conference_models.Category.NEGLECT] if d.outcome == conference_models.Recommendation.PLAN else []
        )
    )
    decision_rule = "agency-majority"
    decided_how = "3 of 4 agencies recommended a plan."
    chair_view = factory.SelfAttribute("outcome")
    decided_by = factory.SubFactory(
        factories.ProfessionalFactory, agency__authority=factory.SelfAttribute("...conference.authority")
    )
    recorded_at = factory.LazyFunction(clock.now)


class PlanFactory(factory.django.DjangoModelFactory):
    """A plan made straight into the table (tests of pages and access; the service has its own tests)."""

    class Meta:
        model = plan_models.ChildProtectionPlan

    decision = factory.SubFactory(ChildDecisionFactory)
    authority = factory.SelfAttribute("decision.conference.authority")
    child = factory.SelfAttribute("decision.child")
    start_date = date(2026, 11, 20)
    categories = factory.SelfAttribute("decision.categories")
    lead_professional = factory.SubFactory(
        factories.ProfessionalFactory,
        agency__authority=factory.SelfAttribute("...authority"),
        qualified_social_worker=True,
    )
    outcomes = "The children have a safe, warm home and regular meals."
    contingency = "If things do not improve by the first review, legal advice will be sought."


class PlanActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = plan_models.PlanAction

    plan = factory.SubFactory(PlanFactory)
    what = "Attend the parenting course at the family centre."
    owner_name = "Morwen Fairbrass"
    due_on = date(2027, 1, 15)


class CoreGroupMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = plan_models.CoreGroupMember

    plan = factory.SubFactory(PlanFactory)
    professional = factory.SubFactory(
        factories.ProfessionalFactory, agency__authority=factory.SelfAttribute("...plan.authority")
    )
    agency = factory.SelfAttribute("professional.agency")
    name = factory.LazyAttribute(lambda m: m.professional.full_name if m.professional else "A family member")
    joined_on = date(2026, 11, 20)
