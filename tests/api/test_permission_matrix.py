"""The API's permission matrix (issue 3, item 3; security note §3.1, §3.2): every operation in
/api/openapi.json, for every persona of tests/access/conftest.py and both authorities' own systems (a
service account with a token of Northbridge, and one of Southmoor), with Elowen's, Corin's and
Zephyrine's identifiers and a guessed one.

Each request runs in a savepoint that is rolled back afterwards, so that every one meets the same world
(a cancelled conference does not change what the next persona gets). The checks: the status the rule in
tests/api/matrix.py says; a JSON answer; no other authority's child in it (no child at all in a refusal);
and "not found" saying the same for a record that is not yours as for one that does not exist.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client

from tests.api.matrix import ASKS
from tests.api.world import API_PERSONAS, KINDS, NORTHBRIDGE_SYSTEM, ApiWorld, public_id


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str  # as the schema writes it: /api/conferences/{conference_id}


def operations_in(schema: dict[str, object]) -> list[Operation]:
    paths = schema["paths"]
    assert isinstance(paths, dict)
    return [
        Operation(details["operationId"], method.upper(), path)
        for path, methods in paths.items()
        for method, details in methods.items()
    ]


def served_schema(api_world: ApiWorld) -> dict[str, object]:
    """The schema as /api/openapi.json serves it (to a service account)."""
    response = api_world.client_for(NORTHBRIDGE_SYSTEM).get("/api/openapi.json")
    assert response.status_code == 200
    schema: dict[str, object] = response.json()
    return schema


def test_every_operation_in_the_schema_has_a_rule(api_world: ApiWorld) -> None:
    operations = operations_in(served_schema(api_world))
    missing = [operation.operation_id for operation in operations if operation.operation_id not in ASKS]
    assert missing == [], (
        "These API operations have no rule in tests/api/matrix.py (ASKS). Decide who may do each one "
        f"before it ships: {missing}"
    )
    assert set(ASKS) - {operation.operation_id for operation in operations} == set(), "rules for no operation"


def _requests(
    api_world: ApiWorld, operation: Operation
) -> Iterator[tuple[str | None, str, dict[str, object] | None]]:
    ask = ASKS[operation.operation_id]
    names = re.findall(r"{(\w+)}", operation.path)
    kinds: tuple[str | None, ...] = KINDS if ask.kinds_in else (None,)
    for kind in kinds:
        path = operation.path
        for name in names:
            assert kind is not None
            path = path.replace(f"{{{name}}}", str(public_id(api_world.world, kind, name)))
        body = ask.body(api_world, kind) if kind is not None else None
        yield kind, path, body


def _send(client: Client, method: str, path: str, body: dict[str, object] | None):  # type: ignore[no-untyped-def]
    if method == "GET":
        return client.get(path)
    return client.generic(method, path, json.dumps(body or {}), content_type="application/json")


@pytest.mark.parametrize("persona", API_PERSONAS)
def test_every_operation_answers_every_persona_as_its_rule_says(api_world: ApiWorld, persona: str) -> None:
    client = api_world.client_for(persona)
    world = api_world.world
    everyone = [world.child, world.brother, world.unrelated_child, world.southmoor_child]
    failures: list[str] = []
    for operation in operations_in(served_schema(api_world)):
        ask = ASKS[operation.operation_id]
        not_found_bodies: set[str] = set()
        for kind, path, body in _requests(api_world, operation):
            expected = ask.rule(persona, kind)
            where = f"{operation.method} {path} ({operation.operation_id}, {kind})"
            savepoint = transaction.savepoint_create()
            try:
                if kind is not None:
                    ask.prepare(api_world, kind)
                response = _send(client, operation.method, path, body)
            finally:
                transaction.savepoint_rollback(savepoint)
            if response.status_code != expected:
                failures.append(
                    f"{where}: {response.status_code}, expected {expected}: {response.content[:300]!r}"
                )
                continue
            if not response["Content-Type"].startswith("application/json"):
                failures.append(f"{where}: answered {response['Content-Type']}, not JSON")
            content = response.content.decode()
            never = (
                api_world.children_of_other_authorities(persona) if response.status_code < 300 else everyone
            )
            for child in never:
                for detail in (child.full_name, child.family_name, child.nhs_number, str(child.public_id)):
                    if detail and detail in content:
                        failures.append(f"{where}: shows {detail!r} to {persona}")
            if response.status_code == 404:
                not_found_bodies.add(content)
        # "Not found" is the same words for a record that is someone else's and for a guessed one.
        if len(not_found_bodies) > 1:
            failures.append(f"{operation.operation_id}: different 'not found' answers {not_found_bodies}")
    assert failures == [], "\n".join(failures)


def test_the_matrix_asks_every_operation_with_every_kind_of_identifier(api_world: ApiWorld) -> None:
    operations = operations_in(served_schema(api_world))
    requests = [request for operation in operations for request in _requests(api_world, operation)]
    assert len(operations) == len(ASKS) >= 12
    assert len(requests) == sum(4 if ASKS[op.operation_id].kinds_in else 1 for op in operations)
    paths = {path for _, path, _ in requests}
    assert f"/api/conferences/{api_world.world.conferences['zephyrine'].public_id}" in paths
