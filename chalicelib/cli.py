"""Command line client: import a CSV file the way the browser does.

    python -m chalicelib.cli import products.csv

It requests a presigned upload from the API, streams the file to S3 with that form, follows the
job's status with a progress bar and prints a summary. The exit status is 0 only when the
job completed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from pathlib import Path
from typing import Any, BinaryIO

import requests

DEFAULT_STACK_FILE = Path(".fullfill/stack.json")
POLL_SECONDS = 0.5
TERMINAL = {"completed", "failed", "cancelled"}


class MultipartFile:
    """A multipart/form-data body that streams one file from disk with a known length."""

    def __init__(self, fields: dict[str, str], path: Path, on_progress=None) -> None:
        boundary = uuid.uuid4().hex
        self.content_type = f"multipart/form-data; boundary={boundary}"
        head = b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            .encode() for name, value in fields.items()
        )
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{path.name}"\r\nContent-Type: text/csv\r\n\r\n'
        ).encode()
        self._parts: list[bytes | BinaryIO] = [head, path.open("rb"), f"\r\n--{boundary}--\r\n".encode()]
        self._length = len(head) + path.stat().st_size + len(self._parts[2])
        self._sent = 0
        self._on_progress = on_progress

    def __len__(self) -> int:
        return self._length

    def read(self, size: int = -1) -> bytes:
        size = 1 << 20 if size is None or size < 0 else size
        while self._parts:
            part = self._parts[0]
            if isinstance(part, bytes):
                data, rest = part[:size], part[size:]
                self._parts[0] = rest
                if not rest:
                    self._parts.pop(0)
            else:
                data = part.read(size)
                if len(data) < size:
                    part.close()
                    self._parts.pop(0)
            if data:
                self._sent += len(data)
                if self._on_progress:
                    self._on_progress(self._sent, self._length)
                return data
        return b""


def api_url(args: argparse.Namespace) -> str:
    if args.api:
        return args.api.rstrip("/")
    if not args.stack.exists():
        raise SystemExit(f"error: {args.stack} not found; run `make up` first or pass --api URL")
    return json.loads(args.stack.read_text())["api_url"].rstrip("/")


def start_import(api: str, path: Path) -> dict[str, Any]:
    response = requests.post(
        f"{api}/api/imports", json={"filename": path.name, "size": path.stat().st_size}, timeout=30
    )
    if response.status_code != 201:
        raise SystemExit(f"error: the API rejected the import: {_message(response)}")
    return response.json()


def upload(form: dict[str, Any], path: Path) -> float:
    started = time.monotonic()
    body = MultipartFile(form["fields"], path, on_progress=_upload_progress)
    response = requests.post(
        form["url"], data=body, headers={"Content-Type": body.content_type}, timeout=600
    )
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    if response.status_code not in (200, 201, 204):
        raise SystemExit(f"error: upload to S3 failed ({response.status_code}): {response.text[:500]}")
    return time.monotonic() - started


def follow(api: str, job_id: str) -> tuple[dict[str, Any], float]:
    started = time.monotonic()
    while True:
        response = requests.get(f"{api}/api/imports/{job_id}/status", timeout=30)
        response.raise_for_status()
        status = response.json()
        _status_progress(status, time.monotonic() - started)
        if status["status"] in TERMINAL:
            if sys.stderr.isatty():
                sys.stderr.write("\n")
            return status, time.monotonic() - started
        time.sleep(POLL_SECONDS)


def summary(status: dict[str, Any], upload_seconds: float, import_seconds: float) -> str:
    rows = status["processed_rows"]
    rate = rows / import_seconds if import_seconds > 0 else 0.0
    lines = [
        f"job {status['job_id']} {status['status']}",
        f"rows={rows} created={status['created']} updated={status['updated']} "
        f"errors={status['error_count']} warnings={status.get('warning_count', 0)}",
        f"upload_seconds={upload_seconds:.1f} import_seconds={import_seconds:.1f} "
        f"rows_per_s={rate:.0f}",
    ]
    if status.get("message"):
        lines.append(f"message: {status['message']}")
    return "\n".join(lines)


def run_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise SystemExit(f"error: {path} is not a file")
    api = api_url(args)
    created = start_import(api, path)
    print(f"job {created['job_id']}: uploading {path} ({path.stat().st_size} bytes)", file=sys.stderr)
    upload_seconds = upload(created["upload"], path)
    status, import_seconds = follow(api, created["job_id"])
    print(summary(status, upload_seconds, import_seconds))
    return 0 if status["status"] == "completed" else 1


def _upload_progress(sent: int, total: int) -> None:
    fraction = sent / total if total else 1.0
    _bar.show(fraction, f"upload {sent / 1e6:.1f}/{total / 1e6:.1f} MB", final=sent == total)


def _status_progress(status: dict[str, Any], seconds: float) -> None:
    rows = status["processed_rows"]
    rate = rows / seconds if seconds > 0 else 0
    total = status["total_rows"] if status["total_rows"] is not None else "?"
    _bar.show(status["progress"], f"{status['status']} {rows}/{total} rows {rate:,.0f} rows/s",
              final=status["status"] in TERMINAL)


class _ProgressBar:
    """Redraws one line on a terminal; elsewhere (a log, CI) prints a line every few seconds."""

    def __init__(self) -> None:
        self._interactive = sys.stderr.isatty()
        self._last = 0.0

    def show(self, fraction: float, label: str, final: bool = False) -> None:
        now = time.monotonic()
        interval = 0.2 if self._interactive else 5.0
        if not final and now - self._last < interval:
            return
        self._last = now
        width = 30
        filled = int(width * max(0.0, min(1.0, fraction)))
        line = f"[{'#' * filled}{'.' * (width - filled)}] {fraction:6.1%} {label}"
        sys.stderr.write(f"\r{line}   " if self._interactive else f"{line}\n")
        sys.stderr.flush()


_bar = _ProgressBar()


def _message(response: requests.Response) -> str:
    try:
        return f"{response.status_code} {response.json().get('Message') or response.json()}"
    except ValueError:
        return f"{response.status_code} {response.text[:500]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fullfill", description="FullFill command line client")
    commands = parser.add_subparsers(dest="command", required=True)
    imports = commands.add_parser("import", help="import a product CSV file")
    imports.add_argument("file", help="path of the CSV file")
    imports.add_argument("--api", help="API base URL (default: api_url from the stack file)")
    imports.add_argument("--stack", type=Path, default=DEFAULT_STACK_FILE,
                         help="stack file written by `make up` (default: .fullfill/stack.json)")
    args = parser.parse_args(argv)
    return run_import(args)


if __name__ == "__main__":
    sys.exit(main())
