"""Bulk indexing of imported products for substring search.

Imports write products with `search_indexed = false`, outside the trigram index, because
keeping that index up to date row by row slows an import several times over. This step
moves them into the index in batches after an import.
"""

from __future__ import annotations

import logging
import time

import psycopg2.extensions

logger = logging.getLogger(__name__)

BATCH_ROWS = 20_000

# The rows are found by their physical address (a TID scan), which needs no index on `id`.
# FOR UPDATE locks them, so no concurrent update can move them before the UPDATE runs.
_INDEX_BATCH = """
UPDATE products SET search_indexed = true
 WHERE ctid = ANY (ARRAY(
    SELECT ctid FROM products WHERE NOT search_indexed
     LIMIT %s FOR UPDATE SKIP LOCKED
 ))
"""


def index_pending(conn: psycopg2.extensions.connection, batch_rows: int = BATCH_ROWS) -> int:
    """Index every product not yet in the search index; return how many were indexed.

    Each batch commits on its own. Rows locked by a running import are skipped, and the
    step after that import indexes them.
    """
    started = time.monotonic()
    indexed = 0
    while True:
        with conn.cursor() as cur:
            cur.execute(_INDEX_BATCH, (batch_rows,))
            count = cur.rowcount
        conn.commit()
        indexed += count
        if count < batch_rows:
            break
    logger.info("indexed %s products for search in %.1f s", indexed, time.monotonic() - started)
    return indexed
