"""Run the progress stream service: `python -m chalicelib.progress [--host H] [--port P]`."""

from __future__ import annotations

import argparse
import os

import uvicorn

from chalicelib.progress.settings import DEFAULT_PORT

# Seconds uvicorn waits for open streams after SIGTERM; sse-starlette ends them within
# about 0.5 s of the signal, so this only bounds a stuck connection.
GRACEFUL_SHUTDOWN_SECONDS = 10


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve import job progress as server-sent events.")
    parser.add_argument(
        "--host",
        default=os.environ.get("SSE_HOST", "127.0.0.1"),
        help="address to bind (default: $SSE_HOST or 127.0.0.1)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("SSE_PORT", DEFAULT_PORT)),
        help=f"TCP port to bind (default: $SSE_PORT or {DEFAULT_PORT})",
    )
    args = parser.parse_args()
    uvicorn.run(
        "chalicelib.progress.server:app",
        host=args.host,
        port=args.port,
        log_level=os.environ.get("LOG_LEVEL", "info").lower(),
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        proxy_headers=True,
    )


if __name__ == "__main__":
    main()
