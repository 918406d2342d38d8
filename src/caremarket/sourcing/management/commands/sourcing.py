"""Brokerage from the command line.

    caremarket sourcing unsourced [--days N] [--dry-run]

`unsourced` emails each council's brokers (practitioners and council admins with an email
address) the open requests waiting more than N days since referral (default 14, as the
time-to-source report), each request once: run it daily. The output counts; it names no one.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caremarket.sourcing import notify
from caremarket.sourcing.views import UNSOURCED_DAYS


class Command(BaseCommand):
    help = "Email each council's brokers the care requests still unsourced after N days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["unsourced"])
        parser.add_argument(
            "--days",
            default=str(UNSOURCED_DAYS),
            help=f"days since referral (default {UNSOURCED_DAYS})",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be sent, send nothing"
        )

    def handle(self, *args: Any, **options: Any) -> str:
        days = str(options["days"]).strip()
        if not days.isdigit() or int(days) > 3650:
            raise CommandError("--days must be a whole number from 0 to 3650")
        return notify.unsourced(int(days), dry_run=options["dry_run"]).summary()
