"""Run one Lambda execution environment as a local Python process.

The executor starts this script with the function's interpreter and environment. The script
imports the handler once (the init phase), reports the init outcome as one JSON line on the
status pipe, then serves one invocation at a time over HTTP on the listening socket it inherits:

    POST /invoke   {"invoke-id", "invoked-function-arn", "payload", "trace-id", "deadline-ms"}
    -> 200         {"is-error": bool, "payload": str, "logs": str}

The request fields are the ones LocalStack sends to its own runtime init. The result comes back
in the HTTP response instead of a callback, so a process that dies mid-invocation drops the
connection and the executor detects it at once. Only the standard library is used because this runs
under the project's interpreter, not LocalStack's.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import TracebackType
from typing import Any, TextIO

LOG_FORMAT = "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s"
PARENT_POLL_SECONDS = 1.0

Handler = Callable[[Any, Any], Any]


class InitError(Exception):
    """Failure of the init phase, reported with the error type the AWS Python runtime uses."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type


class LogCapture:
    """Collects what the function writes to stdout and stderr during one invocation."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._parts: list[str] | None = None

    def begin(self) -> None:
        with self._lock:
            self._parts = []

    def append(self, text: str) -> None:
        with self._lock:
            if self._parts is not None:
                self._parts.append(text)

    def end(self) -> str:
        with self._lock:
            parts, self._parts = self._parts or [], None
        return "".join(parts)


class CapturingStream:
    """Text stream that writes through to the log file and copies into the invocation's capture."""

    def __init__(self, target: TextIO, capture: LogCapture) -> None:
        self._target = target
        self._capture = capture

    def write(self, text: str) -> int:
        self._target.write(text)
        # Flush on every write: a worker that calls os._exit() must still leave its output behind.
        self._target.flush()
        self._capture.append(text)
        return len(text)

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._target.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target, name)


class RequestIdFilter(logging.Filter):
    """Adds the current request id to log records, as the AWS Python runtime does."""

    request_id = ""

    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = RequestIdFilter.request_id
        return True


class LambdaContext:
    """The `context` argument of a Python Lambda handler."""

    def __init__(self, request: dict[str, Any]) -> None:
        self.aws_request_id: str = request["invoke-id"]
        self.invoked_function_arn: str = request.get("invoked-function-arn", "")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self._deadline_ms = int(request["deadline-ms"])

    def get_remaining_time_in_millis(self) -> int:
        return max(self._deadline_ms - int(time.time() * 1000), 0)


def load_handler(handler: str) -> Handler:
    """Import the handler `module.attr`; Chalice uses `app.app` and `app.<function>`."""
    module_name, _, attribute = handler.rpartition(".")
    if not module_name or not attribute:
        raise InitError(
            "Runtime.MalformedHandlerName", f"Bad handler '{handler}': expected module.attr"
        )
    module_name = module_name.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise InitError(
            "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {exc}"
        ) from exc
    except SyntaxError as exc:
        raise InitError(
            "Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_name}': {exc}"
        ) from exc
    except Exception as exc:
        raise InitError(type(exc).__name__, str(exc)) from exc
    try:
        return getattr(module, attribute)
    except AttributeError as exc:
        raise InitError(
            "Runtime.HandlerNotFound", f"Handler '{attribute}' missing on module '{module_name}'"
        ) from exc


def peak_memory_kib() -> int:
    """Read the peak resident set size of this process image.

    `getrusage` would include the LocalStack process this one was forked from.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def user_frames(frames: TracebackType | None) -> TracebackType | None:
    """Skip this module's frames so the stack trace starts in the function's code."""
    while frames is not None and frames.tb_frame.f_code.co_filename == __file__:
        frames = frames.tb_next
    return frames


def error_payload(exc: BaseException, request_id: str | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "errorMessage": str(exc),
        "errorType": exc.error_type if isinstance(exc, InitError) else type(exc).__name__,
        "stackTrace": traceback.format_tb(user_frames(exc.__traceback__)),
    }
    if request_id is not None:
        payload["requestId"] = request_id
    return payload


class FunctionRuntime:
    """Runs invocations of one handler and records their log lines."""

    def __init__(self, handler: Handler, capture: LogCapture) -> None:
        self._handler = handler
        self._capture = capture
        self._version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")

    def invoke(self, request: dict[str, Any]) -> dict[str, Any]:
        request_id = request["invoke-id"]
        os.environ["_X_AMZN_TRACE_ID"] = request.get("trace-id") or ""
        RequestIdFilter.request_id = request_id
        self._capture.begin()
        print(f"START RequestId: {request_id} Version: {self._version}", flush=True)
        started = time.perf_counter()

        is_error, body = self._call_handler(request)

        duration_ms = (time.perf_counter() - started) * 1000
        print(f"END RequestId: {request_id}")
        print(self._report_line(request_id, duration_ms), flush=True)
        return {"is-error": is_error, "payload": body, "logs": self._capture.end()}

    def _call_handler(self, request: dict[str, Any]) -> tuple[bool, str]:
        request_id = request["invoke-id"]
        try:
            raw_event = request.get("payload") or "{}"
            result = self._handler(json.loads(raw_event), LambdaContext(request))
        except Exception as exc:
            logging.getLogger().error("%s: %s", type(exc).__name__, exc, exc_info=exc)
            return True, json.dumps(error_payload(exc, request_id))
        try:
            return False, json.dumps(result)
        except (TypeError, ValueError) as exc:
            message = f"Unable to marshal response: {exc}"
            return True, json.dumps(
                {
                    "errorMessage": message,
                    "errorType": "Runtime.MarshalError",
                    "requestId": request_id,
                    "stackTrace": [],
                }
            )

    def _report_line(self, request_id: str, duration_ms: float) -> str:
        memory_size = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        max_memory_mb = peak_memory_kib() // 1024
        return (
            f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\t"
            f"Billed Duration: {max(int(duration_ms + 0.999), 1)} ms\t"
            f"Memory Size: {memory_size} MB\tMax Memory Used: {max_memory_mb} MB"
        )


def make_request_handler(runtime: FunctionRuntime) -> type[BaseHTTPRequestHandler]:
    class InvokeRequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Nagle's algorithm with delayed ACKs adds about 40 ms to each small response.
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            if self.path != "/invoke":
                self.send_error(404, f"unknown path {self.path!r}; expected /invoke")
                return
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            body = json.dumps(runtime.invoke(request)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return InvokeRequestHandler


def install_stdio(capture: LogCapture) -> None:
    """Route stdout, stderr and the root logger through the capture, before user code binds them."""
    sys.stdout = CapturingStream(sys.__stdout__, capture)  # type: ignore[assignment]
    sys.stderr = CapturingStream(sys.__stderr__, capture)  # type: ignore[assignment]
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter(LOG_FORMAT, "%Y-%m-%dT%H:%M:%S"))
    handler.addFilter(RequestIdFilter())
    logging.Formatter.converter = time.gmtime
    root = logging.getLogger()
    root.addHandler(handler)
    if level := os.environ.get("AWS_LAMBDA_LOG_LEVEL"):
        root.setLevel(level.upper())


def prepare_sys_path(code_dir: str, extra_paths: list[str]) -> None:
    script_dir = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or ".") != script_dir]
    sys.path[0:0] = [code_dir, *extra_paths]


def exit_with_parent() -> None:
    """Exit when LocalStack goes away, so no environment outlives the server that started it."""
    parent = os.getppid()
    while True:
        time.sleep(PARENT_POLL_SECONDS)
        if os.getppid() != parent:
            os._exit(0)


def report_status(status_fd: int, message: dict[str, Any]) -> None:
    with os.fdopen(status_fd, "w") as status:
        status.write(json.dumps(message) + "\n")


def main() -> None:
    listen_fd = int(os.environ.pop("FULLFILL_LISTEN_FD"))
    status_fd = int(os.environ.pop("FULLFILL_STATUS_FD"))
    code_dir = os.environ.pop("FULLFILL_CODE_DIR")
    extra_paths = [p for p in os.environ.pop("FULLFILL_EXTRA_PATHS", "").split(os.pathsep) if p]
    threading.Thread(target=exit_with_parent, name="exit-with-parent", daemon=True).start()

    capture = LogCapture()
    install_stdio(capture)
    prepare_sys_path(code_dir, extra_paths)
    try:
        handler = load_handler(os.environ["_HANDLER"])
    except InitError as exc:
        print(f"[ERROR] {exc.error_type}: {exc}", flush=True)
        report_status(status_fd, {"status": "error", "payload": error_payload(exc)})
        sys.exit(1)

    server = HTTPServer(
        ("127.0.0.1", 0),
        make_request_handler(FunctionRuntime(handler, capture)),
        bind_and_activate=False,
    )
    server.socket.close()
    server.socket = socket.socket(fileno=listen_fd)
    report_status(status_fd, {"status": "ready"})
    server.serve_forever()


if __name__ == "__main__":
    main()
