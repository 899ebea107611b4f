from __future__ import annotations

from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    name = "cpconf.conferences"
    label = "conferences"
    verbose_name = "Conferences"
