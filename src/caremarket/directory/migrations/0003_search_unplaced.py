"""The search index says which services have no place on a map (`unplaced`) and holds each
service's name as shown (`title`); the coordinate index carries the service, so a radius
search reads neither table's rows.

`title`: a broad search ("care") is ranked in the index alone, by rank, then name, then id,
exactly as the full ranking orders services, and only its best candidates are then filtered.

`unplaced`: a service with no located address and no register location (a council-wide
service or a national helpline). A place search lists those that cover the place after the
ones within the radius; a partial index finds the few among 100,000 without scanning them all.
The column is written with the rest of the service's index row (`search._write`); the trigger
that mirrors names and text into FTS5 on SQLite now fires only when those change.
"""

from typing import Any

from django.db import migrations, models

FILL_TITLE = """UPDATE directory_search SET title = (
    SELECT s.name FROM directory_service s WHERE s.id = directory_search.service_id
)"""
FILL = """UPDATE directory_search SET unplaced = (
    SELECT s.cqc_location_id IS NULL AND NOT EXISTS (
        SELECT 1 FROM directory_servicelocation l
        WHERE l.service_id = s.id AND l.latitude IS NOT NULL
    )
    FROM directory_service s WHERE s.id = directory_search.service_id
)"""

#: FTS5 follows the names and text of the index (0002's trigger, now on those columns only).
TRIGGER = """CREATE TRIGGER directory_search_au AFTER UPDATE{columns} ON directory_search BEGIN
        INSERT INTO directory_search_fts(directory_search_fts, rowid, name, body)
        VALUES ('delete', old.id, old.name, old.body);
        INSERT INTO directory_search_fts(rowid, name, body) VALUES (new.id, new.name, new.body);
    END"""

SQLITE = [
    "ALTER TABLE directory_search ADD COLUMN unplaced boolean NOT NULL DEFAULT 0",
    "ALTER TABLE directory_search ADD COLUMN title text NOT NULL DEFAULT ''",
    "DROP TRIGGER directory_search_au",
    TRIGGER.format(columns=" OF name, body"),
]
POSTGRESQL = [
    "ALTER TABLE directory_search ADD COLUMN unplaced boolean NOT NULL DEFAULT false",
    "ALTER TABLE directory_search ADD COLUMN title text NOT NULL DEFAULT ''",
]
COMMON = [
    FILL,
    FILL_TITLE,
    "CREATE INDEX directory_search_unplaced ON directory_search (service_id) WHERE unplaced",
]

SQLITE_BACK = [
    "DROP INDEX directory_search_unplaced",
    "DROP TRIGGER directory_search_au",
    TRIGGER.format(columns=""),
    "ALTER TABLE directory_search DROP COLUMN unplaced",
    "ALTER TABLE directory_search DROP COLUMN title",
]
POSTGRESQL_BACK = [
    "DROP INDEX directory_search_unplaced",
    "ALTER TABLE directory_search DROP COLUMN unplaced",
    "ALTER TABLE directory_search DROP COLUMN title",
]


def forward(apps: Any, schema_editor: Any) -> None:
    sqlite = schema_editor.connection.vendor == "sqlite"
    for sql in [*(SQLITE if sqlite else POSTGRESQL), *COMMON]:
        schema_editor.execute(sql, params=None)


def backward(apps: Any, schema_editor: Any) -> None:
    sqlite = schema_editor.connection.vendor == "sqlite"
    for sql in SQLITE_BACK if sqlite else POSTGRESQL_BACK:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_search")]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
        migrations.RemoveIndex(model_name="servicelocation", name="directory_s_latitud_98ad2a_idx"),
        migrations.AddIndex(
            model_name="servicelocation",
            index=models.Index(
                fields=["latitude", "longitude", "service"], name="directory_location_box"
            ),
        ),
    ]
