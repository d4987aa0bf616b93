"""The OpenAPI 3.0 document of FullFill's whole HTTP API, served at GET /api/openapi.json.

tests/products/test_openapi.py checks that its paths and methods equal the app's routes.
"""

from __future__ import annotations

import copy
from typing import Any

from chalicelib.products import validation

JSON = "application/json"
IMPORTS_DEFAULT_PAGE_SIZE = 20
IMPORTS_MAX_PAGE_SIZE = 100
_DOCUMENT: dict[str, Any] | None = None


def document() -> dict[str, Any]:
    """Return a copy of the OpenAPI document."""
    global _DOCUMENT
    if _DOCUMENT is None:
        _DOCUMENT = _build()
    return copy.deepcopy(_DOCUMENT)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {JSON: {"schema": schema}}}


def _response(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": description}
    if schema is not None:
        answer.update(_json_content(schema))
    return answer


def _error(description: str) -> dict[str, Any]:
    return _response(description, _ref("Error"))


def _chalice_error(description: str) -> dict[str, Any]:
    return _response(description, _ref("ChaliceError"))


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


def _path(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema,
            "description": description}


def _page_parameters(
    max_size: int, default_size: int = validation.DEFAULT_PAGE_SIZE
) -> list[dict[str, Any]]:
    return [
        _query("page", {"type": "integer", "minimum": 1, "maximum": validation.MAX_PAGE,
                        "default": 1}, "1-based page number."),
        _query("page_size", {"type": "integer", "minimum": 1, "maximum": max_size,
                             "default": default_size}, "Items per page."),
    ]


SKU_PATH = _path(
    "sku",
    "Product SKU, percent-encoded once. Matched after trimming and lowercasing. Chalice and "
    "API Gateway do not match '/' inside a path parameter, so an SKU containing '/' cannot be "
    "addressed here; find it with GET /api/products?search=. The literal path segment "
    "'bulk-delete' has its own route (see DELETE /api/products/bulk-delete).",
    {"type": "string", "minLength": 1, "maxLength": 765},
)
JOB_ID_PATH = _path("job_id", "Import job id.", {"type": "string", "format": "uuid"})

PRODUCT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["sku", "name", "description", "price", "active", "created_at", "updated_at"],
    "properties": {
        "sku": {"type": "string", "description": "Trimmed and lowercased; unique."},
        "name": {"type": "string"},
        "description": {"type": "string"},
        "price": {"type": "string", "nullable": True, "pattern": r"^[0-9]+\.[0-9]{2}$",
                  "description": "Exact decimal with two places, as a string (\"9.99\"), or null."},
        "active": {"type": "boolean"},
        "created_at": {"type": "string", "format": "date-time",
                       "description": "ISO 8601 in UTC, e.g. 2026-12-04T16:13:37.123456Z."},
        "updated_at": {"type": "string", "format": "date-time"},
    },
}

PRICE_INPUT: dict[str, Any] = {
    "nullable": True,
    "description": "A JSON number or a decimal string (\"9.99\"), at least 0, at most "
                   f"{validation.MAX_PRICE}, with at most two decimal places; null clears it.",
    "anyOf": [{"type": "number"}, {"type": "string"}],
}


def _product_input(required: list[str]) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "sku": {"type": "string", "description": "Stored trimmed and lowercased; 1-255 "
                    "characters after trimming; no control characters."},
            "name": {"type": "string", "description": "Trimmed; 1-"
                     f"{validation.MAX_NAME_LENGTH} characters; no control characters."},
            "description": {"type": "string", "description": "At most "
                            f"{validation.MAX_DESCRIPTION_LENGTH} characters; tab, CR and LF "
                            "are the only control characters allowed."},
            "price": PRICE_INPUT,
            "active": {"type": "boolean"},
        },
    }
    if required:
        schema["required"] = required
    return schema


def _page_of(item: dict[str, Any], estimate: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "items": {"type": "array", "items": item},
        "page": {"type": "integer"},
        "page_size": {"type": "integer"},
        "total": {"type": "integer"},
        "pages": {"type": "integer"},
    }
    if estimate:
        properties["total_is_estimate"] = {
            "type": "boolean",
            "description": "True when `total` and `pages` are estimates from a sample: "
                           "only for a search matching more than 20,000 products.",
        }
    return {"type": "object", "required": list(properties), "properties": properties}


SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["message"],
        "properties": {
            "message": {"type": "string", "description": "What failed, quoting the value."},
            "errors": {"type": "object", "additionalProperties": {"type": "string"},
                       "description": "One message per invalid field or parameter."},
        },
    },
    "ChaliceError": {
        "type": "object",
        "description": "Error body of the import routes, as Chalice writes it.",
        "required": ["Code", "Message"],
        "properties": {"Code": {"type": "string"}, "Message": {"type": "string"}},
    },
    "Product": PRODUCT_SCHEMA,
    "NewProduct": _product_input(["sku", "name"]),
    "ProductUpdate": _product_input([]),
    "ProductPage": _page_of(_ref("Product"), estimate=True),
    "BulkDeleteRequest": {
        "type": "object",
        "required": ["confirm"],
        "properties": {"confirm": {"type": "string", "enum": ["DELETE"]}},
    },
    "BulkDeleteResult": {
        "type": "object",
        "required": ["deleted"],
        "properties": {"deleted": {"type": "integer", "minimum": 0}},
    },
    "ImportRequest": {
        "type": "object",
        "required": ["filename", "size"],
        "properties": {"filename": {"type": "string"},
                       "size": {"type": "integer", "minimum": 1, "description": "Bytes."}},
    },
    "ImportCreated": {
        "type": "object",
        "required": ["job_id", "upload", "expires_at"],
        "properties": {
            "job_id": {"type": "string", "format": "uuid"},
            "upload": {
                "type": "object",
                "description": "A presigned S3 POST: send the file as multipart form data to "
                               "`url` with `fields` first.",
                "required": ["url", "fields"],
                "properties": {"url": {"type": "string"},
                               "fields": {"type": "object",
                                          "additionalProperties": {"type": "string"}}},
            },
            "expires_at": {"type": "string", "format": "date-time"},
        },
    },
    "ImportStatus": {
        "type": "object",
        "required": ["job_id", "status"],
        "properties": {
            "job_id": {"type": "string", "format": "uuid"},
            "status": {"type": "string", "enum": ["queued", "validating", "parsing",
                                                  "completed", "failed", "cancelled"]},
            "file_name": {"type": "string"},
            "size": {"type": "integer", "description": "Upload size in bytes."},
            "total_rows": {"type": "integer", "nullable": True},
            "processed_rows": {"type": "integer"},
            "created": {"type": "integer", "description": "Products created."},
            "updated": {"type": "integer", "description": "Products updated."},
            "error_count": {"type": "integer"},
            "warning_count": {"type": "integer"},
            "errors": {"type": "array", "description": "The first few row errors.",
                       "items": {"type": "object"}},
            "message": {"type": "string", "nullable": True},
            "progress": {"type": "number", "nullable": True},
            "encoding": {"type": "string", "nullable": True},
            "delimiter": {"type": "string", "nullable": True},
            "column_map": {"type": "object", "nullable": True},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
            "started_at": {"type": "string", "format": "date-time", "nullable": True},
            "finished_at": {"type": "string", "format": "date-time", "nullable": True},
            "retry_until": {"type": "string", "format": "date-time", "nullable": True,
                            "description": "Set for failed and cancelled jobs: the last moment "
                                           "a retry can find the upload."},
        },
    },
    "ImportPage": _page_of(_ref("ImportStatus"), estimate=False),
    "DownloadLink": {
        "type": "object",
        "required": ["url", "expires_at"],
        "properties": {"url": {"type": "string"},
                       "expires_at": {"type": "string", "format": "date-time"}},
    },
}


def _product_paths() -> dict[str, Any]:
    product = _response("The product.", _ref("Product"))
    list_parameters = [
        *_page_parameters(validation.MAX_PAGE_SIZE),
        _query("search", {"type": "string", "maxLength": validation.MAX_SEARCH_LENGTH},
               "Case-insensitive substring of SKU, name or description; % and _ match "
               "themselves. Searches of one or two characters cannot use the index and scan "
               "the table."),
        _query("status", {"type": "string", "enum": list(validation.STATUSES),
                          "default": "all"}, "Filter on `active`."),
    ]
    update = {"required": True, **_json_content(_ref("ProductUpdate")),
              "description": "Partial update: fields left out keep their value. `sku`, when "
                             "present, must equal the path's SKU after normalisation."}
    single = _query("single", {"type": "string", "enum": ["true"]},
                    "Delete only the product whose SKU is 'bulk-delete'.")
    return {
        "/api/products": {
            "get": {
                "summary": "List products ordered by SKU, with search and status filter",
                "description": "`total` is exact without a search (kept by triggers) and for "
                               "searches matching at most 20,000 products; otherwise it is "
                               "estimated from a sample and `total_is_estimate` is true. "
                               "Unknown parameters are rejected.",
                "parameters": list_parameters,
                "responses": {"200": _response("One page.", _ref("ProductPage")),
                              "400": _error("Invalid parameter; `errors` names it.")},
            },
            "post": {
                "summary": "Create a product by hand",
                "requestBody": {"required": True, **_json_content(_ref("NewProduct"))},
                "responses": {"201": _response("Created.", _ref("Product")),
                              "400": _error("Invalid field; `errors` has one message each."),
                              "409": _error("An SKU equal after trimming and lowercasing "
                                            "exists.")},
            },
        },
        "/api/products/{sku}": {
            "parameters": [SKU_PATH],
            "get": {"summary": "Read one product",
                    "responses": {"200": product, "400": _error("Invalid SKU."),
                                  "404": _error("No such product.")}},
            "put": {"summary": "Update a product (partial); sets `active` too",
                    "requestBody": update,
                    "responses": {"200": product,
                                  "400": _error("Invalid field or a different SKU."),
                                  "404": _error("No such product.")}},
            "delete": {"summary": "Delete one product",
                       "responses": {"204": _response("Deleted."),
                                     "400": _error("Invalid SKU."),
                                     "404": _error("No such product.")}},
        },
        "/api/products/bulk-delete": {
            "get": {"summary": "Read the product whose SKU is 'bulk-delete'",
                    "responses": {"200": product, "404": _error("No such product.")}},
            "put": {"summary": "Update the product whose SKU is 'bulk-delete'",
                    "requestBody": update,
                    "responses": {"200": product, "400": _error("Invalid field."),
                                  "404": _error("No such product.")}},
            "delete": {
                "summary": "Delete every product (or, with ?single=true, the product "
                           "'bulk-delete')",
                "description": "Without `single`, the body {\"confirm\": \"DELETE\"} is "
                               "required, else 400. Refused with 409 while an import is "
                               "validating or parsing. Uses TRUNCATE, so it takes "
                               "milliseconds whatever the table size. With ?single=true it "
                               "deletes only the product whose SKU is 'bulk-delete' and "
                               "takes no body.",
                "parameters": [single],
                "requestBody": {"required": False,
                                **_json_content(_ref("BulkDeleteRequest"))},
                "responses": {"200": _response("Products deleted.", _ref("BulkDeleteResult")),
                              "204": _response("The single product was deleted."),
                              "400": _error("Missing confirmation or a bad parameter."),
                              "404": _error("?single=true and no product 'bulk-delete'."),
                              "409": _error("An import is running, or the table is busy.")},
            },
        },
        "/api/openapi.json": {
            "get": {"summary": "This document",
                    "responses": {"200": _response("OpenAPI 3.0 document.",
                                                   {"type": "object"})}},
        },
    }


def _import_paths() -> dict[str, Any]:
    not_found = _chalice_error("No such job.")
    return {
        "/api/imports": {
            "post": {
                "summary": "Start an import: returns a presigned upload for the CSV file",
                "requestBody": {"required": True, **_json_content(_ref("ImportRequest"))},
                "responses": {"201": _response("Job created.", _ref("ImportCreated")),
                              "400": _chalice_error("Invalid file name or size.")},
            },
            "get": {
                "summary": "List import jobs, newest first",
                "parameters": _page_parameters(IMPORTS_MAX_PAGE_SIZE, IMPORTS_DEFAULT_PAGE_SIZE),
                "responses": {"200": _response("One page.", _ref("ImportPage")),
                              "400": _chalice_error("Invalid parameter.")},
            },
        },
        "/api/imports/{job_id}/status": {
            "parameters": [JOB_ID_PATH],
            "get": {"summary": "Progress and result of one import",
                    "responses": {"200": _response("Status.", _ref("ImportStatus")),
                                  "404": not_found}},
        },
        "/api/imports/{job_id}/cancel": {
            "parameters": [JOB_ID_PATH],
            "post": {"summary": "Cancel a running import",
                     "responses": {"200": _response("Cancelled.", _ref("ImportStatus")),
                                   "404": not_found,
                                   "409": _chalice_error("The job has already finished.")}},
        },
        "/api/imports/{job_id}/retry": {
            "parameters": [JOB_ID_PATH],
            "post": {"summary": "Retry a failed import from its uploaded file",
                     "responses": {"202": _response("Retry started.", _ref("ImportStatus")),
                                   "404": not_found,
                                   "409": _chalice_error("The job cannot be retried in its state."),
                                   "410": _chalice_error("The uploaded file has expired.")}},
        },
        "/api/imports/{job_id}/errors": {
            "parameters": [JOB_ID_PATH],
            "get": {"summary": "Link to the job's full error report",
                    "responses": {"200": _response("Presigned download.",
                                                   _ref("DownloadLink")),
                                  "404": _chalice_error("No such job, or it has no errors "
                                                        "or warnings."),
                                  "409": _chalice_error("The job is still running.")}},
        },
    }


def _build() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "FullFill API", "version": "1.0.0",
                 "description": "Product catalogue and CSV imports. Errors are JSON: "
                                "{\"message\": ..., \"errors\": {field: message}}."},
        "paths": {**_product_paths(), **_import_paths()},
        "components": {"schemas": SCHEMAS},
    }
