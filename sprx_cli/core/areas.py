"""The area registry (data/areas.csv): codes, names, the aliases people type, populations."""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from .problems import Loc, Problem
from .textio import CONTROL, SourceError, control_problem, has_control, read_text
from .words import normalise_name

GSS_CODE = re.compile(r"^[A-Z][0-9]{8}$")
REQUIRED_COLUMNS = ("code", "name")
NAME_IN = re.compile(r"^name_[a-z]{2,3}$")  # an area's name in another language: name_cy


@dataclass(frozen=True)
class Area:
    """One area of the area registry (a borough, district or any area with a GSS code)."""

    code: str
    name: str
    aliases: tuple[str, ...] = ()
    sub_region: str | None = None
    population: int | None = None
    row: int | None = field(default=None, compare=False)  # its row in the area registry, to locate a problem
    names: tuple[tuple[str, str], ...] = ()  # (language, its name in it): the name_cy column and the like

    def name_in(self, language: str) -> str:
        """Its name in `language` (its `name` where the registry gives none)."""
        return dict(self.names).get(language) or self.name


@dataclass
class Areas:
    """The areas in registry order, and a lookup from every accepted spelling to a code."""

    areas: list[Area] = field(default_factory=list)
    lookup: dict[str, str] = field(default_factory=dict)
    by_code: dict[str, Area] = field(default_factory=dict)
    source: str = "the area registry"
    _resolved: dict[str, str | None] = field(default_factory=dict, repr=False, compare=False)
    _suggested: dict[str, str | None] = field(default_factory=dict, repr=False, compare=False)

    def add(self, area: Area) -> None:
        """Add an area; its code resolves to itself."""
        self.areas.append(area)
        self.by_code[area.code] = area
        self.lookup[normalise_name(area.code)] = area.code
        self._resolved.clear()
        self._suggested.clear()

    @property
    def has_population(self) -> bool:
        """Whether every area has a population (needed for per-100k shading)."""
        return bool(self.areas) and all(a.population for a in self.areas)

    def resolve(self, text: str) -> str | None:
        """The code of the area `text` names (by code, name or alias), or None."""
        try:
            return self._resolved[text]  # registries repeat the same few spellings
        except KeyError:
            code = self._resolved[text] = self.lookup.get(normalise_name(text))
            return code

    @property
    def by_code_lower(self) -> set[str]:
        """The codes folded to lower case."""
        return {c.lower() for c in self.by_code}

    def suggest(self, text: str) -> str | None:
        """The canonical name of the area `text` most likely meant, if any is close."""
        key = normalise_name(text)
        if key not in self._suggested:
            codes = self.by_code_lower
            match = difflib.get_close_matches(key, [k for k in self.lookup if k not in codes], n=1, cutoff=0.7)
            self._suggested[key] = self.by_code[self.lookup[match[0]]].name if match else None
        return self._suggested[key]


def load_areas(path: Path, display: str, encoding: str | None = None) -> tuple[Areas, list[Problem]]:
    """Read an area registry CSV; every problem is reported, never raised."""
    try:
        text = read_text(path, display, encoding, other_encodings=encoding is not None)
    except SourceError as exc:
        return Areas(), [exc.problem]
    problems: list[Problem] = []
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        problems.append(Problem(
            "areas-missing-column", f"{display} has no column {', '.join(repr(m) for m in missing)}",
            Loc(display, row=1), value=",".join(header)))
        return Areas(), problems
    reader.fieldnames = header
    if has_control(text):
        problems += [control_problem(value, Loc(display, row=i), column)
                     for i, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1)
                     for column, value in zip(header, row) if CONTROL.search(value)]
    areas = Areas(source=display)
    first_row: dict[str, int] = {}
    owner: dict[str, tuple[str, int]] = {}
    for i, row in enumerate(reader, start=2):
        code = (row.get("code") or "").strip()
        name = (row.get("name") or "").strip()
        loc = Loc(display, row=i)
        if not code and not name and not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        if not GSS_CODE.match(code):
            problems.append(Problem(
                "areas-invalid-code", f"area code {code!r} is not a GSS code", loc, field="code",
                value=code))
            continue
        if code in first_row:
            problems.append(Problem(
                "areas-duplicate-code", f"area code {code} appears twice (first in row {first_row[code]})",
                loc, field="code", value=code))
            continue
        first_row[code] = i
        if not name:
            problems.append(Problem("areas-missing-name", f"area {code} has no name", loc,
                                    field="name"))
            continue
        population = None
        pop_text = (row.get("population") or "").strip().replace(",", "")
        if pop_text:
            if pop_text.isascii() and pop_text.isdigit() and len(pop_text) <= 12 and int(pop_text) > 0:
                population = int(pop_text)
            else:
                problems.append(Problem(
                    "areas-invalid-population", f"population {pop_text!r} of {name} is not a whole number above 0",
                    loc, field="population", value=pop_text))
        aliases = tuple(a.strip() for a in (row.get("aliases") or "").split(";") if a.strip())
        names = tuple(sorted((column[5:], (row.get(column) or "").strip()) for column in header
                             if NAME_IN.match(column) and (row.get(column) or "").strip()))
        area = Area(code, name, aliases, (row.get("sub_region") or "").strip() or None, population, i, names)
        areas.add(area)
        for spelling in (name, *aliases, *(n for _, n in names)):
            key = normalise_name(spelling)
            if key in owner and owner[key][0] != code:
                problems.append(Problem(
                    "areas-ambiguous-name",
                    f"{spelling!r} names both {owner[key][0]} (row {owner[key][1]}) and {code}",
                    loc, field="aliases", value=spelling))
                continue
            owner[key] = (code, i)
            areas.lookup[key] = code
            areas._resolved.clear()
            areas._suggested.clear()
    if not areas.areas and not problems:
        problems.append(Problem("areas-empty", f"{display} lists no areas", Loc(display)))
    return areas, problems
