"""Safe uploads of agencies' reports (issue 3, item 8; ASVS 5.2.1, 5.2.2, 5.4.1, 5.4.3).

* **Only PDF and Word**, told by the file's content, not by its name or the browser's word for it: a PDF
  starts with ``%PDF-``; a Word document (.docx) is a zip holding ``[Content_Types].xml`` and
  ``word/document.xml``; an older Word document (.doc) starts with the OLE2 signature. The name's
  extension must agree with the content, so a file called ``report.pdf`` that is really something else is
  refused (a mislabelled file is how a harmful one is made to look harmless).
* **At most ``CPCONF_MAX_UPLOAD_BYTES``**, checked while the request is read: ``SizeLimitedUploadHandler``
  stops keeping a file once it passes the limit, so a huge upload fills no disk.
* **A virus-scanning hook**: ``CPCONF_UPLOAD_SCANNER`` names a callable (``"package.module.function"``)
  that is given the file before it is kept, and refuses it by raising ``VirusFound``. No scanner is set by
  default (ClamAV cannot fetch its signatures everywhere); a scanner that fails refuses the file, so a
  scanner that is down never lets a file through unscanned.
* **Never the person's file name on disk**: the file is stored under a random name
  (``cpconf.conferences.storage``), and the name they gave is kept, made safe, for the download.

The messages follow GOV.UK's file upload pattern ("The selected file must be ...").
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, Any, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest
from django.utils.module_loading import import_string

# The messages, as GOV.UK's file upload pattern words them.
SELECT_MESSAGE = "Select the report to upload"
EMPTY_MESSAGE = "The selected file is empty"
TYPE_MESSAGE = "The selected file must be a PDF or Word document"
VIRUS_MESSAGE = "The selected file contains a virus"
SCAN_FAILED_MESSAGE = "The selected file could not be checked for viruses. Try again later"

PDF_SIGNATURE = b"%PDF-"
OLE2_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_SIGNATURE = b"PK\x03\x04"
DOCX_PARTS = frozenset({"[Content_Types].xml", "word/document.xml"})
# Enough of the start of a file to tell its type.
_HEAD_BYTES = 8
_CHUNK_BYTES = 64 * 1024
# Report.file_name's length; the extension is kept when a long name is shortened.
FILE_NAME_MAX_LENGTH = 200


class FileKind(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    DOC = "doc"

    @property
    def content_type(self) -> str:
        return _CONTENT_TYPES[self]

    @property
    def extension(self) -> str:
        return f".{self.value}"

    @property
    def in_words(self) -> str:
        return {FileKind.PDF: "PDF", FileKind.DOCX: "Word", FileKind.DOC: "Word"}[self]


_CONTENT_TYPES = {
    FileKind.PDF: "application/pdf",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.DOC: "application/msword",
}

#: For the file input's ``accept``: a hint to the browser's file picker, never a check.
ACCEPT = ",".join([*(kind.extension for kind in FileKind), *_CONTENT_TYPES.values()])


class VirusFound(Exception):
    """Raised by a scanner (``CPCONF_UPLOAD_SCANNER``) to refuse a file."""


Scanner = Callable[[IO[bytes]], None]


def size_in_words(size: int) -> str:
    """A size limit as GOV.UK writes it: "20 MB", "500 KB", "900 bytes"."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            amount = size / factor
            return f"{amount:.0f} {unit}" if amount == int(amount) else f"{amount:.1f} {unit}"
    return f"{size} bytes"


def max_upload_bytes() -> int:
    return int(settings.CPCONF_MAX_UPLOAD_BYTES)


def too_large_message() -> str:
    return f"The selected file must be smaller than {size_in_words(max_upload_bytes())}"


def detect_kind(file: IO[bytes]) -> FileKind | None:
    """The file's type by its content, or None if it is not a PDF or Word document. Leaves it at the start."""
    file.seek(0)
    head = file.read(_HEAD_BYTES)
    file.seek(0)
    if head.startswith(PDF_SIGNATURE):
        return FileKind.PDF
    if head.startswith(OLE2_SIGNATURE):
        return FileKind.DOC
    if head.startswith(ZIP_SIGNATURE):
        try:
            # Reads only the zip's directory: nothing is unpacked, so a zip bomb stays shut.
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return None
        finally:
            file.seek(0)
        return FileKind.DOCX if names >= DOCX_PARTS else None
    return None


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def sanitise_file_name(name: str, kind: FileKind) -> str:
    """The name someone's file had, safe to keep and to offer back in a download: no folders, no control
    or unusual characters, no leading dots, at most ``FILE_NAME_MAX_LENGTH`` characters, ending in the
    extension of its real type."""
    base = re.split(r"[\\/]", name)[-1]
    base = unicodedata.normalize("NFKC", base)
    base = "".join(char for char in base if unicodedata.category(char)[0] not in {"C", "Z"} or char == " ")
    base = re.sub(r"[^\w .()+-]", "_", base)
    base = re.sub(r"\s+", " ", base).strip()
    stem = base[: len(base) - len(kind.extension)] if _extension(base) == kind.extension else base
    stem = stem.strip(" .") or "report"
    return stem[: FILE_NAME_MAX_LENGTH - len(kind.extension)].rstrip(" .") + kind.extension


def stored_name(kind: FileKind) -> str:
    """A random name for the file on disk: never the name the person gave (it may be a child's name)."""
    return f"{secrets.token_hex(16)}{kind.extension}"


def sha256_of(file: IO[bytes]) -> str:
    file.seek(0)
    digest = hashlib.sha256()
    while chunk := file.read(_CHUNK_BYTES):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def scanner() -> Scanner | None:
    """The virus scanner named by ``CPCONF_UPLOAD_SCANNER``, or None when none is set."""
    path: str | None = settings.CPCONF_UPLOAD_SCANNER or None
    if path is None:
        return None
    try:
        found = import_string(path)
    except ImportError as error:
        raise ImproperlyConfigured(
            f"CPCONF_UPLOAD_SCANNER is {path!r}, which cannot be imported: {error}"
        ) from error
    return cast("Scanner", found)


def scan(file: IO[bytes]) -> None:
    """Give the file to the scanner, if there is one; refuse it if the scanner finds something or fails."""
    check = scanner()
    if check is None:
        return
    file.seek(0)
    try:
        check(file)
    except VirusFound:
        raise ValidationError({"file": VIRUS_MESSAGE}, code="virus") from None
    except Exception:  # fail closed: a scanner that breaks lets no file through
        raise ValidationError({"file": SCAN_FAILED_MESSAGE}, code="scan_failed") from None
    finally:
        file.seek(0)


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the checks: its real type, size, hash and the safe form of its name."""

    file: UploadedFile[bytes]
    kind: FileKind
    size: int
    sha256: str
    file_name: str

    @property
    def content_type(self) -> str:
        return self.kind.content_type


def check_upload(upload: UploadedFile[bytes] | None) -> CheckedUpload:
    """Check an uploaded report (issue 3, item 8); raise ``ValidationError`` keyed by "file" otherwise.

    The scanner is not called here: the service calls ``scan`` after these checks, just before it keeps
    the file.
    """
    if upload is None:
        raise ValidationError({"file": SELECT_MESSAGE}, code="required")
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": EMPTY_MESSAGE}, code="empty")
    if size > max_upload_bytes():
        raise ValidationError({"file": too_large_message()}, code="too_large")
    file = cast("IO[bytes]", upload.file)
    kind = detect_kind(file)
    # The name must say what the content is: a PDF called report.pdf, not a PDF called report.doc, nor
    # anything at all called report.pdf.
    if kind is None or _extension(upload.name or "") != kind.extension:
        raise ValidationError({"file": TYPE_MESSAGE}, code="type")
    return CheckedUpload(
        file=upload,
        kind=kind,
        size=size,
        sha256=sha256_of(file),
        file_name=sanitise_file_name(upload.name or "", kind),
    )


class SizeLimitedUploadHandler(FileUploadHandler):
    """Keeps each uploaded file in a temporary file up to one byte past ``CPCONF_MAX_UPLOAD_BYTES``, and
    after that only counts its bytes: the file's ``size`` is still its real size, so the check says it is
    too large, but a huge upload fills no memory and no disk.

    Install it before the request's body is read (``request.upload_handlers``), which means in a view
    exempt from the CSRF middleware that checks the token itself (``csrf_protect``) afterwards.
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = max_upload_bytes()
        self.kept = 0
        self.temporary: TemporaryUploadedFile | None = None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.kept = 0
        self.temporary = TemporaryUploadedFile(
            self.file_name or "", self.content_type, 0, self.charset, self.content_type_extra
        )

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.temporary is None:
            return None
        room = self.limit + 1 - self.kept
        if room > 0:
            part = raw_data[:room]
            self.temporary.write(part)
            self.kept += len(part)
        return None  # nothing passes to another handler

    def file_complete(self, file_size: int) -> UploadedFile[bytes] | None:
        if self.temporary is None:
            return None
        self.temporary.seek(0)
        self.temporary.size = file_size  # the real size, counted by Django's parser, kept or not
        return self.temporary
