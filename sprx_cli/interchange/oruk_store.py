"""The Open Referral UK API's store: one SQLite file per published version, built once, read by
`sprx serve` (interchange/oruk_api.py) beside the version's static feed. A service's body is the
feed's own file (`services/<id>.json`), never a copy, so the API and the feed cannot disagree and
the store stays small; the store holds what the filters need: facts per service, taxonomy terms,
opening times, a full-text index of the keyword fields (core/keywords.py, FTS5), the places and an
R-tree of them (for `postcode` and `proximity`), and the short lists' bodies.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ..core.keywords import fold, label_texts, scheme_texts
from ..core.model import Registry
from .hsds import BYDAY, text
from .oruk_export import feed_documents

STORE_NAME = "api.sqlite"  # in a published version's folder
SCHEMA_VERSION = "3"

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE service (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE);
CREATE TABLE service_facts (n INTEGER PRIMARY KEY, minimum_age REAL, maximum_age REAL, assured TEXT);
CREATE TABLE service_term (term_n INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (term_n, n)) WITHOUT ROWID;
CREATE TABLE service_time (day TEXT NOT NULL, opens TEXT, closes TEXT, n INTEGER NOT NULL);
CREATE VIRTUAL TABLE service_text USING fts5(words, content='', tokenize="unicode61 remove_diacritics 0");
CREATE TABLE place (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, service_n INTEGER NOT NULL, lat REAL, lon REAL);
CREATE TABLE place_body (n INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE VIRTUAL TABLE place_box USING rtree(n, min_lat, max_lat, min_lon, max_lon);
CREATE TABLE organization (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
CREATE TABLE taxonomy (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
CREATE TABLE term (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, taxonomy_id TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE postcode (key TEXT PRIMARY KEY, lat REAL NOT NULL, lon REAL NOT NULL) WITHOUT ROWID;
"""
INDEXES = """
CREATE INDEX term_by_taxonomy ON term (taxonomy_id, n);
CREATE INDEX service_time_by_day ON service_time (day, n);
CREATE INDEX place_by_service ON place (service_n);
"""


def build_store(registry: Registry, path: Path, docs: dict | None = None) -> Path:
    """Write the API's store for `registry` to `path` (a new file, written whole then renamed);
    `docs`: oruk_export.feed_documents' answer, when already made."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        _fill(db, registry, docs or feed_documents(registry))
        db.executescript(INDEXES + "ANALYZE;")
        db.commit()
    finally:
        db.close()
    os.replace(tmp, path)
    return path


def _fill(db: sqlite3.Connection, registry: Registry, docs: dict) -> None:
    labels = label_texts(registry.vocabulary, registry.areas.by_code)
    term_n = {d["id"]: n for n, d in enumerate(docs["terms"], start=1)}
    services: list = []
    facts: list = []
    terms: list = []
    times: list = []
    words: list = []
    places: list = []
    boxes: list = []
    for n, (scheme, doc) in enumerate(docs["services"], start=1):
        services.append((n, doc["id"]))
        facts.append((n, doc.get("minimum_age"), doc.get("maximum_age"), doc.get("assured_date")))
        for a in doc.get("attributes", ()):
            if "taxonomy_term_id" in a:
                terms.append((term_n[a["taxonomy_term_id"]], n))
        schedules = list(doc.get("schedules", ()))
        for sal in doc.get("service_at_locations", ()):
            schedules += sal["location"].get("schedules", ())
        for s in schedules:
            for day in (s.get("byday") or "").split(","):
                if day:
                    times.append((day, s.get("opens_at"), s.get("closes_at"), n))
        words.append((n, fold(" ".join(scheme_texts(scheme, labels)))))
        for sal in doc.get("service_at_locations", ()):
            k = len(places) + 1
            loc = sal["location"]
            lat, lon = loc.get("latitude"), loc.get("longitude")
            places.append((k, sal["id"], n, lat, lon, text(sal)))
            if lat is not None and lon is not None:
                boxes.append((k, lat, lat, lon, lon))
    db.executemany("INSERT INTO service VALUES (?, ?)", services)
    db.executemany("INSERT INTO service_facts VALUES (?, ?, ?, ?)", facts)
    db.executemany("INSERT OR IGNORE INTO service_term VALUES (?, ?)", sorted(terms))
    db.executemany("INSERT INTO service_time VALUES (?, ?, ?, ?)", times)
    db.executemany("INSERT INTO service_text (rowid, words) VALUES (?, ?)", words)
    db.executemany("INSERT INTO place VALUES (?, ?, ?, ?, ?)", (row[:5] for row in places))
    db.executemany("INSERT INTO place_body VALUES (?, ?)", ((row[0], row[5]) for row in places))
    db.executemany("INSERT INTO place_box VALUES (?, ?, ?, ?, ?)", boxes)
    for table, items in (("organization", docs["organizations"]), ("taxonomy", docs["taxonomies"])):
        db.executemany(f"INSERT INTO {table} VALUES (?, ?, ?)",
                       ((n, d["id"], text(d)) for n, d in enumerate(items, start=1)))
    db.executemany("INSERT INTO term VALUES (?, ?, ?, ?)",
                   ((n, d["id"], d["taxonomy_id"], text(d)) for n, d in enumerate(docs["terms"], start=1)))
    db.executemany("INSERT INTO meta VALUES (?, ?)", [("schema", SCHEMA_VERSION), ("root", text(docs["root"])),
                                                       ("days", ",".join(BYDAY.values()))])
    _postcodes(db, registry)


def _postcodes(db: sqlite3.Connection, registry: Registry) -> None:
    """The registry's postcode table (the centre of each postcode), for `postcode=`: none without one."""
    if not registry.sources.postcodes:
        return
    from ..geo.postcodes import decimals, load_postcodes

    table = load_postcodes(Path(registry.sources.postcodes))
    keys = [k.decode("ascii", "replace") for k in table.keys.tolist()]
    db.executemany("INSERT OR IGNORE INTO postcode VALUES (?, ?, ?)",
                   zip(keys, decimals(table.lats).tolist(), decimals(table.lons).tolist()))
