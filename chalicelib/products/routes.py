"""Routes of the products API and of the OpenAPI document.

Every error body is {"message": "...", "errors": {field: message}}; see chalicelib/openapi.py
for the full contract.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from chalice import BadRequestError, Blueprint, Response

from chalicelib import openapi
from chalicelib.products import service, validation
from chalicelib.products.errors import (
    InvalidRequestError,
    ProductConflictError,
    ProductError,
    ProductNotFoundError,
)

logger = logging.getLogger(__name__)

products_api = Blueprint(__name__)

BULK_DELETE_SKU = "bulk-delete"
_STATUS_BY_ERROR: dict[type[ProductError], int] = {
    InvalidRequestError: 400,
    ProductNotFoundError: 404,
    ProductConflictError: 409,
}


def _json(status: int, body: Any) -> Response:
    return Response(body=body, status_code=status, headers={"Content-Type": "application/json"})


def _error_response(error: ProductError) -> Response:
    errors = error.errors if isinstance(error, InvalidRequestError) else {}
    return _json(_STATUS_BY_ERROR[type(error)], {"message": str(error), "errors": errors})


def _handles_errors(view: Callable[..., Response]) -> Callable[..., Response]:
    @functools.wraps(view)
    def wrapper(*args: str, **kwargs: str) -> Response:
        try:
            return view(*args, **kwargs)
        except ProductError as error:
            logger.info("products request rejected: %s", error)
            return _error_response(error)

    return wrapper


def _json_body() -> Any:
    request = products_api.current_request
    if not request.raw_body:
        return None
    try:
        return request.json_body
    except BadRequestError as exc:
        preview = request.raw_body[:40]
        raise InvalidRequestError(f"the request body is not valid JSON: {preview!r}") from exc


def _query_params() -> dict[str, str]:
    return dict(products_api.current_request.query_params or {})


@products_api.route("/api/openapi.json", methods=["GET"], cors=True)
def openapi_document() -> Response:
    return _json(200, openapi.document())


@products_api.route("/api/products", methods=["GET"], cors=True)
@_handles_errors
def list_products() -> Response:
    query = validation.parse_list_query(_query_params())
    return _json(200, service.list_products(query))


@products_api.route("/api/products", methods=["POST"], cors=True)
@_handles_errors
def create_product() -> Response:
    fields = validation.parse_new_product(_json_body())
    return _json(201, service.create_product(fields.values))


@products_api.route("/api/products/{sku}", methods=["GET"], cors=True)
@_handles_errors
def get_product(sku: str) -> Response:
    return _json(200, service.get_product(validation.parse_path_sku(sku)))


@products_api.route("/api/products/{sku}", methods=["PUT"], cors=True)
@_handles_errors
def update_product(sku: str) -> Response:
    return _update(validation.parse_path_sku(sku))


@products_api.route("/api/products/{sku}", methods=["DELETE"], cors=True)
@_handles_errors
def delete_product(sku: str) -> Response:
    return _delete_one(validation.parse_path_sku(sku))


# API Gateway routes /api/products/bulk-delete to this static path for every method, so
# the single product whose SKU is "bulk-delete" is served here for GET and PUT as well.
@products_api.route(f"/api/products/{BULK_DELETE_SKU}", methods=["GET"], cors=True)
@_handles_errors
def get_bulk_delete_product() -> Response:
    return _json(200, service.get_product(BULK_DELETE_SKU))


@products_api.route(f"/api/products/{BULK_DELETE_SKU}", methods=["PUT"], cors=True)
@_handles_errors
def update_bulk_delete_product() -> Response:
    return _update(BULK_DELETE_SKU)


@products_api.route(f"/api/products/{BULK_DELETE_SKU}", methods=["DELETE"], cors=True)
@_handles_errors
def bulk_delete() -> Response:
    """Delete every product, or with ?single=true only the product named "bulk-delete"."""
    params = _query_params()
    unknown = sorted(set(params) - {"single"})
    if unknown:
        raise InvalidRequestError(f"unknown parameter {unknown[0]!r}; expected 'single'",
                                  {unknown[0]: "unknown parameter"})
    single = params.get("single")
    if single not in (None, "true"):
        message = f"invalid value {single!r}; the only accepted value is 'true'"
        raise InvalidRequestError(f"single: {message}", {"single": message})
    if single == "true":
        if _json_body() is not None:
            raise InvalidRequestError("?single=true deletes one product and takes no body")
        return _delete_one(BULK_DELETE_SKU)

    validation.parse_bulk_delete(_json_body())
    return _json(200, {"deleted": service.delete_all_products()})


def _update(sku: str) -> Response:
    fields = validation.parse_product_update(_json_body(), sku)
    return _json(200, service.update_product(sku, fields.values))


def _delete_one(sku: str) -> Response:
    service.delete_product(sku)
    return Response(body="", status_code=204)
