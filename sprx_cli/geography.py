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


# Formats that are longitude/latitude by definition: GeoJSON (RFC 7946) and, in practice, TopoJSON
DEGREE_FORMATS = (".geojson", ".json", ".topojson")


def _in_degrees(gdf) -> bool:
    minx, miny, maxx, maxy = gdf.total_bounds
    return -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


def read_area_boundaries(path: Path, code_field: str = "code", name_field: str = "name", crs: str | None = None,
                         geometry: bool = True) -> "gpd.GeoDataFrame":
    """A boundary file as `code`, `name` (and WGS84 `geometry`) columns, for making an area registry
    or demo data. BoundaryReadError says what is wrong, naming the option at fault."""
    gdf = read_boundary_file(path) if geometry else read_boundary_file(path, ignore_geometry=True)
    for option, fld in (("--code-field", code_field), ("--name-field", name_field)):
        if fld not in gdf.columns:
            raise BoundaryReadError(f"{option}: {path} has no attribute {fld!r}; its attributes are "
                                    f"{', '.join(str(c) for c in gdf.columns if c != 'geometry') or 'none'}")
    out = gdf[[code_field, name_field] + (["geometry"] if geometry else [])].copy()
    out.columns = ["code", "name"] + (["geometry"] if geometry else [])
    out["code"] = out["code"].astype(str).str.strip().str.upper()
    out["name"] = out["name"].astype(str).str.strip()
    if geometry:
        import geopandas as gpd

        out = gpd.GeoDataFrame(out, geometry="geometry", crs=gdf.crs)
        out = assign_crs(out, path, crs)
        if out.crs is None:
            raise BoundaryReadError(f"{path} does not say which coordinate reference system it uses; "
                                    "name it with --crs (e.g. --crs EPSG:27700)")
        if out.crs.to_epsg() != 4326:
            out = out.to_crs(4326)
    return out


def assign_crs(gdf: "gpd.GeoDataFrame", path: Path, crs: str | None) -> "gpd.GeoDataFrame":
    """The boundaries with a known CRS: `crs` when given; a GeoJSON or TopoJSON without one is WGS84
    when its coordinates fit longitude/latitude. Raises BoundaryReadError when it cannot be known."""
    if crs:
        try:
            return gdf.set_crs(crs, allow_override=True)
        except Exception as exc:  # pyproj's CRSError and friends
            raise BoundaryReadError(f"--crs {crs!r} is not a coordinate reference system pyproj knows "
                                    f"({str(exc).splitlines()[0]})") from None
    if gdf.crs is None and path.suffix.lower() in DEGREE_FORMATS and len(gdf) and _in_degrees(gdf):
        return gdf.set_crs(4326)
    return gdf


def load_boundaries(path: Path, display: str, areas: Areas, code_field: str = "code",
                    name_field: str | None = None, crs: str | None = None
                    ) -> tuple["gpd.GeoDataFrame | None", list[Problem]]:
    """Read boundaries as WGS84 polygons keyed by `code`, in the area registry's order."""
    problems: list[Problem] = []
    loc = Loc(display)
    if not path.exists():
        return None, [Problem("file-not-found", f"{display} does not exist", loc,
                              hint="check the path, or pass the boundary file with --boundaries")]
    import shapely

    try:
        gdf = assign_crs(read_boundary_file(path), path, crs)
    except BoundaryReadError as exc:
        return None, [Problem("boundaries-unreadable", f"cannot read boundaries from {display}: {exc}",
                              loc, hint="give a GeoJSON, TopoJSON, GeoPackage or Shapefile of the areas")]
    if gdf.crs is None:
        return None, [Problem(
            "boundaries-no-crs", f"{display} does not say which coordinate reference system it uses",
            loc, hint="save it with a CRS, ship the .prj beside a Shapefile, or name it with --crs "
                      "(e.g. --crs EPSG:27700)")]
    if len(gdf) == 0:
        return None, [Problem("boundaries-empty", f"{display} holds no features (no area shapes)", loc,
                              hint="export the boundary file again with every area in it")]
    for option, fld in (("--code-field", code_field), ("--name-field", name_field)):
        if fld is not None and fld not in gdf.columns:
            fields = [c for c in gdf.columns if c != "geometry"]
            return None, [Problem(
                "boundaries-missing-field", f"{display} has no '{fld}' attribute ({option})", loc, value=fld,
                hint=f"its attributes are: {', '.join(map(str, fields)) or 'none'}")]
    if gdf.crs.is_geographic and not _in_degrees(gdf):
        return None, [Problem(
            "boundaries-no-crs",
            f"{display} claims longitude/latitude but its coordinates are not degrees",
            loc, hint="the file is probably in British National Grid: name it with --crs EPSG:27700")]
    if gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    names = {} if name_field is None else dict(zip(gdf[code_field].astype(str).str.strip().str.upper(),
                                                   gdf[name_field].astype(str)))
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
        problems.append(_repaired(list(gdf.loc[invalid, "code"]), loc))
        gdf.loc[invalid, "geometry"] = shapely.make_valid(gdf.loc[invalid, "geometry"].values)
    known = set(areas.by_code)
    in_file = set(gdf["code"])
    for code in sorted(in_file - known):
        named = f" ({names[code]})" if code in names else ""
        problems.append(Problem("boundaries-unknown-area",
                                f"the boundaries have an area {code}{named} that the area registry does not list",
                                loc, value=code, hint="add the area to the area registry, or remove it from the boundaries"))
    for code in [a.code for a in areas.areas if a.code not in in_file]:
        problems.append(Problem("boundaries-missing-area",
                                f"no boundary for {code} ({areas.by_code[code].name})",
                                loc, value=code, hint="the boundaries must cover every area in the registry"))
    order = {a.code: i for i, a in enumerate(areas.areas)}
    gdf = gdf[gdf["code"].isin(order)]
    gdf = gdf.iloc[sorted(range(len(gdf)), key=lambda i: order[gdf["code"].iloc[i]])].reset_index(drop=True)
    return gdf, problems


def _repaired(codes: list[str], loc: Loc) -> Problem:
    """One warning for every boundary repaired (a quantised TopoJSON can have hundreds); the
    value lists every code."""
    shown = ", ".join(codes[:3]) + (f" and {len(codes) - 3:,} more" if len(codes) > 3 else "")
    what = f"the boundary of {codes[0]} is" if len(codes) == 1 else f"{len(codes):,} boundaries ({shown}) are"
    return Problem("boundaries-invalid-geometry", f"{what} not valid geometry (crossing itself); repaired in memory",
                   loc, value=", ".join(codes),
                   hint="repair the file (e.g. QGIS 'Fix geometries') so every tool reads it the same")


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
