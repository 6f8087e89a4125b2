"""Reading the index: its binary columns, and which database a process's held values belong to.

PostgreSQL sends bytea in the text protocol as hexadecimal, which psycopg must then decode: for the
postings lists a search reads (a common word's is ~500 KB) that was most of a search's time there
(three 300 KB lists: 9 ms as text, under 2 ms as binary). Django's cursors bind parameters on the
client, and psycopg's client-binding cursors cannot return binary results, so the index reads
through a server-binding cursor asking for binary results, wrapped as Django wraps its own (query
logging, execute wrappers, database errors). SQLite returns blobs as they are: its own cursor.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection


@contextmanager
def binary_cursor() -> Iterator[Any]:
    """A cursor whose bytea results arrive as they are stored (PostgreSQL), with %s placeholders."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    import psycopg

    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw: Any = psycopg.Cursor(connection.connection)
        raw.format = psycopg.pq.Format.BINARY
    wrapped = connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
    try:
        yield wrapped
    finally:
        raw.close()


def fetch_binary(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Every row of `sql`, through binary_cursor()."""
    with binary_cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def database_key() -> str:
    """The database the current connection reads, as the key of what a process holds in memory
    (document values, postings lists, thesaurus): tests and tools may switch databases."""
    return f"{connection.alias}:{connection.settings_dict.get('NAME')}"
