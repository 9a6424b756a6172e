"""The fast lane may only accept what the full checker accepts without a word, and must build the
identical scheme. Records are generated from a mix of good, odd and bad values for every field,
as YAML-style records and as CSV text, and each is judged both ways."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sprx_cli.core.areas import load_areas
from sprx_cli.registry.fields import CSV_COLUMNS
from sprx_cli.registry.read import RawRecord, RawRegistry, load_registry, read_csv
from sprx_cli.core.problems import Loc
from sprx_cli.registry.check import ColumnLane, RecordChecker, check_registry
from sprx_cli.core.vocabulary import load_vocabulary

AREAS, _ = load_areas(Path("data/areas.csv"), "data/areas.csv")
VOCAB, _ = load_vocabulary(Path("data/vocabulary.yaml"), "data/vocabulary.yaml")
TODAY = date(2026, 6, 1)

odd_text = st.sampled_from(["", " ", "\t", "x", " padded ", "é", "ß", "<b>", "a;b", ";", "mailto:", "0", "-0",
                            "nan", "inf", "1e3", "\u2212", "\u00a0", "\u2028", "null", "~"])
any_text = st.one_of(odd_text, st.text(max_size=12))


LOCATION_GOOD = {"name": ["Library", " Hall ", "Côr Cymraeg"], "address": ["1 Example Road"],
                 "postcode": ["SW1A 1AA", "sw1a1aa", "N1 9GU", "GIR 0AA", "n1  9gu"],
                 "lat": ["51.5", "-0.1", "\u22120.5", "51.5 ", "90", "1e1", "-0"],
                 "lon": ["-0.12", "180", "0.0", "-0", "0"]}
LOCATION_ODD = {"postcode": ["N1", "12345", "SW1A 1A", "Q1 1AA"],
                "lat": ["0", "90.0001", "-91", "51,5", "nan", "inf", "-inf", "", "1_000"],
                "lon": ["-180.01", "181", "abc", "NaN", "0", ""]}
GOOD = {
    "id": ["camden-walks", "a1", " camden-walks "],
    "name": ["Camden Walks", "  Art & Chat ", "שלום 🎨"],
    "boroughs": ["Camden", ["camden", "E09000007"], ["LB Camden"], "London Borough of Islington",
                 ["Barking & Dagenham", "Hackney "], ["Camden", ""], ["Camden", None]],
    "provider": ["Example Trust", " x "],
    "description": ["Walks.", "<script>alert(1)</script>"],
    "categories": ["green-nature", ["arts-creativity", " green-nature"], []],
    "referral_routes": ["gp", ["gp", "self-referral"]],
    "target_groups": [["older-people", "everyone"]],
    "website": ["https://example.org/", "http://example.org:8080/x?y#z", "HTTPS://EXAMPLE.ORG", " https://a.b "],
    "email": ["a@example.org", "mailto:a@example.org", "A.B+c@sub.example.org"],
    "phone": ["020 7946 0000", "=1+2"],
    "status": ["active", "Paused", " CLOSED ", ""],
    "last_verified": ["2025-01-31", "2026-06-01", "2024-02-29"],
    "eligibility": [{"min_age": "18"}, {"min_age": "18", "max_age": "65", "description": "Adults"}, "Carers",
                    {"max_age": "25"}, {"min_age": "0", "max_age": "0"}, {"description": " "}],
    "hours": ["mon,wed 10:00-12:00; fri 14:00-16:00", [{"days": ["sat"], "opens": "9:30", "closes": "12:00"}],
              "Monday 08:00-09:00", [{"days": "tue, thu", "opens": "10:00", "closes": "11:00"}]],
    "cost": ["free", " paid "],
    "cost_description": ["£3 a session"],
    "delivery": ["online", ["in-person", "phone"], ["phone", "phone"]],
    "languages": ["en", ["cy", "bfi"], "EN", ["bn", "ben"]],
    "accessibility": [["step-free", "bsl"]],
    "hours_note": ["term time only"],
    "how_to_refer": ["Call us"],
    "referral_url": ["https://example.org/refer"],
    "referral_email": ["mailto:r@example.org"],
    "charity_number": ["1234567", "sc012345", "NIC 100001", "123456-1"],
}
ODD = {
    "id": ["Camden Walks", "a--b", "-a", "x-", "", " ", ["a"], {"a": "b"}],
    "name": ["", " ", ["a"]],
    "boroughs": ["Camdn", "Nowhere", "", " ", ["Camden", "camden"], ["Camden", "E09000007"], [], {"a": "b"},
                 [["x"]], ["Camden", 1], "Camden;Islington"],
    "provider": [["a"], {"a": "b"}],
    "categories": ["Green & nature", "walking", ["green-nature", "green-nature"], ["green-nature", "walking"],
                   {"a": "b"}, [None]],
    "referral_routes": ["GP", "doctor", ["gp", "gp"]],
    "target_groups": ["old"],
    "website": ["example.org", "ftp://example.org", "https://exa mple.org", "https://", "javascript:alert(1)",
                "https:///x", "http://[::1]/", "https://example.org/\u00a0x"],
    "email": ["a@b", "a@@example.org", "a b@example.org", "a@example..org", "a@-example.org", "mailto:",
              "a@example.org, b@example.org"],
    "phone": [["a"]],
    "status": ["open", "activ", ["active"]],
    "last_verified": ["2026-06-02", "2025-02-30", "2025-1-31", "31/01/2025", "20250131", "2025-01-31T00:00",
                      "+2025-01-31", "２０２５-01-31"],
    "eligibility": [{"min_age": "70", "max_age": "18"}, {"min_age": "-1"}, {"min_age": "121"}, {"age": "5"},
                    ["18"], {"min_age": ["1"]}, {"min_age": "1.5"}, {"min_age": "١٨"}],
    "hours": ["mon 12:00-10:00", "funday 10:00-11:00", "always", [{"days": ["mon"], "opens": "10:00"}],
              [{"days": ["mon"], "opens": "10:00", "closes": "11:00", "x": "1"}], {"days": ["mon"]}, "mon 24:00-25:00"],
    "cost": ["cheap", ["free"], "Free"],
    "delivery": ["video", {"a": "b"}],
    "languages": ["Welsh", "xx", "e", "engl", ["en", 1]],
    "accessibility": ["ramp"],
    "referral_url": ["example.org", "javascript:alert(1)"],
    "referral_email": ["a@b"],
    "charity_number": ["12345", "SC12345", "NI100001", "12345678"],
    "locations": ["somewhere", [["51.5"]], [{"lat": "51.5", "lon": "-0.1", "floor": "2"}], {"lat": "1"},
                  [{"lat": "51.5"}], [{"lon": "-0.1"}]],
    "unknown": ["webiste", "notes"],
}
OPTIONAL = [f for f in GOOD if f not in ("id", "name", "boroughs")]


@st.composite
def location(draw, fault: str | None):
    place = {}
    for f, good in LOCATION_GOOD.items():
        if f == fault:
            place[f] = draw(st.one_of(st.sampled_from(LOCATION_ODD[f]), any_text))
        elif draw(st.booleans()):
            place[f] = draw(st.sampled_from(good))
    if ("lat" in place) != ("lon" in place) and fault is None:
        place.pop("lat", None), place.pop("lon", None)
    return place


@st.composite
def record(draw):
    """A clean record, or one with a single fault: a bad value in one field (or a location
    field, or an unknown field). One fault at a time lets every edge case reach the lanes."""
    fault = draw(st.sampled_from([None, "alias", *ODD, *(f"location.{f}" for f in LOCATION_ODD)]))
    d = {}
    for f, good in GOOD.items():
        if f == fault:
            d[f] = draw(st.one_of(st.sampled_from(ODD[f]), any_text, st.none()) if f in ODD else st.none())
        elif f not in OPTIONAL or draw(st.booleans()):
            d[f] = draw(st.sampled_from(good))
    if fault == "locations":
        d["locations"] = draw(st.sampled_from(ODD["locations"]))
    elif fault and fault.startswith("location."):
        d["locations"] = [draw(location(fault.split(".")[1]))]
    elif draw(st.booleans()):
        d["locations"] = draw(st.lists(st.one_of(location(None), st.none()), max_size=2))
    if fault == "unknown":
        d[draw(st.sampled_from(ODD["unknown"]))] = "x"
    if "boroughs" in d and draw(st.booleans()):  # 'areas' is another name for 'boroughs'; both is a fault
        d["areas"] = d["boroughs"] if fault == "alias" else d.pop("boroughs")
    return d


def full_check(rec: RawRecord):
    problems: list = []
    scheme = RecordChecker(rec, AREAS, VOCAB, TODAY, problems, {}).run()
    return scheme, problems


def assert_lane_agrees(raw: RawRegistry) -> int:
    """Every record the fast lane accepts is one the full checker accepts silently, identically."""
    fast, _ = ColumnLane(AREAS, VOCAB, TODAY).run(raw)
    accepted = 0
    for k, scheme in enumerate(fast):
        if scheme is None:
            continue
        accepted += 1
        full, problems = full_check(raw.record(k))
        assert problems == [], (raw.record(k).data, problems)
        assert full == scheme, (raw.record(k).data, full, scheme)
    return accepted


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(record(), min_size=1, max_size=4))
def test_fast_lane_accepts_only_what_the_checker_accepts_yaml(records):
    raw = RawRegistry("yaml", [RawRecord(i, d, Loc("t.yaml", i + 1, 1)) for i, d in enumerate(records)])
    assert_lane_agrees(raw)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(v for v in value if isinstance(v, str))
    return value if isinstance(value, str) else ""


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(record(), min_size=1, max_size=4), st.permutations(CSV_COLUMNS))
def test_fast_lane_accepts_only_what_the_checker_accepts_csv(records, columns):
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(columns)
    for d in records:
        loc = d.get("locations")
        first = loc[0] if isinstance(loc, list) and loc and isinstance(loc[0], dict) else {}
        cells = {**{k: _cell(v) for k, v in d.items()}, **{("location_name" if k == "name" else k): _cell(v)
                                                            for k, v in first.items()}}
        eligibility = d.get("eligibility")
        if isinstance(eligibility, dict):
            cells.update({("eligibility" if k == "description" else k): _cell(v) for k, v in eligibility.items()})
        w.writerow([cells.get(c, "") for c in columns])
    raw, problems = read_csv(out.getvalue(), "t.csv")
    if raw.table is not None:
        assert_lane_agrees(raw)


def test_clean_registries_take_the_fast_lane():
    """Clean registries go the fast way: every record of a generated registry (YAML and CSV) and
    of the clean CSV fixture, with the same schemes and no problems."""
    import geopandas as gpd

    from sprx_cli.upkeep.demo import generate, to_csv, to_yaml
    from sprx_cli.geo.boundaries import Boundaries
    from sprx_cli.registry.read import read_yaml

    gdf = gpd.read_file("data/london-boroughs.geojson")
    records = generate(300, Boundaries.from_frame(gdf), dict(zip(gdf["code"], gdf["name"])), VOCAB, seed=7,
                       data_day=TODAY)
    for raw, problems in (read_yaml(to_yaml(records), "g.yaml"), read_csv(to_csv(records), "g.csv"),
                          load_registry(Path("tests/fixtures/schemes/valid.csv"), "valid.csv")):
        assert problems == []
        assert assert_lane_agrees(raw) == len(raw)
        schemes, problems, _ = check_registry(raw, AREAS, VOCAB, TODAY)
        assert problems == [] and len(schemes) == len(raw)
