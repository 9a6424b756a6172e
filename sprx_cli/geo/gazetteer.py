"""A gazetteer: the names of places (neighbourhoods, towns, villages) and their centres, for the
finder's place-name search ("Peckham"). A CSV with `name` and either `lat` and `lon` or a
`postcode`, placed at the postcode's centre (keepers know postcodes, not coordinates).

sprx's own, data/london-places.csv, is made by scripts/make_places.py from GeoNames.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from ..core.errors import SprxError

LAT, LON = (-90.0, 90.0), (-180.0, 180.0)
WORD = {"lat": "latitude", "lon": "longitude"}


class GazetteerError(SprxError):
    """The place-name table cannot be read as one (no such file, not text, no `name` column)."""


@dataclass(frozen=True)
class BadPlace:
    """A row of the table that is left out of the search, and why."""

    line: int  # (the row as a spreadsheet numbers it: the header is 1)
    column: str
    value: str
    why: str


def _number(text: str, span: tuple[float, float]) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if span[0] <= value <= span[1] else None


def load_gazetteer(text: str, postcode_centre: Callable[[str], tuple[float, float] | None] | None = None
                   ) -> tuple[dict[str, tuple[float, float]], list[BadPlace]]:
    """Each place's name and centre, in the table's order (the first of two with one name), and the
    rows left out. `postcode_centre` places a row given by postcode; without it such rows are left out."""
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    if "name" not in header:
        raise GazetteerError("it has no 'name' column", "give a CSV with name,lat,lon or name,postcode")
    where = {h: header.index(h) for h in ("name", "lat", "lon", "postcode") if h in header}
    if not {"lat", "lon"} <= where.keys() and "postcode" not in where:
        raise GazetteerError("it has neither 'lat' and 'lon' columns nor a 'postcode' column",
                             "give a CSV with name,lat,lon or name,postcode")
    places: dict[str, tuple[float, float]] = {}
    bad: list[BadPlace] = []
    seen: set[str] = set()
    for row in reader:
        line = reader.line_num
        cell: dict[str, str] = {h: (row[i].strip() if i < len(row) else "") for h, i in where.items()}
        if not any(cell.values()):
            continue
        name = " ".join(cell["name"].split())
        if not name:
            bad.append(BadPlace(line, "name", "", "it has no name"))
            continue
        lat, lon = _number(cell.get("lat", ""), LAT), _number(cell.get("lon", ""), LON)
        if lat is None or lon is None:
            if cell.get("lat") or cell.get("lon") or not cell.get("postcode"):
                which: str = "lat" if lat is None else "lon"
                value = cell.get(which) or ""
                why = f"{which} {value!r} is not a {WORD[which]} in degrees" if value else f"it has no {which}"
                bad.append(BadPlace(line, which, value, why))
                continue
            centre = postcode_centre(cell["postcode"]) if postcode_centre else None
            if centre is None:
                bad.append(BadPlace(line, "postcode", cell["postcode"],
                                    f"postcode {cell['postcode']} is not in the postcode table" if postcode_centre
                                    else f"it has postcode {cell['postcode']} but no postcode table is set"))
                continue
            lat, lon = centre
        if name.casefold() not in seen:
            seen.add(name.casefold())
            places[name] = (lat, lon)
    return places, bad
