"""The API and site as an ASGI application made from the environment: for `sprx serve --workers N`
and for any ASGI server.

A worker process starts afresh (uvicorn spawns it; so may gunicorn, hypercorn or a platform), so it
cannot be handed the application: it imports this module and calls `create_app()`, which reads
which published site to serve from `SPRX_SITE`. Each worker opens the site's store read-only and
follows each publish by itself, as one process does.

    SPRX_SITE=public uvicorn --factory sprx_cli.serve.asgi:create_app --workers 4
    SPRX_SITE=public hypercorn 'sprx_cli.serve.asgi:create_app()'

`Protocol` is uvicorn's HTTP/1.1 protocol with `sprx serve`'s head deadline and connection cap
(serve/connections.py), read from `SPRX_HEADER_TIMEOUT` and `SPRX_MAX_CONNECTIONS`; the cap holds
in each worker.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..core.errors import SprxError

SITE = "SPRX_SITE"
HEADER_TIMEOUT = "SPRX_HEADER_TIMEOUT"
MAX_CONNECTIONS = "SPRX_MAX_CONNECTIONS"


class NoSite(SprxError):
    """SPRX_SITE is unset or is not a site made by 'sprx publish'."""


def create_app() -> Any:
    """The application serving the published site named by SPRX_SITE."""
    from ..site.versions import live_version
    from .app import make_app

    site = os.environ.get(SITE, "")
    if not site:
        raise NoSite(f"set {SITE} to the folder of a site made by 'sprx publish'")
    if live_version(Path(site)) is None:
        raise NoSite(f"{SITE}: '{site}' is not a site made by 'sprx publish'")
    return make_app(Path(site))


def worker_app() -> Any:
    """`create_app` for `sprx serve --workers`: a worker that cannot start says why once and ends
    with uvicorn's start-up failure status, so that its supervisor stops instead of starting
    another."""
    try:
        return create_app()
    except NoSite as exc:
        import logging
        import sys

        from uvicorn.config import STARTUP_FAILURE

        logging.getLogger("uvicorn.error").error("sprx serve: %s", exc.message)
        sys.exit(STARTUP_FAILURE)


def environment(site: Path, header_timeout: float, max_connections: int) -> dict[str, str]:
    """The variables a worker reads: what `create_app` and `Protocol` are made from."""
    return {SITE: os.path.abspath(site), HEADER_TIMEOUT: repr(header_timeout),
            MAX_CONNECTIONS: str(max_connections)}


def __getattr__(name: str) -> Any:
    if name != "Protocol":
        raise AttributeError(name)
    from .connections import HEADER_TIMEOUT as timeout, default_max_connections, guarded_protocol

    cap = os.environ.get(MAX_CONNECTIONS)
    made = guarded_protocol(float(os.environ.get(HEADER_TIMEOUT) or timeout),
                            int(cap) if cap else default_max_connections())
    globals()["Protocol"] = made  # (made once per process)
    return made
