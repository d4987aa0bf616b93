"""Helpers that drive an import the way the browser does, through the deployed stack."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests

TERMINAL = {"completed", "failed", "cancelled"}


def start_import(stack: dict[str, str], name: str, content: bytes) -> dict[str, Any]:
    response = requests.post(f"{stack['api_url']}/api/imports",
                             json={"filename": name, "size": len(content)}, timeout=30)
    assert response.status_code == 201, response.text
    return response.json()


def post_form(form: dict[str, Any], content: bytes, name: str = "products.csv") -> requests.Response:
    return requests.post(form["url"], data=form["fields"],
                         files={"file": (name, content, "text/csv")}, timeout=60)


def wait_for(stack: dict[str, str], job_id: str, timeout: float = 120.0,
             until: Callable[[dict[str, Any]], bool] | None = None) -> dict[str, Any]:
    until = until or (lambda status: status["status"] in TERMINAL)
    deadline = time.monotonic() + timeout
    status: dict[str, Any] = {}
    while time.monotonic() < deadline:
        status = requests.get(f"{stack['api_url']}/api/imports/{job_id}/status", timeout=30).json()
        if until(status):
            return status
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} did not reach the expected state in {timeout} s: {status}")


def import_file(stack: dict[str, str], name: str, content: bytes, timeout: float = 120.0) -> dict:
    created = start_import(stack, name, content)
    upload = post_form(created["upload"], content, name)
    assert upload.status_code in (200, 201, 204), upload.text
    return wait_for(stack, created["job_id"], timeout)
