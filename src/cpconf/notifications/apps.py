from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cpconf.notifications"
    label = "notifications"
    verbose_name = "Email"

    def ready(self) -> None:
        from cpconf.notifications import checks  # noqa: F401  (registers the system check)
