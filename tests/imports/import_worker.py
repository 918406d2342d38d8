"""An import run in its own process against a SQLite file, for tests/imports/test_sharing.py.

`python -m tests.imports.import_worker MODE FILE`, with CAREMARKET_SQLITE_PATH set. MODE:
`slow` writes one postcode per batch and waits 0.2 s after each (so the write phase lasts
seconds, like a large file's); `fail` does the same and fails after the 12th row; `fast`
imports at full speed. Each batch prints "wrote N" as it is written.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caremarket.settings")

import django

django.setup()

from caremarket.imports.framework import Parsed, run_import  # noqa: E402
from caremarket.imports.importers.onspd import OnspdImporter  # noqa: E402
from caremarket.imports.models import ImportRun  # noqa: E402


class SlowOnspd(OnspdImporter):
    batch_size = 1
    fail_after: int | None = None
    written = 0

    def write_batch(self, rows: list[Parsed], run: ImportRun) -> int:
        changed = super().write_batch(rows, run)
        type(self).written += len(rows)
        print(f"wrote {self.written}", flush=True)
        if self.fail_after is not None and self.written >= self.fail_after:
            raise RuntimeError("the import failed half way")
        time.sleep(0.2)
        return changed


class FailingOnspd(SlowOnspd):
    fail_after = 12


def main(mode: str, path: Path) -> None:
    importer = {"slow": SlowOnspd, "fail": FailingOnspd, "fast": OnspdImporter}[mode]
    report = run_import(importer, path)
    print(report.summary(), *report.warnings, sep="\n", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
