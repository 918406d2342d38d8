"""A locked database is a clear "busy, try again" page (503 with Retry-After), never a 500.

The lock is real: another connection holds the table the request writes to (SQLite's shared
in-memory test database refuses the write at once; PostgreSQL waits for `lock_timeout`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client

SAVE = {"postcode": "", "save": "1"}  # "save and come back later" saves even a blank answer


@contextmanager
def table_held_by_another_connection(table: str) -> Iterator[None]:
    if connection.vendor == "sqlite":
        other = sqlite3.connect(connection.settings_dict["NAME"], uri=True)
        try:
            other.execute("BEGIN")
            other.execute(f'SELECT * FROM "{table}" LIMIT 1').fetchall()  # noqa: S608
            yield
        finally:
            other.close()
        return
    import psycopg

    params = connection.get_connection_params()
    with psycopg.connect(**params) as other:
        other.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        try:
            yield
        finally:
            other.rollback()
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = 0")


@pytest.mark.parametrize(
    "table",
    [
        "assessments_assessment",  # the view's own save
        "django_session",  # the session middleware's save, after the view
    ],
)
def test_a_save_into_a_locked_database_answers_busy_try_again_not_500(
    transactional_db: None, table: str
) -> None:
    client = Client(raise_request_exception=False)
    with table_held_by_another_connection(table):
        response = client.post("/help/needs/q/where/", SAVE)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    page = response.content.decode()
    assert "Sorry, the service is busy" in page
    assert "has not been saved" in page and "Wait 10 seconds" in page
    assert "locked" not in page and "OperationalError" not in page
    # once the lock is gone, the same save works
    assert client.post("/help/needs/q/where/", SAVE).status_code == 302
