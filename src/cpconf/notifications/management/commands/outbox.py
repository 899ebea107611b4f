"""`cpconf outbox`: how the email outbox stands, and recovering it (docs/email.md).

It prints no subject or body: they may be about a child.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count

from cpconf import clock
from cpconf.notifications.models import OutboxMessage, OutboxStatus
from cpconf.notifications.services import STALE_AFTER, outbox_requeue_stale, outbox_retry_failed, outbox_stale


class Command(BaseCommand):
    help = "Show the email outbox: how many messages wait, were sent or failed, and which failed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--requeue",
            action="store_true",
            help="Queue again messages whose attempt is more than 15 minutes overdue (lost when a worker stopped).",
        )
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="Give failed messages a fresh set of attempts, once the cause has been put right.",
        )

    def handle(self, *args: Any, requeue: bool, retry_failed: bool, **options: Any) -> None:
        if requeue:
            self.stdout.write(f"Queued again: {outbox_requeue_stale()}.")
        if retry_failed:
            self.stdout.write(f"Failed messages queued for a fresh set of attempts: {outbox_retry_failed()}.")
        counts = dict(OutboxMessage.objects.values_list("status").annotate(count=Count("pk")).order_by())
        for status in OutboxStatus:
            self.stdout.write(f"{status.label}: {counts.get(status.value, 0)}")
        overdue = outbox_stale(overdue=clock.now() - STALE_AFTER).count()
        if overdue:
            self.stdout.write(f"Overdue (their task may have been lost; run with --requeue): {overdue}")
        failed = OutboxMessage.objects.filter(status=OutboxStatus.FAILED).order_by("created_at")
        for message in failed:
            self.stdout.write(
                f"Failed: {message.public_id} to {message.recipient}, queued {message.created_at:%Y-%m-%d %H:%M} UTC, "
                f"{message.attempts} attempts; last error: {message.last_error}"
            )
