"""Start LocalStack with its Twisted gateway bound to the host in GATEWAY_LISTEN.

LocalStack 4.8.1's Twisted runtime server passes only the port of an IPv4 GATEWAY_LISTEN entry to
Twisted, so the gateway listens on every interface. This launcher makes it listen on the entry's
host, then runs LocalStack's usual entry point (`python -m localstack.runtime.main`).

FULLFILL_LOCALSTACK_TMPDIR, when set, becomes Python's temporary directory, where LocalStack unzips
Lambda code. Setting TMPDIR would do the same, but LocalStack reads TMPDIR as a deprecated setting.
"""

from __future__ import annotations

import os
import tempfile
import types
from functools import partial

from localstack import config
from localstack.runtime.main import main
from localstack.runtime.server import twisted as twisted_server
from twisted.internet import endpoints


def bind_gateway_to_listen_host() -> None:
    hosts = {listen.host for listen in config.GATEWAY_LISTEN}
    if len(hosts) != 1:
        raise SystemExit(f"GATEWAY_LISTEN must name exactly one host; got {sorted(hosts)}")
    twisted_server.endpoints = types.SimpleNamespace(  # type: ignore[assignment]
        TCP4ServerEndpoint=partial(endpoints.TCP4ServerEndpoint, interface=hosts.pop()),
        TCP6ServerEndpoint=endpoints.TCP6ServerEndpoint,
    )


if __name__ == "__main__":
    if tmpdir := os.environ.get("FULLFILL_LOCALSTACK_TMPDIR"):
        tempfile.tempdir = tmpdir
    bind_gateway_to_listen_host()
    main()
