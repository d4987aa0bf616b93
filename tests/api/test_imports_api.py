"""POST /api/imports and GET /api/imports/{id}/status through the Chalice handler."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone

import pytest


def _post(api, body):
    return api.http.post(
        "/api/imports", headers={"Content-Type": "application/json"}, body=json.dumps(body)
    )


def test_create_import_binds_form_to_job_key(api):
    response = _post(api, {"filename": "products.csv", "size": 1234})

    assert response.status_code == 201
    body = response.json_body
    assert body["upload"]["fields"]["key"] == f"uploads/{body['job_id']}.csv"
    assert body["upload"]["url"].endswith("fullfill-test-uploads") or "fullfill-test-uploads" in body["upload"]["url"]


def test_create_import_policy_limits_size_and_expiry(api):
    body = _post(api, {"filename": "products.csv", "size": 1234}).json_body
    policy = json.loads(base64.b64decode(body["upload"]["fields"]["policy"]))

    assert ["content-length-range", 1, 500 * 1024 * 1024] in policy["conditions"]
    assert {"key": f"uploads/{body['job_id']}.csv"} in policy["conditions"]
    expiration = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert expiration <= datetime.now(timezone.utc) + timedelta(minutes=15, seconds=5)
    assert datetime.fromisoformat(body["expires_at"]) <= expiration + timedelta(seconds=5)


def test_create_import_queues_job(api):
    job_id = _post(api, {"filename": "products.csv", "size": 10}).json_body["job_id"]

    status = api.http.get(f"/api/imports/{job_id}/status")

    assert status.status_code == 200
    assert status.json_body["status"] == "queued"
    assert status.json_body["file_name"] == "products.csv"
    assert status.json_body["progress"] == 0.0


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"filename": "products.xlsx", "size": 10}, "does not end in .csv"),
        ({"filename": "big.csv", "size": 500 * 1024 * 1024 + 1}, "the maximum is 524288000"),
        ({"filename": "empty.csv", "size": 0}, "is empty"),
        ({"filename": "minus.csv", "size": -5}, "'size' must be the file's size in bytes"),
        ({"filename": "a\u0000b.csv", "size": 10}, "control character U+0000"),
        ({"filename": "a\ud800.csv", "size": 10}, "character U+D800"),
        ({"filename": "evil\u202ecsv.exe.csv", "size": 10}, "character U+202E"),
        ({"filename": "products.csv", "size": "12"}, "'size' must be a whole number"),
        ({"size": 10}, "'filename' is required"),
        (["not", "an", "object"], "must be a JSON object"),
    ],
)
def test_create_import_rejects_bad_request(api, body, fragment):
    response = _post(api, body)

    assert response.status_code == 400
    assert fragment in response.json_body["Message"]


def test_create_import_accepts_upper_case_extension(api):
    assert _post(api, {"filename": "EXPORT.CSV", "size": 10}).status_code == 201


def test_import_status_of_unknown_job_is_404(api):
    missing = api.http.get("/api/imports/9d3c1a7e-0000-4000-8000-000000000000/status")
    malformed = api.http.get("/api/imports/not-a-uuid/status")

    assert missing.status_code == 404
    assert malformed.status_code == 404
    assert "not found" in missing.json_body["Message"]


def test_list_imports_rejects_huge_page(api):
    response = api.http.get("/api/imports?page=9223372036854775808")

    assert response.status_code == 400
    assert "'page'" in response.json_body["Message"]
