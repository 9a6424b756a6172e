"""The map in a real browser: headless Chromium, network blocked.

Skipped when Playwright or Chromium is missing, unless SPRX_BROWSER_TESTS=1 (set by .ci/run),
in which case a missing browser fails the run.
"""

from __future__ import annotations

import pytest

from helpers import HOSTILE, read_yaml, tick


@pytest.fixture
def london_map(sprx, tmp_path):
    out = tmp_path / "london.html"
    result = sprx("map", "build", "--offline", "--tiles", "none", "--output", out)
    assert result.exit_code == 0, result.output
    return out


def click_area(page, code):
    """Click a point of the area's shape that nothing else covers, as a person would."""
    point = page.evaluate("""code => {
        const path = document.querySelector('path.sprx-area-' + code);
        const r = path.getBoundingClientRect();
        for (let i = 1; i < 20; i++) for (let j = 1; j < 20; j++) {
            const x = r.left + r.width * i / 20, y = r.top + r.height * j / 20;
            if (document.elementFromPoint(x, y) === path) return [x, y];
        }
        return null;
    }""", code)
    assert point, f"no free point in {code}"
    page.mouse.click(*point)
    # a closed popup fades out for 200 ms before it leaves the page
    page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 1")


def test_a_cdn_page_without_a_network_says_why_it_has_no_map(sprx, tmp_path, browser):
    """A CDN page opened without a network said "The finder needs JavaScript" (#38 item 9)."""
    out = tmp_path / "cdn.html"
    assert sprx("map", "build", "--cdn", "--tiles", "none", "--output", out).exit_code == 0
    page, log = browser(out, wait=None, map_page=False)  # (the network is blocked: Leaflet never comes)
    assert page.inner_text("#sprx-finder-note").startswith(
        "The map could not load its map library (Leaflet) from the internet")
    assert "--offline (the default)" in page.inner_text("#sprx-finder-note")
    assert page.locator("#sprx-table").is_visible()
    log.console_errors.clear()  # (the blocked requests, and folium's script without Leaflet)


def test_offline_map_in_browser(london_map, browser):
    page, log = browser(london_map)
    schemes = read_yaml("schemes.yaml")["schemes"]
    shown = [s for s in schemes if s.get("status", "active") != "closed"]
    # typed coordinates, or a postcode placed at its centre (every example postcode is in the table)
    n_points = sum(1 for s in shown for loc in s.get("locations") or [] if "lat" in loc or "postcode" in loc)

    # 33 area shapes rendered, each with a real outline
    areas = page.eval_on_selector_all("path.sprx-area", "els => els.map(e => e.getAttribute('d').length)")
    assert len(areas) == 33 and min(areas) > 20
    assert page.eval_on_selector_all("path.sprx-zero", "els => els.length") == 6

    # every located place is shown, and what the clusters and single places show adds up to the registry
    assert page.evaluate("sprxMap.shownPoints()") == n_points
    in_clusters = page.eval_on_selector_all(
        ".marker-cluster span", "els => els.reduce((t, e) => t + parseInt(e.textContent, 10), 0)")
    single = page.eval_on_selector_all(".sprx-place", "els => els.length")
    assert in_clusters + single == n_points and in_clusters > 0 and single > 0
    assert page.evaluate("sprxMap.drawn()") == {"clusters": page.locator(".marker-cluster").count(),
                                                "singles": single, "inClusters": in_clusters}

    # an area popup lists the right schemes, and a scheme opens to its details
    camden = sorted(s["name"] for s in shown if "Camden" in s["boroughs"])
    click_area(page, "E09000007")
    popup = page.locator(".leaflet-popup-content")
    text = popup.inner_text()
    assert text.startswith("Camden")
    assert [li.strip() for li in popup.locator("li").all_inner_texts()] == camden
    popup.locator("button", has_text=camden[0]).click()
    first = next(s for s in shown if s["name"] == camden[0])
    card = page.locator(".leaflet-popup-content").last.inner_text()
    assert first["provider"] in card and first["website"] in card and "Who can refer" in card
    mailto = page.locator(".leaflet-popup-content a[href^='mailto:']")
    assert mailto.count() == 1 + ("referral_email" in first)  # contact, and referrals when given
    if first.get("languages"):
        assert "English" in card and "How to refer" in card

    # the hover tooltip names the area and its count
    page.evaluate("sprxMap.areas.eachLayer(l => { if (l.feature.properties.a === 6) l.openTooltip(); })")
    tip = page.locator(".leaflet-tooltip:not(.sprx-area-label)").inner_text()
    assert tip.startswith("Camden") and "active scheme" in tip

    # a zero area says so
    page.keyboard.press("Escape")  # closes the card (the focus is on its heading)
    page.wait_for_selector(".leaflet-popup", state="detached")  # (after Leaflet's fade)
    # (the tall card panned the map to fit; a person pans back to the whole of London)
    page.evaluate("sprxMap.map.fitBounds(sprxMap.areas.getBounds(), {animate: false})")
    click_area(page, "E09000004")  # Bexley has none
    assert "no schemes recorded" in page.locator(".leaflet-popup-content").inner_text()

    # search finds schemes and areas
    page.fill(".sprx-search input", "walk")
    results = page.locator(".sprx-found li").all_inner_texts()
    assert results and all("walk" in r.lower() for r in results)

    # the finder's category filter removes and restores markers
    key = page.evaluate("sprxMap.data.categories.filter((c, i) => sprxMap.data.points.scheme.some("
                        "si => sprxMap.data.schemes.colour[si] === i))[0].key")
    keep = sum(1 for s in shown if key in (s.get("categories") or [])
               for loc in s.get("locations") or [] if "lat" in loc or "postcode" in loc)
    box = f"#sprx-f-c-{page.evaluate(f'sprxMap.data.categories.findIndex(c => c.key === {key!r})')}"
    tick(page, box)
    assert page.evaluate("sprxMap.shownPoints()") == keep < n_points
    tick(page, box, on=False)
    assert page.evaluate("sprxMap.shownPoints()") == n_points

    # a place given by postcode alone says its marker is at the postcode's centre
    k = page.evaluate("sprxMap.data.points.approximate.indexOf(1)")
    assert k >= 0
    page.evaluate(f"sprxMap.map.closePopup(); sprxMap.openPoint({k})")
    card = page.locator(".leaflet-popup-content").last.inner_text()
    assert "Map position\napproximate location (postcode centre)" in card

    assert log.console_errors == []
    assert log.blocked == []
    assert log.requests == [london_map.resolve().as_uri()]


def test_hostile_text_is_inert_in_browser(sprx, tmp_path, browser):
    out = tmp_path / "hostile.html"
    title = "<script>window.__pwned='title'</script>"
    result = sprx("map", "build", *HOSTILE, "--offline", "--tiles", "none", "--output", out, "--title", title)
    assert result.exit_code == 0, result.output
    page, log = browser(out)
    # open every tooltip and popup, every scheme card, and search: whatever can render text
    page.evaluate("sprxMap.areas.eachLayer(l => { l.openTooltip(); l.openPopup(); l.closePopup(); })")
    for i in range(page.evaluate("sprxMap.data.points.lat.length")):
        page.evaluate("i => { sprxMap.map.closePopup(); sprxMap.openPoint(i); }", i)
        # a closed popup fades out for 200 ms before it leaves the page
        page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 1"
                               " && document.querySelector('.leaflet-popup-content dl') !== null")
        shown_card = page.locator(".leaflet-popup-content").last.inner_text()
        assert "Where" in shown_card
        if "Hostile & Co" in shown_card:  # hostile-one's place has its own access and hours
            assert "Hearing loop" in shown_card and "Sat 10:00–12:00" in shown_card
    for a in range(3):
        page.evaluate(f"sprxMap.map.closePopup(); sprxMap.openArea({a})")
        page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 1")
        for button in page.locator(".leaflet-popup-content .sprx-list button").all():
            button.dispatch_event("click")  # the popup may sit under a control; what matters is the card
            page.locator(".sprx-back").dispatch_event("click")
    page.evaluate("sprxMap.map.closePopup(); sprxMap.openScheme(0);")  # hostile-one: every new field
    page.wait_for_function("document.querySelector('.leaflet-popup-content dl') !== null")
    card = page.locator(".leaflet-popup-content").last.inner_text()
    for shown in ("Ages 18–65: <i onclick=window.__pwned='eligibility'>adults</i>", "Welsh", "British Sign Language",
                  "Step-free access", "In person; Online",
                  "Mon, Wed 10:00–12:00; Fri 14:00–16:00 · <script>window.__pwned='hours'</script>term time",
                  "Referral form", "refer@example.org", "<a href=javascript:window.__pwned='refer'>click</a>"):
        assert shown in card, (shown, card)
    page.evaluate("sprxMap.openScheme(0); sprxMap.openScheme(1);")
    page.locator(".leaflet-control-layers").hover()
    page.fill(".sprx-search input", "<img")
    page.fill(".sprx-search input", "{{7")
    # (what the search wrote is in the page as soon as it answers: no element of the registry's making, no
    # handler to run later)
    assert page.locator(".sprx-found li").count() > 0
    assert page.evaluate("document.querySelectorAll('[onerror], [onload], [onclick]').length") == 0
    assert page.evaluate("window.__pwned") is None
    assert log.dialogs == []
    body = page.inner_text("body")
    assert "<img src=x onerror=\"window.__pwned='name'\">Hostile & Co" in page.content() or \
        "Hostile &amp; Co" in page.content()
    assert "<script>window.__pwned='title'</script>" in body  # the title shows as text
    assert "{{7*7}} {% raw %} ${7*7}" in body
    # links: only the http(s), mailto and tel forms, nothing else
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert all(h.startswith(("#", "https://", "http://", "mailto:", "tel:")) for h in hrefs), hrefs
    assert not any(h.lower().startswith("javascript:") for h in hrefs)
    assert log.blocked == [] and log.requests == [out.resolve().as_uri()]


def test_areas_are_drawn_before_the_schemes_are_read(london_map, browser):
    """The areas and the legend come from the page's first block and are painted before the rest of
    the data is read (a national registry's takes seconds); then everything else arrives."""
    page, log = browser(london_map)
    page.wait_for_function("window.sprxTimings && window.sprxTimings.markersLoaded", timeout=30_000)
    t = page.evaluate("window.sprxTimings")
    assert t["init"] <= t["areasDrawn"] <= t["areasPainted"] <= t["dataParsed"] <= t["built"] <= t["markersLoaded"]
    assert page.evaluate("sprxMap.data.schemes.id.length") > 0
    assert page.evaluate("document.querySelectorAll('path.sprx-area').length") == 33
    assert not log.console_errors


@pytest.mark.parametrize("registry", ["london", "hostile"])
def test_no_accessibility_violations(sprx, tmp_path, browser, registry):
    """axe-core (from the axe-playwright-python package) finds nothing on the map with a card open,
    nor on a published site's index page."""
    from helpers import axe_violations, registry_args

    out = tmp_path / "map.html"
    assert sprx("map", "build", *registry_args(registry), "--offline", "--tiles", "none", "-o", out).exit_code == 0
    site = tmp_path / "site"
    assert sprx("publish", *registry_args(registry), "--site", site, "--quiet").exit_code == 0
    page, _ = browser(out, wait="window.sprxTimings && window.sprxTimings.markersLoaded")
    page.evaluate("sprxMap.openScheme(0)")
    page.wait_for_selector(".leaflet-popup .sprx-card h2")
    assert axe_violations(page) == []
    page, _ = browser(site / "index.html", wait=None, map_page=False)
    assert axe_violations(page) == []
