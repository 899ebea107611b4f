"""A start-up check that the outbox's promise holds: the task that sends a message is written in the same
transaction as the message, which needs the database task backend (libraries note 2.2). With another
backend an email could go for a change that was then rolled back, or never go for one that was kept."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"


@register()
def check_outbox_task_backend(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    backend = settings.TASKS.get("default", {}).get("BACKEND")
    if backend == DATABASE_BACKEND:
        return []
    return [
        Error(
            f"The default task backend is {backend!r}, but the email outbox needs {DATABASE_BACKEND!r}.",
            hint="Queued emails must commit or roll back with the change that caused them (docs/email.md).",
            id="notifications.E001",
        )
    ]
