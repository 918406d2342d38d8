"""Keeping the directory true from the command line.

    caremarket directory remind [--days N] [--dry-run]
    caremarket directory forget-reporters [--days N] [--dry-run]

`remind` emails each organisation's editors about listings due for review within N days
(default 28), once per review period, and lists lapsed listings to each council's directory
staff. `forget-reporters` blanks the email address on public reports resolved more than N days
ago (default 90): it was given only for a reply. Run both weekly. The output counts; it names
no one.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caremarket.directory.editorial import REPORTER_EMAIL_DAYS, forget_reporters
from caremarket.directory.reminders import DEFAULT_DAYS, remind


class Command(BaseCommand):
    help = "Remind organisations of listings due for review; list lapsed listings to staff."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["remind", "forget-reporters"])
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"remind: reviews due within this many days (default {DEFAULT_DAYS}); "
            f"forget-reporters: resolved more than this many days ago "
            f"(default {REPORTER_EMAIL_DAYS})",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be sent, send nothing"
        )

    def handle(self, *args: Any, **options: Any) -> str:
        forgetting = options["action"] == "forget-reporters"
        days = options["days"]
        if days is None:
            days = REPORTER_EMAIL_DAYS if forgetting else DEFAULT_DAYS
        if not 1 <= days <= 3660:
            raise CommandError("--days must be between 1 and 3660")
        if forgetting:
            count = forget_reporters(days, dry_run=options["dry_run"])
            verb = "would blank" if options["dry_run"] else "blanked"
            return f"{verb} the reporter's email on {count} report(s) resolved over {days} days ago"
        return remind(days=days, dry_run=options["dry_run"]).summary()
