"""Test set-up: SQLite by default, PostgreSQL with `--postgresql` (a cluster this run starts)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--postgresql",
        action="store_true",
        help="run the suite on a throwaway PostgreSQL cluster instead of SQLite",
    )


def pytest_report_header(config: pytest.Config) -> str:
    return "database: " + (
        "PostgreSQL (throwaway cluster)" if config.getoption("--postgresql") else "SQLite"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `sqlite_only` prove nothing more on PostgreSQL, so that run skips them."""
    if not config.getoption("--postgresql"):
        return
    skip = pytest.mark.skip(reason="database-independent: runs once, on SQLite")
    for item in items:
        if item.get_closest_marker("sqlite_only"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request: pytest.FixtureRequest) -> None:
    if not request.config.getoption("--postgresql"):
        return
    from django.conf import settings
    from django.db import connections

    from tests.pgcluster import ClusterError, start_cluster

    try:
        cluster = start_cluster()
    except (ClusterError, OSError) as error:
        pytest.exit(
            f"PostgreSQL could not start, so the PostgreSQL run fails: {error}", returncode=3
        )
    request.config.add_cleanup(cluster.stop)
    # The connection handler shares this dict: change it in place, fill Django's defaults,
    # and drop the cached SQLite connection so the next query opens PostgreSQL.
    connections.close_all()
    database = settings.DATABASES["default"]
    database.clear()
    database.update(cluster.database_settings())
    connections.configure_settings(settings.DATABASES)
    del connections["default"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    """Argon2 is the real hasher (tested on its own); tests hash with MD5 for speed."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


DATABASE_FIXTURES = ("transactional_db", "db")


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request: pytest.FixtureRequest) -> None:
    """Each test starts with no attempts counted by the rate limits (sign-in, emails, reports).

    The limits count in the database cache, a table the per-test rollback or flush does not
    empty, so without this the eleventh browser sign-in of a run is refused as a real one would
    be. Tests of the limits make their own attempts.
    """
    wanted = next((f for f in DATABASE_FIXTURES if f in request.fixturenames), None)
    if wanted is None and request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue(wanted or "db")
    from django.core.cache import cache

    cache.clear()


CAREMARKET = Path(sys.executable).parent / "caremarket"


def caremarket(*args: str, **env: str) -> subprocess.CompletedProcess:
    """The `caremarket` command in a subprocess, as a council would run it."""
    environment = {**os.environ, **env}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [str(CAREMARKET), *args], capture_output=True, text=True, env=environment, timeout=300
    )


@dataclass
class DemoSite:
    var_dir: Path
    #: The first `caremarket demo` run (its output: the councils and the login).
    loaded: subprocess.CompletedProcess


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> DemoSite:
    """The demo loaded once per test session into its own SQLite database (about 45 s), for
    the tests that need the whole demo: the command's own test and the walk of every page."""
    var_dir = tmp_path_factory.mktemp("demo-var")
    return DemoSite(var_dir, caremarket("demo", CAREMARKET_VAR_DIR=str(var_dir)))


@pytest.fixture(scope="session")
def demo_server(demo_site: DemoSite):
    """`caremarket serve` on the session's demo: its base URL."""
    assert demo_site.loaded.returncode == 0, demo_site.loaded.stderr
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {**os.environ, "CAREMARKET_VAR_DIR": str(demo_site.var_dir)}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    log = (demo_site.var_dir / "serve.log").open("w")
    server = subprocess.Popen(
        [str(CAREMARKET), "serve", "--port", str(port), "--workers", "1"],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(base + "/accessibility/", timeout=5)  # noqa: S310 (http only)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("the demo server did not start: see " + log.name)
            time.sleep(0.5)
    yield base
    server.terminate()
    server.wait(timeout=30)
    log.close()
