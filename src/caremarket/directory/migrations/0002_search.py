"""The directory's search index, built the way each database searches text fastest.

Not Django models: each table's shape depends on the database (an FTS5 virtual table on
SQLite, a generated tsvector column with a GIN index on PostgreSQL), and `search.py` is the
only code that reads or writes them.

- `directory_search`: one row per service, the words to search in two weights: `name` (the
  service's and its organisation's names) above `body` (description, categories and their
  residents' words, client groups, kind, areas and addresses).
- SQLite: `directory_search_fts`, an external-content FTS5 table over it (porter stemming,
  unicode61 without diacritics) kept in step by triggers, ranked by bm25 with names ×10.
- PostgreSQL: `document`, a stored tsvector ('english' stemming, names weighted A, the rest
  D) with a GIN index.
- `directory_searchword`: every word of every name, indexed by first letter and length, so
  a misspelt name ("Alzhiemers") is corrected against a few hundred candidates, not all.
"""

from typing import Any

from django.db import migrations

SQLITE = [
    """CREATE TABLE directory_search (
        id INTEGER PRIMARY KEY,
        service_id char(32) NOT NULL UNIQUE,
        name TEXT NOT NULL,
        body TEXT NOT NULL
    )""",
    """CREATE VIRTUAL TABLE directory_search_fts USING fts5(
        name, body,
        content='directory_search', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER directory_search_ai AFTER INSERT ON directory_search BEGIN
        INSERT INTO directory_search_fts(rowid, name, body) VALUES (new.id, new.name, new.body);
    END""",
    """CREATE TRIGGER directory_search_ad AFTER DELETE ON directory_search BEGIN
        INSERT INTO directory_search_fts(directory_search_fts, rowid, name, body)
        VALUES ('delete', old.id, old.name, old.body);
    END""",
    """CREATE TRIGGER directory_search_au AFTER UPDATE ON directory_search BEGIN
        INSERT INTO directory_search_fts(directory_search_fts, rowid, name, body)
        VALUES ('delete', old.id, old.name, old.body);
        INSERT INTO directory_search_fts(rowid, name, body) VALUES (new.id, new.name, new.body);
    END""",
    "INSERT INTO directory_search_fts(directory_search_fts, rank) "
    "VALUES ('rank', 'bm25(10.0, 1.0)')",
]

POSTGRESQL = [
    """CREATE TABLE directory_search (
        id bigserial PRIMARY KEY,
        service_id uuid NOT NULL UNIQUE,
        name text NOT NULL,
        body text NOT NULL,
        document tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('english'::regconfig, name), 'A')
            || setweight(to_tsvector('english'::regconfig, body), 'D')
        ) STORED
    )""",
    "CREATE INDEX directory_search_document ON directory_search USING gin (document)",
]

COMMON = [
    """CREATE TABLE directory_searchword (
        word varchar(40) NOT NULL PRIMARY KEY,
        initial varchar(1) NOT NULL,
        length smallint NOT NULL
    )""",
    "CREATE INDEX directory_searchword_initial_length ON directory_searchword (initial, length)",
]

DROP = [
    "DROP TABLE IF EXISTS directory_searchword",
    "DROP TABLE IF EXISTS directory_search_fts",
    "DROP TABLE IF EXISTS directory_search",
]


def create(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    statements = POSTGRESQL if vendor == "postgresql" else SQLITE
    for sql in [*statements, *COMMON]:
        schema_editor.execute(sql, params=None)


def drop(apps: Any, schema_editor: Any) -> None:
    for sql in DROP:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
