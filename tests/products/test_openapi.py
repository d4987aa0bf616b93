"""The OpenAPI document against the real routes, and a schemathesis fuzz run of the products API."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

import psycopg2.extensions
import pytest
import schemathesis
from chalice.config import Config
from chalice.local import LocalGateway, LocalGatewayException
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from app import app
from chalicelib import openapi

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}
# Products routes only: the import routes need S3 and Step Functions, which this suite lacks.
FUZZED_PATHS = r"^/api/(products|openapi\.json)"
# Short by default; set PRODUCTS_FUZZ_EXAMPLES=500 for a longer run.
FUZZ_EXAMPLES = int(os.environ.get("PRODUCTS_FUZZ_EXAMPLES", "25"))


def documented_operations() -> set[tuple[str, str]]:
    paths = openapi.document()["paths"]
    return {
        (path, method.upper())
        for path, item in paths.items()
        for method in item
        if method in HTTP_METHODS
    }


def routed_operations() -> set[tuple[str, str]]:
    return {(path, method) for path, methods in app.routes.items() for method in methods}


def test_openapi_documents_every_route() -> None:
    missing = routed_operations() - documented_operations()

    assert not missing, f"routes missing from the OpenAPI document: {sorted(missing)}"


def test_openapi_documents_no_missing_route() -> None:
    extra = documented_operations() - routed_operations()

    assert not extra, f"documented operations with no route in app.py: {sorted(extra)}"


def test_openapi_path_parameters_match_templates() -> None:
    for path, item in openapi.document()["paths"].items():
        declared = {p["name"] for p in item.get("parameters", []) if p["in"] == "path"}
        templated = {part[1:-1] for part in path.split("/") if part.startswith("{")}
        assert declared == templated, path


class ChaliceWsgi:
    """A WSGI application that hands each request to Chalice's local API Gateway."""

    def __init__(self) -> None:
        self.gateway = LocalGateway(app, Config())

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        # Keep the path percent-encoded, as API Gateway's REST routing receives it.
        path = environ.get("RAW_URI") or quote(environ.get("PATH_INFO", "/"))
        if "?" not in path and environ.get("QUERY_STRING"):
            path += "?" + environ["QUERY_STRING"]
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        try:
            response = self.gateway.handle_request(environ["REQUEST_METHOD"], path, headers, body)
        except LocalGatewayException as error:
            start_response(f"{error.CODE} Error", list(error.headers.items()))
            return [error.body or b""]
        payload = response.get("body") or b""
        if response.get("isBase64Encoded"):
            payload = base64.b64decode(payload)
        elif isinstance(payload, str):
            payload = payload.encode()
        start_response(f"{response['statusCode']} Status", list(response["headers"].items()))
        return [payload]


schema = schemathesis.openapi.from_dict(openapi.document()).include(path_regex=FUZZED_PATHS)


@pytest.fixture
def wsgi_app(conn: psycopg2.extensions.connection) -> ChaliceWsgi:
    with conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO products (sku, name, price) VALUES"
            " ('mug-01', 'Steel mug', 9.99), ('bulk-delete', 'Odd name', NULL)"
        )
    return ChaliceWsgi()


@schema.parametrize()
@settings(max_examples=FUZZ_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_products_api_fuzz_finds_no_server_error(case: schemathesis.Case,
                                                 wsgi_app: ChaliceWsgi) -> None:
    case.call_and_validate(app=wsgi_app,
                           checks=[not_a_server_error, response_schema_conformance])
