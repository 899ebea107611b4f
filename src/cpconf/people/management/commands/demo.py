"""`cpconf demo`: load the fictional Northbridge demo data once, then print the demo sign-ins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cpconf.people import demo_data


class Command(BaseCommand):
    help = (
        "Create the fictional demo authority Northbridge, with its agencies, professionals, children and "
        "families, unless it already exists; then print the demo sign-ins and their shared password."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEMO or settings.DEBUG):
            # Every demo sign-in shares a published password: it must never reach a live system.
            raise CommandError(
                "The demo data signs people in with a published password, so it is only loaded when "
                "CPCONF_DEMO=1 is set. Never load it into a live system."
            )
        try:
            created = demo_data.demo_load()
        except ValidationError as error:
            # The demo data is validated like anything typed in; say which rule refused it.
            raise CommandError(f"The demo data could not be loaded: {'; '.join(error.messages)}") from None
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demo data created: {demo_data.AUTHORITY_NAME}."))
        else:
            self.stdout.write(
                f"The demo data already exists ({demo_data.AUTHORITY_NAME}): nothing was changed."
            )
        self.stdout.write(demo_data.demo_summary())
        self.stdout.write("")
        self.stdout.write(f"Demo sign-ins. Every one uses the password: {demo_data.DEMO_PASSWORD}")
        self.stdout.write("")
        sign_ins = demo_data.demo_sign_ins()
        rows = [("Email", "Name", "Roles"), *((s.email, s.name, s.roles) for s in sign_ins)]
        email_width = max(len(row[0]) for row in rows)
        name_width = max(len(row[1]) for row in rows)
        for index, (email, name, roles) in enumerate(rows):
            self.stdout.write(f"  {email:<{email_width}}  {name:<{name_width}}  {roles}".rstrip())
            if index == 0:
                self.stdout.write(f"  {'-' * email_width}  {'-' * name_width}  {'-' * 5}")
        self.stdout.write("")
        self.stdout.write(
            "Start the server (`make demo` does) and sign in at http://127.0.0.1:8000/ "
            "(or the port you chose); the administration is at http://127.0.0.1:8000/admin/."
        )
        self.stdout.write("The demo data is fictional. Never load it into a live system.")
