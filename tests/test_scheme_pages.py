"""A page of its own for every scheme in the published site, in each language, with schema.org JSON-LD;
sitemap.xml and robots.txt for search engines (#38 item 7)."""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

from helpers import HOSTILE, ROOT, axe_violations, read_yaml
from test_languages import bilingual_folder

URL = "https://example.org/directory"


def _publish(folder, site, *args: str) -> None:
    from sprx_cli.cli import app

    here = os.getcwd()
    os.chdir(folder)
    try:
        r = CliRunner().invoke(app, ["publish", "--site", str(site), "--quiet", *args])
    finally:
        os.chdir(here)
    assert r.exit_code == 0, r.output


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The bundled London registry published in English and Welsh at URL."""
    tmp = tmp_path_factory.mktemp("pages")
    folder = bilingual_folder(tmp, '["en", "cy"]')
    with open(folder / "sprx.toml", "a", encoding="utf-8") as f:
        f.write(f'public_url = "{URL}"\nfeedback_email = "map@example.org"\n')
    _publish(folder, tmp / "site")
    return tmp / "site"


def _json_ld(page: str) -> dict:
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert block, "no JSON-LD"
    return json.loads(block.group(1))


def test_every_scheme_has_a_page_in_every_language(site):
    schemes = read_yaml(ROOT / "schemes.yaml")["schemes"]
    ids = sorted(s["id"] for s in schemes)
    for folder in (site / "schemes", site / "cy" / "schemes"):
        assert sorted(p.stem for p in folder.iterdir()) == ids
    s = next(s for s in schemes if s.get("status", "active") == "active" and s.get("phone") and s.get("locations"))
    en = (site / "schemes" / f"{s['id']}.html").read_text(encoding="utf-8")
    cy = (site / "cy" / "schemes" / f"{s['id']}.html").read_text(encoding="utf-8")
    assert f"<h1>{s['name']}</h1>" in en.replace("&#x27;", "'").replace("&amp;", "&")
    assert '<html lang="en"' in en and '<html lang="cy"' in cy
    assert "<dt>Last checked</dt>" in en and "<dt>Gwiriwyd ddiwethaf</dt>" in cy
    digits = re.sub(r"[^0-9+]", "", s["phone"])
    assert f'href="tel:{digits}"' in en  # (tap to call)
    assert '<a href="../map.html">' in en and '<a href="../map.html">' in cy
    assert f'<link rel="canonical" href="{URL}/schemes/{s["id"]}.html">' in en
    assert f'hreflang="cy" href="../cy/schemes/{s["id"]}.html"' in en
    assert f'hreflang="en" href="../../schemes/{s["id"]}.html"' in cy
    doc = _json_ld(en)
    assert doc["@context"] == "https://schema.org" and doc["@type"] == "Service"
    assert doc["name"] == s["name"] and doc["identifier"] == s["id"] and doc["url"].endswith(f"/{s['id']}.html")
    assert doc["availableChannel"]["servicePhone"]["telephone"] == s["phone"]
    assert doc["areaServed"] and all(a["@type"] == "AdministrativeArea" for a in doc["areaServed"])
    assert "noindex" not in en


def test_a_closed_schemes_page_says_it_has_closed(site):
    closed = [s for s in read_yaml(ROOT / "schemes.yaml")["schemes"] if s.get("status") == "closed"]
    assert closed
    for s in closed:
        page = (site / "schemes" / f"{s['id']}.html").read_text(encoding="utf-8")
        assert '<p class="sprx-closed" role="status">This scheme has closed.</p>' in page
        assert '<meta name="robots" content="noindex">' in page
        cy = (site / "cy" / "schemes" / f"{s['id']}.html").read_text(encoding="utf-8")
        assert "Mae’r cynllun hwn wedi cau." in cy


def test_the_sitemap_lists_every_page_and_its_languages_and_robots_names_it(site):
    schemes = read_yaml(ROOT / "schemes.yaml")["schemes"]
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.fromstring((site / "sitemap.xml").read_bytes())
    locs = [u.find("s:loc", ns).text for u in root.findall("s:url", ns)]
    open_ids = [s["id"] for s in schemes if s.get("status", "active") != "closed"]
    expected = {f"{URL}/{up}{name}" for up in ("", "cy/")
                for name in ["index.html", "map.html"] + [f"schemes/{i}.html" for i in open_ids]}
    assert set(locs) == expected and len(locs) == len(expected)
    first = root.find("s:url", ns)
    assert [(x.get("hreflang"), x.get("href")) for x in first.findall("x:link", ns)] == [
        ("en", f"{URL}/index.html"), ("cy", f"{URL}/cy/index.html")]
    assert (site / "robots.txt").read_text() == f"User-agent: *\nAllow: /\nSitemap: {URL}/sitemap.xml\n"


def test_without_a_public_url_no_sitemap_and_robots_says_nothing_of_one(tmp_path):
    folder = bilingual_folder(tmp_path, '["en"]')
    _publish(folder, tmp_path / "site")
    assert not (tmp_path / "site" / "sitemap.xml").exists()
    assert (tmp_path / "site" / "robots.txt").read_text() == "User-agent: *\nAllow: /\n"
    assert (tmp_path / "site" / "schemes").is_dir()


def test_hostile_text_on_a_scheme_page_stays_text(tmp_path, sprx):
    r = sprx("publish", *HOSTILE, "--site", tmp_path / "site", "--quiet")
    assert r.exit_code == 0, r.output
    pages = list((tmp_path / "site" / "schemes").iterdir())
    assert pages
    for p in pages:
        page = p.read_text(encoding="utf-8")
        body = page.split("</head>", 1)[1]
        assert "<script" not in body and "onerror=" not in body.replace("onerror=&quot;", "")
        assert not re.search(r"<(img|svg|iframe)\b", body)
        _json_ld(page)  # (parses: nothing closed the block early)
        head = page.split("</head>", 1)[0]
        assert head.count("<script") == 1 and "</script" not in _json_ld_raw(page)


def _json_ld_raw(page: str) -> str:
    return re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)


def test_a_scheme_page_is_linked_from_its_result_and_card_and_passes_axe(browser, site):
    page, log = browser(site / "map.html")
    first = page.get_attribute("#sprx-results li[data-scheme-id]", "data-scheme-id")
    link = page.locator(f"#sprx-results li[data-scheme-id='{first}'] .sprx-scheme-page-link")
    assert link.get_attribute("href") == f"schemes/{first}.html"
    page.click(f"#sprx-results li[data-scheme-id='{first}'] .sprx-result-name")
    page.wait_for_function("document.querySelector('.leaflet-popup .sprx-scheme-page-link') !== null")
    assert page.get_attribute(".leaflet-popup .sprx-scheme-page-link", "href") == f"schemes/{first}.html"
    link.click()
    page.wait_for_url(re.compile(rf".*/schemes/{first}\.html$"))
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    assert page.locator("nav").is_hidden()
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 390, "height": 844})
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    cy = site / "cy" / "schemes" / f"{first}.html"
    page.goto(cy.as_uri())
    assert page.get_attribute("html", "lang") == "cy"
    assert axe_violations(page) == [] and log.console_errors == []
