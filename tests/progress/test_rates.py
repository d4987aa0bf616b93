"""Rows per second over a sliding window, and the time left."""

from __future__ import annotations

import pytest

from chalicelib.progress.rates import RateWindow, eta_seconds


def test_rate_window_unknown_with_one_sample():
    window = RateWindow(30)
    window.add(0.0, 0)

    assert window.rows_per_second() is None


def test_rate_window_unknown_below_one_second():
    window = RateWindow(30)
    window.add(0.0, 0)
    window.add(0.5, 10_000)

    assert window.rows_per_second() is None


def test_rate_window_measures_recent_progress_only():
    window = RateWindow(10)
    window.add(0.0, 0)
    window.add(5.0, 100)
    window.add(20.0, 1_100)
    window.add(30.0, 11_100)

    # The sample at 20 s anchors the window (20-30 s); the slow start is forgotten.
    assert window.rows_per_second() == pytest.approx(1_000)


def test_rate_window_keeps_anchor_for_slow_job():
    window = RateWindow(10)
    window.add(0.0, 0)
    window.add(40.0, 4_000)

    assert window.rows_per_second() == pytest.approx(100)


def test_rate_window_restarts_when_rows_go_back():
    window = RateWindow(30)
    window.add(0.0, 5_000)
    window.add(2.0, 10)

    assert window.rows_per_second() is None


def test_eta_seconds_from_rate():
    assert eta_seconds("parsing", 2_000, 10_000, 400.0) == pytest.approx(20.0)


@pytest.mark.parametrize(
    ("status", "total_rows", "rate", "expected"),
    [
        ("completed", 10_000, None, 0.0),
        ("failed", 10_000, 400.0, None),
        ("cancelled", 10_000, 400.0, None),
        ("validating", None, None, None),
        ("parsing", None, 400.0, None),
        ("parsing", 10_000, None, None),
        ("parsing", 10_000, 0.0, None),
    ],
)
def test_eta_seconds_unknown_or_final(status, total_rows, rate, expected):
    assert eta_seconds(status, 2_000, total_rows, rate) == expected
