"""The fixtures: every test runs at the repository root as on TODAY; `sprx` runs the command line in
process; `load` validates a fixture registry; `browser` opens a page in the run's one Chromium.
Shared names and helpers are in helpers.py."""

from __future__ import annotations

import os
from contextlib import ExitStack
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import MAP_READY, ROOT, TODAY, sources


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("SPRX_TODAY", TODAY)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


@pytest.fixture(autouse=True, scope="session")
def _command_made_once():
    """typer makes the click command anew at every CliRunner.invoke (26 ms, a thousand times a run):
    here it is made once per app (where this typer has that step to patch)."""
    import typer.testing

    make = getattr(typer.testing, "_get_command", None)
    if make is None:  # pragma: no cover - depends on typer's release
        yield
        return
    made: dict[int, tuple[object, object]] = {}  # id -> (the app, kept so that its id stays its own; its command)

    def once(app):
        if id(app) not in made:
            made[id(app)] = (app, make(app))
        return made[id(app)][1]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(typer.testing, "_get_command", once)
        yield


@pytest.fixture
def sprx():
    """Invoke `sprx ARGS...` in-process; returns click's Result (stdout, stderr, exit_code)."""
    from sprx_cli.cli import app

    runner = CliRunner()

    def run(*args: str, **kwargs):
        return runner.invoke(app, [str(a) for a in args], **kwargs)

    return run


@pytest.fixture
def load(monkeypatch):
    """load(name) -> (report, registry) of a fixture registry, validated as on TODAY."""
    from sprx_cli.registry.validate import validate

    monkeypatch.chdir(ROOT)

    def run(name: str, **kwargs):
        return validate(sources(name), **kwargs)

    return run


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the whole run; each page opens in a context of its own. Skipped where
    there is none, failed instead under SPRX_BROWSER_TESTS=1 (as .ci/run sets).

    (Between its calls Playwright's sync API leaves its event loop marked as running in this thread:
    a test that runs an event loop of its own must run it in another thread.)"""
    from sprx_cli.dev.browser import BrowserUnavailable, Chromium

    try:
        browser = Chromium()
    except BrowserUnavailable as exc:  # pragma: no cover - depends on the machine
        if os.environ.get("SPRX_BROWSER_TESTS") == "1":
            pytest.fail(f"browser tests required but {exc}")
        pytest.skip(str(exc))
    yield browser
    browser.close()


@pytest.fixture
def browser(chromium):
    """browser(page, wait=MAP_READY, width=, height=, map_page=) -> (page, log): a page (a Path or an
    address) in the run's Chromium, once `wait` holds (None: once loaded); closed when the test ends."""
    with ExitStack() as opened:
        def open_page(path, wait: str | None = MAP_READY, **kwargs):
            page, log = opened.enter_context(chromium.page(path.resolve().as_uri() if isinstance(path, Path)
                                                           else path, **kwargs))
            if wait:
                page.wait_for_function(wait)
            return page, log

        yield open_page


def pytest_collection_modifyitems(items):
    """Tests that drive Chromium are marked `browser` (`-m "not browser"` runs the rest)."""
    for item in items:
        if "chromium" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
