"""Format detection and header checks."""

from __future__ import annotations

import json

import pytest

from chalicelib.imports.errors import ImportRejected
from chalicelib.imports.fileformat import (
    MAX_HEADER_BYTES,
    SAMPLE_BYTES,
    FileFormat,
    HeaderIncomplete,
    Utf8Scan,
    as_windows_1252,
    detect_format,
    read_format,
)


def _detect(text: str | bytes, encoding: str = "utf-8") -> FileFormat:
    data = text.encode(encoding) if isinstance(text, str) else text
    return detect_format(data, at_eof=True)


def _rejection(data: bytes) -> str:
    with pytest.raises(ImportRejected) as raised:
        detect_format(data, at_eof=True)
    return str(raised.value)


def test_detect_format_canonical_header() -> None:
    fmt = _detect("sku,name,description,price\nA,B,C,1\n")

    assert fmt.delimiter == ","
    assert fmt.encoding == "utf-8"
    assert fmt.field_indexes == {"sku": 0, "name": 1, "description": 2, "price": 3}
    assert fmt.data_start == len("sku,name,description,price\n")
    assert fmt.header_lines == 1
    assert fmt.line_ending == "LF"


def test_detect_format_shopify_aliases() -> None:
    fmt = _detect("Handle,Title,Body (HTML),Variant SKU,Variant Price\nh,T,B,S,1\n")

    assert fmt.field_columns == {
        "name": "Title",
        "description": "Body (HTML)",
        "sku": "Variant SKU",
        "price": "Variant Price",
    }
    assert fmt.field_indexes == {"name": 1, "description": 2, "sku": 3, "price": 4}


def test_detect_format_woocommerce_aliases() -> None:
    fmt = _detect("ID,SKU,Name,Description,Sale price,Regular price\n1,S,N,D,,2\n")

    assert fmt.field_columns["price"] == "Regular price"
    assert fmt.field_indexes == {"sku": 1, "name": 2, "description": 3, "price": 5}


def test_detect_format_header_case_whitespace_and_bom() -> None:
    fmt = _detect(b"\xef\xbb\xbf  SKU ,\tName ,PRICE\r\nA,B,1\r\n")

    assert fmt.encoding == "utf-8-sig"
    assert fmt.columns == ("SKU", "Name", "PRICE")
    assert fmt.field_indexes == {"sku": 0, "name": 1, "price": 2}
    assert fmt.data_start == 3 + len("  SKU ,\tName ,PRICE\r\n")
    assert fmt.line_ending == "CRLF"


def test_detect_format_extra_columns_ignored() -> None:
    fmt = _detect("qty,sku,colour,name,price,weight\n1,A,red,B,2,3\n")

    assert fmt.field_indexes == {"sku": 1, "name": 3, "price": 4}
    assert "description" not in fmt.field_indexes


def test_detect_format_duplicate_field_rejected() -> None:
    message = _rejection(b"sku,name,price,Variant SKU\nA,B,1,C\n")

    assert message == (
        "column 'sku' is given twice: 'sku' (column 1) and 'Variant SKU' (column 4); keep only one"
    )


def test_detect_format_same_column_twice_rejected() -> None:
    message = _rejection(b"sku,name,price,Price\nA,B,1,2\n")

    assert "column 'price' is given twice" in message


def test_detect_format_missing_columns_listed() -> None:
    assert _rejection(b"sku,name,qty\nA,B,1\n") == (
        "missing required column(s): price; found: sku, name, qty"
    )
    assert _rejection(b"id,qty,colour\n1,2,3\n") == (
        "missing required column(s): sku, name, price; found: id, qty, colour"
    )


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_detect_format_each_delimiter(delimiter: str) -> None:
    rows = ["sku", "name", "price"], ["A-1", "Mug, blue; big | tab", "9,99"], ["B", "C", "1"]
    text = "".join(delimiter.join(row) + "\n" for row in rows)
    # The middle row quotes a name that contains the other delimiters.
    text = text.replace("Mug, blue; big | tab", '"Mug, blue; big | tab"')

    assert _detect(text).delimiter == delimiter


def test_detect_format_prefers_consistent_field_count() -> None:
    # Both delimiters find the header's three columns, but only ";" splits the rows evenly.
    text = "sku;name;price;x,y\nA;B;1,5;c\nD;E;2,5;f\n"

    fmt = _detect(text)

    assert fmt.delimiter == ";"


def test_detect_format_sep_line_and_blank_lines() -> None:
    fmt = _detect("sep=;\n\n\nsku;name;price\nA;B;1\n")

    assert fmt.delimiter == ";"
    assert fmt.header_lines == 4
    assert fmt.data_start == len("sep=;\n\n\nsku;name;price\n")


def test_detect_format_unsupported_sep_line_rejected() -> None:
    assert "unsupported delimiter ':'" in _rejection(b"sep=:\nsku:name:price\n")


def test_detect_format_header_with_quoted_line_break() -> None:
    fmt = _detect('sku,"name",price,"notes\nmore"\nA,B,1,x\n')

    assert fmt.header_lines == 2
    assert fmt.columns == ("sku", "name", "price", "notes\nmore")


def test_detect_format_windows_1252() -> None:
    fmt = _detect("sku,name,price\nA,Crème brûlée,€1\n", encoding="windows-1252")

    assert fmt.encoding == "windows-1252"


def test_detect_format_utf8_character_cut_at_sample_end() -> None:
    head = "sku,name,price\nA,Café,1\n".encode() + "é".encode()[:1]

    assert detect_format(head, at_eof=False).encoding == "utf-8"
    assert detect_format(head, at_eof=True).encoding == "windows-1252"


def test_detect_format_header_only() -> None:
    fmt = _detect("sku,name,price")

    assert fmt.data_start == len("sku,name,price")
    assert fmt.line_ending == "none"


def test_detect_format_incomplete_header_asks_for_more() -> None:
    with pytest.raises(HeaderIncomplete):
        detect_format(b"sku,name,pr", at_eof=False)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"\xef\xbb\xbf", "the file holds only a byte-order mark"),
        (
            b"sku,name\x00,price\n",
            "the file looks binary (NUL bytes in the first 64 KiB), not CSV text",
        ),
        (
            bytes(range(1, 32)) * 10,
            "the file looks binary (90% control bytes in the first 64 KiB), not CSV text",
        ),
        (
            b"PK\x03\x04rest",
            "the file is a ZIP archive (an Excel .xlsx workbook?), not CSV text; save the sheet as CSV",
        ),
        (
            "sku,name,price\n".encode("utf-16"),
            "the file is UTF-16 text, which is not supported; save it as CSV UTF-8",
        ),
        (b"\n\r\n\n", "the file contains only blank lines, no header row"),
    ],
)
def test_detect_format_rejects_non_csv(data: bytes, message: str) -> None:
    assert _rejection(data) == message


def test_read_format_header_longer_than_sample() -> None:
    long_names = ",".join(f"column_{i:06d}" for i in range(SAMPLE_BYTES // 10))
    header = f"{long_names},sku,name,price\n".encode()
    data = header + b"," * (SAMPLE_BYTES // 10) + b"A,B,1\n"
    blocks = iter([data[i : i + 4096] for i in range(0, len(data), 4096)])

    fmt, head = read_format(blocks)

    assert fmt.data_start == len(header)
    assert fmt.field_indexes["price"] == SAMPLE_BYTES // 10 + 2
    assert data.startswith(head)
    assert head + b"".join(blocks) == data


def test_read_format_endless_header_rejected() -> None:
    blocks = iter([b'sku,name,price,"' + b"x" * MAX_HEADER_BYTES * 2])

    with pytest.raises(ImportRejected, match="header row is not complete"):
        read_format(blocks)


def test_read_format_small_file_read_whole() -> None:
    fmt, head = read_format(iter([b"sku,name,price\n", b"A,B,1"]))

    assert head == b"sku,name,price\nA,B,1"
    assert fmt.data_start == 15


def test_file_format_round_trips_through_json() -> None:
    fmt = _detect("Variant SKU;Title;Variant Price\r\nA;B;1\r\n")

    restored = FileFormat.from_dict(json.loads(json.dumps(fmt.to_dict())))

    assert restored == fmt


def test_utf8_scan_flags_late_invalid_bytes():
    blocks = [b"sku,name,price\n", b"a,caf\xc3", b"\xa9,1\n", b"b,Gr\xf6\xdfe,2\n"]
    scan = Utf8Scan(blocks)

    passed = list(scan)

    assert passed == blocks
    assert scan.valid is False


def test_utf8_scan_accepts_character_split_across_blocks():
    scan = Utf8Scan([b"sku,name,price\na,caf\xc3", b"\xa9,1\n"])

    list(scan)

    assert scan.valid is True


def test_as_windows_1252_keeps_the_column_mapping():
    fmt = detect_format(b"sku,name,price\na,b,1\n", at_eof=True)

    switched = as_windows_1252(fmt)

    assert switched.encoding == "windows-1252"
    assert switched.field_indexes == fmt.field_indexes


def test_utf8_scan_notes_utf8_text_before_invalid_bytes():
    mixed = Utf8Scan([b"sku,name,price\na,Caf\xc3\xa9,1\n", b"b,Cr\xe8me,2\n"])
    late = Utf8Scan([b"sku,name,price\na,Cafe,1\n", b"b,Cr\xe8me,2\n"])

    list(mixed)
    list(late)

    assert mixed.saw_utf8_text is True
    assert late.saw_utf8_text is False
