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
from . import plugins


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
    said = {
        "skip": words.gettext("Skip the map: table of schemes by area"),
        "skip_finder": words.gettext("Skip to the finder: search by postcode"),
        "skip_results": words.gettext("Skip to the results"),
        "to_table": words.gettext("Table of schemes by area (accessible version)"),
        "find_heading": words.gettext("Find a scheme"),
        "no_script": words.gettext("The finder needs JavaScript; the table below lists every area and its schemes."),
        "no_leaflet": words.gettext("The map could not load its map library (Leaflet) from the internet, so the map "
                                    "and the finder are not shown; the table below lists every area and its schemes. "
                                    "Build the page with --offline (the default) for one that needs no network."),
    }
    shortlist = words.gettext("Shortlist")
    made_with = words.gettext("Made with sprx.")
    step("rendering")

    class _Map(folium.Map):  # type: ignore[name-defined]
        # Only Leaflet is needed, and it is added below (CDN or inlined); folium's other
        # defaults (jQuery, Bootstrap, Font Awesome) would be requests for nothing.
        default_js: list = []
        default_css: list = []

    fig = be.Figure(title=e(opts.title))  # branca puts the title into <title> unescaped
    js, css = own_assets()
    # (the figure's own children render before the map: the head's assets and the page's top come first)
    fig.add_child(plugins.library_assets_part(assets), name="sprx_library")
    fig.add_child(plugins.own_assets_part(js, css), name="sprx_assets")
    fig.add_child(plugins.page_top(said, page_header(opts.title, counts, registry.data_date, words),
                                   language_switch(opts.language, opts.alternates), ZERO_HATCH, opts.offline),
                  name="sprx_top")

    bounds = registry.boundaries.total_bounds if registry.boundaries is not None else (-0.5, 51.3, 0.3, 51.7)
    m = _Map(location=[round((bounds[1] + bounds[3]) / 2, 5), round((bounds[0] + bounds[2]) / 2, 5)],
             zoom_start=10, tiles=None, control_scale=True)
    m.options["maxZoom"] = 18  # folium passes max_zoom to tile layers only; clustering needs it on the map
    fig.add_child(m, name="map")
    if tiles is not None:
        folium.TileLayer(tiles=tiles.build_url(scale_factor="{r}"), attr=tiles.html_attribution,
                         name=tiles.name, max_zoom=tiles.get("max_zoom", 19), control=False).add_to(m)

    footer = (registry.attribution(opts.attribution, more=metric_credits(opts.metric, registry.areas), words=words)
              + "." + (" " + words.gettext("Map tiles: {tiles}.").format(tiles=tiles.get("attribution", tiles.name))
                       if tiles is not None else "") + " " + made_with)
    m.add_child(plugins.page_tail(table_html(data, counts, words), shortlist, footer, _data_blocks(data)),
                name="sprx_page")
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
