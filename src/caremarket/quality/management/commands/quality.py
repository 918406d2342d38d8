"""The quality register from the command line.

    caremarket quality overdue [--dry-run]
    caremarket quality downgrades [--dry-run]
    caremarket quality purge [--dry-run]

`overdue` emails each council's quality team the concerns that became overdue since the last
run (references only; run it every 15 minutes to hourly). `downgrades` emails each council's
quality team the CQC rating downgrades the register imports have seen, once each (run it after
imports, or hourly). `purge` erases the details of
concerns closed longer ago than the council keeps them (run nightly). The output counts; it
names no one.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from caremarket.quality.housekeeping import downgrades, overdue, purge


class Command(BaseCommand):
    help = (
        "Email overdue concerns and CQC downgrades to each council's quality team; "
        "erase expired concern details."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["overdue", "downgrades", "purge"])
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be done, do nothing"
        )

    def handle(self, *args: Any, **options: Any) -> str:
        if options["action"] == "purge":
            count = purge(dry_run=options["dry_run"])
            verb = "would erase" if options["dry_run"] else "erased"
            return f"{verb} the details of {count} concern(s) past their retention period"
        if options["action"] == "downgrades":
            return downgrades(dry_run=options["dry_run"]).summary()
        return overdue(dry_run=options["dry_run"]).summary()
