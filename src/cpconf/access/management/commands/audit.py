"""`cpconf audit`: check the access log and the audit history, and record their heads outside the database.

    cpconf audit verify [--checkpoint FILE]   recompute both chains; name the first broken entry
    cpconf audit checkpoint --write FILE      write the signed heads of both chains to FILE

Exit status: 0 intact (or checkpoint written), 1 a chain is broken, 2 bad arguments or a checkpoint
that cannot be read or is not genuine. docs/audit.md says how operators use them.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cpconf.access import chain


class _OneLineParser(CommandParser):
    """Reports a bad argument in one line (and exit status 2), not a usage block."""

    def error(self, message: str) -> NoReturn:
        if self.called_from_command_line:
            self.exit(2, f"cpconf audit: {message}\n")
        raise CommandError(message, returncode=2)


class Command(BaseCommand):
    help = (
        "Check the tamper-evident access log and audit history (verify), or write a signed checkpoint of "
        "their heads to a file kept outside the database (checkpoint --write FILE)."
    )
    # Verifying reads every entry; the system checks add nothing to that.
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = _OneLineParser  # Django builds the parser; only its error reporting changes
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(
            dest="action", metavar="verify|checkpoint", required=True, parser_class=_OneLineParser
        )
        verify = actions.add_parser("verify", help="recompute both chains and name the first broken entry")
        verify.add_argument(
            "--checkpoint",
            metavar="FILE",
            help="a checkpoint written earlier: also detect entries deleted from the end since then",
        )
        checkpoint = actions.add_parser("checkpoint", help="write the signed heads of both chains to a file")
        checkpoint.add_argument(
            "--write", metavar="FILE", required=True, help="where to write the checkpoint"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            self._verify(options["checkpoint"])
        else:
            self._checkpoint(options["write"])

    def _refuse(self, message: str) -> NoReturn:
        self.stderr.write(f"cpconf audit: {message}")
        raise SystemExit(2)

    def _read_checkpoint(self, path: str) -> tuple[str, dict[str, chain.Head]]:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            self._refuse(f"cannot read the checkpoint {path}: {getattr(error, 'strerror', None) or error}.")
        try:
            return chain.checkpoint_read(text)
        except chain.CheckpointError as error:
            self._refuse(f"the checkpoint {path} is refused: {error}")

    def _verify_all(self, checkpoint: dict[str, chain.Head]) -> bool:
        intact = True
        for name in chain.CHAINS:
            report = chain.verify_chain(name, checkpoint=checkpoint.get(name))
            if report.intact:
                self.stdout.write(report.summary())
            else:
                intact = False
                self.stderr.write(report.summary())
        return intact

    def _verify(self, checkpoint_path: str | None) -> None:
        written_at, heads = self._read_checkpoint(checkpoint_path) if checkpoint_path else ("", {})
        if not self._verify_all(heads):
            raise SystemExit(1)
        if checkpoint_path:
            held = ", ".join(
                f"{chain.CHAIN_TITLES[name]} #{heads[name].sequence}"
                for name in chain.CHAINS
                if name in heads
            )
            self.stdout.write(f"Checkpoint of {written_at} still holds: {held}.")

    def _checkpoint(self, path: str) -> None:
        # A checkpoint of a chain already broken would vouch for the damage: verify first.
        if not self._verify_all({}):
            self.stderr.write("cpconf audit: no checkpoint written, because a chain is broken.")
            raise SystemExit(1)
        document = chain.checkpoint_document(chain.current_heads())
        target = Path(path)
        try:
            # Write beside the target, then rename: a reader never sees half a checkpoint.
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".checkpoint-", suffix=".tmp")
        except OSError as error:
            self._refuse(f"cannot write the checkpoint {path}: {error.strerror or error}.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(document, stream, indent=2, sort_keys=True)
                stream.write("\n")
            Path(temporary).replace(target)
        except OSError as error:
            Path(temporary).unlink(missing_ok=True)
            self._refuse(f"cannot write the checkpoint {path}: {error.strerror or error}.")
        held = ", ".join(
            f"{chain.CHAIN_TITLES[name]} #{value['sequence']}" for name, value in document["chains"].items()
        )
        self.stdout.write(f"Checkpoint written to {path}: {held}.")
