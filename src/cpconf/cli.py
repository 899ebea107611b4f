"""The `cpconf` command.

`cpconf due` and `cpconf policies` check an authority's statutory timescales without touching the
database (they are pure `cpconf.timescales`). Every other sub-command is Django's management command
(`cpconf migrate`, `cpconf check --deploy`, `cpconf createsuperuser`, `cpconf demo`), so an
administrator needs no `manage.py`.
"""

from __future__ import annotations

import os
import sys

# Sub-commands that never need Django settings, a database or a secret key.
PURE_COMMANDS = {"due", "policies"}


OVERVIEW = """\
cpconf: child protection conferences.

Checking an authority's timescales (no database needed):
  cpconf policies                       list the policy profiles and their source documents
  cpconf due --policy NAME --event EVENT --at DATE
  cpconf due --policy NAME --before initial-conference|review-conference --at DATE

Running the service (Django's commands, for example):
  cpconf migrate          create or update the database
  cpconf demo             load the fictional Northbridge demo data
  cpconf createsuperuser  add an administrator
  cpconf check --deploy   check production settings
  cpconf db_worker        run background work (it sends the email)
  cpconf outbox           see the email waiting, sent and failed (--requeue, --retry-failed)
  cpconf audit verify     prove the access log and audit history have not been changed
  cpconf retention review               what is past each authority's retention periods, and held
  cpconf retention destroy --confirm    destroy it, where the authority turned destruction on (docs/retention.md)
  cpconf api_token create --email ADDRESS   a service account's token for the JSON API (docs/api.md)
"""


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(list(sys.argv if argv is None else argv))
    except BrokenPipeError:
        # The reader went away (`cpconf demo | head`): stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _main(argv: list[str]) -> int:
    if len(argv) > 1 and argv[1] in PURE_COMMANDS:
        from cpconf.timescales.command import run

        return run(argv[1:], stdout=sys.stdout, stderr=sys.stderr)

    if len(argv) == 1 or (len(argv) == 2 and argv[1] in {"help", "--help", "-h"}):
        print(OVERVIEW)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpconf.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.conf import settings
        from django.core.management import execute_from_command_line

        settings.INSTALLED_APPS  # noqa: B018  (load the settings now, so that their errors are reported here)

        argv[0] = "cpconf"
        execute_from_command_line(argv)
    except ImproperlyConfigured as error:
        # A configuration mistake is the administrator's to fix: say what, without a traceback.
        print(f"cpconf: configuration error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
