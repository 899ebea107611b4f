"""The access log and the audit history."""

from __future__ import annotations
