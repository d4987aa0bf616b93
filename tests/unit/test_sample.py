"""The sample file generator."""

from __future__ import annotations

import itertools
from pathlib import Path

from chalicelib.imports import sample
from chalicelib.imports.fileformat import read_format
from chalicelib.imports.planning import plan_chunks
from chalicelib.imports.rows import normalise_sku, parse_chunk


def _write(tmp_path: Path, name: str, rows: int, seed: int) -> bytes:
    path = tmp_path / name
    sample.write_sample(path, rows, seed)
    return path.read_bytes()


def test_sample_same_seed_same_bytes(tmp_path: Path) -> None:
    first = _write(tmp_path, "a.csv", 3000, seed=7)
    second = _write(tmp_path, "b.csv", 3000, seed=7)
    other = _write(tmp_path, "c.csv", 3000, seed=8)

    assert first == second
    assert first != other


def test_sample_repeats_skus_in_other_case(tmp_path: Path) -> None:
    rows = list(sample.generate_rows(5000, seed=1))

    first_seen: dict[str, str] = {}
    repeats = []
    for sku, *_ in rows:
        key = normalise_sku(sku)
        if key in first_seen:
            repeats.append((first_seen[key], sku))
        first_seen.setdefault(key, sku)
    variants = [
        (first, sku) for first, sku in repeats if sku != sku.strip() and sku.strip() != first
    ]

    assert 0.08 < len(repeats) / len(rows) < 0.12
    assert len(variants) > len(repeats) / 2


def test_sample_parses_with_expected_problems(tmp_path: Path) -> None:
    data = _write(tmp_path, "s.csv", 5000, seed=1)
    blocks = iter([data])
    fmt, head = read_format(blocks)
    plan = plan_chunks(itertools.chain([head], blocks), fmt, 50_000)

    items = [
        item
        for chunk in plan.chunks
        for item in parse_chunk([data[chunk.start : chunk.end]], fmt, chunk)
    ]
    rows = [item for item in items if isinstance(item[0], int)]
    warnings = [item for item in items if item[0] == "warning"]

    assert plan.total_rows == 5000
    assert len(rows) == 5000
    assert 20 < len(warnings) < 100  # About 1% invalid prices.
    assert any("\n" in row[4] for row in rows)
    assert any("," in row[3] for row in rows)
    assert sum(row[5] is None for row in rows) > len(warnings)


def test_sample_main_prints_rows_and_size(tmp_path: Path, capsys) -> None:
    out = tmp_path / "s.csv"

    sample.main([str(out), "--rows", "100", "--seed", "3"])

    assert capsys.readouterr().out == (
        f"wrote 100 rows, {out.stat().st_size} bytes ({out.stat().st_size / 1e6:.1f} MB) to {out}\n"
    )
