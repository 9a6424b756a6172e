"""Leaflet for the map page, one version for both kinds of page (sprx clusters its markers itself).

The files come from the installed PyPI package XStatic-Leaflet.
Offline, they are inlined (images as data: URIs), so the page requests nothing from anywhere.
Online, the page links the same versions of the same files on jsDelivr, which serves the npm
releases unchanged, each tag with Subresource Integrity computed from the installed file: a
browser refuses a CDN file that is not byte for byte the one sprx was built with.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..core.errors import SprxError

CDN = "https://cdn.jsdelivr.net/npm"


class AssetsMissing(SprxError):
    """A map needs a package that is not installed."""


@dataclass(frozen=True)
class Asset:
    """One style sheet or script for the page: a CDN link or inlined text."""
    kind: str  # "js" | "css"
    url: str | None = None  # online
    text: str | None = None  # offline, inlined
    integrity: str | None = None  # online: sha384-..., for the integrity attribute


@dataclass(frozen=True)
class _File:
    module: str  # the XStatic package
    pip_name: str
    npm_name: str  # the same release on npm (and so on jsDelivr)
    name: str  # the file, in the package's data folder and in the npm release's dist/
    kind: str
    crlf: bool = False  # the npm release has CRLF line ends where the PyPI package has LF


# In page order: the style sheet, then the script. The line ends were compared with the npm
# release (`npm pack leaflet@1.9.3`, scripts/check_cdn_assets.py).
FILES = (
    _File("xstatic.pkg.leaflet", "XStatic-Leaflet", "leaflet", "leaflet.css", "css"),
    _File("xstatic.pkg.leaflet", "XStatic-Leaflet", "leaflet", "leaflet.js", "js"),
)


def _package(module: str, pip_name: str):
    try:
        return __import__(module, fromlist=["BASE_DIR", "VERSION"])
    except ImportError:
        raise AssetsMissing(f"the map needs the Python package {pip_name}: pip install {pip_name}") from None


def _version(pkg) -> str:
    """The upstream release an XStatic package carries ('1.9.3' of '1.9.3.0')."""
    return str(pkg.VERSION)


def published_bytes(f: _File) -> bytes:
    """The file as the npm release (and so the CDN) has it."""
    pkg = _package(f.module, f.pip_name)
    data = (Path(pkg.BASE_DIR) / f.name).read_bytes()
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n") if f.crlf else data


def cdn_url(f: _File) -> str:
    """The file's address on jsDelivr, at the installed package's version."""
    return f"{CDN}/{f.npm_name}@{_version(_package(f.module, f.pip_name))}/dist/{f.name}"


def integrity(data: bytes) -> str:
    """A Subresource Integrity value (sha384, base64)."""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


_MAPPING_COMMENT = re.compile(r"^\s*//# sourceMappingURL=.*$|/\*# sourceMappingURL=.*?\*/", re.M)


def _script_safe(js: str) -> str:
    return _MAPPING_COMMENT.sub("", js).replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def _inline_images(css: str, base: Path) -> str:
    def repl(m: re.Match) -> str:
        path = base / m.group(1)
        if not path.is_file():
            return m.group(0)
        mime = "image/png" if path.suffix == ".png" else "image/svg+xml"
        return f"url(data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()})"
    return _MAPPING_COMMENT.sub("", re.sub(r"url\(['\"]?(images/[^)'\"]+)['\"]?\)", repl, css))


def _offline(f: _File) -> Asset:
    base = Path(_package(f.module, f.pip_name).BASE_DIR)
    text = (base / f.name).read_text(encoding="utf-8")
    return Asset(f.kind, text=_inline_images(text, base) if f.kind == "css" else _script_safe(text))


def library_assets(offline: bool) -> list[Asset]:
    """Leaflet: inlined, or as CDN links with integrity."""
    if offline:
        return [_offline(f) for f in FILES]
    return [Asset(f.kind, url=cdn_url(f), integrity=integrity(published_bytes(f))) for f in FILES]


# sprx's own script, in modules joined in this order into one function (no bundler: the page is one
# file that works offline). Each module's top-level names are shared with the modules after it.
SCRIPTS = ("util.js", "words.js", "keywords.js", "qrcode.js", "cards.js", "areas.js", "points.js", "search.js",
           "map.js", "finder-filters.js", "finder-list.js", "finder-where.js", "finder-analyst.js", "finder.js")


def own_script() -> str:
    """sprx's own script for the page: its modules joined in SCRIPTS' order inside one function."""
    static = resources.files("sprx_cli.render") / "static"
    modules = [(static / name).read_text(encoding="utf-8") for name in SCRIPTS]
    return "(function () {\n\"use strict\";\n\n" + "\n".join(modules) + "})();\n"


def own_assets() -> tuple[str, str]:
    """sprx's own map script and style sheet (part of this package)."""
    static = resources.files("sprx_cli.render") / "static"
    return _script_safe(own_script()), (static / "map.css").read_text(encoding="utf-8")
