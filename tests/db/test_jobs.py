"""Job state changes against a real PostgreSQL."""

from __future__ import annotations

from chalicelib.imports import jobs


def test_start_validating_lets_same_execution_retry(conn):
    job = jobs.create_job("products.csv", 10)

    first = jobs.start_validating(job["id"], "arn:execution:1")
    retried = jobs.start_validating(job["id"], "arn:execution:1")
    other = jobs.start_validating(job["id"], "arn:execution:2")

    assert first["status"] == "validating"
    assert retried["status"] == "validating"
    assert retried["attempts"] == 1
    assert other is None


def test_start_validating_keeps_parsing_job_for_its_execution(conn):
    job = jobs.create_job("products.csv", 10)
    jobs.start_validating(job["id"], "arn:execution:1")
    jobs.start_parsing(job["id"], 0, {"encoding": "utf-8", "delimiter": ","}, [])

    again = jobs.start_validating(job["id"], "arn:execution:1")

    assert again["status"] == "parsing"


def test_start_validating_ignores_cancelled_job(conn):
    job = jobs.create_job("products.csv", 10)
    jobs.cancel(job["id"])

    assert jobs.start_validating(job["id"], "arn:execution:1") is None
    assert jobs.get_job(job["id"])["status"] == "cancelled"


def test_start_parsing_records_file_warnings_on_line_one(conn):
    job = jobs.create_job("products.csv", 10)
    jobs.start_validating(job["id"], "arn:execution:1")

    jobs.start_parsing(job["id"], 0, {"encoding": "windows-1252"}, [], ["mixed encodings"])

    assert jobs.get_job(job["id"])["warning_count"] == 1
    assert jobs.first_issues(job["id"]) == [
        {"line": 1, "severity": "warning", "reason": "mixed encodings"}
    ]
