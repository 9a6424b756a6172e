"""The Open Referral UK 3.0 API's answers, from a store (oruk_store.py): bytes for each request,
and the two ways a request can be wrong (BadRequest, NotFound), in the API's own words. The HTTP
server (serve/app.py) only routes; every rule of the API is here.

Filters, as the UK profile's OpenAPI describes them: `search` (every word starts a word of the
keyword fields, core/keywords.py), `taxonomy_term_id`, `taxonomy_id`, `minimum_age` (services whose
minimum age is at least it), `maximum_age` (whose maximum age is at most it), `day` with `start_time`
(opening at or after) and `end_time` (closing at or before) on the same opening, `modified_after`
(sprx keeps no edit log: the date a scheme was last verified, `assured_date`); for places also
`postcode` (nearest first) and `proximity` (metres from the postcode's centre).
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
from datetime import date, datetime
from pathlib import Path
from collections.abc import Mapping

from ..core.errors import SprxError
from ..core.keywords import stem, words
from .hsds import BYDAY, listed, page_bytes, text
from .oruk_store import SCHEMA_VERSION

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 1000
MAX_PAGE = 1_000_000_000  # (a page past the last is empty; past this, a number SQLite's offsets cannot take)
MAX_WORDS = 32  # in `search`
MAX_PROXIMITY_M = 1_000_000
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d)?$")
_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}$")
_DAYS = {**{v.lower(): v for v in BYDAY.values()}, **BYDAY,
         **{name: BYDAY[name[:3]] for name in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                               "sunday")}}
LISTS = {"organizations": "organization", "taxonomies": "taxonomy", "taxonomy_terms": "term"}  # path -> table


class BadRequest(SprxError):
    """A query parameter the API cannot answer (`parameter` names it); HTTP 400."""

    def __init__(self, parameter: str | None, message: str, hint: str | None = None):
        super().__init__(message, hint)
        self.parameter = parameter


class NotFound(SprxError):
    """No such thing (an unknown id or path); HTTP 404."""


def _one(params: Mapping[str, str], name: str) -> str | None:
    value = params.get(name)
    return None if value is None or value.strip() == "" else value.strip()


def _float(value: str) -> float:
    """The number written, or NaN (which no range holds)."""
    try:
        return float(value)
    except ValueError:
        return math.nan


def _integer(params: Mapping[str, str], name: str, default: int, largest: int = MAX_PAGE) -> int:
    value = _one(params, name)
    if value is None:
        return default
    if not value.isascii() or not value.isdigit() or not value.lstrip("0"):
        raise BadRequest(name, f"{name} must be a whole number from 1, not {value[:40]!r}")
    if len(value.lstrip("0")) > len(str(largest)) or int(value) > largest:  # (read no number of 5,000 digits)
        raise BadRequest(name, f"{name} must be at most {largest:,}, not {value[:40]}")
    return int(value)


def _number(params: Mapping[str, str], name: str, low: float = 0, high: float = 200) -> float | None:
    value = _one(params, name)
    if value is None:
        return None
    number = _float(value)
    if not (low <= number <= high):
        raise BadRequest(name, f"{name} must be a number from {low:g} to {high:g}, not {value[:40]!r}")
    return number


def _metres(params: Mapping[str, str]) -> float | None:
    value = _one(params, "proximity")
    if value is None:
        return None
    reach = _float(value)
    if not (0 < reach <= MAX_PROXIMITY_M):
        raise BadRequest("proximity", f"proximity must be a distance in metres above 0 and at most "
                                      f"{MAX_PROXIMITY_M:,}, not {value[:40]!r}")
    return reach


def _time(params: Mapping[str, str], name: str) -> str | None:
    value = _one(params, name)
    if value is None:
        return None
    if not _TIME.match(value):
        raise BadRequest(name, f"{name} must be a time as HH:MM, not {value[:40]!r}")
    return value[:5]


def _day(params: Mapping[str, str]) -> str | None:
    value = _one(params, "day")
    if value is None:
        return None
    day = _DAYS.get(value.lower())
    if day is None:
        raise BadRequest("day", f"day must be a day of the week (MO to SU, or its name), not {value[:40]!r}")
    return day


def _date(params: Mapping[str, str], name: str) -> str | None:
    value = _one(params, name)
    if value is None:
        return None
    try:
        when = (datetime.fromisoformat(value.replace("Z", "+00:00")).date() if "T" in value or " " in value
                else date.fromisoformat(value))
    except ValueError:
        raise BadRequest(name, f"{name} must be a date or date-time (e.g. 2026-01-31 or 2026-01-31T09:00:00Z), "
                               f"not {value[:40]!r}") from None
    return when.isoformat()


def service_filter(params: Mapping[str, str]) -> tuple[list[str], list]:
    """SQL conditions on service_facts `f` (and their arguments) for the service filters asked for."""
    where: list[str] = []
    args: list[object] = []
    query = params.get("search")
    if query is not None:
        found = words(query)
        if len(found) > MAX_WORDS:
            raise BadRequest("search", f"search has {len(found)} words; at most {MAX_WORDS} are searched for")
        if found:
            where.append("f.n IN (SELECT rowid FROM service_text WHERE service_text MATCH ?)")
            args.append(" AND ".join(f'"{stem(w)}"*' for w in found))
    for name, column in (("taxonomy_term_id", "id"), ("taxonomy_id", "taxonomy_id")):
        if (value := _one(params, name)) is not None:
            where.append("f.n IN (SELECT st.n FROM service_term st JOIN term t ON t.n = st.term_n "
                         f"WHERE t.{column} = ?)")
            args.append(value)
    if (low := _number(params, "minimum_age")) is not None:
        where.append("f.minimum_age >= ?")
        args.append(low)
    if (high := _number(params, "maximum_age")) is not None:
        where.append("f.maximum_age <= ?")
        args.append(high)
    day, opens, closes = _day(params), _time(params, "start_time"), _time(params, "end_time")
    if day or opens or closes:
        parts = [c for c, v in (("day = ?", day), ("opens >= ?", opens), ("closes <= ?", closes)) if v]
        where.append(f"f.n IN (SELECT n FROM service_time WHERE {' AND '.join(parts)})")
        args += [v for v in (day, opens, closes) if v]
    if (after := _date(params, "modified_after")) is not None:
        where.append("f.assured >= ?")
        args.append(after)
    return where, args


def _marks(ns: list[int]) -> str:
    """The placeholders of `n IN (...)` for these numbers."""
    return ",".join("?" * len(ns))


def _box(centre: tuple[float, float], metres: float) -> list[float]:
    """The square around `centre` that holds every point within `metres`: min and max lat, lon."""
    lat, lon = centre
    dlat = metres / 111_195.0 * 1.001
    dlon = dlat / max(0.01, math.cos(math.radians(min(89.0, abs(lat) + dlat))))
    return [lat - dlat, lat + dlat, lon - dlon, lon + dlon]


class Store:
    """One published version's API store, opened read-only (neither it nor the feed beside it ever
    changes once built), and that version's static feed, `feed`: the services' bodies are its files."""

    def __init__(self, path: Path, feed: Path):
        self.path = Path(path)
        self.services_folder = Path(feed) / "services"
        self.db = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        try:
            made = self.db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except sqlite3.DatabaseError:
            made = None
        if made is None or made[0] != SCHEMA_VERSION:
            self.db.close()
            raise NotFound(f"the API's store {self.path} was made by another version of sprx: publish the site "
                           "again with this one")
        self.services_total = self.db.execute("SELECT COUNT(*) FROM service").fetchone()[0]
        self._all_places = None

    def close(self) -> None:
        """Let the file go."""
        self.db.close()

    def root(self) -> bytes:
        """GET /: the API's version, profile and OpenAPI document."""
        return (self.db.execute("SELECT value FROM meta WHERE key = 'root'").fetchone()[0] + "\n").encode("utf-8")

    def _paging(self, params: Mapping[str, str]) -> tuple[int, int]:
        return _integer(params, "page", 1), _integer(params, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)

    def services(self, params: Mapping[str, str]) -> bytes:
        """GET /services: a page of services in their list form (hsds.listed), in the feed's order, filtered."""
        number, size = self._paging(params)
        where, args = service_filter(params)
        offset = (number - 1) * size
        if not where:  # services are numbered 1..N in order: a page is a range
            total = self.services_total
            ns = list(range(offset + 1, min(offset + size, total) + 1))
        else:
            cond = " AND ".join(where)
            total = self.db.execute(f"SELECT COUNT(*) FROM service_facts f WHERE {cond}", args).fetchone()[0]
            ns = [r[0] for r in self.db.execute(f"SELECT f.n FROM service_facts f WHERE {cond} ORDER BY f.n "
                                                "LIMIT ? OFFSET ?", [*args, size, offset])]
        listing = [text(listed(json.loads(body))) for body in self._service_bodies(ns)]
        return page_bytes(listing, number, size, total)

    def _ids(self, ns: list[int]) -> list[str]:
        rows = dict(self.db.execute(f"SELECT n, id FROM service WHERE n IN ({_marks(ns)})", ns))
        return [rows[n] for n in ns]

    def _service_file(self, id_: str) -> str:
        """A service's body: the feed's file of it (the store only holds ids the feed has written)."""
        return (self.services_folder / f"{id_}.json").read_text(encoding="utf-8")[:-1]

    def _service_bodies(self, ns: list[int]) -> list[str]:
        return [self._service_file(i) for i in self._ids(ns)] if ns else []

    def _place_bodies(self, ns: list[int]) -> list[str]:
        """Each place as its service's file has it (a service read once for all its places here)."""
        if not ns:
            return []
        rows = {n: (sid, at) for n, sid, at in self.db.execute(
            f"SELECT p.n, s.id, p.at FROM place p JOIN service s ON s.n = p.service_n WHERE p.n IN ({_marks(ns)})",
            ns)}
        services: dict[str, dict] = {}
        out = []
        for n in ns:
            sid, at = rows[n]
            if sid not in services:
                services[sid] = json.loads(self._service_file(sid))
            out.append(text(services[sid]["service_at_locations"][at]))
        return out

    def _bodies(self, table: str, ns: list[int]) -> list[str]:
        if not ns:
            return []
        rows = dict(self.db.execute(f"SELECT n, body FROM {table} WHERE n IN ({_marks(ns)})", ns))
        return [rows[n] for n in ns]

    def one(self, table: str, id_: str) -> bytes:
        """GET /services/{id} (and the organizations', taxonomies' and terms'): one whole document."""
        if table == "service":
            found = self.db.execute("SELECT id FROM service WHERE id = ?", (id_,)).fetchone()
            row = None if found is None else (self._service_file(found[0]),)
        else:
            row = self.db.execute(f"SELECT body FROM {table} WHERE id = ?", (id_,)).fetchone()
        if row is None:
            raise NotFound(f"no {table.replace('_', ' ')} has the id {id_[:80]!r}")
        return (row[0] + "\n").encode("utf-8")

    def listing(self, path: str, params: Mapping[str, str]) -> bytes:
        """GET /organizations, /taxonomies, /taxonomy_terms: a page, in the feed's order."""
        table = LISTS[path]
        number, size = self._paging(params)
        total = self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        rows = self.db.execute(f"SELECT body FROM {table} ORDER BY n LIMIT ? OFFSET ?", (size, (number - 1) * size))
        return page_bytes([r[0] for r in rows], number, size, total)

    def _centre(self, params: Mapping[str, str]) -> tuple[float, float] | None:
        value = _one(params, "postcode")
        if value is None:
            return None
        from ..geo.postcodes import pcd

        written = " ".join(value.upper().split())
        if not _POSTCODE.match(written):
            raise BadRequest("postcode", f"postcode {value[:40]!r} is not a UK postcode")
        row = self.db.execute("SELECT lat, lon FROM postcode WHERE key = ?", (pcd(written),)).fetchone()
        if row is None:
            has_any = self.db.execute("SELECT 1 FROM postcode LIMIT 1").fetchone()
            raise BadRequest("postcode", f"postcode {written} is not in this directory's postcode table" if has_any
                             else "this directory has no postcode table, so it cannot search by postcode")
        return row

    def places(self, params: Mapping[str, str]) -> bytes:
        """GET /service_at_locations: a page of places (a service at one location), the service
        filters applied to each place's service; with `postcode`, nearest first (`proximity`: within
        that many metres of the postcode's centre)."""
        number, size = self._paging(params)
        where, args = service_filter(params)
        centre = self._centre(params)
        reach = _metres(params)
        if reach is not None and centre is None:
            raise BadRequest("proximity", "proximity needs a postcode: the distance is from the postcode's centre")
        cond = " AND ".join(where) or "1"
        base = f"FROM place p JOIN service_facts f ON f.n = p.service_n WHERE {cond}"
        offset = (number - 1) * size
        if centre is None:
            total = self.db.execute(f"SELECT COUNT(*) {base}", args).fetchone()[0]
            ns = [r[0] for r in self.db.execute(f"SELECT p.n {base} ORDER BY p.n LIMIT ? OFFSET ?",
                                                [*args, size, offset])]
        else:
            total, ns = self._nearest(cond, args, centre, reach, offset, size)
        return page_bytes(self._place_bodies(ns), number, size, total)

    def _nearest(self, cond: str, args: list, centre: tuple[float, float], reach: float | None, offset: int,
                 size: int) -> tuple[int, list[int]]:
        """(how many, this page's places) nearest `centre` first, ties by the feed's order: within
        `reach` (the R-tree's square around the centre, then each distance), or every place (those
        without coordinates last), the distances worked out over whole arrays."""
        import numpy as np

        chosen = None if cond == "1" else np.fromiter(
            (r[0] for r in self.db.execute(f"SELECT f.n FROM service_facts f WHERE {cond}", args)), dtype=np.int64)
        if reach is not None:
            rows = self.db.execute("SELECT p.n, p.service_n, p.lat, p.lon FROM place_box b JOIN place p ON p.n = b.n "
                                   "WHERE b.min_lat >= ? AND b.max_lat <= ? AND b.min_lon >= ? AND b.max_lon <= ?",
                                   _box(centre, reach)).fetchall()
            places = np.array(rows, dtype=float).reshape(-1, 4)
        else:
            places = self._places()
        keep = np.ones(len(places), dtype=bool) if chosen is None else np.isin(places[:, 1].astype(np.int64), chosen)
        from ..geo.postcodes import distances_m

        far = distances_m(places[:, 2], places[:, 3], *centre)
        if reach is not None:
            keep &= far <= reach
        far = np.where(np.isnan(far), np.inf, far)  # (no coordinates: last)
        picked = np.flatnonzero(keep)
        order = picked[np.lexsort((places[picked, 0], far[picked]))]
        return len(picked), places[order[offset:offset + size], 0].astype(np.int64).tolist()

    def _places(self):
        """Every place as an array of (n, service n, lat, lon), NaN where it has no coordinates (read once)."""
        if self._all_places is None:
            import numpy as np

            rows = self.db.execute("SELECT n, service_n, lat, lon FROM place ORDER BY n").fetchall()
            self._all_places = np.array([(n, s, np.nan if a is None else a, np.nan if o is None else o)
                                         for n, s, a, o in rows], dtype=float).reshape(-1, 4)
        return self._all_places

    def place(self, id_: str) -> bytes:
        """GET /service_at_locations/{id}: the place with its whole service (as the UK profile's
        compiled service_at_location nests it)."""
        row = self.db.execute("SELECT s.id, p.at FROM place p JOIN service s ON s.n = p.service_n WHERE p.id = ?",
                              (id_,)).fetchone()
        if row is None:
            raise NotFound(f"no service at location has the id {id_[:80]!r}")
        service = self._service_file(row[0])  # (read once: the place is in it)
        own = text(json.loads(service)["service_at_locations"][row[1]])
        return (own[:-1] + ', "service": ' + service + "}\n").encode("utf-8")
