"""Regenerate docs/map.png, the README's screenshot of the London map.

Builds the map from the bundled registry (offline, no tiles, so the picture does not depend on
a tile server) and photographs it in headless Chromium with the browser tests' tooling.

Usage: python scripts/screenshot.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sprx_cli.dev.browser import open_page  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "london.html"
        subprocess.run([sys.executable, "-m", "sprx_cli", "map", "build", "--offline", "--tiles", "none",
                        "--quiet", "--output", str(page_file)], cwd=ROOT, check=True)
        with open_page(page_file.as_uri(), width=1200, height=860) as (page, log):
            page.evaluate("sprxMap.areas.eachLayer(l => { if (l.feature.properties.a === 6) l.openTooltip(); })")
            page.wait_for_timeout(500)
            out = ROOT / "docs" / "map.png"
            out.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(out))
            if log.console_errors or log.blocked:
                raise SystemExit(f"page problems: {log.console_errors} {log.blocked}")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
