"""Spreadsheets as people keep them: a CSV or XLSX with its own column names, made into registry records.

Headers whose meaning is clear map by themselves (HEADERS); `--column FIELD=HEADER` maps the rest.
Each cell is cleaned only where it has one obvious meaning ("NA" is empty, `www.example.org` is a
web address, a date written 01/06/2026 is 2026-06-01), and every change or omission is a note with
its row and column. What is still wrong is left to `sprx validate`'s checks, which drop the record
(writer.checked_registry).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..core.errors import UsageError
from ..core.languages import language_named
from ..core.words import id_from_name, is_slug, unique_id
from .imported import Imported, ImportFailed, Note

# Field (or a location's field, or "contact") -> the headers that mean it, normalised (see _norm).
HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("id", "ref", "reference", "scheme id", "service id"),
    "name": ("name", "scheme", "scheme name", "service", "service name", "project", "project name", "activity",
             "title"),
    "boroughs": ("borough", "boroughs", "area", "areas", "area code", "area codes", "local authority",
                 "local authorities", "la", "district", "council", "gss code"),
    "provider": ("organisation", "organization", "organisation name", "organization name", "provider", "run by",
                 "org"),
    "description": ("description", "details", "about", "summary", "what it offers"),
    "categories": ("category", "categories", "service type", "type of support"),
    "target_groups": ("target group", "target groups", "who it is for", "client group"),
    "eligibility": ("eligibility", "who can use it", "who can join"),
    "min_age": ("min age", "minimum age", "age from"),
    "max_age": ("max age", "maximum age", "age to"),
    "cost": ("cost", "costs", "price", "fee", "fees", "charge"),
    "languages": ("language", "languages", "languages spoken"),
    "hours": ("opening times", "opening hours", "hours", "times", "when", "sessions"),
    "how_to_refer": ("referral method", "referral process", "how to refer", "referrals", "how to access"),
    "referral_url": ("referral form", "referral link"),
    "website": ("website", "url", "web", "web address", "web site", "link"),
    "email": ("email", "e mail", "email address", "contact email"),
    "phone": ("telephone", "phone", "tel", "phone number", "telephone number", "contact number"),
    "contact": ("contact", "contact details", "contact info"),
    "charity_number": ("charity number", "charity no", "registered charity number", "charity reg no"),
    "status": ("status",),
    "last_verified": ("last verified", "last checked", "date checked", "verified", "checked on", "reviewed"),
    "location_name": ("venue", "venue name", "location", "location name", "site"),
    "address": ("address", "venue address", "street address", "address 1", "address line 1"),
    "postcode": ("postcode", "post code", "postal code", "venue postcode"),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "long", "longitude"),
}
TARGETS = tuple(HEADERS)
EMPTY = {"na", "n a", "n/a", "not known", "unknown", "none", "-", "--", "tbc", "tba", "not applicable", "nil", "?"}
EMAIL = re.compile(r"[^@\s;,/]+@[^@\s;,/]+\.[^@\s;,/]+")
PHONE = re.compile(r"(?:\+44\s?|0)(?:\d[\s-]?){9,10}")
URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
UK_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def _norm(header: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9/]+", " ", header.replace("\u00a0", " ").lower()).split())


@dataclass
class Mapping:
    """Which column fills which field, and the columns left out."""

    used: dict[str, str] = field(default_factory=dict)  # field -> header
    unused: list[str] = field(default_factory=list)


def read_rows(path: Path, encoding: str | None = None) -> tuple[list[str], list[list[Any]]]:
    """The header and rows of a CSV or XLSX file (the first sheet)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
            raise ImportFailed(f"{path}: not an Excel workbook ({type(exc).__name__})") from None
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    else:
        import csv

        try:
            text = path.read_text(encoding=encoding or "utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFailed(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})",
                               "if it was saved from Excel as plain CSV, give --encoding cp1252") from None
        except LookupError:
            raise UsageError("encoding", f"unknown encoding {encoding!r}") from None
        rows = list(csv.reader(text.splitlines()))
    rows = [r for r in rows if any(c not in (None, "") for c in r)]
    if not rows:
        raise ImportFailed(f"{path}: no rows")
    return ["" if h is None else str(h) for h in rows[0]], rows[1:]


def choose_columns(header: list[str], given: dict[str, str]) -> Mapping:
    """Map headers to fields: those given with --column first, then headers whose meaning is clear."""
    mapping = Mapping()
    by_norm: dict[str, str] = {}
    for h in header:
        by_norm.setdefault(_norm(h), h)
    for target, h in given.items():
        if target not in TARGETS:
            raise UsageError("column", f"unknown field {target!r}; the fields are {', '.join(TARGETS)}")
        found = h if h in header else by_norm.get(_norm(h))
        if found is None:
            raise UsageError("column", f"{target}={h}: the file has no column {h!r}; its columns are "
                               f"{', '.join(header)}")
        mapping.used[target] = found
    taken = set(mapping.used.values())
    for target, names in HEADERS.items():
        if target in mapping.used:
            continue
        found = next((by_norm[n] for n in names if n in by_norm and by_norm[n] not in taken), None)
        if found is not None:
            mapping.used[target] = found
            taken.add(found)
    mapping.unused = [h for h in header if h not in taken]
    return mapping


class Cleaner:
    """Turns one spreadsheet's cells into registry records, noting each change."""

    def __init__(self, registry, source: str, header: list[str]):
        self.registry = registry
        self.vocab = registry.vocabulary
        self.source = source
        self.header = header
        self.out = Imported()
        self.ids: set[str] = set()
        self.seen: dict[tuple[str, str], str] = {}
        self.postcodes = None

    def note(self, row: int, column: str | None, what: str, why: str) -> None:
        where = f"{self.source} row {row}" + (f", column {column!r}" if column else "")
        self.out.notes.append(Note(where, what, why))

    def cell(self, value: Any, row: int, column: str) -> str | None:
        """A cell as text, with 'NA', 'not known' and the like read as empty."""
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = " ".join(str(value).replace("\u00a0", " ").split())
        if not text:
            return None
        if _norm(text) in EMPTY or text.lower() in EMPTY:
            self.note(row, column, f"{text!r} read as empty", "it says the value is not known")
            return None
        return text

    def add(self, row: int, values: dict[str, tuple[str, str | None]]) -> None:
        """One row: `values` maps a target to (its header, the cleaned cell)."""
        get = {t: v for t, (_, v) in values.items()}
        col = {t: h for t, (h, _) in values.items()}
        name = get.get("name")
        if not name:
            self.note(row, None, "row left out", "it has no name")
            return
        rec: dict[str, Any] = {"name": name}
        rec["id"] = self._id(get.get("id"), name, row, col.get("id"))
        key = (name.lower(), (get.get("address") or get.get("postcode") or "").lower())
        if key in self.seen:
            self.note(row, None, f"row {name!r} left out", f"same name and address as {self.seen[key]}")
            return
        self.seen[key] = f"row {row}"
        rec["boroughs"] = self._areas(get.get("boroughs"), row, col.get("boroughs"))
        for text_field in ("provider", "description", "how_to_refer", "charity_number", "status"):
            rec[text_field] = get.get(text_field)
        for list_field in ("categories", "target_groups"):
            rec[list_field] = self._terms(list_field, get.get(list_field), row, col.get(list_field))
        elig = {"min_age": get.get("min_age"), "max_age": get.get("max_age"), "description": get.get("eligibility")}
        rec["eligibility"] = {k: v for k, v in elig.items() if v is not None}
        rec.update(self._cost(get.get("cost"), row, col.get("cost")))
        rec["languages"] = self._languages(get.get("languages"), row, col.get("languages"))
        rec["hours"], rec["hours_note"] = self._hours(get.get("hours"), row, col.get("hours"))
        contact = get.get("contact")
        rec["website"] = self._web(get.get("website"), row, col.get("website"))
        rec["referral_url"] = self._web(get.get("referral_url"), row, col.get("referral_url"))
        rec["email"] = self._one(EMAIL, get.get("email"), row, col.get("email"), "email address")
        rec["phone"] = self._one(PHONE, get.get("phone"), row, col.get("phone"), "phone number")
        if contact:
            self._contact(rec, contact, row, col["contact"])
        rec["last_verified"] = self._date(get.get("last_verified"), row, col.get("last_verified"))
        place = {"name": get.get("location_name"), "address": get.get("address"), "postcode": get.get("postcode"),
                 "lat": get.get("lat"), "lon": get.get("lon")}
        place = {k: v for k, v in place.items() if v is not None}
        rec["locations"] = [place] if place else []
        if not rec["boroughs"] and place:
            rec["boroughs"] = self._area_of(place, row)
        self.out.records.append(rec)

    def _area_of(self, place: dict, row: int) -> list[str]:
        """The area a row's place is in, from its coordinates or its postcode's centre (no area column)."""
        reg = self.registry
        point = None
        try:
            if "lat" in place and "lon" in place:
                point = (float(place["lat"]), float(place["lon"]))
        except ValueError:
            point = None
        if point is None and place.get("postcode") and reg.sources.postcodes:
            if self.postcodes is None:
                from ..geo.postcodes import load_postcodes

                self.postcodes = load_postcodes(Path(reg.sources.postcodes))
            point = self.postcodes.find([place["postcode"]])[0]
        if point is None or reg.boundaries is None:
            return []
        from ..geo.boundaries import areas_containing

        codes = areas_containing(reg.boundaries, [point[0]], [point[1]])[0]
        names = [reg.areas.by_code[c].name for c in sorted(codes)]
        if names:
            self.note(row, None, f"area {', '.join(names)} taken from the location", "the row names no area")
        return names

    def _id(self, given: str | None, name: str, row: int, column: str | None) -> str:
        base = given if given and is_slug(given) else id_from_name(name)
        if given and base != given:
            self.note(row, column, f"id {given!r} replaced by {base!r}", "an id is lowercase letters, digits and hyphens")
        sid = unique_id(base, self.ids)
        self.ids.add(sid)
        return sid

    def _areas(self, text: str | None, row: int, column: str | None) -> list[str]:
        if not text:
            return []
        out = []
        for part in (p.strip() for p in re.split(r"[;,/|\n]", text) if p.strip()):
            code = self.registry.areas.resolve(part)
            if code is None:
                out.append(part)  # validate names it, with a did-you-mean, and the row is left out
            elif self.registry.areas.by_code[code].name not in out:
                out.append(self.registry.areas.by_code[code].name)
        return out

    def _terms(self, list_name: str, text: str | None, row: int, column: str | None) -> list[str]:
        if not text:
            return []
        terms = self.vocab.terms(list_name)
        by_label = {_norm(t.label): k for k, t in terms.items()} | {_norm(k): k for k in terms}
        out = []
        for part in (p.strip() for p in re.split(r"[;,\n]", text) if p.strip()):
            key = by_label.get(_norm(part))
            if key is None:
                self.note(row, column, f"{part!r} left out", f"not a key or label of {list_name} in the vocabulary")
            elif key not in out:
                if key != part:
                    self.note(row, column, f"{part!r} read as {key!r}", f"its key in {list_name}")
                out.append(key)
        return out

    def _cost(self, text: str | None, row: int, column: str | None) -> dict[str, str | None]:
        if not text:
            return {"cost": None, "cost_description": None}
        costs = self.vocab.costs
        key = {_norm(t.label): k for k, t in costs.items()}.get(_norm(text)) or (
            _norm(text) if _norm(text) in costs else None)
        if key is None and re.fullmatch(r"(?:£\s?)?0(?:\.00)?", text.strip()) and "free" in costs:
            key = "free"
        if key:
            return {"cost": key, "cost_description": None}
        return {"cost": None, "cost_description": text}

    def _languages(self, text: str | None, row: int, column: str | None) -> list[str]:
        if not text:
            return []
        out = []
        for part in (p.strip() for p in re.split(r"[;,/\n]| and ", text) if p.strip()):
            code = language_named(part)
            if code is None:
                self.note(row, column, f"language {part!r} left out", "not a language name or ISO 639 code")
                continue
            if code not in out:
                out.append(code)
        return out

    def _hours(self, text: str | None, row: int, column: str | None) -> tuple[list[dict], str | None]:
        if not text:
            return [], None
        from ..registry.rules import HOURS_TEXT, Fault, opening

        parts = [p.strip() for p in text.split(";") if p.strip()]
        matched = [HOURS_TEXT.match(p) for p in parts]
        if parts and all(matched):
            hours = [{"days": [d for d in re.split(r"[,\s]+", m.group("days")) if d], "opens": m.group("opens"),
                      "closes": m.group("closes")} for m in matched]
            if not any(type(opening(h["days"], h["opens"], h["closes"])) is Fault for h in hours):
                return hours, None
        self.note(row, column, f"{text!r} kept as the hours note", "not days and times such as 'mon,wed 10:00-12:00'")
        return [], text

    def _web(self, text: str | None, row: int, column: str | None) -> str | None:
        if not text:
            return None
        if re.match(r"^www\.", text, re.I) or re.match(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(/\S*)?$", text, re.I):
            fixed = "https://" + text
            self.note(row, column, f"{text!r} read as {fixed!r}", "a web address needs https://")
            return fixed
        return text

    def _one(self, pattern: re.Pattern, text: str | None, row: int, column: str | None, what: str) -> str | None:
        if not text:
            return None
        found = [m.group(0).strip() for m in pattern.finditer(text)]
        if len(found) > 1:
            self.note(row, column, f"{', '.join(found[1:])} left out", f"the cell holds {len(found)}; a scheme has one "
                      f"{what}")
            return found[0]
        return text

    def _contact(self, rec: dict, text: str, row: int, column: str) -> None:
        """A 'Contact' cell: an email, a phone number or a web address, whichever it holds."""
        for pattern, target in ((EMAIL, "email"), (PHONE, "phone"), (URL, "website")):
            m = pattern.search(text)
            if m and not rec.get(target):
                value = m.group(0).strip()
                rec[target] = self._web(value, row, column) if target == "website" else value
                self.note(row, column, f"{value!r} read as the {target}", "the contact column holds one of each kind")
                return
        self.note(row, column, f"{text!r} left out", "not an email address, phone number or web address")

    def _date(self, text: str | None, row: int, column: str | None) -> str | None:
        if not text:
            return None
        m = UK_DATE.match(text)
        if m:
            day, month, year = (int(x) for x in m.groups())
            try:
                fixed = date(year, month, day).isoformat()
            except ValueError:
                return text
            self.note(row, column, f"{text!r} read as {fixed}", "a date written day/month/year, as in the UK")
            return fixed
        return text[:10] if re.match(r"^\d{4}-\d{2}-\d{2}[T ]", text) else text


def import_sheet(path: Path, registry, given: dict[str, str], encoding: str | None = None) -> tuple[Imported, Mapping]:
    """Records from a spreadsheet, the notes about them, and the column mapping used."""
    header, rows = read_rows(path, encoding)
    mapping = choose_columns(header, given)
    if "name" not in mapping.used:
        raise ImportFailed(f"{path}: no column is the scheme's name (the columns are {', '.join(header)})",
                           "name it with --column name=HEADER")
    index = {h: i for i, h in enumerate(header)}
    cleaner = Cleaner(registry, str(path), header)
    for n, cells in enumerate(rows, start=2):
        values = {}
        for target, h in mapping.used.items():
            i = index[h]
            values[target] = (h, cleaner.cell(cells[i] if i < len(cells) else None, n, h))
        cleaner.add(n, values)
    if not cleaner.out.records:
        raise ImportFailed(f"{path}: no row has a name")
    return cleaner.out, mapping
