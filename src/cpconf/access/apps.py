from __future__ import annotations

from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "cpconf.access"
    label = "access"
    verbose_name = "Access and audit"
