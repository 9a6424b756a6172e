"""Where a spreadsheet's row is: its postcode made standard, its centre, and the areas it serves (named,
misspelt, or found from its place), for `sheets.Cleaner`.

A part's postcodes and places are looked up together before its rows are read (one search of the
postcode table, one test of each boundary), so a 100,000-row list costs a second, not minutes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.words import either
from ..registry.rules import POSTCODE

_AREA_LIST = re.compile(r"[;,/|\n]|\band\b|&")
_AREA_SEPARATOR = re.compile(r"[;,/|\n]")


class Placer:
    """The place half of a Cleaner (which gives it `tables`, `note`, `leave_out` and the caches)."""

    # what the Cleaner gives this half (declared for the type checker; set or defined there)
    tables: Any
    note: Callable[..., None]
    leave_out: Callable[..., None]
    bad_postcode: str | None

    def _place(self, get: dict, col: dict, row: int) -> dict:
        place = {"name": get.get("location_name"), "address": get.get("address"),
                 "postcode": self._postcode(get.get("postcode"), row, col.get("postcode")),
                 "lat": get.get("lat"), "lon": get.get("lon")}
        return {k: v for k, v in place.items() if v is not None}

    def postcodes(self):
        """The registry's postcode table (read when first needed), or None without one."""
        if self._postcodes is None and self.tables.sources.postcodes:
            from ..geo.postcodes import load_postcodes

            self._postcodes = load_postcodes(Path(self.tables.sources.postcodes))
        return self._postcodes

    def _find_places(self, rows) -> None:
        """Every row's postcode centre and the areas its place is in, looked up together (one search of
        the postcode table, one test of each boundary) rather than row by row."""
        wanted, points = set(), []
        for values in rows:
            text = values.get("postcode")
            if text:
                standard = _standard(text)
                if POSTCODE.match(standard):
                    wanted.add(standard)
            try:
                lat, lon = values.get("lat"), values.get("lon")
                if lat and lon:
                    points.append((float(lat), float(lon)))
            except ValueError:
                pass
        table = self.postcodes()
        if table is not None and wanted:
            ordered = sorted(wanted)
            self._centres = dict(zip(ordered, table.find(ordered)))
        if self.tables.boundaries is not None:
            from ..geo.boundaries import areas_containing

            todo = sorted(set(points) | {c for c in self._centres.values() if c is not None})
            if todo:
                found = areas_containing(self.tables.boundaries, [p[0] for p in todo], [p[1] for p in todo])
                self._areas_at = dict(zip(todo, found))

    def _centre(self, standard: str) -> tuple[float, float] | None:
        if standard not in self._centres:
            table = self.postcodes()
            self._centres[standard] = table.find([standard])[0] if table is not None else None
        return self._centres[standard]

    def _postcode(self, text: str | None, row: int, column: str | None) -> str | None:
        """A postcode made standard ('m15 4ps', 'M154PS' -> 'M15 4PS'); one that is not a UK postcode is
        left out, with the postcodes one character away."""
        if not text:
            return None
        standard = _standard(text)
        table = self.postcodes()
        if POSTCODE.match(standard) and (table is None or self._centre(standard) is not None):
            if standard != text:
                self.note(row, column, f"{text!r} read as {standard!r}", "a postcode written the standard way",
                          "postcode")
            return standard
        close = table.suggest(standard) if table is not None and len(standard.replace(" ", "")) in (5, 6, 7) else []
        why = ("not a UK postcode" if not POSTCODE.match(standard) else "not in the postcode table")
        why += f"; did you mean {either(close)}?" if close else ""
        self.bad_postcode = f"the postcode {text!r} is {why}"
        self.leave_out(row, column, text, why)
        return None

    def _areas(self, text: str | None, place: dict, row: int, column: str | None) -> tuple[list[str], str]:
        """The areas a row names (a misspelt one read as the one it is close to), else the area its place
        is in; or none, and why."""
        areas = self.tables.areas
        out, unknown = [], []
        text = text or ""
        whole = areas.resolve(text.strip()) if text.strip() else None
        if whole is None and text and not _AREA_SEPARATOR.search(text) and areas.suggest(text.strip()):
            whole = text.strip()  # 'Kensington and Chelsae': one area misspelt, not two
        parts = [text.strip()] if whole else [p.strip() for p in _AREA_LIST.split(text) if p.strip()]
        for part in parts:
            code = areas.resolve(part)
            if code is None:
                guess = areas.suggest(part)
                if guess is not None:
                    self.note(row, column, f"{part!r} read as {guess!r}", "the one area it is close to",
                              "area-spelling")
                    code = areas.resolve(guess)
                else:
                    unknown.append(part)
                    continue
            if areas.by_code[code].name not in out:
                out.append(areas.by_code[code].name)
        if out:
            for part in unknown:
                self.leave_out(row, column, part, "not an area of this registry")
            return out, ""
        found, why = self._area_of(place)
        if found:
            said = f"'{', '.join(unknown)}' is not an area of this registry; " if unknown else ""
            self.note(row, column, f"area {', '.join(found)} taken from the place", said + why, "area-from-place")
            return found, ""
        named = (f"{', '.join(repr(u) for u in unknown)} {'is' if len(unknown) == 1 else 'are'} not an area of "
                 "this registry (nor close to one)") if unknown else (
            f"the {column!r} column is empty" if column else "the spreadsheet has no area column")
        return [], f"{named}, and {why}"

    def _area_of(self, place: dict) -> tuple[list[str], str]:
        """The areas a place is in, from its coordinates or its postcode's centre, and how it was found
        (or why not)."""
        reg = self.tables
        point, how = None, ""
        try:
            if "lat" in place and "lon" in place:
                point, how = (float(place["lat"]), float(place["lon"])), "from its coordinates"
        except ValueError:
            point = None
        if point is None and place.get("postcode"):
            table = self.postcodes()
            found = self._centre(place["postcode"]) if table is not None else None
            if found is None:
                return [], (f"its postcode {place['postcode']} cannot be placed: no postcode table is set (the "
                            "postcodes setting, or --postcodes)" if table is None else
                            f"its postcode {place['postcode']} is not in the postcode table")
            point, how = found, f"from its postcode {place['postcode']}"
        if point is None:
            return [], self.bad_postcode or "it has no postcode or coordinates to place it by"
        if reg.boundaries is None:
            return [], "the registry has no boundaries to place it in"
        codes = self._areas_at.get(point)
        if codes is None:
            from ..geo.boundaries import areas_containing

            codes = self._areas_at[point] = areas_containing(reg.boundaries, [point[0]], [point[1]])[0]
        if not codes:
            return [], f"its place ({how.removeprefix('from ')}) is outside every area of this registry"
        return [reg.areas.by_code[c].name for c in sorted(codes)], how


@lru_cache(maxsize=1 << 17)  # each row's postcode is made standard twice (to look it up, then to keep it)
def _standard(text: str) -> str:
    """A postcode written the standard way ('m15 4ps', 'M154PS' -> 'M15 4PS'); other text as it is."""
    compact = _POSTCODE_GAPS.sub("", text).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) >= 5 else text


_POSTCODE_GAPS = re.compile(r"[\s.]+")
