"""Error reports: every skipped row and warning of a job as a CSV file in S3.

The report repeats each row's original fields under the file's own header, after the columns
line, severity and reason, with the file's own delimiter. The importer ignores unknown columns,
so a user can fix the rows in a spreadsheet and upload the report itself as a new import.
"""

from __future__ import annotations

import csv
import io
import logging
import tempfile
from datetime import datetime, timedelta, timezone
from typing import Any

from chalicelib import aws, config, db
from chalicelib.imports import uploads

logger = logging.getLogger(__name__)

REPORT_URL_EXPIRY_SECONDS = 60 * 60


def report_key(job_id: Any) -> str:
    return f"{config.REPORT_PREFIX}{job_id}.csv"


def write_report(job: dict[str, Any]) -> str:
    """Write the job's report to S3 and return its key."""
    key = report_key(job["id"])
    file_format = job.get("file_format") or {}
    delimiter = file_format.get("delimiter") or job.get("delimiter") or ","
    header = list(file_format.get("columns") or [])
    with tempfile.TemporaryFile("w+b") as spool:
        text = io.TextIOWrapper(spool, encoding="utf-8-sig", newline="")
        # The file's own delimiter keeps its number format: "1,299" in a semicolon file is 1.30.
        writer = csv.writer(text, delimiter=delimiter)
        writer.writerow(["line", "severity", "reason", *header])
        for line, severity, reason, raw in _issues(job["id"]):
            writer.writerow([line, severity, reason, *_fields(raw, delimiter)])
        # Detach so the wrapper leaves the spool open for the upload.
        text.detach()
        spool.seek(0)
        aws.s3().upload_fileobj(
            spool, config.upload_bucket(), key,
            ExtraArgs={"ContentType": "text/csv; charset=utf-8",
                       "ContentDisposition": f'attachment; filename="errors-{job["id"]}.csv"'},
        )
    logger.info("error report for job %s written to %s", job["id"], key)
    return key


def report_url(job: dict[str, Any]) -> dict[str, str]:
    """Return a presigned GET of the job's report, writing the report when it is missing."""
    key = report_key(job["id"])
    if not uploads.upload_exists(config.upload_bucket(), key):
        write_report(job)
    url = aws.s3().generate_presigned_url(
        "get_object", Params={"Bucket": config.upload_bucket(), "Key": key},
        ExpiresIn=REPORT_URL_EXPIRY_SECONDS,
    )
    expires_at = datetime.now(timezone.utc) + timedelta(seconds=REPORT_URL_EXPIRY_SECONDS)
    return {"url": url, "expires_at": expires_at.isoformat(timespec="seconds")}


def _issues(job_id: Any):
    """Yield the job's issues in line order through a server-side cursor."""
    conn = db.connect()
    try:
        with conn, conn.cursor(name="report_issues") as cur:
            cur.itersize = 5000
            cur.execute(
                "SELECT line, severity, reason, raw FROM import_issues WHERE job_id = %s "
                "ORDER BY line, severity",
                (str(job_id),),
            )
            yield from cur
    finally:
        conn.close()


def _fields(raw: str, delimiter: str) -> list[str]:
    if not raw:
        return []
    try:
        rows = list(csv.reader(io.StringIO(raw), delimiter=delimiter))
    except csv.Error:
        return [raw]
    if len(rows) == 1:
        return rows[0]
    # An unclosed quote can make one record parse as several rows: keep all their fields.
    return [field for row in rows for field in row]
