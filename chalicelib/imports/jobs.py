"""The import_jobs table: creating jobs, moving them through their states, reading status."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import psycopg2.extras

from chalicelib import config, db
from chalicelib.config import UPLOAD_PREFIX

logger = logging.getLogger(__name__)

RUNNING = ("queued", "validating", "parsing")
TERMINAL = ("completed", "failed", "cancelled")
# A queued job older than this will not receive its file any more (the form lasts 15 minutes).
ABANDONED_AFTER = timedelta(hours=2)
# How many row errors the status response carries inline; the full list is in the report.
INLINE_ISSUES = 5

JOB_COLUMNS = """
    id, seq, status, file_name, file_size, upload_key, total_rows, processed_rows,
    created_rows, updated_rows, error_count, warning_count, message, encoding, delimiter,
    column_map, execution_arn, created_at, updated_at, started_at, finished_at, file_format,
    attempts
"""


def upload_key(job_id: uuid.UUID | str) -> str:
    return f"{UPLOAD_PREFIX}{job_id}.csv"


def job_id_from_key(key: str) -> uuid.UUID | None:
    """Return the job id named by an upload key, or None for a key we did not hand out."""
    if not (key.startswith(UPLOAD_PREFIX) and key.endswith(".csv")):
        return None
    try:
        return uuid.UUID(key[len(UPLOAD_PREFIX) : -len(".csv")])
    except ValueError:
        return None


def create_job(file_name: str, file_size: int) -> dict[str, Any]:
    job_id = uuid.uuid4()
    with db.transaction() as cur:
        cur.execute(
            f"""
            INSERT INTO import_jobs (id, file_name, file_size, upload_key)
            VALUES (%s, %s, %s, %s)
            RETURNING {JOB_COLUMNS}
            """,
            (job_id, file_name, file_size, upload_key(job_id)),
        )
        job = _as_dict(cur)
    logger.info("job %s created for %s (%s bytes)", job_id, file_name, file_size)
    return job


def expire_abandoned(max_age: timedelta = ABANDONED_AFTER) -> int:
    """Fail queued jobs whose file never arrived; return how many.

    The upload form expires after 15 minutes, so a job still queued long after that will
    never start. The margin covers a large upload begun just before the form expired.
    """
    with db.transaction() as cur:
        cur.execute(
            """
            UPDATE import_jobs
               SET status = 'failed', finished_at = now(), updated_at = now(),
                   message = 'no file arrived before the upload form expired; start a new import'
             WHERE status = 'queued' AND created_at < now() - %s
            RETURNING id
            """,
            (max_age,),
        )
        expired = [row[0] for row in cur.fetchall()]
        for job_id in expired:
            _notify(cur, job_id)
    if expired:
        logger.info("failed %s queued jobs whose upload never arrived", len(expired))
    return len(expired)


def get_job(job_id: uuid.UUID | str) -> dict[str, Any] | None:
    with db.transaction() as cur:
        cur.execute(f"SELECT {JOB_COLUMNS} FROM import_jobs WHERE id = %s", (str(job_id),))
        return _as_dict(cur)


def list_jobs(page: int, page_size: int) -> tuple[list[dict[str, Any]], int]:
    with db.transaction() as cur:
        cur.execute("SELECT count(*) FROM import_jobs")
        total = cur.fetchone()[0]
        cur.execute(
            f"SELECT {JOB_COLUMNS} FROM import_jobs ORDER BY created_at DESC, id "
            "LIMIT %s OFFSET %s",
            (page_size, (page - 1) * page_size),
        )
        columns = [column.name for column in cur.description]
        jobs = [dict(zip(columns, row)) for row in cur.fetchall()]
    return jobs, total


def start_validating(job_id: uuid.UUID, execution_arn: str | None) -> dict[str, Any] | None:
    """Move a queued job to validating, for the execution `execution_arn`.

    A retried step of that same execution finds the job validating or parsing already and
    gets it back unchanged. Returns None otherwise: a repeated upload event, or a job that
    was cancelled or has ended.
    """
    with db.transaction() as cur:
        cur.execute(
            f"""
            UPDATE import_jobs
               SET status = CASE WHEN status = 'queued' THEN 'validating' ELSE status END,
                   attempts = attempts + CASE WHEN status = 'queued' THEN 1 ELSE 0 END,
                   execution_arn = %(arn)s, started_at = coalesce(started_at, now()),
                   updated_at = now(), message = NULL
             WHERE id = %(job_id)s
               AND (status = 'queued'
                    OR (status IN ('validating', 'parsing') AND execution_arn = %(arn)s))
            RETURNING {JOB_COLUMNS}
            """,
            {"arn": execution_arn, "job_id": job_id},
        )
        job = _as_dict(cur)
        if job is not None:
            _notify(cur, job_id)
    return job


def start_parsing(
    job_id: uuid.UUID,
    total_rows: int,
    file_format: dict[str, Any],
    chunks: list[dict[str, Any]],
    warnings: Sequence[str] = (),
) -> bool:
    """Store the plan and move the job to parsing; False when it was cancelled meanwhile.

    `warnings` are about the whole file (such as its encoding) and are reported on line 1.
    """
    with db.transaction() as cur:
        cur.execute(
            """
            UPDATE import_jobs
               SET status = 'parsing', total_rows = %s, encoding = %s, delimiter = %s,
                   column_map = %s, file_format = %s, warning_count = warning_count + %s,
                   updated_at = now()
             WHERE id = %s AND status = 'validating'
            """,
            (
                total_rows,
                file_format.get("encoding"),
                file_format.get("delimiter"),
                json.dumps(file_format.get("field_columns") or {}),
                json.dumps(file_format),
                len(warnings),
                job_id,
            ),
        )
        if cur.rowcount == 0:
            return False
        for warning in warnings:
            cur.execute(
                "INSERT INTO import_issues (job_id, line, severity, reason) "
                "VALUES (%s, 1, 'warning', %s)",
                (job_id, warning),
            )
        psycopg2.extras.execute_values(
            cur,
            """
            INSERT INTO import_chunks
                (job_id, chunk_index, start_offset, end_offset, first_row, first_line, row_count)
            VALUES %s
            ON CONFLICT (job_id, chunk_index) DO NOTHING
            """,
            [
                (
                    job_id,
                    chunk["index"],
                    chunk["start"],
                    chunk["end"],
                    chunk["first_row"],
                    chunk["first_line"],
                    chunk["row_count"],
                )
                for chunk in chunks
            ],
        )
        _notify(cur, job_id)
    return True


def planned_chunks(job_id: uuid.UUID) -> list[dict[str, Any]]:
    """Return the chunks an earlier attempt planned, in order (empty when never planned)."""
    with db.transaction() as cur:
        cur.execute(
            """
            SELECT chunk_index, start_offset, end_offset, first_row, first_line, row_count
              FROM import_chunks WHERE job_id = %s ORDER BY chunk_index
            """,
            (job_id,),
        )
        return [
            {"index": index, "start": start, "end": end, "first_row": first_row,
             "first_line": first_line, "row_count": row_count}
            for index, start, end, first_row, first_line, row_count in cur.fetchall()
        ]


def cancel(job_id: uuid.UUID) -> tuple[dict[str, Any] | None, bool]:
    """Cancel a running job. Returns (job, whether this call cancelled it)."""
    return _transition(
        job_id,
        "status = 'cancelled', finished_at = now(), "
        "message = 'cancelled by the user after ' || processed_rows || ' rows'",
        RUNNING,
    )


def requeue(job_id: uuid.UUID) -> tuple[dict[str, Any] | None, bool]:
    """Put a failed or cancelled job back in the queue. Returns (job, whether it was requeued)."""
    return _transition(
        job_id,
        "status = 'queued', finished_at = NULL, "
        "message = 'retry requested; resuming after ' || processed_rows || ' rows'",
        ("failed", "cancelled"),
    )


def _transition(
    job_id: uuid.UUID, assignments: str, from_statuses: tuple[str, ...]
) -> tuple[dict[str, Any] | None, bool]:
    """Apply `assignments` (fixed SQL, no user input) when the job is in one of `from_statuses`.

    Returns the job as it is afterwards (None when unknown) and whether it changed.
    """
    with db.transaction() as cur:
        cur.execute(
            f"""
            UPDATE import_jobs SET {assignments}, updated_at = now()
             WHERE id = %s AND status IN %s
            RETURNING {JOB_COLUMNS}
            """,
            (job_id, from_statuses),
        )
        job = _as_dict(cur)
        if job is not None:
            _notify(cur, job_id)
            return job, True
        cur.execute(f"SELECT {JOB_COLUMNS} FROM import_jobs WHERE id = %s", (job_id,))
        return _as_dict(cur), False


def complete(job_id: uuid.UUID) -> dict[str, Any] | None:
    """Mark a parsing job completed; return None when it is no longer parsing.

    The batches' created and updated counters depend on the order parallel chunks commit in
    (a SKU repeated in two chunks counts as an update only when the earlier row commits
    first), so they are replaced by a count of the products the job wrote last: created
    when the product appeared after the job started, updated otherwise.
    """
    with db.transaction() as cur:
        cur.execute(
            f"""
            WITH written AS (
                SELECT count(*) FILTER (WHERE p.created_at >= j.started_at) AS created,
                       count(*) FILTER (WHERE p.created_at < j.started_at) AS updated
                  FROM import_jobs AS j
                  JOIN products AS p ON p.source_job_seq = j.seq
                 WHERE j.id = %(job_id)s
            )
            UPDATE import_jobs
               SET status = 'completed', finished_at = now(), updated_at = now(),
                   message = NULL, created_rows = written.created,
                   updated_rows = written.updated
              FROM written
             WHERE id = %(job_id)s AND status = 'parsing'
            RETURNING {JOB_COLUMNS}
            """,
            {"job_id": job_id},
        )
        job = _as_dict(cur)
        if job is not None:
            _notify(cur, job_id)
    return job


def fail(job_id: uuid.UUID, message: str) -> bool:
    """Mark a running job failed with a message for the user; False when it already ended."""
    with db.transaction() as cur:
        cur.execute(
            """
            UPDATE import_jobs
               SET status = 'failed', message = %s, finished_at = now(), updated_at = now()
             WHERE id = %s AND status IN %s
            """,
            (message, job_id, RUNNING),
        )
        changed = cur.rowcount == 1
        if changed:
            _notify(cur, job_id)
    if changed:
        logger.info("job %s failed: %s", job_id, message)
    return changed


def first_issues(job_id: uuid.UUID | str, limit: int = INLINE_ISSUES) -> list[dict[str, Any]]:
    with db.transaction() as cur:
        cur.execute(
            """
            SELECT line, severity, reason FROM import_issues
             WHERE job_id = %s ORDER BY line, severity LIMIT %s
            """,
            (str(job_id), limit),
        )
        return [
            {"line": line, "severity": severity, "reason": reason}
            for line, severity, reason in cur.fetchall()
        ]


def status_payload(
    job: dict[str, Any],
    issues: list[dict[str, Any]] | None = None,
    retention_days: int | None = None,
) -> dict:
    """Shape a job row as the status API returns it.

    `retry_until` is set for failed and cancelled jobs: the upload's expiry under the bucket's
    lifecycle rule, counted from the job's creation (the upload follows it within minutes).
    """
    total = job["total_rows"]
    processed = job["processed_rows"]
    if job["status"] == "completed":
        progress = 1.0
    elif total:
        progress = min(1.0, processed / total)
    else:
        progress = 0.0
    return {
        "job_id": str(job["id"]),
        "status": job["status"],
        "file_name": job["file_name"],
        "size": job["file_size"],
        "total_rows": total,
        "processed_rows": processed,
        # Exact once the job has ended; while it runs the batch counts depend on commit order.
        "created": None if job["status"] in RUNNING else job["created_rows"],
        "updated": None if job["status"] in RUNNING else job["updated_rows"],
        "error_count": job["error_count"],
        "warning_count": job["warning_count"],
        "errors": issues or [],
        "message": job["message"],
        "progress": round(progress, 4),
        "encoding": job["encoding"],
        "delimiter": job["delimiter"],
        "column_map": job["column_map"],
        "created_at": _iso(job["created_at"]),
        "updated_at": _iso(job["updated_at"]),
        "started_at": _iso(job["started_at"]),
        "finished_at": _iso(job["finished_at"]),
        "retry_until": _retry_until(job, retention_days),
    }


def _retry_until(job: dict[str, Any], retention_days: int | None) -> str | None:
    if job["status"] not in ("failed", "cancelled"):
        return None
    days = retention_days if retention_days is not None else config.retention_days()
    return _iso(job["created_at"] + timedelta(days=days))


def _notify(cur: Any, job_id: uuid.UUID | str) -> None:
    # Listeners (the progress stream) re-read the job; the payload only names it.
    cur.execute("SELECT pg_notify('import_jobs', %s)", (str(job_id),))


def _as_dict(cur: Any) -> dict[str, Any] | None:
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([column.name for column in cur.description], row))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
