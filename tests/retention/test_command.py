"""`cpconf retention review` and `destroy`: what they print names no one; bad input is refused clearly."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cpconf.access import chain
from cpconf.people.models import Child
from cpconf.retention import services
from tests.retention.conftest import Place, build_family, later

pytestmark = pytest.mark.django_db

NAMES = ("Linnet", "Fennimore", "Odile", "Quennell", "Ptolemy", "Vantongeren")


def run(*args: str) -> str:
    out = StringIO()
    call_command("retention", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_review_names_no_one_and_says_why_nothing_will_go(place: Place) -> None:
    family = build_family(place.authority, place.chair)
    kept = build_family(
        place.authority, place.chair, born=(date(2019, 1, 1), date(2055, 1, 1)), surname="Quennell"
    )
    services.place_legal_hold(
        authority=place.authority,
        child=build_family(place.authority, place.chair, surname="Ravensworth").child,
        reason="Claim",
        acting_user=None,
    )
    with later():
        output = run("review", "--authority", "harrowdene")
    assert not any(name in output for name in NAMES)
    assert "Children on record: 4" in output
    assert "Past retention: 3" in output
    assert "Destruction would remove: 1 child's record, 1 conference (with" in output
    assert "Past retention but under a legal hold: 1" in output
    assert "kept with a linked child not yet past retention or held: 1" in output
    assert str(family.child.public_id) in output
    assert str(kept.children[0].public_id) in output
    assert "Nothing will be destroyed: destruction is off for this authority" in output


@pytest.mark.django_db(transaction=True)  # as in production: files leave storage once the deletion commits
def test_destroy_destroys_and_says_what_in_counts(place: Place) -> None:
    family = build_family(place.authority, place.chair)
    services.set_destruction(
        authority=place.authority, enabled=True, approval="IG-1 (fictional)", acting_user=None
    )
    with later():
        assert "Destruction is on" in run("review")
        output = run("destroy", "--confirm", "--authority", "harrowdene")
    assert not any(name in output for name in NAMES)
    assert "people.child: 1" in output
    assert "files removed from storage: 2" in output
    assert not Child.objects.filter(pk=family.child.pk).exists()
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "Audit chain intact" in out.getvalue()
    assert all(chain.verify_chain(name).intact for name in ("audit", "access"))


def test_destroy_with_destruction_off_says_so(place: Place) -> None:
    build_family(place.authority, place.chair)
    with later():
        output = run("destroy", "--confirm")
    assert (
        "Harrowdene Test Council (harrowdene): nothing destroyed: destruction is off for this authority."
        in output
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("review", "--authority", "nowhere"),
            "there is no authority with the short name 'nowhere' (known: harrowdene).",
        ),
        (("destroy",), "destroy needs --confirm: destruction cannot be undone."),
        (("purge",), "invalid choice: 'purge'"),
        ((), "the following arguments are required: review|destroy"),
    ],
)
def test_bad_input_is_refused_clearly(place: Place, args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError) as refused:
        run(*args)
    assert message in str(refused.value)
    assert refused.value.returncode == 2
