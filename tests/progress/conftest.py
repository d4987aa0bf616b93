"""Fixtures for the progress stream: the service on a random 127.0.0.1 port, jobs, streams."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn

from tests.progress.helpers import APPLICATION_NAME, wait_for

from chalicelib.progress.hub import Hub
from chalicelib.progress.reader import JobReader
from chalicelib.progress.server import create_app
from chalicelib.progress.settings import Settings

@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@dataclass
class RunningService:
    base_url: str
    hub: Hub

    def stream_url(self, job_id: str) -> str:
        return f"{self.base_url}/api/imports/{job_id}/status-stream"


@contextlib.contextmanager
def _serve(hub: Hub) -> Iterator[RunningService]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(hub=hub), log_level="warning", timeout_graceful_shutdown=2
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        wait_for(lambda: server.started and hub.listening, "the service to start listening")
        yield RunningService(f"http://127.0.0.1:{port}", hub)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture
def start_service(database_url: str) -> Iterator[Callable[..., RunningService]]:
    """Return a function that starts the service with the given settings and reader class."""
    with contextlib.ExitStack() as stack:

        def start(reader_class: type[JobReader] = JobReader, **overrides: Any) -> RunningService:
            settings = Settings(
                database_url=database_url, application_name=APPLICATION_NAME, **overrides
            )
            reader = reader_class(database_url, settings.pool_size, settings.application_name)
            return stack.enter_context(_serve(Hub(settings, reader)))

        yield start


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(10.0, read=None)) as http:
        yield http
