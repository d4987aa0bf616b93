"""Job lifecycle on the local stack: cancel, retry that resumes, crashes, concurrent imports,
and the progress stream."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import boto3
import pytest
import requests

from chalicelib.imports.sample import generate_rows
from tests.e2e.flow import import_file, post_form, start_import, wait_for

BATCH_ROWS = 10_000


def _csv(prefix: str, rows: int, seed: int = 7) -> bytes:
    """A realistic file whose SKUs all start with `prefix` (duplicates keep their odd case)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["sku", "name", "description", "price"])
    for sku, name, description, price in generate_rows(rows, seed):
        core = sku.strip()
        writer.writerow([sku.replace(core, prefix + core), name, description, price])
    return out.getvalue().encode()


def _snapshot(conn, prefix: str) -> tuple[int, str]:
    with conn.cursor() as cur:
        cur.execute(
            "SELECT count(*), md5(string_agg(sku || '|' || name || '|' || description || '|' "
            "|| coalesce(price::text, ''), E'\\n' ORDER BY sku)) FROM products WHERE sku LIKE %s",
            (prefix + "%",),
        )
        return cur.fetchone()


def _delete_products(conn, prefix: str) -> None:
    with conn.cursor() as cur:
        cur.execute("DELETE FROM products WHERE sku LIKE %s", (prefix + "%",))


def _api(stack, method, path):
    return requests.request(method, f"{stack['api_url']}{path}", timeout=30)


def test_retry_of_cancelled_job_without_upload_is_gone(stack):
    job_id = start_import(stack, "never-uploaded.csv", b"sku,name,price\n")["job_id"]

    cancelled = _api(stack, "POST", f"/api/imports/{job_id}/cancel")
    again = _api(stack, "POST", f"/api/imports/{job_id}/cancel")
    retry = _api(stack, "POST", f"/api/imports/{job_id}/retry")

    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["retry_until"] is not None
    assert again.status_code == 409
    assert "already cancelled" in again.json()["Message"]
    assert retry.status_code == 410
    assert "expired" in retry.json()["Message"]


def test_completed_job_cannot_be_cancelled_or_retried(stack, sku_prefix):
    status = import_file(stack, "done.csv", f"sku,name,price\n{sku_prefix}a,Mug,1\n".encode())

    cancel = _api(stack, "POST", f"/api/imports/{status['job_id']}/cancel")
    retry = _api(stack, "POST", f"/api/imports/{status['job_id']}/retry")

    assert status["status"] == "completed"
    assert cancel.status_code == 409
    assert retry.status_code == 409
    assert status["retry_until"] is None


def test_unknown_job_cancel_and_retry_are_404(stack):
    missing = "9d3c1a7e-0000-4000-8000-000000000000"

    assert _api(stack, "POST", f"/api/imports/{missing}/cancel").status_code == 404
    assert _api(stack, "POST", f"/api/imports/{missing}/retry").status_code == 404


def test_crashed_chunk_worker_retried_exactly_once(stack, stack_db, sku_prefix):
    content = _csv(sku_prefix, 40_000)
    clean = import_file(stack, "clean.csv", content)
    clean_snapshot = _snapshot(stack_db, sku_prefix)
    _delete_products(stack_db, sku_prefix)

    created = start_import(stack, "crash.csv", content)
    marker = Path(stack["fault_injection_dir"]) / f"crash-{created['job_id']}"
    marker.write_text("crash after the first committed batch")
    assert post_form(created["upload"], content).status_code == 204
    status = wait_for(stack, created["job_id"], timeout=180)

    assert not marker.exists(), "no chunk worker crashed"
    assert status["status"] == "completed"
    assert status["processed_rows"] == clean["processed_rows"] == status["total_rows"]
    assert status["created"] == clean["created"]
    assert status["updated"] == clean["updated"]
    assert status["warning_count"] == clean["warning_count"]
    assert _snapshot(stack_db, sku_prefix) == clean_snapshot
    assert "Runtime.ExitError" in _execution_errors(stack, stack_db, created["job_id"])


def _execution_errors(stack, conn, job_id):
    with conn.cursor() as cur:
        cur.execute("SELECT execution_arn FROM import_jobs WHERE id = %s", (job_id,))
        arn = cur.fetchone()[0]
    sfn = boto3.client("stepfunctions", endpoint_url=stack["aws_endpoint_url"],
                       region_name="us-east-1", aws_access_key_id="test",
                       aws_secret_access_key="test")
    history = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
    return {e["taskFailedEventDetails"]["error"] for e in history if "taskFailedEventDetails" in e}


def test_concurrent_imports_newest_job_wins_each_sku(stack, stack_db, sku_prefix):
    p = sku_prefix
    rows = "".join(f"{p}{i},{{name}} {i},{i}.00\n" for i in range(3000))
    older_content = ("sku,name,price\n" + rows.replace("{name}", "older")).encode()
    newer_content = ("sku,name,price\n" + rows.replace("{name}", "newer")).encode()
    older = start_import(stack, "older.csv", older_content)
    newer = start_import(stack, "newer.csv", newer_content)

    # The newer job's file lands first, so the older one finishes last.
    assert post_form(newer["upload"], newer_content).status_code == 204
    assert post_form(older["upload"], older_content).status_code == 204
    statuses = [wait_for(stack, job["job_id"]) for job in (newer, older)]

    assert [s["status"] for s in statuses] == ["completed", "completed"]
    with stack_db.cursor() as cur:
        cur.execute("SELECT count(*) FILTER (WHERE name LIKE 'newer %%'), count(*) "
                    "FROM products WHERE sku LIKE %s", (p + "%",))
        assert cur.fetchone() == (3000, 3000)


def test_cancel_then_retry_large_import(stack, stack_db, sku_prefix):
    content = _csv(sku_prefix, 500_000, seed=11)
    clean = import_file(stack, "clean-500k.csv", content, timeout=600)
    clean_snapshot = _snapshot(stack_db, sku_prefix)
    _delete_products(stack_db, sku_prefix)

    created = start_import(stack, "cancel-500k.csv", content)
    assert post_form(created["upload"], content).status_code == 204
    job_id = created["job_id"]
    wait_for(stack, job_id, timeout=300,
             until=lambda s: s["processed_rows"] >= 2 * BATCH_ROWS or s["status"] != "parsing"
             and s["status"] not in ("queued", "validating"))
    cancel = _api(stack, "POST", f"/api/imports/{job_id}/cancel")
    assert cancel.status_code == 200, cancel.text
    at_cancel = cancel.json()["processed_rows"]
    time.sleep(8)
    stopped = wait_for(stack, job_id)
    time.sleep(3)
    later = wait_for(stack, job_id)

    assert stopped["status"] == "cancelled"
    assert str(at_cancel) in cancel.json()["message"]
    # A batch commits together with the job's counters only while the job is parsing, so
    # nothing commits after the cancel: the rows counted then are all that were imported.
    assert stopped["processed_rows"] == at_cancel
    assert later["processed_rows"] == stopped["processed_rows"]
    assert stopped["processed_rows"] < clean["total_rows"]

    retry = _api(stack, "POST", f"/api/imports/{job_id}/retry")
    assert retry.status_code == 202, retry.text
    done = wait_for(stack, job_id, timeout=600)

    assert done["status"] == "completed"
    assert done["processed_rows"] == clean["processed_rows"] == done["total_rows"]
    assert done["created"] == clean["created"]
    assert done["updated"] == clean["updated"]
    assert done["warning_count"] == clean["warning_count"]
    assert _snapshot(stack_db, sku_prefix) == clean_snapshot


def test_progress_stream_never_goes_backwards(stack, sku_prefix):
    content = _csv(sku_prefix, 60_000, seed=3)
    created = start_import(stack, "stream.csv", content)
    url = f"{stack['sse_url']}/api/imports/{created['job_id']}/status-stream"
    assert post_form(created["upload"], content).status_code == 204

    events = []
    with requests.get(url, stream=True, timeout=120) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines(decode_unicode=True):
            if line.startswith("data:"):
                events.append(json.loads(line[len("data:"):]))

    processed = [event["processed_rows"] for event in events]
    assert events[-1]["status"] == "completed"
    assert processed == sorted(processed)
    assert processed[-1] == events[-1]["total_rows"]


def test_list_imports_newest_first_paginated(stack):
    first = start_import(stack, "list-a.csv", b"x")["job_id"]
    second = start_import(stack, "list-b.csv", b"x")["job_id"]

    page = _api(stack, "GET", "/api/imports?page=1&page_size=2").json()
    bad = _api(stack, "GET", "/api/imports?page_size=1000")

    assert [item["job_id"] for item in page["items"]] == [second, first]
    assert page["page_size"] == 2
    assert page["total"] >= 2
    assert bad.status_code == 400
    assert "page_size" in bad.json()["Message"]
