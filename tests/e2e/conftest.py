"""Fixtures for end-to-end tests through the deployed local stack (`make up`)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import psycopg2
import pytest

ROOT = Path(__file__).resolve().parents[2]
STACK_FILE = ROOT / ".fullfill" / "stack.json"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.localstack)


@pytest.fixture(scope="session")
def stack() -> dict[str, str]:
    if not STACK_FILE.exists():
        pytest.fail(f"{STACK_FILE} is missing: start the local stack with `make up` first")
    return json.loads(STACK_FILE.read_text())


@pytest.fixture(scope="session")
def s3(stack: dict[str, str]) -> Any:
    return boto3.client("s3", endpoint_url=stack["aws_endpoint_url"], region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


@pytest.fixture
def stack_db(stack: dict[str, str]) -> Iterator[Any]:
    conn = psycopg2.connect(stack["database_url"])
    conn.autocommit = True
    try:
        yield conn
    finally:
        conn.close()


@pytest.fixture
def sku_prefix() -> str:
    """A prefix that keeps each test's products apart in the shared stack database."""
    return f"t{uuid.uuid4().hex[:10]}-"
