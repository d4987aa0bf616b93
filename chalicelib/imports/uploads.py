"""Presigned S3 POST uploads and the upload objects' lifecycle."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import botocore.exceptions

from chalicelib import aws, config


def presigned_post(key: str) -> dict[str, Any]:
    """Return a browser form that uploads one file to exactly `key`, 1 byte to 500 MB."""
    expires_at = datetime.now(timezone.utc) + timedelta(seconds=config.UPLOAD_URL_EXPIRY_SECONDS)
    form = aws.s3().generate_presigned_post(
        Bucket=config.upload_bucket(),
        Key=key,
        Conditions=[["content-length-range", 1, config.MAX_UPLOAD_BYTES]],
        ExpiresIn=config.UPLOAD_URL_EXPIRY_SECONDS,
    )
    return {
        "upload": {"url": form["url"], "fields": form["fields"]},
        "expires_at": expires_at.isoformat(timespec="seconds"),
    }


def upload_exists(bucket: str, key: str) -> bool:
    try:
        aws.s3().head_object(Bucket=bucket, Key=key)
    except botocore.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
    return True


def object_size(bucket: str, key: str) -> int:
    return int(aws.s3().head_object(Bucket=bucket, Key=key)["ContentLength"])


def delete_upload(bucket: str, key: str) -> None:
    aws.s3().delete_object(Bucket=bucket, Key=key)


def read_range(bucket: str, key: str, start: int, end: int, block_size: int = 1 << 20):
    """Yield the bytes [start, end) of an object in blocks, without holding them all."""
    if end <= start:
        return
    response = aws.s3().get_object(Bucket=bucket, Key=key, Range=f"bytes={start}-{end - 1}")
    yield from response["Body"].iter_chunks(block_size)


def read_all(bucket: str, key: str, block_size: int = 1 << 20):
    response = aws.s3().get_object(Bucket=bucket, Key=key)
    yield from response["Body"].iter_chunks(block_size)
