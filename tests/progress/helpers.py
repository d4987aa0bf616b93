"""Helpers for the progress stream tests: jobs in the database and open event streams."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import psycopg2.extensions

from chalicelib.progress.client import Event, iter_events

APPLICATION_NAME = "fullfill-sse-test"


def wait_for(condition: Callable[[], bool], description: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {description}")
        time.sleep(0.02)


async def wait_until(
    condition: Callable[[], bool], description: str, timeout: float = 3.0
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {description}")
        await asyncio.sleep(0.02)


def insert_job(
    conn: psycopg2.extensions.connection,
    status: str = "parsing",
    total_rows: int | None = 1000,
    processed_rows: int = 0,
) -> str:
    job_id = str(uuid.uuid4())
    with conn, conn.cursor() as cur:
        cur.execute(
            """
            INSERT INTO import_jobs
                (id, status, file_name, file_size, upload_key, total_rows, processed_rows)
            VALUES (%s, %s, 'products.csv', 1000, %s, %s, %s)
            """,
            (job_id, status, f"uploads/{job_id}.csv", total_rows, processed_rows),
        )
    return job_id


def update_job(
    conn: psycopg2.extensions.connection, job_id: str, *, notify: bool = True, **columns: Any
) -> None:
    """Update a job's columns in one transaction, with the notification chunk workers send."""
    assignments = ", ".join(f"{name} = %s" for name in columns)
    with conn, conn.cursor() as cur:
        if columns:
            cur.execute(
                f"UPDATE import_jobs SET {assignments}, updated_at = now() WHERE id = %s",
                (*columns.values(), job_id),
            )
        if notify:
            cur.execute("SELECT pg_notify('import_jobs', %s)", (job_id,))


class Stream:
    """An open event stream; a background task queues its events as they arrive."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.ended = asyncio.Event()
        self._events: asyncio.Queue[Event] = asyncio.Queue()
        self._pump = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for event in iter_events(self.response.aiter_lines()):
                await self._events.put(event)
        finally:
            self.ended.set()

    async def next_event(self, timeout: float = 3.0, include_comments: bool = False) -> Event:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            event = await asyncio.wait_for(self._events.get(), max(remaining, 0.001))
            if include_comments or event.data_lines:
                return event

    async def status(self, timeout: float = 3.0) -> tuple[Event, dict[str, Any]]:
        event = await self.next_event(timeout)
        return event, json.loads(event.data)

    async def close(self) -> None:
        self._pump.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._pump


@contextlib.asynccontextmanager
async def open_stream(
    client: httpx.AsyncClient, url: str, last_event_id: str | None = None
) -> AsyncIterator[Stream]:
    headers = {"Last-Event-ID": last_event_id} if last_event_id is not None else {}
    async with client.stream("GET", url, headers=headers) as response:
        assert response.status_code == 200, response.status_code
        stream = Stream(response)
        try:
            yield stream
        finally:
            await stream.close()
