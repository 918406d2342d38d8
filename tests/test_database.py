from django.db import connection


def test_the_suite_runs_on_the_database_it_was_asked_for(request, db):
    expected = "postgresql" if request.config.getoption("--postgresql") else "sqlite"
    assert connection.vendor == expected


def test_sqlite_runs_in_wal_mode_outside_tests():
    from caremarket.settings import database_from_env

    config = database_from_env()
    if config["ENGINE"].endswith("sqlite3"):
        assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
