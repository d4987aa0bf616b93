"""Products API through the Chalice test client against the real PostgreSQL."""

from __future__ import annotations

import uuid

import psycopg2.extensions
import pytest

from tests.products.conftest import Api


def insert_job(conn: psycopg2.extensions.connection, status: str) -> str:
    job_id = str(uuid.uuid4())
    with conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO import_jobs (id, status, file_name, file_size, upload_key)"
            " VALUES (%s, %s, 'products.csv', 10, 'uploads/x')",
            (job_id, status),
        )
    return job_id


def upsert_like_importer(conn: psycopg2.extensions.connection, rows: list[tuple]) -> None:
    with conn, conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO products (sku, name, active, source_job_seq, source_row)"
            " VALUES (%s, %s, %s, 1, 1)"
            " ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, active = EXCLUDED.active",
            rows,
        )


def test_create_normalises_sku_and_returns_exact_price(api: Api) -> None:
    status, body = api.post("/api/products", {"sku": "  Mug-01 ", "name": " Mug ", "price": 9.99})

    assert status == 201
    assert body["sku"] == "mug-01"
    assert body["name"] == "Mug"
    assert body["price"] == "9.99"
    assert body["description"] == ""
    assert body["active"] is True
    assert body["created_at"].endswith("Z")


def test_create_sets_no_import_source(api: Api, conn: psycopg2.extensions.connection) -> None:
    api.create("mug-01")

    with conn.cursor() as cur:
        cur.execute("SELECT source_job_seq, source_row FROM products WHERE sku = 'mug-01'")
        assert cur.fetchone() == (None, None)


def test_create_existing_sku_in_other_case_conflicts(api: Api) -> None:
    api.create("mug-01")

    status, body = api.post("/api/products", {"sku": "MUG-01", "name": "Other"})

    assert status == 409
    assert "mug-01" in body["message"]


@pytest.mark.parametrize(
    ("payload", "field", "fragment"),
    [
        ({"sku": "a"}, "name", "required"),
        ({"sku": "a", "name": "   "}, "name", "empty"),
        ({"sku": "a", "name": "n", "price": -1}, "price", "negative"),
        ({"sku": "a", "name": "n", "price": "abc"}, "price", "'abc'"),
        ({"sku": "a", "name": "n", "price": "1.999"}, "price", "2 decimal places"),
        ({"sku": "a", "name": "n", "price": True}, "price", "boolean"),
        ({"sku": "   ", "name": "n"}, "sku", "empty"),
        ({"sku": "x" * 256, "name": "n"}, "sku", "255"),
        ({"sku": "a\u0007b", "name": "n"}, "sku", "control"),
        ({"sku": "a", "name": "n", "active": "yes"}, "active", "true or false"),
        ({"sku": "a", "name": "n", "colour": "red"}, "colour", "unknown field"),
    ],
)
def test_create_invalid_field_names_it(api: Api, payload: dict, field: str, fragment: str) -> None:
    status, body = api.post("/api/products", payload)

    assert status == 400
    assert field in body["errors"]
    assert fragment in body["errors"][field]


def test_create_reports_every_invalid_field(api: Api) -> None:
    status, body = api.post("/api/products", {"sku": "", "price": "-5"})

    assert status == 400
    assert set(body["errors"]) == {"sku", "name", "price"}


def test_create_non_object_body_is_rejected(api: Api) -> None:
    status, body = api.post("/api/products", ["sku"])

    assert status == 400
    assert "JSON object" in body["message"]


def test_get_matches_sku_case_insensitively(api: Api) -> None:
    api.create("mug-01")

    status, body = api.get("/api/products/%20MUG-01%20")

    assert status == 200
    assert body["sku"] == "mug-01"


def test_get_sku_with_space_and_percent_encoding(api: Api) -> None:
    api.create("red mug/2")

    status, body = api.get("/api/products/red%20mug%2F2")

    assert status == 200
    assert body["sku"] == "red mug/2"


def test_get_unknown_sku_is_not_found(api: Api) -> None:
    status, body = api.get("/api/products/missing")

    assert status == 404
    assert "'missing'" in body["message"]


def test_update_is_partial_and_keeps_other_fields(api: Api) -> None:
    api.create("mug-01", description="Blue", price="3.50")

    status, body = api.put("/api/products/MUG-01", {"active": False})

    assert status == 200
    assert body["active"] is False
    assert body["description"] == "Blue"
    assert body["price"] == "3.50"
    assert body["updated_at"] > body["created_at"]


def test_update_clears_price_with_null(api: Api) -> None:
    api.create("mug-01", price="3.50")

    status, body = api.put("/api/products/mug-01", {"price": None, "name": "Mug"})

    assert status == 200
    assert body["price"] is None


def test_update_clears_import_source(api: Api, conn: psycopg2.extensions.connection) -> None:
    upsert_like_importer(conn, [("mug-01", "Mug", True)])

    status, _ = api.put("/api/products/mug-01", {"name": "Edited"})

    assert status == 200
    with conn.cursor() as cur:
        cur.execute("SELECT source_job_seq, source_row FROM products WHERE sku = 'mug-01'")
        assert cur.fetchone() == (None, None)


def test_update_cannot_change_sku(api: Api) -> None:
    api.create("mug-01")

    status, body = api.put("/api/products/mug-01", {"sku": "mug-02", "name": "x"})

    assert status == 400
    assert "mug-02" in body["errors"]["sku"]


def test_update_accepts_same_sku_in_other_case(api: Api) -> None:
    api.create("mug-01")

    status, body = api.put("/api/products/mug-01", {"sku": " MUG-01", "name": "Renamed"})

    assert status == 200
    assert body["name"] == "Renamed"


def test_update_invalid_price_names_field(api: Api) -> None:
    api.create("mug-01")

    status, body = api.put("/api/products/mug-01", {"price": "-0.01"})

    assert status == 400
    assert "negative" in body["errors"]["price"]


def test_update_empty_body_is_rejected(api: Api) -> None:
    api.create("mug-01")

    status, _ = api.put("/api/products/mug-01", {})

    assert status == 400


def test_update_unknown_sku_is_not_found(api: Api) -> None:
    status, _ = api.put("/api/products/missing", {"name": "x"})

    assert status == 404


def test_delete_removes_product(api: Api) -> None:
    api.create("mug-01")

    status, _ = api.delete("/api/products/MUG-01")

    assert status == 204
    assert api.get("/api/products/mug-01")[0] == 404


def test_delete_unknown_sku_is_not_found(api: Api) -> None:
    status, _ = api.delete("/api/products/missing")

    assert status == 404


def test_list_defaults_and_shape(api: Api) -> None:
    for index in range(12):
        api.create(f"sku-{index:02d}")

    status, body = api.get("/api/products")

    assert status == 200
    assert body["page"] == 1
    assert body["page_size"] == 10
    assert body["total"] == 12
    assert body["pages"] == 2
    assert body["total_is_estimate"] is False
    assert [item["sku"] for item in body["items"]] == [f"sku-{i:02d}" for i in range(10)]


def test_list_pages_from_both_ends_agree(api: Api) -> None:
    for index in range(25):
        api.create(f"sku-{index:02d}")

    pages = [api.get(f"/api/products?page={page}&page_size=4")[1] for page in range(1, 9)]

    skus = [item["sku"] for page in pages for item in page["items"]]
    assert skus == [f"sku-{i:02d}" for i in range(25)]
    assert pages[-1]["items"] == []


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page_size=101", "page_size"),
        ("page_size=-1", "page_size"),
        ("status=deleted", "status"),
        ("search=" + "x" * 201, "search"),
        ("sort=name", "sort"),
    ],
)
def test_list_bad_parameter_names_it(api: Api, query: str, parameter: str) -> None:
    status, body = api.get(f"/api/products?{query}")

    assert status == 400
    assert parameter in body["errors"]
    assert parameter in body["message"]


def test_list_searches_sku_name_and_description(api: Api) -> None:
    api.create("abc-1", name="Plain")
    api.create("xyz-2", name="ABCDEF lamp")
    api.create("xyz-3", name="Plain", description="made by abc ltd")
    api.create("xyz-4", name="Other")

    status, body = api.get("/api/products?search=ABC")

    assert status == 200
    assert [item["sku"] for item in body["items"]] == ["abc-1", "xyz-2", "xyz-3"]
    assert body["total"] == 3


def test_list_search_treats_wildcards_literally(api: Api) -> None:
    api.create("a-1", name="100% cotton")
    api.create("a-2", name="1000 cotton")
    api.create("a-3", name="snake_case")
    api.create("a-4", name="snakeXcase")

    percent = api.get("/api/products?search=0%25%20c")[1]
    underscore = api.get("/api/products?search=e_c")[1]

    assert [item["sku"] for item in percent["items"]] == ["a-1"]
    assert [item["sku"] for item in underscore["items"]] == ["a-3"]


def test_list_search_does_not_span_columns(api: Api) -> None:
    api.create("mug", name="cup")

    status, body = api.get("/api/products?search=mugcup")

    assert status == 200
    assert body["total"] == 0


def test_list_status_filter_and_totals(api: Api) -> None:
    api.create("a-1")
    api.create("a-2", active=False)
    api.create("a-3")
    api.put("/api/products/a-3", {"active": False})

    active = api.get("/api/products?status=active")[1]
    inactive = api.get("/api/products?status=inactive")[1]

    assert [item["sku"] for item in active["items"]] == ["a-1"]
    assert active["total"] == 1
    assert [item["sku"] for item in inactive["items"]] == ["a-2", "a-3"]
    assert inactive["total"] == 2


def test_list_total_follows_importer_upserts(api: Api, conn: psycopg2.extensions.connection) -> None:
    upsert_like_importer(conn, [("a-1", "A", True), ("a-2", "B", True)])
    upsert_like_importer(conn, [("a-2", "B2", False), ("a-3", "C", True)])

    everything = api.get("/api/products")[1]
    inactive = api.get("/api/products?status=inactive")[1]

    assert everything["total"] == 3
    assert inactive["total"] == 1


@pytest.fixture
def small_count_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Count search matches exactly only up to 50."""
    from chalicelib.products import queries

    monkeypatch.setattr(queries, "EXACT_RECOUNT_LIMIT", 50)


def insert_steel(conn: psycopg2.extensions.connection, count: int) -> None:
    with conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO products (sku, name) SELECT 'sku-' || i, 'steel ' || i"
            " FROM generate_series(1, %s) AS i",
            (count,),
        )


def test_list_search_total_exact_below_recount_limit(
    api: Api, conn: psycopg2.extensions.connection, small_count_limits: None
) -> None:
    insert_steel(conn, 30)

    body = api.get("/api/products?search=steel")[1]

    assert body["total"] == 30
    assert body["total_is_estimate"] is False
    assert body["pages"] == 3


def test_list_large_search_total_is_estimate(
    api: Api, conn: psycopg2.extensions.connection, small_count_limits: None
) -> None:
    insert_steel(conn, 120)

    status, body = api.get("/api/products?search=steel")

    assert status == 200
    assert body["total_is_estimate"] is True
    assert body["total"] > 50
    assert len(body["items"]) == 10


def test_bulk_delete_requires_confirmation(api: Api) -> None:
    api.create("a-1")

    status, body = api.delete("/api/products/bulk-delete", {"confirm": "yes"})

    assert status == 400
    assert "confirm" in body["errors"]
    assert api.get("/api/products")[1]["total"] == 1


def test_bulk_delete_removes_all_and_counts(api: Api) -> None:
    for index in range(3):
        api.create(f"a-{index}")

    status, body = api.delete("/api/products/bulk-delete", {"confirm": "DELETE"})

    assert status == 200
    assert body == {"deleted": 3}
    assert api.get("/api/products")[1]["total"] == 0


@pytest.mark.parametrize("job_status", ["validating", "parsing"])
def test_bulk_delete_refused_while_import_runs(
    api: Api, conn: psycopg2.extensions.connection, job_status: str
) -> None:
    api.create("a-1")
    job_id = insert_job(conn, job_status)

    status, body = api.delete("/api/products/bulk-delete", {"confirm": "DELETE"})

    assert status == 409
    assert job_id in body["message"]
    assert api.get("/api/products")[1]["total"] == 1


@pytest.mark.parametrize("job_status", ["queued", "completed"],
                         ids=["job-awaiting-upload", "job-finished"])
def test_bulk_delete_allowed_beside_idle_job(
    api: Api, conn: psycopg2.extensions.connection, job_status: str
) -> None:
    api.create("a-1")
    insert_job(conn, job_status)

    status, body = api.delete("/api/products/bulk-delete", {"confirm": "DELETE"})

    assert status == 200
    assert body == {"deleted": 1}


def test_bulk_delete_waits_then_refuses_on_locked_jobs(
    api: Api, conn: psycopg2.extensions.connection
) -> None:
    api.create("a-1")
    with conn.cursor() as cur:
        cur.execute("LOCK TABLE import_jobs IN ROW EXCLUSIVE MODE")

        status, body = api.delete("/api/products/bulk-delete", {"confirm": "DELETE"})

    conn.rollback()
    assert status == 409
    assert "busy" in body["message"]


def test_product_named_bulk_delete_is_addressable(api: Api) -> None:
    api.create("bulk-delete", name="Odd")
    api.create("a-1")

    read = api.get("/api/products/bulk-delete")
    updated = api.put("/api/products/bulk-delete", {"name": "Renamed"})
    deleted = api.delete("/api/products/bulk-delete?single=true")

    assert read[0] == 200
    assert read[1]["sku"] == "bulk-delete"
    assert updated[1]["name"] == "Renamed"
    assert deleted[0] == 204
    assert api.get("/api/products")[1]["total"] == 1


def test_bulk_delete_without_body_deletes_nothing(api: Api) -> None:
    api.create("bulk-delete", name="Odd")

    status, _ = api.delete("/api/products/bulk-delete")

    assert status == 400
    assert api.get("/api/products/bulk-delete")[0] == 200


def test_openapi_document_is_served(api: Api) -> None:
    status, body = api.get("/api/openapi.json")

    assert status == 200
    assert body["openapi"].startswith("3.")


@pytest.fixture
def small_bookmarks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every page a deep page and bookmark every 7th row."""
    from chalicelib.products import queries, service

    monkeypatch.setattr(service, "DEEP_PAGE_OFFSET", 0)
    monkeypatch.setattr(queries, "BOOKMARK_SPACING", 7)


def all_skus(api: Api, status: str) -> list[str]:
    skus: list[str] = []
    for page in range(1, 20):
        body = api.get(f"/api/products?status={status}&page={page}&page_size=5")[1]
        skus += [item["sku"] for item in body["items"]]
    return skus


def test_list_deep_pages_stay_exact_after_changes(
    api: Api, conn: psycopg2.extensions.connection, small_bookmarks: None
) -> None:
    with conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO products (sku, name, active) SELECT 'sku-' || lpad(i::text, 2, '0'),"
            " 'n', i % 3 <> 0 FROM generate_series(10, 59) AS i"
        )
    expected = [f"sku-{i}" for i in range(10, 60)]
    assert all_skus(api, "all") == expected
    assert len(all_skus(api, "active")) == 34
    assert len(all_skus(api, "inactive")) == 16

    api.create("sku-00")
    api.delete("/api/products/sku-30")
    api.put("/api/products/sku-40", {"active": False})
    with conn, conn.cursor() as cur:
        cur.execute("SELECT sku, active FROM products ORDER BY sku")
        rows = cur.fetchall()

    assert all_skus(api, "all") == [sku for sku, _ in rows]
    assert all_skus(api, "active") == [sku for sku, active in rows if active]
    assert all_skus(api, "inactive") == [sku for sku, active in rows if not active]


def test_list_search_pages_are_sorted_and_complete(
    api: Api, conn: psycopg2.extensions.connection
) -> None:
    insert_steel(conn, 25)
    api.create("zz-1", name="copper")

    pages = [api.get(f"/api/products?search=STEEL&page={page}&page_size=10")[1]
             for page in (1, 2, 3, 4)]

    skus = [item["sku"] for page in pages for item in page["items"]]
    assert skus == sorted(f"sku-{i}" for i in range(1, 26))
    assert pages[3]["items"] == []
    assert pages[3]["total"] == 25
    assert pages[3]["pages"] == 3


def test_list_search_falls_back_when_walk_is_slow(
    api: Api, conn: psycopg2.extensions.connection, small_count_limits: None,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.products import service

    monkeypatch.setattr(service, "SEARCH_WALK_TIMEOUT_MS", 1)
    with conn, conn.cursor() as cur:
        cur.execute("INSERT INTO products (sku, name) SELECT 'a-' || i, 'plain' FROM"
                    " generate_series(1, 20000) AS i")
    insert_steel(conn, 120)

    status, body = api.get("/api/products?search=steel&page=2")

    assert status == 200
    assert body["total"] == 120
    assert body["total_is_estimate"] is False
    assert [item["sku"] for item in body["items"]] == sorted(f"sku-{i}" for i in range(1, 121))[10:20]


def test_list_search_finds_rows_not_yet_indexed(
    api: Api, conn: psycopg2.extensions.connection
) -> None:
    with conn, conn.cursor() as cur:
        cur.execute("INSERT INTO products (sku, name, search_indexed) VALUES"
                    " ('imp-1', 'Fresh import', false), ('imp-2', 'Old import', true)")

    body = api.get("/api/products?search=import")[1]

    assert [item["sku"] for item in body["items"]] == ["imp-1", "imp-2"]
    assert body["total"] == 2


def test_search_index_step_indexes_pending_rows(
    api: Api, conn: psycopg2.extensions.connection
) -> None:
    from chalicelib.products import search_index

    with conn, conn.cursor() as cur:
        cur.execute("INSERT INTO products (sku, name, search_indexed) SELECT 'imp-' || i,"
                    " 'Imported lamp ' || i, false FROM generate_series(1, 45) AS i")
        cur.execute("INSERT INTO products (sku, name) VALUES ('hand-1', 'Hand-made lamp')")

    indexed = search_index.index_pending(conn, batch_rows=10)

    with conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM products WHERE NOT search_indexed")
        pending = cur.fetchone()[0]
    body = api.get("/api/products?search=lamp&page_size=100")[1]
    assert indexed == 45
    assert pending == 0
    assert body["total"] == 46
