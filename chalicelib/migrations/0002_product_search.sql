-- Substring search over products and a product count that costs nothing to read.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- One trigram index over SKU, name and description joined by U+0001. The API rejects
-- search text containing control characters, so a match never spans two columns.
-- The query must repeat this exact expression for the planner to use the index.
-- This index makes a 500k-row import about 3.5 times slower (bench/products_bench.py
-- --import-cost); a 64 MB pending list batches its updates, which trims about 15%.
-- 0005_deferred_search_index.sql replaces it with a partial index that imports bypass.
CREATE INDEX products_search_trgm_idx ON products
    USING gin ((sku || E'\x01' || name || E'\x01' || description) gin_trgm_ops)
    WITH (gin_pending_list_limit = 65536);

-- Inactive products are usually few: a partial index keeps that filter fast at little
-- cost to imports. The active filter walks the SKU index and skips inactive rows.
CREATE INDEX products_inactive_sku_idx ON products (sku) WHERE NOT active;

-- Product counts as append-only deltas: each statement that inserts, deletes or flips
-- `active` appends one row, so concurrent writers never wait on a shared counter row.
-- The sums, read in any snapshot, equal count(*) in that snapshot. Readers fold the
-- rows into one now and then (see chalicelib/products/queries.py).
CREATE TABLE product_count_deltas (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    total     bigint NOT NULL,
    active    bigint NOT NULL,
    -- Rows inserted, deleted, re-keyed or flipped between active and inactive. The sum
    -- never decreases, and the page bookmarks made at one sum stay exact while it holds.
    churn     bigint NOT NULL
);

-- Every 1000th SKU of a listing (filter 'all', 'active' or 'inactive') with its 0-based
-- position, as of the churn sum in `churn`. A deep page starts from the nearest bookmark
-- instead of skipping up to a million rows with OFFSET.
CREATE TABLE product_page_bookmarks (
    filter    text NOT NULL,
    churn     bigint NOT NULL,
    position  bigint NOT NULL,
    sku       text NOT NULL,
    PRIMARY KEY (filter, churn, position)
);

INSERT INTO product_count_deltas (total, active, churn)
SELECT count(*), count(*) FILTER (WHERE active), count(*) FROM products;

CREATE FUNCTION products_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO product_count_deltas (total, active, churn)
    SELECT count(*), count(*) FILTER (WHERE active), count(*) FROM new_rows
    HAVING count(*) > 0;
    RETURN NULL;
END $$;

CREATE FUNCTION products_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO product_count_deltas (total, active, churn)
    SELECT -count(*), -count(*) FILTER (WHERE active), count(*) FROM old_rows
    HAVING count(*) > 0;
    RETURN NULL;
END $$;

-- A flipped `active` moves rows between the status filters and a changed SKU moves a row
-- within the order, so both count as churn; the join costs about 1% of a re-import.
CREATE FUNCTION products_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    activated bigint;
    moved bigint;
BEGIN
    SELECT count(*) FILTER (WHERE n.active AND NOT o.active)
         - count(*) FILTER (WHERE o.active AND NOT n.active),
           count(*) FILTER (WHERE o.active <> n.active OR o.sku <> n.sku)
      INTO activated, moved
      FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id;
    IF moved > 0 THEN
        INSERT INTO product_count_deltas (total, active, churn) VALUES (0, activated, moved);
    END IF;
    RETURN NULL;
END $$;

-- TRUNCATE takes an ACCESS EXCLUSIVE lock on products, so no writer is in flight and
-- every delta left is committed: one row with the churn carried over replaces them.
CREATE FUNCTION products_count_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    previous bigint;
BEGIN
    SELECT coalesce(sum(churn), 0) + coalesce(sum(total), 0) + 1 INTO previous
      FROM product_count_deltas;
    DELETE FROM product_count_deltas;
    INSERT INTO product_count_deltas (total, active, churn) VALUES (0, 0, previous);
    RETURN NULL;
END $$;

CREATE TRIGGER products_count_insert AFTER INSERT ON products
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION products_count_insert();

CREATE TRIGGER products_count_delete AFTER DELETE ON products
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION products_count_delete();

CREATE TRIGGER products_count_update AFTER UPDATE ON products
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION products_count_update();

CREATE TRIGGER products_count_truncate AFTER TRUNCATE ON products
    FOR EACH STATEMENT EXECUTE FUNCTION products_count_truncate();
