"""Where uploaded reports are kept: a folder outside the web root, never served as static or media files
(issue 3, item 8). Files are read back only through a permission-checked, logged view."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Files under ``CPCONF_UPLOAD_ROOT``, read from the settings at each use (so tests can move it), with
    no URL: nothing here is ever linked to directly. Files and folders are readable by the service's own
    account only (0600 and 0700), not by every account on the server."""

    def __init__(self) -> None:
        super().__init__(base_url=None, file_permissions_mode=0o600, directory_permissions_mode=0o700)

    @property
    def base_location(self) -> str:
        return str(settings.CPCONF_UPLOAD_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Uploaded files have no address: serve them through a permission-checked view.")


private_storage = PrivateStorage()
