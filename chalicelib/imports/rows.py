"""Parse and normalise the rows of one chunk.

`parse_chunk` yields plain tuples, because a chunk worker handles hundreds of thousands of them:

- a row: `(row_index, line, sku, name, description, price)`, with `row_index` an int;
- an issue: `(severity, line, reason, raw_text)`, with `severity` "error" or "warning".

Each data record yields exactly one row or one error. Warnings come before the row they belong
to, so `rows + errors` counts the records a worker has consumed. Blank lines yield nothing.
"""

from __future__ import annotations

import codecs
import csv
import logging
import re
import unicodedata
from collections.abc import Generator, Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal

from chalicelib.imports.errors import InvalidValue
from chalicelib.imports.fileformat import FileFormat
from chalicelib.imports.planning import (
    MAX_RECORD_BYTES,
    Chunk,
    LongRecord,
    RecordRun,
    split_records,
)

logger = logging.getLogger(__name__)

Row = tuple[int, int, str, str, str, "str | None"]
"""(row index in the file, line, sku, name, description, price as "1299.00" or None)."""
Issue = tuple[str, int, str, str]
"""(severity, line, reason, raw text of the record)."""

MAX_FIELD_CHARS = 1024 * 1024
"""Maximum field length in characters; a longer field makes its row an error."""

MAX_SKU_CHARS = 255
# The products API's limit, so that an imported product can be edited as it is.
MAX_NAME_CHARS = 1000
MAX_RAW_CHARS = 10_000
"""Raw record text kept for the error report; longer records are cut there."""

MAX_PRICE = Decimal("9999999999.99")
"""Highest value of the price column, numeric(12, 2)."""

_CENT = Decimal("0.01")
_PRICE_LIMIT = Decimal(10) ** 10
_LINE_BREAKS = re.compile(r"\s*[\r\n\t]+\s*")
_UNWANTED_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SCIENTIFIC = re.compile(r"\d(?:[.,]\d+)?e[+-]?\d+")
_CANONICAL_PRICE = re.compile(r"(?:[1-9]\d{0,9}|0)\.\d\d")
_PLAIN_PRICE = re.compile(r"(\d{1,10})(?:\.(\d{1,2}))?")
_CURRENCY = r"(?:[A-Z]{0,3}\$|[A-Z]{3}|[€£¥₹₽₩₺₪₫₴₦₱₡₲₵₸₼₾¢฿]|kr\.?|Kč|zł|Ft|lei|R)"
_PRICE_SHAPE = re.compile(
    rf"(?P<sign>[-−])?\s*(?:{_CURRENCY}\s*)?(?P<sign2>[-−])?\s*"
    r"(?P<number>\d[\d.,' \u00a0\u202f]*)\s*"
    rf"(?:{_CURRENCY})?\s*(?P<sign3>-)?"
)
_GROUPED = re.compile("\\d{1,3}(?:[.,' \u00a0\u202f]\\d{3})+")
_SPACES = str.maketrans("", "", " \u00a0\u202f'")
_DECIMAL_COMMA_DELIMITERS = (";", "\t")


def normalise_sku(text: str) -> str:
    """Return the stored form of an SKU: stripped, NFC-normalised and lowercased.

    Raises InvalidValue when the SKU is empty, longer than 255 characters, or contains a
    character that is not printable (control, zero-width, no-break space). SKUs are text, so "0017" keeps its zeros.
    """
    sku = text.strip()
    if not sku.isascii():
        sku = unicodedata.normalize("NFC", sku)
    sku = sku.lower()
    if not sku:
        raise InvalidValue(f"invalid SKU {text!r}: empty")
    if len(sku) > MAX_SKU_CHARS:
        raise InvalidValue(
            f"invalid SKU {_shorten(text)!r}: longer than {MAX_SKU_CHARS} characters ({len(sku)})"
        )
    if not sku.isprintable():
        # Control, format (zero-width, soft hyphen) and separator characters other than the
        # ASCII space are not printable.
        code = next(f"U+{ord(char):04X}" for char in sku if not char.isprintable())
        raise InvalidValue(
            f"invalid SKU {_shorten(text)!r}: contains control or invisible character {code}"
        )
    return sku


def sku_warning(sku: str) -> str | None:
    """Return a warning for a normalised SKU that a spreadsheet turned into a number, or None."""
    if "e" in sku and sku[0].isdigit() and _SCIENTIFIC.fullmatch(sku):
        return (
            f"SKU {sku!r} looks like a number in scientific notation from a spreadsheet;"
            " imported as it is, check the source"
        )
    return None


def parse_price(text: str, delimiter: str) -> str | None:
    """Return a price as a string with two decimals ("1299.00"), or None when empty.

    In a semicolon- or tab-delimited file a lone comma is the decimal separator ("9,99") and a
    dot followed by groups of three digits groups thousands ("1.299"). In a comma- or
    pipe-delimited file it is the other way round ("1,299" and "9.99"). With both separators
    the last one is decimal ("1.299,00", "1,299.00"). Currency symbols, ISO codes and spaces
    are ignored.
    Raises InvalidValue for a negative, non-numeric or out-of-range value, and for more than
    two decimal places, which would otherwise be rounded without anyone noticing.
    """
    if _CANONICAL_PRICE.fullmatch(text) is not None:
        return text
    plain = _PLAIN_PRICE.fullmatch(text)
    if plain is not None:
        whole, cents = plain.groups()
        return f"{int(whole)}.{(cents or '').ljust(2, '0')}"
    stripped = text.strip()
    if not stripped:
        return None
    return _parse_formatted_price(stripped, delimiter)


def _parse_formatted_price(text: str, delimiter: str) -> str:
    shape = _PRICE_SHAPE.fullmatch(text)
    number = None if shape is None else _to_decimal_text(shape.group("number").strip(), delimiter)
    if shape is None or number is None:
        raise InvalidValue(f"price {text!r} is not a number; imported without a price")
    fraction = number.partition(".")[2]
    if len(fraction) > 2:
        raise InvalidValue(
            f"price {text!r} has {len(fraction)} decimal places, at most 2 are allowed; "
            "imported without a price"
        )
    value = Decimal(number)
    if value < _PRICE_LIMIT:
        value = value.quantize(_CENT, rounding=ROUND_HALF_UP)
    if value > MAX_PRICE:
        raise InvalidValue(
            f"price {text!r} is out of range (maximum {MAX_PRICE}); imported without a price"
        )
    if value and any(shape.group(sign) for sign in ("sign", "sign2", "sign3")):
        raise InvalidValue(f"price {text!r} is negative; imported without a price")
    return f"{value:f}"


def _to_decimal_text(number: str, delimiter: str) -> str | None:
    """Rewrite "1.299,00" or "1 299,00" as "1299.00"; None when the separators make no sense."""
    compact = number.translate(_SPACES)
    if compact != number and not _GROUPED.match(number):
        return None  # Spaces and apostrophes may only group thousands.
    mark = _decimal_mark(compact, delimiter)
    whole, fraction = compact.rsplit(mark, 1) if mark else (compact, "")
    if not whole.isdecimal() and _GROUPED.fullmatch(whole):
        whole = whole.replace(",", "").replace(".", "")
    if not whole.isdecimal() or (mark and not fraction.isdecimal()):
        return None
    return f"{whole}.{fraction}" if mark else whole


def _decimal_mark(number: str, delimiter: str) -> str:
    """Return the decimal mark of `number` ("." or ","), or "" when it has none."""
    dot, comma = number.rfind("."), number.rfind(",")
    if dot >= 0 and comma >= 0:
        return "." if dot > comma else ","
    if comma >= 0:
        if number.count(",") > 1:
            return ""
        if delimiter in _DECIMAL_COMMA_DELIMITERS:
            return ","
        return "" if _groups_thousands(number) else ","
    if dot >= 0:
        if number.count(".") > 1:
            return ""
        if delimiter in _DECIMAL_COMMA_DELIMITERS and _groups_thousands(number):
            return ""
        return "."
    return ""


def _groups_thousands(number: str) -> bool:
    """Tell whether a lone separator in `number` groups thousands ("1.299", "12,500").

    A leading zero ("0.999", "0,001") never starts a thousands group, so it is a decimal.
    """
    return number[0] != "0" and _GROUPED.fullmatch(number) is not None


def parse_chunk(
    blocks: Iterable[bytes], fmt: FileFormat, chunk: Chunk, skip_rows: int = 0
) -> Iterator[Row | Issue]:
    """Parse the records of one chunk; `blocks` cover exactly its bytes [start, end).

    Skips the first `skip_rows` records (which an earlier attempt committed) without yielding
    anything for them. Row indexes and line numbers are those of the whole file.
    """
    csv.field_size_limit(MAX_FIELD_CHARS)
    layout = _Layout(fmt)
    row_index = chunk.first_row
    skip = skip_rows
    pieces = split_records(blocks, fmt.delimiter, offset=chunk.start, line=chunk.first_line)
    for piece in pieces:
        if isinstance(piece, LongRecord):
            if skip:
                skip -= 1
            else:
                yield _long_record_issue(piece, layout.encoding)
            row_index += 1
            continue
        row_index, skip = yield from _parse_run(piece, layout, row_index, skip)
    expected_end = chunk.first_row + chunk.row_count
    if row_index != expected_end:
        logger.warning(
            "chunk %s contained %s records but the plan expected %s",
            chunk.index,
            row_index - chunk.first_row,
            chunk.row_count,
        )


class _Layout:
    """Column positions and settings for the row loop, looked up once per chunk."""

    def __init__(self, fmt: FileFormat) -> None:
        self.encoding = "utf-8" if fmt.encoding == "utf-8-sig" else fmt.encoding
        self.delimiter = fmt.delimiter
        self.width = len(fmt.columns)
        self.sku = fmt.field_indexes["sku"]
        self.name = fmt.field_indexes["name"]
        self.price = fmt.field_indexes["price"]
        self.description = fmt.field_indexes.get("description")


def _parse_run(
    run: RecordRun, layout: _Layout, row_index: int, skip: int
) -> Generator[Row | Issue, None, tuple[int, int]]:
    """Yield rows and issues for one run of records; return (next row index, rows to skip)."""
    texts, decode_warnings = _decode(run.records, layout.encoding)
    reader = csv.reader(texts, delimiter=layout.delimiter)
    has_cr = run.has_cr
    width, delimiter = layout.width, layout.delimiter
    sku_at, name_at, price_at, description_at = (
        layout.sku,
        layout.name,
        layout.price,
        layout.description,
    )
    normalise, price_of = normalise_sku, parse_price  # Local names are faster in the loop.
    next_line = run.line
    for text in texts:
        line = next_line
        next_line += _count_breaks(text) if has_cr else text.count("\n")
        try:
            fields = next(reader)
        except csv.Error as exc:
            if skip:
                skip -= 1
            else:
                yield ("error", line, _csv_error_reason(exc), _raw(text))
            row_index += 1
            continue
        if not fields:
            continue  # A blank line.
        if skip:
            skip -= 1
            row_index += 1
            continue

        if decode_warnings and text in decode_warnings:
            yield ("warning", line, decode_warnings[text], _raw(text))
        if len(fields) != width and not _has_only_empty_extras(fields, width):
            yield ("error", line, _width_reason(fields, width), _raw(text))
            row_index += 1
            continue
        try:
            sku = normalise(fields[sku_at])
        except InvalidValue as exc:
            reason = "row is empty" if _is_empty(fields) else str(exc)
            yield ("error", line, reason, _raw(text))
            row_index += 1
            continue
        name = fields[name_at].strip()
        if not name:
            yield ("error", line, "name is empty", _raw(text))
            row_index += 1
            continue
        if len(name) > MAX_NAME_CHARS or not name.isprintable():
            try:
                name, warning = _clean_name(name)
            except InvalidValue as exc:
                yield ("error", line, str(exc), _raw(text))
                row_index += 1
                continue
            if warning is not None:
                yield ("warning", line, warning, _raw(text))

        try:
            price = price_of(fields[price_at], delimiter)
        except InvalidValue as exc:
            yield ("warning", line, str(exc), _raw(text))
            price = None
        if "e" in sku:
            warning = sku_warning(sku)
            if warning is not None:
                yield ("warning", line, warning, _raw(text))
        description = "" if description_at is None else fields[description_at].strip()
        if not description.isprintable() and _UNWANTED_CONTROLS.search(description):
            description = _UNWANTED_CONTROLS.sub("", description)
            yield ("warning", line, "control characters removed from the description",
                   _raw(text))
        yield (row_index, line, sku, name, description, price)
        row_index += 1
    return row_index, skip


def _clean_name(name: str) -> tuple[str, str | None]:
    """Return the name on one line, and a warning when it had to be joined.

    Names follow the products API's rules, so an imported product stays editable: at most
    MAX_NAME_CHARS characters and no control characters. Line breaks and tabs, which quoted
    spreadsheet cells often hold, become single spaces; other control characters reject the row.
    """
    warning = None
    if _LINE_BREAKS.search(name):
        name = _LINE_BREAKS.sub(" ", name).strip()
        warning = "line breaks in the name were replaced by spaces"
    control = _UNWANTED_CONTROLS.search(name)
    if control is not None:
        raise InvalidValue(f"name contains control character U+{ord(control.group()):04X}")
    if len(name) > MAX_NAME_CHARS:
        raise InvalidValue(f"name is {len(name)} characters long; the maximum is {MAX_NAME_CHARS}")
    return name, warning


def _decode(records: list[bytes], encoding: str) -> tuple[list[str], dict[str, str]]:
    """Decode records; return the texts and a warning for each text that did not decode."""
    try:
        return [record.decode(encoding) for record in records], {}
    except UnicodeDecodeError:
        pass
    texts: list[str] = []
    warnings: dict[str, str] = {}
    for record in records:
        try:
            texts.append(record.decode(encoding))
        except UnicodeDecodeError as exc:
            text, warning = _decode_badly_encoded(record, encoding, exc)
            texts.append(text)
            warnings[text] = warning
    return texts, warnings


def _decode_badly_encoded(record: bytes, encoding: str, exc: UnicodeDecodeError) -> tuple[str, str]:
    byte = f"0x{record[exc.start]:02X}"
    if encoding == "utf-8":
        # A file whose first 64 KiB are ASCII is taken for UTF-8; rows further down may be in
        # the Windows code page after all.
        text = record.decode("windows-1252", errors="replace")
        return text, f"row is not valid UTF-8 (byte {byte}); read as Windows-1252"
    text = record.decode(encoding, errors="replace")
    return text, f"row has byte {byte}, undefined in {encoding}; replaced with U+FFFD"


def _count_breaks(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _has_only_empty_extras(fields: list[str], width: int) -> bool:
    """Accept trailing empty fields past the header's width, which spreadsheets often add."""
    return len(fields) > width and not any(field.strip() for field in fields[width:])


def _is_empty(fields: list[str]) -> bool:
    return not any(field.strip() for field in fields)


def _width_reason(fields: list[str], width: int) -> str:
    if _is_empty(fields):
        return "row is empty"
    return f"row has {len(fields)} fields, expected {width}"


def _csv_error_reason(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return f"field longer than 1 MB ({MAX_FIELD_CHARS} characters)"
    return f"row cannot be read as CSV: {exc}"


def _long_record_issue(record: LongRecord, encoding: str) -> Issue:
    raw = codecs.decode(record.head, encoding, errors="replace")
    if record.unclosed_quote:
        reason = f"unclosed quote; the rest of the file from line {record.line} was skipped"
    else:
        reason = f"row longer than {MAX_RECORD_BYTES // (1024 * 1024)} MB ({record.size} bytes)"
    return ("error", record.line, reason, _raw(raw))


def _raw(text: str) -> str:
    text = text.rstrip("\r\n")
    return text if len(text) <= MAX_RAW_CHARS else text[:MAX_RAW_CHARS] + "…"


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
