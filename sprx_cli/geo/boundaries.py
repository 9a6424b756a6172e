"""Boundaries: reading them (any format geopandas reads), checking them against the area
registry, and finding which areas a point falls in. geopandas is imported here only, lazily."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from collections.abc import Sequence

from ..core.areas import Areas
from ..core.errors import SprxError, UsageError
from ..core.problems import Loc, Problem

if TYPE_CHECKING:
    import geopandas as gpd


class BoundaryReadError(SprxError):
    """A boundary file cannot be read or used as asked; the message is one line for people."""


class BoundarySettingError(BoundaryReadError, UsageError):
    """The boundaries lack what a setting names: an attribute (`code_field`, `name_field`) or a CRS
    pyproj knows (`crs`); `subject` is the setting."""

    def __init__(self, subject: str, message: str, hint: str | None = None):
        UsageError.__init__(self, subject, message, hint)


# what each attribute setting names, and the option that sets it (for hints)
_WHAT = {"code_field": ("area codes", "--code-field"), "name_field": ("area names", "--name-field")}


def read_boundary_file(path: Path, **kwargs) -> gpd.GeoDataFrame:
    """geopandas.read_file, with its many kinds of failure turned into one BoundaryReadError."""
    import warnings

    import geopandas as gpd

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gdf = gpd.read_file(path, **kwargs)
    except Exception as exc:  # pyogrio raises many kinds; all mean "cannot read"
        first = (str(exc).splitlines() or [type(exc).__name__])[0].split("; It might help")[0]
        raise BoundaryReadError(first) from None
    shapeless = not isinstance(gdf, gpd.GeoDataFrame) or "geometry" not in gdf  # (a CSV or a sheet: a table)
    if shapeless and not kwargs.get("ignore_geometry"):
        raise BoundaryReadError("it is a table with no shapes in it (a CSV or a spreadsheet, not boundaries)",
                                "give a GeoJSON, TopoJSON, GeoPackage or Shapefile of the areas' shapes")
    return gdf


# Formats that are longitude/latitude by definition: GeoJSON (RFC 7946) and, in practice, TopoJSON
DEGREE_FORMATS = (".geojson", ".json", ".topojson")


def _in_degrees(bounds) -> bool:
    minx, miny, maxx, maxy = bounds
    return -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


def read_area_boundaries(path: Path, code_field: str = "code", name_field: str = "name", crs: str | None = None,
                         geometry: bool = True) -> gpd.GeoDataFrame:
    """A boundary file as `code`, `name` (and WGS84 `geometry`) columns, for making an area registry
    or demo data. BoundaryReadError says what is wrong (BoundarySettingError: which setting is at fault)."""
    gdf = read_boundary_file(path) if geometry else read_boundary_file(path, ignore_geometry=True)
    for setting, fld in (("code_field", code_field), ("name_field", name_field)):
        if fld not in gdf.columns:
            raise BoundarySettingError(setting, f"{path} has no attribute {fld!r}; its attributes are "
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
            raise BoundaryReadError(f"{path} does not say which coordinate reference system it uses",
                                    "name it with --crs (e.g. --crs EPSG:27700)")
        if out.crs.to_epsg() != 4326:
            out = out.to_crs(4326)
    return out


def assign_crs(gdf: gpd.GeoDataFrame, path: Path, crs: str | None) -> gpd.GeoDataFrame:
    """The boundaries with a known CRS: `crs` when given; a GeoJSON or TopoJSON without one is WGS84
    when its coordinates fit longitude/latitude. Raises BoundaryReadError when it cannot be known."""
    if crs:
        try:
            return gdf.set_crs(crs, allow_override=True)
        except Exception as exc:  # pyproj's CRSError and friends
            raise BoundarySettingError("crs", f"{crs!r} is not a coordinate reference system pyproj knows "
                                       f"({str(exc).splitlines()[0]})",
                                       "name one with --crs, e.g. EPSG:27700") from None
    if gdf.crs is None and path.suffix.lower() in DEGREE_FORMATS and len(gdf) and _in_degrees(gdf.total_bounds):
        return gdf.set_crs(4326)
    return gdf


class Boundaries:
    """Area shapes in WGS84 keyed by area code, in the area registry's order.

    Plain lists and shapely geometries: checking points against areas and drawing the map need no
    GeoDataFrame, so geopandas is imported only by what does (`frame()`: the PNG, exports)."""

    __slots__ = ("codes", "geometry", "_bounds")

    def __init__(self, codes: Sequence[str], geometry: Sequence) -> None:
        import numpy as np

        self.codes = list(codes)
        self.geometry = np.empty(len(self.codes), dtype=object)
        self.geometry[:] = list(geometry)
        self._bounds = None

    def __len__(self) -> int:
        return len(self.codes)

    @classmethod
    def from_frame(cls, gdf: gpd.GeoDataFrame) -> Boundaries:
        """From a GeoDataFrame with `code` and WGS84 `geometry` columns."""
        return cls([str(c) for c in gdf["code"]], list(gdf.geometry))

    @property
    def total_bounds(self) -> tuple[float, float, float, float]:
        """(min lon, min lat, max lon, max lat) of every area."""
        import shapely

        west, south, east, north = (float(v) for v in shapely.total_bounds(self.geometry))
        return west, south, east, north

    def bounds(self):
        """Each area's (min lon, min lat, max lon, max lat), its shape prepared for point tests (once)."""
        if self._bounds is None:
            import shapely

            shapely.prepare(self.geometry)
            self._bounds = shapely.bounds(self.geometry).tolist()
        return self._bounds

    def features(self) -> list[dict]:
        """The areas as GeoJSON features with a `code` property."""
        from shapely.geometry import mapping

        return [{"type": "Feature", "properties": {"code": c}, "geometry": mapping(g)}
                for c, g in zip(self.codes, self.geometry)]

    def frame(self) -> gpd.GeoDataFrame:
        """The areas as a GeoDataFrame (`code`, `geometry`; EPSG:4326)."""
        import geopandas as gpd

        return gpd.GeoDataFrame({"code": self.codes}, geometry=list(self.geometry), crs="EPSG:4326")


# A GeoJSON `crs` member that still means longitude/latitude on WGS84 (RFC 7946 drops the member).
_WGS84 = {"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "urn:ogc:def:crs:EPSG::4326",
          "EPSG:4326", "OGC:CRS84"}


def _read_plain_geojson(path: Path, code_field: str, name_field: str | None):
    """(codes, names, geometries) of a plain WGS84 GeoJSON FeatureCollection whose every feature has
    text `code_field` (and `name_field`); None for anything else, which geopandas reads and words."""
    import json

    try:
        doc = json.loads(path.read_bytes())
    except (ValueError, OSError, RecursionError):
        return None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        return None
    crs = doc.get("crs")
    if crs is not None and not (isinstance(crs, dict) and isinstance(crs.get("properties"), dict)
                                and crs["properties"].get("name") in _WGS84):
        return None
    from shapely.geometry import shape

    codes, names, geoms = [], {}, []
    for feat in doc["features"]:
        props = feat.get("properties") if isinstance(feat, dict) and feat.get("type") == "Feature" else None
        if not isinstance(props, dict) or type(props.get(code_field)) is not str or \
                (name_field is not None and type(props.get(name_field)) is not str):
            return None
        code = props[code_field].strip().upper()
        codes.append(code)
        if name_field is not None:
            names[code] = props[name_field]
        try:
            geoms.append(None if feat.get("geometry") is None else shape(feat["geometry"]))
        except Exception:  # shapely's many kinds for a malformed geometry: geopandas words it
            return None
    return codes, names, geoms


def _read_any_boundaries(path: Path, display: str, code_field: str, name_field: str | None, crs: str | None):
    """(codes, names, geometries in WGS84) of any file geopandas reads, or the problems that stop it."""
    loc = Loc(display)
    try:
        gdf = assign_crs(read_boundary_file(path), path, crs)
    except BoundaryReadError as exc:
        return [Problem("boundaries-unreadable", f"cannot read boundaries from {display}: {exc}", loc, hint=exc.hint)]
    if gdf.crs is None:
        return [Problem(
            "boundaries-no-crs", f"{display} does not say which coordinate reference system it uses",
            loc, hint="save it with a CRS, ship the .prj beside a Shapefile, or name it with --crs "
                      "(e.g. --crs EPSG:27700)")]
    if len(gdf) == 0:
        return _no_features(display)
    for setting, fld in (("code_field", code_field), ("name_field", name_field)):
        if fld is not None and fld not in gdf.columns:
            return _missing_field(display, setting, fld, [c for c in gdf.columns if c != "geometry"])
    if gdf.crs.is_geographic and not _in_degrees(gdf.total_bounds):
        return _not_degrees(display)
    if gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    codes = list(gdf[code_field].astype(str).str.strip().str.upper())
    names = {} if name_field is None else dict(zip(codes, gdf[name_field].astype(str)))
    return codes, names, list(gdf.geometry)


def _no_features(display: str) -> list[Problem]:
    return [Problem("boundaries-empty", f"{display} holds no features (no area shapes)", Loc(display))]


def _missing_field(display: str, setting: str, fld: str, fields: list) -> list[Problem]:
    what, option = _WHAT[setting]
    return [Problem("boundaries-missing-field", f"{display} has no '{fld}' attribute for the {what}", Loc(display),
                    value=fld, hint=f"its attributes are: {', '.join(map(str, fields)) or 'none'}; name the one "
                    f"with the {what} with {option}")]


def _not_degrees(display: str) -> list[Problem]:
    return [Problem("boundaries-no-crs", f"{display} claims longitude/latitude but its coordinates are not degrees",
                    Loc(display), hint="the file is probably in British National Grid: name it with --crs EPSG:27700")]


def load_boundaries(path: Path, display: str, areas: Areas, code_field: str = "code",
                    name_field: str | None = None, crs: str | None = None
                    ) -> tuple[Boundaries | None, list[Problem]]:
    """Read boundaries as WGS84 polygons keyed by `code`, in the area registry's order.

    A plain GeoJSON (the usual case) is read with json and shapely; anything else with geopandas."""
    problems: list[Problem] = []
    loc = Loc(display)
    if not path.exists():
        return None, [Problem("file-not-found", f"{display} does not exist", loc,
                              hint="check the path, or pass the boundary file with --boundaries")]
    import numpy as np
    import shapely

    read = (_read_plain_geojson(path, code_field, name_field)
            if crs is None and path.suffix.lower() in (".geojson", ".json") else None)
    if read is not None:
        codes, names, geoms = read
        if not codes:
            return None, _no_features(display)
        if not _in_degrees(shapely.total_bounds(np.array(geoms, dtype=object))):
            return None, _not_degrees(display)
    else:
        read = _read_any_boundaries(path, display, code_field, name_field, crs)
        if isinstance(read, list):
            return None, read
        codes, names, geoms = read
    seen: set[str] = set()
    keep = []
    for i, (code, geom) in enumerate(zip(codes, geoms)):
        where = f"feature {i + 1} ({code})"
        if code in seen:
            problems.append(Problem("boundaries-duplicate-code", f"{where} repeats an area code",
                                    loc, value=code))
            continue
        seen.add(code)
        if geom is None or geom.is_empty:
            problems.append(Problem("boundaries-empty-geometry", f"{where} has no geometry",
                                    loc, value=code, hint="give the area its boundary polygon"))
            continue
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(Problem("boundaries-empty-geometry",
                                    f"{where} is a {geom.geom_type}, not an area", loc,
                                    value=code))
            continue
        keep.append(i)
    codes = [codes[i] for i in keep]
    geoms = [geoms[i] for i in keep]
    invalid = [i for i, ok in enumerate(shapely.is_valid(np.array(geoms, dtype=object)).tolist()) if not ok]
    if invalid:
        problems.append(_repaired([codes[i] for i in invalid], loc))
        for i, fixed in zip(invalid, shapely.make_valid(np.array([geoms[i] for i in invalid], dtype=object))):
            geoms[i] = fixed
    known = set(areas.by_code)
    in_file = set(codes)
    for code in sorted(in_file - known):
        named = f" ({names[code]})" if code in names else ""
        problems.append(Problem("boundaries-unknown-area",
                                f"the boundaries have an area {code}{named} that the area registry does not list",
                                loc, value=code))
    for code in [a.code for a in areas.areas if a.code not in in_file]:
        problems.append(Problem("boundaries-missing-area",
                                f"no boundary for {code} ({areas.by_code[code].name})",
                                loc, value=code))
    order = {a.code: i for i, a in enumerate(areas.areas)}
    ranked = sorted(((order[c], c, g) for c, g in zip(codes, geoms) if c in order), key=lambda t: t[0])
    return Boundaries([c for _, c, _ in ranked], [g for _, _, g in ranked]), problems


def _repaired(codes: list[str], loc: Loc) -> Problem:
    """One warning for every boundary repaired (a quantised TopoJSON can have hundreds); the
    value lists every code."""
    shown = ", ".join(codes[:3]) + (f" and {len(codes) - 3:,} more" if len(codes) > 3 else "")
    what = f"the boundary of {codes[0]} is" if len(codes) == 1 else f"{len(codes):,} boundaries ({shown}) are"
    return Problem("boundaries-invalid-geometry", f"{what} not valid geometry (crossing itself); repaired in memory",
                   loc, value=", ".join(codes))


def areas_containing(boundaries: Boundaries, lats: Sequence[float], lons: Sequence[float]
                     ) -> list[tuple[str, ...]]:
    """For each point, the codes of the areas that contain it (border points count for both)."""
    point_idx, area_idx = point_area_pairs(boundaries, lats, lons)
    codes = boundaries.codes
    out: list[tuple[str, ...]] = [()] * len(lats)
    for p, a in zip(point_idx.tolist(), area_idx.tolist()):
        out[p] += (codes[a],)
    return out


def point_area_pairs(boundaries: Boundaries, lats: Sequence[float], lons: Sequence[float]):
    """Every (point, area) that touch, as two index arrays sorted by point then area (border points
    count for both areas): for each area, the points in its bounding box, tested over arrays."""
    import numpy as np
    import shapely

    x, y = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    found_points, found_areas = [np.empty(0, dtype=np.intp)], [np.empty(0, dtype=np.intp)]
    for a, (geom, (x0, y0, x1, y1)) in enumerate(zip(boundaries.geometry, boundaries.bounds())):
        near = np.flatnonzero((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))
        hit = near[shapely.intersects_xy(geom, x[near], y[near])]
        found_points.append(hit)
        found_areas.append(np.full(len(hit), a, dtype=np.intp))
    points, areas = np.concatenate(found_points), np.concatenate(found_areas)
    order = np.lexsort((areas, points))
    return points[order], areas[order]
