"""Chunk planning, and the property that planning then parsing returns every row once."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.imports import planning
from chalicelib.imports.fileformat import detect_format
from chalicelib.imports.planning import Chunk, Plan, plan_chunks, split_records
from chalicelib.imports.rows import normalise_sku, parse_chunk

LINE_ENDINGS = ("\n", "\r\n", "\r")
# Non-ASCII letters from the Windows-1252 range 0xC0-0xFF: encoded in Windows-1252 they are
# never valid UTF-8 next to each other or to ASCII, so detection cannot mistake the encoding.
TEXT_ALPHABET = "abcXYZ019 ,;|\t\"'-.éüßñÆ"
FIELD_ALPHABET = TEXT_ALPHABET + "\n\r"
SKU_ALPHABET = TEXT_ALPHABET.replace("\t", "")
# Names are one line: the importer joins line breaks and tabs in a name into spaces.
NAME_ALPHABET = SKU_ALPHABET


@dataclass(frozen=True)
class Case:
    data: bytes
    rows: list[tuple[str, str, str, str]]
    lines: list[int]
    """Physical line number of each data row."""


def _quote(value: str, delimiter: str, quote_all: bool) -> str:
    if quote_all or any(c in value for c in (delimiter, '"', "\r", "\n")):
        return '"' + value.replace('"', '""') + '"'
    return value


@st.composite
def csv_files(draw: st.DrawFn) -> Case:
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    ending = draw(st.sampled_from(LINE_ENDINGS))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "windows-1252"]))
    quote_all = draw(st.booleans())
    visible = st.text(SKU_ALPHABET.replace(" ", ""), min_size=1, max_size=3)
    rows = draw(
        st.lists(
            st.tuples(
                st.builds("K{}{}".format, st.text(SKU_ALPHABET, max_size=8), visible),
                st.builds("{}{}".format, visible, st.text(NAME_ALPHABET, max_size=12)),
                st.text(FIELD_ALPHABET, max_size=30),
                st.sampled_from(["", "0.00", "9.99", "1234.50"]),
            ),
            max_size=25,
        )
    )
    blank_after = draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows)))
    final_break = draw(st.booleans())

    text = delimiter.join(["sku", "name", "description", "price"]) + ending
    line = 2
    lines = []
    for index, (row, blank) in enumerate(zip(rows, blank_after)):
        record = delimiter.join(_quote(value, delimiter, quote_all) for value in row)
        is_last = index == len(rows) - 1
        lines.append(line)
        text += record + (ending if final_break or not is_last or blank else "")
        line += sum(value.count("\n") + value.count("\r") - value.count("\r\n") for value in row)
        line += 1
        if blank:
            text += ending
            line += 1
    data = text.encode(encoding)
    return Case(data, rows, lines)


def _split(data: bytes, rng: random.Random) -> list[bytes]:
    blocks = []
    position = 0
    while position < len(data):
        size = rng.randint(1, 40)
        blocks.append(data[position : position + size])
        position += size
    return blocks


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    case=csv_files(),
    chunk_bytes=st.integers(1, 300),
    scan_bytes=st.sampled_from([1, 5, 64, planning.SCAN_BYTES]),
    seed=st.integers(0, 1000),
)
def test_plan_and_parse_every_row_once(
    case: Case, chunk_bytes: int, scan_bytes: int, seed: int
) -> None:
    rng = random.Random(seed)
    fmt = detect_format(case.data, at_eof=True)
    with mock.patch.object(planning, "SCAN_BYTES", scan_bytes):
        plan = plan_chunks(_split(case.data, rng), fmt, chunk_bytes)
        parsed = []
        for chunk in plan.chunks:
            blocks = _split(case.data[chunk.start : chunk.end], rng)
            items = list(parse_chunk(blocks, fmt, chunk))
            assert len(items) == chunk.row_count
            parsed.extend(items)

    expected = [
        (index, line, normalise_sku(sku), name.strip(), description.strip(), price or None)
        for index, ((sku, name, description, price), line) in enumerate(zip(case.rows, case.lines))
    ]
    assert parsed == expected
    assert plan.total_rows == len(case.rows)
    assert plan.file_size == len(case.data)


@settings(max_examples=100, deadline=None)
@given(case=csv_files(), chunk_bytes=st.integers(1, 300), seed=st.integers(0, 1000))
def test_plan_chunks_cover_data_in_order(case: Case, chunk_bytes: int, seed: int) -> None:
    fmt = detect_format(case.data, at_eof=True)
    plan = plan_chunks(_split(case.data, random.Random(seed)), fmt, chunk_bytes)

    if not case.rows:
        assert plan.chunks == ()
        return
    assert plan.chunks[0].first_row == 0
    assert plan.chunks[-1].end == len(case.data)
    for before, after in zip(plan.chunks, plan.chunks[1:]):
        assert before.end == after.start
        assert before.first_row + before.row_count == after.first_row
        assert before.end - before.start >= chunk_bytes
    assert [chunk.first_line for chunk in plan.chunks] == [
        case.lines[chunk.first_row] for chunk in plan.chunks
    ]


@settings(max_examples=100, deadline=None)
@given(case=csv_files(), skip=st.integers(0, 30))
def test_parse_chunk_skip_rows_resumes_after_committed(case: Case, skip: int) -> None:
    fmt = detect_format(case.data, at_eof=True)
    plan = plan_chunks([case.data], fmt, len(case.data))
    if not plan.chunks:
        return
    (chunk,) = plan.chunks

    items = list(parse_chunk([case.data[chunk.start : chunk.end]], fmt, chunk, skip_rows=skip))

    assert [item[0] for item in items] == list(range(min(skip, len(case.rows)), len(case.rows)))


@settings(max_examples=100, deadline=None)
@given(case=csv_files(), limit=st.integers(1, 60), seed=st.integers(0, 1000))
def test_split_records_long_records_keep_the_count(case: Case, limit: int, seed: int) -> None:
    fmt = detect_format(case.data, at_eof=True)
    blocks = _split(case.data[fmt.data_start :], random.Random(seed))
    with mock.patch.object(planning, "SCAN_BYTES", 8):
        pieces = list(
            split_records(
                blocks, fmt.delimiter, offset=fmt.data_start, line=2, max_record_bytes=limit
            )
        )

    count = 0
    position = fmt.data_start
    for piece in pieces:
        assert piece.offset == position
        if isinstance(piece, planning.LongRecord):
            assert piece.size > limit
            assert not piece.unclosed_quote
            count += 1
            position += piece.size
        else:
            count += sum(not planning.is_blank(record) for record in piece.records)
            position += piece.size
    assert count == len(case.rows)
    assert position == len(case.data)
    long_lines = [piece.line for piece in pieces if isinstance(piece, planning.LongRecord)]
    assert set(long_lines) <= set(case.lines)


def _format(text: bytes):
    return detect_format(text, at_eof=True)


def test_plan_chunks_header_only_has_no_chunks() -> None:
    data = b"sku,name,price\n"

    plan = plan_chunks([data], _format(data), 10)

    assert plan == Plan(total_rows=0, file_size=len(data), chunks=())


def test_plan_chunks_blank_lines_are_not_rows() -> None:
    data = b"sku,name,price\n\na,A,1\n\n\nb,B,2\n\n"

    plan = plan_chunks([data], _format(data), 1)

    assert plan.total_rows == 2
    assert [(c.start, c.first_line, c.row_count) for c in plan.chunks] == [(16, 3, 1), (24, 6, 1)]
    assert plan.chunks[-1].end == len(data)


def test_plan_chunks_quoted_newline_stays_in_one_chunk() -> None:
    data = b'sku,name,price\na,"line one\r\nline two",1\r\nb,B,2\r\n'

    plan = plan_chunks([data], _format(data), 1)

    assert [c.first_line for c in plan.chunks] == [2, 4]
    assert data[plan.chunks[1].start :] == b"b,B,2\r\n"


def test_plan_chunks_unclosed_quote_is_the_last_row() -> None:
    data = b'sku,name,price\na,A,1\nb,"never closed,2\nc,C,3\nd,D,4\n'

    plan = plan_chunks([data], _format(data), 1)

    assert plan.total_rows == 2
    assert plan.chunks[-1].start == data.index(b"b,")
    assert plan.chunks[-1].end == len(data)


def test_plan_chunks_unclosed_quote_keeps_memory_flat() -> None:
    data_head = b'sku,name,price\na,"open\n'
    filler = b"x" * (1 << 20)
    blocks = [data_head] + [filler] * 40  # 40 MiB inside one quoted field.
    fmt = _format(b"sku,name,price\n")

    with mock.patch.object(planning, "MAX_RECORD_BYTES", 1 << 20):
        plan = plan_chunks(iter(blocks), fmt, 1 << 20)

    assert plan.total_rows == 1
    assert plan.file_size == len(data_head) + 40 * len(filler)


def test_plan_chunks_literal_mid_field_quote() -> None:
    data = b'sku,name,price\na,12" pipe,1\nb,B,2\n'

    plan = plan_chunks([data], _format(data), 1)

    assert plan.total_rows == 2


def test_plan_chunks_crlf_split_between_blocks() -> None:
    data = b"sku,name,price\r\na,A,1\r\nb,B,2\r\n"
    cut = data.index(b"\r\nb") + 1
    with mock.patch.object(planning, "SCAN_BYTES", 1):
        plan = plan_chunks([data[:cut], data[cut:]], _format(data), 1)

    assert [(c.start, c.first_line) for c in plan.chunks] == [(16, 2), (23, 3)]


def test_plan_to_dict_round_trips_through_json() -> None:
    plan = Plan(3, 100, (Chunk(0, 10, 60, 0, 2, 2), Chunk(1, 60, 100, 2, 5, 1)))

    assert Plan.from_dict(json.loads(json.dumps(plan.to_dict()))) == plan


def test_plan_chunks_rejects_zero_chunk_bytes() -> None:
    data = b"sku,name,price\n"
    with pytest.raises(ValueError, match="chunk_bytes"):
        plan_chunks([data], _format(data), 0)
