from django.db import connection


def test_the_suite_runs_on_the_database_it_was_asked_for(request, db):
    expected = "postgresql" if request.config.getoption("--postgresql") else "sqlite"
    assert connection.vendor == expected


def test_sqlite_runs_in_wal_mode_outside_tests():
    from caremarket.settings import database_from_env

    config = database_from_env()
    if config["ENGINE"].endswith("sqlite3"):
        assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_postgresql_connections_run_without_parallel_query_workers(request, db, monkeypatch):
    """DATABASE_URL's connections ask PostgreSQL for no parallel workers (see settings)."""
    import psycopg

    from caremarket.settings import database_from_env

    if not request.config.getoption("--postgresql"):
        monkeypatch.setenv("DATABASE_URL", "postgresql://u@127.0.0.1:5432/caremarket")
        options = database_from_env()["OPTIONS"]
        assert options["options"] == "-c max_parallel_workers_per_gather=0"
        return
    live = connection.settings_dict
    url = f"postgresql://{live['USER']}@{live['HOST']}:{live['PORT']}/{live['NAME']}"
    monkeypatch.setenv("DATABASE_URL", url)
    config = database_from_env()
    with psycopg.connect(
        host=config["HOST"],
        port=config["PORT"],
        user=config["USER"],
        dbname=config["NAME"],
        options=config["OPTIONS"]["options"],
    ) as other:
        assert other.execute("SHOW max_parallel_workers_per_gather").fetchone() == ("0",)
