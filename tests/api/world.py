"""The personas' world (tests/access/conftest.py), as the API sees it: a Section 47 enquiry about each
test child's household, and the two authorities' own systems (service accounts with tokens).

``enquiry_about`` gives the same enquiry the pages' matrix (tests/access/test_permission_matrix.py) fills
``enquiry_id`` with: the one that called for the conference about the child.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.test import Client

from cpconf.api.services import api_token_create
from cpconf.enquiries.models import EnquiryChild, Section47Enquiry
from cpconf.people.models import Child, Household, Role
from tests import factories
from tests.access.conftest import PERSONAS, World

# Identifier kinds, as the page matrix names them.
ELOWEN, CORIN, ZEPHYRINE, GUESSED = "elowen", "corin", "zephyrine", "guessed"
KINDS = (ELOWEN, CORIN, ZEPHYRINE, GUESSED)

# The authorities' own systems, signed in with a token.
NORTHBRIDGE_SYSTEM = "northbridge_system"
SOUTHMOOR_SYSTEM = "southmoor_system"
SYSTEMS = (NORTHBRIDGE_SYSTEM, SOUTHMOOR_SYSTEM)
API_PERSONAS = (*PERSONAS, *SYSTEMS)


def child_of(world: World, kind: str) -> Child:
    return {ELOWEN: world.child, CORIN: world.unrelated_child, ZEPHYRINE: world.southmoor_child}[kind]


def household_of(world: World, kind: str) -> Household:
    household = child_of(world, kind).households.order_by("pk").first()
    assert household is not None
    return household


def enquiry_about(world: World, kind: str) -> Section47Enquiry:
    """The Section 47 enquiry that called for the conference about the child of this kind, with every
    child of the household considered (R-CH-1; added the first time: the world's has none yet)."""
    enquiry = world.conferences[kind].enquiry
    assert enquiry is not None
    household = household_of(world, kind)
    for child in household.children.order_by("pk"):
        EnquiryChild.objects.get_or_create(enquiry=enquiry, child=child)
    return enquiry


def public_id(world: World, kind: str, name: str) -> uuid.UUID:
    """The identifier for a path parameter: the conference or enquiry about the child of this kind, or
    that conference's invitation or report."""
    if kind == GUESSED:
        return uuid.uuid4()
    if name == "conference_id":
        return world.conferences[kind].public_id
    if name == "enquiry_id":
        return enquiry_about(world, kind).public_id
    # The conference's own, as the pages' matrix fills them: its first invitation (a parent's or an
    # observer's), its report owed.
    if name == "invitation_id":
        return world.conferences[kind].invitations.order_by("pk").values_list("public_id", flat=True)[0]
    if name == "report_id":
        return world.conferences[kind].reports.order_by("pk").values_list("public_id", flat=True)[0]
    # Plans' follow-up (issue 5): the plan of the conference's child.
    if name == "plan_id":
        return world.plans[kind].public_id
    raise AssertionError(f"No identifier for {name}")


@dataclass
class ApiWorld:
    world: World
    tokens: dict[str, str] = field(default_factory=dict)

    def client_for(self, persona: str) -> Client:
        if persona in self.tokens:
            return Client(headers={"Authorization": f"Bearer {self.tokens[persona]}"})
        return self.world.client_for(persona)

    def children_of_other_authorities(self, persona: str) -> list[Child]:
        if persona == SOUTHMOOR_SYSTEM:
            return [self.world.child, self.world.brother, self.world.unrelated_child]
        if persona == NORTHBRIDGE_SYSTEM:
            return [self.world.southmoor_child]
        return self.world.children_of_other_authorities(persona)


def build_api_world(world: World) -> ApiWorld:
    """Tokens for Northbridge's service account (the world's "service_account" persona, whose session
    shows nothing) and for a new Southmoor one; an enquiry about each child's household."""
    southmoor_social_care = world.southmoor.agencies.get(name="Southmoor Test Children's Services")
    southmoor_system = factories.ProfessionalFactory(
        agency=southmoor_social_care,
        user__email="case.system@southmoor.example",
        user__first_name="Case",
        user__last_name="System",
        job_title="Service account",
        roles=[Role.SERVICE_ACCOUNT],
    )
    assert southmoor_system.user is not None
    tokens = {
        NORTHBRIDGE_SYSTEM: api_token_create(user=world.user("service_account"), acting_user=None).token,
        SOUTHMOOR_SYSTEM: api_token_create(user=southmoor_system.user, acting_user=None).token,
    }
    for kind in (ELOWEN, CORIN, ZEPHYRINE):
        enquiry_about(world, kind)
    return ApiWorld(world=world, tokens=tokens)
