"""Crash injection for the local stack's fault tests.

When FAULT_INJECTION_DIR is set (only the local deployment sets it), a chunk worker that finds
the file `crash-<job id>` there deletes it and exits the process at once after its next
committed batch, as a worker killed by its runtime would. Deleting the file first makes one
worker of the job crash, once.
"""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path

logger = logging.getLogger(__name__)


def crash_marker(folder: Path, job_id: uuid.UUID | str) -> Path:
    return folder / f"crash-{job_id}"


def crash_if_requested(job_id: uuid.UUID, chunk_index: int) -> None:
    folder = os.environ.get("FAULT_INJECTION_DIR")
    if not folder:
        return
    try:
        crash_marker(Path(folder), job_id).unlink()
    except FileNotFoundError:
        return
    logger.warning("job %s chunk %s: crashing on request", job_id, chunk_index)
    os._exit(1)
