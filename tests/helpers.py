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


def registry_files(name: str) -> dict[str, str]:
    """A fixture registry's files by option: tests/fixtures/NAME/, with the bundled vocabulary unless
    the folder has its own. 'london' is the bundled registry."""
    if name == "london":
        return {"--schemes": "schemes.yaml", "--areas": "data/areas.csv",
                "--boundaries": "data/london-boroughs.geojson", "--vocabulary": "data/vocabulary.yaml",
                "--postcodes": "data/london-postcodes.csv.gz"}
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


def open_map(path, wait: str = "window.sprxMap && sprxMap.finder", **kwargs):
    """(context, page, log) of a page (a Path or an address) in Chromium, once `wait` holds; the test is
    skipped where there is no browser, and fails instead under SPRX_BROWSER_TESTS=1. Close with
    context.__exit__(None, None, None)."""
    import os

    import pytest

    from sprx_cli.dev.browser import BrowserUnavailable, open_page

    try:
        ctx = open_page(path.resolve().as_uri() if isinstance(path, Path) else path, **kwargs)
        page, log = ctx.__enter__()
    except BrowserUnavailable as exc:  # pragma: no cover - depends on the machine
        if os.environ.get("SPRX_BROWSER_TESTS") == "1":
            pytest.fail(f"browser tests required but {exc}")
        pytest.skip(str(exc))
    if wait:
        page.wait_for_function(wait)
    return ctx, page, log


def axe_violations(page) -> list:
    """What axe-core (the axe-playwright-python package) finds on the page: (rule, first target) of
    each violation; [] for none."""
    from axe_playwright_python.sync_playwright import Axe

    return [(v["id"], v["nodes"][0]["target"]) for v in Axe().run(page).response["violations"]]
