"""The batch upsert against a real PostgreSQL: last row wins, retries never count twice."""

from __future__ import annotations

import threading
import time
import uuid
from decimal import Decimal

import psycopg2
import pytest

from chalicelib.imports import jobs, upsert


def _parsing_job(chunk_rows: list[int]) -> dict:
    """Create a job in `parsing` with chunks of the given row counts, back to back."""
    job = jobs.create_job("products.csv", 1000)
    jobs.start_validating(job["id"], None)
    chunks, first_row = [], 0
    for index, count in enumerate(chunk_rows):
        chunks.append({"index": index, "start": first_row * 10, "end": (first_row + count) * 10,
                       "first_row": first_row, "first_line": first_row + 2, "row_count": count})
        first_row += count
    assert jobs.start_parsing(job["id"], first_row, {"encoding": "utf-8", "delimiter": ","}, chunks)
    return job


def _commit(conn, job, chunk_index, rows, committed_before=0, issues=(), consumed=None):
    return upsert.commit_batch(
        conn, job_id=job["id"], job_seq=job["seq"], chunk_index=chunk_index,
        committed_before=committed_before, consumed=len(rows) if consumed is None else consumed,
        rows=rows, issues=list(issues),
    )


def _product(conn, sku):
    with conn.cursor() as cur:
        cur.execute("SELECT name, description, price FROM products WHERE sku = %s", (sku,))
        return cur.fetchone()


def _job_counts(conn, job):
    with conn.cursor() as cur:
        cur.execute(
            "SELECT processed_rows, created_rows, updated_rows, error_count, warning_count "
            "FROM import_jobs WHERE id = %s", (job["id"],),
        )
        return cur.fetchone()


@pytest.fixture
def worker_conn(conn):
    upsert.prepare_staging(conn)
    return conn


def test_commit_batch_creates_then_updates(worker_conn):
    job = _parsing_job([2, 2])
    first = _commit(worker_conn, job, 0, [(0, 2, "a-1", "Mug", "", Decimal("9.99")), (1, 3, "b-2", "Cup", "x", None)])
    second = _commit(worker_conn, job, 1, [(2, 4, "a-1", "Big mug", "y", "12.50"), (3, 5, "c-3", "Pot", "", None)])

    assert (first.created, first.updated) == (2, 0)
    assert (second.created, second.updated) == (1, 1)
    assert _product(worker_conn, "a-1") == ("Big mug", "y", Decimal("12.50"))
    assert _job_counts(worker_conn, job) == (4, 3, 1, 0, 0)


def test_commit_batch_keeps_last_row_within_batch(worker_conn):
    job = _parsing_job([3])
    _commit(worker_conn, job, 0, [(0, 2, "a", "first", "", None), (1, 3, "a", "second", "", None),
                                  (2, 4, "a", "third", "", None)])

    assert _product(worker_conn, "a")[0] == "third"


def test_last_row_wins_when_chunks_commit_in_reverse(worker_conn):
    job = _parsing_job([2, 2])
    _commit(worker_conn, job, 1, [(2, 4, "a", "from row 2", "", None), (3, 5, "b", "from row 3", "", None)])
    _commit(worker_conn, job, 0, [(0, 2, "a", "from row 0", "", None), (1, 3, "b", "from row 1", "", None)])

    assert _product(worker_conn, "a")[0] == "from row 2"
    assert _product(worker_conn, "b")[0] == "from row 3"


def test_later_import_overrides_earlier_whatever_the_commit_order(worker_conn):
    older = _parsing_job([1])
    newer = _parsing_job([1])
    _commit(worker_conn, newer, 0, [(0, 2, "a", "newer import", "", None)])
    _commit(worker_conn, older, 0, [(5000, 5002, "a", "older import", "", None)])

    assert _product(worker_conn, "a")[0] == "newer import"


def test_import_overwrites_product_edited_by_hand(worker_conn):
    with worker_conn.cursor() as cur:
        cur.execute("INSERT INTO products (sku, name) VALUES ('a', 'typed in the UI')")
    worker_conn.commit()
    job = _parsing_job([1])
    counts = _commit(worker_conn, job, 0, [(0, 2, "a", "from the file", "", None)])

    assert counts.updated == 1
    assert _product(worker_conn, "a")[0] == "from the file"


def test_retried_batch_is_rejected_and_not_counted_twice(worker_conn):
    job = _parsing_job([2])
    rows = [(0, 2, "a", "Mug", "", None), (1, 3, "b", "Cup", "", None)]
    _commit(worker_conn, job, 0, rows)

    with pytest.raises(upsert.ChunkTakenOver):
        _commit(worker_conn, job, 0, rows, committed_before=0)

    assert _job_counts(worker_conn, job) == (2, 2, 0, 0, 0)


def test_batch_counts_issues_and_skipped_rows(worker_conn):
    job = _parsing_job([3])
    issues = [("error", 3, "invalid SKU '': empty", ",Mug,1"), ("warning", 4, "price 'x'", "c,Cup,x")]
    _commit(worker_conn, job, 0, [(0, 2, "a", "Mug", "", None), (2, 4, "c", "Cup", "", None)],
            issues=issues, consumed=3)

    assert _job_counts(worker_conn, job) == (3, 2, 0, 1, 1)
    assert [issue["line"] for issue in jobs.first_issues(job["id"])] == [3, 4]


def test_batch_for_cancelled_job_writes_nothing(worker_conn):
    job = _parsing_job([1])
    with worker_conn.cursor() as cur:
        cur.execute("UPDATE import_jobs SET status = 'cancelled' WHERE id = %s", (job["id"],))
    worker_conn.commit()

    with pytest.raises(upsert.JobNotRunning):
        _commit(worker_conn, job, 0, [(0, 2, "a", "Mug", "", None)])

    assert _product(worker_conn, "a") is None
    with worker_conn.cursor() as cur:
        cur.execute("SELECT committed_rows FROM import_chunks WHERE job_id = %s", (job["id"],))
        assert cur.fetchone()[0] == 0


def test_job_status_payload_reports_progress(worker_conn):
    job = _parsing_job([4])
    _commit(worker_conn, job, 0, [(0, 2, "a", "Mug", "", None)])

    status = jobs.status_payload(jobs.get_job(job["id"]))

    assert status["status"] == "parsing"
    assert status["processed_rows"] == 1
    assert status["progress"] == 0.25
    assert uuid.UUID(status["job_id"]) == job["id"]


def test_complete_counts_distinct_products_created_and_updated(worker_conn):
    with worker_conn.cursor() as cur:
        cur.execute("INSERT INTO products (sku, name, created_at) "
                    "VALUES ('old', 'Before', now() - interval '1 day')")
    worker_conn.commit()
    job = _parsing_job([2, 2])
    _commit(worker_conn, job, 1, [(2, 4, "new", "Later row", "", None), (3, 5, "old", "After", "", None)])
    _commit(worker_conn, job, 0, [(0, 2, "new", "Earlier row", "", None), (1, 3, "new", "Again", "", None)])

    done = jobs.complete(job["id"])

    assert done["status"] == "completed"
    assert (done["created_rows"], done["updated_rows"]) == (1, 1)
    assert done["processed_rows"] == 4


def test_expire_abandoned_fails_only_old_queued_jobs(worker_conn):
    old = jobs.create_job("old.csv", 10)
    fresh = jobs.create_job("fresh.csv", 10)
    with worker_conn.cursor() as cur:
        cur.execute("UPDATE import_jobs SET created_at = now() - interval '3 hours' WHERE id = %s",
                    (old["id"],))
    worker_conn.commit()

    assert jobs.expire_abandoned() == 1

    assert jobs.get_job(old["id"])["status"] == "failed"
    assert "no file arrived" in jobs.get_job(old["id"])["message"]
    assert jobs.get_job(fresh["id"])["status"] == "queued"


def test_commit_batch_keeps_line_breaks_inside_fields(worker_conn):
    job = _parsing_job([1])
    _commit(worker_conn, job, 0, [(0, 2, "cr", "Mug", "old Mac\rline\r\nand\nmore", None)])

    assert _product(worker_conn, "cr")[1] == "old Mac\rline\r\nand\nmore"


@pytest.mark.parametrize("stand_in", ["", "\x1f"], ids=["parsed", "stand-in-character"])
def test_commit_batch_keeps_copy_special_characters(worker_conn, stand_in):
    # Backslashes, tabs, "\\N" and NUL mean something to COPY. A row built outside the
    # parser may also contain the characters the batch encoder uses as stand-ins.
    job = _parsing_job([3])
    rows = [
        (0, 2, "c:\\path" + stand_in, "Tab\there", "ends in \\\\N\\N\tand\\", None),
        (1, 3, "zero", "Free", "", Decimal("0")),
        (2, 4, "nul", "Bad byte", "a\x00b", "1.50"),
    ]
    _commit(worker_conn, job, 0, rows)

    assert _product(worker_conn, "c:\\path" + stand_in) == (
        "Tab\there", "ends in \\\\N\\N\tand\\", None)
    assert _product(worker_conn, "zero") == ("Free", "", Decimal("0.00"))
    assert _product(worker_conn, "nul") == ("Bad byte", "a\ufffdb", Decimal("1.50"))


def test_file_without_description_keeps_stored_descriptions(worker_conn):
    first = _parsing_job([1])
    _commit(worker_conn, first, 0, [(0, 2, "a", "Mug", "Blue glaze", None)])
    second = _parsing_job([1])
    upsert.commit_batch(
        worker_conn, job_id=second["id"], job_seq=second["seq"], chunk_index=0,
        committed_before=0, consumed=1, rows=[(0, 2, "a", "Mug v2", "", "3.00")], issues=[],
        has_description=False,
    )

    assert _product(worker_conn, "a") == ("Mug v2", "Blue glaze", Decimal("3.00"))


def test_commit_batch_retries_after_deadlock(worker_conn, database_url, caplog):
    earlier = _parsing_job([2])
    _commit(worker_conn, earlier, 0, [(0, 2, "a", "A", "", None), (1, 3, "b", "B", "", None)])
    job = _parsing_job([2])
    worker_pid = worker_conn.get_backend_pid()
    other = psycopg2.connect(database_url)
    outcome: dict = {}

    def import_batch():
        try:
            outcome["counts"] = _commit(
                worker_conn, job, 0, [(0, 2, "a", "A2", "", None), (1, 3, "b", "B2", "", None)])
        except Exception as exc:
            outcome["error"] = exc

    try:
        with other.cursor() as cur:
            cur.execute("UPDATE products SET name = 'edited' WHERE sku = 'b'")
            worker = threading.Thread(target=import_batch)
            worker.start()
            _wait_until_blocked(cur, worker_pid)
            # The worker has locked "a" and waits for "b", so this closes the cycle. The worker
            # waited first, so its deadlock check runs first and its transaction is rolled back.
            cur.execute("UPDATE products SET name = 'edited' WHERE sku = 'a'")
        other.commit()
        worker.join(timeout=30)
    finally:
        other.close()

    assert "error" not in outcome
    assert outcome["counts"].updated == 2
    assert "rolled back by a deadlock" in caplog.text
    assert _product(worker_conn, "a")[0] == "A2"
    assert _product(worker_conn, "b")[0] == "B2"
    assert _job_counts(worker_conn, job)[:3] == (2, 0, 2)


def _wait_until_blocked(cur, pid: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        cur.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", (pid,))
        if cur.fetchone()[0] == "Lock":
            return
        time.sleep(0.02)
    raise AssertionError(f"backend {pid} did not wait for a lock within {timeout:.0f} s")
