"""PostgreSQL connections and the migration runner."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from importlib import resources

import psycopg2
import psycopg2.extensions
import psycopg2.extras

logger = logging.getLogger(__name__)

psycopg2.extras.register_uuid()

_connection: psycopg2.extensions.connection | None = None

# Any constant works as the key, as long as nothing else in the database uses it.
_MIGRATION_LOCK_KEY = 7_202_612


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("DATABASE_URL is not set; run `make up` or export it")
    return url


def connect(url: str | None = None) -> psycopg2.extensions.connection:
    return psycopg2.connect(url or database_url(), application_name="fullfill")


def shared_connection() -> psycopg2.extensions.connection:
    """Return this process's connection, reopened when the server dropped it.

    Lambda containers keep it between invocations, so a warm worker skips the connect.
    """
    global _connection
    if _connection is None or _connection.closed:
        _connection = connect()
    return _connection


@contextlib.contextmanager
def transaction(
    conn: psycopg2.extensions.connection | None = None,
) -> Iterator[psycopg2.extensions.cursor]:
    """Yield a cursor inside one transaction, committed on success and rolled back on error."""
    conn = conn or shared_connection()
    try:
        with conn.cursor() as cur:
            yield cur
        conn.commit()
    except BaseException:
        if not conn.closed:
            conn.rollback()
        raise


def migrate(url: str | None = None) -> list[str]:
    """Apply the SQL files in chalicelib/migrations not yet applied, in name order.

    Returns the names applied. An advisory lock lets concurrent callers wait for each other.
    """
    conn = connect(url)
    applied: list[str] = []
    try:
        with transaction(conn) as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK_KEY,))
            cur.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            cur.execute("SELECT name FROM schema_migrations")
            done = {row[0] for row in cur.fetchall()}
            for name, sql in _migration_files():
                if name in done:
                    continue
                logger.info("applying migration %s", name)
                cur.execute(sql)
                cur.execute("INSERT INTO schema_migrations (name) VALUES (%s)", (name,))
                applied.append(name)
    finally:
        conn.close()
    return applied


def _migration_files() -> list[tuple[str, str]]:
    folder = resources.files("chalicelib") / "migrations"
    files = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".sql")),
        key=lambda entry: entry.name,
    )
    return [(entry.name, entry.read_text(encoding="utf-8")) for entry in files]
