"""Lambda handlers that the LocalStack tests deploy to exercise the local process executor."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import boto3

INVOCATIONS = 0


class ImportRejected(Exception):
    """Permanent failure that the state machines in the tests do not retry."""


class TransientError(Exception):
    """Temporary failure that the state machines in the tests retry."""


def echo(event: Any, context: Any) -> dict[str, Any]:
    global INVOCATIONS
    INVOCATIONS += 1
    print(f"echo {event!r}")
    return {"event": event, "pid": os.getpid(), "invocations": INVOCATIONS}


def reject(event: dict[str, Any], context: Any) -> None:
    raise ImportRejected(f"file {event['file']!r} has no 'sku' column")


def crash(event: dict[str, Any], context: Any) -> None:
    print("about to crash", flush=True)
    os._exit(1)


def sleep(event: dict[str, Any], context: Any) -> dict[str, Any]:
    time.sleep(event["seconds"])
    return {"slept": event["seconds"], "pid": os.getpid()}


def describe_context(event: Any, context: Any) -> dict[str, Any]:
    names = [
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_ACCESS_KEY_ID",
        "STAGE",
    ]
    return {
        "aws_request_id": context.aws_request_id,
        "function_name": context.function_name,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "env": {name: os.environ.get(name) for name in names},
        "cwd": os.getcwd(),
    }


def put_object(event: dict[str, Any], context: Any) -> dict[str, Any]:
    s3 = boto3.client("s3")
    s3.put_object(Bucket=event["bucket"], Key=event["key"], Body=b"written by lambda")
    return {"written": event["key"]}


def fail_first_attempt(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Fail with TransientError, or crash the process, until the marker file records an attempt."""
    marker = Path(event["marker"])
    attempts = int(marker.read_text()) + 1 if marker.exists() else 1
    marker.write_text(str(attempts))
    if attempts == 1 and event.get("crash"):
        os._exit(1)
    if attempts == 1:
        raise TransientError(f"attempt {attempts} failed on purpose")
    return {"item": event.get("item"), "attempts": attempts}
