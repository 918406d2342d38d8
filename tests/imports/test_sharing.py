"""On SQLite an import shares the write lock with the web and is still all or nothing.

Each import runs in its own process on a SQLite file (as `caremarket import` does beside the
web workers); this process writes to the same file as a web request would, with a 2-second
busy timeout, while the import is writing.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
HEADER = "pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,usertype,oseast1m,osnrth1m,"
HEADER += "osgrdind,ctry,rgn,lat,long"
ROWS = 20

pytestmark = pytest.mark.skipif(
    "config.getoption('--postgresql')", reason="SQLite's one write lock; PostgreSQL locks rows"
)


@pytest.fixture
def database(transactional_db: None, tmp_path: Path) -> Path:
    """A SQLite file with every table, copied from the test database (outside any test
    transaction: a backup waits for the source's transaction to end)."""
    path = tmp_path / "caremarket.sqlite3"
    target = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(target)
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    return path


@pytest.fixture
def postcodes(tmp_path: Path) -> Path:
    path = tmp_path / "onspd.csv"
    lines = [HEADER]
    for n in range(ROWS):
        code = f"ST{n // 10 + 1} {n % 10}AA"
        lines.append(
            f"{code},{code},{code},198001,,E99999999,E99999999,E06000021,E05008320,0,"
            f"388000,345000,1,E92000001,E12000005,53.{n:06d},-2.179438"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def start(mode: str, path: Path, database: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "CAREMARKET_SQLITE_PATH": str(database),
        "CAREMARKET_VAR_DIR": str(database.parent),
        "DJANGO_SETTINGS_MODULE": "caremarket.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    env.pop("DATABASE_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "tests.imports.import_worker", mode, str(path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(worker: subprocess.Popen[str], line: str) -> None:
    assert worker.stdout is not None
    seen = []
    for text in worker.stdout:
        if text.strip() == line:
            return
        seen.append(text)
    raise AssertionError(f"the import ended before {line!r}:\n" + "".join(seen[-20:]))


def finish(worker: subprocess.Popen[str]) -> str:
    out, _ = worker.communicate(timeout=60)
    return out


def web_write(database: Path, key: str) -> float:
    """Write one row as a web request would (BEGIN IMMEDIATE, 2 s busy timeout); seconds."""
    web = sqlite3.connect(database, timeout=2.0, isolation_level=None)
    try:
        started = time.monotonic()
        web.execute("BEGIN IMMEDIATE")
        web.execute(
            "INSERT INTO django_session (session_key, session_data, expire_date) "
            "VALUES (?, '', '2100-01-01')",
            [key],
        )
        web.execute("COMMIT")
        return time.monotonic() - started
    finally:
        web.close()


def count(database: Path, table: str) -> int:
    with sqlite3.connect(database) as db:
        return db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608


def counts(database: Path) -> dict[str, int]:
    """Rows of what an import writes, of the journal, and of sessions (the web's writes)."""
    tables = ("places_postcode", "imports_importrun", "accounts_auditevent", "imports_undo")
    return {table: count(database, table) for table in (*tables, "django_session")}


def test_web_writes_go_through_within_a_second_while_an_import_writes(
    database: Path, postcodes: Path
) -> None:
    worker = start("slow", postcodes, database)
    wait_for(worker, "wrote 2")
    waits = []
    for n in range(4):
        waits.append(web_write(database, f"web-{n}"))
        time.sleep(0.3)
    out = finish(worker)
    assert worker.returncode == 0, out
    assert max(waits) < 1.0, waits
    assert counts(database) == {
        "places_postcode": ROWS,
        "imports_importrun": 1,
        "accounts_auditevent": 1,
        "imports_undo": 0,
        "django_session": 4,
    }


def test_an_import_failing_after_web_writes_leaves_nothing_but_the_web_writes(
    database: Path, postcodes: Path
) -> None:
    worker = start("fail", postcodes, database)
    wait_for(worker, "wrote 3")
    web_write(database, "during")
    wait_for(worker, "wrote 8")
    assert count(database, "places_postcode") > 0  # slices were committed
    out = finish(worker)
    assert worker.returncode != 0 and "the import failed half way" in out
    assert counts(database) == {
        "places_postcode": 0,
        "imports_importrun": 0,
        "accounts_auditevent": 0,
        "imports_undo": 0,
        "django_session": 1,  # the web's write during the import stays
    }


def test_an_import_killed_half_way_is_undone_before_the_next_one_writes(
    database: Path, postcodes: Path
) -> None:
    worker = start("slow", postcodes, database)
    wait_for(worker, "wrote 8")
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    half = count(database, "places_postcode")
    assert 0 < half < ROWS
    assert count(database, "imports_undo") > 0

    again = start("fast", postcodes, database)
    out = finish(again)
    assert again.returncode == 0, out
    assert "an earlier import was interrupted" in out
    assert counts(database) == {
        "places_postcode": ROWS,
        "imports_importrun": 1,
        "accounts_auditevent": 1,
        "imports_undo": 0,
        "django_session": 0,
    }
