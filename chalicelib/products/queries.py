"""SQL of the products feature. Every value travels as a query parameter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg2.errors
import psycopg2.extensions
from psycopg2 import sql

from chalicelib.products.validation import ListQuery

Cursor = psycopg2.extensions.cursor

PRODUCT_COLUMNS = "sku, name, description, price, active, created_at, updated_at"
# Jobs that block a delete of all products. A queued job has not touched the products yet,
# so it imports after the delete, and an upload that never arrives cannot block it.
RUNNING_JOB_STATUSES = ("validating", "parsing")
# Must match the expression of products_search_trgm_idx (0005_deferred_search_index.sql).
SEARCH_TEXT = "(sku || E'\\x01' || name || E'\\x01' || description)"
# The trigram index covers only rows with search_indexed: an import writes its rows with
# false and indexes them in bulk afterwards. Spelling out both branches lets PostgreSQL
# combine the trigram index with products_search_pending_idx in one bitmap scan.
SEARCH_CONDITION = (
    f"((search_indexed AND {SEARCH_TEXT} ILIKE %s)"
    f" OR (NOT search_indexed AND {SEARCH_TEXT} ILIKE %s))"
)
# A search whose sampled estimate is at most this many matches reads them all through the
# trigram index and counts them exactly. Past it, the total is the sample's estimate.
EXACT_RECOUNT_LIMIT = 20_000
# Rows a sampled estimate reads: about 4% relative error for a word in 12% of the rows.
ESTIMATE_SAMPLE_ROWS = 5_000
# Readers fold the count deltas into one row once there are more than this many.
COUNT_DELTAS_TO_FOLD = 100
# Distance between page bookmarks, in rows; a deep page skips fewer rows than this.
BOOKMARK_SPACING = 1_000
STATUS_CONDITIONS = {"all": "true", "active": "active", "inactive": "NOT active"}


@dataclass(frozen=True)
class Counts:
    total: int
    active: int


@dataclass(frozen=True)
class Filter:
    where: str
    params: tuple[Any, ...]


def like_pattern(text: str) -> str:
    """Return a LIKE pattern matching `text` anywhere, with its wildcards escaped."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def build_filter(query: ListQuery) -> Filter:
    conditions: list[str] = [STATUS_CONDITIONS[query.status]]
    params: list[Any] = []
    if query.search:
        conditions.append(SEARCH_CONDITION)
        params += [like_pattern(query.search)] * 2
    where = " AND ".join(conditions)
    return Filter(where=where, params=tuple(params))


def read_counts(cur: Cursor) -> Counts:
    """Return the exact product counts in the current snapshot."""
    cur.execute(
        "SELECT coalesce(sum(total), 0), coalesce(sum(active), 0), count(*)"
        " FROM product_count_deltas"
    )
    total, active, rows = cur.fetchone()
    if rows > COUNT_DELTAS_TO_FOLD:
        fold_count_deltas(cur)
    return Counts(total=int(total), active=int(active))


def fold_count_deltas(cur: Cursor) -> None:
    """Replace the committed count deltas by one row holding their sums.

    Rows of transactions still in flight are not visible to the DELETE, so they stay.
    """
    cur.execute(
        "WITH gone AS (DELETE FROM product_count_deltas RETURNING total, active, churn)"
        " INSERT INTO product_count_deltas (total, active, churn)"
        " SELECT sum(total), sum(active), sum(churn) FROM gone HAVING count(*) > 0"
    )


def count_matches(cur: Cursor, where: Filter, limit: int | None) -> int:
    """Count the matching rows, stopping at `limit` (None counts them all)."""
    cur.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM products WHERE {where.where} LIMIT %s) AS m",
        (*where.params, limit),
    )
    return int(cur.fetchone()[0])


def estimate_matches(cur: Cursor, where: Filter, table_rows: int) -> int:
    """Estimate the matching rows from a block sample of the table."""
    percent = min(100.0, 100.0 * ESTIMATE_SAMPLE_ROWS / max(table_rows, 1))
    cur.execute(
        f"SELECT count(*) FILTER (WHERE {where.where}), count(*)"
        " FROM products TABLESAMPLE SYSTEM (%s) REPEATABLE (0)",
        (*where.params, percent),
    )
    matched, sampled = cur.fetchone()
    if not sampled:
        return 0
    return round(matched * table_rows / sampled)


def select_page(cur: Cursor, where: Filter, limit: int, offset: int) -> list[tuple]:
    cur.execute(
        f"SELECT {PRODUCT_COLUMNS} FROM products WHERE {where.where}"
        " ORDER BY sku LIMIT %s OFFSET %s",
        (*where.params, limit, offset),
    )
    return cur.fetchall()


def select_matches_page(
    cur: Cursor, where: Filter, limit: int, offset: int, max_matches: int | None
) -> tuple[list[tuple], int | None]:
    """Return one page of at most `max_matches` matches (None: all), and how many matched.

    The materialised CTE makes PostgreSQL collect the matching SKUs through the trigram
    index and sort them; only the page's rows are then read in full. Left to itself, the planner may walk the SKU index instead, which reads most
    of the table when the matches sit at the end of the SKU order. The count is None when
    the page is empty. Rows are only meaningful when the count is below `max_matches`.
    """
    cur.execute(
        f"WITH matches AS MATERIALIZED (SELECT sku FROM products WHERE {where.where} LIMIT %s),"
        " page AS (SELECT sku, count(*) OVER () AS matched FROM matches"
        " ORDER BY sku LIMIT %s OFFSET %s)"
        f" SELECT {PRODUCT_COLUMNS}, page.matched FROM page JOIN products USING (sku)"
        " ORDER BY sku",
        (*where.params, max_matches, limit, offset),
    )
    rows = cur.fetchall()
    if not rows:
        return [], None
    return [row[:-1] for row in rows], int(rows[0][-1])


def select_page_within(
    cur: Cursor, where: Filter, limit: int, offset: int, timeout_ms: int
) -> list[tuple] | None:
    """Return one page like select_page, or None when it takes longer than `timeout_ms`.

    A savepoint undoes the cancelled statement, so the transaction goes on.
    """
    cur.execute("SAVEPOINT page_walk")
    cur.execute("SET LOCAL statement_timeout = %s", (f"{timeout_ms}ms",))
    try:
        rows = select_page(cur, where, limit, offset)
    except psycopg2.errors.QueryCanceled:
        cur.execute("ROLLBACK TO SAVEPOINT page_walk")
        return None
    cur.execute("SET LOCAL statement_timeout TO DEFAULT")
    cur.execute("RELEASE SAVEPOINT page_walk")
    return rows


def select_page_after(
    cur: Cursor, where: Filter, first_sku: str, limit: int, offset: int
) -> list[tuple]:
    """Return one page starting `offset` rows after `first_sku` (included) in SKU order."""
    cur.execute(
        f"SELECT {PRODUCT_COLUMNS} FROM products WHERE sku >= %s AND {where.where}"
        " ORDER BY sku LIMIT %s OFFSET %s",
        (first_sku, *where.params, limit, offset),
    )
    return cur.fetchall()


def find_bookmark(cur: Cursor, status: str, offset: int) -> tuple[int, str] | None:
    """Return (position, sku) of the last bookmark at or before `offset`, if still exact."""
    cur.execute(
        "SELECT position, sku FROM product_page_bookmarks"
        " WHERE filter = %s AND position <= %s"
        " AND churn = (SELECT coalesce(sum(churn), 0) FROM product_count_deltas)"
        " ORDER BY position DESC LIMIT 1",
        (status, offset),
    )
    return cur.fetchone()


def build_bookmarks(cur: Cursor, status: str) -> None:
    """Record every BOOKMARK_SPACING-th SKU of a listing, and drop older bookmarks.

    One statement reads the churn sum and the SKUs, so both come from one snapshot.
    """
    condition = STATUS_CONDITIONS[status]
    cur.execute(
        "WITH state AS (SELECT coalesce(sum(churn), 0) AS churn FROM product_count_deltas),"
        " ranked AS (SELECT sku, row_number() OVER (ORDER BY sku) - 1 AS position"
        f" FROM products WHERE {condition})"
        " INSERT INTO product_page_bookmarks (filter, churn, position, sku)"
        " SELECT %s, state.churn, ranked.position, ranked.sku FROM state, ranked"
        " WHERE ranked.position %% %s = 0"
        " ON CONFLICT DO NOTHING",
        (status, BOOKMARK_SPACING),
    )
    cur.execute(
        "DELETE FROM product_page_bookmarks WHERE filter = %s"
        " AND churn < (SELECT coalesce(sum(churn), 0) FROM product_count_deltas)",
        (status,),
    )


def select_product(cur: Cursor, sku: str) -> tuple | None:
    cur.execute(f"SELECT {PRODUCT_COLUMNS} FROM products WHERE sku = %s", (sku,))
    return cur.fetchone()


def insert_product(cur: Cursor, values: dict[str, Any]) -> tuple | None:
    """Insert a product written by hand; return None when its SKU already exists."""
    cur.execute(
        "INSERT INTO products (sku, name, description, price, active,"
        " source_job_seq, source_row) VALUES (%s, %s, %s, %s, %s, NULL, NULL)"
        f" ON CONFLICT (sku) DO NOTHING RETURNING {PRODUCT_COLUMNS}",
        (values["sku"], values["name"], values["description"], values["price"], values["active"]),
    )
    return cur.fetchone()


def update_product(cur: Cursor, sku: str, values: dict[str, Any]) -> tuple | None:
    """Set the given columns of a product written by hand; return None when it is missing."""
    assignments = [
        sql.SQL("{} = {}").format(sql.Identifier(column), sql.Placeholder())
        for column in values
    ]
    statement = sql.SQL(
        "UPDATE products SET {}, updated_at = now(), source_job_seq = NULL, source_row = NULL"
        " WHERE sku = %s RETURNING " + PRODUCT_COLUMNS
    ).format(sql.SQL(", ").join(assignments))
    cur.execute(statement, (*values.values(), sku))
    return cur.fetchone()


def delete_product(cur: Cursor, sku: str) -> bool:
    cur.execute("DELETE FROM products WHERE sku = %s", (sku,))
    return cur.rowcount == 1


def lock_import_jobs(cur: Cursor) -> None:
    """Block job creation and status changes until this transaction ends."""
    cur.execute("LOCK TABLE import_jobs IN SHARE ROW EXCLUSIVE MODE")


def running_job(cur: Cursor) -> tuple[str, str] | None:
    """Return (job id, status) of one import still running, or None."""
    cur.execute(
        "SELECT id::text, status FROM import_jobs WHERE status = ANY(%s)"
        " ORDER BY created_at LIMIT 1",
        (list(RUNNING_JOB_STATUSES),),
    )
    return cur.fetchone()


def truncate_products(cur: Cursor) -> int:
    """Delete every product; return how many there were."""
    cur.execute("LOCK TABLE products IN ACCESS EXCLUSIVE MODE")
    total = read_counts(cur).total
    cur.execute("TRUNCATE products")
    return total
