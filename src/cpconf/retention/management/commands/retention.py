"""`cpconf retention`: what is past retention, and destroying it where the authority allows it.

    cpconf retention review [--authority SLUG]            what is past retention and held (changes nothing)
    cpconf retention destroy --confirm [--authority SLUG]  destroy it, where the authority turned destruction on

The output names no one: children and files are known by their public identifiers. Exit status: 0 done,
2 bad arguments (an unknown authority, ``destroy`` without ``--confirm``). docs/retention.md says how
authorities use it.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cpconf import clock
from cpconf.people.models import Authority
from cpconf.retention import selectors, services


class _OneLineParser(CommandParser):
    """Reports a bad argument in one line (and exit status 2), not a usage block."""

    def error(self, message: str) -> NoReturn:
        if self.called_from_command_line:
            self.exit(2, f"cpconf retention: {message}\n")
        raise CommandError(message, returncode=2)


def _ids(children: list[selectors.ChildRetention]) -> str:
    return ", ".join(
        str(child.public_id) for child in sorted(children, key=lambda child: str(child.public_id))
    )


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


class Command(BaseCommand):
    help = (
        "Review what is past each authority's retention periods and under legal hold (review), or destroy "
        "it where the authority has turned destruction on (destroy --confirm)."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = _OneLineParser
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(
            dest="action", metavar="review|destroy", required=True, parser_class=_OneLineParser
        )
        review = actions.add_parser("review", help="list what is past retention and held; changes nothing")
        destroy = actions.add_parser("destroy", help="destroy what is past retention, where allowed")
        for each in (review, destroy):
            each.add_argument(
                "--authority", metavar="SLUG", help="only this authority (its short name); all by default"
            )
        destroy.add_argument("--confirm", action="store_true", help="required: destruction cannot be undone")

    def _refuse(self, message: str) -> NoReturn:
        raise CommandError(message, returncode=2)

    def _authorities(self, slug: str | None) -> list[Authority]:
        if slug is None:
            return list(Authority.objects.order_by("name"))
        authority = Authority.objects.filter(slug=slug.strip()).first()
        if authority is None:
            known = ", ".join(Authority.objects.order_by("slug").values_list("slug", flat=True)) or "none"
            self._refuse(f"there is no authority with the short name {slug!r} (known: {known}).")
        return [authority]

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "destroy" and not options["confirm"]:
            self._refuse(
                "destroy needs --confirm: destruction cannot be undone. Run `cpconf retention review` first."
            )
        authorities = self._authorities(options["authority"])
        unused = selectors.unused_files()
        reviews = []
        for authority in authorities:
            if options["action"] == "review":
                reviews.append(self._review(authority, unused))
            else:
                self._destroy(authority, unused)
        if options["action"] == "review":
            unattributed = unused - selectors.attributed_files(reviews)
            if options["authority"] is None and unattributed:
                self.stdout.write(
                    f"Report files in storage that no report uses and no audit entry ties to a report: "
                    f"{len(unattributed)}. They are never destroyed automatically: check them by hand."
                )

    def _review(self, authority: Authority, unused: set[str]) -> selectors.Review:
        review = selectors.review(authority, unused=unused)
        write = self.stdout.write
        write(
            f"Retention review of {authority.name} ({authority.slug}) on {clock.date_in_words(review.today)}"
        )
        write(f"  Policy: {review.periods.in_words()}.")
        destroyable = review.destroyable_groups
        would_go = [review.children[pk] for group in destroyable for pk in group.child_pks]
        conferences = sum(len(group.conference_pks) for group in destroyable)
        files = sum(
            len(review.report_files.get(pk, [])) for group in destroyable for pk in group.conference_pks
        )
        write(f"  Children on record: {len(review.children)}")
        write(f"  Past retention: {len(review.past)}")
        write(f"  Past retention but under a legal hold: {len(review.held_past)}")
        write(
            f"  Past retention but kept with a linked child not yet past retention or held: "
            f"{len(review.kept_with_linked)}"
        )
        write(
            f"  Destruction would remove: {_count(len(would_go), "child's record", "children's records")}, "
            f"{_count(conferences, 'conference', 'conferences')} (with their reports, invitations, exclusions "
            f"and decisions), {_count(files, 'report file', 'report files')}"
        )
        replaced = review.replaced_files_destroyable
        write(
            f"  Replaced report files: {len(review.replaced_files)} in storage, {len(replaced)} past retention"
        )
        if review.authority_hold_ids:
            write(
                "  Legal hold on every record of the authority: "
                + ", ".join(str(public_id) for public_id in review.authority_hold_ids)
            )
        if review.child_hold_ids:
            write(f"  Legal holds on children: {len(review.child_hold_ids)}")
        if would_go:
            write(f"  Children past retention that would be destroyed: {_ids(would_go)}")
        if review.held_past:
            write(f"  Children past retention and held: {_ids(review.held_past)}")
        if review.kept_with_linked:
            write(f"  Children past retention kept with linked records: {_ids(review.kept_with_linked)}")
        if not review.periods.destruction_enabled:
            write(
                "  Nothing will be destroyed: destruction is off for this authority (the default). An authority "
                "administrator turns it on under Retention policies, with who approved it."
            )
        elif review.authority_held:
            write("  Nothing will be destroyed: a legal hold covers every record of the authority.")
        else:
            write("  Destruction is on: `cpconf retention destroy --confirm` would destroy what is listed.")
        return review

    def _destroy(self, authority: Authority, unused: set[str]) -> None:
        outcome = services.destroy(authority, unused=unused)
        write = self.stdout.write
        if outcome.refused:
            write(f"{authority.name} ({authority.slug}): nothing destroyed: {outcome.refused}.")
            return
        if not outcome.destroyed:
            write(f"{authority.name} ({authority.slug}): nothing is past retention and free to destroy.")
        else:
            write(f"{authority.name} ({authority.slug}): destroyed")
            for kind, number in sorted(outcome.destroyed.items()):
                write(f"  {kind}: {number}")
            write(f"  files removed from storage: {outcome.files_removed}")
        for public_ids, reason in outcome.kept:
            write(f"  kept ({reason}): " + ", ".join(str(public_id) for public_id in public_ids))
        for name in outcome.files_not_removed:
            self.stderr.write(f"  a stored file could not be removed: {name}")
