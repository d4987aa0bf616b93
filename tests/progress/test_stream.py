"""The status stream against a real PostgreSQL, with the service on a random local port."""

from __future__ import annotations

import copy
import json
import time
import uuid
from typing import Any

import pytest

from chalicelib.imports import jobs, service
from chalicelib.progress.reader import JobReader
from tests.progress.helpers import insert_job, open_stream, update_job, wait_until

pytestmark = pytest.mark.anyio

# Long enough that only a notification can explain an event inside a test.
NO_REFRESH = {"refresh_seconds": 60.0}


async def test_stream_pushes_notified_update_within_one_second(start_service, client, conn):
    job_id = insert_job(conn)
    running = start_service(**NO_REFRESH)
    async with open_stream(client, running.stream_url(job_id)) as stream:
        _, first = await stream.status()

        started = time.monotonic()
        update_job(conn, job_id, processed_rows=100)
        event, second = await stream.status(timeout=1.0)
        latency = time.monotonic() - started

    assert first["processed_rows"] == 0
    assert second["processed_rows"] == 100
    assert event.event == "status"
    assert latency < 1.0


async def test_stream_delivers_unnotified_update_by_periodic_read(start_service, client, conn):
    job_id = insert_job(conn)
    running = start_service(refresh_seconds=1.0)
    async with open_stream(client, running.stream_url(job_id)) as stream:
        await stream.status()
        update_job(conn, job_id, notify=False, processed_rows=200)
        _, payload = await stream.status(timeout=2.5)

    assert payload["processed_rows"] == 200


async def test_stream_resumes_after_last_event_id_without_repeat(start_service, client, conn):
    job_id = insert_job(conn)
    running = start_service(**NO_REFRESH)
    url = running.stream_url(job_id)
    async with open_stream(client, url) as stream:
        seen, _ = await stream.status()

    update_job(conn, job_id, processed_rows=300)
    async with open_stream(client, url, last_event_id=seen.id) as stream:
        missed, missed_payload = await stream.status()
    async with open_stream(client, url, last_event_id=missed.id) as stream:
        with pytest.raises(TimeoutError):
            await stream.next_event(timeout=0.5)
        update_job(conn, job_id, processed_rows=400)
        latest, latest_payload = await stream.status()

    assert missed_payload["processed_rows"] == 300
    assert int(missed.id) > int(seen.id)
    assert latest_payload["processed_rows"] == 400
    assert int(latest.id) > int(missed.id)


async def test_stream_ends_after_completed(start_service, client, conn):
    job_id = insert_job(conn, processed_rows=900)
    running = start_service(**NO_REFRESH)
    url = running.stream_url(job_id)
    async with open_stream(client, url) as stream:
        await stream.status()
        update_job(conn, job_id, processed_rows=1000, status="completed")
        final, payload = await stream.status()
        await wait_until(stream.ended.is_set, "the stream to end")

    assert payload["status"] == "completed"
    assert payload["eta_seconds"] == 0.0
    again = await client.get(url, headers={"Last-Event-ID": final.id})
    assert again.status_code == 204


async def test_stream_sends_terminal_state_once_to_new_subscriber(start_service, client, conn):
    job_id = insert_job(conn, status="failed", processed_rows=10)
    running = start_service(**NO_REFRESH)
    async with open_stream(client, running.stream_url(job_id)) as stream:
        _, payload = await stream.status()
        await wait_until(stream.ended.is_set, "the stream to end")

    assert payload["status"] == "failed"


class StaleReader(JobReader):
    """Returns the rows queued in `stale_rows`, one per read, before reading the database."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.first_rows: dict[str, dict[str, Any]] = {}
        self.stale_rows: list[dict[str, Any]] = []

    async def read(self, job_ids):
        if self.stale_rows:
            row = self.stale_rows.pop(0)
            return {str(row["id"]): row}
        rows = await super().read(job_ids)
        for job_id, row in rows.items():
            self.first_rows.setdefault(job_id, copy.deepcopy(row))
        return rows


async def test_stream_never_moves_progress_backwards(start_service, client, conn):
    job_id = insert_job(conn)
    running = start_service(StaleReader, **NO_REFRESH)
    reader: StaleReader = running.hub.reader  # type: ignore[assignment]
    async with open_stream(client, running.stream_url(job_id)) as stream:
        await stream.status()
        update_job(conn, job_id, processed_rows=500)
        _, advanced = await stream.status()

        older = reader.first_rows[job_id]
        # A row from a read that started earlier, and one with a newer version but fewer rows.
        reader.stale_rows = [older, {**older, "version": older["version"] + 100}]
        for left in (1, 0):
            update_job(conn, job_id)
            await wait_until(lambda: len(reader.stale_rows) == left, "the stale read")
        with pytest.raises(TimeoutError):
            await stream.next_event(timeout=0.5)
        update_job(conn, job_id, processed_rows=700)
        _, resumed = await stream.status()

    assert advanced["processed_rows"] == 500
    assert resumed["processed_rows"] == 700


async def test_stream_unknown_job_returns_404(start_service, client):
    running = start_service(**NO_REFRESH)
    response = await client.get(running.stream_url(str(uuid.uuid4())))

    assert response.status_code == 404
    assert response.json()["Code"] == "NotFoundError"


async def test_stream_malformed_job_id_returns_404(start_service, client):
    running = start_service(**NO_REFRESH)
    response = await client.get(running.stream_url("not-a-uuid"))

    assert response.status_code == 404
    assert "not-a-uuid" in response.json()["Message"]


async def test_stream_subscribers_share_one_read_per_change(start_service, client, conn):
    job_id = insert_job(conn)
    running = start_service(**NO_REFRESH)
    url = running.stream_url(job_id)
    async with open_stream(client, url) as first, open_stream(client, url) as second:
        await first.status()
        await second.status()
        reads_before = running.hub.reader.job_reads

        update_job(conn, job_id, processed_rows=100)
        _, first_payload = await first.status()
        _, second_payload = await second.status()
        reads_after_change = running.hub.reader.job_reads

    assert first_payload["processed_rows"] == 100
    assert second_payload["processed_rows"] == 100
    assert reads_after_change - reads_before == 1


async def test_stream_coalesces_burst_of_notifications(start_service, client, conn):
    job_id = insert_job(conn)
    running = start_service(**NO_REFRESH)
    async with open_stream(client, running.stream_url(job_id)) as stream:
        await stream.status()
        reads_before = running.hub.reader.job_reads

        for processed in range(10, 110, 10):
            update_job(conn, job_id, processed_rows=processed)
        payload: dict[str, Any] = {}
        while payload.get("processed_rows") != 100:
            _, payload = await stream.status()
        reads = running.hub.reader.job_reads - reads_before

    # Ten commits within a few milliseconds: far fewer reads than notifications.
    assert reads <= 3


async def test_stream_releases_subscription_on_disconnect(start_service, client, conn):
    job_id = insert_job(conn)
    running = start_service(**NO_REFRESH)
    async with open_stream(client, running.stream_url(job_id)) as stream:
        await stream.status()
        assert running.hub.subscriber_count(job_id) == 1

    await wait_until(lambda: running.hub.subscriber_count(job_id) == 0, "the unsubscribe")
    assert running.hub.stats()["jobs_watched"] == 0


async def test_stream_payload_matches_rest_status(start_service, client, conn):
    job = jobs.create_job("products.csv", 2048)
    jobs.start_validating(job["id"], None)
    jobs.fail(job["id"], "column 'sku' is missing")
    with conn, conn.cursor() as cur:
        for line in (9, 3, 7, 5, 4, 8):
            cur.execute(
                "INSERT INTO import_issues (job_id, line, severity, reason) "
                "VALUES (%s, %s, %s, %s)",
                (job["id"], line, "error", f"price on line {line} is invalid"),
            )
    running = start_service(**NO_REFRESH)
    async with open_stream(client, running.stream_url(str(job["id"]))) as stream:
        _, payload = await stream.status()

    rest = json.loads(json.dumps(service.job_status(str(job["id"]))))
    assert payload.pop("rows_per_second") is None
    assert payload.pop("eta_seconds") is None
    assert payload == rest


async def test_stream_reports_rate_and_eta(start_service, client, conn):
    job_id = insert_job(conn, total_rows=10_000, processed_rows=1000)
    running = start_service(**NO_REFRESH)
    async with open_stream(client, running.stream_url(job_id)) as stream:
        _, first = await stream.status()
        update_job(conn, job_id, processed_rows=1100)
        _, early = await stream.status()
        time.sleep(1.2)
        update_job(conn, job_id, processed_rows=2200)
        _, later = await stream.status()

    assert first["rows_per_second"] is None
    assert early["rows_per_second"] is None
    assert early["eta_seconds"] is None
    # 1200 rows in a little over 1.2 s.
    assert 800 < later["rows_per_second"] < 1000
    assert later["eta_seconds"] == pytest.approx(7800 / later["rows_per_second"], rel=0.05)


async def test_stream_sends_heartbeat_comment(start_service, client, conn):
    job_id = insert_job(conn)
    running = start_service(heartbeat_seconds=0.2, **NO_REFRESH)
    async with open_stream(client, running.stream_url(job_id)) as stream:
        await stream.status()
        heartbeat = await stream.next_event(timeout=1.0, include_comments=True)

    assert heartbeat.comments == ["ping"]
    assert heartbeat.data_lines == []


async def test_healthz_ok_while_listening(start_service, client):
    running = start_service(**NO_REFRESH)
    response = await client.get(f"{running.base_url}/healthz")

    assert response.status_code == 200
    assert response.json()["listening"] is True
