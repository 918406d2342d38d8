"""Housekeeping for residents' answers and referrals.

    caremarket assessments purge [--dry-run]   delete what is past its retention period
    caremarket assessments rotate-key          re-encrypt everything with the newest key

Run `purge` daily (cron or a systemd timer). See README, "Personal data".
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from caremarket.assessments.retention import purge, rotate_keys


class Command(BaseCommand):
    help = "Delete self-assessments and referrals past retention (purge), or rotate-key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["purge", "rotate-key"])
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be deleted, delete nothing"
        )

    def handle(self, *args: Any, **options: Any) -> str:
        if options["action"] == "rotate-key":
            count = rotate_keys()
            return f"re-encrypted {count} rows with the newest key"
        report = purge(dry_run=options["dry_run"])
        prefix = "would have " if options["dry_run"] else ""
        return prefix + report.summary()
