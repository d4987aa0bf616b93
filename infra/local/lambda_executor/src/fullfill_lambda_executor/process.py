"""Start, call and stop one execution environment process running `bootstrap.py`.

This module does not import LocalStack, so it can be exercised on its own.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import logging
import os
import select
import signal
import socket
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

LOG = logging.getLogger(__name__)

BOOTSTRAP = Path(__file__).with_name("bootstrap.py")
STOP_GRACE_SECONDS = 2.0
EXIT_WAIT_SECONDS = 2.0


class EnvironmentStartupError(Exception):
    """The process failed its init phase; `payload` is the Lambda error document as JSON bytes."""

    def __init__(self, message: str, payload: bytes) -> None:
        super().__init__(message)
        self.payload = payload


@dataclasses.dataclass(frozen=True)
class ProcessSpec:
    python: str
    code_dir: Path
    extra_paths: list[str]
    env: dict[str, str]
    log_path: Path
    pid_path: Path
    startup_timeout_seconds: float
    function_timeout_seconds: float


@dataclasses.dataclass(frozen=True)
class InvokeOutcome:
    is_error: bool
    payload: bytes
    logs: str


def lambda_error(error_type: str, message: str) -> bytes:
    return json.dumps({"errorMessage": message, "errorType": error_type}).encode()


def describe_exit(returncode: int | None) -> str:
    """Describe an exit status the way the Lambda service does in `Runtime.ExitError` messages."""
    if returncode is None:
        return "Runtime exited without providing a reason"
    if returncode < 0:
        description = signal.strsignal(-returncode) or f"signal {-returncode}"
        return f"Runtime exited with error: signal: {description.lower()}"
    return f"Runtime exited with error: exit status {returncode}"


class RuntimeProcess:
    """One bootstrap process: a warm execution environment that serves one invocation at a time."""

    def __init__(self, spec: ProcessSpec) -> None:
        self.spec = spec
        self._process: subprocess.Popen[bytes] | None = None
        self._connection: http.client.HTTPConnection | None = None
        self._port = 0

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> None:
        """Spawn the process and wait until it has imported the handler."""
        listener = socket.create_server(("127.0.0.1", 0))
        self._port = listener.getsockname()[1]
        status_read, status_write = os.pipe()
        try:
            self._spawn(listener, status_write)
        finally:
            listener.close()
            os.close(status_write)
        try:
            status = self._read_status(status_read)
        finally:
            os.close(status_read)

        if status.get("status") != "ready":
            self.stop()
            payload = json.dumps(status.get("payload") or {}).encode()
            raise EnvironmentStartupError(f"environment init failed: {payload.decode()}", payload)
        self._connection = http.client.HTTPConnection(
            "127.0.0.1", self._port, timeout=self.spec.function_timeout_seconds
        )

    def _spawn(self, listener: socket.socket, status_write: int) -> None:
        env = {
            **self.spec.env,
            "FULLFILL_LISTEN_FD": str(listener.fileno()),
            "FULLFILL_STATUS_FD": str(status_write),
            "FULLFILL_CODE_DIR": str(self.spec.code_dir),
            "FULLFILL_EXTRA_PATHS": os.pathsep.join(self.spec.extra_paths),
        }
        self.spec.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.spec.log_path, "ab") as log_file:
            self._process = subprocess.Popen(
                [self.spec.python, str(BOOTSTRAP)],
                cwd=self.spec.code_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                pass_fds=(listener.fileno(), status_write),
                start_new_session=True,
            )
        self.spec.pid_path.parent.mkdir(parents=True, exist_ok=True)
        self.spec.pid_path.write_text(f"{self._process.pid}\n")
        LOG.debug("started environment process %s for %s", self._process.pid, self.spec.code_dir)

    def _read_status(self, status_read: int) -> dict[str, Any]:
        deadline = time.monotonic() + self.spec.startup_timeout_seconds
        data = b""
        while not data.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.stop()
                raise EnvironmentStartupError(
                    f"environment init timed out after {self.spec.startup_timeout_seconds} s",
                    lambda_error("Runtime.InitTimeout", "init phase timed out"),
                )
            readable, _, _ = select.select([status_read], [], [], remaining)
            if not readable:
                continue
            chunk = os.read(status_read, 65536)
            if not chunk:
                return self._status_after_early_exit()
            data += chunk
        return json.loads(data)

    def _status_after_early_exit(self) -> dict[str, Any]:
        returncode = self._wait_for_exit()
        message = describe_exit(returncode)
        return {
            "status": "error",
            "payload": {"errorType": "Runtime.ExitError", "errorMessage": message},
        }

    def invoke(self, request: dict[str, Any]) -> InvokeOutcome:
        """Send one invocation; a timeout or a dead process comes back as a Lambda error."""
        if self._connection is None or not self.alive:
            raise RuntimeError("environment process is not running; call start() first")
        request_id = request["invoke-id"]
        log_offset = self._log_size()
        body = json.dumps(request).encode()
        try:
            self._connection.request("POST", "/invoke", body, {"Content-Type": "application/json"})
            response = json.loads(self._connection.getresponse().read())
        except TimeoutError:
            return self._timed_out(request_id, log_offset)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            return self._died(request_id, log_offset, exc)
        return InvokeOutcome(response["is-error"], response["payload"].encode(), response["logs"])

    def _timed_out(self, request_id: str, log_offset: int) -> InvokeOutcome:
        seconds = self.spec.function_timeout_seconds
        LOG.info(
            "invocation %s timed out after %.2f s; stopping process %s",
            request_id,
            seconds,
            self.pid,
        )
        self.stop()
        message = f"RequestId: {request_id} Error: Task timed out after {seconds:.2f} seconds"
        logs = (
            self._partial_logs(log_offset)
            + f"{_timestamp()} {request_id} Task timed out after {seconds:.2f} seconds\n"
        )
        return InvokeOutcome(True, lambda_error("Sandbox.Timedout", message), logs)

    def _died(self, request_id: str, log_offset: int, exc: Exception) -> InvokeOutcome:
        returncode = self._wait_for_exit()
        LOG.info(
            "invocation %s lost its process %s (%s, exit %s)", request_id, self.pid, exc, returncode
        )
        self.stop()
        message = f"RequestId: {request_id} Error: {describe_exit(returncode)}"
        logs = self._partial_logs(log_offset) + message + "\n"
        return InvokeOutcome(True, lambda_error("Runtime.ExitError", message), logs)

    def _wait_for_exit(self) -> int | None:
        if self._process is None:
            return None
        try:
            return self._process.wait(EXIT_WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            return None

    def _log_size(self) -> int:
        try:
            return self.spec.log_path.stat().st_size
        except FileNotFoundError:
            return 0

    def _partial_logs(self, offset: int) -> str:
        """Read what the process wrote during an invocation that never returned its own logs."""
        try:
            with open(self.spec.log_path, "rb") as log_file:
                log_file.seek(offset)
                return log_file.read().decode(errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self) -> None:
        """Stop the process and, while it is still running, its process group; safe to call twice.

        The group is only signalled before the leader is reaped: afterwards its id could belong to
        an unrelated process group.
        """
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            _signal_group(process.pid, signal.SIGTERM)
            try:
                process.wait(STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                _signal_group(process.pid, signal.SIGKILL)
                process.wait()
        self.spec.pid_path.unlink(missing_ok=True)


def _signal_group(pid: int, signum: int) -> None:
    try:
        os.killpg(pid, signum)
    except ProcessLookupError:
        pass


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
