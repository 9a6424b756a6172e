"""Exports for other tools: schemes one row (or one point) each, and areas with their counts."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from . import __version__
from .aggregate import area_counts
from .model import Filters, Registry, data_date
from .tables import build_table, to_delimited, to_xlsx


SCHEME_FORMATS = ("csv", "json", "geojson", "xlsx")
AREA_FORMATS = ("geojson", "gpkg")
SCHEME_COLUMNS = ["id", "name", "provider", "boroughs", "borough_codes", "description", "categories",
                  "referral_routes", "target_groups", "website", "email", "phone", "status", "last_verified",
                  "location_count", "location_name", "address", "postcode", "lat", "lon"]
LOCATION_COLUMNS = ("location_name", "address", "postcode", "lat", "lon")


def _meta(registry: Registry, filters: Filters) -> dict[str, Any]:
    d = data_date(registry.schemes)
    return {"sprx_version": __version__, "data_date": d.isoformat() if d else None, "filters": filters.to_dict()}


def scheme_records(registry: Registry, filters: Filters = Filters()) -> list[dict[str, Any]]:
    """One flat record per selected scheme, lists joined with ';', the first location inline."""
    names = registry.areas.by_code
    out = []
    for s in sorted(area_counts(registry, filters).schemes, key=lambda s: s.id):
        first = s.locations[0] if s.locations else None
        out.append({
            "id": s.id, "name": s.name, "provider": s.provider,
            "boroughs": ";".join(names[c].name for c in s.boroughs), "borough_codes": ";".join(s.boroughs),
            "description": s.description, "categories": ";".join(s.categories),
            "referral_routes": ";".join(s.referral_routes), "target_groups": ";".join(s.target_groups),
            "website": s.website, "email": s.email, "phone": s.phone, "status": s.status,
            "last_verified": s.last_verified.isoformat() if s.last_verified else None,
            "location_count": len(s.locations),
            "location_name": first.name if first else None, "address": first.address if first else None,
            "postcode": first.postcode if first else None, "lat": first.lat if first else None,
            "lon": first.lon if first else None,
        })
    return out


def export_schemes(registry: Registry, fmt: str, filters: Filters = Filters()) -> bytes:
    """The selected schemes as CSV, JSON, GeoJSON (a point per location) or XLSX bytes."""
    records = scheme_records(registry, filters)
    if fmt == "csv":
        return to_delimited(SCHEME_COLUMNS, [[r[c] for c in SCHEME_COLUMNS] for r in records], ",").encode()
    if fmt == "xlsx":
        return to_xlsx([("schemes", SCHEME_COLUMNS, [[r[c] for c in SCHEME_COLUMNS] for r in records])])
    by_id = {s.id: s for s in registry.schemes}
    if fmt == "json":
        full = []
        for r in records:
            s = by_id[r["id"]]
            item = {k: v for k, v in r.items() if k not in LOCATION_COLUMNS and k != "location_count"}
            item.update({"boroughs": [registry.areas.by_code[c].name for c in s.boroughs],
                         "borough_codes": list(s.boroughs), "categories": list(s.categories),
                         "referral_routes": list(s.referral_routes), "target_groups": list(s.target_groups),
                         "locations": [{"name": loc.name, "address": loc.address, "postcode": loc.postcode,
                                        "lat": loc.lat, "lon": loc.lon} for loc in s.locations]})
            full.append(item)
        doc = {**_meta(registry, filters), "schemes": full}
        return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()
    if fmt == "geojson":
        features = []
        for r in records:
            props = {k: v for k, v in r.items() if k not in LOCATION_COLUMNS and k != "location_count"}
            for i, loc in enumerate(by_id[r["id"]].locations):
                if not loc.has_point:
                    continue
                features.append({"type": "Feature",
                                 "properties": {**props, "location_index": i + 1, "location_name": loc.name,
                                                "address": loc.address, "postcode": loc.postcode},
                                 "geometry": {"type": "Point", "coordinates": [loc.lon, loc.lat]}})
        doc = {"type": "FeatureCollection", "name": "schemes", **_meta(registry, filters), "features": features}
        return (json.dumps(doc, ensure_ascii=False) + "\n").encode()
    raise ValueError(f"unknown format {fmt!r}")


def areas_frame(registry: Registry, filters: Filters = Filters()):
    """The boundaries with the area table's counts attached (a GeoDataFrame, WGS84)."""
    import geopandas as gpd

    table = build_table(registry, "area", filters)
    order = {a.code: i for i, a in enumerate(registry.areas.areas)}
    rows = sorted(table.records(), key=lambda r: order[r["code"]])
    geometry = dict(zip(registry.boundaries["code"], registry.boundaries.geometry))
    return gpd.GeoDataFrame(rows, geometry=[geometry[r["code"]] for r in rows], crs="EPSG:4326")


def export_areas(registry: Registry, fmt: str, filters: Filters = Filters()) -> bytes:
    """The boundaries with the area table's counts, as GeoJSON or GeoPackage bytes."""
    gdf = areas_frame(registry, filters)
    if fmt == "geojson":
        doc = json.loads(gdf.to_json(drop_id=True))
        doc = {"type": "FeatureCollection", "name": "areas", **_meta(registry, filters), "features": doc["features"]}
        return (json.dumps(doc, ensure_ascii=False) + "\n").encode()
    if fmt == "gpkg":
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "areas.gpkg"
            gdf.to_file(path, driver="GPKG", layer="areas")
            return path.read_bytes()
    raise ValueError(f"unknown format {fmt!r}")


def is_binary(fmt: str) -> bool:
    """Formats that cannot go to a terminal."""
    return fmt in ("xlsx", "gpkg")
