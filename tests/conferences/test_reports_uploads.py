"""Receiving a report's file safely (R-PR-4; issue 3, item 8; ASVS 5.2.1, 5.2.2, 5.4.3): the checks of
``cpconf.conferences.uploads`` and the service that keeps the file (``report_receive``)."""

from __future__ import annotations

import hashlib
import io
import stat
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import IO

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.fixtures import Settings

from cpconf import clock
from cpconf.access.models import AuditEntry
from cpconf.conferences import uploads
from cpconf.conferences.models import Conference, ConferenceStatus, Report
from cpconf.conferences.services.reports import (
    CANCELLED_MESSAGE,
    REPLACE_TOO_LATE_MESSAGE,
    STALE_MESSAGE,
    report_receive,
)
from cpconf.people.models import Professional
from tests import factories

# Fictional documents: just enough of each format for its signature.
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DOC = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504


def docx(*, with_document: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if with_document:
            archive.writestr("word/document.xml", "<w:document/>")
        else:
            archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


# What the checks accept and refuse


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("Police report.pdf", PDF, uploads.FileKind.PDF),
        ("Health visiting.DOCX", docx(), uploads.FileKind.DOCX),
        ("School report.doc", DOC, uploads.FileKind.DOC),
    ],
)
def test_pdf_and_word_documents_are_accepted_by_their_content(
    name: str, content: bytes, kind: uploads.FileKind
) -> None:
    checked = uploads.check_upload(upload(name, content, "application/octet-stream"))
    assert checked.kind is kind
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.content_type == kind.content_type  # from the content, not the browser's word


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"MZ\x90\x00 a program pretending to be a report"),  # mislabelled
        ("report.pdf", docx()),  # a Word document called .pdf
        ("report.docx", PDF),  # a PDF called .docx
        ("report.doc", docx()),  # a .docx called .doc
        ("report.docx", docx(with_document=False)),  # a zip that is not a Word document
        ("report.docx", b"PK\x03\x04 not really a zip"),
        ("report", PDF),  # no extension to agree with the content
        ("report.txt", b"Just some words."),
        ("report.html", b"<script>alert(1)</script>"),
        ("report.pdf.exe", PDF),
    ],
)
def test_anything_else_or_mislabelled_is_refused(name: str, content: bytes) -> None:
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(upload(name, content))
    assert refused.value.message_dict == {"file": ["The selected file must be a PDF or Word document"]}


def test_an_empty_file_and_no_file_are_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(upload("report.pdf", b""))
    assert refused.value.message_dict == {"file": ["The selected file is empty"]}
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(None)
    assert refused.value.message_dict == {"file": ["Select the report to upload"]}


def test_a_file_over_the_limit_is_refused_with_the_limit_in_words(settings: Settings) -> None:
    assert uploads.too_large_message() == "The selected file must be smaller than 20 MB"
    settings.CPCONF_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(upload("report.pdf", PDF + b"0" * 100))
    assert refused.value.message_dict == {"file": ["The selected file must be smaller than 100 bytes"]}


def test_sizes_in_words() -> None:
    assert uploads.size_in_words(20 * 1024 * 1024) == "20 MB"
    assert uploads.size_in_words(1536 * 1024) == "1.5 MB"
    assert uploads.size_in_words(500 * 1024) == "500 KB"
    assert uploads.size_in_words(900) == "900 bytes"


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("Police report.pdf", "Police report.pdf"),
        ("C:\\Users\\someone\\Desktop\\Report.PDF", "Report.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..pdf", "report.pdf"),
        ('rep"ort\r\n<b>.pdf', "rep_ort_b_.pdf"),
        ("  spaced   out  .pdf", "spaced out.pdf"),
        ("\uff32\uff45\uff50\uff4f\uff52\uff54.pdf", "Report.pdf"),  # full-width letters: ordinary ones
        ("Rapport d\u2019\u00e9valuation.pdf", "Rapport d_\u00e9valuation.pdf"),
        ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
    ],
)
def test_file_names_are_made_safe(given: str, kept: str) -> None:
    assert uploads.sanitise_file_name(given, uploads.FileKind.PDF) == kept


def test_stored_names_are_random_and_never_the_persons() -> None:
    first, second = uploads.stored_name(uploads.FileKind.PDF), uploads.stored_name(uploads.FileKind.PDF)
    assert first != second
    assert first.endswith(".pdf") and len(first) == 36


# The virus-scanning hook

SCANNED: list[bytes] = []


def recording_scanner(file: IO[bytes]) -> None:
    SCANNED.append(file.read())


def refusing_scanner(file: IO[bytes]) -> None:
    raise uploads.VirusFound("Eicar-Test-Signature")


def broken_scanner(file: IO[bytes]) -> None:
    raise ConnectionRefusedError("the scanner is not running")


def test_no_scanner_is_set_by_default() -> None:
    assert uploads.scanner() is None


def test_a_scanner_that_cannot_be_imported_is_a_configuration_error(settings: Settings) -> None:
    settings.CPCONF_UPLOAD_SCANNER = "tests.conferences.no_such_module.scan"
    with pytest.raises(ImproperlyConfigured, match="CPCONF_UPLOAD_SCANNER"):
        uploads.scanner()


# The service


@pytest.fixture
def conference(db: None) -> Conference:
    return factories.ConferenceFactory(
        status=ConferenceStatus.SCHEDULED,
        starts_at=clock.now() + timedelta(days=10),
        ends_at=clock.now() + timedelta(days=10, hours=2),
    )


@pytest.fixture
def report(conference: Conference) -> Report:
    return factories.ReportFactory(conference=conference)


@pytest.fixture
def coordinator(conference: Conference) -> Professional:
    return factories.ProfessionalFactory(
        agency__authority=conference.authority, roles=["conference_coordinator"]
    )


def test_a_report_is_kept_under_a_random_name_outside_the_web_root_and_audited(
    report: Report, coordinator: Professional, upload_root: Path
) -> None:
    received = report_receive(
        report=report,
        upload=upload("Elm Grove School report for Tamsin.pdf", PDF),
        received_from=coordinator,
        acting_user=coordinator.user,
    )
    received.refresh_from_db()
    assert received.received_at is not None
    assert received.received_from == coordinator
    assert received.file_name == "Elm Grove School report for Tamsin.pdf"
    assert received.content_type == "application/pdf"
    assert received.size == len(PDF)
    assert received.sha256 == hashlib.sha256(PDF).hexdigest()
    assert received.version == 2
    # On disk: under the upload root, in a dated folder, under a random name.
    stored = Path(received.file.path)
    assert stored.is_relative_to(upload_root)
    assert "Tamsin" not in received.file.name and "Elm" not in received.file.name
    assert stored.read_bytes() == PDF
    # Readable by the service's own account only.
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700
    with pytest.raises(ValueError, match="no address"):
        received.file.url  # noqa: B018 - never linked to directly
    entry = AuditEntry.objects.get(object_type="conferences.report", action="change")
    assert entry.actor == coordinator.user
    assert entry.after is not None
    assert entry.after["sha256"] == received.sha256
    assert entry.after["file_name"] == "Elm Grove School report for Tamsin.pdf"
    assert entry.before is not None and entry.before["received_at"] is None


def test_the_upload_path_calls_the_scanner(report: Report, settings: Settings) -> None:
    settings.CPCONF_UPLOAD_SCANNER = "tests.conferences.test_reports_uploads.recording_scanner"
    SCANNED.clear()
    report_receive(report=report, upload=upload("report.pdf", PDF), received_from=None, acting_user=None)
    assert SCANNED == [PDF]


@pytest.mark.parametrize(
    ("scanner", "message"),
    [
        ("refusing_scanner", "The selected file contains a virus"),
        ("broken_scanner", "The selected file could not be checked for viruses. Try again later"),
    ],
)
def test_a_file_the_scanner_refuses_or_cannot_check_is_not_kept(
    report: Report, settings: Settings, upload_root: Path, scanner: str, message: str
) -> None:
    settings.CPCONF_UPLOAD_SCANNER = f"tests.conferences.test_reports_uploads.{scanner}"
    with pytest.raises(ValidationError) as refused:
        report_receive(report=report, upload=upload("report.pdf", PDF), received_from=None, acting_user=None)
    assert refused.value.message_dict == {"file": [message]}
    report.refresh_from_db()
    assert report.received_at is None and not report.file
    assert not upload_root.exists() or not any(path.is_file() for path in upload_root.rglob("*"))
    assert not AuditEntry.objects.filter(object_type="conferences.report").exists()


def test_a_refused_file_changes_nothing(report: Report, upload_root: Path) -> None:
    with pytest.raises(ValidationError):
        report_receive(
            report=report, upload=upload("report.pdf", b"not a pdf"), received_from=None, acting_user=None
        )
    report.refresh_from_db()
    assert report.received_at is None and report.version == 1
    assert not upload_root.exists() or not any(path.is_file() for path in upload_root.rglob("*"))


def test_a_new_upload_replaces_the_file_while_the_conference_is_to_happen_and_keeps_the_history(
    report: Report,
) -> None:
    first = report_receive(
        report=report, upload=upload("first.pdf", PDF), received_from=None, acting_user=None
    )
    first_path = Path(first.file.path)
    second = report_receive(
        report=first, upload=upload("second.docx", docx()), received_from=None, acting_user=None
    )
    assert second.file_name == "second.docx"
    assert second.content_type == uploads.FileKind.DOCX.content_type
    assert first_path.exists()  # the replaced file is kept, as the history refers to it
    changes = AuditEntry.objects.filter(object_type="conferences.report").order_by("sequence")
    assert [entry.after["file_name"] for entry in changes if entry.after] == ["first.pdf", "second.docx"]
    assert changes.last().before["file_name"] == "first.pdf"  # type: ignore[union-attr,index]


def test_a_received_report_is_not_replaced_once_the_conference_has_started(
    report: Report, conference: Conference
) -> None:
    report_receive(report=report, upload=upload("first.pdf", PDF), received_from=None, acting_user=None)
    Conference.objects.filter(pk=conference.pk).update(starts_at=clock.now() - timedelta(hours=1))
    with pytest.raises(ValidationError) as refused:
        report_receive(report=report, upload=upload("second.pdf", PDF), received_from=None, acting_user=None)
    assert refused.value.message_dict == {"file": [REPLACE_TOO_LATE_MESSAGE]}


def test_a_late_report_can_still_arrive_after_the_conference(report: Report, conference: Conference) -> None:
    Conference.objects.filter(pk=conference.pk).update(
        status=ConferenceStatus.HELD, starts_at=clock.now() - timedelta(days=1), ends_at=clock.now()
    )
    received = report_receive(
        report=report, upload=upload("late.pdf", PDF), received_from=None, acting_user=None
    )
    assert received.received_at is not None


def test_nothing_is_received_for_a_cancelled_conference(report: Report, conference: Conference) -> None:
    Conference.objects.filter(pk=conference.pk).update(
        status=ConferenceStatus.CANCELLED, cancelled_reason="The family moved away."
    )
    with pytest.raises(ValidationError) as refused:
        report_receive(report=report, upload=upload("report.pdf", PDF), received_from=None, acting_user=None)
    assert refused.value.messages == [CANCELLED_MESSAGE]


def test_a_form_made_before_someone_elses_change_is_refused(report: Report) -> None:
    report_receive(report=report, upload=upload("first.pdf", PDF), received_from=None, acting_user=None)
    with pytest.raises(ValidationError) as refused:
        report_receive(
            report=report,
            upload=upload("second.pdf", PDF),
            received_from=None,
            acting_user=None,
            expected_version=1,
        )
    assert refused.value.messages == [STALE_MESSAGE]


def test_the_upload_handler_keeps_no_more_than_the_limit_but_counts_every_byte(settings: Settings) -> None:
    settings.CPCONF_MAX_UPLOAD_BYTES = 10
    handler = uploads.SizeLimitedUploadHandler()
    handler.new_file("file", "report.pdf", "application/pdf", 0)
    for start in range(0, 1000, 100):
        assert handler.receive_data_chunk(b"x" * 100, start) is None
    kept = handler.file_complete(1000)
    assert kept is not None
    assert kept.size == 1000  # so the check says it is too large
    assert len(kept.read()) == 11  # one byte past the limit, and no more
    kept.close()
