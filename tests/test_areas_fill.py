"""Populations in an existing area registry (issue #25): `sprx areas fill` types in ONS's figure by
code and keeps the keeper's; the `metric` setting shades the map and `validate` warns of an area the
metric needs a population for; the exports name the figures' sources."""

from __future__ import annotations

import json

from test_need import districts, ons

# A keeper's area registry as spreadsheets save it: CRLF, quoted cells, a blank line, a figure with a
# thousands comma, one typed by hand that is not ONS's, one that is not a number, a ward, no line end.
MESSY = ('code,name,aliases,population\r\n'
         'E09000001,City of London,"City;The City",9000\r\n'
         'E09000002,Barking and Dagenham,"Barking, Dagenham",\r\n'
         '\r\n'
         'E09000003,Barnet,,"389,101"\r\n'
         'E05000001,Some ward,,\r\n'
         'E09000004,Bexley,,about 250k')


def lines(result) -> list[str]:
    return result.stderr.splitlines()


def test_fill_types_in_onss_figures_keeps_the_keepers_and_touches_nothing_else(sprx, tmp_path):
    areas = tmp_path / "areas.csv"
    areas.write_bytes(MESSY.encode("utf-8"))
    result = sprx("areas", "fill", "--areas", areas)
    assert result.exit_code == 0
    assert lines(result) == [
        "Population (ONS mid-2022) filled in for 1 area.",
        "1 area already had ONS mid-2022's figure.",
        "Kept your figure for City of London (E09000001): 9000 (ONS mid-2022 gives 10,847; --update takes it).",
        "Kept your figure for Bexley (E09000004): about 250k (ONS mid-2022 gives 247,835; --update takes it).",
        "No figure for Some ward (E05000001): a ward, not a district: ONS's table is by district.",
        "Type a population, with its source, in the population column where one is needed.",
        f"Wrote {areas}."]
    b_and_d = ons()["E09000002"]
    assert areas.read_bytes().decode() == MESSY.replace('"Barking, Dagenham",\r\n',
                                                        f'"Barking, Dagenham",{b_and_d}\r\n')
    # again: nothing to do, the file not written
    before = areas.stat().st_mtime_ns
    again = sprx("areas", "fill", "--areas", areas)
    assert again.exit_code == 0 and lines(again)[-1] == f"{areas} is unchanged." and areas.stat().st_mtime_ns == before
    # --update takes ONS's over the typed figures; only those rows change
    updated = sprx("areas", "fill", "--areas", areas, "--update")
    assert lines(updated)[1:3] == ["Replaced City of London (E09000001): 9000 by ONS mid-2022's 10,847 (--update).",
                                   "Replaced Bexley (E09000004): about 250k by ONS mid-2022's 247,835 (--update)."]
    text = areas.read_bytes().decode()
    assert "E09000001,City of London,City;The City,10847\r\n" in text and text.endswith("E09000004,Bexley,,247835")
    assert 'E09000003,Barnet,,"389,101"\r\n' in text and "\r\n\r\n" in text


def test_fill_adds_the_column_keeps_a_bom_and_dry_run_writes_nothing(sprx, tmp_path):
    areas = tmp_path / "areas.csv"
    original = b"\xef\xbb\xbfcode,name,sub_region\nE06000001,Hartlepool,North East\nW06000015,Cardiff,\n"
    areas.write_bytes(original)
    dry = sprx("areas", "fill", "--areas", areas, "--dry-run")
    assert dry.exit_code == 0 and lines(dry) == ["Population (ONS mid-2022) filled in for 2 areas.",
                                                  f"--dry-run: {areas} was not written."]
    assert areas.read_bytes() == original
    assert sprx("areas", "fill", "--areas", areas).exit_code == 0
    people = ons()
    assert areas.read_bytes() == (b"\xef\xbb\xbfcode,name,sub_region,population\n"
                                  + f"E06000001,Hartlepool,North East,{people['E06000001']}\n"
                                    f"W06000015,Cardiff,,{people['W06000015']}\n".encode())
    # and the registry validates with the figures, Cardiff's (Welsh) population included
    report = sprx("validate", "--areas", areas, "--schemes", "schemes.yaml")
    assert "areas-invalid-population" not in report.stdout


def test_fill_uses_the_folders_areas_setting_and_the_bundled_registry_is_complete(sprx, tmp_path, monkeypatch):
    result = sprx("areas", "fill", "--dry-run")  # at the repository root: the bundled London areas
    assert result.exit_code == 0 and lines(result) == ["33 areas already had ONS mid-2022's figure.",
                                                        "data/areas.csv is unchanged."]
    (tmp_path / "sprx.toml").write_text('areas = "places/areas.csv"\n', encoding="utf-8")
    (tmp_path / "places").mkdir()
    (tmp_path / "places" / "areas.csv").write_text("code,name\nE09000007,Camden\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert sprx("areas", "fill").exit_code == 0
    assert (tmp_path / "places" / "areas.csv").read_text() == (
        f"code,name,population\nE09000007,Camden,{ons()['E09000007']}\n")


def test_fill_refuses_what_it_cannot_read_in_one_located_line(sprx, tmp_path):
    missing = sprx("areas", "fill", "--areas", tmp_path / "nope.csv")
    assert missing.exit_code == 2
    assert missing.stderr == f"Usage error: --areas: '{tmp_path / 'nope.csv'}' does not exist\n"
    excel = tmp_path / "excel.csv"
    excel.write_bytes("code,name\nE09000007,Camden\nE09000019,Islington – north\n".encode("cp1252"))
    bad = sprx("areas", "fill", "--areas", excel)
    assert bad.exit_code == 1 and bad.stderr == (
        f"sprx areas fill: {excel}:3: {excel} is not valid UTF-8: byte 0x96 ('–') on line 3; it looks like "
        "Windows-1252, as Excel saves 'CSV' files: save it again as 'CSV UTF-8'\n")
    for name, text in (("empty.csv", ""), ("nocode.csv", "area,population\nCamden,\n")):
        (tmp_path / name).write_text(text, encoding="utf-8")
        result = sprx("areas", "fill", "--areas", tmp_path / name)
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert result.stderr.startswith(f"sprx areas fill: {tmp_path / name}: the area registry ")
        assert result.stderr.endswith("its first row names the columns: code,name,population\n")


def test_the_metric_setting_shades_the_map_and_validate_warns_of_a_missing_population(sprx, tmp_path, monkeypatch):
    from helpers import page_data

    codes = {"E06000001": "Hartlepool", "E06000002": "Middlesbrough", "E06000003": "Redcar and Cleveland"}
    areas, geo, schemes = districts(tmp_path, codes, population=True, served={"E06000001": 2, "E06000002": 1})
    (tmp_path / "sprx.toml").write_text('schemes = "schemes.yaml"\nareas = "areas.csv"\nboundaries = '
                                        '"districts.geojson"\nvocabulary = "vocabulary.yaml"\nmetric = "per-100k"\n',
                                        encoding="utf-8")
    from helpers import ROOT

    (tmp_path / "vocabulary.yaml").write_bytes((ROOT / "data" / "vocabulary.yaml").read_bytes())
    monkeypatch.chdir(tmp_path)
    assert sprx("validate").exit_code == 0
    built = sprx("map", "build", "--offline", "--tiles", "none", "-o", "m.html")
    assert built.exit_code == 0, built.output
    assert page_data((tmp_path / "m.html").read_text(encoding="utf-8"))["metric"] == "per-100k"
    # a population lost: validate warns where, and says what ONS has
    areas.write_text(areas.read_text().replace(f",{ons()['E06000003']}\n", ",\n"), encoding="utf-8")
    warned = sprx("validate")
    assert warned.exit_code == 0
    assert warned.stdout.splitlines()[0] == (
        "areas.csv row 4: warning [areas-missing-population] Redcar and Cleveland (E06000003) has no population, "
        "and the map's metric is per-100k: shading per 100,000 residents needs a population for every area (fix: "
        f"ONS mid-2022 gives {ons()['E06000003']:,}: run 'sprx areas fill' to type it in)")
    assert "areas-missing-population" not in sprx("validate", "--metric", "count").stdout
    need = sprx("validate", "--metric", "need").stdout
    assert "and the map's metric is need: need beside provision leaves an area without a population out" in need
    failed = sprx("map", "build", "--offline", "--tiles", "none", "-o", "m.html")
    assert failed.exit_code == 1
    assert "Cannot build the map: shading per 100,000 residents needs a population" in failed.stderr
    published = sprx("publish", "--site", "site", "--tiles", "none")
    assert published.exit_code == 1 and "Not published: cannot shade the map by per-100k" in published.stderr
    assert not (tmp_path / "site").exists()
    # the fix the warning names
    assert sprx("areas", "fill").exit_code == 0 and "areas-missing-population" not in sprx("validate").stdout
    assert sprx("publish", "--site", "site", "--metric", "need").exit_code == 0
    manifest = json.loads((tmp_path / "site" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["options"]["metric"] == "need"
    assert page_data((tmp_path / "site" / "map.html").read_text(encoding="utf-8"))["metric"] == "need"
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")  # the site credits both figures
    assert ("Population: Office for National Statistics, mid-2022 population estimates, Open Government Licence "
            "v3.0. Deprivation: Ministry of Housing, Communities and Local Government, English Indices of "
            "Deprivation 2025, Open Government Licence v3.0. Made with sprx") in index
    # a setting naming no metric is a usage error naming the file
    toml = tmp_path / "sprx.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('"per-100k"', '"per-person"'), encoding="utf-8")
    bad = sprx("validate")
    assert bad.exit_code == 2 and bad.stderr == (
        "Usage error: sprx.toml: metric 'per-person' is not one of count, per-100k, need\n")


def test_area_exports_and_the_need_table_name_the_figures_sources(sprx, tmp_path):
    import pyogrio

    out = tmp_path / "areas.geojson"
    assert sprx("export", "areas", "--format", "geojson", "-o", out).exit_code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["sources"] == {"population": "ONS mid-2022",
                              "deprivation": "English Indices of Deprivation 2025 (MHCLG)"}
    assert "Open Government Licence v3.0" in doc["figures"]
    gpkg = tmp_path / "areas.gpkg"
    assert sprx("export", "areas", "--format", "gpkg", "-o", gpkg).exit_code == 0
    about = pyogrio.read_info(gpkg, layer="areas")["layer_metadata"]
    assert about["population_source"] == "ONS mid-2022" and "MHCLG" in about["deprivation_source"]
    table = json.loads(sprx("table", "--need", "--format", "json").stdout)
    assert table["sources"]["population"] == "ONS mid-2022"
    assert table["sources"]["deprivation"] == "English Indices of Deprivation 2025 (MHCLG)"
    # a figure typed that is not ONS's: the registry's, else ONS's for the areas without one
    codes = {"E06000001": "Hartlepool", "E06000002": "Middlesbrough"}
    areas, geo, schemes = districts(tmp_path, codes, served={"E06000001": 1})
    areas.write_text("code,name,population\nE06000001,Hartlepool,90000\nE06000002,Middlesbrough,\n", encoding="utf-8")
    mixed = json.loads(sprx("table", "--need", "--schemes", schemes, "--areas", areas, "--boundaries", geo,
                            "--format", "json").stdout)
    assert mixed["sources"]["population"] == "population from the area registry, else ONS mid-2022"
    assert [r["population"] for r in mixed["rows"]] == [90000, ons()["E06000002"]]
