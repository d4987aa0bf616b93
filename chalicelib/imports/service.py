"""What the imports API does: start an import, report its status."""

from __future__ import annotations

import uuid
from typing import Any

from chalicelib import config
from chalicelib.imports import jobs, uploads


class InvalidRequest(Exception):
    """The request cannot be served as sent; the message says which value is wrong."""


class JobNotFound(Exception):
    """No import job has the requested id."""


def create_import(body: Any) -> dict[str, Any]:
    file_name, size = _validated_upload(body)
    job = jobs.create_job(file_name, size)
    return {"job_id": str(job["id"]), **uploads.presigned_post(job["upload_key"])}


def job_status(job_id: str) -> dict[str, Any]:
    job = jobs.get_job(_parse_job_id(job_id))
    if job is None:
        raise JobNotFound(f"import job {job_id!r} not found")
    return jobs.status_payload(job, jobs.first_issues(job["id"]))


def _validated_upload(body: Any) -> tuple[str, int]:
    if not isinstance(body, dict):
        raise InvalidRequest("request body must be a JSON object with 'filename' and 'size'")
    file_name = body.get("filename")
    size = body.get("size")
    if not isinstance(file_name, str) or not file_name.strip():
        raise InvalidRequest("'filename' is required and must be a non-empty string")
    file_name = file_name.strip()
    if len(file_name) > 255:
        raise InvalidRequest(f"'filename' is {len(file_name)} characters long; the maximum is 255")
    if not file_name.lower().endswith(".csv"):
        raise InvalidRequest(f"file name {file_name!r} does not end in .csv; upload a CSV file")
    if isinstance(size, bool) or not isinstance(size, int):
        raise InvalidRequest(f"'size' must be a whole number of bytes, got {size!r}")
    if size < 1:
        raise InvalidRequest(f"file {file_name!r} is empty (size {size}); nothing to import")
    if size > config.MAX_UPLOAD_BYTES:
        raise InvalidRequest(
            f"file {file_name!r} is {size} bytes; the maximum is {config.MAX_UPLOAD_BYTES} "
            "bytes (500 MB)"
        )
    return file_name, size


def _parse_job_id(job_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(job_id)
    except ValueError:
        raise JobNotFound(f"import job {job_id!r} not found") from None
