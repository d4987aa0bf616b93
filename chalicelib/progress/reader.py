"""Reading job rows for the stream: one query for any number of jobs, over a small pool."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import asyncpg

from chalicelib.imports import jobs

logger = logging.getLogger(__name__)

# The job columns the REST status endpoint reads, the job's version, and its inline issues as
# a JSON array, so one query yields everything `jobs.status_payload` and the event id need.
_READ_JOBS = f"""
SELECT {jobs.JOB_COLUMNS}, version,
       (SELECT coalesce(json_agg(json_build_object(
                   'line', issue.line, 'severity', issue.severity, 'reason', issue.reason)
                   ORDER BY issue.line, issue.severity), '[]')
          FROM (SELECT line, severity, reason FROM import_issues
                 WHERE job_id = import_jobs.id
                 ORDER BY line, severity LIMIT {jobs.INLINE_ISSUES}) AS issue
       ) AS inline_issues
  FROM import_jobs
 WHERE id = ANY($1::uuid[])
"""

_TIMESTAMP_COLUMNS = ("created_at", "updated_at", "started_at", "finished_at")


class ReadFailed(Exception):
    """PostgreSQL could not be reached or the job query failed."""


class JobReader:
    """Reads jobs through an asyncpg pool; `job_reads` counts the queries it ran."""

    def __init__(self, database_url: str, pool_size: int, application_name: str) -> None:
        self._url = database_url
        self._pool_size = pool_size
        self._application_name = application_name
        self._pool: asyncpg.Pool | None = None
        # psycopg2, which the REST endpoint uses, returns timestamps in the session's time
        # zone; converting to it makes the stream's JSON equal the endpoint's.
        self._zone: ZoneInfo | None = None
        self.job_reads = 0

    async def start(self) -> None:
        # min_size=0: the service starts, and reports itself unhealthy, while PostgreSQL is down.
        self._pool = await asyncpg.create_pool(
            self._url,
            min_size=0,
            max_size=self._pool_size,
            command_timeout=10,
            init=self._init_connection,
            server_settings={"application_name": self._application_name},
        )

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()

    async def read(self, job_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Return the rows of the given jobs by job id; ids of missing jobs are left out."""
        assert self._pool is not None, "JobReader.start() was not awaited"
        self.job_reads += 1
        try:
            records = await self._pool.fetch(_READ_JOBS, [uuid.UUID(job_id) for job_id in job_ids])
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            raise ReadFailed(f"reading import jobs {list(job_ids)} failed: {exc}") from exc
        rows = [self._as_job(record) for record in records]
        return {str(row["id"]): row for row in rows}

    async def _init_connection(self, conn: asyncpg.Connection) -> None:
        for type_name in ("json", "jsonb"):
            await conn.set_type_codec(
                type_name, encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
            )
        if self._zone is None:
            self._zone = _zone(await conn.fetchval("SHOW TimeZone"))

    def _as_job(self, record: asyncpg.Record) -> dict[str, Any]:
        row = dict(record)
        for column in _TIMESTAMP_COLUMNS:
            value: datetime | None = row[column]
            if value is not None and self._zone is not None:
                row[column] = value.astimezone(self._zone)
        return row


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        logger.warning("server time zone %r is unknown to zoneinfo; sending UTC timestamps", name)
        return None
