"""Which addresses are secure (R-AF-5): exactly the authority's listed domains, whatever the case; never
a look-alike, a subdomain that is not listed, or another authority's domain."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_django.fixtures import Settings

from cpconf.notifications.secure import email_domain, is_secure_address, sign_in_notice, sign_in_url
from cpconf.people.models import Authority
from tests import factories
from tests.notifications.conftest import SECURE_DOMAINS


@pytest.mark.parametrize(
    "address",
    [
        "osric.pendleford@northbridge.example",
        "Osric.Pendleford@NorthBridge.EXAMPLE",  # domains are not case-sensitive
        "tamsin.goldhawk@nhs.northbridge.example",  # listed on its own
    ],
)
def test_an_address_at_a_listed_domain_is_secure(authority: Authority, address: str) -> None:
    assert is_secure_address(authority=authority, email_address=address) is True


@pytest.mark.parametrize(
    "address",
    [
        "someone@northbridge.example.evil.example",  # the listed domain as a prefix of another
        "someone@evilnorthbridge.example",  # the listed domain as a suffix of another
        "someone@police.northbridge.example",  # a subdomain nobody listed: another mail system
        "someone@northbridge.example.",  # a trailing dot: not what was listed
        "someone@northbridge.examp1e",
        "northbridge.example@gmail.example",  # the domain in the local part
        "someone@xn--northbridge-.example",
        "someone@",
        "northbridge.example",
    ],
)
def test_a_look_alike_or_unlisted_domain_is_not_secure(authority: Authority, address: str) -> None:
    assert is_secure_address(authority=authority, email_address=address) is False


def test_another_authoritys_secure_domains_do_not_count(authority: Authority) -> None:
    southmoor = factories.AuthorityFactory(name="Southmoor Email Test Council", slug="southmoor-email")
    factories.SecureEmailDomainFactory(authority=southmoor, domain="southmoor.example")
    assert is_secure_address(authority=southmoor, email_address="a@southmoor.example") is True
    assert is_secure_address(authority=authority, email_address="a@southmoor.example") is False
    assert is_secure_address(authority=southmoor, email_address="a@northbridge.example") is False


def test_casefolding_does_not_turn_one_domain_into_another(db: None) -> None:
    # "straße" casefolds to "strasse": a different domain, which must not inherit its trust.
    authority = factories.AuthorityFactory()
    factories.SecureEmailDomainFactory(authority=authority, domain="strasse.example")
    assert is_secure_address(authority=authority, email_address="a@STRASSE.example") is True
    assert is_secure_address(authority=authority, email_address="a@straße.example") is False


def test_the_domain_is_what_follows_the_last_at_sign() -> None:
    assert email_domain('"odd@northbridge.example"@evil.example') == "evil.example"
    assert email_domain("Name@Council.Example") == "council.example"


labels = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
domains = st.lists(labels, min_size=1, max_size=4).map(".".join)


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(domain=domains, upper=st.booleans())
def test_a_domain_is_secure_exactly_when_it_is_listed(authority: Authority, domain: str, upper: bool) -> None:
    address = f"someone@{domain.upper() if upper else domain}"
    assert is_secure_address(authority=authority, email_address=address) is (domain in SECURE_DOMAINS)


# The link in an email


def test_a_link_is_the_service_address_and_a_path_it_answers_to(settings: Settings) -> None:
    settings.CPCONF_SITE_URL = "https://cpconf.northbridge.example"
    assert sign_in_url("/children/") == "https://cpconf.northbridge.example/children/"


@pytest.mark.parametrize(
    "path",
    [
        "/children/?q=Isolde",  # a query string could carry a name
        "/children/#Isolde",
        "//evil.example/children/",  # another site
        "https://evil.example/",
        "children/",
        "/children/\\evil",
        "/children/ x",
        "/no-such-page/",  # not a page of the service
    ],
)
def test_a_link_is_refused_unless_it_is_a_plain_path_of_the_service(path: str) -> None:
    with pytest.raises(ValueError, match="is not a"):
        sign_in_url(path)


def test_the_notice_names_the_service_and_the_link_only(settings: Settings) -> None:
    settings.CPCONF_SERVICE_NAME = "Child protection conferences"
    subject, body = sign_in_notice(url="https://cpconf.example/children/")
    assert subject == "New information in Child protection conferences"
    assert body == (
        "There is new information for you in Child protection conferences. "
        "Sign in to read it: https://cpconf.example/children/"
    )
