"""A job's state as one stream event: the status JSON, the rates and the event id."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from chalicelib.imports import jobs

@dataclass(frozen=True)
class Snapshot:
    job_id: str
    # import_jobs.version: one more with every committed update (migration 0004).
    version: int
    processed_rows: int
    terminal: bool
    # The event's data line, serialised once and shared by every stream of the job.
    data: str


def build_snapshot(
    job: dict[str, Any], rows_per_second: float | None, eta_seconds: float | None
) -> Snapshot:
    issues = job.get("inline_issues") or []
    payload = jobs.status_payload(job, issues)
    payload["rows_per_second"] = _rounded(rows_per_second)
    payload["eta_seconds"] = _rounded(eta_seconds)
    return Snapshot(
        job_id=str(job["id"]),
        version=job["version"],
        processed_rows=job["processed_rows"],
        terminal=job["status"] in jobs.TERMINAL,
        data=json.dumps(payload, separators=(",", ":")),
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
