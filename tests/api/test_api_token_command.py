"""`cpconf api_token`: tokens for service accounts are made, listed and revoked from the command line,
and a token is shown once, when it is made (docs/api.md)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from cpconf.access.models import AuditEntry
from cpconf.api.models import ApiToken
from tests.access.conftest import World

SYSTEM = "returns.robot@northbridge.example"


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("api_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_prints_the_token_once_and_it_works(world: World) -> None:
    out, err = run("create", "--email", SYSTEM.upper(), "--days", "30")
    token = out.strip()
    assert len(token) == 43
    assert token not in err
    assert "Keep it in the system's secret store now: it is not shown again." in err
    record = ApiToken.objects.get()
    assert f"(it shows as {record.prefix}… in the list)" in err
    assert (record.expires_at - record.created_at).days == 30
    response = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/conferences")
    assert response.status_code == 200
    # Never shown again: the list names tokens by their prefix only.
    listed, _ = run("list")
    assert token not in listed
    assert f"{record.prefix}…  {SYSTEM}  made " in listed
    assert "last used" in listed and "in use until" in listed


def test_revoking_by_prefix_or_account_stops_the_token_and_is_audited(world: World) -> None:
    first = run("create", "--email", SYSTEM)[0].strip()
    second = run("create", "--email", SYSTEM)[0].strip()
    out, _ = run("revoke", "--prefix", first[:8])
    assert out.strip() == f"Revoked {first[:8]}… of {SYSTEM}."
    assert Client(headers={"Authorization": f"Bearer {first}"}).get("/api/conferences").status_code == 401
    assert Client(headers={"Authorization": f"Bearer {second}"}).get("/api/conferences").status_code == 200
    out, _ = run("revoke", "--email", SYSTEM)
    assert out.strip() == f"Revoked {second[:8]}… of {SYSTEM}."
    assert "revoked" in run("list", "--email", SYSTEM)[0]
    assert AuditEntry.objects.filter(object_type="api.apitoken", action="change").count() == 2
    with pytest.raises(CommandError, match="has no token to revoke"):
        run("revoke", "--email", SYSTEM)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create", "--email", "nobody@northbridge.example"), "No account has the email address"),
        (
            ("create", "--email", "idony.cargreave@northbridge.example"),
            "does not hold the service account role",
        ),
        (("create", "--email", SYSTEM, "--days", "0"), "A token lasts from 1 to 366 days, not 0."),
        (("revoke", "--prefix", "nothing!"), "No token starts nothing!."),
    ],
)
def test_refusals_say_why(world: World, args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message) as refused:
        run(*args)
    assert refused.value.returncode == 1
    assert not ApiToken.objects.filter(revoked_at__isnull=True).exists()


def test_bad_arguments_are_exit_status_2(world: World) -> None:
    with pytest.raises(CommandError) as refused:
        run("revoke")
    assert refused.value.returncode == 2


def test_no_tokens_says_so(world: World) -> None:
    assert run("list")[0].strip() == "No tokens."
