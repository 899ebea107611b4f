"""`cpconf api_token`: tokens for service accounts, an authority's own systems (docs/api.md).

    cpconf api_token create --email ADDRESS [--days N]   make a token; it is printed once, never again
    cpconf api_token list [--email ADDRESS]              every token: who, made, expires, last used, state
    cpconf api_token revoke (--prefix PREFIX | --email ADDRESS)
                                                         revoke one token, or every token of an account

``create`` prints the token alone on standard output (so it can go straight into a secret store) and
what it is for on standard error. Exit status: 0 done, 1 refused (not a service account, no such
token), 2 bad arguments.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cpconf import clock
from cpconf.api import selectors, services
from cpconf.api.models import ApiToken
from cpconf.clock import time_in_words
from cpconf.people.models import User


class _OneLineParser(CommandParser):
    """Reports a bad argument in one line (and exit status 2), not a usage block."""

    def error(self, message: str) -> NoReturn:
        if self.called_from_command_line:
            self.exit(2, f"cpconf api_token: {message}\n")
        raise CommandError(message, returncode=2)


def state(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return f"revoked {time_in_words(token.revoked_at)}"
    if token.expires_at <= clock.now():
        return f"expired {time_in_words(token.expires_at)}"
    return f"in use until {time_in_words(token.expires_at)}"


class Command(BaseCommand):
    help = (
        "Make (create), list or revoke the API tokens of service accounts. A token is printed once, when "
        "it is made; only its hash is kept."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = _OneLineParser  # Django builds the parser; only its error reporting changes
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(
            dest="action", metavar="create|list|revoke", required=True, parser_class=_OneLineParser
        )
        create = actions.add_parser("create", help="make a token for a service account and print it once")
        create.add_argument("--email", required=True, help="the service account's email address")
        create.add_argument(
            "--days",
            type=int,
            default=services.DEFAULT_DAYS,
            help=f"how many days it lasts (1 to {services.MAX_DAYS}; {services.DEFAULT_DAYS} if not given)",
        )
        listing = actions.add_parser("list", help="list tokens (never the tokens themselves)")
        listing.add_argument("--email", help="only this account's tokens")
        revoke = actions.add_parser("revoke", help="revoke a token, or every token of an account")
        which = revoke.add_mutually_exclusive_group(required=True)
        which.add_argument("--prefix", help="the token's first characters, as the list shows them")
        which.add_argument("--email", help="revoke every token of this account")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options["email"], options["days"])
        elif action == "list":
            self._list(options["email"])
        else:
            self._revoke(options["prefix"], options["email"])

    def _refuse(self, message: str) -> NoReturn:
        raise CommandError(message, returncode=1)

    def _user(self, email: str) -> User:
        user = selectors.user_by_email(email)
        if user is None:
            self._refuse(f"No account has the email address {email}.")
        return user

    def _create(self, email: str, days: int) -> None:
        user = self._user(email)
        try:
            made = services.api_token_create(user=user, days=days, acting_user=None)
        except ValidationError as error:
            self._refuse(" ".join(error.messages))
        self.stderr.write(
            f"A token for {user.email}, {state(made.record)} (it shows as {made.record.prefix}… in the list). "
            "Keep it in the system's secret store now: it is not shown again."
        )
        self.stdout.write(made.token)

    def _list(self, email: str | None) -> None:
        tokens = list(selectors.api_tokens(user=self._user(email) if email else None))
        if not tokens:
            self.stdout.write("No tokens.")
            return
        for token in tokens:
            used = f"last used {time_in_words(token.last_used_at)}" if token.last_used_at else "never used"
            self.stdout.write(
                f"{token.prefix}…  {token.user.email}  made {time_in_words(token.created_at)}, {used}, "
                f"{state(token)}"
            )

    def _revoke(self, prefix: str | None, email: str | None) -> None:
        # argparse requires exactly one of the two.
        if prefix is not None:
            token = selectors.api_token_by_prefix(prefix.rstrip("…."))
            if token is None:
                self._refuse(f"No token starts {prefix}.")
            tokens = [token]
        else:
            tokens = [
                token
                for token in selectors.api_tokens(user=self._user(str(email)))
                if token.revoked_at is None
            ]
            if not tokens:
                self._refuse(f"{email} has no token to revoke.")
        for token in tokens:
            services.api_token_revoke(token=token, acting_user=None)
            self.stdout.write(f"Revoked {token.prefix}… of {token.user.email}.")
