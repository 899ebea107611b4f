"""Fuzzing the API from its own schema (issue 3, item 11; security note §3.4): schemathesis generates
requests for every operation in /api/openapi.json, valid and invalid, and checks that none is a server
error, that every status is one the schema declares for that operation, and that every answer matches
the schema declared for its status.

Two runs: as Northbridge's own system (a service account's token), with real identifiers mixed in so that
handlers and services run, not only "not found"; and signed out, where everything must be a declared 401
(or a declared 422/404 for what is malformed before authentication is asked).

The schema is loaded at module level (never through a fixture: schemathesis' ``from_fixture`` fails on
pytest 9). /api/openapi.json is for signed-in callers only, and no one can sign in before the test
database exists, so it is loaded from the API object that serves it; a test below checks that what is
served is the same. ``MAX_EXAMPLES`` keeps the whole file under about a minute.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from ninja.responses import NinjaJSONEncoder
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cpconf.api.api import api
from tests.api.world import (
    CORIN,
    ELOWEN,
    NORTHBRIDGE_SYSTEM,
    ZEPHYRINE,
    ApiWorld,
    enquiry_about,
    household_of,
    public_id,
)

MAX_EXAMPLES = 10
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]

application = get_wsgi_application()


def _load(*, coverage: bool) -> Any:
    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = application  # requests go to the application in process, as from_wsgi's schemas do
    loaded.config.generation.update(max_examples=MAX_EXAMPLES, modes=["positive", "negative"])
    # The coverage phase adds about fifty boundary cases an operation (each field missing, too long, of
    # the wrong type...): worth it where handlers run, not where everything is refused before they do.
    loaded.config.phases.coverage.enabled = coverage
    return loaded


schema = _load(coverage=True)
signed_out_schema = _load(coverage=False)

fuzz_settings = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    """schemathesis calls the WSGI application itself, so Django's request signals fire, and
    ``close_old_connections`` would close the test's own connection, inside its transaction (PostgreSQL
    really closes it; SQLite's in-memory test database ignores the close). Django's test client
    disconnects it the same way around each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# How many requests each run sent, by operation (see the last test).
CASES: dict[str, Counter[str]] = {"service account": Counter(), "signed out": Counter()}


def _real_identifiers(api_world: ApiWorld) -> dict[str, list[uuid.UUID]]:
    world = api_world.world
    return {
        "conference_id": [world.conferences[kind].public_id for kind in (ELOWEN, CORIN, ZEPHYRINE)],
        "enquiry_id": [enquiry_about(world, kind).public_id for kind in (ELOWEN, CORIN, ZEPHYRINE)],
        "household_id": [household_of(world, kind).public_id for kind in (ELOWEN, CORIN, ZEPHYRINE)],
        "invitation_id": [public_id(world, kind, "invitation_id") for kind in (ELOWEN, CORIN, ZEPHYRINE)],
        "report_id": [public_id(world, kind, "report_id") for kind in (ELOWEN, CORIN, ZEPHYRINE)],
        "plan_id": [public_id(world, kind, "plan_id") for kind in (ELOWEN, CORIN, ZEPHYRINE)],
    }


def _mix_in(value: Any, pool: list[uuid.UUID]) -> Any:
    """Most generated identifiers name nothing: swap some for real ones (chosen by the generated value,
    so the run stays repeatable), and keep the rest as they are."""
    try:
        drawn = uuid.UUID(str(value))
    except ValueError:
        return value  # not an identifier at all: a negative case, left alone
    choice = drawn.int % (len(pool) + 1)
    return str(pool[choice]) if choice < len(pool) else value


@schema.parametrize()
@fuzz_settings
@pytest.mark.django_db
def test_service_account(case: schemathesis.Case, api_world: ApiWorld) -> None:
    pools = _real_identifiers(api_world)
    for name, value in list((case.path_parameters or {}).items()):
        if name in pools:
            case.path_parameters[name] = _mix_in(value, pools[name])
    if isinstance(case.body, dict) and "household_id" in case.body:
        case.body["household_id"] = _mix_in(case.body["household_id"], pools["household_id"])
    token = api_world.tokens[NORTHBRIDGE_SYSTEM]
    CASES["service account"][case.operation.label] += 1
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


@signed_out_schema.parametrize()
@fuzz_settings
@pytest.mark.django_db
def test_signed_out(case: schemathesis.Case) -> None:
    CASES["signed out"][case.operation.label] += 1
    response = case.call_and_validate(checks=CHECKS)
    # Nothing answers a caller who is not signed in, whatever they send: 401, or a refusal of what is
    # malformed before anyone is asked to sign in (an address that is none, a method it does not take).
    assert response.status_code in {401, 404, 405, 422}, response.status_code


def test_the_fuzzed_schema_is_the_one_served(api_world: ApiWorld) -> None:
    served = api_world.client_for(NORTHBRIDGE_SYSTEM).get("/api/openapi.json").json()
    assert served == json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))


def test_both_runs_reached_every_operation() -> None:
    """Run after the fuzzing (pytest keeps the file's order); skipped when only part of the file ran."""
    if not all(CASES.values()):
        pytest.skip("The fuzzing tests did not all run in this session.")
    operations = {result.ok().label for result in schema.get_all_operations()}
    for run, counts in CASES.items():
        print(f"{run}: {sum(counts.values())} requests over {len(counts)} operations")
        assert set(counts) == operations, run
