"""The import state machine's steps: validate and plan, import one chunk, finalize, fail.

Each function is the body of one Lambda handler in app.py and takes the state's JSON input.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import queue
import threading
import uuid
from collections.abc import Generator, Iterator
from typing import Any, TypeVar

import botocore.exceptions
import psycopg2

from chalicelib import config, db
from chalicelib.imports import faults, jobs, reports, uploads, upsert
from chalicelib.imports.errors import ImportRejected
from chalicelib.imports.fileformat import FileFormat, Utf8Scan, as_windows_1252, read_format
from chalicelib.imports.planning import Chunk, plan_chunks
from chalicelib.imports.rows import Issue, Row, parse_chunk
from chalicelib.products import search_index

logger = logging.getLogger(__name__)

_T = TypeVar("_T")


MIXED_ENCODING_WARNING = (
    "the file mixes UTF-8 text with bytes that are not UTF-8, so all of it was read as "
    "Windows-1252 and its UTF-8 characters (such as 'é') show as two characters ('Ã©'); "
    "save the whole file as UTF-8 and import it again"
)


class TransientError(Exception):
    """A step failed for a reason that a retry may not meet (a dropped connection, a deadlock).

    The state machine retries steps that raise it.
    """


def validate(event: dict[str, Any]) -> dict[str, Any]:
    """Check the uploaded file's header, detect its format and plan its chunks in one pass."""
    bucket, key = event["bucket"], event["key"]
    job_id = jobs.job_id_from_key(key)
    if job_id is None:
        raise ImportRejected(f"object key {key!r} is not an upload this service handed out")
    with _transient_errors():
        job = jobs.start_validating(job_id, event.get("execution_arn"))
        if job is None:
            logger.info("job %s is not queued; ignoring repeated upload event", job_id)
            return {"skip": True, "job_id": str(job_id)}

        chunks = jobs.planned_chunks(job_id)
        warnings: list[str] = []
        if chunks and job["file_format"]:
            # A retry: keep the first attempt's plan, so committed chunk progress stays valid.
            format_dict, total_rows = job["file_format"], job["total_rows"]
        else:
            format_dict, total_rows, chunks, warnings = _plan(bucket, key)
        if job["status"] != "parsing" and not jobs.start_parsing(
            job_id, total_rows, format_dict, chunks, warnings
        ):
            return {"skip": True, "job_id": str(job_id)}
    logger.info(
        "job %s planned: %s rows in %s chunks", job_id, total_rows, len(chunks),
        extra={"job_id": job_id},
    )
    shared = {"job_id": str(job_id), "job_seq": job["seq"], "bucket": bucket, "key": key}
    # Each Map item carries all its worker needs: an ItemSelector that assembles them costs
    # LocalStack's Map noticeably more time per item.
    # Last chunk first: later chunks repeat more SKUs of earlier ones, meet more conflicting
    # writes and take longer, so starting them first leaves the quick ones to fill the end of
    # the Map. On the 500k sample: median 100,600 rows/s against 94,600 in file order.
    items = [{**shared, "format": format_dict, "chunk": chunk} for chunk in reversed(chunks)]
    return {"skip": False, **shared, "items": items}


def _plan(
    bucket: str, key: str
) -> tuple[dict[str, Any], int, list[dict[str, Any]], list[str]]:
    """Detect the file's format and plan its chunks in one streaming read.

    Returns the format, the row count, the chunks and warnings about the whole file. The
    caller, validate, turns connection errors into TransientError.
    """
    file_size = uploads.object_size(bucket, key)
    blocks = uploads.read_all(bucket, key)
    file_format, head = read_format(blocks)
    data = itertools.chain([head], blocks)
    scan = Utf8Scan(data) if file_format.encoding == "utf-8" else None
    plan = plan_chunks(data if scan is None else scan, file_format, config.chunk_bytes(file_size))
    warnings = []
    if scan is not None and not scan.valid:
        # Detection decodes only the head of the file, but one encoding is used for all of it.
        logger.info("%s is not valid UTF-8 past its head; reading it as Windows-1252", key)
        file_format = as_windows_1252(file_format)
        if scan.saw_utf8_text:
            warnings.append(MIXED_ENCODING_WARNING)
    chunks = [chunk.to_dict() for chunk in plan.chunks]
    return file_format.to_dict(), plan.total_rows, chunks, warnings


def import_chunk(event: dict[str, Any]) -> dict[str, Any]:
    """Upsert one chunk's rows in batches, resuming after rows an earlier attempt committed."""
    job_id = uuid.UUID(event["job_id"])
    chunk = Chunk.from_dict(event["chunk"])
    file_format = FileFormat.from_dict(event["format"])
    with _transient_errors():
        result = _import_chunk(event, job_id, chunk, file_format)
    result["peak_rss_mb"] = _peak_rss_mb()
    return result


def _peak_rss_mb() -> float | None:
    """Return this process's peak resident memory, earlier invocations of a warm worker included.

    Reads VmHWM, because getrusage's ru_maxrss of a process forked from a large parent (the
    local Lambda executor) starts at the parent's peak.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _import_chunk(
    event: dict[str, Any], job_id: uuid.UUID, chunk: Chunk, file_format: FileFormat
) -> dict[str, Any]:
    conn = db.shared_connection()
    upsert.prepare_staging(conn)
    committed = _committed_rows(conn, job_id, chunk.index)
    if committed >= chunk.row_count:
        return {"chunk": chunk.index, "rows": 0, "resumed_at": committed}

    blocks = uploads.read_range(event["bucket"], event["key"], chunk.start, chunk.end)
    batches = _read_ahead(_batches(parse_chunk(blocks, file_format, chunk, skip_rows=committed)))
    has_description = "description" in file_format.field_indexes
    imported = 0
    # Closing the read-ahead stops its thread when the loop ends early or raises.
    with contextlib.closing(batches):
        for consumed, rows, issues in batches:
            try:
                upsert.commit_batch(
                    conn, job_id=job_id, job_seq=int(event["job_seq"]), chunk_index=chunk.index,
                    committed_before=committed, consumed=consumed, rows=rows, issues=issues,
                    has_description=has_description,
                )
            except upsert.JobNotRunning:
                logger.info("job %s stopped; chunk %s ends early", job_id, chunk.index,
                            extra={"job_id": job_id, "chunk": chunk.index})
                return {"chunk": chunk.index, "rows": imported, "stopped": True}
            committed += consumed
            imported += consumed
            faults.crash_if_requested(job_id, chunk.index)
    logger.info("chunk %s of job %s done: %s rows", chunk.index, job_id, imported,
                extra={"job_id": job_id, "chunk": chunk.index})
    return {"chunk": chunk.index, "rows": imported, "resumed_at": committed - imported}


def _read_ahead(items: Iterator[_T]) -> Generator[_T, None, None]:
    """Yield the items of `items`, producing the next one in a thread while the caller works.

    A chunk worker parses the next batch while PostgreSQL upserts the current one (psycopg2
    releases the GIL while it waits for the server), so the worker and its database session
    both stay busy. At most one batch waits ahead. Closing the generator stops the thread.
    """
    ready: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if not _offer(ready, ("item", item), stop):
                    return
            _offer(ready, ("end", None), stop)
        except BaseException as exc:  # Handed to the consumer, which raises it.
            _offer(ready, ("error", exc), stop)

    thread = threading.Thread(target=produce, name="read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = ready.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        thread.join()


def _offer(ready: queue.Queue[tuple[str, Any]], entry: tuple[str, Any], stop: threading.Event) -> bool:
    """Put `entry` on the queue unless the consumer stopped; return whether it was put."""
    while not stop.is_set():
        try:
            ready.put(entry, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


def _batches(
    records: Iterator[Row | Issue],
) -> Iterator[tuple[int, list[Row], list[Issue]]]:
    """Group parsed records into batches of at most BATCH_ROWS records.

    Yields (records consumed, rows, issues). A record is consumed by its row or by its error;
    warnings travel in the batch of the row they belong to, which follows them.
    """
    rows: list[Row] = []
    issues: list[Issue] = []
    consumed = 0
    for record in records:
        if type(record[0]) is int:
            rows.append(record)
            consumed += 1
        else:
            issues.append(record)
            if record[0] == "error":
                consumed += 1
        if consumed == config.BATCH_ROWS:
            yield consumed, rows, issues
            rows, issues, consumed = [], [], 0
    if consumed or issues:
        yield consumed, rows, issues


def finalize(event: dict[str, Any]) -> dict[str, Any]:
    """Write the error report, delete the upload, then mark the job completed.

    The job turns `completed` last, so a client that sees it finds the report ready and the
    upload gone.
    """
    job_id = uuid.UUID(event["job_id"])
    with _transient_errors():
        return _finalize(event, job_id)


def _finalize(event: dict[str, Any], job_id: uuid.UUID) -> dict[str, Any]:
    job = jobs.get_job(job_id)
    if job is None or job["status"] != "parsing":
        logger.info("job %s is not parsing at finalize; leaving it", job_id)
        return {"job_id": str(job_id), "completed": False}
    missing = _uncommitted_rows(job_id)
    if missing:
        raise RuntimeError(f"{missing} rows of job {job_id} were planned but never committed")
    if job["error_count"] or job["warning_count"]:
        reports.write_report(job)
    uploads.delete_upload(event["bucket"], event["key"])
    job = jobs.complete(job_id)
    if job is None:
        logger.info("job %s stopped parsing during finalize; leaving it", job_id)
        return {"job_id": str(job_id), "completed": False}
    logger.info(
        "job %s completed: %s rows, %s created, %s updated, %s errors",
        job_id, job["processed_rows"], job["created_rows"], job["updated_rows"],
        job["error_count"], extra={"job_id": job_id},
    )
    return {"job_id": str(job_id), "completed": True}


def index_for_search(event: dict[str, Any]) -> dict[str, Any]:
    """Move the products the import wrote into the search index, in bulk."""
    with _transient_errors():
        indexed = search_index.index_pending(db.shared_connection())
    return {"job_id": event.get("job_id"), "indexed": indexed}


def mark_failed(event: dict[str, Any]) -> dict[str, Any]:
    """Record why the execution failed, in words the user can act on; keep the upload."""
    job_id = uuid.UUID(event["job_id"]) if event.get("job_id") else None
    if job_id is None:
        job_id = jobs.job_id_from_key(event.get("key", ""))
    if job_id is None:
        logger.error("failed execution names no job: %s", json.dumps(event)[:2000])
        return {"failed": False}
    message = failure_message(event.get("error") or {})
    jobs.fail(job_id, message)
    return {"job_id": str(job_id), "failed": True, "message": message}


def failure_message(error: dict[str, Any]) -> str:
    """Turn a Step Functions error ({Error, Cause}) into the job's message."""
    kind = error.get("Error", "unknown error")
    cause = error.get("Cause") or ""
    detail = cause
    try:
        detail = json.loads(cause).get("errorMessage", cause)
    except (ValueError, AttributeError):
        pass
    if kind == "ImportRejected":
        return str(detail)
    detail = str(detail).strip()[:500]
    return (
        f"the import stopped on an internal error ({kind}: {detail}); "
        "the upload is kept, so retry the import"
    )


def _committed_rows(conn: Any, job_id: uuid.UUID, chunk_index: int) -> int:
    with db.transaction(conn) as cur:
        cur.execute(
            "SELECT committed_rows FROM import_chunks WHERE job_id = %s AND chunk_index = %s",
            (job_id, chunk_index),
        )
        row = cur.fetchone()
    if row is None:
        raise ImportRejected(f"chunk {chunk_index} of job {job_id} was never planned")
    return int(row[0])


def _uncommitted_rows(job_id: uuid.UUID) -> int:
    with db.transaction() as cur:
        cur.execute(
            "SELECT coalesce(sum(row_count - committed_rows), 0) FROM import_chunks "
            "WHERE job_id = %s",
            (job_id,),
        )
        return int(cur.fetchone()[0])


_TRANSIENT_ERRORS = (
    psycopg2.OperationalError,  # dropped connections, deadlocks, serialization failures
    upsert.ChunkTakenOver,
    botocore.exceptions.ConnectionError,
    botocore.exceptions.ReadTimeoutError,
)


@contextlib.contextmanager
def _transient_errors() -> Iterator[None]:
    """Re-raise connection drops, deadlocks and S3 hiccups as TransientError."""
    try:
        yield
    except _TRANSIENT_ERRORS as exc:
        raise TransientError(f"{type(exc).__name__}: {exc}") from exc
