"""The Starlette app: `GET /api/imports/{job_id}/status-stream` and `GET /healthz`.

Run it with `python -m chalicelib.progress`, or `uvicorn chalicelib.progress.server:app`.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import AsyncIterator

from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from chalicelib.logs import configure_logging
from chalicelib.progress.hub import Hub, Subscription
from chalicelib.progress.reader import ReadFailed
from chalicelib.progress.settings import Settings

logger = logging.getLogger(__name__)

# One separator style for events and heartbeats; EventSource accepts all three.
_SEPARATOR = "\n"


def create_app(settings: Settings | None = None, hub: Hub | None = None) -> Starlette:
    """Build the app; without arguments it reads its settings from the environment at startup."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        configure_logging()
        active = hub or Hub(settings or Settings.from_env())
        await active.start()
        app.state.hub = active
        try:
            yield
        finally:
            await active.stop()

    routes = [
        Route("/api/imports/{job_id}/status-stream", status_stream, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


async def status_stream(request: Request) -> Response:
    raw_id = request.path_params["job_id"]
    job_id = _parse_job_id(raw_id)
    if job_id is None:
        return _not_found(raw_id)

    hub: Hub = request.app.state.hub
    last_version = _parse_last_event_id(request.headers.get("last-event-id"))
    try:
        subscription = await hub.subscribe(job_id, last_version)
    except ReadFailed as exc:
        logger.warning("stream of import job %s not opened: %s", job_id, exc)
        return JSONResponse(
            {"Code": "ServiceUnavailable", "Message": "import jobs cannot be read; retry shortly"},
            status_code=503,
        )
    if subscription is None:
        return _not_found(raw_id)

    if subscription.is_caught_up_on_terminal():
        # The client has the final state, and a 204 makes EventSource stop reconnecting.
        hub.unsubscribe(subscription)
        return Response(status_code=204)
    return EventSourceResponse(
        _events(subscription),
        ping=hub.settings.heartbeat_seconds,
        ping_message_factory=_heartbeat,
        sep=_SEPARATOR,
        # Also runs when the generator never started, so the subscription is always released.
        background=BackgroundTask(hub.unsubscribe, subscription),
    )


async def healthz(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    stats = hub.stats()
    return JSONResponse(stats, status_code=200 if stats["listening"] else 503)


async def _events(subscription: Subscription) -> AsyncIterator[ServerSentEvent]:
    while (snapshot := await subscription.next_snapshot()) is not None:
        yield ServerSentEvent(
            data=snapshot.data, event="status", id=str(snapshot.version), sep=_SEPARATOR
        )
        if snapshot.terminal:
            return


def _heartbeat() -> ServerSentEvent:
    return ServerSentEvent(comment="ping", sep=_SEPARATOR)


def _parse_job_id(raw_id: str) -> str | None:
    try:
        return str(uuid.UUID(raw_id))
    except ValueError:
        return None


def _parse_last_event_id(header: str | None) -> int:
    """Return the version the client already has; -1 (nothing) for a missing or foreign id."""
    if header is None:
        return -1
    try:
        return int(header.strip())
    except ValueError:
        logger.info("ignoring Last-Event-ID %r: not an event id of this stream", header)
        return -1


def _not_found(raw_id: str) -> JSONResponse:
    # The same body as the REST status endpoint's 404 (Chalice's NotFoundError).
    return JSONResponse(
        {"Code": "NotFoundError", "Message": f"import job {raw_id!r} not found"}, status_code=404
    )


app = create_app()
