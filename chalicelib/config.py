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


# Chunk workers the state machine's Map runs at once (MaxConcurrency in statemachine.json).
MAP_CONCURRENCY = 4
MIN_CHUNK_BYTES = 4 * 1024 * 1024
MAX_CHUNK_BYTES = 32 * 1024 * 1024


def chunk_bytes(file_size: int) -> int:
    """Return the target size of one chunk worker's byte range for a file of `file_size` bytes.

    Chunks come in whole rounds of MAP_CONCURRENCY, so no round runs one worker alone while
    the others idle, and a file big enough gets at least two rounds, so a worker that lags
    is made up for. CHUNK_BYTES in the environment overrides the computation.
    """
    if os.environ.get("CHUNK_BYTES"):
        return int(os.environ["CHUNK_BYTES"])
    if file_size <= MIN_CHUNK_BYTES:
        return MIN_CHUNK_BYTES
    count = max(-(-file_size // MAX_CHUNK_BYTES), min(2 * MAP_CONCURRENCY, file_size // MIN_CHUNK_BYTES))
    count = -(-count // MAP_CONCURRENCY) * MAP_CONCURRENCY
    return -(-file_size // count)


def state_machine_arn() -> str | None:
    return os.environ.get("STATE_MACHINE_ARN") or None


def retention_days() -> int:
    """Days a failed or cancelled job's upload is kept for retry (the bucket's lifecycle rule)."""
    return int(os.environ.get("UPLOAD_RETENTION_DAYS", "7"))
