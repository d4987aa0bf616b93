"""Row parsing and normalisation: SKUs, prices, error reasons and the fixture files."""

from __future__ import annotations

import itertools
from pathlib import Path
from unittest import mock

import pytest

from chalicelib.imports import planning
from chalicelib.imports.errors import ImportRejected, InvalidValue
from chalicelib.imports.fileformat import FileFormat, detect_format, read_format
from chalicelib.imports.planning import Chunk, plan_chunks
from chalicelib.imports.rows import MAX_FIELD_CHARS, normalise_sku, parse_chunk, parse_price

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "csv"


def _parse(data: bytes, chunk_bytes: int = 1 << 20) -> list[tuple]:
    """Plan `data` and parse every chunk, as the validate Lambda and the workers would."""
    blocks = iter([data[i : i + 7] for i in range(0, len(data), 7)])
    fmt, head = read_format(blocks)
    plan = plan_chunks(itertools.chain([head], blocks), fmt, chunk_bytes)
    items: list[tuple] = []
    for chunk in plan.chunks:
        items.extend(parse_chunk([data[chunk.start : chunk.end]], fmt, chunk))
    return items


def _rows(items: list[tuple]) -> list[tuple]:
    return [item for item in items if isinstance(item[0], int)]


def _issues(items: list[tuple]) -> list[tuple]:
    return [item[:3] for item in items if isinstance(item[0], str)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ABC-1", "abc-1"),
        ("  Abc-1 \t", "abc-1"),
        ("0017", "0017"),
        ("1.23E+11", "1.23e+11"),
        ("Straße", "straße"),
        ("Cafe\u0301", "caf\u00e9"),  # NFC joins the combining accent.
        ("a b", "a b"),
    ],
)
def test_normalise_sku_table(text: str, expected: str) -> None:
    assert normalise_sku(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "invalid SKU '': empty"),
        ("   ", "invalid SKU '   ': empty"),
        ("x" * 256, "longer than 255 characters (256)"),
        ("AB\x00C", "contains control or invisible character U+0000"),
        ("AB\u200bC", "contains control or invisible character U+200B"),
        ("AB\nC", "contains control or invisible character U+000A"),
        ("AB\u00a0C", "contains control or invisible character U+00A0"),
        ("AB\u00adC", "contains control or invisible character U+00AD"),
    ],
)
def test_normalise_sku_rejects(text: str, reason: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        normalise_sku(text)

    assert reason in str(raised.value)


@pytest.mark.parametrize(
    ("text", "delimiter", "expected"),
    [
        ("", ",", None),
        ("  ", ",", None),
        ("9.99", ",", "9.99"),
        ("9.9", ",", "9.90"),
        ("12", ",", "12.00"),
        ("007.50", ",", "7.50"),
        ("1.299", ";", "1299.00"),
        ("12.500", "\t", "12500.00"),
        ("1,299.00", ",", "1299.00"),
        ("1,299", ",", "1299.00"),
        ("1,299", "|", "1299.00"),
        ("9,99", ",", "9.99"),
        ("1,234,567.89", ",", "1234567.89"),
        ("9,99", ";", "9.99"),
        ("9,99", "\t", "9.99"),
        ("1.299,00", ";", "1299.00"),
        ("1.299,00", "\t", "1299.00"),
        ("1 299,00", ";", "1299.00"),
        ("1\u00a0299,00", ";", "1299.00"),
        ("1'299.00", ",", "1299.00"),
        ("$12.50", ",", "12.50"),
        ("12.50 $", ",", "12.50"),
        ("US$ 12.50", ",", "12.50"),
        ("€ 12,50", ";", "12.50"),
        ("12,50 €", ";", "12.50"),
        ("£7", ",", "7.00"),
        ("¥1,200", ",", "1200.00"),
        ("USD 5", ",", "5.00"),
        ("5.00 EUR", ",", "5.00"),
        (" 9.99 ", ",", "9.99"),
        ("-0", ",", "0.00"),
        ("9999999999.99", ",", "9999999999.99"),
    ],
)
def test_parse_price_table(text: str, delimiter: str, expected: str | None) -> None:
    assert parse_price(text, delimiter) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("abc", "price 'abc' is not a number; imported without a price"),
        ("N/A", "price 'N/A' is not a number; imported without a price"),
        ("1.2.3,4,5", "price '1.2.3,4,5' is not a number; imported without a price"),
        ("12 34", "price '12 34' is not a number; imported without a price"),
        ("1e5", "price '1e5' is not a number; imported without a price"),
        ("-5", "price '-5' is negative; imported without a price"),
        ("-$5.00", "price '-$5.00' is negative; imported without a price"),
        ("5.00-", "price '5.00-' is negative; imported without a price"),
        ("10000000000", "price '10000000000' is out of range (maximum 9999999999.99)"),
        ("9999999999.995", "price '9999999999.995' has 3 decimal places, at most 2 are allowed"),
        ("2.675", "price '2.675' has 3 decimal places, at most 2 are allowed"),
        ("1.299", "price '1.299' has 3 decimal places, at most 2 are allowed"),
    ],
)
def test_parse_price_rejects(text: str, reason: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        parse_price(text, ",")

    assert reason in str(raised.value)


def test_parse_price_rejects_ambiguous_decimal_comma() -> None:
    with pytest.raises(InvalidValue) as raised:
        parse_price("1,299", ";")

    assert "3 decimal places" in str(raised.value)


def test_parse_chunk_valid_row_tuple() -> None:
    items = _parse(b'sku,name,description,price\n  AB-1 , Mug ," Big, blue ",1,299.50\n')

    assert items == [
        ("error", 2, "row has 5 fields, expected 4", '  AB-1 , Mug ," Big, blue ",1,299.50')
    ]
    items = _parse(b'sku,name,description,price\n  AB-1 , Mug ," Big, blue ","1,299.50"\n')
    assert items == [(0, 2, "ab-1", "Mug", "Big, blue", "1299.50")]


def test_parse_chunk_error_reasons_with_lines() -> None:
    data = (
        b"sku,name,price\n"
        b"A,Alpha,1\n"
        b"B,Beta\n"
        b",Gamma,3\n"
        b"D,,4\n"
        b"E,Eps,5,,  \n"
        b"F,Phi,6,x\n"
        b",,\n"
        b"\n"
        b"G,Gee,abc\n"
    )

    items = _parse(data)

    assert _issues(items) == [
        ("error", 3, "row has 2 fields, expected 3"),
        ("error", 4, "invalid SKU '': empty"),
        ("error", 5, "name is empty"),
        ("error", 7, "row has 4 fields, expected 3"),
        ("error", 8, "row is empty"),
        ("warning", 10, "price 'abc' is not a number; imported without a price"),
    ]
    assert [(row[0], row[1], row[2]) for row in _rows(items)] == [
        (0, 2, "a"),
        (4, 6, "e"),
        (7, 10, "g"),
    ]


def test_parse_chunk_issue_carries_raw_text() -> None:
    items = _parse(b'sku,name,price\r\nB,"Be\r\nta"\r\n')

    assert items == [("error", 2, "row has 2 fields, expected 3", 'B,"Be\r\nta"')]


def test_parse_chunk_warning_precedes_its_row() -> None:
    items = _parse(b"sku,name,price\n1.5E+3,Sci,-1\n")

    assert [item[0] for item in items] == ["warning", "warning", 0]
    assert "negative" in items[0][2]
    assert "scientific notation" in items[1][2]
    assert items[2][2] == "1.5e+3"


def test_parse_chunk_field_over_1_mb() -> None:
    big = b"x" * (MAX_FIELD_CHARS + 1)
    data = b"sku,name,price\nA,A,1\nB," + big + b",2\nC,C,3\n"

    items = _parse(data)

    assert _issues(items) == [("error", 3, "field longer than 1 MB (1048576 characters)")]
    assert [row[2] for row in _rows(items)] == ["a", "c"]
    assert len(items[1][3]) < 20_000


def test_parse_chunk_unclosed_quote_reports_rest_of_file() -> None:
    data = b'sku,name,price\nA,A,1\nB,"Open,2\nC,C,3\nD,D,4\n'

    items = _parse(data)

    assert _issues(items) == [
        ("error", 3, "unclosed quote; the rest of the file from line 3 was skipped")
    ]
    assert len(items) == 2


def test_parse_chunk_unclosed_quote_huge_is_streamed() -> None:
    fmt = detect_format(b"sku,name,price\n", at_eof=True)
    chunk = Chunk(0, 15, 15 + 40 * (1 << 20), 0, 2, 1)
    blocks = itertools.chain([b'A,"open'], itertools.repeat(b"y" * (1 << 20), 40))

    with mock.patch.object(planning, "MAX_RECORD_BYTES", 1 << 20):
        items = list(parse_chunk(blocks, fmt, chunk))

    assert [item[:3] for item in items] == [
        ("error", 2, "unclosed quote; the rest of the file from line 2 was skipped")
    ]


def test_parse_chunk_over_long_record_is_an_error() -> None:
    data = b"sku,name,price\nA,A,1\nB," + b"z," * 50 + b"9\nC,C,3\n"

    with mock.patch.object(planning, "MAX_RECORD_BYTES", 64):
        items = _parse(data)

    assert [item[:2] for item in items] == [(0, 2), ("error", 3), (2, 4)]
    assert items[1][2].startswith("row longer than")


def test_parse_chunk_skip_rows_skips_errors_too() -> None:
    data = b"sku,name,price\nA,A,1\n,bad,2\nC,C,3\nD,D,4\n"
    fmt = detect_format(data, at_eof=True)
    (chunk,) = plan_chunks([data], fmt, 1 << 20).chunks

    items = list(parse_chunk([data[chunk.start :]], fmt, chunk, skip_rows=2))

    assert [(item[0], item[1]) for item in items] == [(2, 4), (3, 5)]


def test_parse_chunk_invalid_utf8_row_fallback() -> None:
    data = b"sku,name,price\nA,Plain,1\nB,Caf\xe9,2\n"
    fmt = FileFormat.from_dict({**detect_format(data[:25], at_eof=True).to_dict()})

    (chunk,) = plan_chunks([data], fmt, 1 << 20).chunks
    items = list(parse_chunk([data[chunk.start :]], fmt, chunk))

    assert items[1][:3] == (
        "warning",
        3,
        "row is not valid UTF-8 (byte 0xE9); read as Windows-1252",
    )
    assert items[2][3] == "Café"


@pytest.mark.parametrize(
    ("name", "rows", "errors", "warnings"),
    [
        ("shopify.csv", 3, 0, 0),
        ("woocommerce.csv", 3, 0, 0),
        ("semicolon_decimal_comma.csv", 4, 0, 0),
        ("windows1252.csv", 3, 0, 0),
        ("crlf.csv", 2, 0, 0),
        ("cr_only.csv", 2, 0, 0),
        ("bom.csv", 2, 0, 0),
        ("header_only.csv", 0, 0, 0),
        ("bad_rows.csv", 7, 6, 4),
    ],
)
def test_fixture_outcome(name: str, rows: int, errors: int, warnings: int) -> None:
    items = _parse((FIXTURES / name).read_bytes(), chunk_bytes=40)

    assert len(_rows(items)) == rows
    assert sum(item[0] == "error" for item in items) == errors
    assert sum(item[0] == "warning" for item in items) == warnings


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing_price.csv", "missing required column(s): price; found: sku, name, qty"),
        ("binary.bin", "the file looks binary (NUL bytes in the first 64 KiB), not CSV text"),
        ("empty.csv", "the file is empty"),
    ],
)
def test_fixture_rejected(name: str, message: str) -> None:
    with pytest.raises(ImportRejected) as raised:
        read_format(iter([(FIXTURES / name).read_bytes()]))

    assert str(raised.value) == message


def test_fixture_values_decoded() -> None:
    semicolon = _rows(_parse((FIXTURES / "semicolon_decimal_comma.csv").read_bytes()))
    windows = _rows(_parse((FIXTURES / "windows1252.csv").read_bytes()))
    cr_only = _rows(_parse((FIXTURES / "cr_only.csv").read_bytes()))

    assert [row[5] for row in semicolon] == ["9.99", "1299.00", "24.50", "1049.90"]
    assert [row[3] for row in windows] == ["Théière en fonte", "Crème brûlée set", "Größe XL Jacke"]
    assert windows[1][5] == "18.50"
    assert [(row[1], row[4]) for row in cr_only] == [(2, "Dotted\rA5"), (4, "Black ink")]


def test_parse_chunk_joins_name_lines() -> None:
    items = _parse(b'sku,name,price\na,"Two\r\nlines",1\n')

    assert items[0][:3] == ("warning", 2, "line breaks in the name were replaced by spaces")
    assert items[1] == (0, 2, "a", "Two lines", "", "1.00")


def test_parse_chunk_rejects_uneditable_name() -> None:
    long_name = b"x" * 1001
    items = _parse(b"sku,name,price\na," + long_name + b",1\nb,Bell\x07,2\n")

    assert items[0][:3] == ("error", 2, "name is 1001 characters long; the maximum is 1000")
    assert items[1][:3] == ("error", 3, "name contains control character U+0007")


def test_parse_chunk_removes_control_characters_from_description() -> None:
    items = _parse(b'sku,name,description,price\na,Mug,"Blue\x0bglaze\nline two",1\n')

    assert items[0][:3] == ("warning", 2, "control characters removed from the description")
    assert items[1] == (0, 2, "a", "Mug", "Blueglaze\nline two", "1.00")


@pytest.mark.parametrize(("text", "delimiter"), [("0.999", ";"), ("0,001", ","), ("000.001", "\t")])
def test_parse_price_leading_zero_never_groups_thousands(text: str, delimiter: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        parse_price(text, delimiter)

    assert "3 decimal places" in str(raised.value)
