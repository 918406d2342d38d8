"""Imports share SQLite's one write lock with the web, and stay all-or-nothing.

SQLite lets one connection write at a time. An import that wrote its whole file in one
transaction held that lock for minutes (a 120,000-row register), and residents' saves waited
out the busy timeout and failed. On SQLite an import therefore writes in slices: it commits
whenever it has held the lock for `SLICE_SECONDS` at a safe point (after a batch, or where an
importer calls `Context.checkpoint()` in a long `finish`), then leaves the lock free for
`GAP_SECONDS`, long enough for every waiting web request's busy handler (which polls every
100 ms) to take its turn.

All-or-nothing comes from an undo journal written in the same transactions as the rows:
temporary triggers on the importing connection only (web requests' writes are not recorded)
note, for each row the import inserts, updates or deletes, how to put it back — the columns an
update changed, a deleted row's every value — in the table `imports_undo`. When the import
fails, the journal is played backwards in one transaction, and the file's rows are gone
as if it had never run; when it succeeds, the last slice empties the journal. If the process
dies (killed, power cut) the journal is still there: the next import, or the next
`caremarket serve`, plays it back first. A lock file held while an import writes tells a live
import from a dead one, and refuses a second import while one runs.

What web readers see: rows of an import in progress appear as each slice commits (a search
may find half of a new register for a minute); a failed or killed import disappears again.
PostgreSQL needs none of this: its writers lock rows, not the database, so an import there
writes in one transaction as before.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

#: The longest an import holds the write lock before it lets web requests in (a safe point
#: permitting): a resident's save waits at most about this long.
SLICE_SECONDS = 0.5
#: How long the lock is left free between slices while web requests are writing: SQLite's busy
#: handler polls every 100 ms once a request has waited a quarter of a second, so each waiting
#: request gets its turn.
GAP_SECONDS = 0.11
#: ... and while nobody else has written for `QUIET_AFTER_SECONDS` (a night-time import runs
#: nearly at full speed; the first save after a quiet spell waits a slice or two longer).
QUIET_GAP_SECONDS = 0.02
QUIET_AFTER_SECONDS = 5.0

#: The undo journal (created on first use; empty except while an import writes).
JOURNAL = "imports_undo"
JOURNAL_DDL = (
    "CREATE TABLE IF NOT EXISTS imports_undo ("
    "id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, rid INTEGER NOT NULL, stmt TEXT)"
)


class ImportBusy(Exception):
    """Another import is writing to this database."""


def sliced_writes_apply(conn: BaseDatabaseWrapper = connection) -> bool:
    """Slices are for a SQLite file outside any transaction the caller holds (in a test's
    transaction, or an in-memory database, the import writes in that one transaction)."""
    return (
        conn.vendor == "sqlite"
        and not conn.in_atomic_block
        and not conn.is_in_memory_db()
        and bool(conn.settings_dict.get("NAME"))
    )


def _lock_path(conn: BaseDatabaseWrapper) -> Path:
    return Path(str(conn.settings_dict["NAME"]) + ".import-lock")


@contextmanager
def import_lock(conn: BaseDatabaseWrapper = connection) -> Iterator[None]:
    """Held while an import writes: a second import is refused, and a journal found while
    holding it belongs to an import that died."""
    path = _lock_path(conn)
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ImportBusy(
                "another import is writing to this database; try again when it has finished"
            ) from None
        yield
    finally:
        os.close(handle)  # closing releases the lock


def _quote_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _journalled_tables(cursor: Any) -> list[tuple[str, list[str]]]:
    """Every ordinary table but the journal and full-text indexes' own tables (those follow
    their content table through its triggers)."""
    cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
    tables = cursor.fetchall()
    virtual = [name for name, sql in tables if (sql or "").upper().startswith("CREATE VIRTUAL")]
    found = []
    for name, _sql in tables:
        if name.startswith("sqlite_") or name == JOURNAL or name in virtual:
            continue
        if any(name.startswith(f"{v}_") for v in virtual):
            continue  # FTS shadow tables (_data, _idx, _content, _docsize, _config)
        cursor.execute(f"PRAGMA table_info({_quote_name(name)})")
        found.append((name, [row[1] for row in cursor.fetchall()]))
    return found


def _trigger_sql(number: int, table: str, columns: list[str]) -> list[str]:
    """The three triggers that journal one table's changes. Table and column names come from
    the database's own catalogue and are quoted as identifiers; row values are quoted by
    SQLite's `quote()` (exact for text, blobs, integers and reals alike)."""
    t, tl = _quote_name(table), _literal(_quote_name(table))
    listed = ", ".join(_quote_name(c) for c in columns)
    values = "".join(f" || ',' || quote(old.{_quote_name(c)})" for c in columns)
    insert_old = (
        f"'INSERT INTO ' || {tl} || '(rowid, {listed}) VALUES (' || old.rowid{values} || ')'"  # noqa: S608
    )
    set_changed = "".join(
        f" || CASE WHEN old.{_quote_name(c)} IS NOT new.{_quote_name(c)} "
        f"THEN {_literal(', ' + _quote_name(c) + '=')} || quote(old.{_quote_name(c)}) "
        "ELSE '' END"
        for c in columns
    )
    where = "' WHERE rowid = ' || new.rowid"
    update_old = f"'UPDATE ' || {tl} || ' SET rowid = rowid'{set_changed} || {where}"  # noqa: S608
    name = _literal(table)
    journal = "INSERT INTO imports_undo(tbl, rid, stmt) VALUES"
    return [
        f"CREATE TEMP TRIGGER undo_i{number} AFTER INSERT ON main.{t} BEGIN "
        f"{journal} ({name}, new.rowid, NULL); END",
        f"CREATE TEMP TRIGGER undo_u{number} AFTER UPDATE ON main.{t} BEGIN "
        f"{journal} ({name}, new.rowid, {update_old}); END",
        f"CREATE TEMP TRIGGER undo_d{number} AFTER DELETE ON main.{t} BEGIN "
        f"{journal} ({name}, old.rowid, {insert_old}); END",
    ]


def _drop_triggers(cursor: Any) -> None:
    cursor.execute("SELECT name FROM sqlite_temp_master WHERE type = 'trigger'")
    for (name,) in cursor.fetchall():
        if name.startswith(("undo_i", "undo_u", "undo_d")):
            cursor.execute(f"DROP TRIGGER temp.{_quote_name(name)}")


def _journal_exists(cursor: Any) -> bool:
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [JOURNAL])
    return cursor.fetchone() is not None


def _play_back(cursor: Any) -> int:
    """Undo every journalled change, newest first; return how many. Inside a transaction."""
    undone = 0
    cursor.execute("SELECT max(id) FROM imports_undo")
    (upper,) = cursor.fetchone()
    while upper is not None:
        cursor.execute(
            "SELECT id, tbl, rid, stmt FROM imports_undo WHERE id <= %s "
            "ORDER BY id DESC LIMIT 5000",
            [upper],
        )
        entries = cursor.fetchall()
        if not entries:
            break
        pending: tuple[str, list[int]] | None = None
        for _id, table, rowid, statement in entries:
            if statement is None:  # an inserted row: delete it (consecutive ones together)
                if pending and pending[0] == table:
                    pending[1].append(rowid)
                else:
                    _delete_rows(cursor, pending)
                    pending = (table, [rowid])
                continue
            _delete_rows(cursor, pending)
            pending = None
            cursor.execute(statement)
        _delete_rows(cursor, pending)
        undone += len(entries)
        upper = entries[-1][0] - 1
        if upper < 1:
            break
    cursor.execute("DELETE FROM imports_undo")
    return undone


def _delete_rows(cursor: Any, pending: tuple[str, list[int]] | None) -> None:
    if not pending:
        return
    table, rowids = pending
    for start in range(0, len(rowids), 500):
        part = rowids[start : start + 500]
        cursor.execute(
            f"DELETE FROM {_quote_name(table)} WHERE rowid IN ({', '.join(['%s'] * len(part))})",  # noqa: S608
            part,
        )


def recover_interrupted_import(conn: BaseDatabaseWrapper = connection) -> int:
    """Undo what an import that died left behind; return how many changes were undone.

    Call while holding `import_lock` (or knowing no import runs). Nothing to do is cheap."""
    with conn.cursor() as cursor:
        if not _journal_exists(cursor):
            return 0
        cursor.execute("SELECT 1 FROM imports_undo LIMIT 1")
        if cursor.fetchone() is None:
            return 0
    conn.ensure_connection()
    _drop_triggers(conn.connection.cursor())
    with conn.cursor() as cursor:
        cursor.execute("BEGIN IMMEDIATE")
        try:
            undone = _play_back(cursor)
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        cursor.execute("COMMIT")
    return undone


def recover_if_idle(conn: BaseDatabaseWrapper = connection) -> int:
    """At start-up: undo a dead import's leftovers unless an import is running now."""
    if not sliced_writes_apply(conn):
        return 0
    try:
        with import_lock(conn):
            return recover_interrupted_import(conn)
    except ImportBusy:
        return 0


class Pace:
    """How many rows the next batch of one kind of write may take, from the pace so far.

    `slice_seconds` None: no slices (PostgreSQL, or one transaction), every batch is `most`.
    Each kind of write (the file's rows, a register sync's listings) keeps its own pace, as
    their costs per row differ several times over."""

    def __init__(self, slice_seconds: float | None = SLICE_SECONDS) -> None:
        self.slice_seconds = slice_seconds
        self.seconds_per_row = 0.0

    def batch_size(self, most: int) -> int:
        """Rows for the next batch: as many as fit in a slice at the pace so far, at most
        `most` (the writer's own batch size), so a slice ends soon after its time is up
        however loaded the machine is."""
        if self.slice_seconds is None:
            return most
        if not self.seconds_per_row:
            return min(most, 100)
        return max(1, min(most, int(self.slice_seconds * 0.8 / self.seconds_per_row)))

    def wrote(self, rows: int, seconds: float) -> None:
        """A batch of `rows` took `seconds`: the pace for `batch_size`."""
        if rows:
            pace = seconds / rows
            self.seconds_per_row = (
                pace if not self.seconds_per_row else (0.5 * self.seconds_per_row + 0.5 * pace)
            )


class SlicedWrites:
    """The write phase of one import on SQLite: short transactions, one undo journal.

    Use as `with SlicedWrites() as slices:` around the writes, calling `slices.checkpoint()`
    at safe points (no query's results still being read). Leaving the block normally commits
    the last slice and forgets the journal; leaving it with an exception undoes everything.
    Django sees one atomic block from start to end (nested `transaction.atomic()` makes
    savepoints, `on_commit` callbacks wait for the real end); `checkpoint` commits and begins
    again underneath it, only where no savepoint is open.
    """

    def __init__(self, conn: BaseDatabaseWrapper = connection) -> None:
        self.conn = conn
        self.started = 0.0
        self.slices = 0
        self.recovered = 0
        self.others_wrote = 0.0  # when another connection was last seen to have committed
        self.data_version = -1
        self.rows = Pace()

    def __enter__(self) -> SlicedWrites:
        self._lock = import_lock(self.conn)
        self._lock.__enter__()
        try:
            self.recovered = recover_interrupted_import(self.conn)
            self._atomic = transaction.atomic(using=self.conn.alias)
            self._atomic.__enter__()
        except BaseException:
            self._lock.__exit__(None, None, None)
            raise
        try:
            with self.conn.cursor() as cursor:
                cursor.execute(JOURNAL_DDL)
                for number, (table, columns) in enumerate(_journalled_tables(cursor)):
                    for statement in _trigger_sql(number, table, columns):
                        cursor.execute(statement)
        except BaseException as error:
            self.__exit__(type(error), error, error.__traceback__)
            raise
        self.started = self.others_wrote = time.monotonic()
        return self

    def batch_size(self, most: int) -> int:
        """Rows for the file's next batch (see `Pace.batch_size`)."""
        return self.rows.batch_size(most)

    def wrote(self, rows: int, seconds: float) -> None:
        self.rows.wrote(rows, seconds)

    def pace(self) -> Pace:
        """A pace of its own for another kind of write (a long `finish`'s chunks)."""
        return Pace()

    def checkpoint(self) -> None:
        """Commit and let waiting web requests write, once this slice has run long enough."""
        conn = self.conn
        if (
            time.monotonic() - self.started < SLICE_SECONDS
            or conn.savepoint_ids
            or conn.needs_rollback
        ):
            return
        now = time.monotonic()
        quiet = now - self.others_wrote > QUIET_AFTER_SECONDS
        with conn.cursor() as cursor:
            cursor.execute("COMMIT")
            self.slices += 1
            time.sleep(QUIET_GAP_SECONDS if quiet else GAP_SECONDS)
            cursor.execute("BEGIN IMMEDIATE")
            # Changes whenever another connection has committed since it was last read.
            cursor.execute("PRAGMA data_version")
            (version,) = cursor.fetchone()
        if version != self.data_version:
            self.others_wrote = time.monotonic()
            self.data_version = version
        self.started = time.monotonic()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        try:
            if kind is None:
                with self.conn.cursor() as cursor:
                    cursor.execute("DELETE FROM imports_undo")
                    _drop_triggers(cursor)
                self._atomic.__exit__(None, None, None)
                self.slices += 1
                return
            self._atomic.__exit__(kind, value, traceback)  # rolls back the current slice
            self.recovered = recover_interrupted_import(self.conn)  # and the committed ones
        finally:
            raw = self.conn.connection
            if raw is not None:
                _drop_triggers(raw.cursor())
            self._lock.__exit__(None, None, None)
