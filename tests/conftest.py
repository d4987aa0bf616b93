"""Fixtures shared by the test suites: a real PostgreSQL database per test session."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest

from chalicelib import db

ROOT = Path(__file__).resolve().parent.parent


def _server_url(dbname: str) -> str:
    url = subprocess.run(
        ["bash", str(ROOT / "infra/local/postgres.sh"), "url"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    return url.rsplit("/", 1)[0] + "/" + dbname


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """Create a fresh, migrated database for this session and drop it afterwards."""
    subprocess.run(["bash", str(ROOT / "infra/local/postgres.sh"), "start"], check=True,
                   stdout=subprocess.DEVNULL)
    name = f"fullfill_test_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(_server_url("postgres"))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    url = _server_url(name)
    db.migrate(url)
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    try:
        yield url
    finally:
        if previous is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous
        if db._connection is not None:
            db._connection.close()
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def conn(database_url: str) -> Iterator[psycopg2.extensions.connection]:
    """Yield a connection to an emptied database."""
    connection = psycopg2.connect(database_url)
    with connection, connection.cursor() as cur:
        cur.execute("TRUNCATE products, import_jobs CASCADE")
    try:
        yield connection
    finally:
        connection.close()
