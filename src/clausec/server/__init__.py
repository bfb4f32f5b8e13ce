"""``clausec serve``: an HTTP JSON API over compiled contracts (docs/server.md).

Needs the ``serve`` extra (Starlette and uvicorn): ``pip install 'clausec[serve]'``."""

from __future__ import annotations

import logging
import socket
import sys
from collections.abc import Sequence

from clausec.server.app import Limits, create_app
from clausec.server.registry import LoadError, Registry, load

__all__ = ["Limits", "LoadError", "Registry", "create_app", "load", "run"]


def run(
    registry: Registry,
    *,
    paths: Sequence[str],
    import_roots: Sequence[str] = (),
    host: str = "127.0.0.1",
    port: int = 8000,
    limits: Limits = Limits(),  # noqa: B008 - frozen
    reload_every: float | None = None,
) -> None:
    """Serve until interrupted. The socket is bound first, so that port 0 (any free port) can
    be told: the line ``serving N contracts on http://HOST:PORT`` goes to standard output,
    and connections made after it wait until the server is ready."""
    import uvicorn

    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    sock.listen(2048)  # connections made from now on wait until the application has started
    bound = sock.getsockname()
    shown = f"[{bound[0]}]" if family == socket.AF_INET6 else bound[0]
    app = create_app(
        registry, paths=paths, import_roots=import_roots, limits=limits, reload_every=reload_every
    )
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(name)s: %(message)s")
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        timeout_keep_alive=5,
        server_header=False,
    )
    count = len(registry.contracts)
    print(f"serving {count} contract{'s' * (count != 1)} on http://{shown}:{bound[1]}", flush=True)
    uvicorn.Server(config).run(sockets=[sock])
    sys.stdout.flush()
