"""Import benchmark: the whole flow against the fastest plain load, in one run.

    .venv/bin/python bench/import_bench.py SAMPLE.csv [--runs N]

Needs the local stack (`make up`). It empties the stack's products table. Steps:
1. a warm-up import of the file's first tenth through the whole flow, which also gives the
   worker's RSS on a smaller file;
2. N runs (3 by default), each of:
   - baseline: COPY the file into a staging table and one INSERT ... ON CONFLICT into the
     empty products table (no S3, no Lambda): the fastest plain set-based load of the rows;
   - the whole file through the whole flow, timed from the end of the upload to the commit
     that marks the job completed.
Each import's search indexing step ends before the next step starts. The last line contains the
medians: end-to-end and baseline rows per second, their ratio, and the chunk workers' peak RSS.
"""

from __future__ import annotations

import argparse
import json
import select
import statistics
import sys
import tempfile
import time
from pathlib import Path

import boto3
import psycopg2
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from chalicelib import cli  # noqa: E402

STACK = json.loads((ROOT / ".fullfill" / "stack.json").read_text())


def baseline(conn, path: Path) -> tuple[int, float]:
    """Load the file with COPY and one upsert; return (file rows, seconds)."""
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        header = [name.strip().lower() for name in handle.readline().rstrip("\r\n").split(",")]
    columns = ", ".join(f'"c{i}" text' for i in range(len(header)))
    field = {name: f'"c{header.index(name)}"' for name in ("sku", "name", "description", "price")
             if name in header}
    description = field.get("description", "''")
    started = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute(f"CREATE TEMP TABLE baseline_staging ({columns}) ON COMMIT DROP")
        with path.open("rb") as handle:
            cur.copy_expert("COPY baseline_staging FROM STDIN WITH (FORMAT csv, HEADER true)", handle)
        rows = cur.rowcount
        cur.execute(f"""
            INSERT INTO products AS p
                (sku, name, description, price, source_job_seq, source_row, search_indexed)
            SELECT DISTINCT ON (lower(btrim({field['sku']})) COLLATE "C")
                   lower(btrim({field['sku']})), btrim({field['name']}), coalesce({description}, ''),
                   CASE WHEN {field['price']} ~ '^\\s*\\d{{1,10}}(\\.\\d+)?\\s*$'
                        THEN round(btrim({field['price']})::numeric, 2) END,
                   0, ordinality, false
              FROM (SELECT *, row_number() OVER () AS ordinality FROM baseline_staging) AS staged
             WHERE btrim({field['sku']}) <> ''
             ORDER BY lower(btrim({field['sku']})) COLLATE "C", ordinality DESC
            ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, price = EXCLUDED.price,
                description = EXCLUDED.description, updated_at = now()
        """)
    conn.commit()
    return rows, time.perf_counter() - started


def import_through_stack(path: Path) -> tuple[dict, float]:
    """Import the file as the CLI does; return its final status and seconds to completion.

    The seconds run from the end of the upload to the commit that marked the job completed.
    The benchmark hears of that commit on the job's notification channel, as the progress
    service does. Polling the status route every 0.5 s would add up to 0.5 s to the figure,
    and its API Gateway calls would load the machine.
    """
    api = STACK["api_url"]
    created = cli.start_import(api, path)
    listener = psycopg2.connect(STACK["database_url"])
    listener.autocommit = True
    with listener.cursor() as cur:
        cur.execute("LISTEN import_jobs")
    cli.upload(created["upload"], path)
    uploaded = time.monotonic()
    final = wait_for_end(listener, created["job_id"])
    seconds = time.monotonic() - uploaded
    listener.close()
    status = requests.get(f"{api}/api/imports/{created['job_id']}/status", timeout=30).json()
    if final != "completed":
        raise SystemExit(f"bench: import of {path.name} ended {final}: {status['message']}")
    return status, seconds


def wait_for_end(listener, job_id: str, timeout: float = 1800.0) -> str:
    """Wait until the job is completed, failed or cancelled, and return that status."""
    deadline = time.monotonic() + timeout
    with listener.cursor() as cur:
        while time.monotonic() < deadline:
            cur.execute("SELECT status FROM import_jobs WHERE id = %s", (job_id,))
            status = cur.fetchone()[0]
            if status in cli.TERMINAL:
                return status
            select.select([listener], [], [], 1.0)
            listener.poll()
            listener.notifies.clear()
    raise SystemExit(f"bench: job {job_id} did not end within {timeout:.0f} s")


def search_index_seconds(conn, started: float, timeout: float = 600.0) -> float:
    """Wait until the step after the import has indexed every product for search."""
    while time.monotonic() - started < timeout:
        with conn.cursor() as cur:
            cur.execute("SELECT EXISTS (SELECT 1 FROM products WHERE NOT search_indexed)")
            pending = cur.fetchone()[0]
        conn.commit()
        if not pending:
            return time.monotonic() - started
        time.sleep(0.5)
    raise SystemExit(f"bench: products still not indexed for search after {timeout:.0f} s")


def worker_peak_rss_mb(job_id: str) -> float:
    """Read the chunk workers' reported peak RSS from the job's execution history."""
    conn = psycopg2.connect(STACK["database_url"])
    with conn, conn.cursor() as cur:
        cur.execute("SELECT execution_arn FROM import_jobs WHERE id = %s", (job_id,))
        arn = cur.fetchone()[0]
    conn.close()
    sfn = boto3.client("stepfunctions", endpoint_url=STACK["aws_endpoint_url"], region_name="us-east-1",
                       aws_access_key_id="test", aws_secret_access_key="test")
    peak = 0.0
    for page in sfn.get_paginator("get_execution_history").paginate(executionArn=arn):
        for event in page["events"]:
            details = event.get("taskSucceededEventDetails") or {}
            output = json.loads(details.get("output") or "{}")
            payload = output.get("Payload") if isinstance(output, dict) else None
            if isinstance(payload, dict) and "peak_rss_mb" in payload:
                peak = max(peak, float(payload["peak_rss_mb"]))
    return peak


def empty_products(conn) -> None:
    with conn.cursor() as cur:
        cur.execute("TRUNCATE products")
    conn.commit()


def head_of(path: Path, fraction: float) -> Path:
    """Write the file's first part (whole lines, at least the header) to a temporary file."""
    target = Path(tempfile.mkdtemp()) / f"head-{path.name}"
    limit = int(path.stat().st_size * fraction)
    with path.open("rb") as source, target.open("wb") as out:
        out.write(source.read(limit))
        out.write(source.readline())
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sample", type=Path)
    parser.add_argument("--runs", type=int, default=3,
                        help="baseline and end-to-end runs, alternated (the medians are reported)")
    args = parser.parse_args()
    path = args.sample
    conn = psycopg2.connect(STACK["database_url"])

    empty_products(conn)
    small = head_of(path, 0.1)
    small_status, _ = import_through_stack(small)
    small_rss = worker_peak_rss_mb(small_status["job_id"])
    print(f"warm-up: {small_status['processed_rows']} rows, worker peak RSS {small_rss:.0f} MB")
    # The step after each import indexes its rows for search. Wait for it to end before timing.
    search_index_seconds(conn, time.monotonic())

    baseline_rates, rates, rss = [], [], 0.0
    for run in range(1, args.runs + 1):
        empty_products(conn)
        rows, baseline_seconds = baseline(conn, path)
        baseline_rates.append(rows / baseline_seconds)
        print(f"run {run} baseline: {rows} rows in {baseline_seconds:.2f} s = "
              f"{baseline_rates[-1]:,.0f} rows/s")

        empty_products(conn)
        status, seconds = import_through_stack(path)
        indexed_after = search_index_seconds(conn, time.monotonic())
        rates.append(status["processed_rows"] / seconds)
        rss = max(rss, worker_peak_rss_mb(status["job_id"]))
        print(f"run {run} end to end: {status['processed_rows']} rows in {seconds:.2f} s = "
              f"{rates[-1]:,.0f} rows/s (created {status['created']}, updated "
              f"{status['updated']}, errors {status['error_count']}); search index caught up "
              f"{indexed_after:.1f} s after the job completed")

    rate, baseline_rate = statistics.median(rates), statistics.median(baseline_rates)
    print(f"worker peak RSS: {small_rss:.0f} MB for a tenth of the file, {rss:.0f} MB for all of it")
    print(f"medians of {args.runs} runs:")
    print(f"end_to_end_rows_per_s={rate:.0f} baseline_rows_per_s={baseline_rate:.0f} "
          f"ratio={rate / baseline_rate:.2f} worker_peak_rss_mb={rss:.0f}")


if __name__ == "__main__":
    main()
