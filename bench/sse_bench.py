"""Progress stream benchmark: many open streams, notified updates, delivery latency.

    .venv/bin/python bench/sse_bench.py [--streams 500] [--jobs 5] [--seconds 20] [--interval 0.5]

Needs the project's PostgreSQL (`bash infra/local/postgres.sh start`); the run uses a scratch
database of its own and drops it afterwards. Steps:
1. start the service (`python -m chalicelib.progress`) on a free 127.0.0.1 port;
2. open `--streams` streams spread over `--jobs` jobs, from one asyncio process with httpx;
3. every `--interval` seconds commit one update per job, each with pg_notify, as chunk
   workers do, then complete the jobs so every stream ends.
Latency runs from just before the update's COMMIT to the moment a stream parsed the event's
`id:` line, so it includes this client's own event-loop delay. The last lines hold the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from chalicelib import db  # noqa: E402

APPLICATION_NAME = "fullfill-sse"


@dataclass
class Results:
    connected: int = 0
    ended: int = 0
    # (job id, event id) -> monotonic time the update's COMMIT started
    commits: dict[tuple[str, int], float] = field(default_factory=dict)
    # (job id, event id, monotonic receive time) per event and stream
    received: list[tuple[str, int, float]] = field(default_factory=list)
    max_db_connections: int = 0
    max_rss_kib: int = 0


def server_url(dbname: str) -> str:
    url = subprocess.run(
        ["bash", str(ROOT / "infra/local/postgres.sh"), "url"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    return url.rsplit("/", 1)[0] + "/" + dbname


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def create_jobs(url: str, count: int) -> list[str]:
    job_ids = [str(uuid.uuid4()) for _ in range(count)]
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        for job_id in job_ids:
            cur.execute(
                """
                INSERT INTO import_jobs (id, status, file_name, file_size, upload_key, total_rows)
                VALUES (%s, 'parsing', 'bench.csv', 1000, %s, 100000000)
                """,
                (job_id, f"uploads/{job_id}.csv"),
            )
    return job_ids


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def service_connections(url: str, dbname: str) -> int:
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name LIKE %s",
            (dbname, f"{APPLICATION_NAME}%"),
        )
        return cur.fetchone()[0]


def drive_updates(
    url: str, job_ids: list[str], seconds: float, interval: float, results: Results
) -> int:
    """Commit one notified update per job every interval; then complete the jobs."""
    conn = psycopg2.connect(url)
    updates = 0
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            for job_id in job_ids:
                commit_update(conn, job_id, "parsing", results)
                updates += 1
            time.sleep(interval)
        for job_id in job_ids:
            commit_update(conn, job_id, "completed", results)
    finally:
        conn.close()
    return updates


def commit_update(conn, job_id: str, status: str, results: Results) -> None:
    with conn.cursor() as cur:
        cur.execute(
            """
            UPDATE import_jobs SET processed_rows = processed_rows + 1000, status = %s,
                   updated_at = now()
             WHERE id = %s RETURNING version
            """,
            (status, job_id),
        )
        version = cur.fetchone()[0]
        cur.execute("SELECT pg_notify('import_jobs', %s)", (job_id,))
    results.commits[(job_id, version)] = time.monotonic()
    conn.commit()


async def watch_stream(
    client: httpx.AsyncClient, url: str, job_id: str, results: Results, connected: asyncio.Event
) -> None:
    first = True
    async with client.stream("GET", url) as response:
        response.raise_for_status()
        async for line in response.aiter_lines():
            if not line.startswith("id: "):
                continue
            results.received.append((job_id, int(line[4:]), time.monotonic()))
            if first:
                first = False
                results.connected += 1
                connected.set()
    results.ended += 1


async def sample_service(pid: int, url: str, dbname: str, results: Results, stop: asyncio.Event):
    while not stop.is_set():
        results.max_rss_kib = max(results.max_rss_kib, rss_kib(pid))
        count = await asyncio.to_thread(service_connections, url, dbname)
        results.max_db_connections = max(results.max_db_connections, count)
        await asyncio.sleep(0.5)


async def run(
    args: argparse.Namespace, url: str, dbname: str, service: subprocess.Popen, base: str
) -> None:
    results = Results()
    job_ids = create_jobs(url, args.jobs)
    stop_sampling = asyncio.Event()
    sampler = asyncio.create_task(sample_service(service.pid, url, dbname, results, stop_sampling))
    limits = httpx.Limits(max_connections=args.streams + 10, max_keepalive_connections=0)
    async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(30.0, read=None)) as client:
        connected = asyncio.Event()
        opened = time.monotonic()
        tasks = [
            asyncio.create_task(watch_stream(
                client, f"{base}/api/imports/{job_ids[i % len(job_ids)]}/status-stream",
                job_ids[i % len(job_ids)], results, connected,
            ))
            for i in range(args.streams)
        ]
        while results.connected < args.streams and time.monotonic() - opened < 60:
            await asyncio.sleep(0.1)
        connect_seconds = time.monotonic() - opened
        results.received.clear()
        cpu_before = cpu_seconds(service.pid)

        updates = await asyncio.to_thread(
            drive_updates, url, job_ids, args.seconds, args.interval, results
        )
        await asyncio.wait(tasks, timeout=30)
        cpu_used = cpu_seconds(service.pid) - cpu_before
        health = (await client.get(f"{base}/healthz")).json()
    stop_sampling.set()
    await sampler
    report(args, results, updates, connect_seconds, cpu_used, health)


def report(args, results: Results, updates: int, connect_seconds: float, cpu_used: float, health):
    latencies = sorted(
        (received - results.commits[(job_id, version)]) * 1000
        for job_id, version, received in results.received
        if (job_id, version) in results.commits
    )
    expected = (updates + args.jobs) * args.streams // args.jobs
    print(f"streams connected:        {results.connected} of {args.streams} "
          f"(all open after {connect_seconds:.1f} s)")
    print(f"streams ended (completed): {results.ended}")
    print(f"updates committed:        {updates + args.jobs} on {args.jobs} jobs "
          f"over {args.seconds:.0f} s")
    print(f"events received:          {len(results.received)} "
          f"(one per update and stream would be {expected})")
    print(f"service job reads:        {health['job_reads']} (whole run)")
    print(f"service DB connections:   {results.max_db_connections} (max in pg_stat_activity)")
    print(f"service RSS:              {results.max_rss_kib / 1024:.0f} MiB (max sampled)")
    print(f"service CPU:              {cpu_used:.1f} s over the update phase")
    if latencies:
        p50 = statistics.median(latencies)
        p95 = latencies[int(len(latencies) * 0.95) - 1]
        print(f"delivery latency:         p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
              f"max {latencies[-1]:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--streams", type=int, default=500, help="concurrent streams to open")
    parser.add_argument("--jobs", type=int, default=5, help="jobs the streams are spread over")
    parser.add_argument("--seconds", type=float, default=20, help="length of the update phase")
    parser.add_argument("--interval", type=float, default=0.5,
                        help="seconds between rounds of one update per job")
    args = parser.parse_args()

    subprocess.run(["bash", str(ROOT / "infra/local/postgres.sh"), "start"], check=True,
                   stdout=subprocess.DEVNULL)
    dbname = f"fullfill_ssebench_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(server_url("postgres"))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{dbname}"')
    url = server_url(dbname)
    service = None
    try:
        db.migrate(url)
        port = free_port()
        log = tempfile.NamedTemporaryFile("w", prefix="sse-bench-", suffix=".log", delete=False)
        env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
        service = subprocess.Popen(
            [sys.executable, "-m", "chalicelib.progress", "--port", str(port)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base, service)
        print(f"service pid {service.pid} on {base}, log {log.name}")
        asyncio.run(run(args, url, dbname, service, base))
    finally:
        if service is not None:
            service.send_signal(signal.SIGTERM)
            service.wait(15)
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        admin.close()


def wait_healthy(base: str, service: subprocess.Popen) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if service.poll() is not None:
            raise RuntimeError(f"the service exited with code {service.returncode} at startup")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{base}/healthz was not 200 within 15 s")


if __name__ == "__main__":
    main()
