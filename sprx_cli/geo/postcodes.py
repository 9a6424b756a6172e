"""Postcode centres: placing a location that gives a postcode and no coordinates.

The table is read only when a registry has postcodes. sprx's own table (data/london-postcodes.csv.gz,
made by scripts/make_postcodes.py) is a sorted CSV of fixed-width lines, searched in place with
numpy; any other table (an NSPL or ONSPD CSV as ONS publishes it, or `postcode,lat,lon`) is read
with pandas and sorted once.
"""

from __future__ import annotations

import gzip
import math
from dataclasses import dataclass
from pathlib import Path
from string import ascii_uppercase, digits
from typing import TYPE_CHECKING
from collections.abc import Sequence

from ..core.errors import SprxError
from ..core.messages import N_

if TYPE_CHECKING:
    import numpy as np

ATTRIBUTION = N_("Postcode centres: contains OS data © Crown copyright and database right; contains Royal Mail "
                 "data © Royal Mail copyright and database right; source: Office for National Statistics, "
                 "licensed under the Open Government Licence v3.0")
SHORT_ATTRIBUTION = N_("Postcodes © Crown copyright, Royal Mail (ONS NSPL, OGL v3)")
FAR_METRES = 1000  # typed coordinates further than this from their postcode's centre are suspect

_FIXED_HEADER = b"pcd,lat,lon\n"
_FIXED_LINE = 26  # "NW1 4NX,51.52950,-0.15291\n"
_POSTCODE_COLUMNS = ("pcds", "pcd", "pcd2", "postcode")
_LAT_COLUMNS = ("lat", "latitude")
_LON_COLUMNS = ("long", "lon", "lng", "longitude")


_LOOKALIKE = {a: b for x, y in ("O0", "I1", "S5", "B8", "Z2") for a, b in ((x, y), (y, x))}


class PostcodeTableError(SprxError):
    """The postcode table cannot be read."""


def pcd(postcode: str) -> str:
    """ONS's 7-character form of a postcode: the outward code padded to four, then the inward code."""
    compact = postcode.replace(" ", "").upper()
    return f"{compact[:-3]:<4}{compact[-3:]}" if len(compact) <= 7 else compact


def _pretty(key: str) -> str:
    return f"{key[:4].strip()} {key[4:]}"


@dataclass
class PostcodeTable:
    """Postcode centres: `keys` (7-character form, sorted) and their latitudes and longitudes."""

    keys: np.ndarray  # dtype S7, sorted
    lats: np.ndarray  # float64, or the fixed-width text of each (converted when found)
    lons: np.ndarray
    source: str

    def __len__(self) -> int:
        return len(self.keys)

    def find(self, postcodes: Sequence[str]) -> list[tuple[float, float] | None]:
        """The centre of each postcode (written any way), or None when the table does not have it."""
        import numpy as np

        if not postcodes or not len(self.keys):
            return [None] * len(postcodes)
        wanted = np.array([pcd(p).encode("ascii", "replace") for p in postcodes], dtype="S7")
        at = np.searchsorted(self.keys, wanted)
        at[at == len(self.keys)] = 0
        hit = self.keys[at] == wanted
        return [(float(self.lats[i]), float(self.lons[i])) if ok else None for i, ok in zip(at.tolist(), hit.tolist())]

    def suggest(self, postcode: str) -> list[str]:
        """Postcodes in the table that differ from this one in one character (at most three)."""
        key = pcd(postcode)
        if len(key) != 7:
            return []
        # likeliest first: a letter read as a digit (O/0, I/1, S/5, B/8, Z/2), then a slip nearer the end
        ranked = sorted(((0 if _LOOKALIKE.get(key[i]) == c else 1, -i, c), key[:i] + c + key[i + 1:])
                        for i in range(7) if key[i] != " " for c in ascii_uppercase + digits if c != key[i])
        candidates = [k for _, k in ranked]
        found = self.find(candidates)
        return [_pretty(k) for k, f in zip(candidates, found) if f is not None][:3]


def load_postcodes(path: Path) -> PostcodeTable:
    """Read a postcode table: sprx's fixed-width CSV, an NSPL/ONSPD CSV, or `postcode,lat,lon` (.gz allowed)."""
    try:
        with open(path, "rb") as f:
            head = f.read(2)
        raw = None
        if head == b"\x1f\x8b":
            with gzip.open(path, "rb") as f:
                if f.read(len(_FIXED_HEADER)) == _FIXED_HEADER:
                    raw = _FIXED_HEADER + f.read()
        else:
            with open(path, "rb") as f:
                if f.read(len(_FIXED_HEADER)) == _FIXED_HEADER:
                    raw = _FIXED_HEADER + f.read()
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise PostcodeTableError(f"cannot read {path}: {exc}") from None
    if raw is not None and (len(raw) - len(_FIXED_HEADER)) % _FIXED_LINE == 0:
        return _fixed(raw, str(path))
    return _general(path)


def _fixed(raw: bytes, source: str) -> PostcodeTable:
    import numpy as np

    rows = np.frombuffer(raw, offset=len(_FIXED_HEADER),
                         dtype=np.dtype([("key", "S7"), ("c1", "S1"), ("lat", "S8"), ("c2", "S1"),
                                         ("lon", "S8"), ("nl", "S1")]))
    return PostcodeTable(rows["key"], rows["lat"], rows["lon"], source)


def _general(path: Path) -> PostcodeTable:
    import numpy as np
    import pandas as pd

    try:
        header = pd.read_csv(path, nrows=0, encoding="utf-8-sig")
    except (ValueError, OSError, UnicodeDecodeError, EOFError) as exc:
        raise PostcodeTableError(f"cannot read {path}: {exc}") from None
    by_lower = {c.strip().lower(): c for c in header.columns}

    def pick(names: tuple[str, ...], what: str) -> str:
        for n in names:
            if n in by_lower:
                return by_lower[n]
        raise PostcodeTableError(f"{path}: no {what} column (looked for {', '.join(names)}); give an NSPL or "
                                 "ONSPD CSV (pcds, lat, long) or a CSV with postcode,lat,lon")

    columns = [pick(_POSTCODE_COLUMNS, "postcode"), pick(_LAT_COLUMNS, "latitude"), pick(_LON_COLUMNS, "longitude")]
    try:
        df = pd.read_csv(path, usecols=columns, dtype={columns[0]: str}, encoding="utf-8-sig")
    except (ValueError, OSError, UnicodeDecodeError, EOFError) as exc:
        raise PostcodeTableError(f"cannot read {path}: {exc}") from None
    df.columns = ["postcode", "lat", "lon"]
    lat = pd.to_numeric(df["lat"], errors="coerce")
    lon = pd.to_numeric(df["lon"], errors="coerce")
    # NSPL writes 99.999999 / 0 for a postcode with no grid reference
    ok = df["postcode"].notna() & lat.between(-90, 90) & lon.between(-180, 180) & ~((lat == 0) & (lon == 0))
    keys = np.array([pcd(p).encode("ascii", "replace") for p in df["postcode"][ok]], dtype="S7")
    order = np.argsort(keys, kind="stable")
    return PostcodeTable(keys[order], lat[ok].to_numpy(float)[order], lon[ok].to_numpy(float)[order], str(path))


EARTH_RADIUS_M = 6371008.8  # the mean radius (IUGG)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def distances_m(lats, lons, lat: float, lon: float):
    """distance_m from (lat, lon) to each point of two numpy arrays (NaN where a point has none)."""
    import numpy as np

    p1, p2 = np.radians(lat), np.radians(lats)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lons - lon) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(1.0, a)))


def decimals(column: np.ndarray) -> np.ndarray:
    """Numbers written with a fixed number of decimals (b"51.40154", b"+0.01544"), as float64, equal to
    float() of each; over whole arrays (numpy's own parse of text takes 50 times as long)."""
    import numpy as np

    if column.dtype.kind != "S":
        return column.astype(float)
    width = column.dtype.itemsize
    chars = np.ascontiguousarray(column).view(np.uint8).reshape(-1, width)
    if not len(chars) or width > 16:
        return column.astype(float)
    point = int(np.argmax(chars[0] == ord(".")))
    signed = chars[:, 0] if chars[0, 0] in b"+-" else None
    digits = np.delete(chars, [point] + ([0] if signed is not None else []), axis=1) - ord("0")
    if (chars[0, point] != ord(".") or (chars[:, point] != ord(".")).any() or (digits > 9).any()
            or (signed is not None and not np.isin(signed, (ord("+"), ord("-"))).all())):
        return column.astype(float)  # not one fixed layout: numpy reads each
    mantissa = digits.astype(np.int64) @ (10 ** np.arange(digits.shape[1] - 1, -1, -1, dtype=np.int64))
    # both exact in float64, so the quotient is the correctly rounded decimal, as float() gives
    value = mantissa.astype(float) / float(10 ** (width - point - 1))
    return np.where(signed == ord("-"), -value, value) if signed is not None else value


def outward_centres(table: PostcodeTable) -> dict[str, dict[str, tuple[float, float]]]:
    """The mean centre of the postcodes of each district ("SE1") and sector ("SE1 7"), rounded to
    4 decimals (about 10 m): a table small enough to travel with a map page."""
    import numpy as np

    lats = decimals(table.lats)
    lons = decimals(table.lons)
    out = {}
    for kind, width in (("districts", 4), ("sectors", 5)):
        keys = table.keys.astype(f"S{width}")
        names, inverse = np.unique(keys, return_inverse=True)
        counts = np.bincount(inverse)
        mean_lat = np.bincount(inverse, weights=lats) / counts
        mean_lon = np.bincount(inverse, weights=lons) / counts
        out[kind] = {(n.decode()[:4].strip() + (" " + n.decode()[4:] if width == 5 else "")): (
            round(float(a), 4), round(float(b), 4)) for n, a, b in zip(names, mean_lat, mean_lon)}
    return out
