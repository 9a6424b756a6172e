"""Scheme registries on disk (YAML or CSV) and the scheme model they describe.

Loading turns a file into `RawRecord`s: the fields exactly as written, plus where each one is,
so that `validate` can check them and cite a line or row. The YAML and CSV forms hold the same
model; CSV has one row per scheme, list fields separated by ';' and at most one location.
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .problems import Loc, Problem
from .textio import SourceError, read_text
from .yamlload import YList, YMap, load_yaml

TEXT_FIELDS = ("id", "name", "provider", "description", "website", "email", "phone", "status",
               "last_verified")
LIST_FIELDS = ("boroughs", "categories", "referral_routes", "target_groups")
SCHEME_FIELDS = ("id", "name", "boroughs", "provider", "description", "categories",
                 "referral_routes", "target_groups", "locations", "website", "email", "phone",
                 "status", "last_verified")
REQUIRED_FIELDS = ("id", "name", "boroughs")
LOCATION_FIELDS = ("name", "address", "postcode", "lat", "lon")
# CSV: one location per row, in these columns
CSV_LOCATION_COLUMNS = {"location_name": "name", "address": "address", "postcode": "postcode",
                        "lat": "lat", "lon": "lon"}
CSV_COLUMNS = tuple(f for f in SCHEME_FIELDS if f != "locations") + tuple(CSV_LOCATION_COLUMNS)
STATUSES = ("active", "paused", "closed")


@dataclass(frozen=True)
class Location:
    name: str | None = None
    address: str | None = None
    postcode: str | None = None
    lat: float | None = None
    lon: float | None = None

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True)
class Scheme:
    id: str
    name: str
    boroughs: tuple[str, ...]  # area codes, resolved from whatever the registry wrote
    provider: str | None = None
    description: str | None = None
    categories: tuple[str, ...] = ()
    referral_routes: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    locations: tuple[Location, ...] = ()
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    status: str = "active"
    last_verified: date | None = None


class RawRecord:
    """One scheme as written: `data` maps field names to text, lists, mappings or None."""

    __slots__ = ("index", "data", "loc")

    def __init__(self, index: int, data: dict[str, Any], loc: Loc):
        self.index = index
        self.data = data
        self.loc = loc

    def at(self, field: str | None = None, item: int | None = None, sub: str | None = None) -> Loc:
        """Where `field` (list item `item`, location field `sub`) was written."""
        data = self.data
        if self.loc.row is not None or field is None or not isinstance(data, YMap) or field not in data.pos:
            return self.loc
        line, col = data.pos[field]
        value = data[field]
        if item is not None and isinstance(value, YList) and item < len(value.pos):
            line, col = value.pos[item]
            value = value[item]
            if sub is not None and isinstance(value, YMap) and sub in value.pos:
                line, col = value.pos[sub]
        return Loc(self.loc.file, line, col)


@dataclass
class RawRegistry:
    records: list[RawRecord]
    kind: str  # "yaml" | "csv"


def did_you_mean(word: str, choices: list[str] | tuple[str, ...], cutoff: float = 0.6) -> str | None:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return match[0] if match else None


def _unknown_field(display_field: str, choices, loc: Loc) -> Problem:
    guess = did_you_mean(display_field, choices)
    hint = f"did you mean '{guess}'?" if guess else f"the fields are: {', '.join(choices)}"
    return Problem("unknown-field", f"unknown field '{display_field}'", loc, field=display_field,
                   value=display_field, hint=hint)


def load_registry(path: Path, display: str, encoding: str | None = None) -> tuple[RawRegistry, list[Problem]]:
    """Read a scheme registry; the file extension chooses YAML (.yaml/.yml) or CSV (.csv)."""
    kind = "csv" if path.suffix.lower() in (".csv", ".txt", ".tsv") else "yaml"
    try:
        text = read_text(path, display, encoding)
    except SourceError as exc:
        return RawRegistry([], kind), [exc.problem]
    if kind == "csv":
        return _load_csv(text, display)
    return _load_yaml(text, display)


def _load_yaml(text: str, display: str) -> tuple[RawRegistry, list[Problem]]:
    doc, problems = load_yaml(text, display)
    reg = RawRegistry([], "yaml")
    if doc is None:
        if not problems:
            problems.append(Problem(
                "registry-empty", f"{display} is empty", Loc(display, 1, 1),
                hint="a registry starts with 'schemes:' followed by one '- id: ...' entry per scheme"))
        return reg, problems
    if not isinstance(doc, YMap) or "schemes" not in doc:
        line, col = (doc.line, doc.column) if isinstance(doc, (YMap, YList)) else (1, 1)
        problems.append(Problem(
            "registry-shape", f"{display} must have a top-level 'schemes:' list", Loc(display, line, col),
            hint="start the file with 'schemes:' and list each scheme under it as '- id: ...'"))
        return reg, problems
    for key in doc:
        if key != "schemes":
            line, col = doc.pos[key]
            problems.append(_unknown_field(key, ["schemes"], Loc(display, line, col)))
    schemes = doc["schemes"]
    if schemes is None:
        return reg, problems
    if not isinstance(schemes, YList):
        line, col = doc.pos["schemes"]
        problems.append(Problem(
            "registry-shape", "'schemes' must be a list", Loc(display, line, col),
            hint="write each scheme under 'schemes:' as an item starting with '- id: ...'"))
        return reg, problems
    for i, (item, (line, col)) in enumerate(zip(schemes, schemes.pos)):
        loc = Loc(display, line, col)
        if not isinstance(item, YMap):
            problems.append(Problem(
                "wrong-type", f"scheme {i + 1} is not a mapping of fields", loc,
                value=_short(item), hint="each scheme is '- id: ...' followed by indented 'field: value' lines"))
            continue
        reg.records.append(RawRecord(i, item, loc))
    return reg, problems


def _short(value: Any, limit: int = 60) -> str:
    s = value if isinstance(value, str) else repr(value)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _load_csv(text: str, display: str) -> tuple[RawRegistry, list[Problem]]:
    reg = RawRegistry([], "csv")
    problems: list[Problem] = []
    if not text.strip():
        return reg, [Problem("registry-empty", f"{display} is empty", Loc(display, row=1),
                             hint=f"the first row names the columns: {','.join(CSV_COLUMNS)}")]
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        return reg, [Problem("csv-syntax", f"CSV syntax error: {exc}", Loc(display, row=_csv_error_row(text)),
                             hint="check the quotes on that row: a quote inside a value must be doubled (\"\")")]
    header = [h.strip() for h in rows[0]]
    columns: list[str | None] = []
    for h in header:
        if h in CSV_COLUMNS:
            columns.append(h)
        elif h:
            problems.append(_unknown_field(h, CSV_COLUMNS, Loc(display, row=1)))
            columns.append(None)
        else:
            columns.append(None)
    missing = [c for c in REQUIRED_FIELDS if c not in header]
    if missing:
        problems.append(Problem(
            "missing-column", f"{display} has no column {', '.join(repr(m) for m in missing)}",
            Loc(display, row=1), value=",".join(header),
            hint=f"the first row must name the columns, at least {','.join(REQUIRED_FIELDS)}"))
        return reg, problems
    # what to do with each column, worked out once rather than per cell
    text_cols = [(i, c) for i, c in enumerate(columns) if c and c not in LIST_FIELDS and c not in CSV_LOCATION_COLUMNS]
    list_cols = [(i, c) for i, c in enumerate(columns) if c in LIST_FIELDS]
    loc_cols = [(i, CSV_LOCATION_COLUMNS[c]) for i, c in enumerate(columns) if c in CSV_LOCATION_COLUMNS]
    width = len(columns)
    for n, cells in enumerate(rows[1:], start=2):
        if not "".join(cells).strip():
            continue
        loc = Loc(display, row=n)
        if len(cells) > width and "".join(cells[width:]).strip():
            problems.append(Problem(
                "csv-extra-cells", f"row {n} has {len(cells)} cells but the header names {width} columns",
                loc, value=_short(",".join(cells[width:])),
                hint="a value containing a comma must be in double quotes"))
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        data: dict[str, Any] = {c: (cells[i].strip() or None) for i, c in text_cols}
        for i, c in list_cols:
            if cells[i]:
                items = [v for v in map(str.strip, cells[i].split(";")) if v]
                if items:
                    data[c] = items
        location = {c: v for i, c in loc_cols if (v := cells[i].strip())}
        if location:
            data["locations"] = [location]
        reg.records.append(RawRecord(len(reg.records), data, loc))
    return reg, problems


def _csv_error_row(text: str) -> int:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    n = 0
    try:
        for n, _ in enumerate(reader, start=1):
            pass
    except csv.Error:
        return n + 1
    return n
