"""Test set-up: SQLite by default, PostgreSQL with `--postgresql` (a cluster this run starts)."""

from __future__ import annotations

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
