from __future__ import annotations

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "cpconf.plans"
    label = "plans"
    verbose_name = "Plans"
