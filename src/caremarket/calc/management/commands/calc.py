"""Run a calculator on JSON from a file or standard input, printing JSON.

    caremarket calc sufficiency input.json
    echo '{"financial_year": "2025/26", …}' | caremarket calc charge

Exit 0 with the result on stdout; exit 2 with one line per problem on stderr (nothing on stdout).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from caremarket.calc.calculators import CALCULATORS, CalculatorInputError, parse_json, to_json


class Command(BaseCommand):
    help = "Run a calculator on JSON: " + ", ".join(CALCULATORS)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("calculator", choices=sorted(CALCULATORS))
        parser.add_argument("file", nargs="?", help="JSON input (standard input when omitted)")

    def handle(self, *args: Any, **options: Any) -> None:
        calculator = CALCULATORS[options["calculator"]]
        try:
            if options["file"]:
                path = Path(options["file"])
                if not path.is_file():
                    raise CalculatorInputError([f"$: no such file: {path}"])
                raw: str | bytes = path.read_bytes()
            else:
                raw = sys.stdin.buffer.read()
            result = calculator.run(parse_json(raw))
        except CalculatorInputError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            sys.exit(2)
        self.stdout.write(to_json(result))
