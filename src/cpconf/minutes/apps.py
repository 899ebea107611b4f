from __future__ import annotations

from django.apps import AppConfig


class MinutesConfig(AppConfig):
    name = "cpconf.minutes"
    label = "minutes"
    verbose_name = "Minutes"
