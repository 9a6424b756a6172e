"""The Open Referral UK API's store: one SQLite file per published version, built once, read by
`sprx serve` (interchange/oruk_api.py) beside the version's static feed. A service's body is the
feed's own file (`services/<id>.json`), never a copy, so the API and the feed cannot disagree and
the store stays small; the store holds what the filters need: facts per service, taxonomy terms,
opening times, a full-text index of the keyword fields (core/keywords.py, FTS5), the places (each
the `at`-th of its service's service_at_locations, its body read from the service's file) and an
R-tree of them (for `postcode` and `proximity`), and the short lists' bodies.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ..core.keywords import label_texts, scheme_words
from ..core.model import Registry, Scheme
from .hsds import BYDAY, text
from .oruk_export import Feed, taxonomies

STORE_NAME = "api.sqlite"  # in a published version's folder
SCHEMA_VERSION = "4"

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE service (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE);
CREATE TABLE service_facts (n INTEGER PRIMARY KEY, minimum_age REAL, maximum_age REAL, assured TEXT);
CREATE TABLE service_term (term_n INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (term_n, n)) WITHOUT ROWID;
CREATE TABLE service_time (day TEXT NOT NULL, opens TEXT, closes TEXT, n INTEGER NOT NULL);
CREATE VIRTUAL TABLE service_text USING fts5(words, content='', tokenize="unicode61 remove_diacritics 0");
CREATE TABLE place (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, service_n INTEGER NOT NULL, at INTEGER NOT NULL,
                    lat REAL, lon REAL);
CREATE VIRTUAL TABLE place_box USING rtree(n, min_lat, max_lat, min_lon, max_lon);
CREATE TABLE organization (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
CREATE TABLE taxonomy (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
CREATE TABLE term (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, taxonomy_id TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE postcode (key TEXT PRIMARY KEY, lat REAL NOT NULL, lon REAL NOT NULL) WITHOUT ROWID;
"""
INSERTS = {"service": "INSERT INTO service VALUES (?, ?)",
           "service_facts": "INSERT INTO service_facts VALUES (?, ?, ?, ?)",
           "service_term": "INSERT OR IGNORE INTO service_term VALUES (?, ?)",
           "service_time": "INSERT INTO service_time VALUES (?, ?, ?, ?)",
           "service_text": "INSERT INTO service_text (rowid, words) VALUES (?, ?)",
           "place": "INSERT INTO place VALUES (?, ?, ?, ?, ?, ?)",
           "place_box": "INSERT INTO place_box VALUES (?, ?, ?, ?, ?)"}
INDEXES = """
CREATE INDEX term_by_taxonomy ON term (taxonomy_id, n);
CREATE INDEX service_time_by_day ON service_time (day, n);
CREATE INDEX place_by_service ON place (service_n);
"""


BATCH = 5_000  # services' rows written at once (a few MB held, not the whole registry's)


def build_store(registry: Registry, path: Path) -> Path:
    """Write the API's store for `registry` to `path` (a new file, written whole then renamed)."""
    feed = Feed(registry)
    store = StoreWriter(registry, path, feed)
    try:
        for scheme, doc in feed.services():
            store.add(scheme, doc)
        return store.finish()
    except BaseException:
        store.discard()
        raise


class StoreWriter:
    """The API's store for the services of `feed`, written to a temporary file beside `path` as each
    service is given (`add`, in the feed's order), renamed to `path` by `finish`."""

    def __init__(self, registry: Registry, path: Path, feed: Feed):
        self.registry, self.path, self.feed = registry, Path(path), feed
        self.tmp = self.path.with_name(f".{self.path.name}.tmp")
        self.tmp.unlink(missing_ok=True)
        self.db = sqlite3.connect(self.tmp)
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN;" + SCHEMA)
        self.labels = label_texts(registry.vocabulary, registry.areas.by_code)
        self.term_n = {d["id"]: n for n, d in enumerate(feed.terms.values(), start=1)}
        self.n = 0
        self.places = 0
        self.rows: dict[str, list] = {table: [] for table in INSERTS}

    def add(self, scheme: Scheme, doc: dict) -> None:
        """The next service of the feed."""
        self.n = n = self.n + 1
        rows = self.rows
        rows["service"].append((n, doc["id"]))
        rows["service_facts"].append((n, doc.get("minimum_age"), doc.get("maximum_age"), doc.get("assured_date")))
        for a in doc.get("attributes", ()):
            if "taxonomy_term_id" in a:
                rows["service_term"].append((self.term_n[a["taxonomy_term_id"]], n))
        schedules = list(doc.get("schedules", ()))
        for sal in doc.get("service_at_locations", ()):
            schedules += sal["location"].get("schedules", ())
        for s in schedules:
            for day in (s.get("byday") or "").split(","):
                if day:
                    rows["service_time"].append((day, s.get("opens_at"), s.get("closes_at"), n))
        rows["service_text"].append((n, scheme_words(scheme, self.labels)))
        for at, sal in enumerate(doc.get("service_at_locations", ())):
            self.places = k = self.places + 1
            loc = sal["location"]
            lat, lon = loc.get("latitude"), loc.get("longitude")
            rows["place"].append((k, sal["id"], n, at, lat, lon))
            if lat is not None and lon is not None:
                rows["place_box"].append((k, lat, lat, lon, lon))
        if n % BATCH == 0:
            self._flush()

    def _flush(self) -> None:
        for table, rows in self.rows.items():
            if rows:
                self.db.executemany(INSERTS[table], rows)
                rows.clear()

    def finish(self) -> Path:
        """The short lists, the indexes, then the file renamed into place."""
        self._flush()
        db, feed = self.db, self.feed
        for table, items in (("organization", feed.organizations()), ("taxonomy", taxonomies())):
            db.executemany(f"INSERT INTO {table} VALUES (?, ?, ?)",
                           ((n, d["id"], text(d)) for n, d in enumerate(items, start=1)))
        db.executemany("INSERT INTO term VALUES (?, ?, ?, ?)",
                       ((n, d["id"], d["taxonomy_id"], text(d)) for n, d in enumerate(feed.terms.values(), start=1)))
        db.executemany("INSERT INTO meta VALUES (?, ?)", [("schema", SCHEMA_VERSION), ("root", text(feed.root)),
                                                           ("days", ",".join(BYDAY.values()))])
        _postcodes(db, self.registry)
        db.commit()
        db.executescript(INDEXES + "ANALYZE;")
        db.commit()
        db.close()
        os.replace(self.tmp, self.path)
        return self.path

    def discard(self) -> None:
        """Let the unfinished file go."""
        self.db.close()
        self.tmp.unlink(missing_ok=True)


def _postcodes(db: sqlite3.Connection, registry: Registry) -> None:
    """The registry's postcode table (the centre of each postcode), for `postcode=`: none without one."""
    if not registry.sources.postcodes:
        return
    from ..geo.postcodes import decimals, load_postcodes

    table = load_postcodes(Path(registry.sources.postcodes))
    keys = [k.decode("ascii", "replace") for k in table.keys.tolist()]
    db.executemany("INSERT OR IGNORE INTO postcode VALUES (?, ?, ?)",
                   zip(keys, decimals(table.lats).tolist(), decimals(table.lons).tolist()))
