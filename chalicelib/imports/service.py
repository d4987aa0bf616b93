"""Operations of the imports API: start, list, cancel and retry imports, report their status."""

from __future__ import annotations

import json
import logging
import unicodedata
import uuid
from typing import Any

import botocore.exceptions

from chalicelib import aws, config
from chalicelib.imports import jobs, reports, uploads

logger = logging.getLogger(__name__)

MAX_PAGE_SIZE = 100
MAX_PAGE = 10_000_000


class InvalidRequest(Exception):
    """The request cannot be served as sent. The message names the value that is wrong."""


class JobNotFound(Exception):
    """No import job has the requested id."""


class JobConflict(Exception):
    """The job's state does not allow the request (cancel a finished job, retry a running one)."""


class UploadExpired(Exception):
    """The job's upload is gone, so the job cannot run again."""


def create_import(body: Any) -> dict[str, Any]:
    file_name, size = _validated_upload(body)
    job = jobs.create_job(file_name, size)
    return {"job_id": str(job["id"]), **uploads.presigned_post(job["upload_key"])}


def job_status(job_id: str) -> dict[str, Any]:
    job = jobs.get_job(_parse_job_id(job_id))
    if job is None:
        raise JobNotFound(f"import job {job_id!r} not found")
    return jobs.status_payload(job, jobs.first_issues(job["id"]))


def list_imports(params: dict[str, str] | None) -> dict[str, Any]:
    page = _positive_int(params, "page", 1)
    page_size = _positive_int(params, "page_size", 20)
    if page > MAX_PAGE:
        raise InvalidRequest(f"'page' is {page}; the maximum is {MAX_PAGE}")
    if page_size > MAX_PAGE_SIZE:
        raise InvalidRequest(f"'page_size' is {page_size}; the maximum is {MAX_PAGE_SIZE}")
    jobs.expire_abandoned()
    items, total = jobs.list_jobs(page, page_size)
    return {
        "items": [jobs.status_payload(job) for job in items],
        "page": page,
        "page_size": page_size,
        "total": total,
        "pages": (total + page_size - 1) // page_size,
    }


def cancel_import(job_id: str) -> dict[str, Any]:
    """Cancel a running job and stop its execution; workers stop at their next batch."""
    job, cancelled = jobs.cancel(_parse_job_id(job_id))
    if job is None:
        raise JobNotFound(f"import job {job_id!r} not found")
    if not cancelled:
        raise JobConflict(f"import job {job_id} is already {job['status']}; only a queued, "
                          "validating or parsing job can be cancelled")
    if job["execution_arn"]:
        _stop_execution(job["execution_arn"])
    logger.info("job %s cancelled after %s rows", job["id"], job["processed_rows"])
    return jobs.status_payload(job, jobs.first_issues(job["id"]))


def retry_import(job_id: str) -> dict[str, Any]:
    """Run a failed or cancelled job again from its kept upload, resuming where it stopped."""
    job = jobs.get_job(_parse_job_id(job_id))
    if job is None:
        raise JobNotFound(f"import job {job_id!r} not found")
    if job["status"] not in ("failed", "cancelled"):
        raise JobConflict(f"import job {job_id} is {job['status']}; only a failed or cancelled "
                          "job can be retried")
    if not uploads.upload_exists(config.upload_bucket(), job["upload_key"]):
        raise UploadExpired(f"the file of import job {job_id} is no longer stored (it never "
                            "arrived, or it expired); start a new import with the file")
    job, requeued = jobs.requeue(job["id"])
    if not requeued:
        raise JobConflict(f"import job {job_id} changed to {job['status']} meanwhile; try again")
    _start_execution(job)
    logger.info("job %s retried (attempt %s)", job["id"], job["attempts"] + 1)
    return jobs.status_payload(job, jobs.first_issues(job["id"]))


def error_report(job_id: str) -> dict[str, Any]:
    """Return a presigned GET of the job's error report, writing the report first if needed."""
    job = jobs.get_job(_parse_job_id(job_id))
    if job is None:
        raise JobNotFound(f"import job {job_id!r} not found")
    if job["status"] in jobs.RUNNING:
        raise JobConflict(f"import job {job_id} is still {job['status']}; the error report is "
                          "written when it ends")
    if job["error_count"] == 0 and job["warning_count"] == 0:
        raise JobNotFound(f"import job {job_id} has no errors or warnings to report")
    return reports.report_url(job)


def _start_execution(job: dict[str, Any]) -> None:
    """Start the state machine as the upload's S3 event would."""
    arn = config.state_machine_arn()
    if arn is None:
        raise RuntimeError("STATE_MACHINE_ARN is not set")
    event = {"detail": {"bucket": {"name": config.upload_bucket()},
                        "object": {"key": job["upload_key"]}}}
    aws.stepfunctions().start_execution(
        stateMachineArn=arn, name=f"retry-{job['id']}-{job['attempts'] + 1}", input=json.dumps(event)
    )


def _stop_execution(execution_arn: str) -> None:
    try:
        aws.stepfunctions().stop_execution(
            executionArn=execution_arn, error="Cancelled", cause="cancelled by the user"
        )
    except botocore.exceptions.ClientError as exc:
        # The job is already cancelled in the database, which the workers check; an execution
        # that ended meanwhile cannot be stopped and needs nothing more.
        logger.warning("could not stop execution %s: %s", execution_arn, exc)


def _positive_int(params: dict[str, str] | None, name: str, default: int) -> int:
    raw = (params or {}).get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidRequest(f"'{name}' must be a whole number, got {raw!r}") from None
    if value < 1:
        raise InvalidRequest(f"'{name}' must be 1 or more, got {value}")
    return value


def _validated_upload(body: Any) -> tuple[str, int]:
    if not isinstance(body, dict):
        raise InvalidRequest("request body must be a JSON object with 'filename' and 'size'")
    file_name = body.get("filename")
    size = body.get("size")
    if not isinstance(file_name, str) or not file_name.strip():
        raise InvalidRequest("'filename' is required and must be a non-empty string")
    file_name = file_name.strip()
    unprintable = next((ch for ch in file_name if unicodedata.category(ch) in ("Cc", "Cf", "Cs")), None)
    if unprintable is not None:
        raise InvalidRequest(
            f"'filename' contains the invisible or control character U+{ord(unprintable):04X}; "
            "rename the file"
        )
    if len(file_name) > 255:
        raise InvalidRequest(f"'filename' is {len(file_name)} characters long; the maximum is 255")
    if not file_name.lower().endswith(".csv"):
        raise InvalidRequest(f"file name {file_name!r} does not end in .csv; upload a CSV file")
    if isinstance(size, bool) or not isinstance(size, int):
        raise InvalidRequest(f"'size' must be a whole number of bytes, got {size!r}")
    if size < 0:
        raise InvalidRequest(f"'size' must be the file's size in bytes, got {size}")
    if size == 0:
        raise InvalidRequest(f"file {file_name!r} is empty (size 0); nothing to import")
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
