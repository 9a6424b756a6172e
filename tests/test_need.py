"""Need beside provision (issue #25): the population and deprivation tables sprx ships, and the
area registries that get them by code. Expected figures are read here from the publishers' files
(tests/fixtures/shared, a copy of ../shared/data), not from sprx."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

from helpers import ROOT, tick

SHARED = ROOT / "tests" / "fixtures" / "shared"


def ons() -> dict[str, int]:
    text = (SHARED / "ons-population-mid-2022-local-authorities.csv").read_text(encoding="utf-8-sig")
    return {r["Code"]: int(r["Population"]) for r in csv.DictReader(io.StringIO(text))}


def imd() -> dict[str, tuple[float, int]]:
    text = (SHARED / "english-indices-of-deprivation-2025-local-authority-districts.csv").read_text(encoding="utf-8")
    return {r["lad24cd"]: (float(r["imd_average_score"]), int(r["imd_rank_of_average_score"]))
            for r in csv.DictReader(io.StringIO(text))}


def districts(tmp_path, codes: dict[str, str], population: bool = False, served: dict[str, int] | None = None):
    """An area registry of these districts (with ONS's populations if asked), a square of boundary each
    (a table needs no real shapes) and schemes serving them (`served`: how many per area):
    (areas, boundaries, schemes)."""
    people = ons()
    areas = tmp_path / "areas.csv"
    areas.write_text("code,name" + (",population" if population else "") + "\n" + "".join(
        f"{c},{n}" + (f",{people[c]}" if population else "") + "\n" for c, n in codes.items()), encoding="utf-8")
    geo = tmp_path / "districts.geojson"
    geo.write_text('{"type": "FeatureCollection", "features": [' + ", ".join(
        f'{{"type": "Feature", "properties": {{"code": "{c}", "name": "{n}"}}, "geometry": {{"type": "Polygon", '
        f'"coordinates": [[[{k}, 52], [{k + 0.5}, 52], [{k + 0.5}, 52.5], [{k}, 52.5], [{k}, 52]]]}}}}'
        for k, (c, n) in enumerate(codes.items())) + "]}", encoding="utf-8")
    schemes = tmp_path / "schemes.yaml"
    entries = [f"  - {{id: s-{c.lower()}-{k}, name: Scheme {k}, boroughs: [{c}], website: https://example.org/}}\n"
               for c, n in (served or {}).items() for k in range(n)]
    schemes.write_text("schemes:\n" + "".join(entries), encoding="utf-8")
    return areas, geo, schemes


def test_the_shipped_tables_are_the_publishers_figures(tmp_path):
    from sprx_cli.geo.need import deprivations, populations

    people, dep = ons(), imd()
    prefixes = ("E06", "E07", "E08", "E09", "W06", "S12", "N09")
    assert populations() == {c: n for c, n in people.items() if c[:3] in prefixes}
    assert len(populations()) == 361 and len(deprivations()) == 296
    assert {c: (d.average_score, d.rank) for c, d in deprivations().items()} == dep
    # the script makes the same bytes from the same files
    before = {p.name: p.read_bytes() for p in (ROOT / "sprx_cli" / "geo" / "reference").glob("*.csv")}
    areas_before = (ROOT / "data" / "areas.csv").read_bytes()
    r = subprocess.run([sys.executable, "scripts/make_reference_tables.py", str(SHARED)], cwd=ROOT, capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
    assert {p.name: p.read_bytes() for p in (ROOT / "sprx_cli" / "geo" / "reference").glob("*.csv")} == before
    assert (ROOT / "data" / "areas.csv").read_bytes() == areas_before


def test_the_bundled_london_areas_have_every_population():
    people = ons()
    rows = list(csv.DictReader((ROOT / "data" / "areas.csv").open(encoding="utf-8")))
    assert len(rows) == 33 and all(int(r["population"]) == people[r["code"]] for r in rows)
    assert people["E09000001"] == 10847  # City of London, its own row


def test_areas_init_fills_populations_and_says_which_have_none(sprx, tmp_path):
    geo = tmp_path / "areas.geojson"
    square = [[[-0.2, 51.5], [-0.1, 51.5], [-0.1, 51.6], [-0.2, 51.6], [-0.2, 51.5]]]
    geo.write_text('{"type": "FeatureCollection", "features": [' + ", ".join(
        f'{{"type": "Feature", "properties": {{"code": "{c}", "name": "{n}"}}, '
        f'"geometry": {{"type": "Polygon", "coordinates": {square}}}}}'
        for c, n in (("E09000007", "Camden"), ("W06000015", "Cardiff"), ("E05000123", "A ward"),
                     ("E07000001", "A district of old"))) + "]}", encoding="utf-8")
    out = tmp_path / "areas.csv"
    result = sprx("areas", "init", geo, "--output", out)
    assert result.exit_code == 0, result.output
    rows = {r["code"]: r["population"] for r in csv.DictReader(out.open(encoding="utf-8"))}
    people = ons()
    assert rows == {"E09000007": str(people["E09000007"]), "W06000015": str(people["W06000015"]),
                    "E05000123": "", "E07000001": ""}
    said = result.stderr
    assert "Population (ONS mid-2022) filled in for 2 of 4 areas; none for" in said
    assert "E05000123 A ward: a ward, not a district" in said
    assert "E07000001 A district of old: a district code the ONS mid-2022 table does not have" in said
    # and in a registry made by sprx init
    reg = tmp_path / "reg"
    result = sprx("init", reg, "--boundaries", geo)
    assert result.exit_code == 0 and "filled in for 2 of 4 areas" in result.stderr


def test_deprivation_is_englands_index_only():
    from sprx_cli.geo.need import deprivations, why_no_deprivation

    assert "W06000015" not in deprivations()
    assert why_no_deprivation("W06000015").startswith("the English Indices of Deprivation cover England only")
    assert deprivations()["E09000002"].rank == imd()["E09000002"][1]


def test_per_100k_works_on_the_bundled_registry_and_credits_ons(sprx, tmp_path):
    from helpers import page_data

    out = tmp_path / "map.html"
    result = sprx("map", "build", "--metric", "per-100k", "--offline", "--tiles", "none", "--output", out)
    assert result.exit_code == 0, result.output
    d = page_data(out.read_text(encoding="utf-8"))
    assert d["metricLabel"] == "Active schemes per 100,000 residents (ONS mid-2022)"
    assert "Population: ONS mid-2022 (OGL v3)" in d["attribution"]
    page = out.read_text(encoding="utf-8")
    assert "Population: Office for National Statistics, mid-2022 population estimates" in page
    people = ons()
    for code, count, value in zip(d["areas"]["code"], d["areas"]["count"], d["areas"]["value"]):
        assert value == round(count * 100_000 / people[code], 2)
    png = tmp_path / "map.png"
    assert sprx("map", "image", "--metric", "per-100k", "-o", png).exit_code == 0 and png.stat().st_size > 10_000


def test_a_population_that_is_not_a_positive_whole_number_is_refused_where_it_is(sprx, tmp_path):
    areas = tmp_path / "areas.csv"
    areas.write_text("code,name,population\nE09000007,Camden,0\nE09000019,Islington,lots\n", encoding="utf-8")
    schemes = tmp_path / "schemes.yaml"
    schemes.write_text("schemes:\n  - {id: walk, name: Walk, boroughs: [Camden]}\n", encoding="utf-8")
    result = sprx("validate", "--schemes", schemes, "--areas", areas)
    assert result.exit_code == 1
    assert (f"{areas} row 2: error [areas-invalid-population] population '0' of Camden is not a whole number "
            "above 0") in result.stdout
    assert f"{areas} row 3: error [areas-invalid-population] population 'lots' of Islington" in result.stdout


def expected_need(counts: dict[str, int], people: dict[str, int], dep: dict[str, tuple[float, int]]) -> dict:
    """The README's rule, worked here from the publishers' figures."""
    rows = {}
    for code, n in counts.items():
        per = round(n * 100_000 / people[code], 1) if code in people else None
        rows[code] = {"schemes": n, "population": people.get(code), "per_100k": per,
                      "imd_rank": dep[code][1] if code in dep else None}
    both = [c for c, r in rows.items() if r["per_100k"] is not None and r["imd_rank"] is not None]
    for key, third in (("imd_rank", "need_third"), ("per_100k", "provision_third")):
        for i, code in enumerate(sorted(both, key=lambda c: (rows[c][key], c))):
            rows[code][third] = 1 + 3 * i // len(both)
    for code, r in rows.items():
        r.setdefault("need_third", None)
        r.setdefault("provision_third", None)
        r["least_served"] = (r["need_third"] == 1 and r["provision_third"] == 1) if code in both else None
    return rows


def _check(table: dict, counts: dict[str, int]) -> None:
    want = expected_need(counts, ons(), imd())
    got = {r["code"]: r for r in table["rows"]}
    assert set(got) == set(want)
    for code, w in want.items():
        for k, v in w.items():
            assert got[code][k] == v, (code, k, got[code][k], v)


def test_need_table_for_london_follows_the_rule_in_every_format(sprx, tmp_path):
    import json

    plain = json.loads(sprx("table", "--format", "json").stdout)
    counts = {r["code"]: r["schemes"] for r in plain["rows"]}
    result = sprx("table", "--need", "--format", "json")
    assert result.exit_code == 0, result.output
    table = json.loads(result.stdout)
    assert table["columns"] == ["code", "name", "schemes", "population", "per_100k", "imd_average_score", "imd_rank",
                                "need_third", "provision_third", "least_served"]
    assert "1 + floor(3i/n)" in table["rule"] and "Indices of Deprivation 2025" in table["figures"]
    _check(table, counts)
    assert sum(1 for r in table["rows"] if r["least_served"]) >= 1
    # a filter narrows the counts first: least served for free befriending
    narrowed = json.loads(sprx("table", "--need", "--category", "befriending-self-help", "--format", "json").stdout)
    befriending = json.loads(sprx("table", "--category", "befriending-self-help", "--format", "json").stdout)
    _check(narrowed, {r["code"]: r["schemes"] for r in befriending["rows"]})
    # every format has the same columns
    csv_text = sprx("table", "--need", "--format", "csv").stdout
    assert csv_text.splitlines()[0] == ",".join(table["columns"])
    last_cell = {line.split(",")[0]: line.split(",")[-1] for line in csv_text.splitlines()[1:]}
    assert last_cell["E09000001"] in ("true", "false")
    for fmt in ("tsv", "markdown", "text"):
        out = sprx("table", "--need", "--format", fmt).stdout
        assert "least_served" in out and "imd_rank" in out, fmt
    xlsx = tmp_path / "need.xlsx"
    assert sprx("table", "--need", "--format", "xlsx", "--output", xlsx).exit_code == 0
    import openpyxl

    sheet = openpyxl.load_workbook(xlsx)["counts"]
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == table["columns"]
    assert sprx("table", "--need", "--by", "category").exit_code == 2  # one row per area only


def test_need_table_outside_london_with_a_welsh_area(sprx, tmp_path):
    import json

    codes = {"E06000001": "Hartlepool", "E06000002": "Middlesbrough", "E07000008": "Cambridge",
             "E08000025": "Birmingham", "E07000223": "Adur", "W06000015": "Cardiff"}
    served = {"E06000001": 2, "E06000002": 1, "E07000008": 3, "E08000025": 4, "W06000015": 1}
    areas, geo, schemes = districts(tmp_path, codes, served=served)
    result = sprx("table", "--need", "--schemes", schemes, "--areas", areas, "--boundaries", geo, "--format", "json")
    assert result.exit_code == 0, result.output
    table = json.loads(result.stdout)
    counts = {c: served.get(c, 0) for c in codes}
    _check(table, counts)
    cardiff = next(r for r in table["rows"] if r["code"] == "W06000015")
    assert cardiff["population"] == ons()["W06000015"] and cardiff["imd_rank"] is None and cardiff["need_third"] is None


def test_area_exports_carry_need_and_a_welsh_area_says_why_it_has_no_rank(sprx, tmp_path):
    import json

    need = {r["code"]: r for r in json.loads(sprx("table", "--need", "--format", "json").stdout)["rows"]}
    out = tmp_path / "areas.geojson"
    assert sprx("export", "areas", "--format", "geojson", "-o", out).exit_code == 0
    for f in json.loads(out.read_text(encoding="utf-8"))["features"]:
        p = f["properties"]
        for k in ("population", "imd_average_score", "imd_rank", "need_third", "provision_third", "least_served"):
            assert p[k] == need[p["code"]][k], (p["code"], k)
    gpkg = tmp_path / "areas.gpkg"
    assert sprx("export", "areas", "--format", "gpkg", "-o", gpkg).exit_code == 0
    import geopandas

    assert {"population", "imd_rank", "need_third", "provision_third", "least_served"} <= set(
        geopandas.read_file(gpkg).columns)
    # outside England: the population works, the rank is said to be England's only
    codes = {"E06000001": "Hartlepool", "W06000015": "Cardiff"}
    areas, geo, schemes = districts(tmp_path, codes, served={"W06000015": 1})
    args = ["--schemes", schemes, "--areas", areas, "--boundaries", geo]
    text = sprx("table", "--need", *args).stdout
    assert ("W06000015: Cardiff: no IMD 2025 rank: the English Indices of Deprivation cover England only "
            "(Wales, Scotland and Northern Ireland publish their own, which are not comparable) "
            "(left out of the thirds)") in text
    doc = json.loads(sprx("table", "--need", *args, "--format", "json").stdout)
    assert list(doc["gaps"]) == ["W06000015"]


def test_the_need_map_classes_areas_as_the_library_does_whatever_the_filters(sprx, tmp_path, browser):
    """--metric need: a 3×3 class per area by the rule; the page recomputes them when the finder's
    filters change, and they equal the library's for the same filters."""
    from helpers import axe_violations, page_data, sources
    from sprx_cli.aggregate.counts import area_counts
    from sprx_cli.aggregate.filters import Filters
    from sprx_cli.aggregate.need import need_class, need_rows
    from sprx_cli.registry.validate import validate

    out = tmp_path / "need.html"
    result = sprx("map", "build", "--metric", "need", "--offline", "--tiles", "none", "--output", out)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    d = page_data(html)
    assert d["metricLabel"].startswith("Need beside provision") and "IMD 2025 (MHCLG, OGL v3)" in d["attribution"]
    assert "<th scope=\"col\">IMD 2025 rank</th>" in html and "<th scope=\"col\">Least served</th>" in html
    _, reg = validate(sources("london"))

    def library(filters: Filters) -> list[int]:
        return [(c - 1) if (c := need_class(r["need_third"], r["provision_third"])) else -1
                for r in need_rows(area_counts(reg, filters))]
    assert d["areas"]["band"] == library(Filters())
    assert sum(1 for b in d["areas"]["band"] if b == 0) >= 1
    png = tmp_path / "need.png"
    assert sprx("map", "image", "--metric", "need", "-o", png).exit_code == 0 and png.stat().st_size > 10_000
    page, log = browser(out)
    assert page.evaluate("sprxMap.needBands()") == library(Filters())
    assert page.locator("path.sprx-least-served").count() == sum(1 for b in library(Filters()) if b == 0)
    assert "need third" in page.get_attribute(".sprx-need-grid", "aria-label")
    keys = page.evaluate("sprxMap.data.categories.map(c => c.key)")
    for key in ("befriending-self-help", "physical-activity", "welfare-legal"):
        box = f"#sprx-f-c-{keys.index(key)}"
        tick(page, box)
        assert page.evaluate("sprxMap.needBands()") == library(Filters(categories=(key,))), key
        tick(page, box, on=False)
    route = page.evaluate("sprxMap.data.keys.routes.indexOf('gp')")
    tick(page, f"#sprx-f-r-{route}")
    assert page.evaluate("sprxMap.needBands()") == library(Filters(referral_routes=("gp",)))
    # an area's hover says its rate, its rank and its classes
    page.evaluate("sprxMap.areas.eachLayer(l => { if (l.feature.properties.a === 6) l.openTooltip(); })")
    tip = page.locator(".leaflet-tooltip:not(.sprx-area-label)").inner_text()
    assert "per 100,000" in tip and "IMD 2025 rank" in tip and "provision third" in tip
    assert axe_violations(page) == []
    assert log.console_errors == []


def test_a_rate_says_whose_residents_and_a_welsh_area_on_the_map_says_why_it_has_no_rank(sprx, tmp_path):
    import json

    from helpers import page_data

    doc = json.loads(sprx("table", "--format", "json").stdout)
    assert doc["sources"]["population"] == "ONS mid-2022" and "per_100k" in doc["columns"]
    codes = {"E06000001": "Hartlepool", "W06000015": "Cardiff"}
    areas, geo, schemes = districts(tmp_path, codes, population=True, served={"W06000015": 1})
    out = tmp_path / "need.html"
    result = sprx("map", "build", "--metric", "need", "--schemes", schemes, "--areas", areas, "--boundaries", geo,
                  "--offline", "--tiles", "none", "--output", out)
    assert result.exit_code == 0, result.output
    d = page_data(out.read_text(encoding="utf-8"))
    cardiff = d["areas"]["code"].index("W06000015")
    assert d["areas"]["band"][cardiff] == -1 and d["areas"]["imdRank"][cardiff] is None
    assert d["areas"]["imdWhy"][cardiff].startswith("the English Indices of Deprivation cover England only")
    assert d["areas"]["imdWhy"][d["areas"]["code"].index("E06000001")] is None
