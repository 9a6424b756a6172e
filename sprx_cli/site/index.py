"""The site's front page: the map's headline, the downloads, the changes and the table of areas."""

from __future__ import annotations

import html
from importlib import resources

from .. import __version__
from ..render.html import page_header, table_html
from .changes import changes_html

FEED = "oruk"  # the Open Referral UK feed's folder in the site


def _style() -> str:
    """index.css as the page carries it: its rules on one line, the comment left out."""
    text = (resources.files("sprx_cli.site") / "index.css").read_text(encoding="utf-8")
    return "".join(line for line in text.splitlines() if not line.startswith("/*"))


def index_html(title: str, data: dict, counts, newest, changes: dict, attribution: str) -> str:
    """The site's front page: the map's header, the downloads, the changes and the table."""
    e = html.escape
    links = [("map.html", "Interactive map"), ("map.png", "Map as an image (PNG)"),
             ("counts.csv", "Counts per area (CSV)"), ("counts.xlsx", "Counts per area (Excel)"),
             ("counts.json", "Counts per area (JSON)"), ("schemes.csv", "Active schemes (CSV)"),
             ("schemes.geojson", "Active scheme locations (GeoJSON, for QGIS)"),
             ("schemes.json", "All schemes, every status (JSON)"),
             ("areas.geojson", "Areas with counts (GeoJSON)"),
             (f"{FEED}/services.json", "Open Referral UK feed (HSDS 3.0): services, for other directories"),
             ("changes.json", "Changes since the previous publication (JSON)"),
             ("changes.atom", "Changes, as a feed to subscribe to (Atom)"),
             ("manifest.json", "Manifest: versions and checksums (JSON)")]
    items = "".join(f'<li><a href="{href}">{e(text)}</a></li>' for href, text in links)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title>"
        '<link rel="alternate" type="application/atom+xml" href="changes.atom" title="Changes">'
        f"<style>{_style()}</style></head><body>"
        f"<header>{page_header(title, counts, newest)}</header>"
        f"<main><nav><h2>Downloads</h2><ul>{items}</ul></nav>"
        f'<section id="changes"><h2>Changes</h2>{changes_html(changes)}</section>'
        f"{table_html(data, counts)}</main>"
        f"<footer><p>{e(attribution.rstrip('.'))}. Made with sprx {e(__version__)}.</p></footer></body></html>\n")
