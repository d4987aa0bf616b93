"""Fixtures for API tests: the Chalice test client over a real database and moto's S3."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from chalice.test import Client
from moto import mock_aws

from chalicelib import aws

BUCKET = "fullfill-test-uploads"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("UPLOAD_BUCKET", BUCKET)
    with mock_aws():
        aws.s3.cache_clear()
        client = boto3.client("s3")
        client.create_bucket(Bucket=BUCKET)
        yield client
    aws.s3.cache_clear()


@pytest.fixture
def api(conn, s3) -> Iterator[Client]:
    from app import app

    with Client(app) as client:
        yield client
