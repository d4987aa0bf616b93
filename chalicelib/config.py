"""Settings read from the environment, with the product's limits as defaults."""

from __future__ import annotations

import os

MAX_UPLOAD_BYTES = 500 * 1024 * 1024
UPLOAD_URL_EXPIRY_SECONDS = 15 * 60
# Rows of a chunk committed per transaction: progress moves at least this often.
BATCH_ROWS = 10_000
UPLOAD_PREFIX = "uploads/"
REPORT_PREFIX = "reports/"


def upload_bucket() -> str:
    bucket = os.environ.get("UPLOAD_BUCKET")
    if not bucket:
        raise RuntimeError("UPLOAD_BUCKET is not set")
    return bucket


def chunk_bytes() -> int:
    """Target size of one chunk worker's byte range."""
    return int(os.environ.get("CHUNK_BYTES", str(8 * 1024 * 1024)))


def state_machine_arn() -> str | None:
    return os.environ.get("STATE_MACHINE_ARN") or None


def retention_days() -> int:
    """Days a failed or cancelled job's upload is kept for retry (the bucket's lifecycle rule)."""
    return int(os.environ.get("UPLOAD_RETENTION_DAYS", "7"))
