"""Postcodes instead of coordinates: the bundled table, other tables, placing, and what says so."""

from __future__ import annotations

import gzip
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import MINI, ROOT
from helpers import SCHEMES as S
from sprx_cli.core.model import Sources
from sprx_cli.geo.postcodes import ATTRIBUTION, PostcodeTableError, distance_m, load_postcodes, pcd
from sprx_cli.registry.validate import validate

TABLE = ROOT / "data/london-postcodes.csv.gz"
# NSPL 2021 Census (May 2025) centres, as published (via odileeds/Postcodes2LatLon, OGL v3)
KNOWN = {"NW1 4NX": (51.52950, -0.15291), "SW1A 1AA": (51.50101, -0.14156), "E1 6AN": (51.51888, -0.07847),
         "BR1 1AA": (51.40154, 0.01544), "NW1 7BY": (51.54018, -0.14742)}


def london(schemes: str, postcodes: str | None = str(TABLE)) -> Sources:
    return Sources(schemes, "data/areas.csv", "data/london-boroughs.geojson", "data/vocabulary.yaml",
                   postcodes=postcodes)


@pytest.fixture(scope="module")
def table():
    return load_postcodes(TABLE)


def test_the_bundled_table_finds_known_nspl_points_written_any_way(table):
    for postcode, point in KNOWN.items():
        assert table.find([postcode]) == [point]
        assert table.find([postcode.lower().replace(" ", "")]) == [point]
    assert table.find(["ZZ9 9ZZ", "BT1 1AA"]) == [None, None]  # none such; Northern Ireland left out


def test_the_bundled_table_is_sorted_fixed_width_and_london_only(table):
    raw = gzip.decompress(TABLE.read_bytes())
    lines = raw.split(b"\n")[1:-1]
    assert raw.startswith(b"pcd,lat,lon\n") and {len(x) for x in lines} == {25}
    keys = [x[:7] for x in lines]
    assert keys == sorted(keys) and len(set(keys)) == len(keys) == len(table) > 300_000
    assert not any(k.startswith(b"BT") for k in keys)
    lats = [float(x[8:16]) for x in lines[::997]]
    lons = [float(x[17:25]) for x in lines[::997]]
    assert min(lats) > 51.2 and max(lats) < 51.72 and min(lons) > -0.53 and max(lons) < 0.35


def test_pcd_is_the_ons_seven_character_form():
    assert [pcd(p) for p in ("E1 6AN", "nw1 4nx", "SW1A1AA", "ec1a 1bb")] == ["E1  6AN", "NW1 4NX", "SW1A1AA",
                                                                               "EC1A1BB"]


def test_suggestions_are_one_character_away(table):
    assert table.suggest("SW1A 1AX") == ["SW1A 1AA", "SW1A 1AB", "SW1A 1AG"]
    assert table.suggest("SW1A OAA")[0] == "SW1A 0AA"  # a letter O for a zero comes first


def test_a_location_with_only_a_postcode_is_placed_within_150_m_of_the_nspl_point(tmp_path):
    reg_file = tmp_path / "s.yaml"
    reg_file.write_text("schemes:\n  - id: w\n    name: W\n    boroughs: [Westminster]\n"
                        "    website: https://example.org\n    last_verified: 2026-06-01\n"
                        "    locations:\n      - postcode: NW1 4NX\n", encoding="utf-8")
    report, reg = validate(london(str(reg_file)))
    assert report.problems == []
    loc = reg.schemes[0].locations[0]
    assert distance_m(loc.lat, loc.lon, *KNOWN["NW1 4NX"]) < 150
    assert loc.coordinates_from == "postcode" and loc.point_source == "postcode"
    assert reg.attribution("Boundaries: X.") == f"Boundaries: X. {ATTRIBUTION}"

    from sprx_cli.render.mapdata import MapOptions, map_data
    from sprx_cli.render.mappage import render_map

    data, _ = map_data(reg, MapOptions())
    assert (data["points"]["lat"], data["points"]["approximate"]) == ([loc.lat], [1])
    assert "Royal Mail" in data["attribution"]
    assert "Royal Mail data © Royal Mail copyright" in render_map(reg, MapOptions())


def test_no_postcode_no_table_read_and_no_credit(monkeypatch):
    import sprx_cli.geo.postcodes as pc

    monkeypatch.setattr(pc, "load_postcodes", lambda path: pytest.fail("the table was read"))
    report, reg = validate(london("tests/fixtures/mini/schemes.yaml", postcodes="nowhere.csv"))
    assert reg.credits == []


def test_without_a_table_a_postcode_only_location_warns(tmp_path):
    report, reg = validate(london(S + "postcodes.csv", postcodes=None))
    unplaced = [p for p in report.problems if p.code == "postcode-unknown"]
    assert len(unplaced) == 2 and "no postcode table is set" in unplaced[0].message
    assert "--postcodes FILE" in unplaced[0].hint
    assert not any(loc.has_point for s in reg.schemes[:2] for loc in s.locations)


def test_an_nspl_csv_as_ons_publishes_it_gz_too(tmp_path):
    text = ("pcd,pcd2,pcds,dointr,doterm,usertype,oseast1m,osnrth1m,lat,long,lad\n"
            "NW1 4NX,NW1  4NX,NW1 4NX,198001,,0,527800,182400,51.529500,-0.152910,E09000033\n"
            "ZZ991AA,ZZ99 1AA,ZZ99 1AA,198001,,0,,,99.999999,0.000000,\n"
            "E1  6AN,E1   6AN,E1 6AN,198001,,0,533500,181900,51.518880,-0.078470,E09000030\n")
    plain = tmp_path / "nspl.csv"
    plain.write_text(text, encoding="utf-8")
    packed = tmp_path / "nspl.csv.gz"
    packed.write_bytes(gzip.compress(text.encode()))
    for path in (plain, packed):
        t = load_postcodes(path)
        assert t.find(["E1 6AN", "NW1 4NX", "ZZ99 1AA"]) == [(51.51888, -0.07847), (51.5295, -0.15291), None]


def test_a_plain_postcode_lat_lon_csv(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("\ufeffPostcode,Lat,Lon\nsw1a 1aa,51.50101,-0.14156\n", encoding="utf-8")
    assert load_postcodes(path).find(["SW1A 1AA"]) == [(51.50101, -0.14156)]


def test_a_table_without_the_columns_is_a_located_error(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("code,x,y\nA,1,2\n", encoding="utf-8")
    with pytest.raises(PostcodeTableError, match="no postcode column"):
        load_postcodes(path)
    report, _ = validate(london(S + "postcodes.csv", postcodes=str(path)))
    bad = [p for p in report.problems if p.code == "file-unreadable"]
    assert len(bad) == 1 and bad[0].loc.file == str(path) and not report.valid


def test_postcodes_option_and_setting(sprx, tmp_path):
    result = sprx("validate", "--schemes", S + "postcodes.csv", "--postcodes", "nowhere.csv")
    assert result.exit_code == 2
    assert "--postcodes: 'nowhere.csv' is not a file" in result.stderr
    other = tmp_path / "p.csv"
    other.write_text("postcode,lat,lon\nNW1 4ZZ,51.54,-0.14\nNW1 7BY,51.54018,-0.14742\n", encoding="utf-8")
    result = sprx("validate", "--schemes", S + "postcodes.csv", "--postcodes", str(other))
    assert result.exit_code == 0
    assert "postcode-unknown" not in result.stdout


def test_exports_say_where_coordinates_came_from(sprx):
    from sprx_cli.render.exports import export_schemes

    _, reg = validate(london(S + "postcodes.csv"))
    rows = export_schemes(reg, "csv").decode().splitlines()
    header = rows[0].split(",")
    by_id = {r.split(",")[0]: dict(zip(header, r.split(","))) for r in rows[1:]}
    assert by_id["camden-walks"]["coordinates_from"] == "postcode"
    assert by_id["camden-walks"]["lat"] == "51.54018"
    assert by_id["camden-art"]["coordinates_from"] == ""  # unknown postcode: no point
    assert by_id["camden-talk"]["coordinates_from"] == "registry"
    doc = json.loads(export_schemes(reg, "json"))
    assert {s["id"]: [loc["coordinates_from"] for loc in s["locations"]] for s in doc["schemes"]} == {
        "camden-walks": ["postcode"], "camden-talk": ["registry"], "camden-art": [None]}
    geo = json.loads(export_schemes(reg, "geojson"))
    assert {f["properties"]["id"]: f["properties"]["coordinates_from"] for f in geo["features"]} == {
        "camden-walks": "postcode", "camden-talk": "registry"}


def test_distance():
    assert math.isclose(distance_m(51.5, 0, 51.5, 0), 0)
    assert 110_000 < distance_m(51, 0, 52, 0) < 112_000


def test_the_mini_registry_is_unchanged_by_a_table():
    plain, _ = validate(Sources(*[MINI[i] for i in (1, 3, 5, 7)]))
    with_table, _ = validate(Sources(*[MINI[i] for i in (1, 3, 5, 7)], postcodes=str(TABLE)))
    assert plain.problems == with_table.problems


@settings(max_examples=300, deadline=None)
@given(whole=st.integers(1, 4), places=st.integers(0, 7), signed=st.booleans(),
       numbers=st.lists(st.tuples(st.sampled_from("+-"), st.integers(0, 10**11)), min_size=1, max_size=20))
def test_decimals_equal_numpys_own_reading(whole, places, signed, numbers):
    """The array reading of fixed-width decimals gives float() of each, to the bit (-0.0 included)."""
    import numpy as np

    from sprx_cli.geo.postcodes import decimals

    texts = []
    for sign, n in numbers:
        digits = str(n % 10 ** (whole + places)).zfill(whole + places)
        texts.append(((sign if signed else "") + digits[:whole] + "." + digits[whole:]).encode())
    column = np.array(texts)
    got, want = decimals(column), column.astype(float)
    assert got.tobytes() == want.tobytes()


def test_decimals_of_the_bundled_table_and_other_layouts():
    import numpy as np

    from sprx_cli.geo.postcodes import decimals

    table = load_postcodes(TABLE)
    for column in (table.lats, table.lons):
        assert decimals(column).tobytes() == column.astype(float).tobytes()
    for texts in ([b"1.5", b"22."], [b"1e5", b"2.0"], [b"-1.25", b"+10.5"], [b"12345678"], [b" 1.5", b"+1.5"]):
        column = np.array(texts)
        assert decimals(column).tobytes() == column.astype(float).tobytes()
