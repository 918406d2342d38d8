"""Client Level Data housekeeping.

    caremarket outcomes purge [--dry-run]

`purge` deletes each council's CLD submissions (and their events) whose reporting period
ended longer ago than the council keeps them (`OutcomesSettings`, default 48 months; run it
nightly). The output counts; it names no one.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from caremarket.outcomes.housekeeping import purge


class Command(BaseCommand):
    help = "Delete Client Level Data past each council's retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["purge"])
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be deleted, delete nothing"
        )

    def handle(self, *args: Any, **options: Any) -> str:
        subs, events = purge(dry_run=options["dry_run"])
        verb = "would delete" if options["dry_run"] else "deleted"
        return f"{verb} {subs} Client Level Data submission(s) ({events} event(s)) past retention"
