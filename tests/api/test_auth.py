"""Signing in to the API: a service account's bearer token, or a person's session with CSRF (docs/api.md)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import time_machine
from django.test import Client, override_settings

from cpconf import clock
from cpconf.access.models import AuditEntry
from cpconf.api.models import ApiToken
from cpconf.api.services import api_token_create, api_token_revoke, token_hash
from cpconf.people.models import Professional, User
from tests.access.conftest import World
from tests.api.world import NORTHBRIDGE_SYSTEM, ApiWorld

CONFERENCES = "/api/conferences"


def bearer(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def refusal(response: object) -> str:
    assert response.status_code == 401, response.content  # type: ignore[attr-defined]
    assert response["WWW-Authenticate"] == 'Bearer realm="cpconf"'  # type: ignore[index]
    detail: str = response.json()["detail"]  # type: ignore[attr-defined]
    return detail


def test_a_service_accounts_token_signs_it_in(api_world: ApiWorld) -> None:
    response = api_world.client_for(NORTHBRIDGE_SYSTEM).get(CONFERENCES)
    assert response.status_code == 200
    assert response.json()["count"] == 2  # Elowen's and Corin's: every conference of Northbridge


def test_the_token_is_kept_only_as_a_hash_with_a_short_prefix(world: World) -> None:
    made = api_token_create(user=world.user("service_account"), acting_user=None)
    record = ApiToken.objects.get(pk=made.record.pk)
    assert len(made.token) == 43
    assert record.prefix == made.token[:8]
    assert record.token_hash == token_hash(made.token) != made.token
    assert made.token not in str(ApiToken.objects.filter(pk=record.pk).values().get())
    # Its history names the token by its prefix, never by its hash.
    entry = AuditEntry.objects.get(object_type="api.apitoken", action="create")
    assert "token_hash" not in (entry.after or {})
    assert record.token_hash not in str(entry.after)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Bearer short", "This is not a cpconf API token"),
        ("Bearer " + "x" * 42 + "!", "This is not a cpconf API token"),
        ("Bearer " + "A" * 43, "This token is not known"),
        ("Basic dXNlcjpwYXNzd29yZA==", "Send the token in the header 'Authorization: Bearer <token>'"),
        ("Bearer", "This is not a cpconf API token"),
    ],
)
def test_a_malformed_or_unknown_token_is_refused_with_401(world: World, header: str, message: str) -> None:
    response = Client(headers={"Authorization": header}).get(CONFERENCES)
    assert message in refusal(response)


def test_a_revoked_token_is_refused(world: World) -> None:
    made = api_token_create(user=world.user("service_account"), acting_user=None)
    api_token_revoke(token=made.record, acting_user=None)
    assert "This token was revoked on" in refusal(bearer(made.token).get(CONFERENCES))


def test_an_expired_token_is_refused(world: World) -> None:
    made = api_token_create(user=world.user("service_account"), days=1, acting_user=None)
    assert bearer(made.token).get(CONFERENCES).status_code == 200
    with time_machine.travel(clock.now() + timedelta(days=1, seconds=1)):
        assert "This token expired on" in refusal(bearer(made.token).get(CONFERENCES))


def test_a_token_stops_working_when_its_account_or_record_is_closed(world: World) -> None:
    made = api_token_create(user=world.user("service_account"), acting_user=None)
    Professional.objects.filter(user=world.user("service_account")).update(is_active=False)
    assert "is closed" in refusal(bearer(made.token).get(CONFERENCES))
    Professional.objects.filter(user=world.user("service_account")).update(is_active=True)
    User.objects.filter(pk=world.user("service_account").pk).update(is_active=False)
    assert "is closed" in refusal(bearer(made.token).get(CONFERENCES))


def test_a_token_stops_working_when_the_service_account_role_is_taken_away(world: World) -> None:
    made = api_token_create(user=world.user("service_account"), acting_user=None)
    world.professionals["service_account"].roles.all().delete()
    assert "not a service account any more" in refusal(bearer(made.token).get(CONFERENCES))


def test_only_a_service_account_gets_a_token(world: World) -> None:
    from django.core.exceptions import ValidationError

    for persona, message in [
        ("chair", "does not hold the service account role"),
        ("no_professional_record", "has no active professional record"),
        ("superuser", "is a superuser"),
        ("inactive_professional", "has no active professional record"),
    ]:
        with pytest.raises(ValidationError, match=message):
            api_token_create(user=world.user(persona), acting_user=None)
    with pytest.raises(ValidationError, match="from 1 to 366 days"):
        api_token_create(user=world.user("service_account"), days=367, acting_user=None)


def test_the_last_use_is_recorded_at_most_once_a_minute(world: World) -> None:
    made = api_token_create(user=world.user("service_account"), acting_user=None)
    start = clock.now()
    with time_machine.travel(start, tick=False):
        bearer(made.token).get(CONFERENCES)
    assert ApiToken.objects.get(pk=made.record.pk).last_used_at == start
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        bearer(made.token).get(CONFERENCES)
    assert ApiToken.objects.get(pk=made.record.pk).last_used_at == start
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        bearer(made.token).get(CONFERENCES)
    assert ApiToken.objects.get(pk=made.record.pk).last_used_at == start + timedelta(minutes=2)


def test_a_token_decides_even_when_the_request_also_has_a_session(world: World) -> None:
    client = world.client_for("chair")
    assert client.get(CONFERENCES).status_code == 200
    client.defaults["HTTP_AUTHORIZATION"] = "Bearer " + "A" * 43
    assert "not known" in refusal(client.get(CONFERENCES))


def test_no_token_ever_reaches_the_log(world: World, caplog: pytest.LogCaptureFixture) -> None:
    made = api_token_create(user=world.user("service_account"), acting_user=None)
    api_token_revoke(token=made.record, acting_user=None)
    wrong = "B" * 43
    with caplog.at_level(logging.DEBUG), override_settings(DEBUG=True):
        for token in (made.token, wrong, "not-a-token"):
            bearer(token).get(CONFERENCES)
        Client(headers={"Authorization": made.token}).get(CONFERENCES)  # the scheme forgotten
    logged = "\n".join(f"{record.getMessage()} {record.args} {record.__dict__}" for record in caplog.records)
    assert "API token refused: revoked" in logged
    for secret in (made.token, wrong, "not-a-token"):
        assert secret not in logged


def test_signed_out_is_401_with_a_way_forward(world: World) -> None:
    assert "Sign in to use the API" in refusal(Client().get(CONFERENCES))


def test_a_session_uses_the_api_as_the_pages_allow(world: World) -> None:
    assert world.client_for("chair").get(CONFERENCES).json()["count"] == 2
    assert world.client_for("health_visitor").get(CONFERENCES).json()["count"] == 1  # Elowen's
    assert world.client_for("service_account").get(CONFERENCES).status_code == 403


def test_a_session_must_send_its_csrf_token_to_change_anything(world: World) -> None:
    conference = world.conferences["corin"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("chair"))
    path = f"/api/conferences/{conference.public_id}/cancel"
    body = {"reason": "Corin moved away.", "expected_version": conference.version}
    refused = client.post(path, body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF token" in refused.json()["detail"]
    conference.refresh_from_db()
    assert conference.status == "scheduled"
    # Reads need none.
    assert client.get(f"/api/conferences/{conference.public_id}").status_code == 200
    # With the token the pages carry (the cookie's value, as a page's form or the docs page sends it).
    client.get("/api/docs")
    token = client.cookies["csrftoken"].value
    done = client.post(path, body, content_type="application/json", headers={"X-CSRFToken": token})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "cancelled"


def test_a_token_needs_no_csrf_token(api_world: ApiWorld) -> None:
    client = api_world.client_for(NORTHBRIDGE_SYSTEM)
    client.handler.enforce_csrf_checks = True
    conference = api_world.world.conferences["elowen"]
    response = client.post(
        f"/api/conferences/{conference.public_id}/review", {}, content_type="application/json"
    )
    assert response.status_code == 422  # not refused for CSRF: the conference has not been held yet
    assert "only after the conference before it has been held" in response.json()["detail"]


@override_settings(CPCONF_REQUIRE_TWO_FACTOR=True)
def test_a_session_still_waiting_for_its_second_factor_gets_nothing(world: World) -> None:
    response = world.client_for("chair").get(CONFERENCES)
    # The pages' middleware sends the person to the second factor; the API never answers them.
    assert response.status_code in {302, 401}
    assert b"Elowen" not in response.content


def test_the_schema_and_its_page_are_for_signed_in_callers_only(api_world: ApiWorld) -> None:
    assert refusal(Client().get("/api/openapi.json"))
    assert "not known" in refusal(bearer("C" * 43).get("/api/openapi.json"))
    page = Client().get("/api/docs")
    assert page.status_code == 302
    assert page["Location"] == "/sign-in/?next=/api/docs"
    schema = api_world.client_for(NORTHBRIDGE_SYSTEM).get("/api/openapi.json").json()
    assert schema["info"] == {
        "title": "cpconf API",
        "version": "1",
        "description": schema["info"]["description"],
    }
    assert api_world.world.client_for("performance_analyst").get("/api/openapi.json").status_code == 200


def test_the_documentation_page_loads_nothing_from_elsewhere(world: World) -> None:
    response = world.client_for("chair").get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en-GB">' in html
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    assert '<script src="/static/ninja/swagger-ui-bundle.js">' in html
    assert '"validatorUrl": null' in html
    # The strict policy applies: no inline script runs (the settings are JSON data, not script).
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_the_index_and_unknown_addresses_answer_json(world: World) -> None:
    assert Client().get("/api/").json() == {
        "name": "cpconf API",
        "version": "1",
        "schema": "/api/openapi.json",
        "documentation": "/api/docs",
    }
    for path in ("/api/nothing-here", "/api/conferences/not-a-uuid", "/api/conferences/"):
        response = Client().post(path, {}, content_type="application/json")
        assert response.status_code == 404
        assert response.json() == {"detail": "There is nothing at this address in the API."}
