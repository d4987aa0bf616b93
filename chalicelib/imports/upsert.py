"""Set-based upsert of one batch of parsed rows, with the job's counters in the same transaction.

Each batch is one transaction: keep the last row per SKU, COPY the rows into a temporary staging
table, run one INSERT ... ON CONFLICT, then advance the chunk's and the job's counters. A batch that fails
leaves nothing behind, and a retried chunk resumes after the rows its earlier attempts committed.
"""

from __future__ import annotations

import csv
import io
import logging
import operator
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import psycopg2.errors
import psycopg2.extensions

logger = logging.getLogger(__name__)

# (row index in the file, line, sku, name, description, price), as the row parser yields them
ProductRow = tuple[int, int, str, str, str, "Decimal | str | None"]
# (severity, line, reason, raw text of the row)
Issue = tuple[str, int, str, str]


# Two workers upserting the same new SKUs at once wait on each other, and PostgreSQL now and
# then ends such a wait as a deadlock. The rolled-back batch is retried at once, which costs far
# less than failing the chunk into the state machine's Retry (2 s, then a fresh S3 read).
DEADLOCK_ATTEMPTS = 3


class BatchRejected(Exception):
    """The batch was rolled back because the job or chunk moved on without this worker."""


class JobNotRunning(BatchRejected):
    """The job is no longer parsing (cancelled, or failed elsewhere)."""


class ChunkTakenOver(BatchRejected):
    """Another attempt at this chunk committed rows since this worker read its progress."""


@dataclass(frozen=True)
class BatchCounts:
    consumed: int
    created: int
    updated: int
    errors: int
    warnings: int


_STAGING_DDL = """
CREATE TEMPORARY TABLE IF NOT EXISTS import_staging (
    row bigint NOT NULL,
    sku text COLLATE "C" NOT NULL,
    name text NOT NULL,
    description text NOT NULL,
    price numeric(12, 2)
) ON COMMIT DELETE ROWS
"""

_COPY_STAGING = "COPY import_staging (row, sku, name, description, price) FROM STDIN"

# The staging table contains one row per SKU, in SKU order (see _latest_by_sku). The WHERE guard
# keeps the product written by the latest position (job order, then row order in the file),
# whatever order parallel chunks commit in.
_UPSERT = """
WITH written AS (
    INSERT INTO products AS p
        (sku, name, description, price, source_job_seq, source_row, search_indexed)
    SELECT sku, name, description, price, %(job_seq)s, row, false FROM import_staging
    ON CONFLICT (sku) DO UPDATE
       SET name = EXCLUDED.name,
           -- A file without a description column leaves the stored descriptions alone.
           description = CASE WHEN %(has_description)s THEN EXCLUDED.description
                              ELSE p.description END,
           price = EXCLUDED.price,
           updated_at = now(),
           search_indexed = false,
           source_job_seq = EXCLUDED.source_job_seq,
           source_row = EXCLUDED.source_row
     WHERE p.source_job_seq IS NULL
        OR (p.source_job_seq, p.source_row) < (EXCLUDED.source_job_seq, EXCLUDED.source_row)
    RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM written
"""

_COPY_ISSUES = """
COPY import_issues (job_id, severity, line, reason, raw) FROM STDIN WITH (FORMAT csv)
"""


def prepare_staging(conn: psycopg2.extensions.connection) -> None:
    with conn.cursor() as cur:
        cur.execute(_STAGING_DDL)
    conn.commit()


def commit_batch(
    conn: psycopg2.extensions.connection,
    *,
    job_id: uuid.UUID,
    job_seq: int,
    chunk_index: int,
    committed_before: int,
    consumed: int,
    rows: Sequence[ProductRow],
    issues: Sequence[Issue],
    has_description: bool = True,
) -> BatchCounts:
    """Upsert one batch and advance the counters, all in one transaction.

    `consumed` is how many of the chunk's records this batch covers, skipped rows included;
    `committed_before` is the chunk's progress this worker expects to find in the database.
    """
    errors = sum(1 for issue in issues if issue[0] == "error")
    warnings = len(issues) - errors

    def attempt() -> BatchCounts:
        try:
            with conn.cursor() as cur:
                _advance_chunk(cur, job_id, chunk_index, committed_before, consumed)
                _store_issues(cur, job_id, issues)
                created, updated = _upsert_rows(cur, job_seq, rows, has_description)
                counts = BatchCounts(consumed, created, updated, errors, warnings)
                _advance_job(cur, job_id, counts)
            conn.commit()
        except BaseException:
            if not conn.closed:
                conn.rollback()
            raise
        return counts

    for number in range(1, DEADLOCK_ATTEMPTS):
        try:
            return attempt()
        except psycopg2.errors.DeadlockDetected as exc:
            logger.warning(
                "batch of chunk %s of job %s was rolled back by a deadlock (attempt %s of %s), "
                "retrying it: %s", chunk_index, job_id, number, DEADLOCK_ATTEMPTS,
                str(exc).splitlines()[0], extra={"job_id": job_id, "chunk": chunk_index},
            )
    return attempt()


def _advance_chunk(
    cur: Any, job_id: uuid.UUID, chunk_index: int, committed_before: int, consumed: int
) -> None:
    cur.execute(
        """
        UPDATE import_chunks SET committed_rows = committed_rows + %s
         WHERE job_id = %s AND chunk_index = %s AND committed_rows = %s
        """,
        (consumed, job_id, chunk_index, committed_before),
    )
    if cur.rowcount != 1:
        raise ChunkTakenOver(
            f"chunk {chunk_index} of job {job_id} no longer has {committed_before} rows committed"
        )


def _upsert_rows(
    cur: Any, job_seq: int, rows: Sequence[ProductRow], has_description: bool
) -> tuple[int, int]:
    if not rows:
        return 0, 0
    cur.copy_expert(_COPY_STAGING, _as_copy_text(_latest_by_sku(rows)))
    cur.execute(_UPSERT, {"job_seq": job_seq, "has_description": has_description})
    created, updated = cur.fetchone()
    return created, updated


def _latest_by_sku(rows: Sequence[ProductRow]) -> list[ProductRow]:
    """Keep the last row of each SKU, sorted by SKU.

    One INSERT may not touch the same key twice. Sorting here rather than in PostgreSQL saves
    the database a sort per batch, and concurrent workers that write shared SKUs in one order
    (a sequential scan of the fresh staging table returns rows in the order COPY wrote them)
    deadlock only rarely, when both insert the same new SKU (see DEADLOCK_ATTEMPTS).
    """
    latest = {row[2]: row for row in rows}
    return sorted(latest.values(), key=_SKU)


_SKU = operator.itemgetter(2)


def _store_issues(cur: Any, job_id: uuid.UUID, issues: Sequence[Issue]) -> None:
    if issues:
        records = [(job_id, severity, line, reason, raw) for severity, line, reason, raw in issues]
        cur.copy_expert(_COPY_ISSUES, _as_csv(records))


def _advance_job(cur: Any, job_id: uuid.UUID, counts: BatchCounts) -> None:
    cur.execute(
        """
        UPDATE import_jobs
           SET processed_rows = processed_rows + %s, created_rows = created_rows + %s,
               updated_rows = updated_rows + %s, error_count = error_count + %s,
               warning_count = warning_count + %s, updated_at = now()
         WHERE id = %s AND status = 'parsing'
        """,
        (counts.consumed, counts.created, counts.updated, counts.errors, counts.warnings, job_id),
    )
    if cur.rowcount != 1:
        raise JobNotRunning(f"job {job_id} is no longer parsing")
    cur.execute("SELECT pg_notify('import_jobs', %s)", (str(job_id),))


# Parsed fields never contain these control characters (rows.py rejects or removes them), so
# they can stand for COPY's column separator, row separator and NULL until the text is escaped.
_FIELD, _RECORD, _NULL = "\x1f", "\x1e", "\x1d"
# Backslash first, so the backslashes the later escapes add are not doubled. PostgreSQL text
# cannot contain NUL, so a NUL becomes U+FFFD and the row is kept.
_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"), ("\x00", "\ufffd"))
_SEPARATORS = ((_FIELD, "\t"), (_RECORD, "\n"), (_NULL, "\\N"))


def _as_copy_text(rows: Sequence[ProductRow]) -> io.StringIO:
    """Write rows in COPY's text format: row index, sku, name, description, price.

    The batch is joined with stand-in separators and escaped as one string, which costs about
    a third of what csv.writer spends quoting field by field. Rows whose text contains a stand-in
    (possible only for rows built outside the parser) are escaped field by field instead.
    """
    if not rows:
        return io.StringIO("")
    nulls = sum(1 for row in rows if row[5] is None)
    text = _RECORD.join(
        f"{index}{_FIELD}{sku}{_FIELD}{name}{_FIELD}{description}{_FIELD}"
        f"{_NULL if price is None else price}"
        for index, _line, sku, name, description, price in rows
    )
    if (
        text.count(_FIELD) == 4 * len(rows)
        and text.count(_RECORD) == len(rows) - 1
        and text.count(_NULL) == nulls
    ):
        text = _replace_all(text, _ESCAPES + _SEPARATORS)
    else:
        text = "\n".join(
            "\t".join(
                "\\N" if value is None else _replace_all(str(value), _ESCAPES)
                for value in (index, sku, name, description, price)
            )
            for index, _line, sku, name, description, price in rows
        )
    return io.StringIO(text + "\n")


def _replace_all(text: str, replacements: tuple[tuple[str, str], ...]) -> str:
    for old, new in replacements:
        if old in text:
            text = text.replace(old, new)
    return text


def _as_csv(records: Sequence[tuple[Any, ...]]) -> io.StringIO:
    buffer = io.StringIO()
    # Python 3.11's writer quotes a field only for the characters of its line terminator, and
    # COPY ends a record at a lone CR, so "\r\n" makes it quote a CR inside a description too.
    csv.writer(buffer, lineterminator="\r\n").writerows(records)
    text = buffer.getvalue()
    if "\x00" in text:
        # PostgreSQL text cannot hold NUL; keep the row and mark where the byte was.
        text = text.replace("\x00", "\ufffd")
    return io.StringIO(text)
