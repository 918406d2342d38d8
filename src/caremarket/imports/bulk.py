"""Plain parameterised writes for the tables a national register import fills in bulk.

`bulk_create` and `bulk_update` build a model instance per row and pass every value through
each field's preparation and Django's SQL compiler: for 50,000 locations, their listings and
the listings' places, that was most of an import's time. A `Table` knows one model's table and
columns (from the model itself, so it follows migrations), prepares each column's values the
way the field would (only the kinds that need it: dates, JSON, UUIDs, times) and writes rows
of plain values with one `executemany` per batch. No signals are sent, as with `bulk_create`:
callers index what they write themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connections, models, router
from django.utils import timezone

#: Fields whose Python values the database drivers take as they are (no preparation needed).
PLAIN = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "EmailField",
        "FloatField",
        "IntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallAutoField",
        "SmallIntegerField",
        "TextField",
        "URLField",
    }
)


def _plain(field: models.Field[Any, Any]) -> bool:
    if field.is_relation:
        target = field.target_field  # type: ignore[attr-defined]
        return bool(target.get_internal_type() in PLAIN)
    return field.get_internal_type() in PLAIN


class Table:
    """One model's table, written with plain values in the order of `columns` (field names;
    a foreign key by its name or its `_id`, holding the related row's key)."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        self.model = model
        self.fields = [model._meta.get_field(name) for name in columns]
        self.connection = connections[router.db_for_write(model)]
        self.quote = self.connection.ops.quote_name
        self.name = self.quote(model._meta.db_table)

    def _prepare(self, field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
        """How a column's values are made ready for the driver (None: as they are). The
        common kinds go straight to the backend's adapter, as the field itself would."""
        if _plain(field):
            return None
        connection = self.connection
        if field.is_relation:
            field = field.target_field  # type: ignore[attr-defined]
        kind = field.get_internal_type()
        if kind == "DateField":
            return connection.ops.adapt_datefield_value
        if kind == "JSONField":
            encoder = field.encoder  # type: ignore[attr-defined]
            return lambda value: connection.ops.adapt_json_value(value, encoder)
        if kind == "UUIDField" and not connection.features.has_native_uuid_field:
            return lambda value: value.hex
        return lambda value: field.get_db_prep_save(value, connection)

    def _prepared(
        self,
        fields: Sequence[models.Field[Any, Any]],
        rows: Iterable[Sequence[Any]],
        fresh: Sequence[models.Field[Any, Any]] = (),
        tail: Sequence[Any] = (),
    ) -> list[list[Any]]:
        """Each row's values for `fields` made ready, then a fresh default for each of
        `fresh` (ready too), then `tail` (ready already): one list per row."""
        every = [*fields, *fresh]
        preparers = [(i, p) for i, f in enumerate(every) if (p := self._prepare(f)) is not None]
        prepared = []
        for row in rows:
            values = [*row, *(f.get_default() for f in fresh), *tail] if fresh else [*row, *tail]
            for i, prepare in preparers:
                if values[i] is not None:
                    values[i] = prepare(values[i])
            prepared.append(values)
        return prepared

    def _defaults(self) -> tuple[list[Any], list[Any], list[Any]]:
        """The columns `insert` fills with the model's defaults: every concrete field not
        given but an automatic key, as (fields of one value for every row, those values,
        fields whose default is made afresh for each row, such as a UUID)."""
        given = {f.attname for f in self.fields}
        now = timezone.now()
        fixed: list[Any] = []
        values: list[Any] = []
        fresh: list[Any] = []
        for field in self.model._meta.concrete_fields:
            if field.attname in given or isinstance(field, models.AutoField):
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                fixed.append(field)
                values.append(now)
            elif callable(field.default) and field.default not in (list, dict):
                fresh.append(field)
            elif field.primary_key:
                raise ValueError(f"{self.model.__name__}: give the primary key {field.name}")
            else:
                fixed.append(field)
                values.append(field.get_default())
        return fixed, values, fresh

    def insert(self, rows: Sequence[Sequence[Any]], batch: int = 1000) -> int:
        """Insert rows of values for `columns`; every other column gets its default."""
        if not rows:
            return 0
        fixed, values, fresh = self._defaults()
        every = [*self.fields, *fresh, *fixed]
        columns = ", ".join(self.quote(f.column) for f in every)
        marks = ", ".join(["%s"] * len(every))
        sql = f"INSERT INTO {self.name} ({columns}) VALUES ({marks})"  # noqa: S608 - model names
        tail = self._prepared(fixed, [values])[0] if fixed else []
        copy = f"COPY {self.name} ({columns}) FROM STDIN"
        with self.connection.cursor() as cursor:
            for start in range(0, len(rows), batch):
                part = rows[start : start + batch]
                prepared = self._prepared(self.fields, part, fresh, tail)
                if self.connection.vendor == "postgresql":
                    # COPY: the rows in one stream, none of a statement's cost per row.
                    with cursor.copy(copy) as stream:
                        for row in prepared:
                            stream.write_row(row)
                else:
                    cursor.executemany(sql, prepared)
        return len(rows)

    def update(self, rows: Sequence[Sequence[Any]], batch: int = 1000) -> int:
        """Update rows of values for `columns`, each row's key (the first column) last
        unchanged: `UPDATE … SET <other columns> WHERE <first column> = …`."""
        if not rows:
            return 0
        key, *rest = self.fields
        sets = ", ".join(f"{self.quote(f.column)} = %s" for f in rest)
        sql = f"UPDATE {self.name} SET {sets} WHERE {self.quote(key.column)} = %s"  # noqa: S608
        with self.connection.cursor() as cursor:
            for start in range(0, len(rows), batch):
                part = self._prepared(self.fields, rows[start : start + batch])
                cursor.executemany(sql, [[*row[1:], row[0]] for row in part])
        return len(rows)
