"""Headless Chromium for the browser tests, the README screenshot and the benchmark.

Uses Python Playwright to drive the system's Chromium (Debian's `chromium` package); it never
downloads a browser. Every request that is not for a local file is blocked and recorded, so a
page that tries to reach the network is caught.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

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


@contextmanager
def open_page(url: str, width: int = 1200, height: int = 900, map_page: bool = True
              ) -> Iterator[tuple[object, PageLog]]:
    """Open `url` in headless Chromium with the network blocked; yield (page, log) once the map's
    script has started (`map_page`) or the page has loaded."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise BrowserUnavailable("Python Playwright is not installed (pip install playwright)") from None
    exe = chromium_path()
    if exe is None:
        raise BrowserUnavailable("no Chromium found (apt-get install chromium, or set SPRX_CHROMIUM)")
    log = PageLog()
    profile = tempfile.mkdtemp(prefix="sprx-chromium-")
    try:
        with sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                profile, executable_path=exe, headless=True, args=CHROMIUM_ARGS,
                viewport={"width": width, "height": height})
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
                page.on("console", lambda m: m.type == "error" and log.console_errors.append(m.text))
                page.on("pageerror", lambda e: log.console_errors.append(f"pageerror: {e}"))

                def dialog(d):
                    log.dialogs.append(d.message)
                    d.dismiss()

                page.on("dialog", dialog)
                page.goto(url)
                if map_page:
                    page.wait_for_function("window.sprxMap !== undefined", timeout=30_000)
                yield page, log
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
