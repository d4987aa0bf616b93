"""Chunk sizing: whole rounds of parallel workers, within the size limits."""

from __future__ import annotations

import pytest

from chalicelib import config

MB = 1024 * 1024


@pytest.mark.parametrize("size", [5 * MB, 68_809_020, 130 * MB, 500 * MB])
def test_chunk_bytes_gives_whole_rounds_of_workers(monkeypatch, size):
    monkeypatch.delenv("CHUNK_BYTES", raising=False)

    target = config.chunk_bytes(size)
    chunks = -(-size // target)

    assert chunks % config.MAP_CONCURRENCY == 0
    assert target <= config.MAX_CHUNK_BYTES


def test_chunk_bytes_keeps_small_file_in_one_chunk(monkeypatch):
    monkeypatch.delenv("CHUNK_BYTES", raising=False)

    assert config.chunk_bytes(300_000) >= 300_000


def test_chunk_bytes_sample_file_gets_two_rounds(monkeypatch):
    monkeypatch.delenv("CHUNK_BYTES", raising=False)

    assert -(-68_809_020 // config.chunk_bytes(68_809_020)) == 2 * config.MAP_CONCURRENCY


def test_chunk_bytes_honours_override(monkeypatch):
    monkeypatch.setenv("CHUNK_BYTES", "1000")

    assert config.chunk_bytes(500 * MB) == 1000
