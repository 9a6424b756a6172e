"""The map and the site in Welsh and English (issue #27): every word a person reads comes from the
catalogue, a page is built in any language sprx has words for, and `publish` writes one page per
language, each linking to the others (the finder's state kept across)."""

from __future__ import annotations

import ast
import json
import os
import re
from pathlib import Path

import pytest

from helpers import ROOT, axe_violations, page_data, settle, tick, type_keywords
from sprx_cli.core.messages import messages


def bilingual_folder(tmp_path: Path, languages: str = '["cy", "en"]') -> Path:
    """A registry folder of the bundled London registry whose sprx.toml publishes in `languages`."""
    folder = tmp_path / "reg"
    folder.mkdir(parents=True)
    settings = {"schemes": "schemes.yaml", "areas": "data/areas.csv", "boundaries": "data/london-boroughs.geojson",
                "vocabulary": "data/vocabulary.yaml", "postcodes": "data/london-postcodes.csv.gz"}
    lines = [f'{k} = "{ROOT / v}"' for k, v in settings.items()]
    lines += ['title = {cy = "Cynlluniau presgripsiynu cymdeithasol (prawf)", en = "Social prescribing (test)"}',
              'attribution = {cy = "Ffiniau: Hawlfraint y Goron (prawf)", en = "Boundaries: Crown copyright (test)"}',
              'tiles = "none"', f"languages = {languages}"]
    (folder / "sprx.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_no_message_is_said_inside_an_f_string():
    """Before Python 3.12 the extractor cannot see a call inside an f-string: a message said there
    would never reach the catalogue (and a fresh machine's newer Python would find it)."""
    found = []
    for path in (ROOT / "sprx_cli").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                for call in ast.walk(node):
                    if (isinstance(call, ast.Call) and getattr(call.func, "attr", getattr(call.func, "id", None))
                            in ("gettext", "ngettext", "N_") and call.args and isinstance(call.args[0], ast.Constant)):
                        found.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert found == []


def test_the_scripts_words_reach_the_page_translated(sprx, tmp_path):
    """Every message the page's script writes (t, tn in static/*.js) travels in the Welsh page's
    data with its translation; the English page carries none (the script has them)."""
    cy = messages("cy")
    assert len(cy.script) > 100
    out = tmp_path / "cy.html"
    r = sprx("map", "build", "--language", "cy", "--offline", "--tiles", "none", "-o", out, "--quiet")
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    D = page_data(html)
    assert set(D["words"]) == {m if isinstance(m, str) else m[0] for m in cy.script}
    assert D["words"]["Find a scheme"] == "Dod o hyd i gynllun"
    assert D["words"]["{n} scheme here"] == {"zero": "{n} cynllun yma", "one": "{n} cynllun yma",
                                             "two": "{n} gynllun yma", "few": "{n} chynllun yma",
                                             "many": "{n} chynllun yma", "other": "{n} cynllun yma"}
    assert D["language"] == "cy" and D["direction"] == "ltr"
    assert D["calendar"]["months"][11] == "Rhagfyr" and D["calendar"]["pattern"] == "{day} {month} {year}"
    r = sprx(
"map", "build", "--offline", "--tiles", "none", "-o", tmp_path / "en.html", "--quiet")
    assert r.exit_code == 0
    D_en = page_data((tmp_path / "en.html").read_text(encoding="utf-8"))
    assert D_en["words"] == {} and D_en["language"] == "en"


def test_the_welsh_page_says_its_own_words(sprx, tmp_path):
    out = tmp_path / "cy.html"
    assert sprx("map", "build", "--language", "cy", "--offline", "--tiles", "none", "-o", out, "--quiet").exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert '<html lang="cy" dir="ltr">' in html
    header = re.search(r'<header class="sprx-header">(.*?)</header>', html, re.S).group(1)
    assert '<span class="sprx-headline">55 cynllun ar agor nawr mewn 27 o 33 ardal, 3 ar saib</span>' in header
    assert "6 ardal heb gynlluniau wedi&#x27;u cofnodi" in header and "Data ar 29 Hydref 2026" in header
    assert "Neidio heibio&#x27;r map" in html and '<h2 id="sprx-table-title">Cynlluniau fesul ardal</h2>' in html
    assert "Gwnaed gyda sprx." in html and "Made with sprx" not in html
    D = page_data(html)
    assert D["metricLabel"] == "Cynlluniau gweithredol fesul ardal"
    assert D["zero"]["label"] == "dim cynlluniau wedi'u cofnodi"
    assert D["attribution"] == ("Boundaries © Crown copyright 2015 (ONS, OS), OGL v3; places © GeoNames, CC BY 4.0. "
                                # (the keeper's, as written)
                                "Codau post © Hawlfraint y Goron, y Post Brenhinol (ONS NSPL, OGL v3)")  # (sprx's)
    assert "Cymraeg" not in D["languages"] and "Saesneg" in D["languages"]  # languages named in Welsh
    hours = {D["strings"][i] for i in D["schemes"]["hours"] if i >= 0}
    assert any(h.startswith(("Llun", "Maw", "Mer", "Iau", "Gwen", "Sad", "Sul")) for h in hours), hours


def test_a_title_without_welsh_is_warned_and_the_default_title_is_said_in_welsh(sprx, tmp_path, monkeypatch):
    """Title, H1 and print heading stayed English on the Welsh pages (#38 item 10)."""
    from helpers import ROOT, page_data, registry_files

    folder = tmp_path / "site"
    folder.mkdir()
    paths = "".join(f'{k[2:]} = "{ROOT / v}"\n' for k, v in registry_files("london").items())
    (folder / "sprx.toml").write_text(paths + (ROOT / "tests/fixtures/settings/untranslated-title/sprx.toml")
                                      .read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(folder)
    r = sprx("validate")
    assert r.exit_code == 0
    assert ("sprx.toml: warning [untranslated-title] the title has no cy text, so the cy pages' title, heading and "
            "print heading stay as given (fix: give one per language: title = {cy = \"...\", en = \"...\"})"
            ) in r.stdout
    # without a title, sprx's own is said in each page's language
    (folder / "sprx.toml").write_text(paths + 'languages = ["cy", "en"]\n', encoding="utf-8")
    assert "untranslated-title" not in sprx("validate").stdout
    assert sprx("map", "build", "--tiles", "none", "-o", "cy.html").exit_code == 0
    assert page_data((folder / "cy.html").read_text(encoding="utf-8"))["title"] == \
        "Cynlluniau presgripsiynu cymdeithasol"


def test_a_language_sprx_has_no_words_for_is_a_usage_error(sprx, tmp_path, monkeypatch):
    r = sprx("map", "build", "--language", "xx", "-o", tmp_path / "x.html")
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert r.output.startswith("Usage error: --language: sprx has no words for the language 'xx'; the languages it "
                               "has: en, cy")
    folder = bilingual_folder(tmp_path, '["cy", "xx"]')
    monkeypatch.chdir(folder)
    r = sprx("publish", "--site", tmp_path / "site")
    assert r.exit_code == 2 and "Usage error: sprx.toml: sprx has no words for the language 'xx'" in r.output
    monkeypatch.chdir(bilingual_folder(tmp_path / "a", '"cy, en"'))
    r = sprx("map", "build", "-o", tmp_path / "x.html")
    assert r.exit_code == 2 and "sprx has no words for the language 'cy, en'" in r.output
    monkeypatch.chdir(bilingual_folder(tmp_path / "b", "[]"))
    r = sprx("map", "build", "-o", tmp_path / "x.html")
    assert r.exit_code == 2
    assert 'languages must be a list of text (e.g. languages = ["cy", "en"]), not an empty list' in r.output
    folder = bilingual_folder(tmp_path / "c")
    toml = (folder / "sprx.toml").read_text(encoding="utf-8")
    (folder / "sprx.toml").write_text(re.sub(r"^title = .*$", "title = {cy = 3}", toml, flags=re.M), encoding="utf-8")
    monkeypatch.chdir(folder)
    r = sprx("map", "build", "-o", tmp_path / "x.html")
    assert r.exit_code == 2 and "sprx.toml: title must be text, or a table of text per language" in r.output


def test_the_languages_setting_chooses_the_pages_language(sprx, tmp_path, monkeypatch):
    folder = bilingual_folder(tmp_path)
    monkeypatch.chdir(folder)
    r = sprx("map", "build", "--offline", "--tiles", "none", "-o", "cy.html", "--quiet")
    assert r.exit_code == 0, r.output
    assert '<html lang="cy" dir="ltr">' in (folder / "cy.html").read_text(encoding="utf-8")
    r = sprx("map", "build", "--language", "en", "--offline", "--tiles", "none", "-o", "en.html", "--quiet")
    english = (folder / "en.html").read_text(encoding="utf-8")
    assert '<html lang="en" dir="ltr">' in english and "<h1>Social prescribing (test)</h1>" in english
    assert "<h1>Cynlluniau presgripsiynu cymdeithasol (prawf)</h1>" in (folder / "cy.html").read_text(encoding="utf-8")


def test_publish_writes_a_page_per_language_each_linking_to_the_others(sprx, tmp_path, monkeypatch):
    folder = bilingual_folder(tmp_path)
    monkeypatch.chdir(folder)
    site = tmp_path / "site"
    r = sprx("publish", "--site", site, "--quiet")
    assert r.exit_code == 0, r.output
    for page in ("index.html", "map.html", "map.png", "en/index.html", "en/map.html", "en/map.png"):
        assert (site / page).is_file(), page
    assert not (site / "en" / "counts.csv").exists()  # the data files are the site's, once
    top, en = (site / "index.html").read_text(encoding="utf-8"), (site / "en/index.html").read_text(encoding="utf-8")
    assert top.startswith('<!DOCTYPE html>\n<html lang="cy" dir="ltr">') and '<html lang="en" dir="ltr">' in en
    assert "<h1>Cynlluniau presgripsiynu cymdeithasol (prawf)</h1>" in top
    assert "<h1>Social prescribing (test)</h1>" in en
    for page, here in ((top, ""), (en, "../")):
        assert (f'<link rel="alternate" hreflang="cy" href="{here}index.html">'
                f'<link rel="alternate" hreflang="en" href="{here}en/index.html">') in page
    assert '<a class="sprx-language" href="en/index.html" hreflang="en" lang="en">English</a>' in top
    assert '<a class="sprx-language" href="../index.html" hreflang="cy" lang="cy">Cymraeg</a>' in en
    assert '<h2>Lawrlwythiadau</h2>' in top and '<a href="counts.csv">Cyfrifon fesul ardal (CSV)</a>' in top
    assert '<a href="../counts.csv">Counts per area (CSV)</a>' in en and '<a href="map.html">Interactive map</a>' in en
    assert "Dyma gyhoeddiad cyntaf y wefan hon." in top
    # the keeper's attribution in each language, and sprx's own credits (postcodes: ONS) in Welsh
    assert "<footer><p>Ffiniau: Hawlfraint y Goron (prawf)" in top
    assert "<footer><p>Boundaries: Crown copyright (test)" in en
    assert "Canol codau post: yn cynnwys data OS © Hawlfraint y Goron" in top and "Postcode centres: contains OS" in en
    maps = {p: (site / p).read_text(encoding="utf-8") for p in ("map.html", "en/map.html")}
    assert '<a class="sprx-language" href="en/map.html" hreflang="en" lang="en">English</a>' in maps["map.html"]
    assert '<link rel="alternate" hreflang="en" href="../en/map.html">' in maps["en/map.html"]
    assert "<title>Social prescribing (test)</title>" in maps["en/map.html"]
    assert "<title>Cynlluniau presgripsiynu cymdeithasol (prawf)</title>" in maps["map.html"]
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    listed = {f.get("path") or f["group"]: f for f in manifest["files"]}  # (a folder's files: one group)
    assert {"index.html", "map.html", "map.png", "en/", "en/schemes/", "schemes/"} <= set(listed)
    assert listed["en/"]["files"] == len([p for p in (site / "en").iterdir() if p.is_file()]) >= 3
    assert manifest["options"]["languages"] == ["cy", "en"]
    from sprx_cli.site.versions import verify_site

    assert verify_site(site) == []

    r = sprx("publish", "--site", site, "--if-changed", "--quiet")
    assert r.exit_code == 0 and (site / "en/map.html").is_file()


def test_a_site_in_english_alone_is_as_it_was(sprx, tmp_path):
    site = tmp_path / "site"
    assert sprx("publish", "--site", site, "--quiet").exit_code == 0
    top = (site / "index.html").read_text(encoding="utf-8")
    assert top.startswith('<!DOCTYPE html>\n<html lang="en" dir="ltr">')
    assert "hreflang" not in top and "sprx-language" not in top and not (site / "en").exists()
    assert "languages" not in json.loads((site / "manifest.json").read_text(encoding="utf-8"))["options"]


# --- in a browser ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def welsh_site(tmp_path_factory):
    from typer.testing import CliRunner

    from sprx_cli.cli import app

    tmp = tmp_path_factory.mktemp("cy")
    folder = bilingual_folder(tmp)
    here = os.getcwd()
    os.chdir(folder)
    try:
        r = CliRunner().invoke(app, ["publish", "--site", str(tmp / "site"), "--quiet"])
    finally:
        os.chdir(here)
    assert r.exit_code == 0, r.output
    return tmp / "site"


def test_the_welsh_finder_card_and_print_sheet(browser, welsh_site):
    page, log = browser(welsh_site / "map.html")
    assert page.inner_text("#sprx-finder h2") == "Dod o hyd i gynllun"
    count = page.inner_text("#sprx-count")
    assert re.fullmatch(r"\d+ c?h?g?ynllun \(\d+ ar agor nawr, \d+ ar saib\)", count), count
    page.fill("#sprx-postcode", "SE1 7PB")
    page.click(".sprx-where button[type=submit]")
    assert page.inner_text("#sprx-where-status").startswith("Wedi'u trefnu yn ôl pellter o SE1 7PB")
    assert re.search(r"\n\d+(\.\d)? milltir i ffwrdd", page.inner_text("#sprx-results"))
    first = page.locator("#sprx-results li").first
    first.locator(".sprx-result-name").click()
    card = page.locator(".sprx-card").first.inner_text()
    assert "Gwiriwyd ddiwethaf" in card and "Ychwanegu at y rhestr fer" in card  # (last checked, in words)
    months = "Ionawr|Chwefror|Mawrth|Ebrill|Mai|Mehefin|Gorffennaf|Awst|Medi|Hydref|Tachwedd|Rhagfyr"
    assert re.search(rf"Gwiriwyd \d+ ({months}) 20\d\d", card)
    # Leaflet's own words too: its zoom, layers and close buttons
    assert page.get_attribute(".leaflet-control-zoom-in", "aria-label") == "Chwyddo i mewn"
    assert page.get_attribute(".leaflet-control-zoom-out", "title") == "Chwyddo allan"
    assert page.get_attribute(".leaflet-control-layers-toggle", "aria-label") == "Haenau"
    assert page.get_attribute(".leaflet-popup-close-button", "aria-label") == "Cau'r naidlen"
    page.locator(".sprx-card .sprx-shortlist-toggle").first.click()
    sheet = page.evaluate("document.getElementById('sprx-print').innerText")
    assert ": rhestr fer" in sheet and "Argraffwyd" in sheet and "file:" not in sheet  # (no public_url: no link)
    months = messages("cy").calendar()["months"]
    assert any(m in sheet for m in months), sheet  # the date of printing, in Welsh
    assert log.console_errors == []


def test_the_switch_to_the_other_language_keeps_the_finders_state(browser, welsh_site):
    page, log = browser(welsh_site / "map.html")
    tick(page, "#sprx-f-c-0")
    type_keywords(page, "walk")
    hash_ = page.evaluate("location.hash")
    assert "c=" in hash_ and "q=walk" in hash_
    link = page.locator("a.sprx-language")
    assert link.inner_text() == "English" and link.get_attribute("href") == "en/map.html" + hash_
    link.click()
    page.wait_for_function("window.sprxMap && sprxMap.finder && location.pathname.endsWith('/en/map.html')")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.is_checked("#sprx-f-c-0") and page.input_value("#sprx-keywords") == "walk"
    assert page.inner_text("#sprx-finder h2") == "Find a scheme"
    back = page.locator("a.sprx-language")
    assert back.inner_text() == "Cymraeg" and back.get_attribute("href").startswith("../map.html#")
    assert log.console_errors == []


@pytest.mark.parametrize("page_name", ["map.html", "index.html"])
def test_no_accessibility_violations_in_welsh(browser, welsh_site, page_name):
    is_map = page_name == "map.html"
    page, log = browser(welsh_site / page_name, wait="window.sprxTimings && window.sprxTimings.markersLoaded"
                        if is_map else None, map_page=is_map)
    if is_map:
        page.evaluate("sprxMap.openScheme(0)")
        page.wait_for_selector(".leaflet-popup .sprx-card h2")
    assert axe_violations(page) == []


# --- a registry in two languages --------------------------------------------------------------------

BILINGUAL = """\
schemes:
  - id: north-walks
    name: North Walks
    categories: [physical-activity, green-nature]
    provider: North Walking Club (example)
    description: Gentle walks in the park.
    how_to_refer: Phone us.
    boroughs: [Northtown]
    website: https://example.org/north
    last_verified: 2026-06-01
    locations:
      - name: Village Hall
        lat: 51.55
        lon: -0.25
        translations: {cy: {name: Neuadd y Pentref}}
    translations:
      cy:
        name: Teithiau Cerdded y Gogledd
        provider: Clwb Cerdded y Gogledd (enghraifft)
        description: Teithiau cerdded ysgafn yn y parc.
        how_to_refer: Ffoniwch ni.
  - id: south-art
    name: South Art Club
    description: Painting for everyone.
    boroughs: [Southvale]
    website: https://example.org/south
    last_verified: 2026-06-01
    translations: {cy: {name: Clwb Celf y De}}
  - id: east-chat
    name: East Chat
    description: "<img src=x onerror=alert(1)> tea and talk"
    boroughs: [Eastmoor]
    website: https://example.org/east
    last_verified: 2026-06-01
    locations:
      - {name: Library, lat: 51.5, lon: -0.1}
    translations:
      pl: {name: "<script>alert(2)</script>Rozmowa"}
      cy: {description: "<svg onload=alert(3)>te a sgwrs {{ 7*7 }}"}
"""


@pytest.fixture
def bilingual(tmp_path):
    from helpers import registry_files

    files = registry_files("mini")
    (tmp_path / "schemes.yaml").write_text(BILINGUAL, encoding="utf-8")
    vocabulary = (ROOT / "data/vocabulary.yaml").read_text(encoding="utf-8")
    welsh = ', label_cy: "Gweithgarwch corfforol"'
    assert welsh in vocabulary
    # one label in English only
    (tmp_path / "vocabulary.yaml").write_text(vocabulary.replace(welsh, ""), encoding="utf-8")
    files |= {"--schemes": str(tmp_path / "schemes.yaml"), "--vocabulary": str(tmp_path / "vocabulary.yaml")}
    return [x for pair in files.items() for x in pair]


def test_a_scheme_in_two_languages_on_the_welsh_page(sprx, tmp_path, bilingual):
    from sprx_cli.registry.fields import TRANSLATED

    r = sprx("validate", *bilingual, "--language", "cy")
    assert r.exit_code == 0, r.output
    warned = [ln for ln in r.output.splitlines() if "[missing-translation]" in ln]
    assert [ln.split("] ")[1].split(",")[0] for ln in warned] == [
        "scheme 'south-art' has no Welsh (cy) description", "scheme 'east-chat' has no Welsh (cy) name"]
    assert sprx("validate", *bilingual).output.count("missing-translation") == 0  # (an English site asks for none)
    out = tmp_path / "cy.html"
    r = sprx("map", "build", *bilingual, "--language", "cy", "--offline", "--tiles", "none", "-o", out)
    assert r.exit_code == 0 and r.output.startswith("Warnings: 2 missing-translation"), r.output
    html = out.read_text(encoding="utf-8")
    D = page_data(html)
    S, SC = D["strings"], D["schemes"]
    names = [S[i] for i in SC["name"]]
    assert names == ["Clwb Celf y De", "East Chat", "Teithiau Cerdded y Gogledd"]  # sorted as the page says them
    bits = {f: 1 << i for i, f in enumerate(TRANSLATED)}
    assert D["translated"] == list(TRANSLATED)
    assert SC["english"] == [bits["description"], bits["name"], 0]
    assert S[SC["description"][2]] == "Teithiau cerdded ysgafn yn y parc."
    assert S[SC["how_to_refer"][2]] == "Ffoniwch ni."
    labels = [c["label"] for c in D["categories"]]
    assert labels[:3] == ["Gwybodaeth a chyngor", "Celfyddydau a chreadigrwydd", "Physical activity"]
    assert D["englishLabels"] == {"categories": [2], "routes": [], "groups": [], "costs": [], "delivery": [],
                                  "accessibility": []}
    assert D["routes"][0] == "Meddyg teulu" and D["costs"][0] == "Am ddim"
    assert [S[i] for i in D["points"]["name"]] == ["Library", "Neuadd y Pentref"] and D["points"]["english"] == [1, 0]
    other = {names[k]: S[i] for k, i in enumerate(SC["other"]) if i >= 0}
    assert other["Teithiau Cerdded y Gogledd"] == ("North Walks Gentle walks in the park. North Walking Club (example) "
                                                   "Village Hall")
    assert "Rozmowa" in other["East Chat"]  # (Polish too, for keywords)
    table = html.split('id="sprx-table"')[1]
    assert re.search(r'<li data-si="\d+">Teithiau Cerdded y Gogledd</li>', table)
    assert re.search(r'<li data-si="\d+"><span lang="en">East Chat</span></li>', table)
    en = page_data(sprx("map", "build", *bilingual, "--offline", "--tiles", "none", "-o", tmp_path / "en.html")
                   and (tmp_path / "en.html").read_text(encoding="utf-8"))
    assert [en["strings"][i] for i in en["schemes"]["name"]] == ["East Chat", "North Walks", "South Art Club"]
    assert en["schemes"]["english"] == [0, 0, 0]
    assert "Teithiau Cerdded y Gogledd" in en["strings"][en["schemes"]["other"][1]]


def test_the_language_filter_says_welsh_in_welsh_in_the_order_of_its_names(sprx, tmp_path, bilingual):
    """The language filter had no Welsh (#38 item 10), and its options were in the order of their codes."""
    schemes = next(bilingual[i + 1] for i, a in enumerate(bilingual) if a == "--schemes")
    text = Path(schemes).read_text(encoding="utf-8")
    welsh = "    translations: {cy: {name: Clwb Celf y De}}"
    Path(schemes).write_text(text.replace(welsh, "    languages: [pl, en, cy, gu]\n" + welsh), encoding="utf-8")
    said = {}
    for lang in ("cy", "en"):
        out = tmp_path / f"{lang}.html"
        r = sprx("map", "build", *bilingual, "--language", lang, "--tiles", "none", "-o", out, "--quiet")
        assert r.exit_code == 0
        D = page_data(out.read_text(encoding="utf-8"))
        said[lang] = list(zip(D["keys"]["languages"], D["languages"]))
    assert said["cy"] == [("cy", "Cymraeg"), ("gu", "Gwjarati"), ("pl", "Pwyleg"), ("en", "Saesneg")]
    assert said["en"] == [("en", "English"), ("gu", "Gujarati"), ("pl", "Polish"), ("cy", "Welsh")]


def test_the_welsh_page_finds_by_welsh_synonyms_and_leaves_welsh_words_whole(sprx, tmp_path):
    """Synonyms in every language of the site (#38 item 3); the stems' rules are English, so a Welsh page
    leaves the words typed whole ('cerdded' is not cut to 'cerd', which would find 'cerddoriaeth')."""
    pages = {}
    for lang in ("cy", "en"):
        out = tmp_path / f"{lang}.html"
        assert sprx("map", "build", "--language", lang, "--tiles", "none", "-o", out, "--quiet").exit_code == 0
        pages[lang] = page_data(out.read_text(encoding="utf-8"))
    cy, en = pages["cy"], pages["en"]
    assert cy["search"]["stem"] is False and en["search"]["stem"] is True
    keys = [c["key"] for c in cy["categories"]]
    befriending = cy["search"]["texts"]["categories"][keys.index("befriending-self-help")]
    assert "unigrwydd" in befriending and "loneliness" in befriending and "Cyfeillio" in befriending
    assert cy["search"]["texts"] == en["search"]["texts"]  # (a Welsh word finds on the English page too)
    assert cy["search"]["labels"] == ["categories", "groups", "areas"]


def test_areas_have_their_names_in_other_languages(sprx, tmp_path):
    """An area registry's name_cy column: the Welsh page names the areas in Welsh, and a scheme may name
    its area in Welsh."""
    from helpers import registry_args

    areas = tmp_path / "areas.csv"
    areas.write_text("code,name,name_cy,population\nE09000901,Northtown,Gogleddtref,100000\n"
                     "E09000902,Southvale,Dyffryn y De,250000\nE09000903,Eastmoor,,50000\n", encoding="utf-8")
    schemes = tmp_path / "schemes.yaml"
    schemes.write_text("schemes:\n  - {id: a, name: A, boroughs: [Gogleddtref], website: https://example.org/a, "
                       "last_verified: 2026-06-01}\n", encoding="utf-8")
    args = registry_args("mini")
    args[args.index("--areas") + 1], args[args.index("--schemes") + 1] = str(areas), str(schemes)
    out = tmp_path / "cy.html"
    r = sprx("map", "build", *args, "--language", "cy", "--offline", "--tiles", "none", "-o", out, "--quiet")
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    assert page_data(html)["areas"]["name"] == ["Gogleddtref", "Dyffryn y De", "Eastmoor"]
    assert '<th scope="row">Dyffryn y De</th>' in html
    r = sprx("map", "build", *args, "--offline", "--tiles", "none", "-o", tmp_path / "en.html", "--quiet")
    assert page_data((tmp_path / "en.html").read_text(encoding="utf-8"))["areas"]["name"] == [
        "Northtown", "Southvale", "Eastmoor"]


def test_translations_in_a_spreadsheet_and_the_exports(sprx, tmp_path):
    import csv
    import io

    from helpers import registry_args

    sheet = tmp_path / "schemes.csv"
    sheet.write_text("id,name,description,boroughs,website,last_verified,name_cy,description_cy,location_name,lat,lon,"
                     "location_name_cy\nnorth-walks,North Walks,Walks.,Northtown,https://example.org/n,2026-06-01,"
                     "Teithiau Cerdded,Teithiau.,Hall,51.55,-0.25,Neuadd\n", encoding="utf-8")
    args = registry_args("mini")
    args[args.index("--schemes") + 1] = str(sheet)
    r = sprx("validate", *args, "--language", "cy")
    assert r.exit_code == 0 and "missing-translation" not in r.output, r.output
    r = sprx("export", "schemes", *args, "--format", "csv")
    assert r.exit_code == 0, r.output
    row = next(csv.DictReader(io.StringIO(r.stdout)))
    assert ((row["name_cy"], row["description_cy"], row["location_name_cy"])
            == ("Teithiau Cerdded", "Teithiau.", "Neuadd"))
    r = sprx("export", "schemes", *args, "--format", "json")
    scheme = json.loads(r.stdout)["schemes"][0]
    assert scheme["translations"] == {"cy": {"name": "Teithiau Cerdded", "description": "Teithiau."}}
    assert scheme["locations"][0]["translations"] == {"cy": {"name": "Neuadd"}}


def test_the_welsh_page_marks_the_english_and_finds_words_in_both(browser, sprx, tmp_path, bilingual):
    out = tmp_path / "cy.html"
    assert sprx("map", "build", *bilingual, "--language", "cy", "--offline", "--tiles", "none", "-o", out,
                "--quiet").exit_code == 0
    page, log = browser(out)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    titles = page.locator("#sprx-results .sprx-result-name")
    assert titles.all_inner_texts() == ["Clwb Celf y De", "East Chat", "Teithiau Cerdded y Gogledd"]
    assert page.locator('#sprx-results .sprx-result-name span[lang="en"]').all_inner_texts() == ["East Chat"]
    titles.nth(0).click()
    card = page.locator(".sprx-card").first
    assert card.locator("h2").inner_text().startswith("Clwb Celf y De")
    assert card.locator('.sprx-desc span[lang="en"]').inner_text() == "Painting for everyone."
    page.keyboard.press("Escape")
    titles.nth(2).click()
    card = page.locator(".sprx-card", has=page.locator("h2", has_text="Teithiau Cerdded y Gogledd")).first
    assert card.locator(".sprx-desc").inner_text() == "Teithiau cerdded ysgafn yn y parc."
    assert card.locator('[lang="en"]').all_inner_texts() == ["Physical activity"]  # (a label in English only)
    assert "Gwyrdd a natur" in card.inner_text()
    assert page.locator('label[for="sprx-f-c-2"] span[lang="en"]').text_content() == "Physical activity"
    assert "Yn cael ei redeg gan Clwb Cerdded y Gogledd (enghraifft)" in card.inner_text()
    for words, found in (("cerdded", ["Teithiau Cerdded y Gogledd"]), ("walks", ["Teithiau Cerdded y Gogledd"]),
                         ("neuadd", ["Teithiau Cerdded y Gogledd"]), ("rozmowa", ["East Chat"]),
                         ("painting", ["Clwb Celf y De"])):
        type_keywords(page, words)
        assert titles.all_inner_texts() == found, words
    type_keywords(page, "")
    titles.filter(has_text="East Chat").click()  # (its description is markup, shown as text)
    card = page.locator(".sprx-card", has=page.locator("h2", has_text="East Chat")).first
    assert card.locator(".sprx-desc").inner_text() == "<svg onload=alert(3)>te a sgwrs {{ 7*7 }}"
    assert page.locator("img, svg[onload], script:not([src]):not([type])").evaluate_all(
        "els => els.filter(e => /alert/.test(e.outerHTML)).length") == 0
    assert dialogs == [] and log.console_errors == []
    assert axe_violations(page) == []


# --- a right-to-left language ------------------------------------------------------------------------

def test_a_right_to_left_language_lays_out_right_to_left(browser, sprx, tmp_path, monkeypatch):
    """A catalogue for Urdu (here a new, untranslated one, as `scripts/messages.py --new ur` starts
    it) gives a page with dir="rtl": the finder and the text read right to left, the map itself
    stays left to right (Leaflet needs it), nothing overflows, and axe finds nothing."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    import sprx_cli.core.messages as m

    with (ROOT / "sprx_cli/locale/sprx.pot").open("rb") as f:
        template = read_po(f)
    urdu = Catalog(locale="ur", domain="sprx")
    urdu.update(template)
    path = tmp_path / "ur" / "LC_MESSAGES" / "sprx.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as f:
        write_po(f, urdu)
    shipped = m.catalogue_path
    monkeypatch.setattr(m, "catalogue_path", lambda code: path if code == "ur" else shipped(code))
    m.messages.cache_clear()
    try:
        out = tmp_path / "ur.html"
        r = sprx("map", "build", "--language", "ur", "--offline", "--tiles", "none", "-o", out, "--quiet")
        assert r.exit_code == 0, r.output
    finally:
        m.messages.cache_clear()
    html = out.read_text(encoding="utf-8")
    assert '<html lang="ur" dir="rtl">' in html
    page, log = browser(out)
    page.wait_for_function("window.sprxTimings.markersLoaded", timeout=30_000)
    box = lambda sel: page.locator(sel).first.bounding_box()  # noqa: E731
    finder, themap = box("#sprx-finder"), box(".folium-map")
    assert finder["x"] + finder["width"] <= themap["x"] + 1  # the finder on the left: rtl order
    assert page.evaluate("getComputedStyle(document.getElementById('sprx-finder')).direction") == "rtl"
    assert page.evaluate("getComputedStyle(document.querySelector('.folium-map')).direction") == "ltr"
    inside = page.evaluate("""() => { const m = document.querySelector('.folium-map').getBoundingClientRect();
        const dots = [...document.querySelectorAll('.sprx-place, .marker-cluster')];
        return dots.length > 0 && dots.every(d => { const r = d.getBoundingClientRect();
          return r.right <= m.right + 1 && r.left >= m.left - 1; }); }""")
    assert inside
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
    assert log.console_errors == []


# --- open data ------------------------------------------------------------------------------------------

def test_the_open_referral_feed_and_api_carry_the_welsh_beside_the_english(sprx, tmp_path, bilingual):
    """One feed for every language: each object's text in HSDS's own properties (English), and in other
    languages in the documented extension `sprx:translations`; `sprx import oruk` reads it back."""
    import jsonschema

    from hsds_schema import SERVICE

    out = tmp_path / "feed"
    r = sprx("export", "oruk", *bilingual, "--output", out)
    assert r.exit_code == 0, r.output
    services = {s["name"]: s for s in json.loads((out / "services.json").read_text(encoding="utf-8"))["contents"]}
    walks = json.loads((out / "services" / f"{services['North Walks']['id']}.json").read_text(encoding="utf-8"))
    jsonschema.validate(walks, SERVICE)  # (still an HSDS 3.0 UK-profile service)
    assert walks["name"] == "North Walks" and "languages" not in walks  # (the languages it is delivered in: none said)
    assert walks["sprx:translations"] == {"cy": {"name": "Teithiau Cerdded y Gogledd",
                                                 "description": "Teithiau cerdded ysgafn yn y parc.",
                                                 "application_process": "Ffoniwch ni."}}
    assert walks["organization"]["sprx:translations"] == {"cy": {"name": "Clwb Cerdded y Gogledd (enghraifft)"}}
    location = walks["service_at_locations"][0]["location"]
    assert location["sprx:translations"] == {"cy": {"name": "Neuadd y Pentref"}}
    assert "sprx:translations" not in json.loads(
        (out / "services" / f"{services['South Art Club']['id']}.json").read_text(encoding="utf-8")).get(
        "organization", {})
    registry = tmp_path / "back.yaml"
    others = [x for k, x in enumerate(bilingual) if bilingual[k - 1] != "--schemes" and x != "--schemes"]
    r = sprx("import", "oruk", str(out), *others, "--output", registry)
    assert r.exit_code == 0, r.output
    import yaml

    back = {s["id"]: s for s in yaml.safe_load(registry.read_text(encoding="utf-8"))["schemes"]}
    assert back["north-walks"]["translations"] == {"cy": {
        "name": "Teithiau Cerdded y Gogledd", "provider": "Clwb Cerdded y Gogledd (enghraifft)",
        "description": "Teithiau cerdded ysgafn yn y parc.", "how_to_refer": "Ffoniwch ni."}}
    assert back["north-walks"]["locations"][0]["translations"] == {"cy": {"name": "Neuadd y Pentref"}}
    assert back["east-chat"]["translations"] == {"cy": {"description": "<svg onload=alert(3)>te a sgwrs {{ 7*7 }}"},
                                                 "pl": {"name": "<script>alert(2)</script>Rozmowa"}}


def test_the_api_finds_a_scheme_by_its_welsh_words(sprx, tmp_path, bilingual):
    from sprx_cli.interchange.oruk_api import Store

    site = tmp_path / "site"
    assert sprx("publish", *bilingual, "--site", site, "--tiles", "none", "--quiet").exit_code == 0
    from sprx_cli.site.versions import live_version, store_of

    store = Store(store_of(live_version(site), "api.sqlite"), live_version(site) / "oruk")
    try:
        for words, names in (("cerdded", ["North Walks"]), ("walks", ["North Walks"]), ("neuadd", ["North Walks"]),
                             ("rozmowa", ["East Chat"])):
            page = json.loads(store.services({"search": words}))
            assert [s["name"] for s in page["contents"]] == names, words
        walks = json.loads(store.services({"search": "cerdded"}))["contents"][0]
        assert walks["sprx:translations"]["cy"]["name"] == "Teithiau Cerdded y Gogledd"
    finally:
        store.close()


def test_the_png_in_welsh(sprx, tmp_path):
    """`map image --language cy` draws the legend, headline and date in Welsh (the same drawing, other words)."""
    from PIL import Image

    for code in ("en", "cy"):
        r = sprx("map", "image", "--language", code, "-o", tmp_path / f"{code}.png", "--quiet")
        assert r.exit_code == 0, r.output
        assert Image.open(tmp_path / f"{code}.png").size == Image.open(tmp_path / "en.png").size
    assert (tmp_path / "cy.png").read_bytes() != (tmp_path / "en.png").read_bytes()


# --- from the spreadsheets keepers have --------------------------------------------------------------

def test_import_table_reads_columns_in_welsh_and_other_languages(sprx, tmp_path, monkeypatch):
    """A Welsh CVC's sheet: 'Enw', 'Description (Welsh)', 'Venue (Welsh)', 'Polish description' become
    translations; 'Area (LA)' stays the area (a code in brackets is no language unless it names one);
    the import merges, and re-importing changes nothing."""
    import yaml

    from sprx_cli.interchange.headers import translation_meaning

    assert [translation_meaning(h) for h in ("Name (Welsh)", "Welsh name", "Description in Welsh", "name_cy",
                                             "Name [cy]", "Enw", "Venue name (Welsh)", "Service name - Cymraeg")] == [
        ("name", "cy"), ("name", "cy"), ("description", "cy"), ("name", "cy"), ("name", "cy"), ("name", "cy"),
        ("location_name", "cy"), ("name", "cy")]
    plain = ("Area (LA)", "Name (English)", "Name", "Tel (no)", "Age range")
    assert [translation_meaning(h) for h in plain] == [None] * 5
    folder = tmp_path / "reg"
    r = sprx("init", folder, "--boundaries", ROOT / "data/london-boroughs.geojson", "--postcodes",
             ROOT / "data/london-postcodes.csv.gz")
    assert r.exit_code == 0, r.output
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Name,Enw,Description,Description (Welsh),Polish description,Postcode,Area (LA),Venue,"
                     "Venue (Welsh)\nLambeth Walks,Teithiau Cerdded Lambeth,Walks.,Teithiau.,Spacery.,SE1 7PB,Lambeth,"
                     "Hall,Neuadd\n", encoding="utf-8")
    monkeypatch.chdir(folder)
    r = sprx("import", "table", sheet)
    assert r.exit_code == 0, r.output
    assert ("'Enw' -> name_cy, 'Description' -> description, 'Description (Welsh)' -> description_cy, "
            "'Polish description' -> description_pl, 'Postcode' -> postcode, 'Area (LA)' -> boroughs") in r.output
    scheme = yaml.safe_load((folder / "schemes.yaml").read_text(encoding="utf-8"))["schemes"][0]
    assert scheme["translations"] == {"cy": {"name": "Teithiau Cerdded Lambeth", "description": "Teithiau."},
                                      "pl": {"description": "Spacery."}}
    assert scheme["locations"][0]["translations"] == {"cy": {"name": "Neuadd"}}
    assert sprx("validate", "--language", "cy").exit_code == 0
    assert "0 added, 0 updated, 1 unchanged, 0 held back" in sprx("import", "table", sheet).output


def test_the_welsh_page_on_a_phone(browser, welsh_site):
    """Welsh words are longer: at 390×844 nothing runs off the side, the finder is below the map, and
    axe-core finds nothing with a filter chosen."""
    page, log = browser(welsh_site / "map.html", width=390, height=844)
    settle(page)
    themap, finder = page.locator(".folium-map").bounding_box(), page.locator("#sprx-finder").bounding_box()
    assert finder["y"] >= themap["y"] + themap["height"] - 1
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    page.click(".sprx-filters summary")
    tick(page, "#sprx-f-free-0")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    assert axe_violations(page) == [] and log.console_errors == []
