"""Lambda functions run by the local process executor inside LocalStack."""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.localstack

ClientFactory = Callable[[str], Any]
FunctionFactory = Callable[..., str]
Invoke = Callable[[str, Any], tuple[dict[str, Any], Any]]


def test_invoke_returns_handler_result(deploy_function: FunctionFactory, invoke: Invoke) -> None:
    name = deploy_function("probe.echo")

    response, payload = invoke(name, {"sku": "A-1", "qty": 3})

    assert "FunctionError" not in response
    assert payload["event"] == {"sku": "A-1", "qty": 3}


def test_invoke_exception_becomes_function_error(
    deploy_function: FunctionFactory, invoke: Invoke
) -> None:
    name = deploy_function("probe.reject")

    response, payload = invoke(name, {"file": "catalogue.csv"})

    assert response["FunctionError"] == "Unhandled"
    assert payload["errorType"] == "ImportRejected"
    assert payload["errorMessage"] == "file 'catalogue.csv' has no 'sku' column"
    assert any("probe.py" in frame for frame in payload["stackTrace"])


def test_invoke_reuses_warm_environment(deploy_function: FunctionFactory, invoke: Invoke) -> None:
    name = deploy_function("probe.echo")

    _, first = invoke(name, {})
    _, second = invoke(name, {})

    assert second["pid"] == first["pid"]
    assert second["invocations"] == first["invocations"] + 1


def test_invoke_gives_lambda_environment_and_context(
    deploy_function: FunctionFactory, invoke: Invoke
) -> None:
    name = deploy_function("probe.describe_context", timeout=7, environment={"STAGE": "local"})

    _, payload = invoke(name, {})

    assert payload["function_name"] == name
    assert payload["env"] == {
        "AWS_LAMBDA_FUNCTION_NAME": name,
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:4566",
        "AWS_ACCESS_KEY_ID": "test",
        "STAGE": "local",
    }
    assert 6000 < payload["remaining_ms"] <= 7000
    assert len(payload["aws_request_id"]) == 36


def test_invoke_handler_reaches_localstack_s3(
    aws: ClientFactory, deploy_function: FunctionFactory, invoke: Invoke
) -> None:
    s3 = aws("s3")
    bucket = f"test-executor-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    name = deploy_function("probe.put_object")

    response, _ = invoke(name, {"bucket": bucket, "key": "out.txt"})

    assert "FunctionError" not in response
    assert s3.get_object(Bucket=bucket, Key="out.txt")["Body"].read() == b"written by lambda"
    s3.delete_object(Bucket=bucket, Key="out.txt")
    s3.delete_bucket(Bucket=bucket)


def test_invoke_crash_becomes_exit_error(deploy_function: FunctionFactory, invoke: Invoke) -> None:
    name = deploy_function("probe.crash")

    response, payload = invoke(name, {})

    assert response["FunctionError"] == "Unhandled"
    assert payload["errorType"] == "Runtime.ExitError"
    assert "exit status 1" in payload["errorMessage"]
    assert "about to crash" in base64.b64decode(response["LogResult"]).decode()


def test_invoke_after_crash_uses_new_process(
    deploy_function: FunctionFactory, invoke: Invoke
) -> None:
    name = deploy_function("probe.fail_first_attempt")
    marker = f"/tmp/fullfill-test-{uuid.uuid4().hex}"

    first_response, _ = invoke(name, {"marker": marker, "crash": True})
    second_response, second = invoke(name, {"marker": marker})

    assert first_response["FunctionError"] == "Unhandled"
    assert "FunctionError" not in second_response
    assert second["attempts"] == 2


def test_invoke_timeout_stops_handler(deploy_function: FunctionFactory, invoke: Invoke) -> None:
    name = deploy_function("probe.sleep", timeout=1)

    started = time.monotonic()
    response, payload = invoke(name, {"seconds": 30})
    elapsed = time.monotonic() - started

    assert response["FunctionError"] == "Unhandled"
    assert payload["errorType"] == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in payload["errorMessage"]
    assert elapsed < 5


def test_invoke_logs_reach_cloudwatch(
    aws: ClientFactory, deploy_function: FunctionFactory, invoke: Invoke
) -> None:
    name = deploy_function("probe.echo")

    response, _ = invoke(name, {"note": "visible"})

    tail = base64.b64decode(response["LogResult"]).decode()
    assert "echo {'note': 'visible'}" in tail
    assert "REPORT RequestId:" in tail
    # LocalStack ships the lines to CloudWatch Logs after the invocation returns.
    deadline = time.monotonic() + 15
    messages: list[str] = []
    while time.monotonic() < deadline:
        try:
            events = aws("logs").filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
        except aws("logs").exceptions.ResourceNotFoundException:
            events = []
        messages = [event["message"] for event in events]
        if any("echo {'note': 'visible'}" in message for message in messages):
            break
        time.sleep(0.5)
    assert any("echo {'note': 'visible'}" in message for message in messages)


def test_invoke_missing_module_becomes_import_error(
    deploy_function: FunctionFactory, invoke: Invoke
) -> None:
    name = deploy_function("no_such_module.handler")

    response, payload = invoke(name, {})

    assert response["FunctionError"] == "Unhandled"
    assert payload["errorType"] == "Runtime.ImportModuleError"
    assert "no_such_module" in payload["errorMessage"]
