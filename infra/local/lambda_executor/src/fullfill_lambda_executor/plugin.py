"""Entry point that makes the executor selectable with LAMBDA_RUNTIME_EXECUTOR=local-process."""

from __future__ import annotations

from typing import Any

from localstack.services.lambda_.invocation.plugins import RuntimeExecutorPlugin


class LocalProcessExecutorPlugin(RuntimeExecutorPlugin):
    name = "local-process"

    def load(self, *args: Any, **kwargs: Any) -> type:
        from fullfill_lambda_executor.executor import LocalProcessRuntimeExecutor

        return LocalProcessRuntimeExecutor
