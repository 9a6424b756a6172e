"""sprx map build and sprx map image, checked from the files they write."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from helpers import HOSTILE, MINI, ROOT, page_data, read_rows, read_yaml


def expected_from_yaml(path="schemes.yaml", boroughs="data/areas.csv"):
    """Counts computed here, independently of sprx: active schemes per borough name."""
    import csv

    with open(boroughs, encoding="utf-8") as f:
        names = [r["name"] for r in csv.DictReader(f)]
    schemes = read_yaml(path)["schemes"]
    active = [s for s in schemes if s.get("status", "active") == "active"]
    per_area = Counter(b for s in active for b in s["boroughs"])
    shown = [s for s in schemes if s.get("status", "active") != "closed"]
    # typed coordinates, or a postcode placed at its centre (every example postcode is in the table)
    points = sum(1 for s in shown for loc in s.get("locations") or [] if "lat" in loc or "postcode" in loc)
    return {n: per_area.get(n, 0) for n in names}, len(active), points, schemes


@pytest.fixture
def build(sprx, tmp_path):
    def run(*args, name="map.html"):
        out = tmp_path / name
        result = sprx("map", "build", "--output", out, *args)
        return result, out
    return run


def test_build_bundled_registry(build):
    result, out = build("--offline", "--tiles", "none")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Wrote {out} (")
    assert result.stdout.rstrip().endswith("55 schemes open now in 27 of 33 areas, 3 paused")
    html = out.read_text(encoding="utf-8")
    data = page_data(html)
    per_area, n_active, n_points, _ = expected_from_yaml()
    assert dict(zip(data["areas"]["name"], data["areas"]["count"])) == per_area
    assert data["areas"]["count"].count(0) == 6 == data["zero"]["count"]
    assert len(data["points"]["lat"]) == n_points
    assert "55 schemes open now in 27 of 33 areas, 3 paused" in html and "6 areas with no schemes recorded" in html


def test_zero_areas_are_outside_the_scale(build):
    _, out = build("--offline", "--tiles", "none")
    data = page_data(out.read_text(encoding="utf-8"))
    zero_bands = {b for b, c in zip(data["areas"]["band"], data["areas"]["count"]) if c == 0}
    assert zero_bands == {-1}
    assert all(b >= 0 for b, c in zip(data["areas"]["band"], data["areas"]["count"]) if c > 0)
    assert data["zero"]["label"] == "no schemes recorded"
    ramp = {b["colour"] for b in data["bands"]}
    assert data["zero"]["border"] not in ramp


def test_two_builds_are_identical(build, monkeypatch):
    for args in (["--offline", "--tiles", "none"], ["--cdn"]):
        _, a = build(*args, name="a.html")
        monkeypatch.setenv("SPRX_TODAY", "2026-12-25")  # the wall clock must not leak into the page
        _, b = build(*args, name="b.html")
        monkeypatch.setenv("SPRX_TODAY", "2026-11-23")
        assert a.read_bytes() == b.read_bytes()


def test_offline_page_requests_nothing(build):
    _, out = build("--offline", "--tiles", "none")
    html = out.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)
    assert "cdn.jsdelivr.net" not in html and "cdnjs.cloudflare.com" not in html
    assert "tile.openstreetmap" not in html


def test_the_default_page_needs_no_network(build):
    """The README's `sprx map build` page was blank without a network (Leaflet from a CDN): offline
    is the default (#38 item 9); tiles are the one thing it fetches, as the map's background."""
    _, out = build()
    html = out.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=", html) and "if (!window.L)" not in html


def test_online_page_uses_cdn_and_tiles(build):
    _, out = build("--cdn")
    html = out.read_text(encoding="utf-8")
    from sprx_cli.render.assets import FILES, integrity, published_bytes

    tags = re.findall(r'<(?:script src|link rel="stylesheet" href)="(https://[^"]+)" integrity="([^"]+)" '
                      r'crossorigin="anonymous"', html)
    assert [url for url, _ in tags] == [  # the versions the offline page inlines, from the same packages
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css",
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"]
    assert [sri for _, sri in tags] == [integrity(published_bytes(f)) for f in FILES]
    assert len(re.findall(r"<script[^>]+src=|<link[^>]+href=", html)) == 2  # nothing else from a CDN
    assert "cdnjs.cloudflare.com" not in html
    assert "tile.openstreetmap.org" in html
    assert "jquery" not in html.lower() and "bootstrap" not in html.lower()


def test_paused_shown_closed_left_off(build):
    _, out = build("--offline", "--tiles", "none")
    data = page_data(out.read_text(encoding="utf-8"))
    _, _, _, schemes = expected_from_yaml()
    statuses = Counter(data["schemes"]["status"])
    raw = Counter(s.get("status", "active") for s in schemes)
    assert statuses == {"active": raw["active"], "paused": raw["paused"]}
    _, out = build("--offline", "--tiles", "none", "--include-closed", name="closed.html")
    data2 = page_data(out.read_text(encoding="utf-8"))
    assert Counter(data2["schemes"]["status"])["closed"] == raw["closed"]
    assert data2["areas"]["count"] == data["areas"]["count"]  # never counted


def test_data_date_is_newest_last_verified(build):
    _, out = build("--offline", "--tiles", "none")
    _, _, _, schemes = expected_from_yaml()
    newest = max(str(s["last_verified"]) for s in schemes)
    from datetime import date

    d = date.fromisoformat(newest)
    assert f"Data as of {d.day} {d:%B %Y}" in out.read_text(encoding="utf-8")


def test_accessible_table(build):
    _, out = build("--offline", "--tiles", "none")
    html = out.read_text(encoding="utf-8")
    assert 'href="#sprx-table"' in html and 'id="sprx-table"' in html
    start = html.index('<section class="sprx-table"')
    table = html[start:html.index("</section>", start)]
    assert table.count('<th scope="row">') == 33
    assert table.count('class="sprx-zero-row"') == 6
    assert "Barking and Dagenham Arts on Prescription" in table


def test_hostile_text_is_escaped_in_the_file(build):
    title = "<script>window.__pwned='title'</script>{{7*7}}"
    result, out = build(*HOSTILE, "--offline", "--tiles", "none", "--title", title)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "window.__pwned" in html  # the text is there...
    assert "<script>window.__pwned" not in html  # ...but never as markup
    assert "<img src=x" not in html and "<svg/onload" not in html
    assert "<title>&lt;script&gt;" in html
    for block in ("sprx-areas", "sprx-data"):
        data_block = re.search(rf'id="{block}">(.*?)</script>', html, re.S).group(1)
        assert "<" not in data_block and ">" not in data_block and "\u2028" not in data_block
    data = page_data(html)
    names = {i: data["strings"][n] for i, n in zip(data["schemes"]["id"], data["schemes"]["name"])}
    assert names["hostile-one"] == "<img src=x onerror=\"window.__pwned='name'\">Hostile & Co"  # unchanged
    # Jinja syntax in registry text is not evaluated at build time
    assert "{{7*7}} {% raw %} ${7*7}" in html and ">49<" not in html


def test_errors_stop_the_build(build, sprx, tmp_path):
    out = tmp_path / "map.html"
    out.write_text("yesterday's map")
    result = sprx("map", "build", "--output", out, "--schemes", "tests/fixtures/schemes/unknown-borough.yaml")
    assert result.exit_code == 1
    assert "tests/fixtures/schemes/unknown-borough.yaml:6:9: error [unknown-borough]" in result.stderr
    assert result.stdout == ""
    assert result.stderr.endswith("Nothing was written.\n")
    assert out.read_text() == "yesterday's map"


def test_warnings_are_summarised(build):
    result, _ = build("--schemes", "tests/fixtures/schemes/upkeep.yaml", "--offline", "--tiles", "none")
    assert result.exit_code == 0
    assert ("Warnings: 1 no-contact, 1 not-verified, 1 possible-duplicate, 1 stale-entry "
            "(run 'sprx validate' for details)") in result.stderr


def test_strict_refuses_warnings(build):
    result, out = build("--schemes", "tests/fixtures/schemes/upkeep.yaml", "--strict")
    assert result.exit_code == 1 and not out.exists()


def test_quiet_prints_nothing(build):
    result, out = build("--quiet", "--schemes", "tests/fixtures/schemes/upkeep.yaml", "--tiles", "none")
    assert result.exit_code == 0 and result.output == "" and out.exists()


def test_unknown_tiles_is_a_usage_error(build):
    result, out = build("--tiles", "OpenStreetMap.Mapnick")
    assert result.exit_code == 2 and "did you mean 'OpenStreetMap.Mapnik'?" in result.stderr
    assert not out.exists()


def test_per_100k_needs_population(build, tmp_path):

    areas = tmp_path / "areas-without-population.csv"
    rows = read_rows("data/areas.csv")
    areas.write_text("code,name\n" + "".join(f"{r['code']},{r['name']}\n" for r in rows), encoding="utf-8")
    result, out = build("--metric", "per-100k", "--areas", areas)
    assert result.exit_code == 1
    assert "needs a population for every area" in result.stderr and not out.exists()


def test_per_100k_with_population(build):
    result, out = build(*MINI, "--metric", "per-100k", "--tiles", "none")
    assert result.exit_code == 0, result.output
    data = page_data(out.read_text(encoding="utf-8"))
    assert data["metricLabel"] == "Active schemes per 100,000 residents (population from the area registry)"
    assert data["areas"]["value"] == [1.0, 0.0, 0.0]  # 1 scheme / 100,000 people


def test_map_image(sprx, tmp_path):
    out = tmp_path / "map.png"
    result = sprx("map", "image", "--output", out)
    assert result.exit_code == 0, result.output
    first = out.read_bytes()
    assert first.startswith(b"\x89PNG\r\n\x1a\n") and len(first) > 50_000
    sprx("map", "image", "--output", out)
    assert out.read_bytes() == first  # deterministic
    assert b"Software" not in first[:2000]


def test_map_image_errors_stop(sprx, tmp_path):
    out = tmp_path / "map.png"
    result = sprx("map", "image", "--output", out, "--schemes", "tests/fixtures/schemes/syntax.yaml")
    assert result.exit_code == 1 and not out.exists()


def test_map_does_not_import_folium_for_help():
    import subprocess
    import sys

    code = ("import sys\nfrom sprx_cli.cli import app\ntry:\n    app(['map', 'build', '--help'])\n"
            "except SystemExit:\n    pass\nprint('folium' in sys.modules, 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False False"


def test_suggest_a_change_in_the_table(load):
    """With feedback_email, each scheme in the table (on the map page and the site index) has an
    email link naming it; without, none."""
    from sprx_cli.render.html import table_html
    from sprx_cli.render.mapdata import MapOptions, map_data

    _, registry = load("london")
    data, counts = map_data(registry, MapOptions(feedback_email="changes@example.org"))
    table = table_html(data, counts)
    assert table.count('class="sprx-suggest-link"') == sum(len(x) for x in data["schemes"]["areas"])
    first = data["schemes"]["id"][0]
    assert f'href="mailto:changes@example.org?subject=Suggested%20change%3A%20{first}&amp;body=' in table
    data, counts = map_data(registry, MapOptions())
    assert "sprx-suggest-link" not in table_html(data, counts)


def test_page_is_the_same_whether_folium_came_with_pandas_or_not(tmp_path):
    """map build imports folium without pandas (mapping._import_folium); with pandas loaded first the
    page must not change by a byte."""
    import subprocess
    import sys

    pages = []
    for first in ("", "import pandas; "):
        out = tmp_path / f"page{len(pages)}.html"
        code = (f"{first}import sys; from sprx_cli.cli import main; "
                "sys.argv = ['sprx', 'map', 'build', '--offline', '--tiles', 'none', '--quiet', "
                f"'-o', {str(out)!r}]; main()")
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        pages.append(out.read_bytes())
    assert pages[0] == pages[1]
