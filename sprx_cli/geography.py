"""Boundaries: reading them (any format geopandas reads), checking them against the area
registry, and finding which areas a point falls in. geopandas is imported here only, lazily."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from .areas import Areas
from .problems import Loc, Problem

if TYPE_CHECKING:
    import geopandas as gpd


class BoundaryReadError(Exception):
    """A boundary file geopandas cannot read; the message is one line for people."""


def read_boundary_file(path: Path, **kwargs) -> "gpd.GeoDataFrame":
    """geopandas.read_file, with its many kinds of failure turned into one BoundaryReadError."""
    import warnings

    import geopandas as gpd

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return gpd.read_file(path, **kwargs)
    except Exception as exc:  # pyogrio raises many kinds; all mean "cannot read"
        first = (str(exc).splitlines() or [type(exc).__name__])[0].split("; It might help")[0]
        raise BoundaryReadError(first) from None


def load_boundaries(path: Path, display: str, areas: Areas, code_field: str = "code"
                    ) -> tuple["gpd.GeoDataFrame | None", list[Problem]]:
    """Read boundaries as WGS84 polygons keyed by `code`, in the area registry's order."""
    problems: list[Problem] = []
    loc = Loc(display)
    if not path.exists():
        return None, [Problem("file-not-found", f"{display} does not exist", loc,
                              hint="check the path, or pass the boundary file with --boundaries")]
    import shapely

    try:
        gdf = read_boundary_file(path)
    except BoundaryReadError as exc:
        return None, [Problem("boundaries-unreadable", f"cannot read boundaries from {display}: {exc}",
                              loc, hint="give a GeoJSON, TopoJSON, GeoPackage or Shapefile of the areas")]
    if gdf.crs is None:
        return None, [Problem(
            "boundaries-no-crs", f"{display} does not say which coordinate reference system it uses",
            loc, hint="save it with a CRS (e.g. EPSG:4326 or EPSG:27700), or ship the .prj beside a Shapefile")]
    if len(gdf) == 0:
        return None, [Problem("boundaries-empty", f"{display} holds no features (no area shapes)", loc,
                              hint="export the boundary file again with every area in it")]
    if code_field not in gdf.columns:
        fields = [c for c in gdf.columns if c != "geometry"]
        return None, [Problem(
            "boundaries-missing-field", f"{display} has no '{code_field}' attribute", loc, value=code_field,
            hint=f"its attributes are: {', '.join(map(str, fields)) or 'none'}")]
    if gdf.crs.is_geographic:
        minx, miny, maxx, maxy = gdf.total_bounds
        if min(minx, miny) < -180 or maxx > 180 or maxy > 90 or miny < -90:
            return None, [Problem(
                "boundaries-no-crs",
                f"{display} claims longitude/latitude but its coordinates are not degrees",
                loc, hint="the file is probably in British National Grid (EPSG:27700): save it with that CRS")]
    if gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    gdf = gdf.rename(columns={code_field: "code"})[["code", "geometry"]].copy()
    gdf["code"] = gdf["code"].astype(str).str.strip().str.upper()
    seen: set[str] = set()
    keep = []
    for i, (code, geom) in enumerate(zip(gdf["code"], gdf.geometry)):
        where = f"feature {i + 1} ({code})"
        if code in seen:
            problems.append(Problem("boundaries-duplicate-code", f"{where} repeats an area code",
                                    loc, value=code, hint="each area must have one feature"))
            continue
        seen.add(code)
        if geom is None or geom.is_empty:
            problems.append(Problem("boundaries-empty-geometry", f"{where} has no geometry",
                                    loc, value=code, hint="give the area its boundary polygon"))
            continue
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(Problem("boundaries-empty-geometry",
                                    f"{where} is a {geom.geom_type}, not an area", loc,
                                    value=code, hint="area boundaries must be polygons"))
            continue
        keep.append(i)
    gdf = gdf.iloc[keep].copy()
    invalid = ~gdf.geometry.is_valid
    if invalid.any():
        for code in gdf.loc[invalid, "code"]:
            problems.append(Problem(
                "boundaries-invalid-geometry", f"the boundary of {code} is not valid geometry "
                "(it crosses itself); it was repaired in memory", loc, severity="warning", value=code,
                hint="repair the file (e.g. QGIS 'Fix geometries') so every tool reads it the same"))
        gdf.loc[invalid, "geometry"] = shapely.make_valid(gdf.loc[invalid, "geometry"].values)
    known = set(areas.by_code)
    in_file = set(gdf["code"])
    for code in sorted(in_file - known):
        problems.append(Problem("boundaries-unknown-area",
                                f"the boundaries have an area {code} that the area registry does not list",
                                loc, value=code, hint="add the area to the area registry, or remove it from the boundaries"))
    for code in [a.code for a in areas.areas if a.code not in in_file]:
        problems.append(Problem("boundaries-missing-area",
                                f"no boundary for {code} ({areas.by_code[code].name})",
                                loc, value=code, hint="the boundaries must cover every area in the registry"))
    order = {a.code: i for i, a in enumerate(areas.areas)}
    gdf = gdf[gdf["code"].isin(order)]
    gdf = gdf.iloc[sorted(range(len(gdf)), key=lambda i: order[gdf["code"].iloc[i]])].reset_index(drop=True)
    return gdf, problems


def areas_containing(boundaries: "gpd.GeoDataFrame", lats: Sequence[float], lons: Sequence[float]
                     ) -> list[tuple[str, ...]]:
    """For each point, the codes of the areas that contain it (border points count for both)."""
    import numpy as np
    import shapely

    if len(lats) == 0:
        return []
    points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
    tree = shapely.STRtree(boundaries.geometry.values)
    point_idx, area_idx = tree.query(points, predicate="intersects")
    codes = boundaries["code"].to_numpy()
    out: list[tuple[str, ...]] = [()] * len(points)
    for p, a in zip(point_idx.tolist(), area_idx.tolist()):
        out[p] += (codes[a],)
    return out
