"""LocalStack runtime executor that runs each Lambda execution environment as a local process.

LocalStack 4.8.1 creates one executor per execution environment, starts it, and sends it one
invocation at a time; concurrent invocations get environments of their own. A process that
crashes or times out is replaced by a fresh one on the next invocation of the same environment.

Settings, read from LocalStack's environment:
    FULLFILL_LAMBDA_PYTHON   interpreter for the functions. Default: <repository>/.venv/bin/python,
                             where <repository> contains .fullfill/localstack-venv (this venv).
    FULLFILL_LAMBDA_LOG_DIR  directory for process output and pid files.
                             Default: $FILESYSTEM_ROOT/lambda.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from pathlib import Path

from localstack import config
from localstack.aws.api.lambda_ import PackageType
from localstack.services.lambda_.invocation.executor_endpoint import StatusErrorException
from localstack.services.lambda_.invocation.lambda_models import FunctionVersion, InvocationResult
from localstack.services.lambda_.invocation.runtime_executor import (
    LambdaRuntimeException,
    RuntimeExecutor,
)

from fullfill_lambda_executor.process import EnvironmentStartupError, ProcessSpec, RuntimeProcess

LOG = logging.getLogger(__name__)

LOCAL_HOST = "127.0.0.1"
# Keys of the test account: LocalStack checks presigned S3 signatures against the secret "test"
# unless the key is an IAM user's, so the role session keys LocalStack hands out would fail there.
TEST_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
LOG_TAIL_BYTES = 64 * 1024


def function_python() -> str:
    configured = os.environ.get("FULLFILL_LAMBDA_PYTHON")
    if configured:
        return configured
    repository = Path(sys.prefix).resolve().parent.parent
    return str(repository / ".venv" / "bin" / "python")


def log_dir() -> Path:
    configured = os.environ.get("FULLFILL_LAMBDA_LOG_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("FILESYSTEM_ROOT") or tempfile.gettempdir()) / "lambda"


def layer_paths(function_version: FunctionVersion) -> list[str]:
    """Return the sys.path entries that the Python runtime adds for each layer's /opt/python."""
    paths: list[str] = []
    for layer in function_version.config.layers or []:
        root = Path(layer.code.get_unzipped_code_location()) / "python"
        paths.append(str(root))
        paths.extend(str(p) for p in sorted(root.glob("lib/python*/site-packages")))
    return paths


class LocalProcessRuntimeExecutor(RuntimeExecutor):
    """Executor that runs a function's handler in a warm local process, one invocation at a time.

    NOTE: the process gets no memory limit and no isolation from the host; only the function
    timeout is enforced, by stopping the process when the invocation runs past it.
    """

    def __init__(self, id: str, function_version: FunctionVersion) -> None:
        super().__init__(id=id, function_version=function_version)
        self._spec: ProcessSpec | None = None
        self._process: RuntimeProcess | None = None

    def start(self, env_vars: dict[str, str]) -> None:
        self._spec = self._process_spec(env_vars)
        self._process = self._start_process()

    def _process_spec(self, env_vars: dict[str, str]) -> ProcessSpec:
        config_ = self.function_version.config
        function_name = self.function_version.id.function_name
        code_dir = Path(config_.code.get_unzipped_code_location())
        directory = log_dir() / function_name
        return ProcessSpec(
            python=function_python(),
            code_dir=code_dir,
            extra_paths=layer_paths(self.function_version),
            env=self._process_env(env_vars, code_dir),
            log_path=directory / f"{self.id}.log",
            pid_path=log_dir() / "pids" / f"{self.id}.pid",
            startup_timeout_seconds=float(config.LAMBDA_RUNTIME_ENVIRONMENT_TIMEOUT),
            function_timeout_seconds=float(config_.timeout),
        )

    def _process_env(self, env_vars: dict[str, str], code_dir: Path) -> dict[str, str]:
        python_bin = str(Path(function_python()).parent)
        env = {key: str(value) for key, value in env_vars.items()}
        env.pop("AWS_SESSION_TOKEN", None)
        env.update(TEST_CREDENTIALS)
        env.setdefault("AWS_ENDPOINT_URL", f"http://{LOCAL_HOST}:{config.GATEWAY_LISTEN[0].port}")
        env.update(
            {
                "LAMBDA_TASK_ROOT": str(code_dir),
                "PATH": f"{python_bin}:/usr/local/bin:/usr/bin:/bin",
                "LANG": "C.UTF-8",
                # Keep the host's ~/.aws files (profiles, real endpoints) out of the function.
                "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            }
        )
        return env

    def _start_process(self) -> RuntimeProcess:
        assert self._spec is not None
        process = RuntimeProcess(self._spec)
        started = time.perf_counter()
        try:
            process.start()
        except EnvironmentStartupError as exc:
            raise StatusErrorException(str(exc), payload=exc.payload) from exc
        LOG.debug(
            "environment %s of %s ready in %.1f ms",
            self.id,
            self.function_version.id.function_name,
            (time.perf_counter() - started) * 1000,
        )
        return process

    def stop(self) -> None:
        if self._process is not None:
            self._process.stop()

    def get_address(self) -> str:
        return LOCAL_HOST

    def get_endpoint_from_executor(self) -> str:
        return LOCAL_HOST

    def get_runtime_endpoint(self) -> str:
        port = config.GATEWAY_LISTEN[0].port
        return f"http://{LOCAL_HOST}:{port}/_localstack_lambda/{self.id}"

    def invoke(self, payload: dict[str, str]) -> InvocationResult:
        request_id = payload["invoke-id"]
        if self._process is None or not self._process.alive:
            try:
                self._process = self._start_process()
            except StatusErrorException as exc:
                LOG.warning(
                    "environment %s failed to restart for invocation %s: %s",
                    self.id,
                    request_id,
                    exc,
                )
                return InvocationResult(request_id, exc.payload, is_error=True, logs="")

        timeout_ms = self.function_version.config.timeout * 1000
        request = {**payload, "deadline-ms": int(time.time() * 1000) + timeout_ms}
        outcome = self._process.invoke(request)
        return InvocationResult(
            request_id, outcome.payload, is_error=outcome.is_error, logs=outcome.logs
        )

    def get_logs(self) -> str:
        if self._spec is None:
            return "Environment was not started"
        try:
            with open(self._spec.log_path, "rb") as log_file:
                log_file.seek(max(self._spec.log_path.stat().st_size - LOG_TAIL_BYTES, 0))
                return log_file.read().decode(errors="replace")
        except FileNotFoundError:
            return ""

    @classmethod
    def prepare_version(cls, function_version: FunctionVersion) -> None:
        config_ = function_version.config
        if config_.package_type != PackageType.Zip:
            raise LambdaRuntimeException(
                f"package type {config_.package_type!r} is not supported by the local process "
                "executor; deploy the function as a zip"
            )
        runtime = config_.runtime or ""
        if not runtime.startswith("python"):
            raise LambdaRuntimeException(
                f"runtime {runtime!r} is not supported by the local process executor; use python3.x"
            )
        config_.code.prepare_for_execution()
        for layer in config_.layers or []:
            layer.code.prepare_for_execution()

    @classmethod
    def cleanup_version(cls, function_version: FunctionVersion) -> None:
        pass

    @classmethod
    def validate_environment(cls) -> bool:
        python = function_python()
        if not os.access(python, os.X_OK):
            LOG.warning(
                "Lambda interpreter %s is not executable; set FULLFILL_LAMBDA_PYTHON", python
            )
            return False
        return True
