"""The error report through the deployed stack: written to S3 beside the job, downloaded with a
presigned GET, and usable as a new import once its rows are fixed."""

from __future__ import annotations

import csv
import io
import time
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs, urlparse

import requests

from chalicelib import aws
from chalicelib.imports import reports
from tests.e2e.flow import import_file


def _report_link(stack: dict[str, str], job_id: str) -> requests.Response:
    return requests.get(f"{stack['api_url']}/api/imports/{job_id}/errors", timeout=30)


def _download(url: str) -> bytes:
    response = requests.get(url, timeout=30)
    assert response.status_code == 200, response.text
    return response.content


def _rows(content: bytes, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""),
                           delimiter=delimiter))


def _products(conn: Any, prefix: str) -> dict[str, tuple[str, str | None]]:
    with conn.cursor() as cur:
        cur.execute("SELECT sku, name, price::text FROM products WHERE sku LIKE %s",
                    (prefix + "%",))
        return {sku: (name, price) for sku, name, price in cur}


def _bad_file(p: str) -> bytes:
    return (
        "sku,name,price,description\n"
        f"{p}ok,Mug,9.99,Fine\n"
        f"{p}few,Cup,2.00\n"
        f"{p}noname,,3.00,Needs a name\n"
        f"{p}cheap,Plate,free,Price in words\n"
        f",Bowl,4.00,No SKU\n"
        f'{p}quoted,"Jug, large",5.00,"Two\nlines"\n'
        f"{p}wide,Pot,6.00,Iron,extra\n"
        f"{p}sci,Lid,1.00,x\n"
        f"1.5E+3,Spoon,0.50,From Excel\n"
    ).encode()


def test_error_report_lists_issues_with_original_fields(stack, s3, sku_prefix):
    p = sku_prefix
    status = import_file(stack, "bad.csv", _bad_file(p))
    assert status["status"] == "completed", status

    response = _report_link(stack, status["job_id"])

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"url", "expires_at"}
    expires_at = datetime.fromisoformat(body["expires_at"])
    assert timedelta(minutes=55) < expires_at - datetime.now(timezone.utc) <= timedelta(hours=1)
    assert parse_qs(urlparse(body["url"]).query)["X-Amz-Expires"] == ["3600"]
    key = f"reports/{status['job_id']}.csv"
    assert s3.head_object(Bucket=stack["bucket"], Key=key)["ContentLength"] > 0
    assert _rows(_download(body["url"])) == [
        ["line", "severity", "reason", "sku", "name", "price", "description"],
        ["3", "error", "row has 3 fields, expected 4", f"{p}few", "Cup", "2.00"],
        ["4", "error", "name is empty", f"{p}noname", "", "3.00", "Needs a name"],
        ["5", "warning", "price 'free' is not a number; imported without a price",
         f"{p}cheap", "Plate", "free", "Price in words"],
        ["6", "error", "invalid SKU '': empty", "", "Bowl", "4.00", "No SKU"],
        ["9", "error", "row has 5 fields, expected 4", f"{p}wide", "Pot", "6.00", "Iron",
         "extra"],
        ["11", "warning", "SKU '1.5e+3' looks like a number in scientific notation from a "
         "spreadsheet; imported as it is, check the source", "1.5E+3", "Spoon", "0.50",
         "From Excel"],
    ]


def test_status_carries_counts_and_first_issues(stack, sku_prefix):
    status = import_file(stack, "bad.csv", _bad_file(sku_prefix))

    assert status["error_count"] == 4
    assert status["warning_count"] == 2
    assert [(issue["line"], issue["severity"]) for issue in status["errors"]] == [
        (3, "error"), (4, "error"), (5, "warning"), (6, "error"), (9, "error"),
    ]
    assert status["errors"][1]["reason"] == "name is empty"


def test_error_report_reimports_fixed_row(stack, stack_db, sku_prefix):
    # GIVEN the report of a file with a nameless row
    p = sku_prefix
    first = import_file(stack, "bad.csv", _bad_file(p))
    report = _download(_report_link(stack, first["job_id"]).json()["url"])

    # WHEN the user gives the row a name and uploads the report itself
    fixed = report.replace(f"{p}noname,,3.00".encode(), f"{p}noname,Bowl,3.00".encode())
    assert fixed != report
    second = import_file(stack, "errors-fixed.csv", fixed)

    # THEN the report's line, severity and reason columns are ignored and the row imports
    assert second["status"] == "completed", second
    assert second["column_map"] == {"sku": "sku", "name": "name", "price": "price",
                                    "description": "description"}
    assert _products(stack_db, f"{p}noname") == {f"{p}noname": ("Bowl", "3.00")}
    assert second["processed_rows"] == 6
    # The rows still wrong are reported again, at their lines in the report.
    assert [(issue["line"], issue["reason"]) for issue in second["errors"]] == [
        (2, "row has 6 fields, expected 7"),
        (4, "price 'free' is not a number; imported without a price"),
        (5, "invalid SKU '': empty"),
        (6, "row has 8 fields, expected 7"),
        (7, "SKU '1.5e+3' looks like a number in scientific notation from a spreadsheet;"
            " imported as it is, check the source"),
    ]


def test_error_report_keeps_semicolon_number_format(stack, stack_db, sku_prefix):
    # GIVEN a semicolon file whose nameless row has the price "1.299" (1299.00 in such a file)
    p = sku_prefix
    content = f"SKU;Name;Price\n{p}a;Mug;2,50\n{p}b;;1.299\n".encode()
    first = import_file(stack, "semi.csv", content)
    report = _download(_report_link(stack, first["job_id"]).json()["url"])
    assert _rows(report, ";") == [
        ["line", "severity", "reason", "SKU", "Name", "Price"],
        ["3", "error", "name is empty", f"{p}b", "", "1.299"],
    ]

    # WHEN the row gets a name and the report is imported
    second = import_file(stack, "semi-fixed.csv", report.replace(b";;1.299", b";Jug;1.299"))

    # THEN its price means what it meant in the original file
    assert second["status"] == "completed", second
    assert second["delimiter"] == ";"
    assert _products(stack_db, p) == {f"{p}a": ("Mug", "2.50"), f"{p}b": ("Jug", "1299.00")}


def test_error_report_of_windows1252_file_is_utf8(stack, sku_prefix):
    p = sku_prefix
    content = f"sku,name,price\n{p}a,Crème,1.00\n{p}b,,2.00\n".encode("cp1252")
    status = import_file(stack, "cp1252.csv", content)
    assert status["encoding"] == "windows-1252"

    report = _download(_report_link(stack, status["job_id"]).json()["url"])

    assert report.startswith(b"\xef\xbb\xbf")
    assert _rows(report)[1] == ["3", "error", "name is empty", f"{p}b", "", "2.00"]


def test_error_report_missing_for_clean_job(stack, sku_prefix):
    status = import_file(stack, "clean.csv", f"sku,name,price\n{sku_prefix}a,Mug,1.00\n".encode())
    assert status["status"] == "completed"

    response = _report_link(stack, status["job_id"])

    assert response.status_code == 404
    assert "no errors or warnings" in response.json()["Message"]


def test_error_report_missing_for_unknown_job(stack):
    response = _report_link(stack, "00000000-0000-0000-0000-000000000000")

    assert response.status_code == 404


def test_error_report_url_expires(monkeypatch, stack, sku_prefix):
    # The service's own presigning, with a 3 s lifetime so the test need not wait an hour. The
    # signature's timestamp is cut to whole seconds, so a 1 s lifetime could end before the
    # first GET.
    status = import_file(stack, "bad.csv", f"sku,name,price\n{sku_prefix}a,,1.00\n".encode())
    monkeypatch.setenv("AWS_ENDPOINT_URL", stack["aws_endpoint_url"])
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("UPLOAD_BUCKET", stack["bucket"])
    monkeypatch.setattr(reports, "REPORT_URL_EXPIRY_SECONDS", 3)
    aws.s3.cache_clear()
    try:
        url = reports.report_url({"id": status["job_id"]})["url"]
    finally:
        aws.s3.cache_clear()
    assert requests.get(url, timeout=30).status_code == 200
    time.sleep(4.5)

    response = requests.get(url, timeout=30)

    assert response.status_code == 403
