"""Shared set-up for the conference tests: the personas' world (tests/access/conftest.py), and the people
invited to Elowen's conference. Every name is invented."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from cpconf.conferences.models import Conference, Invitation, InviteeRole
from cpconf.people.models import Relationship
from tests import factories
from tests.access.conftest import World, build_world


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@dataclass
class Invited:
    """Elowen's conference and who is invited to it: her mother (invited in the world), her father, the
    mother's supporter, an observer, and the police officer (so that he may ask for an exclusion)."""

    conference: Conference
    mother: Invitation
    father: Invitation
    supporter: Invitation
    observer: Invitation
    police_officer: Invitation


@pytest.fixture
def invited(world: World) -> Invited:
    conference = world.conferences["elowen"]
    father = world.child.relationships.get(relationship=Relationship.FATHER).family_member
    return Invited(
        conference=conference,
        mother=conference.invitations.get(role=InviteeRole.PARENT_OR_CARER),
        father=factories.InvitationFactory(
            conference=conference,
            role=InviteeRole.PARENT_OR_CARER,
            professional=None,
            agency=None,
            family_member=father,
            name=father.full_name,
            email="",
        ),
        supporter=factories.InvitationFactory(
            conference=conference,
            role=InviteeRole.SUPPORTER,
            professional=None,
            agency=None,
            name="Gwenna Trevose",
            email="",
        ),
        observer=factories.InvitationFactory(
            conference=conference,
            role=InviteeRole.OBSERVER,
            professional=None,
            agency=None,
            name="Ysolde Marchbank",
            email="",
        ),
        police_officer=factories.InvitationFactory(
            conference=conference, professional=world.professionals["police_officer"]
        ),
    )
