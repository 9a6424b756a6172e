"""What tests share that is not a fixture: the fixture registries' files, the day the data is judged
on, and reading the map page's data. Tests import these by name (`from helpers import MINI`);
conftest.py holds the fixtures."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path("tests/fixtures")
SCHEMES = "tests/fixtures/schemes/"  # one broken file per problem
CORPUS = "tests/corpus/"  # hostile and broken inputs
TODAY = "2026-11-23"  # the bundled data and fixtures are judged as on this day
ENGLAND = ROOT / "tests/fixtures/england/districts.geojson"  # six districts, EPSG:27700, LAD24CD/LAD24NM


def read_yaml(path):
    """A YAML file as PyYAML reads it (the tests' independent reading of a registry)."""
    import yaml

    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def keyword_labels(path="data/vocabulary.yaml") -> dict[str, dict[str, str]]:
    """What keywords find each category and target group by, read from the vocabulary's YAML itself:
    {list: {key: its labels and synonyms in every language}} (#38 item 3)."""
    doc = read_yaml(path)
    out = {}
    for name in ("categories", "target_groups"):
        out[name] = {t["key"]: " ".join([v for k, v in t.items() if k == "label" or k.startswith("label_")]
                                        + [w for k, v in t.items() if k.startswith("synonyms") for w in v])
                     for t in doc[name]}
    return out


def read_rows(path) -> list[dict[str, str]]:
    """A CSV file's rows by heading, as the csv module reads them."""
    import csv
    import io

    return list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8"), newline="")))


def registry_files(name: str) -> dict[str, str]:
    """A fixture registry's files by option: tests/fixtures/NAME/, with the bundled vocabulary unless
    the folder has its own. 'london' is the bundled registry."""
    if name == "london":
        return {"--schemes": "schemes.yaml", "--areas": "data/areas.csv",
                "--boundaries": "data/london-boroughs.geojson", "--vocabulary": "data/vocabulary.yaml",
                "--postcodes": "data/london-postcodes.csv.gz", "--places": "data/london-places.csv"}
    folder = FIXTURES / name
    vocabulary = folder / "vocabulary.yaml"
    return {"--schemes": str(folder / "schemes.yaml"), "--areas": str(folder / "boroughs.csv"),
            "--boundaries": str(folder / "boundaries.geojson"),
            "--vocabulary": str(vocabulary if vocabulary.exists() else "data/vocabulary.yaml")}


def registry_args(name: str) -> list[str]:
    """The same as command-line arguments."""
    return [x for pair in registry_files(name).items() for x in pair]


MINI = registry_args("mini")  # three areas, a few schemes, populations
COUNTS = registry_args("counts")  # multi-area, paused and closed schemes, a zero area
HOSTILE = registry_args("hostile")  # HTML, script and template text in every field


def sources(name: str):
    """The library's Sources for a fixture registry."""
    from sprx_cli.core.model import Sources

    f = registry_files(name)
    return Sources(f["--schemes"], f["--areas"], f["--boundaries"], f["--vocabulary"], postcodes=f.get("--postcodes"))


def page_data(html: str) -> dict:
    """The map page's data `D`: its first block (the areas) and the rest, gzip+base64 or plain."""
    import base64
    import gzip
    import json
    import re

    first = re.search(r'<script type="application/json" id="sprx-areas">(.*?)</script>', html, re.S)
    m = re.search(r'<script type="application/json" id="sprx-data"( data-encoding="gzip\+base64")?>(.*?)</script>',
                  html, re.S)
    text = m.group(2)
    if m.group(1):
        text = gzip.decompress(base64.b64decode(text)).decode("utf-8")
    return {**json.loads(first.group(1)), **json.loads(text)}


def wait_until(ready, what: str, timeout: float = 30.0) -> None:
    """Wait until `ready()` holds (a state another thread or process changes); fail after `timeout` s."""
    import time

    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what} after {timeout} s")
        time.sleep(0.002)


MAP_READY = "window.sprxMap && sprxMap.finder"  # a map page's finder is ready


def settle(page) -> None:
    """Wait until the page holds still: no animation or transition running (a card fading in or out),
    no card still leaving the page, and nothing on the map moving between two frames (a pan)."""
    page.wait_for_function("""() => new Promise(done => {
        let last = null, still = 0;
        function frame() {
            const running = document.getAnimations().some(a => a.playState === "running")
                || [...document.querySelectorAll(".leaflet-popup")].some(p => getComputedStyle(p).opacity !== "1");
            const at = [...document.querySelectorAll(".leaflet-map-pane, .leaflet-popup")]
                .map(e => { const r = e.getBoundingClientRect(); return r.x + "," + r.y; }).join(";");
            still = !running && at === last ? still + 1 : 0;
            last = at;
            if (still >= 2) done(true); else requestAnimationFrame(frame);
        }
        requestAnimationFrame(frame);
    })""")


def tick(page, selector: str, on: bool = True) -> None:
    """Tick (or untick) a filter's option as a person would: opening the folded group it is in (and
    the folded filters, on a phone) first, by its summary."""
    page.evaluate("""s => {
        const chain = [];
        let d = document.querySelector(s).closest('details');
        for (; d; d = d.parentElement.closest('details')) chain.unshift(d);
        chain.forEach(d => { if (!d.open) d.querySelector(':scope > summary').click(); });
    }""", selector)
    (page.check if on else page.uncheck)(selector)


def open_filters(page) -> None:
    """Unfold the filters and every group of them, as a person reading them all would."""
    page.evaluate("""() => document.querySelectorAll('details.sprx-filters, details.sprx-filter-group').forEach(d => {
        if (!d.open && !d.hidden) d.querySelector(':scope > summary').click(); })""")


def type_keywords(page, words: str) -> None:
    """Type `words` into the finder's Keywords and wait until the finder has caught up with them: the
    list follows each keystroke, the counts, markers and address when the typing pauses (the address
    last)."""
    page.fill("#sprx-keywords", words)
    page.wait_for_function("w => new URLSearchParams(location.hash.slice(1)).get('q') === (w.trim() || null)",
                           arg=words)


def axe_violations(page) -> list:
    """What axe-core (the axe-playwright-python package) finds on the page once it holds still (see
    settle: a card half faded has less contrast than the card): (rule, first target) of each
    violation; [] for none."""
    from axe_playwright_python.sync_playwright import Axe

    settle(page)
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]  # (WCAG 2.2 AA: target size)
    return [(v["id"], v["nodes"][0]["target"])
            for v in Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}}).response["violations"]]
