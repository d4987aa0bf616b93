"""The whole import flow on the local AWS stack: presigned POST -> S3 -> EventBridge ->
Step Functions -> Lambda chunk workers -> PostgreSQL."""

from __future__ import annotations

import time

import requests

from chalicelib import aws, config
from chalicelib.imports import uploads
from tests.e2e.flow import import_file, post_form, start_import


def _products(conn, prefix):
    with conn.cursor() as cur:
        cur.execute("SELECT sku, name, price::text FROM products WHERE sku LIKE %s ORDER BY sku",
                    (prefix + "%",))
        return cur.fetchall()


def _object_exists(s3, bucket, key):
    return s3.list_objects_v2(Bucket=bucket, Prefix=key).get("KeyCount", 0) > 0


def test_import_small_file_completes_with_products(stack, s3, stack_db, sku_prefix):
    p = sku_prefix
    content = (
        "sku,name,price,description\n"
        f"{p}A1,Mug,9.99,Blue mug\n"
        f'{p}b2,"Cup, large",12.50,"Two\nlines"\n'
        f"  {p.upper()}a1  ,Mug v2,10.00,Last row wins\n"
        f"{p}c3,Plate,not a price,\n"
    ).encode()

    status = import_file(stack, "small.csv", content)

    assert status["status"] == "completed", status
    assert status["total_rows"] == 4
    assert status["processed_rows"] == 4
    assert status["created"] == 3
    assert status["progress"] == 1.0
    assert _products(stack_db, p) == [
        (f"{p}a1", "Mug v2", "10.00"),
        (f"{p}b2", "Cup, large", "12.50"),
        (f"{p}c3", "Plate", None),
    ]
    assert not _object_exists(s3, stack["bucket"], f"uploads/{status['job_id']}.csv")


def test_import_without_price_column_fails_naming_price(stack, s3, sku_prefix):
    content = f"sku,name,description\n{sku_prefix}a,Mug,Blue\n".encode()

    status = import_file(stack, "no-price.csv", content)

    assert status["status"] == "failed"
    assert "price" in status["message"]
    assert _object_exists(s3, stack["bucket"], f"uploads/{status['job_id']}.csv")


def test_import_second_file_overrides_first(stack, stack_db, sku_prefix):
    p = sku_prefix
    import_file(stack, "first.csv", f"sku,name,price\n{p}a,First,1.00\n".encode())
    status = import_file(stack, "second.csv", f"sku,name,price\n{p.upper()}A,Second,2.00\n".encode())

    assert status["updated"] == 1
    assert _products(stack_db, p) == [(f"{p}a", "Second", "2.00")]


def _local_form(monkeypatch, stack, key, max_bytes=None, expiry=None):
    monkeypatch.setenv("AWS_ENDPOINT_URL", stack["aws_endpoint_url"])
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("UPLOAD_BUCKET", stack["bucket"])
    if max_bytes is not None:
        monkeypatch.setattr(config, "MAX_UPLOAD_BYTES", max_bytes)
    if expiry is not None:
        monkeypatch.setattr(config, "UPLOAD_URL_EXPIRY_SECONDS", expiry)
    aws.s3.cache_clear()
    try:
        return uploads.presigned_post(key)["upload"]
    finally:
        aws.s3.cache_clear()


def test_upload_over_size_limit_is_refused_by_s3(monkeypatch, stack, s3):
    # The same policy as the API's, with a 1 KiB ceiling so the test need not send 500 MB.
    form = _local_form(monkeypatch, stack, "tests/too-large.csv", max_bytes=1024)

    response = post_form(form, b"x" * 2048)

    assert response.status_code == 400
    assert "EntityTooLarge" in response.text
    assert not _object_exists(s3, stack["bucket"], "tests/too-large.csv")


def test_upload_to_other_key_is_refused_by_s3(stack, s3):
    form = start_import(stack, "products.csv", b"sku,name,price\n")["upload"]
    fields = dict(form["fields"], key="uploads/someone-else.csv")

    response = requests.post(form["url"], data=fields,
                             files={"file": ("products.csv", b"sku,name,price\n")}, timeout=30)

    assert response.status_code == 403
    assert not _object_exists(s3, stack["bucket"], "uploads/someone-else.csv")


def test_expired_upload_form_is_refused_by_s3(monkeypatch, stack, s3):
    form = _local_form(monkeypatch, stack, "tests/expired.csv", expiry=1)
    time.sleep(2.5)

    response = post_form(form, b"sku,name,price\n")

    assert response.status_code == 403
    assert not _object_exists(s3, stack["bucket"], "tests/expired.csv")
