"""Fixtures for the API's tests: the personas' world with the authorities' own systems and enquiries."""

from __future__ import annotations

import pytest

from tests.access.conftest import World, world  # noqa: F401 - the personas' world, as a fixture here
from tests.api.world import ApiWorld, build_api_world


@pytest.fixture
def api_world(world: World) -> ApiWorld:  # noqa: F811
    return build_api_world(world)
