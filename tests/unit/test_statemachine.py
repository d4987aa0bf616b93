"""The state machine definition: well-formed, every path ends, every failure is handled."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DEFINITION = json.loads((Path(__file__).parents[2] / "infra" / "statemachine.json").read_text())
TERMINAL_TYPES = {"Succeed", "Fail"}


def _all_states(states: dict) -> dict:
    found = dict(states)
    for state in states.values():
        if state["Type"] == "Map":
            found.update(_all_states(state["ItemProcessor"]["States"]))
    return found


def _targets(state: dict) -> list[str]:
    targets = [state[key] for key in ("Next", "Default") if key in state]
    targets += [choice["Next"] for choice in state.get("Choices", [])]
    targets += [catch["Next"] for catch in state.get("Catch", [])]
    return targets


def _reachable(states: dict, start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_targets(states[name]))
    return seen


@pytest.mark.parametrize("scope", ["top", "map"])
def test_statemachine_transitions_name_existing_states(scope):
    states = DEFINITION["States"]
    if scope == "map":
        states = states["ImportChunks"]["ItemProcessor"]["States"]
    for name, state in states.items():
        for target in _targets(state):
            assert target in states, f"{name} goes to missing state {target}"


def test_statemachine_every_state_is_reachable():
    assert _reachable(DEFINITION["States"], DEFINITION["StartAt"]) == set(DEFINITION["States"])


def test_statemachine_every_state_ends_or_moves_on():
    for name, state in _all_states(DEFINITION["States"]).items():
        assert state["Type"] in TERMINAL_TYPES or state.get("End") or _targets(state), name


def test_statemachine_failures_before_completion_mark_job_failed():
    for name in ("Validate", "ImportChunks", "Finalize"):
        state = DEFINITION["States"][name]
        caught = [e for catch in state.get("Catch", []) for e in catch["ErrorEquals"]]
        assert "States.ALL" in caught, f"{name} has no catch-all"
        assert state["Catch"][-1]["Next"] == "MarkFailed"


def test_statemachine_search_indexing_failure_keeps_job_completed():
    catch = DEFINITION["States"]["IndexForSearch"]["Catch"][-1]

    assert catch["ErrorEquals"] == ["States.ALL"]
    assert DEFINITION["States"][catch["Next"]]["Type"] == "Succeed"


def test_statemachine_chunk_worker_retries_crashes_and_transient_errors():
    chunk = DEFINITION["States"]["ImportChunks"]["ItemProcessor"]["States"]["ImportChunk"]
    retried = {e for retry in chunk["Retry"] for e in retry["ErrorEquals"]}

    assert {"TransientError", "Runtime.ExitError", "Lambda.Unknown"} <= retried
    assert "ImportRejected" not in retried


def test_statemachine_substitutions_match_template():
    template = json.loads((Path(__file__).parents[2] / "infra" / "resources.json").read_text())
    substitutions = template["Resources"]["ImportStateMachine"]["Properties"]["DefinitionSubstitutions"]
    text = json.dumps(DEFINITION)

    for name in substitutions:
        assert "${" + name + "}" in text
    assert text.count("${") == len(substitutions)


def test_statemachine_concurrency_matches_chunk_sizing():
    from chalicelib import config

    assert DEFINITION["States"]["ImportChunks"]["MaxConcurrency"] == config.MAP_CONCURRENCY
