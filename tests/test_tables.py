"""sprx table and sprx export: every format against counts computed here from the YAML."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter

import pytest
import yaml

from helpers import COUNTS, ROOT, page_data, read_yaml


def areas(path):
    with open(path, encoding="utf-8") as f:
        return [(r["code"], r["name"], r.get("aliases", "")) for r in csv.DictReader(f)]


def independent(schemes_path, boroughs_path, statuses=("active",)):
    """Scheme counts per area code and per category, from the YAML, without sprx."""
    area_rows = areas(boroughs_path)
    spell = {}
    for code, name, aliases in area_rows:
        for s in [code, name, *aliases.split(";")]:
            if s:
                spell[s.strip().lower()] = code
    schemes = read_yaml(schemes_path)["schemes"]
    chosen = [s for s in schemes if s.get("status", "active") in statuses]
    per_area = Counter(spell[b.lower()] for s in chosen for b in s["boroughs"])
    per_cat = Counter(c for s in chosen for c in s.get("categories") or [])
    return {code: per_area.get(code, 0) for code, _, _ in area_rows}, per_cat, len(chosen)


@pytest.fixture(params=["bundled", "counts"])
def case(request):
    if request.param == "bundled":
        return [], "schemes.yaml", "data/areas.csv"
    return COUNTS, "tests/fixtures/counts/schemes.yaml", "tests/fixtures/counts/boroughs.csv"


def read_format(fmt, data: bytes):
    """Rows as dicts of strings/numbers, through each format's own reader."""
    import pandas as pd

    if fmt == "csv":
        return pd.read_csv(io.BytesIO(data), dtype={"code": str}).to_dict("records")
    if fmt == "tsv":
        return pd.read_csv(io.BytesIO(data), sep="\t", dtype={"code": str}).to_dict("records")
    if fmt == "json":
        return json.loads(data)["rows"]
    if fmt == "xlsx":
        import openpyxl

        ws = openpyxl.load_workbook(io.BytesIO(data))["counts"]
        rows = list(ws.iter_rows(values_only=True))
        return [dict(zip(rows[0], r)) for r in rows[1:]]
    if fmt == "markdown":
        lines = data.decode().splitlines()
        head = [c.strip() for c in lines[0].strip("|").split("|")]
        out = []
        for line in lines[2:]:
            cells = [c.strip() for c in line.strip("|").split("|")]
            if cells[1] == "All areas":
                continue
            out.append({h: (int(c) if re.fullmatch(r"\d+", c) else c) for h, c in zip(head, cells)})
        return out
    if fmt == "text":
        lines = [ln for ln in data.decode().splitlines() if not set(ln) <= {"-", " "}]
        head = lines[0].split()
        out = []
        for line in lines[1:]:
            if "All areas" in line:
                continue
            cells = re.split(r"\s{2,}", line.strip())
            out.append({"code": cells[0], "schemes": int(cells[2])})
        return out
    raise AssertionError(fmt)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xlsx", "markdown", "text"])
def test_every_format_matches_independent_counts(sprx, tmp_path, case, fmt):
    args, schemes_path, boroughs_path = case
    per_area, per_cat, _ = independent(schemes_path, boroughs_path)
    out = tmp_path / f"t.{fmt}"
    result = sprx("table", *args, "--format", fmt, "--output", out)
    assert result.exit_code == 0, result.output
    rows = read_format(fmt, out.read_bytes())
    assert len(rows) == len(per_area)  # every area, zeros included
    assert {r["code"]: int(r["schemes"]) for r in rows} == per_area
    if fmt not in ("markdown", "text"):
        for cat in per_cat:
            assert sum(int(r[cat]) for r in rows) == _cat_area_total(schemes_path, cat)


def _cat_area_total(schemes_path, cat):
    """How many (area, scheme) pairs an active scheme in `cat` makes."""
    schemes = read_yaml(schemes_path)["schemes"]
    return sum(len(s["boroughs"]) for s in schemes
               if s.get("status", "active") == "active" and cat in (s.get("categories") or []))


def test_counting_rules_on_the_counts_fixture(sprx):
    result = sprx("table", *COUNTS, "--format", "json")
    doc = json.loads(result.stdout)
    by_name = {r["name"]: r for r in doc["rows"]}
    # both-areas counts in each area; paused and closed do not count; Eastmoor has none
    assert by_name["Northtown"]["schemes"] == 2 and by_name["Southvale"]["schemes"] == 2
    assert by_name["Eastmoor"]["schemes"] == 0
    assert doc["totals"]["schemes"] == 3  # each scheme once
    assert by_name["Northtown"]["per_100k"] == 2.0 and by_name["Southvale"]["per_100k"] == 0.8
    assert doc["filters"] == {"status": ["active"], "category": [], "borough": [], "referral_route": []}
    assert doc["data_date"] == "2026-06-01" and doc["by"] == "area"


def test_json_shape_is_stable(sprx):
    doc = json.loads(sprx("table", "--format", "json").stdout)
    assert list(doc) == ["sprx_version", "by", "sort", "data_date", "filters", "counting", "sources",
                         "columns", "rows", "totals"]
    assert doc["columns"][:3] == ["code", "name", "schemes"]
    assert all(list(r) == doc["columns"] for r in doc["rows"])


def test_table_matches_the_map(sprx, tmp_path):
    """One registry, the map and the table: the same numbers."""
    page = tmp_path / "map.html"
    assert sprx("map", "build", "--tiles", "none", "--output", page).exit_code == 0
    data = page_data(page.read_text("utf-8"))
    map_counts = dict(zip(data["areas"]["code"], data["areas"]["count"]))
    table = json.loads(sprx("table", "--format", "json").stdout)
    assert {r["code"]: r["schemes"] for r in table["rows"]} == map_counts
    map_cats = {c["key"]: [a[i] for a in data["areas"]["byCategory"]] for i, c in enumerate(data["categories"])}
    for row in table["rows"]:
        i = data["areas"]["code"].index(row["code"])
        for cat, values in map_cats.items():
            if cat:
                assert row[cat] == values[i]
    assert f"{table['totals']['schemes']} schemes open now in" in page.read_text("utf-8")


def test_by_category_and_area_category(sprx):
    per_area, per_cat, n = independent("tests/fixtures/counts/schemes.yaml", "tests/fixtures/counts/boroughs.csv")
    doc = json.loads(sprx("table", *COUNTS, "--by", "category", "--format", "json").stdout)
    rows = {r["category"]: r for r in doc["rows"]}
    for cat, count in per_cat.items():
        assert rows[cat]["schemes"] == count
    assert rows[""]["label"] == "Uncategorised" and rows[""]["schemes"] == 1
    assert rows["physical-activity"]["areas"] == 2 and doc["totals"]["schemes"] == n
    long = json.loads(sprx("table", *COUNTS, "--by", "area-category", "--format", "json").stdout)
    vocab = yaml.safe_load((ROOT / "data/vocabulary.yaml").read_text(encoding="utf-8"))
    assert len(long["rows"]) == 3 * len(vocab["categories"])  # every area with every category, 0s included
    cell = {(r["code"], r["category"]): r["schemes"] for r in long["rows"]}
    assert cell[("E09000901", "arts-creativity")] == 1 and cell[("E09000903", "peer-support")] == 0


def test_filters(sprx):
    def counts(*args):
        doc = json.loads(sprx("table", *COUNTS, "--format", "json", *args).stdout)
        return {r["name"]: r["schemes"] for r in doc["rows"]}

    assert counts("--status", "paused") == {"Eastmoor": 0, "Northtown": 0, "Southvale": 1}
    assert counts("--include-closed") == {"Eastmoor": 0, "Northtown": 3, "Southvale": 2}
    assert counts("--status", "active", "--status", "paused") == {"Eastmoor": 0, "Northtown": 2, "Southvale": 3}
    assert counts("--category", "peer-support") == {"Eastmoor": 0, "Northtown": 1, "Southvale": 0}
    assert counts("--referral-route", "gp") == {"Eastmoor": 0, "Northtown": 1, "Southvale": 2}
    assert counts("--borough", "North Town") == {"Northtown": 2}
    doc = json.loads(sprx("table", *COUNTS, "--format", "json", "--category", "peer-support").stdout)
    assert doc["columns"] == ["code", "name", "schemes", "peer-support", "per_100k"]


def test_sort_by_count(sprx):
    doc = json.loads(sprx("table", "--format", "json", "--sort", "count").stdout)
    counts = [r["schemes"] for r in doc["rows"]]
    assert counts == sorted(counts, reverse=True)


@pytest.mark.parametrize("args,message", [
    (["--category", "walking"], "--category: unknown key 'walking'"),
    (["--referral-route", "doctor"], "--referral-route: unknown key 'doctor'"),
    (["--borough", "Camdn"], "--borough: unknown area 'Camdn'; did you mean 'Camden'?"),
    (["--format", "xlsx"], "--format xlsx writes a binary file: give --output FILE"),
    (["--by", "ward"], None),
])
def test_table_usage_errors(sprx, args, message):
    result = sprx("table", *args)
    assert result.exit_code == 2
    if message:
        assert message in result.stderr


def test_piped_text_is_plain(sprx):
    result = sprx("table")
    assert result.exit_code == 0
    assert "\x1b[" not in result.stdout and not set("│┃━─┏") & set(result.stdout)
    assert result.stdout.splitlines()[-1].split()[:2] == ["All", "areas"]


def test_terminal_text_is_a_rich_table(sprx, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "250")
    result = sprx("table", *COUNTS)
    assert "┃" in result.stdout or "│" in result.stdout
    assert "All areas" in result.stdout
    lines = result.stdout.splitlines()
    # no scheme has it: said below
    assert "food-essentials" not in "".join(lines[:3]) and "arts-creativity" in "".join(lines[:3])
    assert "food-essentials" in result.stdout.partition("Not shown:")[2]
    assert "food-essentials" in sprx("table", *COUNTS, "--format", "csv").stdout.splitlines()[0]


def test_invalid_registry_leaves_output_alone(sprx, tmp_path):
    out = tmp_path / "counts.csv"
    out.write_text("old,good\n")
    result = sprx("table", "--schemes", "tests/fixtures/schemes/unknown-borough.yaml", "--format", "csv",
                  "--output", out)
    assert result.exit_code == 1
    assert "unknown-borough" in result.stderr and result.stdout == ""
    assert out.read_text() == "old,good\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counts.csv"]


def test_csv_formula_injection_is_neutralised(sprx, tmp_path):
    import pandas as pd

    out = tmp_path / "schemes.csv"
    exported = sprx("export", "schemes", "--schemes", "tests/fixtures/schemes/formulas.yaml", "--output", out)
    assert exported.exit_code == 0
    rows = {r["id"]: r for r in pd.read_csv(out, dtype=str, keep_default_na=False).to_dict("records")}
    one, two = rows["formula-one"], rows["formula-two"]
    assert one["name"] == "'=HYPERLINK(\"http://example.org/x\",\"click\")"
    assert one["provider"] == "'+SUM(1,2)"
    assert one["description"] == "'@cmd|' /C calc'!A0"
    assert two["name"] == "'-2+3"
    # genuine values are untouched
    assert one["phone"] == "+44 20 7946 0001" and two["phone"] == "-020 7946 0002"
    assert one["website"] == "https://example.org/f"


def test_xlsx_keeps_text_as_text(sprx, tmp_path):
    import openpyxl

    out = tmp_path / "schemes.xlsx"
    assert sprx("export", "schemes", "--schemes", "tests/fixtures/schemes/formulas.yaml", "--format", "xlsx",
                "--output", out).exit_code == 0
    ws = openpyxl.load_workbook(out)["schemes"]
    rows = list(ws.iter_rows())
    header = [c.value for c in rows[0]]
    name = rows[1][header.index("name")]
    assert name.value == "=HYPERLINK(\"http://example.org/x\",\"click\")" and name.data_type == "s"
    assert all(c.data_type != "f" for row in rows for c in row)
    assert rows[1][header.index("phone")].value == "+44 20 7946 0001"


def test_tsv_neutralises_too(sprx):
    out = sprx("table", "--schemes", "tests/fixtures/schemes/formulas.yaml", "--format", "tsv").stdout
    assert out.splitlines()[0].startswith("code\tname\tschemes")


def test_export_schemes_formats(sprx, tmp_path):
    import geopandas as gpd
    import pandas as pd

    schemes = read_yaml("tests/fixtures/counts/schemes.yaml")["schemes"]
    active = [s for s in schemes if s.get("status", "active") == "active"]
    n_points = sum(len(s.get("locations") or []) for s in active)
    paths = {}
    for fmt in ("csv", "json", "geojson", "xlsx"):
        paths[fmt] = tmp_path / f"s.{fmt}"
        r = sprx("export", "schemes", *COUNTS, "--format", fmt, "--output", paths[fmt])
        assert r.exit_code == 0, r.output
    df = pd.read_csv(paths["csv"], dtype=str, keep_default_na=False)
    assert sorted(df["id"]) == sorted(s["id"] for s in active)
    both = df[df["id"] == "both-areas"].iloc[0]
    assert both["borough_codes"] == "E09000901;E09000902" and both["categories"] == "physical-activity;arts-creativity"
    assert both["location_count"] == "2"
    doc = json.loads(paths["json"].read_text())
    assert [len(s["locations"]) for s in doc["schemes"] if s["id"] == "both-areas"] == [2]
    gdf = gpd.read_file(paths["geojson"])
    assert len(gdf) == n_points and set(gdf["id"]) == {"both-areas"}
    assert sorted(zip(gdf.geometry.y.round(2), gdf["location_name"])) == [(51.45, "South hall"), (51.55, "North hall")]
    x = pd.read_excel(paths["xlsx"], sheet_name="schemes", dtype=str, engine="calamine")
    assert sorted(x["id"]) == sorted(df["id"])


def test_export_areas(sprx, tmp_path):
    import geopandas as gpd

    per_area, _, _ = independent("schemes.yaml", "data/areas.csv")
    for fmt in ("geojson", "gpkg"):
        out = tmp_path / f"areas.{fmt}"
        r = sprx("export", "areas", "--format", fmt, "--output", out)
        assert r.exit_code == 0, r.output
        gdf = gpd.read_file(out)
        assert len(gdf) == 33 and gdf.crs.to_epsg() == 4326
        assert dict(zip(gdf["code"], gdf["schemes"])) == per_area
        assert gdf.is_valid.all()
    assert sprx("export", "areas", "--format", "gpkg").exit_code == 2  # binary needs --output


def test_export_is_deterministic(sprx, tmp_path):
    for fmt in ("csv", "json", "geojson", "xlsx"):
        a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        sprx("export", "schemes", "--format", fmt, "--output", a)
        sprx("export", "schemes", "--format", fmt, "--output", b)
        assert a.read_bytes() == b.read_bytes(), fmt
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    sprx("table", "--format", "xlsx", "--output", a)
    sprx("table", "--format", "xlsx", "--output", b)
    assert a.read_bytes() == b.read_bytes()


def test_quiet_leaves_only_the_data(sprx, tmp_path):
    result = sprx("table", "--quiet", "--format", "csv")
    assert result.exit_code == 0 and result.stderr == "" and result.stdout.startswith("code,name,schemes")
    out = tmp_path / "s.csv"
    result = sprx("export", "schemes", "--quiet", "--output", out)
    assert result.exit_code == 0 and result.output == "" and out.exists()
    result = sprx("table", "--quiet", "--schemes", "tests/fixtures/schemes/syntax.yaml")
    assert result.exit_code == 1 and "yaml-syntax" in result.stderr  # errors still show
