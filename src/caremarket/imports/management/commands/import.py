"""Import a data file in one of the supported formats.

    caremarket import ons-snpp examples/data/ons/snpp2022_….csv
    caremarket import figures my-figures.csv --dry-run
    caremarket import cqc-directory CQC_directory.csv --council E06000021 --skip-bad-rows

The whole file is validated first; without --skip-bad-rows nothing is written if a row is bad.
Exit status: 0 written (or dry run clean), 1 refused or bad rows.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caremarket.imports.framework import ImportRefused, run_import
from caremarket.imports.importers.registry import IMPORTERS
from caremarket.places.models import LocalAuthority


class Command(BaseCommand):
    help = "Import a data file: " + ", ".join(sorted(IMPORTERS))

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("format", help="one of: " + ", ".join(sorted(IMPORTERS)))
        parser.add_argument("file", type=Path)
        parser.add_argument("--council", help="ONS code of the council, where the file has none")
        parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
        parser.add_argument(
            "--skip-bad-rows", action="store_true", help="write the good rows, report the bad"
        )
        parser.add_argument(
            "--header",
            type=Path,
            help="codepoint-open: OS's column header file, when it is not beside the file",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        importer = IMPORTERS.get(options["format"])
        if importer is None:
            raise CommandError(
                f"unknown format {options['format']!r}; choose one of "
                + ", ".join(sorted(IMPORTERS))
            )
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        council = None
        if options["council"]:
            council = LocalAuthority.objects.for_code(options["council"])
            if council is None:
                raise CommandError(f"unknown council {options['council']!r} (give its ONS code)")
        progress = None
        bar = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(unit=" rows", desc="validating", file=sys.stderr)

            def progress(n: int) -> None:
                bar.update(1)

        try:
            report = run_import(
                importer,
                path,
                council=council,
                dry_run=options["dry_run"],
                skip_bad_rows=options["skip_bad_rows"],
                progress=progress,
                options={"header": options["header"]} if options["header"] else None,
            )
        except ImportRefused as error:
            raise CommandError(f"{path.name} refused: {error}") from None
        finally:
            if bar is not None:
                bar.close()
        for error in report.errors:
            self.stderr.write(f"{path.name}: {error}")
        if report.error_count > len(report.errors):
            self.stderr.write(f"… and {report.error_count - len(report.errors)} more bad rows")
        for warning in report.warnings:
            self.stdout.write(f"warning: {warning}")
        self.stdout.write(report.summary())
        if report.error_count and not report.written and not report.dry_run:
            raise CommandError("nothing was written because of the bad rows above")
