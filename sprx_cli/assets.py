"""Leaflet and Leaflet.markercluster for the map page.

Online, the page links folium's usual CDN copies. Offline, the files come from the installed
PyPI packages XStatic-Leaflet and XStatic-Leaflet-MarkerCluster and are inlined, images included
as data: URIs, so the page requests nothing from anywhere.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path


class AssetsMissing(Exception):
    """An offline build needs a package that is not installed."""


@dataclass(frozen=True)
class Asset:
    kind: str  # "js" | "css"
    url: str | None = None  # online
    text: str | None = None  # offline, inlined


def _cdn() -> list[Asset]:
    import folium
    import folium.plugins

    js = dict(folium.Map.default_js)
    css = dict(folium.Map.default_css)
    mc_js = dict(folium.plugins.MarkerCluster.default_js)
    mc_css = dict(folium.plugins.MarkerCluster.default_css)
    return [Asset("css", css["leaflet_css"]), Asset("css", mc_css["markerclustercss"]),
            Asset("css", mc_css["markerclusterdefaultcss"]), Asset("js", js["leaflet"]),
            Asset("js", mc_js["markerclusterjs"])]


def _package_dir(module: str, pip_name: str) -> Path:
    try:
        mod = __import__(module, fromlist=["BASE_DIR"])
    except ImportError:
        raise AssetsMissing(f"--offline needs the Python package {pip_name}: pip install {pip_name}") from None
    return Path(mod.BASE_DIR)


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


def _offline() -> list[Asset]:
    leaflet = _package_dir("xstatic.pkg.leaflet", "XStatic-Leaflet")
    cluster = _package_dir("xstatic.pkg.leaflet_markercluster", "XStatic-Leaflet-MarkerCluster")
    read = lambda p: p.read_text(encoding="utf-8")  # noqa: E731
    return [
        Asset("css", text=_inline_images(read(leaflet / "leaflet.css"), leaflet)),
        Asset("css", text=read(cluster / "MarkerCluster.css")),
        Asset("css", text=read(cluster / "MarkerCluster.Default.css")),
        Asset("js", text=_script_safe(read(leaflet / "leaflet.js"))),
        Asset("js", text=_script_safe(read(cluster / "leaflet.markercluster.js"))),
    ]


def library_assets(offline: bool) -> list[Asset]:
    return _offline() if offline else _cdn()


def own_assets() -> tuple[str, str]:
    """sprx's own map script and style sheet (part of this package)."""
    static = resources.files("sprx_cli") / "static"
    return (_script_safe((static / "map.js").read_text(encoding="utf-8")),
            (static / "map.css").read_text(encoding="utf-8"))
