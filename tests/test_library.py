"""The library without the command line: aggregation, tables, exports, the map's data, settings,
and the CLI's JSON equal to what the library returns for the same input."""

from __future__ import annotations

import csv
import io
import json

import pytest

from helpers import COUNTS, read_yaml, registry_args, sources
from sprx_cli.aggregate.counts import area_counts
from sprx_cli.aggregate.filters import FilterError, Filters
from sprx_cli.core.words import people, plural


def _counts_yaml():

    return read_yaml("tests/fixtures/counts/schemes.yaml")["schemes"]


def test_area_counts_count_active_schemes_once_per_area(load):
    report, registry = load("counts")
    assert report.valid
    counts = area_counts(registry)
    active = [s for s in _counts_yaml() if s.get("status", "active") == "active"]
    assert counts.total_schemes == len(active)
    assert sum(counts.counts) == sum(len(s["boroughs"]) for s in active)
    assert counts.areas_with_schemes + counts.areas_without_schemes == len(counts.codes)
    every = area_counts(registry, Filters(statuses=("active", "paused", "closed")))
    assert every.total_schemes == len(_counts_yaml())


def test_filters_from_names(load):
    _, registry = load("counts")
    f = Filters.from_names(registry, ["paused"], ["arts-creativity"], [registry.areas.areas[0].name], ["gp"], True)
    assert f == Filters(("paused", "closed"), ("arts-creativity",), (registry.areas.areas[0].code,), ("gp",))
    with pytest.raises(FilterError, match="did you mean 'arts-creativity'"):
        Filters.from_names(registry, categories=["arts-creativty"])
    with pytest.raises(FilterError, match="^unknown area 'Atlantis'") as raised:  # in the library's words
        Filters.from_names(registry, areas=["Atlantis"])
    assert raised.value.subject == "area"  # the command line names its option (--borough)


def test_table_rows_and_totals(load):
    from sprx_cli.render.tables import build_table, write_table

    _, registry = load("counts")
    t = build_table(registry, "area")
    counts = area_counts(registry)
    assert [r[0] for r in t.rows] == sorted(counts.codes, key=lambda c: counts.names[counts.codes.index(c)].casefold())
    assert t.totals[t.columns.index("schemes")] == counts.total_schemes
    rows = list(csv.DictReader(io.StringIO(write_table(t, "csv").decode())))
    assert {r["code"]: int(r["schemes"]) for r in rows} == dict(zip(counts.codes, counts.counts))


def test_exports_agree_with_the_aggregation(load):
    from sprx_cli.render.exports import export_schemes, scheme_records

    _, registry = load("counts")
    records = scheme_records(registry)
    assert [r["id"] for r in records] == sorted(s.id for s in area_counts(registry).schemes)
    doc = json.loads(export_schemes(registry, "json"))
    assert [s["id"] for s in doc["schemes"]] == [r["id"] for r in records]
    geo = json.loads(export_schemes(registry, "geojson"))
    assert len(geo["features"]) == sum(1 for s in area_counts(registry).schemes for loc in s.locations if loc.has_point)


def test_map_data_agrees_with_the_aggregation(load):
    from sprx_cli.render.mapdata import MapOptions, map_data

    _, registry = load("counts")
    data, counts = map_data(registry, MapOptions())
    assert data["areas"]["count"] == counts.counts
    assert data["zero"]["count"] == counts.areas_without_schemes
    shown = [s for s in registry.schemes if s.status != "closed"]
    assert sorted(data["schemes"]["id"]) == sorted(s.id for s in shown)
    closed, _ = map_data(registry, MapOptions(include_closed=True))
    assert len(closed["schemes"]["id"]) == len(registry.schemes)


def test_stale_flag_follows_stale_after(load):
    from sprx_cli.render.mapdata import MapOptions, map_data

    _, registry = load("london")
    newest = registry.data_date
    for months in (1, 12, 600):
        _, registry = load("london", stale_after_months=months)
        data, _ = map_data(registry, MapOptions())
        by_id = {s.id: s for s in registry.schemes}
        from sprx_cli.core.dates import months_before

        cutoff = months_before(newest, months)
        expected = [int(by_id[i].last_verified is not None and by_id[i].last_verified < cutoff)
                    for i in data["schemes"]["id"]]
        assert data["schemes"]["stale"] == expected
    assert sum(expected) == 0 and sum(map_data(load("london", stale_after_months=1)[1], MapOptions())[0]
                                      ["schemes"]["stale"]) > 0


def test_settings_resolve_command_line_then_file_then_defaults(tmp_path):
    from sprx_cli.core.settings import Settings, SourceMissing

    (tmp_path / "data").mkdir()
    for name in ("schemes.yaml", "data/a.csv", "data/b.geojson", "data/v.yaml"):
        (tmp_path / name).write_text("x")
    (tmp_path / "sprx.toml").write_text('areas = "data/a.csv"\nboundaries = "data/b.geojson"\n'
                                        'vocabulary = "data/v.yaml"\ntitle = "T"\ncrs = "EPSG:27700"\n')
    s = Settings(tmp_path)
    assert s.get(None, "title") == "T" and s.get("CLI", "title") == "CLI"
    assert s.get(None, "tiles") == "OpenStreetMap.Mapnik"
    src = s.sources(schemes=str(tmp_path / "schemes.yaml"))
    assert src.areas == str(tmp_path / "data/a.csv") and src.crs == "EPSG:27700" and src.code_field == "code"
    with pytest.raises(SourceMissing, match="nowhere.yaml' does not exist$") as raised:
        s.sources(schemes=str(tmp_path / "nowhere.yaml"))
    assert raised.value.subject == "schemes" and raised.value.missing


def test_counts_for_people():
    assert people(5000) == "5,000" and plural(1, "scheme") == "1 scheme" and plural(12345, "area") == "12,345 areas"


def test_validate_json_equals_the_library(sprx, load):
    for name in ("london", "counts", "hostile"):
        report, _ = load(name)
        cli = json.loads(sprx("validate", *registry_args(name), "--format", "json").stdout)
        files = cli.pop("files")
        assert cli == report.to_dict()
        assert files["schemes"] == sources(name).schemes


def test_table_json_equals_the_library(sprx, load):
    from sprx_cli.render.tables import build_table, write_table

    _, registry = load("counts")
    for by in ("area", "category", "area-category"):
        library = json.loads(write_table(build_table(registry, by), "json"))
        assert json.loads(sprx("table", *COUNTS, "--by", by, "--format", "json").stdout) == library


def test_text_tables_group_digits():
    from sprx_cli.render.tables import Table, to_markdown, to_text, write_table

    t = Table("area", ["code", "schemes"], [["E09000001", 12345]], ["All areas", 12345], {})
    assert "12,345" in to_text(t) and "12,345" in to_markdown(t)
    assert b"12345" in write_table(t, "csv") and b"12,345" not in write_table(t, "csv")
    assert json.loads(write_table(t, "json"))["rows"][0]["schemes"] == 12345


def test_headline_groups_digits(load):
    _, registry = load("london")
    counts = area_counts(registry)
    counts.schemes = counts.schemes * 100
    assert counts.headline() == f"{len(counts.schemes):,} schemes open now in 27 of 33 areas, 3 paused" == (
        "5,500 schemes open now in 27 of 33 areas, 3 paused")


def test_new_fields_through_every_export(load):
    """cost, eligibility, delivery, languages, accessibility and the referral fields reach CSV, XLSX,
    JSON and GeoJSON with their values."""
    import openpyxl

    from sprx_cli.render.exports import export_schemes

    _, registry = load("hostile")
    everything = Filters(statuses=("active", "paused", "closed"))
    doc = json.loads(export_schemes(registry, "json", everything))
    one = next(s for s in doc["schemes"] if s["id"] == "hostile-one")
    assert one["eligibility"] == {"min_age": 18, "max_age": 65,
                                  "description": "<i onclick=window.__pwned='eligibility'>adults</i>", "ages_of": None}
    assert (one["cost"], one["delivery"], one["languages"], one["accessibility"]) == (
        "free", ["in-person", "online"], ["en", "cy", "bfi"], ["step-free"])
    assert one["referral_email"] == "refer@example.org" and one["hours_note"].endswith("term time")
    assert one["locations"][0]["accessibility"] == ["hearing-loop"]
    assert one["locations"][0]["hours"] == [{"days": ["sat"], "opens": "10:00", "closes": "12:00"}]
    assert one["hours"] == [{"days": ["mon", "wed"], "opens": "10:00", "closes": "12:00"},
                            {"days": ["fri"], "opens": "14:00", "closes": "16:00"}]
    row = next(r for r in csv.DictReader(io.StringIO(export_schemes(registry, "csv", everything).decode()))
               if r["id"] == "hostile-one")
    assert (row["min_age"], row["max_age"], row["languages"], row["delivery"]) == ("18", "65", "en;cy;bfi",
                                                                                   "in-person;online")
    assert row["hours"] == "mon,wed 10:00-12:00; fri 14:00-16:00"  # the form the registry's CSV reads back
    sheet = openpyxl.load_workbook(io.BytesIO(export_schemes(registry, "xlsx", everything))).active
    header = [c.value for c in sheet[1]]
    values = {header[i]: c.value for i, c in enumerate(sheet[2 if sheet.cell(2, 1).value == "hostile-one" else 3])}
    assert values["cost"] == "free" and values["languages"] == "en;cy;bfi" and values["min_age"] == 18
    feature = json.loads(export_schemes(registry, "geojson", everything))["features"][0]["properties"]
    assert feature["cost"] == "free" and feature["min_age"] == 18


def test_keywords_fold_case_accents_and_punctuation_and_match_word_starts():
    from sprx_cli.core.keywords import fold, matches, words

    assert fold("Café, Bromley-by-Bow  ÉTÉ") == "cafe bromley by bow ete"
    assert words("  Befriend   DEBT! ") == ["befriend", "debt"]
    texts = ["Befriending for South Asian elders", None, "Debt & benefits advice"]
    assert matches(words("befriend"), texts) and matches(words("asian south"), texts)  # any order
    assert matches(words("cafe"), ["Café Connect"]) and matches(words("ben"), texts)
    assert not matches(words("riend"), texts)  # a word's start, not its middle
    assert not matches(words("befriend walking"), texts)  # every word


def test_the_fast_fold_of_plain_ascii_is_the_same_as_the_full_one():
    """fold() takes a shortcut for ASCII text (most of a registry): each character's answer as the
    full rule's (NFD, marks dropped, anything but a letter or digit a space)."""
    import random
    import unicodedata

    from sprx_cli.core.keywords import fold

    def full(text):
        kept = "".join(" " if not ch.isalnum() else ch for ch in unicodedata.normalize("NFD", text)
                       if not unicodedata.category(ch).startswith("M"))
        return " ".join(kept.lower().split())

    rnd = random.Random(39)
    texts = ("".join(chr(rnd.randrange(128)) for _ in range(rnd.randrange(40))) for _ in range(5000))
    for text in ["", " ", "A-Z_a.z 0/9", "\x00\t\n\x7f", *texts]:
        assert fold(text) == full(text), repr(text)


def test_a_schemes_words_folded_text_by_text_are_its_texts_folded_together():
    from sprx_cli.core.keywords import fold, label_texts, scheme_texts, scheme_words
    from sprx_cli.registry.validate import validate

    _, london = validate(sources("london"))
    labels = label_texts(london.vocabulary, london.areas.by_code)
    for s in london.schemes:
        assert scheme_words(s, labels) == fold(" ".join(scheme_texts(s, labels)))
    assert any(not t.isascii() for s in london.schemes for t in scheme_texts(s, labels))  # (the Welsh synonyms)


def test_small_wordings_say_what_is_known(sprx, tmp_path):
    from datetime import date

    from sprx_cli.core.messages import messages
    from sprx_cli.site.changes import atom_feed

    assert messages().data_as_of(None) == "No verification dates recorded"
    assert messages().data_as_of(date(2026, 11, 23)) == "Data as of 23 November 2026"
    first = {"first_publish": True, "schemes_added": [], "schemes_removed": [], "schemes_changed": [],
             "areas_changed": []}
    assert b"<updated>" not in atom_feed("Test", first, None, None)  # no date known: none made up (not 1970)
    assert b"<updated>2026-11-23T00:00:00Z</updated>" in atom_feed("Test", first, "2026-11-23", None)
    # a scheme never verified says so once in the review
    path = tmp_path / "schemes.yaml"
    path.write_text("schemes:\n  - {id: walk, name: Walk, boroughs: [Camden]}\n", encoding="utf-8")
    result = sprx("review", "--schemes", path)
    assert "walk: Walk (never verified)\n" in result.stdout, result.output
