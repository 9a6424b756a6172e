"""Boundary files as people download them: GeoJSON and TopoJSON without a CRS, other field names,
a CRS named on the command line, and many repaired shapes reported in one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ENGLAND, MINI, ROOT, TODAY, page_data


def _districts_wgs84():
    import geopandas as gpd

    return gpd.read_file(ENGLAND).to_crs(4326)


def write_geojson_without_crs(path: Path) -> None:
    """The districts as GeoJSON in degrees with no `crs` member, as most downloads are (RFC 7946)."""
    doc = json.loads(_districts_wgs84().to_json(drop_id=True))
    doc.pop("crs", None)
    path.write_text(json.dumps(doc), encoding="utf-8")


def write_topojson(path: Path, scale: float = 1e-5) -> None:
    """The districts as a quantised TopoJSON (no CRS, as TopoJSON files are): each ring its own arc,
    delta-encoded on a grid, with LAD24CD/LAD24NM properties."""
    gdf = _districts_wgs84()
    minx, miny = gdf.total_bounds[:2]
    arcs, geometries = [], []
    for _, row in gdf.iterrows():
        rings = []
        for ring in [row.geometry.exterior, *row.geometry.interiors]:
            q = [(round((x - minx) / scale), round((y - miny) / scale)) for x, y in ring.coords]
            arcs.append([list(q[0])] + [[b[0] - a[0], b[1] - a[1]] for a, b in zip(q, q[1:])])
            rings.append([len(arcs) - 1])
        geometries.append({"type": "Polygon", "arcs": rings,
                           "properties": {"LAD24CD": row["LAD24CD"], "LAD24NM": row["LAD24NM"]}})
    path.write_text(json.dumps({"type": "Topology", "transform": {"scale": [scale, scale], "translate": [minx, miny]},
                                "objects": {"districts": {"type": "GeometryCollection", "geometries": geometries}},
                                "arcs": arcs}), encoding="utf-8")


def sprx_in(folder: Path, *args):
    return subprocess.run([sys.executable, "-m", "sprx_cli", *map(str, args)], cwd=folder, capture_output=True,
                          text=True, env={**__import__("os").environ, "SPRX_TODAY": TODAY}, timeout=300)


@pytest.mark.parametrize("kind", ["geojson", "topojson"])
def test_crs_less_districts_build_with_code_and_name_fields(tmp_path, kind):
    """Downloaded districts without a CRS: areas init, demo data, validate, map and table, all with
    --code-field and --name-field and no --crs."""
    boundaries = tmp_path / f"districts.{kind}"
    (write_geojson_without_crs if kind == "geojson" else write_topojson)(boundaries)
    fields = ["--code-field", "LAD24CD", "--name-field", "LAD24NM"]
    r = sprx_in(tmp_path, "areas", "init", boundaries, *fields, "-o", "areas.csv")
    assert r.returncode == 0, r.stderr
    (tmp_path / "vocabulary.yaml").write_bytes((ROOT / "data/vocabulary.yaml").read_bytes())
    r = sprx_in(tmp_path, "demo", "generate", "--schemes", 40, "--boundaries", boundaries, *fields,
                "--vocabulary", "vocabulary.yaml", "-o", "schemes.yaml")
    assert r.returncode == 0, r.stderr
    reg = ["--schemes", "schemes.yaml", "--areas", "areas.csv", "--boundaries", boundaries,
           "--vocabulary", "vocabulary.yaml", *fields]
    r = sprx_in(tmp_path, "validate", *reg, "--format", "json")
    report = json.loads(r.stdout)
    assert r.returncode == 0 and report["errors"] == 0, report["problems"][:3]
    assert not [p for p in report["problems"] if p["code"].startswith(("boundaries", "location"))]
    r = sprx_in(tmp_path, "map", "build", *reg, "--tiles", "none", "-o", "map.html")
    assert r.returncode == 0, r.stderr
    page = (tmp_path / "map.html").read_text(encoding="utf-8")
    data = page_data(page)
    assert data["areas"]["name"] == ["Ashvale", "Brookmere", "Cinderford Vale", "Dunholm", "Eastwick Downs", "Fernley"]
    assert len(data["boundaries"]["features"]) == 6
    r = sprx_in(tmp_path, "table", *reg, "--format", "json")
    assert r.returncode == 0, r.stderr
    assert sum(row["schemes"] for row in json.loads(r.stdout)["rows"]) == sum(data["areas"]["count"])




def test_projected_file_without_crs_is_refused_then_read_with_crs(sprx):
    projected = "tests/fixtures/boundaries/projected-no-crs.geojson"
    mini = MINI[:MINI.index("--boundaries")] + MINI[MINI.index("--boundaries") + 2:]
    r = sprx("validate", *mini, "--boundaries", projected)
    assert r.exit_code == 1 and "[boundaries-no-crs]" in r.stdout and "--crs EPSG:27700" in r.stdout
    r = sprx("validate", *mini, "--boundaries", projected, "--crs", "EPSG:27700", "--format", "json")
    assert not [p for p in json.loads(r.stdout)["problems"] if p["code"].startswith("boundaries")]


@pytest.mark.parametrize("command", [["validate"], ["map", "build", "--tiles", "none", "-o", "{out}"]])
def test_a_table_given_as_boundaries_is_a_located_problem(sprx, tmp_path, command):
    """A CSV given as boundaries was an internal AttributeError (#37 row 18)."""
    table = tmp_path / "areas.csv"
    table.write_text("code,name\nE09000901,Northtown\n")
    mini = MINI[:MINI.index("--boundaries")] + MINI[MINI.index("--boundaries") + 2:]
    r = sprx(*[c.format(out=tmp_path / "m.html") for c in command], *mini, "--boundaries", table)
    assert r.exit_code == 1 and (r.exception is None or isinstance(r.exception, SystemExit))
    assert (f"{table}: error [boundaries-unreadable] cannot read boundaries from {table}: it is a table with no "
            "shapes in it (a CSV or a spreadsheet, not boundaries) (fix: give a GeoJSON, TopoJSON, GeoPackage or "
            "Shapefile of the areas' shapes)") in r.stdout + r.stderr


def test_unknown_crs_is_reported(sprx):
    r = sprx("validate", *MINI, "--crs", "EPSG:99999999")
    assert r.exit_code == 1 and "[boundaries-unreadable]" in r.stdout
    assert "'EPSG:99999999' is not a coordinate reference system" in r.stdout and "with --crs" in r.stdout


@pytest.mark.parametrize("command", [["validate"], ["table"], ["map", "build", "--tiles", "none", "-o", "{out}"],
                                     ["map", "image", "-o", "{out}"], ["export", "areas", "-o", "{out}"],
                                     ["export", "schemes", "-o", "{out}"]])
def test_every_command_that_reads_boundaries_takes_the_boundary_options(sprx, tmp_path, command):
    command = [c.replace("{out}", str(tmp_path / "out")) for c in command]
    quiet = [] if command[0] == "validate" else ["--quiet"]
    r = sprx(*command, "--code-field", "code", "--name-field", "name", "--crs", "EPSG:4326", *quiet)
    assert r.exit_code == 0, r.output


def test_name_field_missing_is_named(sprx):
    r = sprx("validate", "--name-field", "LAD24NM")
    assert r.exit_code == 1
    assert "has no 'LAD24NM' attribute for the area names" in r.stdout and "with --name-field)" in r.stdout


def test_many_repaired_boundaries_are_one_line(sprx, tmp_path):
    """A quantised TopoJSON can have hundreds of self-touching shapes: one warning line names them."""
    import geopandas as gpd
    from shapely.geometry import Polygon

    src = gpd.read_file("tests/fixtures/mini/boundaries.geojson")
    bowties = []
    for geom in src.geometry:
        minx, miny, maxx, maxy = geom.bounds
        bowties.append(Polygon([(minx, miny), (maxx, maxy), (maxx, miny), (minx, maxy), (minx, miny)]))
    gpd.GeoDataFrame(src.drop(columns="geometry"), geometry=bowties, crs=4326).to_file(tmp_path / "b.geojson")
    args = [*MINI, "--boundaries", tmp_path / "b.geojson"]  # the last --boundaries wins
    r = sprx("validate", *args)
    lines = [ln for ln in r.stdout.splitlines() if "[boundaries-invalid-geometry]" in ln]
    assert len(lines) == 1
    assert "3 boundaries (E09000901, E09000902, E09000903) are not valid geometry" in lines[0]
    report = json.loads(sprx("validate", *args, "--format", "json").stdout)
    [problem] = [p for p in report["problems"] if p["code"] == "boundaries-invalid-geometry"]
    assert problem["value"] == "E09000901, E09000902, E09000903"
    r = sprx("table", *args, "--format", "csv")
    assert "Warnings: 1 boundaries-invalid-geometry" in r.stderr
