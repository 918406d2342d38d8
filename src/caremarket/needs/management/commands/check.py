"""Check the councils' figures for totals, percentages, subsets and age bands that disagree.

    caremarket check                  # every council
    caremarket check --council E06000021

Prints one line per finding (or `no findings`) and exits 0: findings are for people to read,
not failures. Nothing is corrected.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caremarket.needs.checks import findings_for_council
from caremarket.places.models import LocalAuthority


class Command(BaseCommand):
    help = "Check council figures for totals, percentages and bands that do not add up."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--council", help="ONS code of one council")

    def handle(self, *args: Any, **options: Any) -> None:
        councils = LocalAuthority.objects.all()
        if options["council"]:
            councils = councils.filter(code=options["council"].strip())
            if not councils.exists():
                raise CommandError(f"unknown council {options['council']!r} (give its ONS code)")
        count = 0
        for council in councils:
            for finding in findings_for_council(council):
                self.stdout.write(f"{council.code} {council.name}: {finding}")
                count += 1
        if not count:
            self.stdout.write("no findings")
