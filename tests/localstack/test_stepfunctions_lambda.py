"""Step Functions state machines whose tasks run on the local process executor."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.localstack

FunctionFactory = Callable[..., str]
RunStateMachine = Callable[[dict[str, Any], Any], dict[str, Any]]


def function_arn(name: str) -> str:
    return f"arn:aws:lambda:us-east-1:000000000000:function:{name}"


def map_over(
    function_name: str,
    max_concurrency: int,
    retry: list[dict[str, Any]] | None = None,
    item_selector: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Build a definition with an inline Map that runs one Lambda task per input item."""
    task: dict[str, Any] = {
        "Type": "Task",
        "Resource": function_arn(function_name),
        "End": True,
    }
    if retry:
        task["Retry"] = retry
    map_state: dict[str, Any] = {
        "Type": "Map",
        "ItemsPath": "$.items",
        "MaxConcurrency": max_concurrency,
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "INLINE"},
            "StartAt": "Work",
            "States": {"Work": task},
        },
        "End": True,
    }
    if item_selector:
        map_state["ItemSelector"] = item_selector
    return {"StartAt": "Chunks", "States": {"Chunks": map_state}}


def test_map_returns_every_result(
    run_state_machine: RunStateMachine, deploy_function: FunctionFactory
) -> None:
    name = deploy_function("probe.echo")
    items = [{"chunk": index} for index in range(8)]

    execution = run_state_machine(map_over(name, max_concurrency=4), {"items": items})

    assert execution["status"] == "SUCCEEDED"
    output = json.loads(execution["output"])
    assert [result["event"] for result in output] == items


def test_map_runs_environments_concurrently(
    run_state_machine: RunStateMachine, deploy_function: FunctionFactory
) -> None:
    name = deploy_function("probe.sleep")
    items = [{"seconds": 1} for _ in range(4)]

    execution = run_state_machine(map_over(name, max_concurrency=4), {"items": items})

    assert execution["status"] == "SUCCEEDED"
    output = json.loads(execution["output"])
    assert len({result["pid"] for result in output}) > 1
    elapsed = (execution["stopDate"] - execution["startDate"]).total_seconds()
    assert elapsed < 3.5


@pytest.mark.parametrize("crash", [False, True], ids=["custom-error", "process-exit"])
def test_map_retry_recovers_failed_first_attempt(
    run_state_machine: RunStateMachine,
    deploy_function: FunctionFactory,
    tmp_path: Path,
    crash: bool,
) -> None:
    name = deploy_function("probe.fail_first_attempt")
    retry = [
        {
            "ErrorEquals": ["TransientError", "Runtime.ExitError"],
            "IntervalSeconds": 1,
            "MaxAttempts": 2,
            "BackoffRate": 1.0,
        }
    ]
    selector = {
        "item.$": "$$.Map.Item.Value",
        "crash": crash,
        "marker.$": f"States.Format('{tmp_path}/marker-{{}}', $$.Map.Item.Index)",
    }
    definition = map_over(name, max_concurrency=2, retry=retry, item_selector=selector)

    execution = run_state_machine(definition, {"items": ["a", "b"]})

    assert execution["status"] == "SUCCEEDED", execution.get("cause")
    assert json.loads(execution["output"]) == [
        {"item": "a", "attempts": 2},
        {"item": "b", "attempts": 2},
    ]


def test_task_catch_matches_error_type(
    run_state_machine: RunStateMachine, deploy_function: FunctionFactory
) -> None:
    name = deploy_function("probe.reject")
    definition = {
        "StartAt": "Validate",
        "States": {
            "Validate": {
                "Type": "Task",
                "Resource": function_arn(name),
                "End": True,
                "Retry": [{"ErrorEquals": ["TransientError"], "MaxAttempts": 3}],
                "Catch": [{"ErrorEquals": ["ImportRejected"], "Next": "Rejected"}],
            },
            "Rejected": {"Type": "Pass", "End": True},
        },
    }

    execution = run_state_machine(definition, {"file": f"{uuid.uuid4().hex}.csv"})

    assert execution["status"] == "SUCCEEDED"
    output = json.loads(execution["output"])
    assert output["Error"] == "ImportRejected"
    assert "has no 'sku' column" in json.loads(output["Cause"])["errorMessage"]
