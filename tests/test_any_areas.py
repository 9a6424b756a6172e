"""Beyond London: any boundaries in any CRS, project settings, new registries, synthetic data."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys

import pytest

from helpers import ENGLAND, ROOT, TODAY, page_data


def sprx_in(folder, *args, check=True):
    r = subprocess.run([sys.executable, "-m", "sprx_cli", *map(str, args)], cwd=folder, capture_output=True,
                       text=True, env={**__import__("os").environ, "SPRX_TODAY": TODAY}, timeout=300)
    if check:
        assert r.returncode == 0, r.stdout + r.stderr
    return r


def test_areas_init_from_projected_boundaries(sprx, tmp_path):
    out = tmp_path / "areas.csv"
    result = sprx("areas", "init", ENGLAND, "--code-field", "LAD24CD", "--name-field", "LAD24NM", "--output", out)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    assert [r["code"] for r in rows] == [f"E0700090{i}" for i in range(1, 7)]
    assert rows[2]["name"] == "Cinderford Vale"
    assert list(rows[0]) == ["code", "name", "aliases", "sub_region", "population"]


def test_areas_init_names_the_missing_field(sprx):
    result = sprx("areas", "init", ENGLAND, "--code-field", "LAD23CD", "--name-field", "LAD24NM")
    assert result.exit_code == 1
    assert "--code-field: " in result.stderr and "LAD24CD, LAD24NM, OBJECTID" in result.stderr


@pytest.fixture
def england(tmp_path):
    """A new registry for six districts in EPSG:27700 with other field names, filled with demo data."""
    folder = tmp_path / "england"
    sprx_in(ROOT, "init", folder, "--boundaries", ENGLAND, "--code-field", "LAD24CD", "--name-field", "LAD24NM",
            "--title", "Social prescribing in the Midlands (test)")
    sprx_in(folder, "demo", "generate", "--schemes", 300, "--boundaries", "data/boundaries.geojson",
            "--code-field", "LAD24CD", "--name-field", "LAD24NM", "--output", "schemes.yaml")
    return folder


def test_init_writes_settings(england):
    settings = (england / "sprx.toml").read_text()
    assert 'code_field = "LAD24CD"' in settings and 'boundaries = "data/boundaries.geojson"' in settings
    assert (england / "data" / "vocabulary.yaml").read_text() == (ROOT / "data" / "vocabulary.yaml").read_text()
    again = sprx_in(england.parent, "init", england, check=False)
    assert again.returncode == 1 and "already has a sprx.toml" in again.stderr


def test_england_style_registry_builds_map_and_table(england):
    r = sprx_in(england, "validate", "--format", "json")
    report = json.loads(r.stdout)
    assert report["valid"] and report["errors"] == 0 and report["stats"]["areas"] == 6
    assert not [p for p in report["problems"] if p["code"].startswith("location")]
    r = sprx_in(england, "map", "build", "--tiles", "none")
    page = (england / "maps" / "map.html").read_text()
    assert "<title>Social prescribing in the Midlands (test)</title>" in page
    data = page_data(page)
    assert len(data["areas"]["code"]) == 6 and len(data["boundaries"]["features"]) == 6
    lon, lat = data["boundaries"]["features"][0]["geometry"]["coordinates"][0][0]
    assert -2.1 < lon < -1.0 and 52.5 < lat < 53.0  # reprojected from the National Grid
    assert re.search(r"\d+ schemes open now in \d of 6 areas", page)
    table = json.loads(sprx_in(england, "table", "--format", "json").stdout)
    assert len(table["rows"]) == 6
    assert {r["code"]: r["schemes"] for r in table["rows"]} == dict(zip(data["areas"]["code"], data["areas"]["count"]))


def test_command_line_overrides_settings(england):
    sprx_in(england, "map", "build", "--tiles", "none", "--title", "Overridden", "--output", "other.html")
    assert "<title>Overridden</title>" in (england / "other.html").read_text()


def test_bad_settings_are_a_usage_error(tmp_path):
    (tmp_path / "sprx.toml").write_text('titel = "x"\n')
    r = sprx_in(tmp_path, "validate", check=False)
    assert r.returncode == 2 and "unknown setting(s) titel" in r.stderr


@pytest.mark.parametrize("fmt", ["yaml", "csv"])
def test_generated_registries_validate_cleanly(sprx, tmp_path, fmt):
    out = tmp_path / f"demo.{fmt}"
    result = sprx("demo", "generate", "--schemes", "500", "--boundaries", "data/london-boroughs.geojson",
                  "--format", fmt, "--seed", "7", "--output", out)
    assert result.exit_code == 0, result.output
    result = sprx("validate", "--schemes", out, "--format", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == 0 and report["errors"] == 0, report["problems"][:3]
    assert report["stats"]["schemes"] == 500
    assert not [p for p in report["problems"] if p["code"] not in ("stale-entry",)]
    again = tmp_path / f"again.{fmt}"
    sprx("demo", "generate", "--schemes", "500", "--boundaries", "data/london-boroughs.geojson",
         "--format", fmt, "--seed", "7", "--output", again)
    assert again.read_bytes() == out.read_bytes()


def test_demo_data_says_it_is_synthetic(sprx):
    result = sprx("demo", "generate", "--schemes", "3", "--boundaries", "data/london-boroughs.geojson")
    assert result.stdout.startswith("# sprx demo registry: SYNTHETIC DATA")
    assert all(w.startswith("https://example.org/") for w in re.findall(r"website: (\S+)", result.stdout))


def test_vocabulary_template_matches_bundled_vocabulary():
    assert (ROOT / "sprx_cli/templates/vocabulary.yaml").read_bytes() == (ROOT / "data/vocabulary.yaml").read_bytes()


@pytest.mark.parametrize(("line", "said"), [
    ("feedback_email = 5", 'feedback_email must be text, in quotes (e.g. feedback_email = "..."), not a number (5)'),
    ("tiles = 5", 'tiles must be text, in quotes (e.g. tiles = "..."), not a number (5)'),
    ("boroughs = true", 'boroughs must be text, in quotes (e.g. boroughs = "..."), not true or false (true)'),
    ("title = {cy = 5}", "title must be text, or a table of text per language (e.g. title = \"...\", or one per "
                         "language: title = {cy = \"...\", en = \"...\"}), not title.cy = a number (5)"),
    ('title = "Ours\\r\\nBcc: all@example.net"', "title must be one line of text: it holds a line break"),
    ('attribution = {en = "A\\u000bB"}', "attribution must be one line of text: it holds the control character "
                                        "U+000B"),
    ('public_url = "example.org/directory"', 'public_url must be a web address starting https:// (e.g. public_url = '
                                            '"https://example.org/directory/")'),
    ("languages = []", 'languages must be a list of text (e.g. languages = ["cy", "en"]), not an empty list'),
    ("postcodes = [\"a.csv\"]", 'postcodes must be text, in quotes (e.g. postcodes = "..."), not a list'),
])
def test_a_setting_of_the_wrong_kind_is_a_usage_error(sprx, tmp_path, monkeypatch, line, said):
    """`feedback_email = 5` and `tiles = 5` were internal errors (#37 row 18): each setting says what
    it takes, for every command."""
    (tmp_path / "sprx.toml").write_text(line + "\n")
    monkeypatch.chdir(tmp_path)
    for command in (["validate"], ["map", "build"], ["publish", "--site", "public"], ["review"], ["serve"]):
        r = sprx(*command)
        assert (r.exit_code, r.stderr) == (2, f"Usage error: sprx.toml: {said}\n"), command
