"""A loopback load for `sprx serve` (issue #39): client processes, each with keep-alive connections
on threads, ask a mix of API requests as fast as they are answered until told to stop; each answer's
time, every failure (a status other than 200, or a broken connection), and which version answered
(the `total_items` of one request kind) are gathered."""

from __future__ import annotations

import http.client
import json
import multiprocessing
import threading
import time
from collections import Counter
from urllib.parse import quote, urlsplit

VERSION_PATH = "/oruk/services?per_page=1"  # its total_items tells the versions apart


def mix(base: str) -> list[str]:
    """The requests asked in turn: pages, an id, searches, places near a postcode, a filter, terms."""
    import urllib.request

    with urllib.request.urlopen(base + "/oruk/services?per_page=5", timeout=30) as r:
        first = json.loads(r.read())
    word = quote(first["contents"][0]["name"].split()[0])
    return [VERSION_PATH, "/oruk/", "/oruk/services", f"/oruk/services/{first['contents'][1]['id']}",
            f"/oruk/services?search={word}", f"/oruk/services?page={max(1, first['total_pages'] // 500)}",
            "/oruk/service_at_locations?postcode=SE1%207PB&proximity=2000", "/oruk/taxonomy_terms",
            "/oruk/services?minimum_age=18&page=2"]


def _connection(base: str) -> http.client.HTTPConnection:
    where = urlsplit(base)
    return http.client.HTTPConnection(where.hostname, where.port, timeout=30)


def _client(base: str, paths: list[str], threads: int, stop, results) -> None:
    times: list[float] = []
    failures: list[str] = []
    versions: Counter = Counter()
    lock = threading.Lock()

    def connection_loop(k: int) -> None:
        conn = _connection(base)
        mine: list[float] = []
        i = k
        while not stop.is_set():
            path = paths[i % len(paths)]
            i += 1
            t0 = time.perf_counter()
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                body = resp.read()
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    failures.append(f"{path}: {exc!r}")
                conn.close()
                conn = _connection(base)
                continue
            mine.append((time.perf_counter() - t0) * 1000)
            if resp.status != 200:
                with lock:
                    failures.append(f"{path}: {resp.status}")
            elif path == VERSION_PATH:
                with lock:
                    versions[json.loads(body)["total_items"]] += 1
        conn.close()
        with lock:
            times.extend(mine)

    workers = [threading.Thread(target=connection_loop, args=(k,)) for k in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    results.put((times, failures, dict(versions)))


def load(base: str, paths: list[str], until, processes: int = 2, threads: int = 8) -> dict:
    """Ask `paths` from `processes` × `threads` connections until `until()` returns: requests per
    second, p50 and p95 in ms, failures (the first five said), answers per version."""
    ctx = multiprocessing.get_context("fork")
    stop, results = ctx.Event(), ctx.Queue()
    clients = [ctx.Process(target=_client, args=(base, paths, threads, stop, results)) for _ in range(processes)]
    start = time.perf_counter()
    for c in clients:
        c.start()
    until()
    stop.set()
    gathered = [results.get(timeout=120) for _ in clients]
    seconds = time.perf_counter() - start
    for c in clients:
        c.join(30)
    times = sorted(t for g in gathered for t in g[0])
    failures = [f for g in gathered for f in g[1]]
    versions: Counter = Counter()
    for g in gathered:
        versions.update(g[2])

    def pct(q: float) -> float:
        return round(times[min(len(times) - 1, int(q * len(times)))], 1) if times else 0.0

    return {"connections": processes * threads, "seconds": round(seconds, 1), "requests": len(times),
            "per_second": round(len(times) / seconds), "p50_ms": pct(0.5), "p95_ms": pct(0.95),
            "failures": len(failures), "failures_said": failures[:5],
            "versions": {str(k): v for k, v in sorted(versions.items())}}
