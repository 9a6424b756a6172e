"""Check that the CDN links of an online map serve the files sprx hashes (run when upgrading
XStatic-Leaflet; needs npm and the npm registry).

jsDelivr serves npm releases unchanged, so `npm pack` of the same release gives the bytes a
browser will check against the page's integrity attribute.

    python scripts/check_cdn_assets.py
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sprx_cli.render.assets import FILES, cdn_url, integrity, published_bytes  # noqa: E402


def main() -> int:
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for f in FILES:
            spec = cdn_url(f).split("/npm/")[1].split("/dist/")[0]
            tgz = subprocess.run(["npm", "pack", spec, "--silent"], cwd=tmp, check=True, capture_output=True,
                                 text=True).stdout.strip().splitlines()[-1]
            with tarfile.open(Path(tmp) / tgz) as t:
                released = t.extractfile(f"package/dist/{f.name}").read()
            ok = integrity(released) == integrity(published_bytes(f))
            bad += not ok
            print(f"{'ok ' if ok else 'BAD'} {cdn_url(f)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
