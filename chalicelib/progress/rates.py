"""Rows per second and time left for a job, from its progress over a sliding window."""

from __future__ import annotations

from collections import deque

# Two samples closer than this give a rate too noisy to show.
MIN_SPAN_SECONDS = 1.0


class RateWindow:
    """Progress samples (monotonic seconds, processed rows) of one job over the last seconds."""

    def __init__(self, window_seconds: float) -> None:
        self._window = window_seconds
        self._samples: deque[tuple[float, int]] = deque()

    def add(self, at: float, processed_rows: int) -> None:
        if self._samples and processed_rows < self._samples[-1][1]:
            # Counters went backwards: a job reset, so the old samples describe another run.
            self._samples.clear()
        self._samples.append((at, processed_rows))

        # Keep the newest sample older than the window as the anchor, so a job that moves
        # less often than once per window still gets a rate.
        start = at - self._window
        while len(self._samples) > 1 and self._samples[1][0] <= start:
            self._samples.popleft()

    def rows_per_second(self) -> float | None:
        if len(self._samples) < 2:
            return None
        (first_at, first_rows), (last_at, last_rows) = self._samples[0], self._samples[-1]
        span = last_at - first_at
        if span < MIN_SPAN_SECONDS:
            return None
        return (last_rows - first_rows) / span


def eta_seconds(
    status: str, processed_rows: int, total_rows: int | None, rate: float | None
) -> float | None:
    """Estimate the seconds until a job completes; None when unknown or the job failed."""
    if status == "completed":
        return 0.0
    if status != "parsing" or total_rows is None or not rate:
        return None
    return max(0, total_rows - processed_rows) / rate
