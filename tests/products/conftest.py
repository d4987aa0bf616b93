"""Fixtures for the products API tests: a Chalice test client over an emptied database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import psycopg2.extensions
import pytest
from chalice.test import Client

from app import app

JSON_HEADERS = {"Content-Type": "application/json"}


class Api:
    """Thin helper over the Chalice test client that sends and decodes JSON."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, path: str) -> tuple[int, Any]:
        return self._decode(self.client.http.get(path))

    def post(self, path: str, body: Any) -> tuple[int, Any]:
        return self._send("post", path, body)

    def put(self, path: str, body: Any) -> tuple[int, Any]:
        return self._send("put", path, body)

    def delete(self, path: str, body: Any = None) -> tuple[int, Any]:
        return self._send("delete", path, body)

    def create(self, sku: str, name: str = "Steel mug", **fields: Any) -> dict[str, Any]:
        status, body = self.post("/api/products", {"sku": sku, "name": name, **fields})
        assert status == 201, body
        return body

    def _send(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        payload = b"" if body is None else json.dumps(body).encode()
        response = getattr(self.client.http, method)(path, headers=JSON_HEADERS, body=payload)
        return self._decode(response)

    @staticmethod
    def _decode(response: Any) -> tuple[int, Any]:
        return response.status_code, json.loads(response.body) if response.body else None


@pytest.fixture
def api(conn: psycopg2.extensions.connection) -> Iterator[Api]:
    with Client(app) as client:
        yield Api(client)
