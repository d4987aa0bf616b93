"""Products: list, search, read, create, update and delete, one transaction per call."""

from __future__ import annotations

import logging
import math
import time
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import psycopg2
import psycopg2.errors

from chalicelib import db
from chalicelib.products import queries
from chalicelib.products.errors import ProductConflictError, ProductNotFoundError
from chalicelib.products.queries import Cursor, Filter
from chalicelib.products.validation import ListQuery

logger = logging.getLogger(__name__)

# Bulk delete gives up rather than queue behind a long transaction holding either table.
BULK_DELETE_LOCK_TIMEOUT = "3s"
_COLUMNS = queries.PRODUCT_COLUMNS.split(", ")
# Listings read pages starting at this offset or deeper from a page bookmark.
DEEP_PAGE_OFFSET = 5_000
# A search with many matches gives up walking the SKU index after this long.
SEARCH_WALK_TIMEOUT_MS = 30


def list_products(query: ListQuery) -> dict[str, Any]:
    where = queries.build_filter(query)
    offset = (query.page - 1) * query.page_size
    with db.transaction() as cur:
        counts = queries.read_counts(cur)
        if query.search:
            rows, total, estimated = _search_page(cur, query, where, offset, counts.total)
        else:
            total, estimated = _status_total(counts, query.status), False
            rows = _page(cur, query, where, offset, total)
    return {
        "items": [to_json(row) for row in rows],
        "page": query.page,
        "page_size": query.page_size,
        "total": total,
        "total_is_estimate": estimated,
        "pages": math.ceil(total / query.page_size),
    }


def get_product(sku: str) -> dict[str, Any]:
    with db.transaction() as cur:
        row = queries.select_product(cur, sku)
    if row is None:
        raise ProductNotFoundError(sku)
    return to_json(row)


def create_product(values: dict[str, Any]) -> dict[str, Any]:
    with db.transaction() as cur:
        row = queries.insert_product(cur, values)
    if row is None:
        raise ProductConflictError(f"a product with SKU {values['sku']!r} already exists")
    logger.info("product %r created by hand", values["sku"])
    return to_json(row)


def update_product(sku: str, values: dict[str, Any]) -> dict[str, Any]:
    with db.transaction() as cur:
        row = queries.update_product(cur, sku, values)
    if row is None:
        raise ProductNotFoundError(sku)
    logger.info("product %r updated by hand: %s", sku, ", ".join(values))
    return to_json(row)


def delete_product(sku: str) -> None:
    with db.transaction() as cur:
        deleted = queries.delete_product(cur, sku)
    if not deleted:
        raise ProductNotFoundError(sku)
    logger.info("product %r deleted by hand", sku)


def delete_all_products() -> int:
    """Delete every product with TRUNCATE; return how many there were.

    The import_jobs lock is taken first and held to the end, so no import can start or
    change status between the check for running imports and the commit.
    """
    try:
        with db.transaction() as cur:
            cur.execute("SET LOCAL lock_timeout = %s", (BULK_DELETE_LOCK_TIMEOUT,))
            queries.lock_import_jobs(cur)
            job = queries.running_job(cur)
            if job is not None:
                raise ProductConflictError(
                    f"cannot delete all products while import {job[0]} is {job[1]};"
                    " wait for it to finish or cancel it"
                )
            deleted = queries.truncate_products(cur)
    except psycopg2.errors.LockNotAvailable as exc:
        raise ProductConflictError(
            "cannot delete all products: the products table is busy; try again shortly"
        ) from exc
    logger.info("bulk delete removed %d products", deleted)
    return deleted


def to_json(row: tuple) -> dict[str, Any]:
    product = dict(zip(_COLUMNS, row))
    price: Decimal | None = product["price"]
    product["price"] = None if price is None else f"{price:.2f}"
    product["created_at"] = _iso(product["created_at"])
    product["updated_at"] = _iso(product["updated_at"])
    return product


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _status_total(counts: queries.Counts, status: str) -> int:
    by_status = {"all": counts.total, "active": counts.active,
                 "inactive": counts.total - counts.active}
    return by_status[status]


def _search_page(
    cur: Cursor, query: ListQuery, where: Filter, offset: int, table_rows: int
) -> tuple[list[tuple], int, bool]:
    """Return (rows, total, is_estimate) of a search without counting every match.

    When a sample estimates few matches, they are all read through the trigram index,
    counted and sorted. When they are many, walking the SKU index usually fills a page
    quickly and the total is the sample's estimate. The walk is slow when the matches sit
    late in the SKU order, so past SEARCH_WALK_TIMEOUT_MS every match is read and counted.
    """
    limit = queries.EXACT_RECOUNT_LIMIT
    estimate = queries.estimate_matches(cur, where, table_rows)
    if estimate <= limit:
        rows, matched = queries.select_matches_page(cur, where, query.page_size, offset, limit + 1)
        if matched is None:
            matched = queries.count_matches(cur, where, limit + 1)
        if matched <= limit:
            return rows, matched, False

    rows = queries.select_page_within(cur, where, query.page_size, offset, SEARCH_WALK_TIMEOUT_MS)
    if rows is not None:
        return rows, max(estimate, limit + 1), True
    logger.info("search %r: SKU index walk timed out, reading every match", query.search)
    rows, matched = queries.select_matches_page(cur, where, query.page_size, offset, None)
    if matched is None:
        matched = queries.count_matches(cur, where, None)
    return rows, matched, False


def _page(
    cur: Cursor, query: ListQuery, where: Filter, offset: int, total: int
) -> list[tuple]:
    """Read one page; past the first few thousand rows of a listing, start from a bookmark."""
    if offset < DEEP_PAGE_OFFSET:
        return queries.select_page(cur, where, query.page_size, offset)
    if offset >= total:
        return []

    bookmark = queries.find_bookmark(cur, query.status, offset)
    if bookmark is None:
        started = time.perf_counter()
        queries.build_bookmarks(cur, query.status)
        logger.info("built page bookmarks for status=%s in %.0f ms", query.status,
                    (time.perf_counter() - started) * 1000)
        bookmark = queries.find_bookmark(cur, query.status, offset)
    if bookmark is None:
        return queries.select_page(cur, where, query.page_size, offset)
    position, first_sku = bookmark
    return queries.select_page_after(cur, where, first_sku, query.page_size, offset - position)
