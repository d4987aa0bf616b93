"""Settings of the progress stream service, read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_PORT = 4580


@dataclass(frozen=True)
class Settings:
    database_url: str
    # Connections in the read pool; the LISTEN connection comes on top of these.
    pool_size: int = 3
    # Jobs with subscribers are re-read this often even without a notification.
    refresh_seconds: float = 2.0
    # Bursts of notifications for one job cause at most one read per this interval.
    min_read_interval: float = 0.15
    heartbeat_seconds: float = 15.0
    rate_window_seconds: float = 30.0
    application_name: str = "fullfill-sse"

    @classmethod
    def from_env(cls) -> Settings:
        url = os.environ.get("DATABASE_URL")
        if not url:
            raise RuntimeError("DATABASE_URL is not set; export the PostgreSQL URL of FullFill")
        return cls(
            database_url=url,
            pool_size=_int_env("SSE_DB_POOL_SIZE", cls.pool_size),
            refresh_seconds=_float_env("SSE_REFRESH_SECONDS", cls.refresh_seconds),
            heartbeat_seconds=_float_env("SSE_HEARTBEAT_SECONDS", cls.heartbeat_seconds),
        )


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise RuntimeError(f"{name} must be a whole number, got {value!r}") from None
    if number < 1:
        raise RuntimeError(f"{name} must be at least 1, got {value!r}")
    return number


def _float_env(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        raise RuntimeError(f"{name} must be a number of seconds, got {value!r}") from None
    if number <= 0:
        raise RuntimeError(f"{name} must be more than 0 seconds, got {value!r}")
    return number
