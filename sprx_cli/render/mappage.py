"""The HTML map: a folium page whose layers are built in the browser from the page's data.

Schemes become data, not folium objects (one `folium.Marker` per point costs seconds and
megabytes at scale). All registry text travels inside a `<script type="application/json">`
block, encoded so it cannot close the block, and sprx's own script puts it into the page with
`textContent` only. The page is deterministic: element ids are numbered in tree order and
everything is sorted, so two builds of the same input are byte-identical.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from ..aggregate.metrics import metric_credits
from ..core.errors import UsageError
from ..core.messages import Messages, messages
from ..core.model import Registry
from ..core.speed import no_cyclic_gc
from .html import page_header, table_html
from .mapdata import MapOptions, map_data
from .pagedata import FIRST
from .style import ZERO_HATCH


class TilesUnknown(UsageError):
    """A tile provider xyzservices does not know."""

    def __init__(self, message: str):
        super().__init__("tiles", message)


GZIP_ABOVE = 4_000_000  # bytes of JSON; smaller data stays readable (and diffable) in the page


def _data_blocks(data: dict) -> str:
    """The page's data as two blocks: pagedata.FIRST (small, drawn at once), then the rest."""
    first = _script_safe(_json({k: data[k] for k in FIRST}).decode("utf-8"))
    return (f'<script type="application/json" id="sprx-areas">{first}</script>'
            + _data_block({k: v for k, v in data.items() if k not in FIRST}))


def _data_block(value) -> str:
    """The data as a <script type="application/json"> block; gzip + base64 when it is large."""
    raw = _json(value)
    if len(raw) <= GZIP_ABOVE:
        return f'<script type="application/json" id="sprx-data">{_script_safe(raw.decode("utf-8"))}</script>'
    import base64
    import gzip

    # base64 cannot close the block: the large path needs no escaping
    packed = base64.b64encode(gzip.compress(raw, compresslevel=1, mtime=0)).decode("ascii")
    return f'<script type="application/json" id="sprx-data" data-encoding="gzip+base64">{packed}</script>'


def _json(value) -> bytes:
    """Compact UTF-8 JSON (orjson: the page data of a national registry is tens of megabytes)."""
    import orjson

    return orjson.dumps(value)


def _script_safe(text: str) -> str:
    """JSON text that is safe inside <script>: no '<', '>', '&' or line separators left raw."""
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def resolve_tiles(name: str):
    """The xyzservices provider called `name` (case-insensitive), or None for 'none'."""
    if name.lower() == "none":
        return None
    import xyzservices

    try:
        return xyzservices.providers.query_name(name)
    except ValueError:
        import difflib

        flat = sorted(xyzservices.providers.flatten())
        guess = difflib.get_close_matches(name, flat, n=1)
        raise TilesUnknown(f"unknown tile provider {name!r}" + (f"; did you mean {guess[0]!r}?" if guess else
                       "; use a name such as OpenStreetMap.Mapnik or Esri.WorldGrayCanvas, or 'none'")) from None


def _stable_ids(root) -> None:
    """Number branca element ids in tree order (they are random uuids by default)."""
    from collections import OrderedDict

    counter = 0

    def walk(el) -> None:
        nonlocal counter
        children = list(el._children.values())
        for child in children:
            counter += 1
            child._id = f"{counter:04d}"
        el._children = OrderedDict((c.get_name(), c) for c in children)
        for child in children:
            walk(child)

    root._id = "0000"
    walk(root)


def _raw(text: str):
    """A branca element that outputs `text` as it is. branca treats an Element's first argument
    as a Jinja template, so registry text must never be passed that way: '{{ ... }}' in a scheme
    name would be evaluated at build time."""
    import branca.element as be

    el = be.Element("{{ this.text }}")
    el.text = text  # type: ignore[attr-defined]  # (what its template reads)
    return el


def _page_tail_class():
    import branca.element as be

    class PageTail(be.MacroElement):
        """The table, footer and data block, placed after the map's div. Written raw: branca
        re-reads a MacroElement's html output as a Jinja template, which registry text must never be."""

        def __init__(self, page_html: str):
            super().__init__()
            self.page_html = page_html

        def render(self, **kwargs):
            figure = self.get_root()
            figure.html.add_child(_raw(self.page_html), name=self.get_name())
            figure.script.add_child(_raw(f"sprxInit({self._parent.get_name()});"), name=self.get_name())

    return PageTail


def render_map(registry: Registry, opts: MapOptions = MapOptions(),
               step: Callable[[str], None] = lambda name: None, data: tuple | None = None) -> str:
    """Build the map page and return its HTML; `data` is map_data's answer when the caller has it."""
    with no_cyclic_gc():
        return _render_map(registry, opts, step, data)


def _import_folium():
    """folium, imported without pandas when pandas is not loaded yet.

    folium takes pandas as optional (to accept DataFrames, which sprx never hands it), and importing
    pandas is a third of a second of every map build. A None in sys.modules makes `import pandas`
    fail inside folium's own try/except; pandas imports normally afterwards."""
    import sys

    if "folium" in sys.modules or "pandas" in sys.modules:
        import folium

        return folium
    sys.modules["pandas"] = None
    try:
        import folium
    finally:
        del sys.modules["pandas"]
    return folium


def _render_map(registry: Registry, opts: MapOptions, step: Callable[[str], None], made: tuple | None) -> str:
    folium = _import_folium()
    import branca.element as be

    from .assets import library_assets, own_assets

    step("aggregating")
    tiles = resolve_tiles(opts.tiles)
    assets = library_assets(opts.offline)
    data, counts = made or map_data(registry, opts)
    words = messages(opts.language)
    e = html.escape
    # (the words are said outside f-strings: the message extractor reads no call inside one before Python 3.12)
    skip = e(words.gettext("Skip the map: table of schemes by area"))
    skip_finder = e(words.gettext("Skip to the finder: search by postcode"))
    skip_results = e(words.gettext("Skip to the results"))
    to_table = e(words.gettext("Table of schemes by area (accessible version)"))
    find_heading = e(words.gettext("Find a scheme"))
    no_script = e(words.gettext("The finder needs JavaScript; the table below lists every area and its schemes."))
    no_leaflet = e(words.gettext("The map could not load its map library (Leaflet) from the internet, so the map "
                                 "and the finder are not shown; the table below lists every area and its schemes. "
                                 "Build the page with --offline (the default) for one that needs no network."))
    shortlist = e(words.gettext("Shortlist"))
    made_with = e(words.gettext("Made with sprx."))
    step("rendering")
    _PageTail = _page_tail_class()

    class _Map(folium.Map):  # type: ignore[name-defined]
        # Only Leaflet is needed, and it is added below (CDN or inlined); folium's other
        # defaults (jQuery, Bootstrap, Font Awesome) would be requests for nothing.
        default_js: list = []
        default_css: list = []

    fig = be.Figure(title=e(opts.title))  # branca puts the title into <title> unescaped
    fig.header.add_child(_raw('<meta name="generator" content="sprx">'), name="generator")
    for i, a in enumerate(assets):
        if a.url:
            sri = f'integrity="{e(a.integrity or "")}" crossorigin="anonymous"'
            tag = (f'<link rel="stylesheet" href="{e(a.url)}" {sri}/>' if a.kind == "css"
                   else f'<script src="{e(a.url)}" {sri}></script>')
        else:
            tag = f"<style>{a.text}</style>" if a.kind == "css" else f"<script>{a.text}</script>"
        fig.header.add_child(_raw(tag), name=f"sprx_asset_{i}")
    js, css = own_assets()
    fig.header.add_child(_raw(f"<style>{css}</style>"), name="sprx_css")
    fig.header.add_child(_raw(f"<script>{js}</script>"), name="sprx_js")

    fig.html.add_child(_raw(
        f'<a class="sprx-skip" href="#sprx-finder">{skip_finder}</a>'
        # (shown by the finder, which makes the results)
        f'<a class="sprx-skip" href="#sprx-count" hidden>{skip_results}</a>'
        f'<a class="sprx-skip" href="#sprx-table">{skip}</a>'
        '<header class="sprx-header">'
        + page_header(opts.title, counts, registry.data_date, words)
        + f'<nav><a href="#sprx-table">{to_table}</a>'
        + language_switch(opts.language, opts.alternates) + "</nav>"
        "</header>"
        '<svg width="0" height="0" style="position:absolute" aria-hidden="true" focusable="false"><defs>'
        '<pattern id="sprx-hatch" patternUnits="userSpaceOnUse" width="8" height="8" '
        'patternTransform="rotate(45)"><rect width="8" height="8" fill="#ffffff"/>'
        f'<rect width="2.5" height="8" fill="{ZERO_HATCH}"/></pattern></defs></svg>'
        '<main id="sprx-main">'
        # the finder first, so that the keyboard reaches the postcode field before the map's areas and
        # places (the grid still draws it beside the map)
        + f'<section id="sprx-finder" class="sprx-finder"><h2>{find_heading}</h2>'
        f'<p id="sprx-finder-note" data-no-leaflet="{no_leaflet}">{no_script}</p></section>'
        # (the CDN's Leaflet is loaded in the head, before this: without it, say so rather than "needs JavaScript")
        + ('<script>if (!window.L) { var note = document.getElementById("sprx-finder-note"); '
           'note.textContent = note.getAttribute("data-no-leaflet"); }</script>' if not opts.offline else "")),
        name="sprx_header")  # the finder, the map and the table; closed before the footer

    bounds = registry.boundaries.total_bounds if registry.boundaries is not None else (-0.5, 51.3, 0.3, 51.7)
    m = _Map(location=[round((bounds[1] + bounds[3]) / 2, 5), round((bounds[0] + bounds[2]) / 2, 5)],
             zoom_start=10, tiles=None, control_scale=True)
    m.options["maxZoom"] = 18  # folium passes max_zoom to tile layers only; clustering needs it on the map
    fig.add_child(m, name="map")
    if tiles is not None:
        folium.TileLayer(tiles=tiles.build_url(scale_factor="{r}"), attr=tiles.html_attribution,
                         name=tiles.name, max_zoom=tiles.get("max_zoom", 19), control=False).add_to(m)

    page = _PageTail(
        table_html(data, counts, words)
        + "</main>"
        # (printed, it is the page: its main landmark, the map page's main being hidden then)
        + f'<div id="sprx-print" class="sprx-print-sheet" role="main" aria-label="{shortlist}"></div>'
        + '<footer class="sprx-footer"><p>'
        + e(registry.attribution(opts.attribution, more=metric_credits(opts.metric, registry.areas), words=words)) + "."
        + (" " + e(words.gettext("Map tiles: {tiles}.").format(tiles=tiles.get("attribution", tiles.name)))
           if tiles is not None else "")
        + f" {made_with}</p></footer>"
        + _data_blocks(data))
    m.add_child(page, name="sprx_page")
    _stable_ids(fig)
    step("writing")
    return _accessible(fig.render(), words, alternate_links(opts.alternates))


def alternate_links(alternates: tuple[tuple[str, str], ...]) -> str:
    """The <link rel="alternate" hreflang> tags of a page in several languages (every language's
    address, this page's own included, as search engines expect)."""
    e = html.escape
    return "".join(f'<link rel="alternate" hreflang="{e(code)}" href="{e(href)}">' for code, href in alternates)


def language_switch(language: str, alternates: tuple[tuple[str, str], ...]) -> str:
    """Links to the page in its other languages, each named in its own language ('Cymraeg'); the
    page's script carries the finder's state (the address's fragment) across (static/finder.js)."""
    others = [(code, href) for code, href in alternates if code != language]
    if not others:
        return ""
    from babel import Locale

    e = html.escape
    return "".join(f' <a class="sprx-language" href="{e(href)}" hreflang="{e(code)}" lang="{e(code)}">'
                   f"{e((Locale.parse(code).get_display_name(code) or code).capitalize())}</a>"
                   for code, href in others)


# folium's page template has no language and stops people zooming the page (WCAG 1.4.4)
_FOLIUM_VIEWPORT = re.compile(r'<meta name="viewport" content="width=device-width,\s*initial-scale=1\.0, '
                              r'maximum-scale=1\.0, user-scalable=no" />')


def _accessible(page: str, words: Messages, alternates: str = "") -> str:
    """The page with its language and direction, its other languages' addresses (`alternates`: link
    tags) and a viewport that lets people zoom."""
    page = page.replace("<html>", f'<html lang="{words.language}" dir="{words.direction}">', 1)
    viewport = '<meta name="viewport" content="width=device-width, initial-scale=1">'
    return _FOLIUM_VIEWPORT.sub(lambda _: viewport + alternates, page, count=1)
