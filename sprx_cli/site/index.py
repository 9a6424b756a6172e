"""The site's front page: the map's headline, the downloads, the changes and the table of areas."""

from __future__ import annotations

import html
from importlib import resources

from .. import __version__
from ..core.messages import Messages, messages
from ..render.html import page_header, table_html
from .changes import changes_html

FEED = "oruk"  # the Open Referral UK feed's folder in the site


def _style() -> str:
    """index.css as the page carries it: its rules on one line, the comment left out."""
    text = (resources.files("sprx_cli.site") / "index.css").read_text(encoding="utf-8")
    return "".join(line for line in text.splitlines() if not line.startswith("/*"))


def index_html(title: str, data: dict, counts, newest, changes: dict, attribution: str,
               words: Messages | None = None, up: str = "", alternates: tuple[tuple[str, str], ...] = ()) -> str:
    """The site's front page: the map's header, the downloads, the changes and the table, in `words`'
    language. `up`: the way from this page to the site's top ('' or '../'), where the data files are;
    `alternates`: (language, address) of the front page in each language."""
    from ..render.mappage import alternate_links, language_switch

    e, m = html.escape, words or messages()
    links = [("map.html", m.gettext("Interactive map")), ("map.png", m.gettext("Map as an image (PNG)")),
             (up + "counts.csv", m.gettext("Counts per area (CSV)")),
             (up + "counts.xlsx", m.gettext("Counts per area (Excel)")),
             (up + "counts.json", m.gettext("Counts per area (JSON)")),
             (up + "schemes.csv", m.gettext("Active schemes (CSV)")),
             (up + "schemes.geojson", m.gettext("Active scheme locations (GeoJSON, for QGIS)")),
             (up + "schemes.json", m.gettext("All schemes, every status (JSON)")),
             (up + "areas.geojson", m.gettext("Areas with counts (GeoJSON)")),
             (f"{up}{FEED}/services.json",
              m.gettext("Open Referral UK feed (HSDS 3.0): services, for other directories")),
             (up + "changes.json", m.gettext("Changes since the previous publication (JSON)")),
             (up + "changes.atom", m.gettext("Changes, as a feed to subscribe to (Atom)")),
             (up + "manifest.json", m.gettext("Manifest: versions and checksums (JSON)"))]
    items = "".join(f'<li><a href="{href}">{e(text)}</a></li>' for href, text in links)
    switch = language_switch(m.language, alternates)
    changes_word, downloads, language = e(m.gettext("Changes")), e(m.gettext("Downloads")), e(m.gettext("Language"))
    made_with = e(m.gettext("Made with sprx {version}.").format(version=__version__))
    return (
        f"<!DOCTYPE html>\n<html lang=\"{m.language}\" dir=\"{m.direction}\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title>"
        f'<link rel="alternate" type="application/atom+xml" href="{up}changes.atom" title="{changes_word}">'
        + alternate_links(alternates)
        + f"<style>{_style()}</style></head><body>"
        f"<header>{page_header(title, counts, newest, m)}"
        + (f'<nav aria-label="{language}">{switch.strip()}</nav>' if switch else "")
        + "</header>"
        f"<main><nav><h2>{downloads}</h2><ul>{items}</ul></nav>"
        f'<section id="changes"><h2>{changes_word}</h2>{changes_html(changes, m)}</section>'
        f"{table_html(data, counts, m)}</main>"
        f"<footer><p>{e(attribution.rstrip('.'))}. "
        f"{made_with}</p></footer></body></html>\n")

