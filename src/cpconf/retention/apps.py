from __future__ import annotations

from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "cpconf.retention"
    label = "retention"
    verbose_name = "Retention and legal holds"
