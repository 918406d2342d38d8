"""Keeping the directory true from the command line.

    caremarket directory remind [--days N] [--dry-run]

Emails each organisation's editors about listings due for review within N days (default 28),
once per review period, and lists lapsed listings to each council's directory staff. Run it
weekly. The output counts listings, organisations and emails; it names no one.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caremarket.directory.reminders import DEFAULT_DAYS, remind


class Command(BaseCommand):
    help = "Remind organisations of listings due for review; list lapsed listings to staff."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["remind"])
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_DAYS,
            help=f"remind about reviews due within this many days (default {DEFAULT_DAYS})",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be sent, send nothing"
        )

    def handle(self, *args: Any, **options: Any) -> str:
        days = options["days"]
        if not 1 <= days <= 366:
            raise CommandError("--days must be between 1 and 366")
        return remind(days=days, dry_run=options["dry_run"]).summary()
