"""FullFill's Chalice app: HTTP routes and the import pipeline's Lambda handlers.

Each handler parses its input, calls chalicelib and shapes the response. The logic lives in chalicelib.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from chalice import (
    BadRequestError,
    Chalice,
    ChaliceViewError,
    ConflictError,
    NotFoundError,
    Response,
)

from chalicelib.imports import pipeline, service
from chalicelib.logs import configure_logging
from chalicelib.products.routes import products_api

configure_logging()
app = Chalice(app_name="fullfill")
app.register_blueprint(products_api)


class GoneError(ChaliceViewError):
    STATUS_CODE = 410


@contextlib.contextmanager
def _http_errors() -> Iterator[None]:
    """Map the imports service's errors to HTTP statuses."""
    try:
        yield
    except service.InvalidRequest as exc:
        raise BadRequestError(str(exc)) from exc
    except service.JobNotFound as exc:
        raise NotFoundError(str(exc)) from exc
    except service.JobConflict as exc:
        raise ConflictError(str(exc)) from exc
    except service.UploadExpired as exc:
        raise GoneError(str(exc)) from exc


@app.route("/api/imports", methods=["POST"], cors=True)
def create_import() -> Response:
    with _http_errors():
        body = service.create_import(app.current_request.json_body)
    return Response(body=body, status_code=201)


@app.route("/api/imports", methods=["GET"], cors=True)
def list_imports() -> dict[str, Any]:
    with _http_errors():
        return service.list_imports(app.current_request.query_params)


@app.route("/api/imports/{job_id}/status", methods=["GET"], cors=True)
def import_status(job_id: str) -> dict[str, Any]:
    with _http_errors():
        return service.job_status(job_id)


@app.route("/api/imports/{job_id}/cancel", methods=["POST"], cors=True)
def cancel_import(job_id: str) -> dict[str, Any]:
    with _http_errors():
        return service.cancel_import(job_id)


@app.route("/api/imports/{job_id}/retry", methods=["POST"], cors=True)
def retry_import(job_id: str) -> Response:
    with _http_errors():
        return Response(body=service.retry_import(job_id), status_code=202)


@app.route("/api/imports/{job_id}/errors", methods=["GET"], cors=True)
def import_errors(job_id: str) -> dict[str, Any]:
    with _http_errors():
        return service.error_report(job_id)


@app.lambda_function(name="validate_import")
def validate_import(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return pipeline.validate(event)


@app.lambda_function(name="import_chunk")
def import_chunk(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return pipeline.import_chunk(event)


@app.lambda_function(name="finalize_import")
def finalize_import(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return pipeline.finalize(event)


@app.lambda_function(name="fail_import")
def fail_import(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return pipeline.mark_failed(event)


@app.lambda_function(name="index_products")
def index_products(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return pipeline.index_for_search(event)
