"""Detect a product CSV file's encoding, delimiter and header from its first bytes.

The validate Lambda calls `read_format` once per upload. The resulting `FileFormat` travels as
JSON (`to_dict` / `from_dict`) in the Step Functions state to the chunk workers, which decode
and parse their byte ranges with it.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from chalicelib.imports.errors import ImportRejected

logger = logging.getLogger(__name__)

SAMPLE_BYTES = 64 * 1024
"""Bytes read to detect the format; more are read only while the header row is incomplete."""

MAX_HEADER_BYTES = 1024 * 1024
"""Maximum bytes read to find the end of the header row before the file is rejected."""

DELIMITERS = (",", ";", "\t", "|")
"""Supported delimiters, in order of preference when the header alone cannot decide."""

REQUIRED_FIELDS = ("sku", "name", "price")
OPTIONAL_FIELDS = ("description",)

HEADER_ALIASES: dict[str, str] = {
    # Canonical names.
    "sku": "sku",
    "name": "name",
    "price": "price",
    "description": "description",
    # Shopify product export.
    "variant sku": "sku",
    "title": "name",
    "variant price": "price",
    "body (html)": "description",
    # WooCommerce product export ("SKU", "Name" and "Description" are canonical names).
    "regular price": "price",
}
"""Header names (lowercase, whitespace collapsed) accepted for each field."""

UTF8_BOM = codecs.BOM_UTF8
SAMPLE_ROWS = 50
"""Data rows after the header that delimiter detection looks at."""

MAX_BINARY_CONTROL_SHARE = 0.05
"""Share of control bytes (other than tab, CR and LF) above which the file is called binary."""

_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13)) + b"\x7f"
_SEP_LINE = re.compile(r"sep=(.)(?:\r\n|\r|\n|$)", re.IGNORECASE)
_LINE_ENDINGS = {"\r\n": "CRLF", "\n": "LF", "\r": "CR"}
_SIGNATURES = (
    (
        b"PK\x03\x04",
        "a ZIP archive (an Excel .xlsx workbook?), not CSV text; save the sheet as CSV",
    ),
    (b"\xd0\xcf\x11\xe0", "an Excel .xls workbook, not CSV text; save the sheet as CSV"),
    (b"%PDF-", "a PDF document, not CSV text"),
    (b"\x1f\x8b", "gzip-compressed; upload the uncompressed CSV file"),
    (b"\xff\xfe", "UTF-16 text, which is not supported; save it as CSV UTF-8"),
    (b"\xfe\xff", "UTF-16 text, which is not supported; save it as CSV UTF-8"),
)


class HeaderIncomplete(Exception):
    """The bytes given end before the header row does; detection needs more of the file."""


@dataclass(frozen=True)
class FileFormat:
    """How to read one uploaded file: everything a chunk worker needs besides its byte range."""

    encoding: str
    """Python codec name: "utf-8", "utf-8-sig" or "windows-1252"."""
    delimiter: str
    line_ending: str
    """Line break ending the header row: "LF", "CRLF", "CR", or "none" when the file is one line."""
    columns: tuple[str, ...]
    """Header names as found, with surrounding whitespace removed."""
    field_indexes: dict[str, int]
    """0-based column index feeding each field (sku, name, price and, when present, description)."""
    field_columns: dict[str, str]
    """Header name feeding each field, as found in the file."""
    data_start: int
    """Byte offset where the first data row starts."""
    header_lines: int
    """Physical lines up to and including the header row (blank and "sep=" lines before it count)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "line_ending": self.line_ending,
            "columns": list(self.columns),
            "field_indexes": dict(self.field_indexes),
            "field_columns": dict(self.field_columns),
            "data_start": self.data_start,
            "header_lines": self.header_lines,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FileFormat:
        return cls(
            encoding=data["encoding"],
            delimiter=data["delimiter"],
            line_ending=data["line_ending"],
            columns=tuple(data["columns"]),
            field_indexes={str(k): int(v) for k, v in data["field_indexes"].items()},
            field_columns={str(k): str(v) for k, v in data["field_columns"].items()},
            data_start=int(data["data_start"]),
            header_lines=int(data["header_lines"]),
        )


def read_format(
    blocks: Iterator[bytes], max_header_bytes: int = MAX_HEADER_BYTES
) -> tuple[FileFormat, bytes]:
    """Read the head of a file from `blocks` and detect its format.

    Returns the format and the bytes consumed from `blocks`. To stream the whole file once,
    the caller replays those bytes in front of the rest: `itertools.chain([head], blocks)`.
    Raises ImportRejected when the file cannot be imported.
    """
    head = bytearray()
    wanted = SAMPLE_BYTES
    while True:
        at_eof = _read_until(blocks, head, wanted)
        try:
            fmt = detect_format(bytes(head), at_eof=at_eof)
        except HeaderIncomplete:
            if len(head) >= max_header_bytes:
                raise ImportRejected(
                    f"the header row is not complete within the first {len(head)} bytes;"
                    " check for an unclosed quote in the header"
                ) from None
            wanted = min(max_header_bytes, len(head) * 2)
            continue
        logger.info(
            "detected format: encoding %s, delimiter %r, columns %s",
            fmt.encoding,
            fmt.delimiter,
            fmt.field_columns,
        )
        return fmt, bytes(head)


def _read_until(blocks: Iterator[bytes], head: bytearray, wanted: int) -> bool:
    """Append blocks to `head` until it holds `wanted` bytes; return whether the file ended."""
    while len(head) < wanted:
        block = next(blocks, None)
        if block is None:
            return True
        head += block
    return False


def detect_format(head: bytes, *, at_eof: bool = False) -> FileFormat:
    """Detect the format from the first bytes of a file.

    `at_eof` is true when `head` is the whole file. Raises ImportRejected when the file is not
    importable CSV text, and HeaderIncomplete when `head` ends inside the header row (so a
    one-line file without a line break needs `at_eof=True`; `read_format` handles both).
    """
    _reject_non_text(head, at_eof=at_eof)
    encoding = _detect_encoding(head, at_eof=at_eof)
    bom_length = len(UTF8_BOM) if encoding == "utf-8-sig" else 0

    # Latin-1 maps each byte to one character, so character offsets in `text` are byte offsets.
    # The delimiter, quote and line breaks are ASCII, so records split the same way as in the
    # real encoding.
    text = head[bom_length:].decode("latin-1")
    preamble = _read_preamble(text)
    if preamble.header_start >= len(text) and at_eof:
        raise ImportRejected("the file contains only blank lines, no header row")

    delimiters = (preamble.delimiter,) if preamble.delimiter else DELIMITERS
    candidates = [_read_candidate(text, preamble.header_start, d, at_eof) for d in delimiters]
    best = max(candidates, key=_candidate_score)
    header = [_decode_header_name(name, encoding) for name in best.header]
    field_indexes, field_columns = map_header(header)

    header_text = text[preamble.header_start : best.header_end]
    return FileFormat(
        encoding=encoding,
        delimiter=best.delimiter,
        line_ending=_line_ending(header_text),
        columns=tuple(header),
        field_indexes=field_indexes,
        field_columns=field_columns,
        data_start=bom_length + best.header_end,
        header_lines=preamble.lines + count_line_breaks(header_text),
    )


def _reject_non_text(head: bytes, *, at_eof: bool) -> None:
    if not head:
        raise ImportRejected("the file is empty")
    if head == UTF8_BOM and at_eof:
        raise ImportRejected("the file holds only a byte-order mark")
    for signature, description in _SIGNATURES:
        if head.startswith(signature):
            raise ImportRejected(f"the file is {description}")

    sample = head[:SAMPLE_BYTES]
    if b"\x00" in sample:
        raise ImportRejected("the file looks binary (NUL bytes in the first 64 KiB), not CSV text")
    control_share = 1 - len(sample.translate(None, _CONTROL_BYTES)) / len(sample)
    if control_share > MAX_BINARY_CONTROL_SHARE:
        raise ImportRejected(
            f"the file looks binary ({control_share:.0%} control bytes in the first 64 KiB),"
            " not CSV text"
        )


def _detect_encoding(head: bytes, *, at_eof: bool) -> str:
    """Return "utf-8-sig" after a BOM, "utf-8" for valid UTF-8, else "windows-1252"."""
    if head.startswith(UTF8_BOM):
        return "utf-8-sig"

    # The incremental decoder accepts a character cut at the end of the sample unless at_eof.
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head[:MAX_HEADER_BYTES], final=at_eof)
    except UnicodeDecodeError:
        return "windows-1252"
    return "utf-8"


class Utf8Scan:
    """Pass a file's blocks through unchanged while checking that together they are UTF-8.

    The validate step reads the whole file once to plan its chunks, so it can settle the
    encoding for the whole file there instead of on the detection sample alone.
    """

    def __init__(self, blocks: Iterable[bytes]) -> None:
        self._blocks = blocks
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self.valid = True
        """False once a byte sequence is not UTF-8; final only after the blocks are consumed."""
        self.saw_utf8_text = False
        """True when valid non-ASCII UTF-8 came before the first invalid byte."""

    def __iter__(self) -> Iterator[bytes]:
        for block in self._blocks:
            if self.valid:
                self._check(block, final=False)
            yield block
        if self.valid:
            self._check(b"", final=True)

    def _check(self, block: bytes, *, final: bool) -> None:
        pending = self._decoder.getstate()[0]
        if block.isascii() and not pending and not final:
            return
        try:
            self._decoder.decode(block, final=final)
        except UnicodeDecodeError as exc:
            self.valid = False
            if not exc.object[: exc.start].isascii():
                self.saw_utf8_text = True
        else:
            self.saw_utf8_text = self.saw_utf8_text or not block.isascii()


def as_windows_1252(fmt: FileFormat) -> FileFormat:
    """Return `fmt` for a file taken for UTF-8 whose later bytes turned out not to be.

    The header decoded as valid UTF-8, so encoding its names again recovers the file's bytes.
    """
    columns = [name.encode("utf-8").decode("windows-1252", errors="replace") for name in fmt.columns]
    field_indexes, field_columns = map_header(columns)
    return replace(
        fmt,
        encoding="windows-1252",
        columns=tuple(columns),
        field_indexes=field_indexes,
        field_columns=field_columns,
    )


@dataclass(frozen=True)
class _Preamble:
    header_start: int
    lines: int
    delimiter: str | None


def _read_preamble(text: str) -> _Preamble:
    """Skip blank lines and an Excel "sep=;" line before the header."""
    position = 0
    lines = 0
    delimiter = None
    while True:
        stripped = len(text) - len(text[position:].lstrip("\r\n"))
        if stripped > position:
            lines += count_line_breaks(text[position:stripped])
            position = stripped
            continue
        match = _SEP_LINE.match(text, position) if delimiter is None and lines == 0 else None
        if match is None:
            return _Preamble(position, lines, delimiter)
        delimiter = match.group(1)
        if delimiter not in DELIMITERS:
            raise ImportRejected(
                f"unsupported delimiter {delimiter!r} in the 'sep=' line;"
                " use comma, semicolon, tab or pipe"
            )
        lines += count_line_breaks(match.group(0))
        position = match.end()


@dataclass(frozen=True)
class _Candidate:
    delimiter: str
    header: list[str]
    header_end: int
    rows: list[list[str]]


def _read_candidate(text: str, start: int, delimiter: str, at_eof: bool) -> _Candidate:
    """Read the header and the first complete data rows of `text` with one delimiter."""
    lines = _CountingLines(text[start:])
    reader = csv.reader(lines, delimiter=delimiter)
    records: list[tuple[list[str], int]] = []
    try:
        for fields in reader:
            if not at_eof and lines.consumed >= len(lines.text):
                break  # The sample may end inside this record.
            if fields:
                records.append((fields, start + lines.consumed))
            if len(records) > SAMPLE_ROWS:
                break
    except csv.Error:
        pass  # A field over the csv module's limit: keep the rows read so far.
    if not records:
        if at_eof:
            return _Candidate(delimiter, [], len(text), [])
        raise HeaderIncomplete
    header, header_end = records[0]
    return _Candidate(delimiter, header, header_end, [fields for fields, _ in records[1:]])


class _CountingLines:
    """Line iterator for csv.reader that counts the characters it has handed out."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.consumed = 0
        self._lines = iter(io.StringIO(text, newline=""))

    def __iter__(self) -> _CountingLines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.consumed += len(line)
        return line


def _candidate_score(candidate: _Candidate) -> tuple[int, bool, float, int]:
    """Rank a delimiter: required columns found, then a consistent field count of 3 or more."""
    width = len(candidate.header)
    fields = {HEADER_ALIASES.get(normalise_header_name(name)) for name in candidate.header}
    required_found = sum(field in fields for field in REQUIRED_FIELDS)
    rows = candidate.rows
    consistent = sum(len(row) == width for row in rows) / len(rows) if rows else 1.0
    return required_found, width >= 3 and consistent == 1.0, consistent, width


def _decode_header_name(name: str, encoding: str) -> str:
    raw = name.encode("latin-1")
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    return raw.decode(codec, errors="replace").replace("\ufeff", "").strip()


def normalise_header_name(name: str) -> str:
    """Return the header name lowercased, with a BOM removed and whitespace collapsed."""
    return " ".join(name.replace("\ufeff", "").split()).lower()


def map_header(header: list[str]) -> tuple[dict[str, int], dict[str, str]]:
    """Map fields to header columns; return (field -> index, field -> header name).

    Raises ImportRejected when a required field is missing, or any field is given twice.
    """
    indexes: dict[str, int] = {}
    for index, name in enumerate(header):
        field = HEADER_ALIASES.get(normalise_header_name(name))
        if field is None:
            continue
        if field in indexes:
            first = header[indexes[field]]
            raise ImportRejected(
                f"column {field!r} is given twice: {first!r} (column {indexes[field] + 1})"
                f" and {name!r} (column {index + 1}); keep only one"
            )
        indexes[field] = index

    missing = [field for field in REQUIRED_FIELDS if field not in indexes]
    if missing:
        found = ", ".join(name for name in header if name) or "none"
        raise ImportRejected(f"missing required column(s): {', '.join(missing)}; found: {found}")
    return indexes, {field: header[index] for field, index in indexes.items()}


def count_line_breaks(text: str) -> int:
    """Count line breaks: LF, CRLF and lone CR each count once."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _line_ending(header_text: str) -> str:
    for ending, name in _LINE_ENDINGS.items():
        if header_text.endswith(ending):
            return name
    return "none"
