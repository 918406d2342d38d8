"""One import framework: read a file twice (validate everything, then write it all or nothing).

An importer reads a file as a stream of `Parsed` rows and `RowError`s. `run_import` makes a
first pass that only validates, so memory stays flat however big the file is; if any row is bad
and bad rows are not to be skipped, nothing is written. The second pass writes every good row,
keyed on natural keys, so re-importing the same file changes nothing. On PostgreSQL it writes in
one transaction; on SQLite in short transactions with an undo journal (`sharing`), so web
requests keep writing while a large file imports and a failed import still leaves nothing.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import pickle
import tempfile
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, ClassVar

from django.db import transaction

from caremarket.accounts.audit import record
from caremarket.accounts.models import User
from caremarket.imports.models import ImportRun
from caremarket.imports.sharing import ImportBusy, Pace, SlicedWrites, sliced_writes_apply
from caremarket.places.models import LocalAuthority

MAX_REPORTED_ERRORS = 1000


class ImportRefused(Exception):
    """The file as a whole cannot be read (encoding, missing column, wrong format)."""


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Parsed:
    line: int
    values: dict[str, Any]


@dataclass
class ImportReport:
    format: str
    file_name: str
    rows_read: int = 0
    rows_written: int = 0
    rows_unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    warnings: list[str] = field(default_factory=list)
    written: bool = False
    dry_run: bool = False
    run: ImportRun | None = None

    def summary(self) -> str:
        if self.dry_run:
            verdict = "dry run, nothing written"
        elif self.written:
            verdict = f"{self.rows_written} written, {self.rows_unchanged} unchanged"
        else:
            verdict = "nothing written"
        bad = f", {self.error_count} bad row(s)" if self.error_count else ""
        return f"{self.format} {self.file_name}: {self.rows_read} row(s) read{bad}; {verdict}"


@dataclass
class Context:
    """What an importer knows besides the file: the council named on the command line."""

    council: LocalAuthority | None
    user: User | None
    councils_by_code: dict[str, LocalAuthority] = field(default_factory=dict)
    #: Uploads from a council's page may only touch that council: any other is "unknown".
    only_council: bool = False
    #: Options a format takes on the command line (Code-Point Open's `--header`).
    options: dict[str, Any] = field(default_factory=dict)
    #: Called between steps of a long `finish` (where no query's rows are still being read):
    #: on SQLite it lets waiting web requests write (see `sharing`); elsewhere it does nothing.
    checkpoint: Callable[[], None] = field(default=lambda: None, repr=False, compare=False)
    #: A new `Pace` for the chunks of a long `finish`: chunks sized to fit the slices between
    #: checkpoints on SQLite, the caller's largest everywhere else.
    pace: Callable[[], Pace] = field(default=lambda: Pace(None), repr=False, compare=False)

    def council_for(self, code: str) -> LocalAuthority | None:
        if self.only_council:
            return self.council if self.council and code.strip() == self.council.code else None
        if not self.councils_by_code:
            self.councils_by_code = LocalAuthority.objects.by_code()
        return self.councils_by_code.get(code.strip().upper())


class Importer(ABC):
    """One source format. Subclasses say how to read rows and how to write one."""

    format: ClassVar[str]
    publisher: ClassVar[str]
    dataset: ClassVar[str]
    description: ClassVar[str] = ""
    needs_council: ClassVar[bool] = False
    #: Rows handed to `write_batch` at a time; large formats override `write_batch` to use
    #: bulk queries (one lookup per batch rather than one per row).
    batch_size: ClassVar[int] = 500
    #: Keep the first pass's parsed rows (in a temporary file, `KeptRows`) and write those,
    #: rather than reading and checking the file a second time: for a large register whose
    #: rows cost far more to parse than to read back. `read` then runs once per import.
    keeps_rows: ClassVar[bool] = False

    def __init__(self, context: Context) -> None:
        self.context = context

    @abstractmethod
    def read(self, path: Path) -> Iterator[Parsed | RowError]:
        """Yield each row parsed and validated, or the reason it is bad."""

    def write(self, row: Parsed, run: ImportRun) -> bool:
        """Store one validated row; return True if anything changed."""
        raise NotImplementedError(f"{type(self).__name__} must define write or write_batch")

    def write_batch(self, rows: list[Parsed], run: ImportRun) -> int:
        """Store a batch of validated rows; return how many changed. Defaults to `write`."""
        return sum(1 for row in rows if self.write(row, run))

    def edition(self, path: Path) -> str:
        return ""

    def finish(self, run: ImportRun) -> list[str]:
        """After all rows are written (all or nothing with them): return warnings, e.g.
        checks. A long one calls `self.context.checkpoint()` between its steps."""
        return []


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def open_text(path: Path) -> io.TextIOWrapper:
    """Open a text file as UTF-8 (a BOM is fine); refuse any other encoding with a clear line."""
    with path.open("rb") as probe:
        head = probe.read(1 << 16)
    if not head.strip():
        raise ImportRefused("the file is empty")
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        with path.open("rb") as handle:
            offset = 0
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                decoder.decode(chunk)
                offset += len(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise ImportRefused(
            f"the file is not UTF-8 text (byte 0x{error.object[error.start]:02x} near byte "
            f"{offset + error.start}); save it as 'CSV UTF-8' and import it again"
        ) from None
    return path.open(encoding="utf-8-sig", newline="")


def csv_rows(
    handle: io.TextIOWrapper,
    required: Iterable[str],
    *,
    skip_lines: int = 0,
    header_normaliser: Callable[[str], str] = lambda h: h.strip(),
    header: list[str] | None = None,
) -> Iterator[tuple[int, dict[str, str]] | RowError]:
    """Yield (line number, row by column name) from a CSV; columns matched by name.

    `header` names the columns of a file that has no header row (the first line is data).
    A missing required column refuses the file, naming the column. A row with too few or too
    many fields, an unterminated quote (a truncated file) or a NUL byte, is a RowError for that
    line.
    """
    reader = csv.reader(handle, strict=True)
    try:
        for _ in range(skip_lines):
            next(reader)
        header = [header_normaliser(h) for h in (header or next(reader))]
    except StopIteration:
        raise ImportRefused("the file has no header row") from None
    except csv.Error as error:
        raise ImportRefused(f"the header cannot be read: {error}") from None
    missing = [name for name in required if name not in header]
    if missing:
        raise ImportRefused("required column(s) missing: " + ", ".join(repr(m) for m in missing))
    width = len(header)
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield RowError(reader.line_num, "", f"cannot be read ({error}); is the file truncated?")
            return
        if not fields or all(not f.strip() for f in fields):
            continue
        if len(fields) != width:
            yield RowError(
                reader.line_num,
                "",
                f"has {len(fields)} field(s) but the header has {width}; is the file truncated?",
            )
            continue
        if "\x00" in "".join(fields):
            nul = next(name for name, f in zip(header, fields, strict=True) if "\x00" in f)
            # PostgreSQL cannot store NUL in text, and no council figure has one: a binary file
            yield RowError(reader.line_num, nul, "contains a NUL byte (0x00); is it a text file?")
            continue
        yield reader.line_num, dict(zip(header, fields, strict=True))


def run_import(
    importer_class: type[Importer],
    path: Path,
    *,
    council: LocalAuthority | None = None,
    user: User | None = None,
    dry_run: bool = False,
    skip_bad_rows: bool = False,
    progress: Callable[[int], None] | None = None,
    file_name: str | None = None,
    only_council: bool = False,
    options: dict[str, Any] | None = None,
) -> ImportReport:
    """Validate the whole file, then write all of it or nothing (see the module's docstring)."""
    name = file_name or path.name
    report = ImportReport(format=importer_class.format, file_name=name, dry_run=dry_run)
    if importer_class.needs_council and council is None:
        raise ImportRefused(
            f"{importer_class.format} files do not name the council: give --council"
        )
    importer = importer_class(
        Context(council=council, user=user, only_council=only_council, options=options or {})
    )

    with KeptRows() as kept:
        keep = kept.add if importer.keeps_rows and not dry_run else None
        for item in importer.read(path):
            if isinstance(item, RowError):
                report.error_count += 1
                if len(report.errors) < MAX_REPORTED_ERRORS:
                    report.errors.append(item)
            else:
                report.rows_read += 1
                if keep:
                    keep(item)
                if progress:
                    progress(report.rows_read)
        if report.rows_read == 0 and not report.error_count:
            raise ImportRefused("the file has a header but no rows")
        if dry_run or report.rows_read == 0 or (report.error_count and not skip_bad_rows):
            # nothing to write: a dry run, bad rows not to be skipped, or every row bad
            return report
        rows = kept.rows() if keep else None
        try:
            with _write_phase() as phase:
                importer.context.checkpoint = phase.checkpoint
                importer.context.pace = phase.pace
                run = _write(importer, path, report, name, council, user, phase, rows)
        except ImportBusy as error:
            raise ImportRefused(str(error)) from None
    report.written = True
    report.run = run
    return report


class KeptRows:
    """The parsed rows of a first pass, pickled to an unnamed temporary file a thousand at a
    time, so memory stays flat however large the file; read back in order by `rows`. Only
    this process writes or reads the file, and it is gone when closed."""

    BATCH = 1000

    def __init__(self) -> None:
        self.file: IO[bytes] | None = None
        self.batch: list[Parsed] = []

    def __enter__(self) -> KeptRows:
        return self

    def __exit__(self, *_: object) -> None:
        if self.file is not None:
            self.file.close()

    def add(self, row: Parsed) -> None:
        self.batch.append(row)
        if len(self.batch) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        if self.batch:
            if self.file is None:
                self.file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by __exit__
            pickle.dump(self.batch, self.file, protocol=pickle.HIGHEST_PROTOCOL)
            self.batch = []

    def rows(self) -> Iterator[Parsed]:
        self._flush()
        if self.file is None:
            return
        self.file.seek(0)
        while True:
            try:
                batch = pickle.load(self.file)  # noqa: S301 - written above by this process
            except EOFError:
                return
            yield from batch


class _OneTransaction:
    """The write phase as one transaction: batches as the importer asks, no checkpoints."""

    recovered = 0

    def batch_size(self, most: int) -> int:
        return most

    def wrote(self, rows: int, seconds: float) -> None:
        pass

    def checkpoint(self) -> None:
        pass

    def pace(self) -> Pace:
        return Pace(None)


@contextmanager
def _write_phase() -> Iterator[SlicedWrites | _OneTransaction]:
    """One transaction, or on a SQLite file short ones that web requests can write between."""
    if not sliced_writes_apply():
        with transaction.atomic():
            yield _OneTransaction()
        return
    with SlicedWrites() as slices:
        yield slices


def _write(
    importer: Importer,
    path: Path,
    report: ImportReport,
    name: str,
    council: LocalAuthority | None,
    user: User | None,
    phase: SlicedWrites | _OneTransaction,
    kept: Iterable[Parsed] | None = None,
) -> ImportRun:
    """The second pass: every good row (read again, or as `kept` by the first), then
    `finish`, the run's totals and the audit entry."""
    importer_class = type(importer)
    run = ImportRun.objects.create(
        format=importer_class.format,
        publisher=importer_class.publisher,
        dataset=importer_class.dataset,
        edition=importer.edition(path),
        file_name=name,
        sha256=sha256_of(path),
        local_authority=council,
        imported_by=user,
        imported_by_name=user.get_username() if user else "",
        status=ImportRun.Status.COMPLETE_WITH_SKIPS
        if report.error_count
        else ImportRun.Status.COMPLETE,
    )
    batch: list[Parsed] = []
    size = phase.batch_size(importer.batch_size)
    for item in importer.read(path) if kept is None else kept:
        if isinstance(item, RowError):
            continue
        batch.append(item)
        if len(batch) >= size:
            _write_batch(importer, batch, run, report, phase)
            batch = []
            size = phase.batch_size(importer.batch_size)
    if batch:
        _write_batch(importer, batch, run, report, phase)
    report.warnings = importer.finish(run)
    if phase.recovered:
        report.warnings.insert(
            0,
            f"an earlier import was interrupted: its {phase.recovered:,} change(s) were undone "
            "first",
        )
    run.rows_read = report.rows_read
    run.rows_written = report.rows_written
    run.rows_unchanged = report.rows_unchanged
    run.report = {
        "skipped": [str(e) for e in report.errors],
        "skipped_count": report.error_count,
        "warnings": report.warnings,
    }
    run.save()
    record(
        "imported",
        user=user,
        local_authority=council,
        obj=run,
        detail=f"{importer_class.format} {name}: {report.rows_written} written",
    )
    return run


def _write_batch(
    importer: Importer,
    batch: list[Parsed],
    run: ImportRun,
    report: ImportReport,
    phase: SlicedWrites | _OneTransaction,
) -> None:
    started = time.monotonic()
    changed = importer.write_batch(batch, run)
    phase.wrote(len(batch), time.monotonic() - started)
    report.rows_written += changed
    report.rows_unchanged += len(batch) - changed
    phase.checkpoint()
