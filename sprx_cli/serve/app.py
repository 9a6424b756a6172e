"""`sprx serve`'s web application (Starlette, an ASGI framework; run by uvicorn): the Open Referral
UK 3.0 API under /oruk, answered by interchange/oruk_api.py from the live version's store, and the
published site's files at /. Read-only.

A published site is a link to its live version (site/versions.py). Each request looks the link up
once and is answered wholly from that version, so a publish never mixes two versions in one answer;
the next request sees the new one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from ..interchange.oruk_api import LISTS, BadRequest, NotFound, Store
from ..interchange.oruk_store import STORE_NAME
from ..site.index import FEED
from ..site.versions import hold_live, store_of

API = "/oruk"  # where the API is: http://HOST:PORT/oruk is the base URL to give a validator
MAX_QUERY = 4096  # bytes of query string; longer is refused (414)
JSON_HEADERS = {"Access-Control-Allow-Origin": "*", "X-Content-Type-Options": "nosniff",
                "Cache-Control": "no-cache"}
READ_ONLY = "this server only reads: the published site and its API answer GET (and HEAD), nothing else"
ONE = {"services": "service", "organizations": "organization", "taxonomies": "taxonomy", "taxonomy_terms": "term"}


def json_response(body: bytes, status: int = 200) -> Response:
    """A JSON answer with the API's headers (CORS open to every origin: the data is public)."""
    return Response(body, status, headers=JSON_HEADERS, media_type="application/json; charset=utf-8")


def error(status: int, message: str, parameter: str | None = None, hint: str | None = None) -> Response:
    """A 4xx (or 500) as JSON: what was wrong and, where it was a parameter, which."""
    doc: dict = {"status": status, "error": message}
    if parameter:
        doc["parameter"] = parameter
    if hint:
        doc["hint"] = hint
    answer = json_response((json.dumps(doc, ensure_ascii=False) + "\n").encode("utf-8"), status)
    if status == 405:
        answer.headers["Allow"] = "GET, HEAD"
    return answer


@dataclass
class _Open:
    store: Store
    static: StaticFiles
    users: int = 0  # requests reading it now


class Versions:
    """The versions being served: a published site's live one (followed through its link on every
    request), or one folder. Each version's store is opened once; each request holds its version
    (site/versions.hold_live) until its answer is sent, so that a publish never deletes it under the
    request. A version no longer live is closed when its last request ends."""

    def __init__(self, site: Path):
        self.site = Path(site)
        self._open: dict[Path, _Open] = {}

    @contextmanager
    def live(self) -> Iterator[tuple[Store, StaticFiles]]:
        """The store and files of the version live now, for one request."""
        folder, hold = hold_live(self.site)
        try:
            found = self._open.get(folder)
            if found is None:
                path = store_of(folder, STORE_NAME)
                if not path.is_file():
                    raise NotFound(f"{self.site} has no API store ({STORE_NAME}): publish it again with this sprx")
                found = self._open[folder] = _Open(Store(path, folder / FEED),
                                                   StaticFiles(directory=folder, html=True))
            found.users += 1
            try:
                yield found.store, found.static
            finally:
                found.users -= 1
                for old, version in list(self._open.items()):
                    if old != folder and version.users == 0:
                        del self._open[old]
                        version.store.close()
        finally:
            if hold is not None:
                os.close(hold)


def make_app(site: Path) -> Guard:
    """The application serving the published site (or version folder) `site`."""
    versions = Versions(site)

    def answer(work):
        try:
            with versions.live() as (store, _):
                return json_response(work(store))
        except BadRequest as exc:
            return error(400, exc.message, exc.parameter, exc.hint)
        except NotFound as exc:
            return error(404, exc.message)

    async def root(request: Request) -> Response:
        return answer(lambda s: s.root())

    async def services(request: Request) -> Response:
        return answer(lambda s: s.services(request.query_params))

    async def places(request: Request) -> Response:
        return answer(lambda s: s.places(request.query_params))

    async def place(request: Request) -> Response:
        return answer(lambda s: s.place(request.path_params["id"]))

    def listing(path: str):
        async def endpoint(request: Request) -> Response:
            return answer(lambda s: s.listing(path, request.query_params))
        return endpoint

    def one(path: str):
        async def endpoint(request: Request) -> Response:
            return answer(lambda s: s.one(ONE[path], request.path_params["id"]))
        return endpoint

    async def files(scope, receive, send) -> None:
        try:
            with versions.live() as (_, static):
                await static(scope, receive, send)  # (the version held until its last byte is sent)
        except NotFound as exc:
            await error(404, exc.message)(scope, receive, send)

    routes: list[BaseRoute] = [
        Route(API, root), Route(API + "/", root), Route(API + "/services", services),
        Route(API + "/services/{id}", one("services")), Route(API + "/service_at_locations", places),
        Route(API + "/service_at_locations/{id}", place)]
    for path in LISTS:
        routes += [Route(f"{API}/{path}", listing(path)), Route(f"{API}/{path}/{{id}}", one(path))]
    routes.append(Mount("/", app=files))

    async def http_error(request: Request, exc: HTTPException) -> Response:
        return error(exc.status_code, {404: "nothing here", 405: READ_ONLY}.get(exc.status_code, exc.detail or
                                                                                 "bad request"))

    async def internal(request: Request, exc: Exception) -> Response:
        return error(500, "internal error: the server could not answer; it has been logged")

    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error,  # type: ignore[dict-item]
                                                       Exception: internal})
    return Guard(app)


class Guard:
    """Before the application: a query string longer than MAX_QUERY is refused (414), and only GET
    and HEAD reach the API and the site (405)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            if len(scope.get("query_string", b"")) > MAX_QUERY:
                await error(414, f"the query string is longer than {MAX_QUERY:,} bytes")(scope, receive, send)
                return
            if scope["method"] not in ("GET", "HEAD"):  # (the API's and the site's files alike)
                await error(405, READ_ONLY)(scope, receive, send)
                return
        await self.app(scope, receive, send)
