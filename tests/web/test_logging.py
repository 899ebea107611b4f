"""No personal data in the application log (ASVS 16.2.5): not a password or an email address from
signing in, not a query string, and never the request (which holds the form data)."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.test import Client

from cpconf.people.models import Professional
from cpconf.web.log_filters import WithoutPersonalData
from tests.factories import DEFAULT_PASSWORD

EMAIL = "morwenna.quillfeather@northbridge.example"
WRONG_PASSWORD = "Wr0ng-but-close-to-the-real-one"


@pytest.mark.usefixtures("lockout_on")
def test_signing_in_logs_neither_the_password_nor_the_email_address(
    client: Client, chair: Professional, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        client.post("/sign-in/", {"email": EMAIL, "password": WRONG_PASSWORD})
        client.post("/sign-in/", {"email": EMAIL.upper(), "password": DEFAULT_PASSWORD})
        client.post("/sign-out/")
    text = caplog.text.lower()
    # The failure and the sign-in were logged (django-axes), with the address masked.
    assert "axes: new login failure" in text
    assert "axes: successful login" in text
    for secret in (EMAIL, "morwenna", "quillfeather", WRONG_PASSWORD.lower(), DEFAULT_PASSWORD):
        assert secret not in text
    for record in caplog.records:
        assert getattr(record, "request", None) is None or record.name.startswith("axes")


def test_a_page_not_found_logs_its_path_without_the_query_string(
    client: Client, db: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/no-such-page/", {"name": "Tamsin Brackenridge", "born": "2019-04-12"})
    messages = [record.getMessage() for record in caplog.records if record.name == "django.request"]
    assert messages == ["Not Found: /no-such-page/"]
    assert "Tamsin" not in caplog.text
    assert all(getattr(record, "request", None) is None for record in caplog.records)


def test_the_development_server_logs_request_lines_without_query_strings(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="django.server"):
        logging.getLogger("django.server").info(
            '"%s" %s %s', "GET /children/?name=Tamsin+Brackenridge HTTP/1.1", "200", "1234"
        )
    assert caplog.records[-1].getMessage() == '"GET /children/?[query removed] HTTP/1.1" 200 1234'


def test_the_filter_removes_the_request_from_any_record() -> None:
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Boom: %s", ("/x/?a=b",), None)
    record.request = object()
    assert WithoutPersonalData().filter(record)
    assert record.request is None
    assert record.getMessage() == "Boom: /x/?[query removed]"


def test_django_emails_nothing_and_every_console_line_is_filtered() -> None:
    logging_settings = settings.LOGGING
    assert logging_settings["loggers"]["django"]["handlers"] == []
    assert "mail_admins" not in logging_settings["handlers"]
    assert logging_settings["handlers"]["console"]["filters"] == ["without_personal_data"]
    assert logging.getLogger("django").handlers == []
