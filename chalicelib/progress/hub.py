"""The LISTEN fan-out: one notification connection, one read per changed job, many streams.

Job updates run `pg_notify('import_jobs', '<job id>')` in their transaction. The hub listens
on one connection, re-reads a notified job once however many streams watch it (bursts are
coalesced to at most one read per `min_read_interval`), and hands the result to each
subscription in memory. A periodic re-read of watched jobs covers lost notifications and
the time the LISTEN connection is down.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from chalicelib.progress.rates import RateWindow, eta_seconds
from chalicelib.progress.reader import JobReader, ReadFailed
from chalicelib.progress.settings import Settings
from chalicelib.progress.snapshots import Snapshot, build_snapshot

logger = logging.getLogger(__name__)

CHANNEL = "import_jobs"
# A query on the idle LISTEN connection this often finds a peer that vanished without a FIN.
LISTEN_CHECK_SECONDS = 5.0
MAX_BACKOFF_SECONDS = 30.0
# Jobs per query of the periodic re-read.
REFRESH_BATCH = 500
# While reads keep failing, one warning per this many seconds.
FAILURE_LOG_SECONDS = 60.0

_CONNECTION_ERRORS = (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError)


class Subscription:
    """One stream's view of a job: the newest snapshot it has not sent yet."""

    def __init__(self, job_id: str, last_version: int) -> None:
        self.job_id = job_id
        # Version of the last event the client has, from Last-Event-ID or sent on this stream.
        self.last_sent = last_version
        self.current: Snapshot | None = None
        self.closed = False
        self._changed = asyncio.Event()

    def offer(self, snapshot: Snapshot) -> None:
        # A read that finished late may carry an older state: never step back to it.
        if self.current is not None and (
            snapshot.version <= self.current.version
            or snapshot.processed_rows < self.current.processed_rows
        ):
            return
        self.current = snapshot
        if snapshot.version > self.last_sent:
            self._changed.set()

    def close(self) -> None:
        self.closed = True
        self._changed.set()

    def is_caught_up_on_terminal(self) -> bool:
        """Tell whether the client already has this job's final state."""
        return (
            self.current is not None
            and self.current.terminal
            and self.current.version <= self.last_sent
        )

    async def next_snapshot(self) -> Snapshot | None:
        """Wait for a state newer than the last one sent; None once the subscription closed."""
        while True:
            await self._changed.wait()
            self._changed.clear()
            if self.closed:
                return None
            snapshot = self.current
            if snapshot is not None and snapshot.version > self.last_sent:
                self.last_sent = snapshot.version
                return snapshot


@dataclass(eq=False)
class _JobWatch:
    job_id: str
    rates: RateWindow
    loaded: asyncio.Future[Snapshot | None]
    subscribers: set[Subscription] = field(default_factory=set)
    latest: Snapshot | None = None
    wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    last_read: float = -math.inf
    closed: bool = False
    task: asyncio.Task[None] | None = None


class Hub:
    def __init__(self, settings: Settings, reader: JobReader | None = None) -> None:
        self.settings = settings
        self.reader = reader or JobReader(
            settings.database_url, settings.pool_size, settings.application_name
        )
        self.listening = False
        self._watches: dict[str, _JobWatch] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._read_failures = 0
        self._read_failure_logged_at = -math.inf

    async def start(self) -> None:
        await self.reader.start()
        self._tasks = [
            asyncio.create_task(self._listen_forever(), name="sse-listen"),
            asyncio.create_task(self._refresh_forever(), name="sse-refresh"),
        ]
        logger.info("progress hub started")

    async def stop(self) -> None:
        """Close every subscription, stop listening and close the pool."""
        watches = list(self._watches.values())
        tasks = self._tasks + [watch.task for watch in watches if watch.task is not None]
        for watch in watches:
            self._drop(watch)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.reader.close()
        logger.info("progress hub stopped")

    def stats(self) -> dict[str, Any]:
        return {
            "listening": self.listening,
            "jobs_watched": len(self._watches),
            "subscribers": sum(len(w.subscribers) for w in self._watches.values()),
            "job_reads": self.reader.job_reads,
        }

    def subscriber_count(self, job_id: str) -> int:
        watch = self._watches.get(job_id)
        return 0 if watch is None else len(watch.subscribers)

    async def subscribe(self, job_id: str, last_version: int) -> Subscription | None:
        """Subscribe to a job's changes; None when no such job exists.

        Raises ReadFailed when the job's first read fails.
        """
        watch = self._watches.get(job_id) or self._watch(job_id)
        subscription = Subscription(job_id, last_version)
        watch.subscribers.add(subscription)
        try:
            # Shielded: one request going away must not cancel the read others wait for.
            snapshot = await asyncio.shield(watch.loaded)
        except BaseException:
            self.unsubscribe(subscription)
            raise
        if snapshot is None:
            self.unsubscribe(subscription)
            return None
        subscription.offer(watch.latest or snapshot)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        """Release a subscription; safe to call more than once."""
        subscription.close()
        watch = self._watches.get(subscription.job_id)
        if watch is None or subscription not in watch.subscribers:
            return
        watch.subscribers.discard(subscription)
        if not watch.subscribers:
            self._drop(watch)

    def _watch(self, job_id: str) -> _JobWatch:
        loop = asyncio.get_running_loop()
        rates = RateWindow(self.settings.rate_window_seconds)
        watch = _JobWatch(job_id, rates, loop.create_future())
        self._watches[job_id] = watch
        watch.task = asyncio.create_task(self._run_watch(watch), name=f"sse-watch-{job_id}")
        watch.wakeup.set()
        return watch

    def _drop(self, watch: _JobWatch) -> None:
        # The watch's task ends after its current read rather than being cancelled mid-query,
        # which would cost the pool a connection reset.
        watch.closed = True
        watch.wakeup.set()
        for subscription in list(watch.subscribers):
            subscription.close()
        watch.subscribers.clear()
        if self._watches.get(watch.job_id) is watch:
            del self._watches[watch.job_id]

    async def _run_watch(self, watch: _JobWatch) -> None:
        loop = asyncio.get_running_loop()
        while not watch.closed:
            await watch.wakeup.wait()
            delay = watch.last_read + self.settings.min_read_interval - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            # Notifications that arrived while waiting are covered by the read below.
            watch.wakeup.clear()
            if watch.closed:
                break
            await self._refresh_guarded([watch])
        if not watch.loaded.done():
            watch.loaded.set_result(None)

    async def _refresh(self, watches: Sequence[_JobWatch]) -> None:
        loop = asyncio.get_running_loop()
        for watch in watches:
            watch.last_read = loop.time()
        try:
            rows = await self.reader.read([watch.job_id for watch in watches])
        except ReadFailed as exc:
            self._read_failed(watches, exc)
            return
        if self._read_failures:
            logger.info("reading import jobs works again after %d failures", self._read_failures)
            self._read_failures = 0
            self._read_failure_logged_at = -math.inf

        now = loop.time()
        for watch in watches:
            self._apply(watch, rows.get(watch.job_id), now)

    def _read_failed(self, watches: Sequence[_JobWatch], exc: ReadFailed) -> None:
        self._read_failures += 1
        now = asyncio.get_running_loop().time()
        if now - self._read_failure_logged_at >= FAILURE_LOG_SECONDS:
            self._read_failure_logged_at = now
            logger.warning(
                "re-reading %d import jobs failed (%d failures so far), retrying within %.1f s: %s",
                len(watches), self._read_failures, self.settings.refresh_seconds, exc,
            )
        for watch in watches:
            if not watch.loaded.done():
                watch.loaded.set_exception(exc)
                # Retrieved by the subscribers; marked here so no orphan warning is logged.
                watch.loaded.exception()
                self._drop(watch)

    def _apply(self, watch: _JobWatch, job: dict[str, Any] | None, now: float) -> None:
        if job is None:
            if watch.loaded.done():
                logger.info("import job %s was deleted; closing its %d streams",
                            watch.job_id, len(watch.subscribers))
                self._drop(watch)
            else:
                watch.loaded.set_result(None)
            return

        if watch.latest is not None and not _is_newer(job, watch.latest):
            return
        watch.rates.add(now, job["processed_rows"])
        rate = watch.rates.rows_per_second()
        eta = eta_seconds(job["status"], job["processed_rows"], job["total_rows"], rate)
        snapshot = build_snapshot(job, rate, eta)
        watch.latest = snapshot
        if not watch.loaded.done():
            watch.loaded.set_result(snapshot)
        for subscription in watch.subscribers:
            subscription.offer(snapshot)

    async def _refresh_forever(self) -> None:
        loop = asyncio.get_running_loop()
        tick = min(0.5, self.settings.refresh_seconds / 2)
        while True:
            await asyncio.sleep(tick)
            deadline = loop.time() - self.settings.refresh_seconds
            due = [
                watch
                for watch in self._watches.values()
                if watch.loaded.done() and watch.last_read <= deadline
            ]
            for start in range(0, len(due), REFRESH_BATCH):
                await self._refresh_guarded(due[start : start + REFRESH_BATCH])

    async def _refresh_guarded(self, watches: Sequence[_JobWatch]) -> None:
        """Refresh watches; a bug in building a snapshot is logged instead of ending the task."""
        try:
            await self._refresh(watches)
        except Exception as exc:
            job_ids = [watch.job_id for watch in watches]
            logger.exception("refreshing import jobs %s failed", job_ids)
            failure = ReadFailed(f"refreshing import jobs {job_ids} failed: {exc}")
            self._read_failed(watches, failure)

    async def _listen_forever(self) -> None:
        backoff = 0.5
        while True:
            application_name = f"{self.settings.application_name}-listen"
            try:
                conn = await asyncpg.connect(
                    self.settings.database_url,
                    timeout=10,
                    server_settings={"application_name": application_name},
                )
            except _CONNECTION_ERRORS as exc:
                logger.warning("LISTEN connection failed, retrying in %.1f s: %s", backoff, exc)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue

            try:
                await self._listen(conn)
                reason = "closed by the server"
            except _CONNECTION_ERRORS as exc:
                reason = f"lost: {exc}"
            finally:
                if self.listening:
                    backoff = 0.5
                self.listening = False
                conn.terminate()
            logger.warning("LISTEN connection %s; reconnecting in %.1f s", reason, backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)

    async def _listen(self, conn: asyncpg.Connection) -> None:
        """Listen until the connection closes or a check query on it fails."""
        closed = asyncio.Event()
        conn.add_termination_listener(lambda _conn: closed.set())
        await conn.add_listener(CHANNEL, self._on_notification)
        self.listening = True
        logger.info("listening on channel %s", CHANNEL)
        # Notifications sent while nothing listened are lost: catch up on every watched job.
        for watch in self._watches.values():
            watch.wakeup.set()

        while not closed.is_set():
            try:
                await asyncio.wait_for(closed.wait(), timeout=LISTEN_CHECK_SECONDS)
            except TimeoutError:
                await conn.fetchval("SELECT 1", timeout=LISTEN_CHECK_SECONDS)

    def _on_notification(
        self, _conn: object, _pid: int, _channel: str, payload: str
    ) -> None:
        watch = self._watches.get(payload.strip().lower())
        if watch is not None:
            watch.wakeup.set()


def _is_newer(job: dict[str, Any], latest: Snapshot) -> bool:
    """Tell whether a job row read from the database is a later state than the latest sent.

    A read that started before another one can finish after it; its row is then older.
    processed_rows never shrinks, not even when a failed job is retried.
    """
    return job["version"] > latest.version and job["processed_rows"] >= latest.processed_rows
