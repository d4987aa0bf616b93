"""Real-world CSV files through the whole flow: encodings, delimiters, prices, line endings,
headers, bad rows and files that are not CSV at all.

The committed fixtures (tests/fixtures/csv) use SKUs starting RWF- that no other test writes;
generated files use the `sku_prefix` fixture.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.flow import import_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "csv"
CANONICAL_MAP = {"sku": "sku", "name": "name", "price": "price", "description": "description"}


def _import_fixture(stack: dict[str, str], name: str) -> dict[str, Any]:
    upload_name = name if name.endswith(".csv") else f"{Path(name).stem}.csv"
    return import_file(stack, upload_name, (FIXTURES / name).read_bytes())


def _products(conn: Any, skus: list[str]) -> dict[str, tuple[str, str, str | None]]:
    """Return {sku: (name, description, price as text)} for those of `skus` that exist."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT sku, name, description, price::text FROM products WHERE sku = ANY(%s)",
            (skus,),
        )
        return {sku: (name, description, price) for sku, name, description, price in cur}


def _prefixed(conn: Any, prefix: str) -> dict[str, tuple[str, str, str | None]]:
    with conn.cursor() as cur:
        cur.execute(
            "SELECT sku, name, description, price::text FROM products WHERE sku LIKE %s",
            (prefix + "%",),
        )
        return {sku: (name, description, price) for sku, name, description, price in cur}


def _assert_clean(status: dict[str, Any], rows: int) -> None:
    assert status["status"] == "completed", status
    assert status["total_rows"] == rows
    assert status["processed_rows"] == rows
    assert status["created"] + status["updated"] == rows
    assert status["error_count"] == 0, status["errors"]
    assert status["warning_count"] == 0, status["errors"]


# Encoding


def test_utf8_bom_file_imports_with_trimmed_header(stack, stack_db):
    status = _import_fixture(stack, "bom.csv")

    _assert_clean(status, 2)
    assert status["encoding"] == "utf-8-sig"
    assert status["delimiter"] == ","
    assert status["column_map"] == {"sku": "SKU", "name": "Name", "price": "PRICE"}
    assert _products(stack_db, ["rwf-b-1", "rwf-b-2"]) == {
        "rwf-b-1": ("Bottle", "", "15.00"),
        "rwf-b-2": ("Bag", "", "30.00"),
    }


def test_windows1252_file_keeps_accents(stack, stack_db):
    status = _import_fixture(stack, "windows1252.csv")

    _assert_clean(status, 3)
    assert status["encoding"] == "windows-1252"
    assert _products(stack_db, ["rwf-fr-1", "rwf-fr-2", "rwf-fr-3"]) == {
        "rwf-fr-1": ("Théière en fonte", "Fonte émaillée – 1,2 l", "39.90"),
        "rwf-fr-2": ("Crème brûlée set", "Ramequins, 6 pièces", "18.50"),
        "rwf-fr-3": ("Größe XL Jacke", "Wasserdicht", "129.00"),
    }


def test_windows1252_after_first_mib_decided_for_whole_file(stack, stack_db, sku_prefix):
    # GIVEN a file that is plain ASCII for its first 1.4 MB, then has Windows-1252 rows
    p = sku_prefix
    ascii_rows = "".join(f"{p}{i},Plain mug {i},4.50\n" for i in range(40_000))
    content = (
        ("sku,name,price\n" + ascii_rows).encode()
        + f"{p}cafe,Café crème,3.20\n{p}size,Größe L,19.00\n".encode("cp1252")
    )
    assert len(content) > 1024 * 1024

    status = import_file(stack, "late-cp1252.csv", content)

    # THEN the whole file is read as Windows-1252, once, with no per-row warnings
    assert status["status"] == "completed", status
    assert status["encoding"] == "windows-1252"
    assert status["warning_count"] == 0, status["errors"]
    assert status["processed_rows"] == 40_002
    products = _products(stack_db, [f"{p}cafe", f"{p}size", f"{p}0"])
    assert products[f"{p}cafe"][0] == "Café crème"
    assert products[f"{p}size"][0] == "Größe L"
    assert products[f"{p}0"][0] == "Plain mug 0"


# Delimiters and prices


def test_semicolon_file_reads_decimal_commas(stack, stack_db):
    status = _import_fixture(stack, "semicolon_decimal_comma.csv")

    _assert_clean(status, 4)
    assert status["delimiter"] == ";"
    assert status["encoding"] == "utf-8"
    products = _products(stack_db, [f"rwf-de-{i}" for i in range(1, 5)])
    assert {sku: price for sku, (_, _, price) in products.items()} == {
        "rwf-de-1": "9.99",
        "rwf-de-2": "1299.00",
        "rwf-de-3": "24.50",
        "rwf-de-4": "1049.90",
    }
    assert products["rwf-de-2"][1] == "Eiche massiv; geölt"


def test_tab_file_reads_decimal_commas_and_keeps_zeros(stack, stack_db):
    status = _import_fixture(stack, "tab.csv")

    _assert_clean(status, 3)
    assert status["delimiter"] == "\t"
    assert _products(stack_db, ["000017420", "rwf-tab-2", "rwf-tab-3"]) == {
        "000017420": ("Café crème 250 g", "Gemahlen, kräftig", "9.99"),
        "rwf-tab-2": ("Größe L Regenjacke", "Wasserdicht", "1299.00"),
        "rwf-tab-3": ("Thermoskanne", "Edelstahl\t0,5 l", "24.50"),
    }


def test_pipe_file_reads_thousands_commas(stack, stack_db):
    status = _import_fixture(stack, "pipe.csv")

    _assert_clean(status, 2)
    assert status["delimiter"] == "|"
    assert _products(stack_db, ["rwf-pipe-1", "rwf-pipe-2"]) == {
        "rwf-pipe-1": ("Standing Desk", "Electric, 2 motors", "1299.00"),
        "rwf-pipe-2": ("Desk Mat", "Felt", "12.50"),
    }


def test_comma_file_prices_and_unparsable_warnings(stack, stack_db):
    status = _import_fixture(stack, "prices.csv")

    assert status["status"] == "completed", status
    assert status["processed_rows"] == 7
    assert status["error_count"] == 0
    assert status["warning_count"] == 2
    assert status["errors"] == [
        {"line": 6, "severity": "warning",
         "reason": "price 'call us' is not a number; imported without a price"},
        {"line": 7, "severity": "warning",
         "reason": "price '1.2.3' is not a number; imported without a price"},
    ]
    products = _products(stack_db, [f"rwf-price-{i}" for i in range(1, 8)])
    assert {sku: price for sku, (_, _, price) in products.items()} == {
        "rwf-price-1": "1299.00",
        "rwf-price-2": "1049.50",
        "rwf-price-3": "24.50",
        "rwf-price-4": "35.00",
        "rwf-price-5": None,
        "rwf-price-6": None,
        "rwf-price-7": None,
    }


# Line endings


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("crlf.csv", {"rwf-cr-1": ("Desk Lamp", "Warm light,\r\ndimmable", "45.00"),
                      "rwf-cr-2": ("Floor Lamp", "Tall", "89.00")}),
        ("cr_only.csv", {"rwf-mac-1": ("Notebook", "Dotted\rA5", "6.50"),
                         "rwf-mac-2": ("Pen", "Black ink", "2.10")}),
    ],
)
def test_line_endings_keep_breaks_inside_quotes(stack, stack_db, fixture, expected):
    status = _import_fixture(stack, fixture)

    _assert_clean(status, 2)
    assert _products(stack_db, list(expected)) == expected


def test_lf_file_with_quoted_break_imports(stack, stack_db, sku_prefix):
    p = sku_prefix
    content = f'sku,name,description,price\n{p}a,Mug,"two\nlines",1.00\n{p}b,Cup,,2.00\n'.encode()

    status = import_file(stack, "lf.csv", content)

    _assert_clean(status, 2)
    assert _prefixed(stack_db, p) == {
        f"{p}a": ("Mug", "two\nlines", "1.00"),
        f"{p}b": ("Cup", "", "2.00"),
    }


# Headers and export formats


@pytest.mark.parametrize(
    ("fixture", "column_map", "expected"),
    [
        (
            "shopify.csv",
            {"sku": "Variant SKU", "name": "Title", "price": "Variant Price",
             "description": "Body (HTML)"},
            {"rwf-oak-desk-01": ("Oak Desk", "<p>Solid oak, oiled finish.</p>", "349.00"),
             "rwf-lt-0042": ("Linen Towel",
                             "<p>Stonewashed linen,\nsoft from day one.</p>", "24.50"),
             "rwf-sm-7": ("Steel Mug", "<p>Keeps coffee hot.</p>", "12.00")},
        ),
        (
            "woocommerce.csv",
            {"sku": "SKU", "name": "Name", "price": "Regular price",
             "description": "Description"},
            {"rwf-wc-100": ("Wool Blanket", "Merino wool, 150 x 200 cm", "89.90"),
             "rwf-wc-101": ("Ceramic Vase", 'Glazed, "speckled" finish', "25.00"),
             "rwf-wc-102": ("Bamboo Tray", "Light and strong", None)},
        ),
    ],
)
def test_shop_export_imports_as_is(stack, stack_db, fixture, column_map, expected):
    status = _import_fixture(stack, fixture)

    _assert_clean(status, 3)
    assert status["column_map"] == column_map
    assert _products(stack_db, list(expected)) == expected


def test_duplicate_required_column_fails_naming_it(stack, stack_db):
    status = _import_fixture(stack, "duplicate_column.csv")

    assert status["status"] == "failed"
    assert status["message"] == (
        "column 'price' is given twice: 'price' (column 3) and 'Regular price' (column 4);"
        " keep only one"
    )
    assert _products(stack_db, ["rwf-dup-1"]) == {}


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("missing_price.csv", "missing required column(s): price; found: sku, name, qty"),
        ("missing_columns.csv", "missing required column(s): sku, price; found: id, Title, qty"),
    ],
)
def test_missing_columns_fail_listing_found(stack, stack_db, fixture, message):
    status = _import_fixture(stack, fixture)

    assert status["status"] == "failed"
    assert status["message"] == message
    assert status["processed_rows"] == 0
    assert _products(stack_db, ["rwf-m-1", "rwf-miss-1"]) == {}


# Rows


def test_bad_rows_are_skipped_and_the_rest_imports(stack, stack_db):
    status = _import_fixture(stack, "bad_rows.csv")

    assert status["status"] == "completed", status
    assert status["total_rows"] == 13
    assert status["processed_rows"] == 13
    assert status["error_count"] == 6
    assert status["warning_count"] == 4
    assert status["errors"] == [
        {"line": 3, "severity": "error", "reason": "row has 3 fields, expected 4"},
        {"line": 4, "severity": "error", "reason": "invalid SKU '': empty"},
        {"line": 5, "severity": "error", "reason": "name is empty"},
        {"line": 6, "severity": "warning",
         "reason": "price 'abc' is not a number; imported without a price"},
        {"line": 7, "severity": "warning",
         "reason": "price '-3.00' is negative; imported without a price"},
    ]
    skus = [f"rwf-ok-{i}" for i in range(1, 11)] + ["1.23e+11"]
    assert _products(stack_db, skus) == {
        "rwf-ok-1": ("Duplicate", "Same SKU other case", "11.00"),
        "rwf-ok-4": ("Bad Price", "Text price", None),
        "rwf-ok-5": ("Negative", "Minus", None),
        "1.23e+11": ("Sci Sku", "From Excel", "1.00"),
        "rwf-ok-6": ("Extra", "Trailing empties", "2.00"),
        "rwf-ok-8": ("Huge price", "Too big", None),
    }


def test_field_over_1_mb_rejects_row(stack, stack_db, sku_prefix):
    p = sku_prefix
    huge = "x" * (1024 * 1024 + 10)
    content = (
        f"sku,name,description,price\n{p}a,Before,ok,1.00\n{p}b,Huge,{huge},2.00\n"
        f"{p}c,After,ok,3.00\n"
    ).encode()

    status = import_file(stack, "huge-field.csv", content)

    assert status["status"] == "completed", status
    assert status["error_count"] == 1
    assert status["errors"] == [
        {"line": 3, "severity": "error", "reason": "field longer than 1 MB (1048576 characters)"}
    ]
    assert sorted(_prefixed(stack_db, p)) == [f"{p}a", f"{p}c"]


def test_unclosed_quote_in_large_file_ends_without_hanging(stack, stack_db, sku_prefix):
    # GIVEN a quote opened on line 3 and never closed, followed by 5 MB of rows
    p = sku_prefix
    rest = "".join(f"{p}r{i},Row {i},1.00\n" for i in range(200_000))
    content = f'sku,name,price\n{p}a,Before,1.00\n{p}b,"Open,2.00\n{rest}'.encode()
    assert len(content) > 4 * 1024 * 1024

    status = import_file(stack, "unclosed.csv", content, timeout=90)

    assert status["status"] == "completed", status
    assert status["error_count"] == 1
    assert status["total_rows"] == 2
    assert status["errors"] == [
        {"line": 3, "severity": "error",
         "reason": "unclosed quote; the rest of the file from line 3 was skipped"}
    ]
    assert list(_prefixed(stack_db, p)) == [f"{p}a"]


# Files that are not CSV


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("binary.bin", "the file looks binary (NUL bytes in the first 64 KiB), not CSV text"),
        ("bom_only.csv", "the file holds only a byte-order mark"),
    ],
)
def test_not_csv_file_fails_saying_what_it_is(stack, fixture, message):
    status = _import_fixture(stack, fixture)

    assert status["status"] == "failed"
    assert status["message"] == message
    assert status["total_rows"] is None


def test_xlsx_workbook_fails_asking_for_csv(stack):
    status = import_file(stack, "products.csv", b"PK\x03\x04" + b"\x14\x00" * 200)

    assert status["status"] == "failed"
    assert "ZIP archive" in status["message"]
    assert "save the sheet as CSV" in status["message"]


def test_empty_file_is_rejected_by_the_api(stack):
    content = (FIXTURES / "empty.csv").read_bytes()

    response = requests.post(f"{stack['api_url']}/api/imports",
                             json={"filename": "empty.csv", "size": len(content)}, timeout=30)

    assert response.status_code == 400
    assert "is empty" in response.json()["Message"]


def test_header_only_file_completes_with_no_rows(stack):
    status = _import_fixture(stack, "header_only.csv")

    assert status["status"] == "completed", status
    assert status["total_rows"] == 0
    assert status["processed_rows"] == 0
    assert status["column_map"] == CANONICAL_MAP


# Data safety


def test_failing_file_leaves_stored_products_unchanged(stack, stack_db, sku_prefix):
    # GIVEN two products imported from a good file
    p = sku_prefix
    good = f"sku,name,price,description\n{p}a,Mug,9.99,Blue\n{p}b,Cup,4.50,Red\n".encode()
    assert import_file(stack, "good.csv", good)["status"] == "completed"
    before = _prefixed(stack_db, p)

    # WHEN files with the same SKUs fail validation, or have only bad rows
    duplicate = f"sku,name,price,Variant Price\n{p}a,Changed,1.00,1.00\n".encode()
    missing = f"sku,name,description\n{p}a,Changed,Gone\n".encode()
    bad_rows = f"sku,name,price,description\n{p}a,,1.00,x\n{p}b,Cup,2.00\n".encode()
    failed = [import_file(stack, "dup.csv", duplicate), import_file(stack, "miss.csv", missing)]
    skipped = import_file(stack, "bad.csv", bad_rows)

    # THEN the products are exactly as the good file left them
    assert [status["status"] for status in failed] == ["failed", "failed"]
    assert skipped["status"] == "completed"
    assert skipped["error_count"] == 2
    assert skipped["created"] + skipped["updated"] == 0
    assert _prefixed(stack_db, p) == before
    assert before == {f"{p}a": ("Mug", "Blue", "9.99"), f"{p}b": ("Cup", "Red", "4.50")}
