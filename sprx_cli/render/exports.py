"""Exports for other tools: schemes one row (or one point) each, and areas with their counts."""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from .. import __version__
from ..aggregate.counts import area_counts
from ..aggregate.filters import Filters
from ..aggregate.metrics import figure_sources
from ..geo.need import ATTRIBUTION
from ..core.model import Registry, Scheme, data_date, hours_text
from ..registry.fields import CSV_LOCATION_COLUMNS, FIELDS, TRANSLATED_COLUMNS, flat_columns
from .tables import build_table, to_delimited, to_xlsx


SCHEME_COLUMNS = flat_columns()  # from the field table
LOCATION_COLUMNS = tuple(CSV_LOCATION_COLUMNS)


def _meta(registry: Registry, filters: Filters) -> dict[str, Any]:
    d = data_date(registry.schemes)
    return {"sprx_version": __version__, "data_date": d.isoformat() if d else None, "filters": filters.to_dict()}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _hours(hours) -> list[dict]:
    return [{"days": list(h.days), "opens": h.opens, "closes": h.closes} for h in hours]


def translation_columns(schemes: list[Scheme]) -> list[str]:
    """The flat exports' columns of translated text ('name_cy', ..., 'location_name_cy'): each
    translatable column for each language the schemes have a translation in."""
    codes = sorted({c for s in schemes for c, _ in s.translations}
                   | {c for s in schemes for loc in s.locations for c, _ in loc.translations})
    return [f"{column}_{code}" for code in codes for column in TRANSLATED_COLUMNS]


def _translations(translations) -> dict[str, dict[str, str]]:
    return {code: dict(texts) for code, texts in translations}


def scheme_record(s: Scheme, area_names: dict, nested: bool = False) -> dict[str, Any]:
    """One scheme, field by field from the field table: flat (lists joined with ';', the first
    location inline, translations as 'name_cy' and the like) or, with `nested`, with real lists and
    every location."""
    out: dict[str, Any] = {}
    for f in FIELDS:
        value = getattr(s, f.name)
        if f.kind == "locations":
            if nested:
                out[f.name] = [{**{k: _plain(v) for k, v in loc._asdict().items()},
                                "accessibility": list(loc.accessibility), "hours": _hours(loc.hours),
                                "translations": _translations(loc.translations),
                                "coordinates_from": loc.point_source} for loc in value]
            else:
                first = value[0] if value else None
                out["location_count"] = len(value)
                out.update({c: getattr(first, n) if first else None for c, n in CSV_LOCATION_COLUMNS.items()})
                out["coordinates_from"] = first.point_source if first else None
        elif f.kind == "hours":
            out[f.name] = _hours(value) if nested else hours_text(value)
        elif f.kind == "mapping":
            parts = {p.name: (getattr(value, p.name) if value else None) for p in f.parts}
            if nested:
                out[f.name] = parts if value else None
            else:
                out.update({c: parts[p.name] for p in f.parts if (c := p.csv)})
        elif f.kind == "translations":
            if nested:
                out[f.name] = _translations(value)
            else:
                first = s.locations[0].translations if s.locations else ()
                for column, (place, name) in TRANSLATED_COLUMNS.items():
                    for code, texts in first if place else value:
                        out[f"{column}_{code}"] = dict(texts).get(name)
        elif f.kind == "list":
            shown = [area_names[c].name for c in value] if f.codes_column else list(value)
            out[f.name] = shown if nested else ";".join(shown)
            if f.codes_column:
                out[f.codes_column] = list(value) if nested else ";".join(value)
        else:
            out[f.name] = _plain(value)
    return out


def _selected(registry: Registry, filters: Filters) -> list[Scheme]:
    return sorted(area_counts(registry, filters).schemes, key=lambda s: s.id)


def scheme_records(registry: Registry, filters: Filters = Filters()) -> list[dict[str, Any]]:
    """One flat record per selected scheme, sorted by id."""
    names = registry.areas.by_code
    return [scheme_record(s, names) for s in _selected(registry, filters)]


def export_schemes(registry: Registry, fmt: str, filters: Filters = Filters(),
                   records: list[dict[str, Any]] | None = None) -> bytes:
    """The selected schemes as CSV, JSON, GeoJSON (a point per location) or XLSX bytes; `records`:
    scheme_records' answer for the same filters, when already made (one publish writes three)."""
    if fmt == "json":
        # (a scheme a line: readable and diffable, and json's C encoder writes it, as it does not with indent)
        schemes = _selected(registry, filters)
        head = json.dumps(_meta(registry, filters), ensure_ascii=False, indent=2)
        lines = ",\n".join("    " + json.dumps(scheme_record(s, registry.areas.by_code, nested=True),
                                      ensure_ascii=False) for s in schemes)
        return (head[:-2] + ',\n  "schemes": [\n' + lines + "\n  ]\n}\n").encode() if schemes else (
            json.dumps({**_meta(registry, filters), "schemes": []}, ensure_ascii=False, indent=2) + "\n").encode()
    if records is None:
        records = scheme_records(registry, filters)
    by_id = {s.id: s for s in registry.schemes}
    columns = [*SCHEME_COLUMNS, *translation_columns([by_id[r["id"]] for r in records])]
    if fmt == "csv":
        return to_delimited(columns, [[r.get(c) for c in columns] for r in records], ",").encode()
    if fmt == "xlsx":
        return to_xlsx([("schemes", columns, [[r.get(c) for c in columns] for r in records])])
    if fmt == "geojson":
        features = []
        for r in records:
            props = {k: v for k, v in r.items() if k not in LOCATION_COLUMNS
                     and k not in ("location_count", "coordinates_from")}
            for i, loc in enumerate(by_id[r["id"]].locations):
                if not loc.has_point:
                    continue
                features.append({"type": "Feature",
                                 "properties": {**props, "location_index": i + 1, "location_name": loc.name,
                                                "address": loc.address, "postcode": loc.postcode,
                                                "coordinates_from": loc.point_source},
                                 "geometry": {"type": "Point", "coordinates": [loc.lon, loc.lat]}})
        doc = {"type": "FeatureCollection", "name": "schemes", **_meta(registry, filters), "features": features}
        return (json.dumps(doc, ensure_ascii=False) + "\n").encode()
    raise ValueError(f"unknown format {fmt!r}")


def areas_frame(registry: Registry, filters: Filters = Filters()):
    """The boundaries with the area table's counts attached (a GeoDataFrame, WGS84)."""
    import geopandas as gpd

    table = build_table(registry, "area", filters)
    need = {r["code"]: r for r in build_table(registry, "area", filters, need=True).records()}
    order = {a.code: i for i, a in enumerate(registry.areas.areas)}
    rows = sorted(table.records(), key=lambda r: order[r["code"]])
    for r in rows:  # need beside provision (aggregate/need.py), the table's own rate kept
        r.update({k: v for k, v in need[r["code"]].items() if k not in r})
    geometry = dict(zip(registry.boundaries.codes, registry.boundaries.geometry))
    return gpd.GeoDataFrame(rows, geometry=[geometry[r["code"]] for r in rows], crs="EPSG:4326")


def export_areas(registry: Registry, fmt: str, filters: Filters = Filters()) -> bytes:
    """The boundaries with the area table's counts, as GeoJSON or GeoPackage bytes."""
    gdf = areas_frame(registry, filters)
    if fmt == "geojson":
        doc = json.loads(gdf.to_json(drop_id=True))
        doc = {"type": "FeatureCollection", "name": "areas", **_meta(registry, filters),
               "sources": figure_sources(registry.areas), "figures": ATTRIBUTION, "features": doc["features"]}
        return (json.dumps(doc, ensure_ascii=False) + "\n").encode()
    if fmt == "gpkg":
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "areas.gpkg"
            about = {f"{k}_source": v for k, v in figure_sources(registry.areas).items()} | {"figures": ATTRIBUTION}
            # (read back with pyogrio.read_info)
            gdf.to_file(path, driver="GPKG", layer="areas", engine="pyogrio", layer_metadata=about)
            return path.read_bytes()
    raise ValueError(f"unknown format {fmt!r}")

