"""The hub's LISTEN connection: a dropped connection is reopened and nothing is missed."""

from __future__ import annotations

import pytest

from tests.progress.helpers import (
    APPLICATION_NAME,
    insert_job,
    open_stream,
    update_job,
    wait_until,
)

pytestmark = pytest.mark.anyio


def _terminate_listen_connection(conn) -> int:
    with conn, conn.cursor() as cur:
        cur.execute(
            """
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
             WHERE datname = current_database() AND application_name = %s
            """,
            (f"{APPLICATION_NAME}-listen",),
        )
        return cur.fetchone()[0]


async def test_hub_catches_up_after_listen_connection_dropped(start_service, client, conn):
    job_id = insert_job(conn)
    running = start_service(refresh_seconds=60.0)
    async with open_stream(client, running.stream_url(job_id)) as stream:
        await stream.status()

        assert _terminate_listen_connection(conn) == 1
        await wait_until(lambda: not running.hub.listening, "the hub to notice the drop")
        # Committed while nothing listens: only the catch-up read after reconnecting finds it.
        update_job(conn, job_id, processed_rows=250)
        _, missed = await stream.status(timeout=5.0)
        update_job(conn, job_id, processed_rows=260)
        _, notified = await stream.status(timeout=1.0)

    assert missed["processed_rows"] == 250
    assert notified["processed_rows"] == 260
    assert running.hub.listening
