"""Check the councils' figures: what a careful analyst would query (caremarket.rules.consistency).

    caremarket check                  # every council
    caremarket check --council E06000021

Prints one line per finding (or `no findings`) and exits 0: findings are for people to read,
not failures. A finding staff have explained (figure checks page) ends with the explanation,
who gave it and when. Nothing is corrected.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caremarket.needs.checks import council_findings
from caremarket.places.models import LocalAuthority


class Command(BaseCommand):
    help = "Check council figures for what does not add up, judged at their printed precision."

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
            for item in council_findings(council):
                line = f"{council.code} {council.name}: {item.finding}"
                if item.explained is not None:
                    line += (
                        f" Explained by {item.explained.explained_by_name} on "
                        f"{item.explained.explained_at:%d %B %Y}: {item.explained.explanation}"
                    )
                self.stdout.write(line)
                count += 1
        if not count:
            self.stdout.write("no findings")
