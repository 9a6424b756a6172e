"""Regenerate data/london-postcodes.csv.gz: the postcodes of the 33 London areas and their centres.

Source: the repository odileeds/Postcodes2LatLon (folder `postcodes/`, one CSV per postcode area,
columns Postcode,lat,long), derived by ODI Leeds from the ONS National Statistics Postcode Lookup,
2021 Census (May 2025), under the Open Government Licence v3.0. This script keeps the postcodes
whose centre lies inside, or within about 1 km of, the London boundaries in
data/london-boroughs.geojson (the boundaries are simplified, so a margin keeps the postcodes along
the edge), leaves out Northern Ireland (BT, which ONS licenses separately), and writes a CSV
`pcd,lat,lon` sorted by postcode in fixed-width lines, so sprx can search it without parsing it:
`pcd` is the postcode in ONS's 7-character form (outward code padded to four: "E1  6AN",
"NW1 4NX", "SW1A1AA"), `lat` and `lon` the published degrees with five decimals and a sign on
`lon` ("+0.01544"), the same values as the source.

Usage:
    python scripts/make_postcodes.py --source PATH/TO/Postcodes2LatLon/postcodes
    python scripts/make_postcodes.py --git PATH/TO/Postcodes2LatLon   # a clone, read with git show
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOUNDARIES = ROOT / "data" / "london-boroughs.geojson"
OUT = ROOT / "data" / "london-postcodes.csv.gz"
MARGIN = 0.012  # degrees (about 1 km north-south, 0.8 km east-west at London's latitude)


def _area_files(source: Path | None, repo: Path | None) -> dict[str, str]:
    """The text of each postcode area's CSV, by area."""
    if source is not None:
        return {p.stem: p.read_text(encoding="utf-8") for p in sorted(source.glob("*.csv"))}
    names = subprocess.run(["git", "-C", str(repo), "ls-tree", "--name-only", "HEAD", "postcodes/"],
                           check=True, capture_output=True, text=True).stdout.split()
    return {Path(n).stem: subprocess.run(["git", "-C", str(repo), "show", f"HEAD:{n}"], check=True,
                                         capture_output=True, text=True).stdout
            for n in names if n.endswith(".csv")}


def pcd(postcode: str) -> str:
    """The 7-character form: outward code left-aligned in four characters, then the inward code."""
    compact = postcode.replace(" ", "").upper()
    return f"{compact[:-3]:<4}{compact[-3:]}"[:7] if len(compact) <= 7 else compact


def _line(postcode: str, lat: str, lon: str) -> str:
    line = f"{pcd(postcode)},{float(lat):08.5f},{float(lon):+.5f}\n"
    if len(line) != 26 or float(line[8:16]) != float(lat) or float(line[17:25]) != float(lon):
        raise SystemExit(f"{postcode} {lat} {lon} does not fit the fixed-width line")
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--source", type=Path, help="the postcodes/ folder of Postcodes2LatLon")
    group.add_argument("--git", type=Path, help="a clone (or bare mirror) of Postcodes2LatLon")
    args = parser.parse_args()

    import numpy as np
    import shapely
    from shapely.geometry import shape

    features = json.loads(BOUNDARIES.read_text(encoding="utf-8"))["features"]
    london = shapely.union_all([shape(f["geometry"]) for f in features]).buffer(MARGIN)
    shapely.prepare(london)
    west, south, east, north = london.bounds

    rows: list[tuple[str, str, str]] = []
    for area, text in _area_files(args.source, args.git).items():
        if area == "BT":  # Northern Ireland: licensed separately by ONS
            continue
        reader = csv.reader(io.StringIO(text))
        header = next(reader)
        if [h.lower() for h in header[:3]] != ["postcode", "lat", "long"]:
            raise SystemExit(f"{area}.csv: unexpected header {header}")
        candidates = []
        for postcode, lat, lon in reader:
            if not lat or not lon:
                continue
            y, x = float(lat), float(lon)
            if south <= y <= north and west <= x <= east:
                candidates.append((postcode, lat, lon, x, y))
        if not candidates:
            continue
        xs = np.array([c[3] for c in candidates])
        ys = np.array([c[4] for c in candidates])
        inside = shapely.contains_xy(london, xs, ys)
        rows += [(c[0], c[1], c[2]) for c, keep in zip(candidates, inside) if keep]
    lines = sorted(_line(*row) for row in rows)
    if len({line[:7] for line in lines}) != len(lines):
        raise SystemExit("a postcode appears twice")
    buf = io.StringIO()
    buf.write("pcd,lat,lon\n")
    buf.writelines(lines)
    # mtime=0: the same rows give the same bytes
    OUT.write_bytes(gzip.compress(buf.getvalue().encode("ascii"), compresslevel=9, mtime=0))
    print(f"wrote {OUT.relative_to(ROOT)}: {len(lines)} postcodes, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
