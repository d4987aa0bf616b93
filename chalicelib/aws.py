"""boto3 clients, created once per process and reused across Lambda invocations."""

from __future__ import annotations

import functools
import os
from typing import Any

import boto3
from botocore.config import Config


@functools.cache
def s3() -> Any:
    # Path-style addressing keeps presigned URLs valid for LocalStack's single host, and
    # SigV4 is the only signature LocalStack checks correctly for presigned POSTs.
    config = Config(signature_version="s3v4", s3={"addressing_style": _addressing_style()})
    return boto3.client("s3", config=config)


@functools.cache
def stepfunctions() -> Any:
    return boto3.client("stepfunctions")


def _addressing_style() -> str:
    return "path" if os.environ.get("AWS_ENDPOINT_URL") else "auto"
