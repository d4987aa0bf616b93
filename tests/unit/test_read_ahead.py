"""The chunk worker's read-ahead: batches arrive in order, errors reach the worker, and a
worker that stops early leaves no thread behind in its warm process."""

from __future__ import annotations

import threading

import pytest

from chalicelib.imports.pipeline import _read_ahead


def test_read_ahead_keeps_order() -> None:
    assert list(_read_ahead(iter(range(1000)))) == list(range(1000))


def test_read_ahead_raises_producer_error() -> None:
    def batches():
        yield 1
        yield 2
        raise ValueError("bad byte at offset 7")

    seen = []
    with pytest.raises(ValueError, match="offset 7"):
        for item in _read_ahead(batches()):
            seen.append(item)
    assert seen == [1, 2]


def test_read_ahead_close_stops_thread() -> None:
    produced = []

    def endless():
        count = 0
        while True:
            produced.append(count)
            yield count
            count += 1

    items = _read_ahead(endless())
    assert next(items) == 0
    items.close()

    assert not [t for t in threading.enumerate() if t.name == "read-ahead"]
    # At most the item handed over, one waiting in the queue and one being offered.
    assert len(produced) <= 3
