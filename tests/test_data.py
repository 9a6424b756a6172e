"""The bundled data: areas, boundaries, vocabulary and the example registry."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import yaml

from helpers import read_yaml

ICBS = {"North Central London", "North East London", "North West London", "South East London",
        "South West London"}


def _areas():
    with open("data/areas.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_area_registry():
    rows = _areas()
    assert [r["code"] for r in rows] == [f"E090000{n:02d}" for n in range(1, 34)]
    assert len({r["name"] for r in rows}) == 33
    assert {r["sub_region"] for r in rows} == ICBS
    assert Counter(r["sub_region"] for r in rows) == {"North Central London": 5, "North East London": 8,
                                                      "North West London": 8, "South East London": 6,
                                                      "South West London": 6}


def test_aliases_resolve():
    from sprx_cli.core.areas import load_areas

    areas, problems = load_areas(Path("data/areas.csv"), "data/areas.csv")
    assert problems == []
    for text, name in [("Royal Borough of Greenwich", "Greenwich"), ("Hammersmith & Fulham", "Hammersmith and Fulham"),
                       ("City of Westminster", "Westminster"), ("Kingston", "Kingston upon Thames"),
                       ("Richmond", "Richmond upon Thames"), ("Barking & Dagenham", "Barking and Dagenham"),
                       ("london borough of  tower-hamlets", "Tower Hamlets"), ("e09000001", "City of London"),
                       ("KENSINGTON AND CHELSEA", "Kensington and Chelsea")]:
        assert areas.by_code[areas.resolve(text)].name == name, text
    assert areas.resolve("Camdem") is None and areas.suggest("Camdem") == "Camden"


def test_boundaries():
    import geopandas as gpd

    gdf = gpd.read_file("data/london-boroughs.geojson")
    assert gdf.crs.to_epsg() == 4326
    assert sorted(gdf["code"]) == [r["code"] for r in _areas()]
    assert dict(zip(gdf["code"], gdf["name"])) == {r["code"]: r["name"] for r in _areas()}
    assert gdf.is_valid.all() and not gdf.is_empty.any()
    minx, miny, maxx, maxy = gdf.total_bounds
    assert -0.52 < minx < maxx < 0.34 and 51.28 < miny < maxy < 51.70


def test_boundary_attribution_is_kept():
    text = Path("data/README.md").read_text(encoding="utf-8")
    assert "Open Government Licence" in text
    assert "Contains National Statistics data © Crown copyright and database right 2015" in text
    assert "Contains Ordnance Survey data © Crown copyright and database right 2015" in text


def test_vocabulary():
    vocab = read_yaml("data/vocabulary.yaml")
    cats = {c["key"] for c in vocab["categories"]}
    assert len(cats) >= 10 and all(re.match(r"^#[0-9a-f]{6}$", c["colour"]) for c in vocab["categories"])
    assert {"gp", "practice-nurse", "social-worker", "link-worker", "self-referral",
            "family-friend"} <= {r["key"] for r in vocab["referral_routes"]}
    assert {"older-people", "long-term-conditions", "mental-health", "carers",
            "children-young-people"} <= {g["key"] for g in vocab["target_groups"]}


def test_the_template_vocabulary_has_what_directories_commonly_need():
    """What a food-bank list or a wellbeing directory files its services under, each labelled and coloured,
    the colours all different (a map marker each)."""
    vocab = read_yaml("sprx_cli/templates/vocabulary.yaml")
    cats = {c["key"]: c for c in vocab["categories"]}
    assert {"food-essentials", "digital-inclusion", "homelessness", "addiction-recovery", "domestic-abuse",
            "faith-culture", "health-conditions", "carers-support", "welfare-legal", "mental-wellbeing"} <= set(cats)
    assert cats["food-essentials"]["label"] == "Food & essentials"
    assert all(c["label"].strip() for c in cats.values())
    assert len({c["colour"] for c in cats.values()}) == len(cats)


def test_example_registry_shape():
    text = Path("schemes.yaml").read_text(encoding="utf-8")
    assert "EXAMPLE DATA" in text.splitlines()[0]
    schemes = yaml.safe_load(text)["schemes"]
    assert 55 <= len(schemes) <= 65
    served = {b for s in schemes if s.get("status", "active") != "closed" for b in s["boroughs"]}
    assert len(served) == 27
    assert any(len(s["boroughs"]) > 1 for s in schemes)
    assert any(len(s.get("locations", [])) > 1 for s in schemes)
    assert any(not s.get("locations") for s in schemes)
    assert {s.get("status", "active") for s in schemes} == {"active", "paused", "closed"}


def test_example_contacts_are_fictional():
    for s in read_yaml("schemes.yaml")["schemes"]:
        assert s["website"].startswith("https://example.org/")
        assert s["email"].endswith("@example.org")
        if "phone" in s:
            assert re.fullmatch(r"020 7946 0\d{3}", s["phone"]), s["phone"]
