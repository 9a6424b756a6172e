"""Field-by-field checks that turn raw registry records into `Scheme`s."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from .areas import Areas
from .problems import Problem
from .registry import (CSV_LOCATION_COLUMNS, LIST_FIELDS, LOCATION_FIELDS, REQUIRED_FIELDS, SCHEME_FIELDS,
                       STATUSES, CsvTable, Location, RawRecord, RawRegistry, Scheme, _short, _unknown_field,
                       did_you_mean)
from .vocabulary import Vocabulary
from .yamlload import YList, YMap

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
POSTCODE = re.compile(
    r"^(GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKMNP-Z]? ?[0-9][ABD-HJLNP-UW-Z]{2})$", re.I)
EMAIL = re.compile(r"^[^@\s<>\"'(),;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
VOCAB_FIELDS = {"categories": "categories", "referral_routes": "referral_routes",
                "target_groups": "target_groups"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WEBSITE = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d+)?(?:[/?#][^\s]*)?$", re.I)  # fast path; urlsplit decides the rest


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def _memo_key(raw: Any):
    """A hashable key for a raw value made only of text, else None (not cached)."""
    if type(raw) is str:
        return raw
    if isinstance(raw, list) and all(type(v) is str for v in raw):
        return tuple(raw)
    return None


class _Checker:
    def __init__(self, rec: RawRecord, areas: Areas, vocab: Vocabulary, today: date,
                 problems: list[Problem], memo: dict | None = None):
        self.rec, self.areas, self.vocab, self.today = rec, areas, vocab, today
        # Registries repeat the same few borough lists, category lists and dates: a value that
        # checked clean once is clean every time, so its result is remembered for this run.
        self.memo = memo if memo is not None else {}
        self.problems = problems
        self.ok = True
        label = rec.data.get("id") if isinstance(rec.data.get("id"), str) else None
        self.who = f"scheme '{label}'" if label else f"scheme {rec.index + 1}"

    def error(self, code: str, message: str, field: str | None, value: Any = None, hint: str | None = None,
              item: int | None = None, sub: str | None = None, severity: str = "error") -> None:
        if severity == "error":
            self.ok = False
        self.problems.append(Problem(code, f"{self.who}: {message}", self.rec.at(field, item, sub),
                                     severity, field if sub is None else f"{field}.{sub}",
                                     _short(value) if value is not None else None, hint))

    def text(self, field: str, value: Any, item: int | None = None, sub: str | None = None) -> str | None:
        if type(value) is str:  # the common case, first
            return value.strip() or None
        if value is None:
            return None
        if isinstance(value, (YMap, YList, dict, list)):
            kind = "a list" if isinstance(value, list) else "a mapping"
            self.error("wrong-type", f"'{field if sub is None else sub}' should be text, not {kind}",
                       field, value, "write it on one line as 'field: value' (quote it if it contains ': ')",
                       item, sub)
            return None
        value = value.strip()
        return value or None

    def text_list(self, field: str) -> tuple[list[str], list[int]]:
        value = self.rec.data.get(field)
        if value is None:
            return [], []
        if isinstance(value, str):  # a single value is a one-item list
            value = [value]
        if not isinstance(value, list):
            self.error("wrong-type", f"'{field}' should be a list, not a mapping", field, value,
                       f"write it as '{field}: [first, second]' or one '- item' per line")
            return [], []
        out, idx = [], []
        for i, item in enumerate(value):
            t = self.text(field, item, i)
            if t is not None:
                out.append(t)
                idx.append(i)
        return out, idx

    def run(self) -> Scheme | None:
        d = self.rec.data
        for key in d:
            if key not in SCHEME_FIELDS:
                self.ok = False
                self.problems.append(_unknown_field(key, SCHEME_FIELDS, self.rec.at(key)))
        for key in REQUIRED_FIELDS:
            value = d.get(key)
            if value is None or (isinstance(value, (str, list)) and not (value.strip() if isinstance(value, str) else value)):
                self.error("missing-field", f"required field '{key}' is missing or empty",
                           key if key in d else None, None,
                           {"id": "add 'id: a-short-slug' (lowercase letters, digits, hyphens)",
                            "name": "add 'name: ...' with the scheme's name",
                            "boroughs": "add 'boroughs: [...]' with the borough(s) it serves"}[key])
        texts = {f: self.text(f, d.get(f)) for f in ("id", "name", "provider", "description", "website",
                                                      "email", "phone", "status", "last_verified")}
        sid = texts["id"]
        if sid is not None and not SLUG.match(sid):
            suggestion = slugify(sid)
            self.error("invalid-id", f"id {sid!r} is not a slug", "id", sid,
                       "use lowercase letters, digits and single hyphens" +
                       (f", e.g. '{suggestion}'" if suggestion else ""))
        boroughs = self.boroughs()
        lists = {f: self.vocab_list(f) for f in VOCAB_FIELDS}
        locations = self.locations()
        website = texts["website"]
        if website is not None and not WEBSITE.match(website):
            try:
                parts = urlsplit(website)
            except ValueError:  # e.g. an unclosed '[' of an IPv6 address
                parts = urlsplit("")
            if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in website:
                self.error("invalid-website", f"website {website!r} is not an http(s) address", "website",
                           website, "write the full address, e.g. https://example.org/")
        email = texts["email"]
        if email is not None and not EMAIL.match(email.removeprefix("mailto:")):
            self.error("invalid-email", f"email {email!r} is not an email address", "email", email,
                       "write one address like name@example.org")
        email = email.removeprefix("mailto:") if email else None
        status = texts["status"] or "active"
        if status.lower() not in STATUSES:
            guess = did_you_mean(status.lower(), STATUSES)
            self.error("invalid-status", f"status {status!r} is not one of {', '.join(STATUSES)}", "status",
                       status, f"did you mean '{guess}'?" if guess else f"use one of {', '.join(STATUSES)}")
        verified = self.date("last_verified", texts["last_verified"])
        if not self.ok:
            return None
        return Scheme(
            id=sid, name=texts["name"], boroughs=tuple(boroughs), provider=texts["provider"],
            description=texts["description"], categories=tuple(lists["categories"]),
            referral_routes=tuple(lists["referral_routes"]), target_groups=tuple(lists["target_groups"]),
            locations=tuple(locations), website=website, email=email, phone=texts["phone"],
            status=status.lower(), last_verified=verified)

    def _memoised(self, field: str, compute):
        raw = self.rec.data.get(field)
        key = _memo_key(raw)
        if key is not None:
            hit = self.memo.get((field, key))
            if hit is not None:
                return hit
        before = len(self.problems)
        result = compute()
        if key is not None and len(self.problems) == before:
            self.memo[(field, key)] = result
        return result

    def boroughs(self) -> list[str]:
        return self._memoised("boroughs", self._boroughs)

    def _boroughs(self) -> list[str]:
        names, idx = self.text_list("boroughs")
        codes: list[str] = []
        for name, i in zip(names, idx):
            code = self.areas.resolve(name)
            if code is None:
                if not self.areas.areas:
                    continue  # the area registry itself is broken; reported there
                guess = self.areas.suggest(name)
                self.error("unknown-borough", f"unknown borough {name!r}", "boroughs", name,
                           f"did you mean '{guess}'?" if guess else
                           f"use a name, alias or GSS code from {self.areas.source}", i)
            elif code in codes:
                self.error("duplicate-value", f"borough {name!r} is listed twice", "boroughs", name,
                           "remove the repeated borough", i, severity="warning")
            else:
                codes.append(code)
        return codes

    def vocab_list(self, field: str) -> list[str]:
        return self._memoised(field, lambda: self._vocab_list(field))

    def _vocab_list(self, field: str) -> list[str]:
        keys, idx = self.text_list(field)
        terms = self.vocab.terms(VOCAB_FIELDS[field])
        out: list[str] = []
        for key, i in zip(keys, idx):
            if key in terms:
                if key not in out:
                    out.append(key)
                continue
            if not terms:
                continue  # vocabulary itself is broken; reported there
            by_label = {t.label.casefold(): t.key for t in terms.values()}
            guess = by_label.get(key.casefold()) or did_you_mean(key.lower().replace(" ", "-"), list(terms))
            self.error("unknown-term", f"{key!r} is not a key in the {field.replace('_', ' ')} list", field,
                       key, (f"did you mean '{guess}'?" if guess else
                             f"use one of: {', '.join(terms)} (see {self.vocab.source})"), i)
        return out

    def date(self, field: str, text: str | None) -> date | None:
        if text is None:
            return None
        hit = self.memo.get((field, text))
        if hit is not None:
            return hit
        try:
            if not ISO_DATE.match(text):
                raise ValueError
            value = date.fromisoformat(text)
        except ValueError:
            self.error("invalid-date", f"{field} {text!r} is not a date in YYYY-MM-DD form", field, text,
                       "write dates as year-month-day, e.g. 2025-03-31")
            return None
        if value > self.today:
            self.error("future-date", f"{field} {text} is in the future", field, text,
                       "write the date the entry was last checked (today or earlier)")
            return None
        self.memo[(field, text)] = value
        return value

    def locations(self) -> list[Location]:
        value = self.rec.data.get("locations")
        if value is None:
            return []
        if not isinstance(value, list):
            self.error("wrong-type", "'locations' should be a list of places", "locations", value,
                       "write each place as '- name: ...' with address, postcode, lat, lon under it")
            return []
        out = []
        for i, item in enumerate(value):
            if item is None:
                continue
            if not isinstance(item, dict):
                self.error("wrong-type", f"location {i + 1} should be a mapping of name, address, postcode, lat, lon",
                           "locations", item, "write each place as '- name: ...' with indented fields", i)
                continue
            for key in item:
                if key not in LOCATION_FIELDS:
                    self.ok = False
                    self.problems.append(_unknown_field(key, LOCATION_FIELDS, self.rec.at("locations", i, key)))
            t = {f: self.text("locations", item.get(f), i, f) for f in LOCATION_FIELDS}
            postcode = t["postcode"]
            if postcode is not None:
                if not POSTCODE.match(postcode):
                    self.error("invalid-postcode", f"postcode {postcode!r} is not a UK postcode",
                               "locations", postcode, "write a full postcode such as SW1A 1AA", i, "postcode")
                else:
                    compact = postcode.replace(" ", "").upper()
                    postcode = f"{compact[:-3]} {compact[-3:]}"
            lat, lon = self.coordinates(t["lat"], t["lon"], i)
            out.append(Location(t["name"], t["address"], postcode, lat, lon))
        return out

    def coordinates(self, lat_text: str | None, lon_text: str | None, i: int) -> tuple[float | None, float | None]:
        if lat_text is None and lon_text is None:
            return None, None
        if lat_text is None or lon_text is None:
            have, missing = ("lat", "lon") if lon_text is None else ("lon", "lat")
            self.error("coordinate-incomplete", f"location {i + 1} has {have} but no {missing}", "locations",
                       lat_text if lon_text is None else lon_text,
                       "give both lat and lon, or neither", i, have)
            return None, None
        values = []
        for name, text, limit in (("lat", lat_text, 90), ("lon", lon_text, 180)):
            try:
                v = float(text.replace("\u2212", "-"))
            except ValueError:
                self.error("coordinate-invalid", f"{name} {text!r} is not a number", "locations", text,
                           "write decimal degrees, e.g. lat: 51.5074, lon: -0.1278", i, name)
                values.append(None)
                continue
            if not math.isfinite(v):
                self.error("coordinate-invalid", f"{name} {text!r} is not a finite number", "locations", text,
                           "write decimal degrees, e.g. lat: 51.5074, lon: -0.1278", i, name)
                values.append(None)
            elif abs(v) > limit:
                hint = ("latitude and longitude look swapped, or this is not in degrees"
                        if name == "lat" else "longitude is between -180 and 180 degrees")
                self.error("coordinate-out-of-range", f"{name} {v:g} is outside -{limit}..{limit}", "locations",
                           text, hint, i, name)
                values.append(None)
            else:
                values.append(v)
        if values[0] is not None and values[1] is not None and values[0] == 0 and values[1] == 0:
            self.error("coordinate-placeholder", "lat 0, lon 0 is a placeholder, not a place", "locations",
                       "0, 0", "give the real coordinates, or remove lat and lon", i, "lat")
            return None, None
        if None in values:
            return None, None
        return values[0], values[1]


_BAD = object()  # the fast lane's verdict on a value it leaves to the full checker
_SCHEME_KEYS = frozenset(SCHEME_FIELDS)
_LOCATION_KEYS = frozenset(LOCATION_FIELDS)
_TEXT_FIELDS = ("id", "name", "provider", "description", "website", "email", "phone", "status",
                "last_verified")


def _texts(column) -> list:
    """Text values as the full checker keeps them (stripped, '' -> None); _BAD for non-text."""
    if type(column) is tuple:  # a CSV column: cells are always text
        return [v.strip() or None for v in column]
    return [v.strip() or None if type(v) is str else (None if v is None else _BAD) for v in column]


def _list_key(value: Any):
    """A hashable stand-in for a list field's raw value; _BAD when it holds more than text."""
    if value is None or type(value) is str:
        return value
    key = _memo_key(value) if isinstance(value, list) else None
    return _BAD if key is None else key


class _FastLane:
    """Builds the `Scheme`s of the records the full checker would accept without a word.

    A large registry is mostly clean, and a clean record needs no positions, hints or
    suggestions, so this lane works column by column: each column's values are judged with the
    same rules as `_Checker`, values that repeat (borough and category lists, statuses, dates)
    once per distinct spelling. At the first doubt about a value its record is marked, and
    `_Checker` finds and words every problem in it. The lane may therefore only ever accept less
    than the full checker, and must build the identical `Scheme` (tests/test_fast_lane.py).
    """

    def __init__(self, areas: Areas, vocab: Vocabulary, today: date):
        self.areas, self.vocab, self.today = areas, vocab, today

    def run(self, raw: RawRegistry) -> tuple[list[Scheme | None], list[str | None]]:
        """A scheme per record (None: needs the full checker) and each record's id text."""
        n = len(raw)
        bad: set[int] = set()
        if raw.table is not None:
            table = raw.table
            cols = {f: table.column(f) or ("",) * n for f in (*_TEXT_FIELDS, *LIST_FIELDS)}
            split = True
            locations = self._csv_locations(table, n)
        else:
            datas = [r.data for r in raw.records]
            bad.update(k for k, d in enumerate(datas) if not d.keys() <= _SCHEME_KEYS)
            cols = {f: [d.get(f) for d in datas] for f in (*_TEXT_FIELDS, *LIST_FIELDS)}
            split = False
            locations = [self._locations(d.get("locations")) for d in datas]
        texts = {f: _texts(cols[f]) for f in _TEXT_FIELDS}
        ids = texts["id"]
        slug = SLUG.match
        bad.update(k for k, v in enumerate(ids) if v is None or v is _BAD or not slug(v))
        bad.update(k for k, v in enumerate(texts["name"]) if v is None or v is _BAD)
        for f in ("provider", "description", "phone"):
            bad.update(k for k, v in enumerate(texts[f]) if v is _BAD)
        website = WEBSITE.match
        bad.update(k for k, v in enumerate(texts["website"]) if v is not None and (v is _BAD or not website(v)))
        emails = [v.removeprefix("mailto:") if type(v) is str else v for v in texts["email"]]
        email = EMAIL.match
        bad.update(k for k, v in enumerate(emails) if v is not None and (v is _BAD or not email(v)))
        status = self._judged(texts["status"], self._status)
        verified = self._judged(texts["last_verified"], self._date)
        lists = {f: self._judged([_list_key(v) for v in cols[f]] if not split else cols[f],
                                 lambda key, f=f: self._list(f, key, split))
                 for f in LIST_FIELDS}
        judged = (status, verified, locations, *lists.values())
        for column in judged:
            bad.update(k for k, v in enumerate(column) if v is _BAD)
        schemes = [None if k in bad else Scheme(*values) for k, values in enumerate(zip(
            ids, texts["name"], lists["boroughs"], texts["provider"], texts["description"],
            lists["categories"], lists["referral_routes"], lists["target_groups"], locations,
            texts["website"], emails, texts["phone"], status, verified))]
        return schemes, [v if type(v) is str else None for v in ids]

    @staticmethod
    def _judged(keys: list, judge) -> list:
        """`judge` applied once per distinct key, mapped back onto every record."""
        verdicts = {key: judge(key) for key in set(keys)}
        return list(map(verdicts.__getitem__, keys))

    def _list(self, field: str, key: Any, split: bool):
        if key is _BAD:
            return _BAD
        if key is None:
            items = []
        elif type(key) is str:
            items = key.split(";") if split else [key]
        else:
            items = key
        items = [t for t in map(str.strip, items) if t]
        if field == "boroughs":
            codes: list[str] = []
            for name in items:
                code = self.areas.resolve(name)
                if code is None or code in codes:
                    return _BAD
                codes.append(code)
            return tuple(codes) if codes else _BAD
        terms = self.vocab.terms(VOCAB_FIELDS[field])
        out: list[str] = []
        for term in items:
            if term not in terms:
                return _BAD
            if term not in out:
                out.append(term)
        return tuple(out)

    @staticmethod
    def _status(text: Any):
        if text is _BAD:
            return _BAD
        status = (text or "active").lower()
        return status if status in STATUSES else _BAD

    def _date(self, text: Any):
        if text is None or text is _BAD:
            return text
        if not ISO_DATE.match(text):
            return _BAD
        try:
            value = date.fromisoformat(text)
        except ValueError:
            return _BAD
        return value if value <= self.today else _BAD

    def _csv_locations(self, table: CsvTable, n: int) -> list:
        parts = [_texts(table.column(c) or ("",) * n) for c in CSV_LOCATION_COLUMNS]
        location = self._location
        places = [location(*p) if any(p) else None for p in zip(*parts)]
        return [() if place is None else _BAD if place is _BAD else (place,) for place in places]

    def _locations(self, raw: Any):
        if raw is None:
            return ()
        if not isinstance(raw, list):
            return _BAD
        out = []
        for item in raw:
            if item is None:
                continue
            if not isinstance(item, dict) or not item.keys() <= _LOCATION_KEYS:
                return _BAD
            loc = self._location(*(_texts([item.get(f) for f in LOCATION_FIELDS])))
            if loc is _BAD:
                return _BAD
            out.append(loc)
        return tuple(out)

    @staticmethod
    def _location(name, address, postcode, lat, lon):
        """A `Location` from stripped texts, or _BAD; a CSV location of all blanks never gets here."""
        if _BAD in (name, address, postcode, lat, lon):
            return _BAD
        if postcode is not None:
            if not POSTCODE.match(postcode):
                return _BAD
            compact = postcode.replace(" ", "").upper()
            postcode = f"{compact[:-3]} {compact[-3:]}"
        if lat is not None or lon is not None:
            if lat is None or lon is None:
                return _BAD
            try:
                lat, lon = float(lat.replace("\u2212", "-")), float(lon.replace("\u2212", "-"))
            except ValueError:
                return _BAD
            if not (abs(lat) <= 90 and abs(lon) <= 180) or (lat == 0 and lon == 0):
                return _BAD  # also refuses NaN, for which every comparison is false
        return Location(name, address, postcode, lat, lon)


def check_registry(raw: RawRegistry, areas: Areas, vocab: Vocabulary,
                   today: date) -> tuple[list[Scheme], list[Problem], dict[str, int]]:
    """Check every record; return the schemes that passed, every problem found, and for each
    scheme id the index of the record that made the scheme (to cite it in later warnings)."""
    problems: list[Problem] = []
    schemes: list[Scheme] = []
    first_seen: dict[str, int] = {}
    memo: dict = {}
    fast, ids = _FastLane(areas, vocab, today).run(raw)
    for k, scheme in enumerate(fast):
        if scheme is None:
            scheme = _Checker(raw.record(k), areas, vocab, today, problems, memo).run()
        sid = ids[k]
        if sid is not None:
            if sid in first_seen:
                where = raw.record(first_seen[sid]).at("id")
                where_text = f"row {where.row}" if where.row is not None else f"line {where.line}"
                problems.append(Problem(
                    "duplicate-id", f"id '{sid}' is used twice (first at {where_text})", raw.record(k).at("id"),
                    field="id", value=sid, hint="every scheme needs its own id: change one of them"))
                continue
            first_seen[sid] = k
        if scheme is not None:
            schemes.append(scheme)
    return schemes, problems, first_seen
