"""`sprx serve`'s connections: a cap on how many are open and a deadline for each request's head.

uvicorn closes a connection left idle after a response (its keep-alive timeout), but waits for ever
for a request whose head (the request line and headers) is still coming, and accepts as many
connections as the process has file descriptors. A client that opens thousands of connections and
sends a byte now and then (slowloris) would hold them all, and new clients would wait. Here:

- a request's head must be complete within `header_timeout` seconds of the connection opening, or of
  the previous response on it ending; else the connection is closed;
- past `max_connections` open at once, a new connection is answered 503 and closed at once, before
  anything is read (uvicorn's own `limit_concurrency` only answers once the head has come);
- what was refused is logged at most once a minute, with how many, so the log cannot be flooded.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT = 10.0  # seconds for a request's head, as a browser on a slow phone line needs at most
MAX_CONNECTIONS = 1000
_SPARE_DESCRIPTORS = 100  # kept for the store, the site's files, the log and the listening socket
BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 36\r\n"
        b"Retry-After: 5\r\nConnection: close\r\n\r\nToo many connections: try again soon\n")
_log = logging.getLogger("uvicorn.error")  # (the server's log, as uvicorn writes it)


def default_max_connections() -> int:
    """MAX_CONNECTIONS, or fewer where the process may open fewer files (each connection is one)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return MAX_CONNECTIONS
    return max(1, min(MAX_CONNECTIONS, soft - _SPARE_DESCRIPTORS))


class _Refusals:
    """Connections refused or timed out since the last log line; one line a minute at most."""

    def __init__(self) -> None:
        self.counts = {"refused": 0, "timed-out": 0}
        self.logged = 0.0

    def count(self, kind: str, cap: int, timeout: float) -> None:
        self.counts[kind] += 1
        now = time.monotonic()
        if now - self.logged >= 60:
            self.logged = now
            _log.warning("sprx serve: in the last minute, refused %d new connection(s) past the cap of %d open "
                         "at once (--max-connections), and closed %d that sent no whole request within %g s "
                         "(--header-timeout); said at most once a minute", self.counts["refused"], cap,
                         self.counts["timed-out"], timeout)
            self.counts = {"refused": 0, "timed-out": 0}


def guarded_protocol(header_timeout: float, max_connections: int) -> type[asyncio.Protocol]:
    """uvicorn's HTTP/1.1 protocol (h11) with a request-head deadline and a connection cap."""
    refusals = _Refusals()

    class Guarded(H11Protocol):
        _head_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            if len(self.connections) > max_connections:
                transport.write(BUSY)
                transport.close()
                refusals.count("refused", max_connections, header_timeout)
                return
            self._await_head()

        def _await_head(self) -> None:
            self._stop_waiting()
            self._head_timer = self.loop.call_later(header_timeout, self._head_too_slow)

        def _stop_waiting(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_too_slow(self) -> None:
            self._head_timer = None
            if not self.transport.is_closing() and (self.cycle is None or self.cycle.response_complete):
                self.transport.close()
                refusals.count("timed-out", max_connections, header_timeout)

        def handle_events(self) -> None:
            super().handle_events()
            if self.cycle is not None and not self.cycle.response_complete:  # (a request's head has come)
                self._stop_waiting()

        def on_response_complete(self) -> None:
            self._await_head()  # (first: a request already waiting is handled inside, and stops it)
            super().on_response_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            self._stop_waiting()
            super().connection_lost(exc)

    return Guarded
