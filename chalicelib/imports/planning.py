"""Split a CSV byte stream into records, and plan chunks of whole records for the workers.

Records end exactly where `csv.reader` (default dialect, `strict=False`) ends them. A quote
opens a quoted field only at the start of a field, and `""` inside a quoted field is a literal
quote. LF, CRLF or a lone CR ends a record unless it is inside a quoted field.

A blank line (nothing between two line breaks) is not a record: the planner does not count it
and the row parser skips it. Every other record counts, including one the parser rejects.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from chalicelib.imports.fileformat import FileFormat

logger = logging.getLogger(__name__)

SCAN_BYTES = 256 * 1024
"""Bytes scanned per regex call; measured fastest between 64 KiB and 1 MiB on the sample file."""

MAX_RECORD_BYTES = 4 * 1024 * 1024
"""Records longer than this are not held in memory; the parser reports them as errors."""

HEAD_BYTES = 16 * 1024
"""Bytes kept from the start of an over-long record, for the error report."""

_SENTINEL = b"\x00"
_BLANK_RECORDS = (b"\n", b"\r\n", b"\r")
_QUOTE, _LF, _CR = ord('"'), ord("\n"), ord("\r")

# States of the record scanner for over-long records, named after those of CPython's _csv.c.
_START_FIELD, _IN_FIELD, _IN_QUOTED_FIELD, _QUOTE_IN_QUOTED_FIELD, _AFTER_CR = range(5)


class RecordRun(NamedTuple):
    """Consecutive complete records, each as its original bytes including its line break."""

    offset: int
    """Byte offset of the first record in the file."""
    line: int
    """Physical line number (1-based) of the first record."""
    records: list[bytes]
    size: int
    """Bytes of all the records together."""
    has_cr: bool
    """Whether any record contains a CR byte, so that line breaks are not all LF."""


class LongRecord(NamedTuple):
    """A record not held in memory: longer than the limit, or with a quote left open at the end."""

    offset: int
    line: int
    size: int
    line_breaks: int
    head: bytes
    """The record's first bytes."""
    unclosed_quote: bool


def count_line_breaks(data: bytes, start: int = 0, end: int | None = None) -> int:
    """Count line breaks in data[start:end]: LF, CRLF and lone CR each count once."""
    end = len(data) if end is None else end
    breaks = data.count(b"\n", start, end)
    if data.find(b"\r", start, end) >= 0:
        breaks += data.count(b"\r", start, end) - data.count(b"\r\n", start, end)
    return breaks


def is_blank(record: bytes) -> bool:
    return record in _BLANK_RECORDS


class RecordSplitter:
    """Split a stream of byte blocks into CSV records, in bulk, with flat memory.

    Feed blocks in file order, starting at a record start. Complete records come back in
    `RecordRun`s, and records longer than `max_record_bytes` as `LongRecord`s. `close()` returns
    the last record, which may lack a line break or hold an unclosed quote.
    """

    def __init__(
        self, delimiter: str, *, offset: int, line: int, max_record_bytes: int | None = None
    ) -> None:
        if len(delimiter) != 1 or delimiter in '"\r\n':
            raise ValueError(f"unsupported delimiter {delimiter!r}")
        delim = re.escape(delimiter.encode("ascii"))
        # One record: runs of plain bytes, quoted fields (a quote right after a delimiter or at
        # the record start) and literal quotes, up to a line break or the end of the buffer.
        # Possessive quantifiers never backtrack, so `""` pairs stay paired.
        self._record = re.compile(
            rb'(?:[^"\r\n]++|(?<![^' + delim + rb'\r\n])"(?:[^"]++|"")*+"?|")*+(?:\r\n|\r|\n|\Z)'
        )
        self._quoted_rest = re.compile(rb'(?:[^"]++|"")*+')
        self._unquoted_rest = re.compile(rb"[^" + delim + rb"\r\n]*+")
        self._delimiter = ord(delimiter)
        self._max_record_bytes = MAX_RECORD_BYTES if max_record_bytes is None else max_record_bytes
        self.offset = offset
        """Byte offset of the first byte not yet returned."""
        self.line = line
        """Physical line number of that byte."""
        self._carry = b""
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._long: _LongState | None = None

    def feed(self, block: bytes) -> list[RecordRun | LongRecord]:
        self._pending.append(block)
        self._pending_size += len(block)
        if self._pending_size < max(SCAN_BYTES, len(self._carry)):
            return []
        return self._scan(final=False)

    def close(self) -> list[RecordRun | LongRecord]:
        pieces = self._scan(final=True)
        if self._long is not None:
            pieces.append(self._end_long(unclosed=self._long.state == _IN_QUOTED_FIELD))
        elif self._carry:
            pieces.append(self._last_record(self._carry))
            self._carry = b""
        return pieces

    def _scan(self, *, final: bool) -> list[RecordRun | LongRecord]:
        data = b"".join([self._carry, *self._pending])
        self._carry = b""
        self._pending, self._pending_size = [], 0
        pieces: list[RecordRun | LongRecord] = []
        position = 0
        window = SCAN_BYTES
        while position < len(data):
            if self._long is not None:
                position = self._advance_long(data, position, pieces)
                continue
            end = min(len(data), position + window)
            records = self._split_window(data, position, end, last=final and end == len(data))
            partial = records.pop()
            if records:
                position = self._emit(records, data, position, pieces)
                window = SCAN_BYTES
            if len(partial) > self._max_record_bytes:
                self._start_long(data, position)
            elif end == len(data):
                self._carry = partial
                break
            elif not records:
                # One record fills the window: look further, but no further than the limit.
                window = min(window * 2, self._max_record_bytes + 1)
        return pieces

    def _split_window(self, data: bytes, start: int, end: int, *, last: bool) -> list[bytes]:
        """Split data[start:end] into complete records and then one partial record (maybe empty)."""
        # The sentinel ends the buffer without a line break, so the last match is always the
        # partial record plus the sentinel, even when the window ends inside a quoted field.
        window = b"".join([memoryview(data)[start:end], _SENTINEL])
        records = self._record.findall(window)
        del window
        if records[-1] == b"":
            records.pop()
        partial = records.pop()[:-1]
        if not last and not partial and records and records[-1][-1] == _CR:
            partial = records.pop()  # The next window may start with the LF of a CRLF.
        records.append(partial)
        return records

    def _emit(
        self, records: list[bytes], data: bytes, position: int, pieces: list[RecordRun | LongRecord]
    ) -> int:
        """Append records that start at data[position] to `pieces`; return the position after."""
        limit = self._max_record_bytes
        if sum(map(len, records)) <= limit or max(map(len, records)) <= limit:
            pieces.append(self._run(records, data, position))
            return position + pieces[-1].size

        # Complete records over the limit are reported like those found in long mode, so the
        # outcome does not depend on how the stream was cut into blocks.
        def is_long_record(record: bytes) -> bool:
            return len(record) > limit and not is_blank(record)

        for is_long, group in itertools.groupby(records, key=is_long_record):
            if not is_long:
                pieces.append(self._run(list(group), data, position))
                position += pieces[-1].size
                continue
            for record in group:
                self._long = _LongState(self.offset, self.line, record[:HEAD_BYTES])
                self._long.add(record, 0, len(record))
                pieces.append(self._end_long(unclosed=False))
                position += len(record)
        return position

    def _run(self, records: list[bytes], data: bytes, position: int) -> RecordRun:
        """Wrap records that tile data[position:] and advance the offset and line past them."""
        size = sum(map(len, records))
        has_cr = data.find(b"\r", position, position + size) >= 0
        run = RecordRun(self.offset, self.line, records, size, has_cr)
        self.offset += size
        self.line += count_line_breaks(data, position, position + size)
        return run

    def _last_record(self, record: bytes) -> RecordRun | LongRecord:
        state, _, _ = self._advance(_START_FIELD, record, 0)
        fits = len(record) <= self._max_record_bytes or is_blank(record)
        if state != _IN_QUOTED_FIELD and fits:
            return self._run([record], record, 0)
        self._long = _LongState(self.offset, self.line, record[:HEAD_BYTES], state)
        self._long.add(record, 0, len(record))
        return self._end_long(unclosed=state == _IN_QUOTED_FIELD)

    def _start_long(self, data: bytes, position: int) -> None:
        logger.info("record at line %s is longer than %s bytes", self.line, self._max_record_bytes)
        self._long = _LongState(self.offset, self.line, data[position : position + HEAD_BYTES])

    def _advance_long(
        self, data: bytes, position: int, pieces: list[RecordRun | LongRecord]
    ) -> int:
        long = self._long
        assert long is not None
        long.state, end, ended = self._advance(long.state, data, position)
        long.add(data, position, end)
        if ended:
            pieces.append(self._end_long(unclosed=False))
        return end

    def _end_long(self, *, unclosed: bool) -> LongRecord:
        long = self._long
        assert long is not None
        self._long = None
        self.offset += long.size
        self.line += long.line_breaks
        return LongRecord(long.offset, long.line, long.size, long.line_breaks, long.head, unclosed)

    def _advance(self, state: int, data: bytes, position: int) -> tuple[int, int, bool]:
        """Run the csv state machine over data[position:] until the record ends.

        Returns (state, position after the record or at the end of data, whether it ended).
        Used only for over-long and last records, so a loop step per field is fine.
        """
        size = len(data)
        while position < size:
            if state == _IN_QUOTED_FIELD:
                position = self._quoted_rest.match(data, position).end()  # type: ignore[union-attr]
                if position == size:
                    break
                position += 1  # A quote not followed by another one.
                state = _QUOTE_IN_QUOTED_FIELD if position == size else _IN_FIELD
            elif state in (_START_FIELD, _QUOTE_IN_QUOTED_FIELD):
                if data[position] == _QUOTE:
                    position += 1
                    state = _IN_QUOTED_FIELD
                else:
                    state = _IN_FIELD
            elif state == _AFTER_CR:
                return _START_FIELD, position + (data[position] == _LF), True
            else:
                position = self._unquoted_rest.match(data, position).end()  # type: ignore[union-attr]
                if position == size:
                    break
                byte = data[position]
                position += 1
                if byte == self._delimiter:
                    state = _START_FIELD
                elif byte == _LF:
                    return _START_FIELD, position, True
                else:
                    state = _AFTER_CR
        return state, position, False


@dataclass
class _LongState:
    offset: int
    line: int
    head: bytes
    state: int = _START_FIELD
    size: int = 0
    line_breaks: int = 0
    ends_with_cr: bool = False

    def add(self, data: bytes, start: int, end: int) -> None:
        if start == end:
            return
        self.size += end - start
        self.line_breaks += count_line_breaks(data, start, end)
        if self.ends_with_cr and data[start] == _LF:
            self.line_breaks -= 1  # The CRLF was split between two blocks and counted twice.
        self.ends_with_cr = data[end - 1] == _CR


def split_records(
    blocks: Iterable[bytes],
    delimiter: str,
    *,
    offset: int,
    line: int,
    max_record_bytes: int | None = None,
) -> Iterator[RecordRun | LongRecord]:
    """Yield the records of a byte stream that starts at a record start; see RecordSplitter."""
    splitter = RecordSplitter(
        delimiter, offset=offset, line=line, max_record_bytes=max_record_bytes
    )
    for block in blocks:
        yield from splitter.feed(block)
    yield from splitter.close()


@dataclass(frozen=True)
class Chunk:
    """A byte range of whole records that one worker imports."""

    index: int
    start: int
    """Byte offset of the chunk's first record."""
    end: int
    """Byte offset just past the chunk (exclusive)."""
    first_row: int
    """0-based index, in the file, of the chunk's first record."""
    first_line: int
    """1-based physical line number of the chunk's first record."""
    row_count: int

    def to_dict(self) -> dict[str, int]:
        return {
            "index": self.index,
            "start": self.start,
            "end": self.end,
            "first_row": self.first_row,
            "first_line": self.first_line,
            "row_count": self.row_count,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Chunk:
        return cls(**{key: int(data[key]) for key in _CHUNK_FIELDS})


_CHUNK_FIELDS = ("index", "start", "end", "first_row", "first_line", "row_count")


@dataclass(frozen=True)
class Plan:
    total_rows: int
    """Records in the file after the header; blank lines excluded."""
    file_size: int
    chunks: tuple[Chunk, ...]
    """Chunks in file order; none when the file has no data rows."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "total_rows": self.total_rows,
            "file_size": self.file_size,
            "chunks": [chunk.to_dict() for chunk in self.chunks],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        chunks = tuple(Chunk.from_dict(chunk) for chunk in data["chunks"])
        return cls(int(data["total_rows"]), int(data["file_size"]), chunks)


def plan_chunks(blocks: Iterable[bytes], fmt: FileFormat, chunk_bytes: int) -> Plan:
    """Count the data records of a whole file and cut it into chunks of about `chunk_bytes`.

    `blocks` is the whole file from byte 0, read once. A chunk starts at a record, never at a
    blank line. It takes records until one starts `chunk_bytes` or more past its start. So only
    the last chunk is smaller than `chunk_bytes`, and a chunk exceeds it by less than one record.
    """
    if chunk_bytes < 1:
        raise ValueError(f"chunk_bytes must be positive, got {chunk_bytes}")
    planner = _Planner(chunk_bytes)
    data = _skip_bytes(blocks, fmt.data_start)
    for piece in split_records(
        data, fmt.delimiter, offset=fmt.data_start, line=fmt.header_lines + 1
    ):
        if isinstance(piece, LongRecord):
            planner.add_record(piece.offset, piece.line, blank=False)
            planner.end = piece.offset + piece.size
        else:
            planner.add_run(piece)
    plan = planner.finish(file_size=max(fmt.data_start, planner.end))
    logger.info("planned %s rows in %s chunks", plan.total_rows, len(plan.chunks))
    return plan


def _skip_bytes(blocks: Iterable[bytes], count: int) -> Iterator[bytes]:
    for block in blocks:
        if count >= len(block):
            count -= len(block)
            continue
        yield block[count:] if count else block
        count = 0


class _Planner:
    def __init__(self, chunk_bytes: int) -> None:
        self.chunk_bytes = chunk_bytes
        self.rows = 0
        self.end = 0
        self.chunks: list[Chunk] = []
        self._open: tuple[int, int, int] | None = None  # start, first_row, first_line
        self._cut_at = 0  # A record starting at or past this offset opens a new chunk.

    def add_run(self, run: RecordRun) -> None:
        records = run.records
        self.end = run.offset + run.size
        last_start = self.end - len(records[-1])
        if self._open is not None and last_start < self._cut_at:
            self.rows += len(records) - sum(map(records.count, _BLANK_RECORDS))
            return
        self._add_run_slowly(run)

    def _add_run_slowly(self, run: RecordRun) -> None:
        """Walk a run record by record; only runs holding a chunk boundary come here."""
        starts = list(itertools.accumulate(map(len, run.records), initial=run.offset))
        line = run.line
        position = 0
        joined = b"".join(run.records)
        for index, record in enumerate(run.records):
            offset = starts[index]
            line += count_line_breaks(joined, position, offset - run.offset)
            position = offset - run.offset
            self.add_record(offset, line, blank=is_blank(record))
        self.end = starts[-1]

    def add_record(self, offset: int, line: int, *, blank: bool) -> None:
        if not blank and (self._open is None or offset >= self._cut_at):
            self._close_chunk(offset)
            self._open = (offset, self.rows, line)
            self._cut_at = offset + self.chunk_bytes
        self.rows += not blank

    def _close_chunk(self, end: int) -> None:
        if self._open is None:
            return
        start, first_row, first_line = self._open
        chunk = Chunk(len(self.chunks), start, end, first_row, first_line, self.rows - first_row)
        self.chunks.append(chunk)

    def finish(self, *, file_size: int) -> Plan:
        self._close_chunk(file_size)
        return Plan(self.rows, file_size, tuple(self.chunks))
