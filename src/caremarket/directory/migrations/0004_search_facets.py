"""The search index files each service under its places' grid cells and its need categories
(`facets`), so a radius search asks the index once for the services near a place that have its
words and needs, instead of checking every service in the place's box (see
`rules.directory.cells_covering` and `search.located_near`).

- `facets`: tokens, not words a resident types: `g0x1430y1185` (a place's cell at each of four
  sizes), `needbreaksandrespite0` (a need category). Only narrows: the exact distance and the
  filters still decide.
- SQLite: the FTS5 table gains a third column, weighted 0 in the rank (residents' words are
  matched in names and text only: `{name body} : (…)`); FTS5 cannot add a column, so the table
  and its triggers are made again.
- PostgreSQL: `facet_vector`, the tokens as a 'simple' tsvector (no stemming), GIN-indexed.
- The index is emptied: `ensure_index`, run after every migrate, rebuilds it with the facets.
- Service locations are indexed by service, point and id, so the places of the services the
  index found are read from that index alone; the old (latitude, longitude, service) box
  index goes (nothing reads a box of locations without the index any more).
"""

from typing import Any

from django.db import migrations, models

TRIGGERS = [
    """CREATE TRIGGER directory_search_ai AFTER INSERT ON directory_search BEGIN
        INSERT INTO directory_search_fts(rowid, name, body{extra})
        VALUES (new.id, new.name, new.body{new_extra});
    END""",
    """CREATE TRIGGER directory_search_ad AFTER DELETE ON directory_search BEGIN
        INSERT INTO directory_search_fts(directory_search_fts, rowid, name, body{extra})
        VALUES ('delete', old.id, old.name, old.body{old_extra});
    END""",
    """CREATE TRIGGER directory_search_au AFTER UPDATE OF name, body{extra} ON directory_search
    BEGIN
        INSERT INTO directory_search_fts(directory_search_fts, rowid, name, body{extra})
        VALUES ('delete', old.id, old.name, old.body{old_extra});
        INSERT INTO directory_search_fts(rowid, name, body{extra})
        VALUES (new.id, new.name, new.body{new_extra});
    END""",
]
FTS = """CREATE VIRTUAL TABLE directory_search_fts USING fts5(
        name, body{extra},
        content='directory_search', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )"""
DROP_FTS = [
    "DROP TRIGGER directory_search_ai",
    "DROP TRIGGER directory_search_ad",
    "DROP TRIGGER directory_search_au",
    "DROP TABLE directory_search_fts",
    "DELETE FROM directory_search",
]


def _sqlite_index(with_facets: bool) -> list[str]:
    names = {"extra": ", facets", "new_extra": ", new.facets", "old_extra": ", old.facets"}
    if not with_facets:
        names = dict.fromkeys(names, "")
    weights = "bm25(10.0, 1.0, 0.0)" if with_facets else "bm25(10.0, 1.0)"
    return [
        FTS.format(**names),
        *(trigger.format(**names) for trigger in TRIGGERS),
        f"INSERT INTO directory_search_fts(directory_search_fts, rank) VALUES ('rank', '{weights}')",
    ]


SQLITE = [
    *DROP_FTS,
    "ALTER TABLE directory_search ADD COLUMN facets text NOT NULL DEFAULT ''",
    *_sqlite_index(with_facets=True),
]
SQLITE_BACK = [*DROP_FTS, "ALTER TABLE directory_search DROP COLUMN facets", *_sqlite_index(False)]
POSTGRESQL = [
    "DELETE FROM directory_search",
    "ALTER TABLE directory_search ADD COLUMN facets text NOT NULL DEFAULT ''",
    "ALTER TABLE directory_search ADD COLUMN facet_vector tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple'::regconfig, facets)) STORED",
    "CREATE INDEX directory_search_facets ON directory_search USING gin (facet_vector)",
]
POSTGRESQL_BACK = [
    "DELETE FROM directory_search",
    "DROP INDEX directory_search_facets",
    "ALTER TABLE directory_search DROP COLUMN facet_vector",
    "ALTER TABLE directory_search DROP COLUMN facets",
]


def forward(apps: Any, schema_editor: Any) -> None:
    sqlite = schema_editor.connection.vendor == "sqlite"
    for sql in SQLITE if sqlite else POSTGRESQL:
        schema_editor.execute(sql, params=None)


def backward(apps: Any, schema_editor: Any) -> None:
    sqlite = schema_editor.connection.vendor == "sqlite"
    for sql in SQLITE_BACK if sqlite else POSTGRESQL_BACK:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_search_unplaced")]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
        migrations.RemoveIndex(model_name="servicelocation", name="directory_location_box"),
        migrations.AddIndex(
            model_name="servicelocation",
            index=models.Index(
                fields=["service", "latitude", "longitude", "id"],
                name="directory_location_point",
            ),
        ),
    ]
