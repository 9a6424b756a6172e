"""The finder in Chromium: filters, the results list, postcode search, the shortlist, print, keyboard,
a phone's screen and hostile text. Expected figures are computed here from the YAML, not by sprx."""

from __future__ import annotations

import math
import os
from urllib.parse import unquote

import pytest
import yaml

from helpers import HOSTILE
from sprx_cli.dev.browser import BrowserUnavailable, open_page

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@pytest.fixture(scope="module")
def london_page(tmp_path_factory):
    from typer.testing import CliRunner

    from sprx_cli.cli import app

    out = tmp_path_factory.mktemp("finder") / "london.html"
    os.chdir(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    result = CliRunner().invoke(app, ["map", "build", "--offline", "--tiles", "none", "--output", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _open(path, **kwargs):
    try:
        ctx = open_page(path.resolve().as_uri(), **kwargs)
        page, log = ctx.__enter__()
    except BrowserUnavailable as exc:  # pragma: no cover - depends on the machine
        if os.environ.get("SPRX_BROWSER_TESTS") == "1":
            pytest.fail(f"browser tests required but {exc}")
        pytest.skip(str(exc))
    page.wait_for_function("window.sprxMap && sprxMap.finder")
    return ctx, page, log


@pytest.fixture
def finder(london_page):
    ctx, page, log = _open(london_page)
    yield page, log
    assert log.console_errors == []
    ctx.__exit__(None, None, None)


def shown_schemes():
    schemes = yaml.safe_load(open("schemes.yaml", encoding="utf-8"))["schemes"]
    return [s for s in schemes if s.get("status", "active") != "closed"]


def listed(page) -> list[str]:
    while page.locator(".sprx-more").is_visible():
        page.click(".sprx-more")
    return page.eval_on_selector_all("#sprx-results li[data-scheme-id]", "e => e.map(x => x.dataset.schemeId)")


def test_filter_counts_match_the_registry(finder):
    page, _ = finder
    shown = shown_schemes()
    assert sorted(listed(page)) == sorted(s["id"] for s in shown)
    # clusters say what they hold, and places what they are
    labels = page.eval_on_selector_all(".marker-cluster", "e => e.map(x => x.getAttribute('aria-label'))")
    assert labels and all(label and label.endswith("schemes here: zoom in to see them") for label in labels)
    places = page.eval_on_selector_all(".sprx-place", "e => e.map(x => x.getAttribute('aria-label'))")
    assert places and set(places) <= {s["name"] + ("" if s.get("status", "active") == "active" else " (paused)")
                                      for s in shown}

    # each category option says how many schemes it would leave
    keys = page.evaluate("sprxMap.data.categories.map(c => c.key)")
    for i, key in enumerate(keys):
        expected = sum(1 for s in shown if key in (s.get("categories") or []))
        if key and expected:
            assert page.inner_text(f"label[for=sprx-f-c-{i}] .sprx-option-count") == f"({expected})"
        elif key:  # only real choices: an option no scheme has is not offered
            assert page.locator(f"#sprx-f-c-{i}").count() == 0
    # free only: the list, the markers, the headline and the gaps follow
    page.check("#sprx-f-free-0")
    free = [s for s in shown if s.get("cost") == "free"]
    assert sorted(listed(page)) == sorted(s["id"] for s in free)
    points = sum(1 for s in free for loc in s.get("locations") or [])
    assert page.evaluate("sprxMap.shownPoints()") == points
    active = [s for s in free if s.get("status", "active") == "active"]
    served = {b for s in active for b in s["boroughs"]}
    paused = sum(1 for s in free if s.get("status") == "paused")
    assert page.inner_text(".sprx-headline") == (f"{len(active)} schemes open now in {len(served)} of 33 areas"
                                                  + (f", {paused} paused" if paused else ""))
    assert page.inner_text(".sprx-gaps") == f"{33 - len(served)} areas with no schemes recorded"
    zero = page.eval_on_selector_all("path.sprx-zero", "e => e.length")
    assert zero == 33 - len(served)
    # and within free, by phone, for a person aged 70, open on Tuesday
    phone = page.evaluate("sprxMap.data.keys.delivery.indexOf('phone')")
    page.check(f"#sprx-f-d-{phone}")
    page.fill("#sprx-age", "70")
    page.check("#sprx-day-2")

    def days_of(hours) -> set[str]:  # "mon,wed 10:00-12:00; fri ..." or a list of {days, opens, closes}
        if isinstance(hours, str):
            return {d for part in hours.split(";") for d in part.split()[0].split(",")}
        return {d for h in hours or [] for d in h["days"]}

    def fits(s):
        e = s.get("eligibility") or {}
        e = e if isinstance(e, dict) else {}
        days = days_of(s.get("hours")) | {d for loc in s.get("locations") or [] for d in days_of(loc.get("hours"))}
        return ("phone" in (s.get("delivery") or []) and int(e.get("min_age", 0)) <= 70 <= int(e.get("max_age", 120))
                and "tue" in days)
    assert sorted(listed(page)) == sorted(s["id"] for s in free if fits(s))
    page.click(".sprx-clear")
    assert len(listed(page)) == len(shown)


def test_up_to_date_first(finder):
    page, _ = finder
    first = page.evaluate("sprxMap.data.schemes.id[0]")
    page.evaluate("sprxMap.data.schemes.stale[0] = 1")  # the bundled data has none: make the first one stale
    page.select_option("#sprx-sort", "relevance")
    order = listed(page)
    assert order[-1] == first
    d = page.evaluate("sprxMap.data.schemes")
    sunk = [int(bool(d["stale"][d["id"].index(i)] or not d["verified"][d["id"].index(i)])) for i in order]
    assert sunk == sorted(sunk) and 1 in sunk  # stale or never verified entries come last
    assert "sort=relevance" in page.evaluate("location.hash")


def test_postcode_search_sorts_by_distance(finder):
    page, _ = finder
    page.fill("#sprx-postcode", "se1")
    page.keyboard.press("Enter")
    assert page.inner_text("#sprx-where-status").startswith("Sorted by distance from SE1")
    d = page.evaluate("sprxMap.data")
    lat, lon, area = d["postcodes"]["districts"]["SE1"]

    def km(a, b, c, e):
        r = math.pi / 180
        h = math.sin((c - a) * r / 2) ** 2 + math.cos(a * r) * math.cos(c * r) * math.sin((e - b) * r / 2) ** 2
        return 2 * 6371.0088 * math.asin(math.sqrt(h))
    best: dict[int, float] = {}
    for k, si in enumerate(d["points"]["scheme"]):
        dist = km(lat, lon, d["points"]["lat"][k], d["points"]["lon"][k])
        best[si] = min(best.get(si, dist), dist)
    ids = d["schemes"]["id"]
    order = listed(page)
    located = [i for i in order if ids.index(i) in best]
    assert [round(best[ids.index(i)], 6) for i in located] == sorted(round(best[ids.index(i)], 6) for i in located)
    serves = [i for i in order if ids.index(i) not in best]
    assert serves and all(area in d["schemes"]["areas"][ids.index(i)] for i in serves)
    first_item = page.locator("#sprx-results li").first.inner_text()
    assert "km away" in first_item or "Serves this area" in first_item
    page.fill("#sprx-postcode", "ZZ99 9ZZ")
    page.keyboard.press("Enter")
    assert page.inner_text("#sprx-where-status") == "Postcode ZZ99 9ZZ is not in this map's areas."


def test_shortlist_link_round_trip_and_print(finder):
    page, _ = finder
    page.check("#sprx-f-free-0")
    page.fill("#sprx-postcode", "N1")
    page.keyboard.press("Enter")
    first, second = listed(page)[:2]
    page.click(f"#sprx-results li[data-scheme-id='{first}'] .sprx-shortlist-toggle")
    page.click(f"#sprx-results li[data-scheme-id='{second}'] .sprx-shortlist-toggle")
    assert page.eval_on_selector_all("#sprx-shortlist li[data-scheme-id]", "e => e.map(x => x.dataset.schemeId)") == [
        first, second]
    link = page.evaluate("location.href")
    assert "free=1" in link and "pc=N1" in link and f"sl={first},{second}" in unquote(link)
    mail = page.get_attribute(".sprx-mail", "href")
    assert mail.startswith("mailto:?subject=") and "Phone" in unquote(mail)
    # the link restores filters, postcode and shortlist in a page opened afresh
    page.goto("about:blank")
    page.goto(link)
    page.wait_for_function("window.sprxMap && sprxMap.finder")
    assert page.is_checked("#sprx-f-free-0") and page.input_value("#sprx-postcode") == "N1"
    assert page.eval_on_selector_all("#sprx-shortlist li[data-scheme-id]",
                                     "e => e.map(x => x.dataset.schemeId)") == [first, second]
    assert page.input_value("#sprx-sort") == "distance"
    # print: a clean sheet of the shortlist, no map or controls
    page.emulate_media(media="print")
    assert page.is_visible("#sprx-print") and not page.is_visible(".folium-map")
    assert not page.is_visible("#sprx-finder") and not page.is_visible(".leaflet-control-zoom")
    sheet = page.inner_text("#sprx-print")
    schemes = {s["id"]: s for s in shown_schemes()}
    for sid in (first, second):
        s = schemes[sid]
        assert s["name"] in sheet and (s.get("phone") or "") in sheet and s["website"] in sheet
        assert "Last verified" in sheet and (s.get("how_to_refer") or "") in sheet


def test_keyboard_alone(finder):
    page, _ = finder
    page.focus("#sprx-postcode")
    page.keyboard.type("E1")
    page.keyboard.press("Enter")
    assert "E1" in page.inner_text("#sprx-where-status")
    page.focus("#sprx-f-free-0")
    page.keyboard.press("Space")
    assert page.is_checked("#sprx-f-free-0")
    page.focus("#sprx-results li .sprx-result-name")
    name = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('.leaflet-popup-content').length > 0")
    assert name in page.locator(".leaflet-popup-content").last.inner_text()
    page.focus("#sprx-results li .sprx-shortlist-toggle")
    page.keyboard.press("Enter")
    assert page.locator("#sprx-shortlist li[data-scheme-id]").count() == 1
    # a cluster opened from the keyboard zooms in, and the focus stays in the map
    page.click(".sprx-clear")
    page.evaluate("sprxMap.map.setView([51.51, -0.1], 10, {animate: false})")
    page.focus(".marker-cluster")
    zoom = page.evaluate("sprxMap.map.getZoom()")
    page.keyboard.press("Enter")
    # it zooms in (or, for places that share one spot, lists them)
    page.wait_for_function(f"sprxMap.map.getZoom() > {zoom} || document.querySelector('.leaflet-popup-content h2')")
    assert page.evaluate("sprxMap.map.getContainer().contains(document.activeElement)")
    # focus is drawn
    page.focus("#sprx-f-free-0")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"


def test_use_my_location(finder):
    page, _ = finder
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 51.4613, "longitude": -0.1156})  # Brixton, in Lambeth
    page.click("text=Use my location")
    page.wait_for_function("document.querySelector('#sprx-where-status').textContent.startsWith('Sorted')")
    assert page.inner_text("#sprx-where-status") == "Sorted by distance from your location (Lambeth)."
    assert page.input_value("#sprx-sort") == "distance"
    assert "km away" in page.locator("#sprx-results li").first.inner_text() or \
        "Serves this area" in page.locator("#sprx-results li").first.inner_text()


def test_phone_screen(london_page):
    ctx, page, log = _open(london_page, width=390, height=844)
    try:
        page.wait_for_timeout(300)
        box = page.locator(".folium-map").bounding_box()
        finder = page.locator("#sprx-finder").bounding_box()
        assert finder["y"] >= box["y"] + box["height"] - 1  # below the map
        assert page.locator(".leaflet-control-layers-list").is_hidden()  # the layer control is collapsed
        assert page.evaluate("document.querySelector('.sprx-legend').open") is False  # and the legend
        covered = sum(c["width"] * c["height"] for c in (
            page.locator(sel).bounding_box() for sel in (".leaflet-control-zoom", ".sprx-search", ".sprx-legend",
                                                         ".leaflet-control-layers")))
        assert covered <= box["width"] * box["height"] / 3
        attribution = page.locator(".leaflet-control-attribution").bounding_box()
        for sel in (".sprx-legend", ".leaflet-control-layers", ".sprx-search"):
            other = page.locator(sel).bounding_box()
            overlap = (min(attribution["x"] + attribution["width"], other["x"] + other["width"]) > max(attribution["x"], other["x"])
                       and min(attribution["y"] + attribution["height"], other["y"] + other["height"]) > max(attribution["y"], other["y"]))
            assert not overlap, sel
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390  # nothing runs off the side
        page.locator("#sprx-postcode").scroll_into_view_if_needed()
        assert page.is_visible("#sprx-postcode") and page.is_visible("#sprx-results")
        from axe_playwright_python.sync_playwright import Axe

        result = Axe().run(page)  # and nothing for axe-core at this size either, with a filter and a postcode
        assert not page.is_visible("#sprx-f-free-0")  # the filters are folded on a phone...
        page.click(".sprx-filters summary")  # ...and open with one tap
        page.check("#sprx-f-free-0")
        page.fill("#sprx-postcode", "SE1")
        page.keyboard.press("Enter")
        result2 = Axe().run(page)
        assert result.violations_count == result2.violations_count == 0, [
            (v["id"], v["nodes"][0]["target"]) for v in result.response["violations"] + result2.response["violations"]]
        assert log.console_errors == []
    finally:
        ctx.__exit__(None, None, None)


def test_hostile_text_is_inert_in_the_finder(sprx, tmp_path):
    out = tmp_path / "hostile.html"
    result = sprx("map", "build", *HOSTILE, "--offline", "--tiles", "none", "--output", out)
    assert result.exit_code == 0, result.output
    ctx, page, log = _open(out)
    try:
        ids = listed(page)
        for sid in ids:
            page.click(f"#sprx-results li[data-scheme-id='{sid}'] .sprx-shortlist-toggle")
        page.emulate_media(media="print")
        page.evaluate("sprxMap.finder.update()")
        names = yaml.safe_load(open(HOSTILE[1], encoding="utf-8"))["schemes"]
        sheet = page.inner_text("#sprx-print")
        assert any(s["name"] in sheet for s in names)
        assert page.evaluate("window.__pwned") is None
        assert page.evaluate("document.querySelectorAll('#sprx-finder script, #sprx-print script, "
                             "#sprx-finder img, #sprx-print img').length") == 0
        assert log.console_errors == []
    finally:
        ctx.__exit__(None, None, None)


def test_suggest_a_change(tmp_path):
    """With a feedback_email setting, every card has a 'Suggest a change' email naming the scheme."""
    from helpers import sources
    from sprx_cli.render.mapdata import MapOptions
    from sprx_cli.render.mappage import render_map
    from sprx_cli.registry.validate import validate

    _, reg = validate(sources("london"))
    page_file = tmp_path / "map.html"
    page_file.write_text(render_map(reg, MapOptions(offline=True, tiles="none",
                                                    feedback_email="changes@example.org")), encoding="utf-8")
    ctx, page, log = _open(page_file)
    try:
        page.evaluate("sprxMap.openScheme(0)")
        page.wait_for_function("document.querySelector('.sprx-suggest a')")
        href = page.get_attribute(".sprx-suggest a", "href")
        sid = page.evaluate("sprxMap.data.schemes.id[0]")
        assert href.startswith("mailto:changes@example.org?subject=") and f"Suggested%20change%3A%20{sid}" in href
        assert "Last%20verified" in href
        page.click(f"#sprx-results li[data-scheme-id='{sid}'] .sprx-shortlist-toggle")
        page.emulate_media(media="print")
        assert f"changes@example.org (say it is about {sid})" in page.inner_text("#sprx-print")
        assert log.console_errors == []
    finally:
        ctx.__exit__(None, None, None)
