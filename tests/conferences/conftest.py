"""Shared set-up for the conference tests: uploaded files go to a temporary folder, never the real one."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_django.fixtures import Settings


@pytest.fixture(autouse=True)
def upload_root(settings: Settings, tmp_path: Path) -> Path:
    """Uploaded reports are kept here for the test (CPCONF_UPLOAD_ROOT, read by the private storage at each use)."""
    root = tmp_path / "uploads"
    settings.CPCONF_UPLOAD_ROOT = root
    return root
