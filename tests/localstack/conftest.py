"""Fixtures for tests against the local LocalStack: clients, and functions deployed from zips.

The session fixture starts LocalStack through infra/local/localstack.sh unless it is already
running, and leaves it running afterwards because other sessions may share it.
"""

from __future__ import annotations

import io
import json
import subprocess
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient
from botocore.config import Config

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS_DIR = Path(__file__).resolve().parent / "functions"
ENDPOINT_URL = "http://127.0.0.1:4566"
REGION = "us-east-1"
ROLE_ARN = "arn:aws:iam::000000000000:role/fullfill-test"
POLL_SECONDS = 0.1

ClientFactory = Callable[[str], BaseClient]
FunctionFactory = Callable[..., str]


@pytest.fixture(scope="session")
def localstack() -> str:
    """Start LocalStack if needed and return its endpoint URL."""
    subprocess.run(
        ["bash", str(ROOT / "infra/local/localstack.sh"), "start"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return ENDPOINT_URL


@pytest.fixture(scope="session")
def aws(localstack: str) -> ClientFactory:
    """Return a factory of boto3 clients aimed at LocalStack with the test credentials."""
    config = Config(retries={"max_attempts": 1}, read_timeout=120)

    def client(service: str) -> BaseClient:
        return boto3.client(
            service,
            endpoint_url=localstack,
            region_name=REGION,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=config,
        )

    return client


def zip_functions() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for source in FUNCTIONS_DIR.glob("*.py"):
            zipped.write(source, source.name)
    return archive.getvalue()


def wait_until_active(lambda_client: BaseClient, name: str, timeout_seconds: float = 30) -> None:
    deadline = time.monotonic() + timeout_seconds
    while True:
        configuration = lambda_client.get_function_configuration(FunctionName=name)
        if configuration["State"] == "Active":
            return
        if configuration["State"] == "Failed" or time.monotonic() > deadline:
            raise AssertionError(
                f"function {name!r} is {configuration['State']}: {configuration.get('StateReason')}"
            )
        time.sleep(POLL_SECONDS)


@pytest.fixture
def deploy_function(aws: ClientFactory) -> Iterator[FunctionFactory]:
    """Create functions from tests/localstack/functions as a zip; delete them after the test."""
    lambda_client = aws("lambda")
    created: list[str] = []

    def deploy(handler: str, timeout: int = 10, environment: dict[str, str] | None = None) -> str:
        name = f"test-{handler.rsplit('.', 1)[-1].replace('_', '-')}-{uuid.uuid4().hex[:8]}"
        lambda_client.create_function(
            FunctionName=name,
            Runtime="python3.11",
            Role=ROLE_ARN,
            Handler=handler,
            Code={"ZipFile": zip_functions()},
            Timeout=timeout,
            Environment={"Variables": environment or {}},
        )
        created.append(name)
        wait_until_active(lambda_client, name)
        return name

    yield deploy
    for name in created:
        lambda_client.delete_function(FunctionName=name)


@pytest.fixture
def invoke(aws: ClientFactory) -> Callable[[str, Any], tuple[dict[str, Any], Any]]:
    """Return a function that invokes synchronously and returns the response and decoded payload."""
    lambda_client = aws("lambda")

    def invoke_function(name: str, event: Any) -> tuple[dict[str, Any], Any]:
        response = lambda_client.invoke(
            FunctionName=name, Payload=json.dumps(event), LogType="Tail"
        )
        return response, json.loads(response["Payload"].read())

    return invoke_function


@pytest.fixture
def run_state_machine(aws: ClientFactory) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """Return a function that runs a definition to completion and returns describe_execution."""
    sfn = aws("stepfunctions")

    def run(definition: dict[str, Any], execution_input: Any) -> dict[str, Any]:
        machine_arn = sfn.create_state_machine(
            name=f"test-{uuid.uuid4().hex[:8]}",
            definition=json.dumps(definition),
            roleArn=ROLE_ARN,
        )["stateMachineArn"]
        try:
            execution_arn = sfn.start_execution(
                stateMachineArn=machine_arn,
                input=json.dumps(execution_input),
            )["executionArn"]
            return wait_for_execution(sfn, execution_arn)
        finally:
            sfn.delete_state_machine(stateMachineArn=machine_arn)

    return run


def wait_for_execution(
    sfn: BaseClient, execution_arn: str, timeout_seconds: float = 60
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_seconds
    while (execution := sfn.describe_execution(executionArn=execution_arn))["status"] == "RUNNING":
        if time.monotonic() > deadline:
            raise AssertionError(
                f"execution {execution_arn} still running after {timeout_seconds} s"
            )
        time.sleep(POLL_SECONDS)
    return execution
