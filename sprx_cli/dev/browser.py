"""Headless Chromium for the browser tests, the README screenshot and the benchmark.

Uses Python Playwright to drive the system's Chromium (Debian's `chromium` package); it never
downloads a browser. Every request that is not for a local file is blocked and recorded, so a
page that tries to reach the network is caught.

`Chromium` is one browser, started once, whose pages each open in a context of their own (their
own storage, permissions and routes, as a new profile would give); `open_page` starts one for a
single page.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Iterator

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-quic"]


class BrowserUnavailable(Exception):
    """Playwright or a Chromium binary is missing."""


def chromium_path() -> str | None:
    """The Chromium binary to drive: SPRX_CHROMIUM, else Debian's."""
    for candidate in (os.environ.get("SPRX_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


@dataclass
class PageLog:
    """What a page did that a test must see: console errors, dialogs, requests."""
    requests: list[str] = field(default_factory=list)  # every URL the page asked for
    blocked: list[str] = field(default_factory=list)  # those that would have left the machine
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)  # alert/confirm/prompt: script ran


class Chromium:
    """A running headless Chromium; `page()` opens a page in a fresh context. Close it with close()
    or use it as a context manager."""

    def __init__(self) -> None:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            raise BrowserUnavailable("Python Playwright is not installed (pip install playwright)") from None
        exe = chromium_path()
        if exe is None:
            raise BrowserUnavailable("no Chromium found (apt-get install chromium, or set SPRX_CHROMIUM)")
        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        except BaseException:
            self._playwright.stop()
            raise

    def close(self) -> None:
        try:
            self._browser.close()
        finally:
            self._playwright.stop()

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def page(self, url: str, width: int = 1200, height: int = 900, map_page: bool = True, today: str | None = None
             ) -> Iterator[tuple[Any, PageLog]]:
        """Open `url` in a new context with the network blocked; yield (page, log) once the map's
        script has started (`map_page`) or the page has loaded. `today` (YYYY-MM-DD): the page's
        clock says that day (its timers run as ever). The context is closed after."""
        log = PageLog()
        context = self._browser.new_context(viewport={"width": width, "height": height})
        try:
            def route(r):
                u = r.request.url
                log.requests.append(u)
                if u.startswith(("file:", "data:", "blob:", "about:")):
                    r.continue_()
                else:
                    log.blocked.append(u)
                    r.abort()

            context.route("**/*", route)
            page = context.new_page()
            def console(m) -> None:
                if m.type == "error":
                    log.console_errors.append(m.text)

            page.on("console", console)
            page.on("pageerror", lambda e: log.console_errors.append(f"pageerror: {e}"))

            def dialog(d):
                log.dialogs.append(d.message)
                d.dismiss()

            page.on("dialog", dialog)
            if today:
                page.clock.set_fixed_time(f"{today}T12:00:00")
            page.goto(url)
            if map_page:
                page.wait_for_function("window.sprxMap !== undefined", timeout=30_000)
            yield page, log
        finally:
            context.close()


@contextmanager
def open_page(url: str, width: int = 1200, height: int = 900, map_page: bool = True
              ) -> Iterator[tuple[Any, PageLog]]:
    """One page in a Chromium of its own (see Chromium.page)."""
    with Chromium() as browser, browser.page(url, width, height, map_page) as opened:
        yield opened
