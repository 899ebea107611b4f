"""Where uploaded reports are kept: a folder outside the web root, never served as static or media files
(issue 3, item 8). Files are read back only through a permission-checked, logged view."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Files under ``CPCONF_UPLOAD_ROOT``, read from the settings at each use (so tests can move it), with
    no URL: nothing here is ever linked to directly."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:
        return str(settings.CPCONF_UPLOAD_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Uploaded files have no address: serve them through a permission-checked view.")


private_storage = PrivateStorage()
