"""Print a council's ASCOF measures from its Client Level Data as JSON.

    caremarket ascof --council E06000021 --year 2024/25

Exit 0 with the JSON on stdout; exit 2 with one line per problem on stderr (nothing on stdout).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from caremarket.outcomes.service import AscofInputError, ascof


class Command(BaseCommand):
    help = "ASCOF 2A, 2B, 2C, 2E and 3D from the council's Client Level Data, as JSON"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--council", help="the council's ONS code, e.g. E06000021")
        parser.add_argument("--year", help="the reporting year, e.g. 2024/25")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = ascof(options["council"], options["year"])
        except AscofInputError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            sys.exit(2)
        self.stdout.write(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
