"""The HTML map: a folium page whose layers are built in the browser from one JSON data block.

Schemes become data, not folium objects (one `folium.Marker` per point costs seconds and
megabytes at scale). All registry text travels inside a `<script type="application/json">`
block, encoded so it cannot close the block, and sprx's own script puts it into the page with
`textContent` only. The page is deterministic: element ids are numbered in tree order and
everything is sorted, so two builds of the same input are byte-identical.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date
from typing import Callable

from ..aggregate.counts import AreaCounts, area_counts
from ..registry.fields import language_name
from ..core.model import (DAYS, DEFAULT_TILES, DEFAULT_TITLE, NO_ATTRIBUTION, STATUSES, Location, Registry, Scheme,
                    hours_for_people, no_cyclic_gc, people, plural)
from .pagedata import FIRST
from .style import BORDER, ZERO_HATCH, ZERO_LABEL, band_index, bands


class MapError(Exception):
    """The map cannot be built as asked (bad option for this registry)."""


@dataclass(frozen=True)
class MapOptions:
    """How to draw the map: title, tiles, metric, attribution, offline or not."""
    title: str = DEFAULT_TITLE
    offline: bool = False
    tiles: str = DEFAULT_TILES  # an xyzservices provider name, or "none"
    include_closed: bool = False
    metric: str = "count"  # or "per-100k"
    attribution: str = NO_ATTRIBUTION  # the boundaries' source and licence: page footer and PNG
    short_attribution: str | None = None  # in the map's attribution control (default: attribution)
    feedback_email: str | None = None  # where people suggest changes: a link on every card


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
        raise MapError(f"unknown tile provider {name!r}" + (f"; did you mean {guess[0]!r}?" if guess else
                       "; use a name such as OpenStreetMap.Mapnik or Esri.WorldGrayCanvas, or 'none'")) from None


def map_data(registry: Registry, opts: MapOptions) -> tuple[dict, AreaCounts]:
    """Everything the page shows, as plain JSON-able data named as pagedata.py describes."""
    counts = area_counts(registry)  # the choropleth counts active schemes: the shared aggregation
    shown_status = STATUSES if opts.include_closed else tuple(s for s in STATUSES if s != "closed")
    shown = [s for s in registry.schemes if s.status in shown_status]
    # by name, then id ("\0" sorts first and is in no name: a flat key sorts as the pair would)
    keys = [f"{s.name.casefold()}\0{s.id}" for s in shown]
    shown = [shown[k] for k in sorted(range(len(shown)), key=keys.__getitem__)]
    vocab = registry.vocabulary
    cat_keys = list(vocab.categories)
    categories = [{"key": k, "label": t.label, "colour": vocab.colour(k)} for k, t in vocab.categories.items()]
    if any(not s.categories for s in shown):
        categories.append({"key": "", "label": "Uncategorised", "colour": "#555555"})
    area_index = {code: i for i, code in enumerate(counts.codes)}
    cat_pos = {k: i for i, k in enumerate(cat_keys)}
    route_pos = {k: i for i, k in enumerate(vocab.referral_routes)}
    group_pos = {k: i for i, k in enumerate(vocab.target_groups)}

    cost_pos = {k: i for i, k in enumerate(vocab.costs)}
    delivery_pos = {k: i for i, k in enumerate(vocab.delivery)}
    access_pos = {k: i for i, k in enumerate(vocab.accessibility)}
    languages = sorted({code for s in shown for code in s.languages})
    language_pos = {c: i for i, c in enumerate(languages)}
    stale_before = registry.stale_before
    uncategorised = len(categories) - 1
    field = _FieldColumns(shown, Scheme._fields)
    cats = field.keys("categories", cat_pos)
    eligibility = field.get("eligibility")
    verified = field.get("last_verified")
    schemes = {
        "id": field.get("id"),
        "name": field.text("name"),
        "provider": field.text("provider"),
        "description": field.text("description"),
        "categories": cats,
        "routes": field.keys("referral_routes", route_pos),
        "groups": field.keys("target_groups", group_pos),
        "website": field.text("website"),
        "email": field.text("email"),
        "phone": field.text("phone"),
        "status": field.get("status"),
        "verified": _each_once(lambda d: d.isoformat() if d else None, verified),
        "stale": _each_once(lambda d: int(bool(stale_before and d and d < stale_before)), verified),
        "areas": field.keys("boroughs", area_index),
        "colour": [c[0] if c else uncategorised for c in cats],
        "min_age": [e.min_age if e else None for e in eligibility],
        "max_age": [e.max_age if e else None for e in eligibility],
        "eligibility": field.texts([e.description if e else None for e in eligibility]),
        "cost": [cost_pos[c] if c else -1 for c in field.get("cost")],
        "cost_description": field.text("cost_description"),
        "delivery": field.keys("delivery", delivery_pos),
        "languages": field.keys("languages", language_pos),
        "accessibility": field.keys("accessibility", access_pos),
        "hours": field.texts(_each_once(hours_for_people, field.get("hours"))),
        "hours_note": field.text("hours_note"),
        "how_to_refer": field.text("how_to_refer"),
        "referral_url": field.text("referral_url"),
        "referral_email": field.text("referral_email"),
        "charity_number": field.text("charity_number"),
        "days": _each_once(_days, [(s.hours, *[loc.hours for loc in s.locations]) for s in shown]),
    }
    located = [(si, loc) for si, locs in enumerate(field.get("locations")) for loc in locs if loc.has_point]
    place = _FieldColumns([loc for _, loc in located], Location._fields, field.strings)
    points = {
        "lat": place.get("lat"),
        "lon": place.get("lon"),
        "scheme": [si for si, _ in located],
        "name": place.text("name"),
        "address": place.text("address"),
        "postcode": place.text("postcode"),
        "approximate": [1 if c == "postcode" else 0 for c in place.get("coordinates_from")],
        "accessibility": place.keys("accessibility", access_pos),
        "hours": place.texts(_each_once(hours_for_people, place.get("hours"))),
    }
    strings = field.strings.table()

    if opts.metric == "per-100k":
        if not registry.areas.has_population:
            raise MapError("--metric per-100k needs a population for every area in the area registry")
        values = counts.per_100k
        classes = bands(values, integer=False)
        metric_label = "Active schemes per 100,000 residents"
    else:
        values = counts.counts
        classes = bands(values)
        metric_label = "Active schemes per area"
    extra = [0] if len(categories) > len(cat_keys) else []
    areas = {
        "code": list(counts.codes),
        "name": list(counts.names),
        "count": list(counts.counts),
        "value": list(values),
        "band": [band_index(v, classes) for v in values],
        "byCategory": [[counts.by_category[k][i] for k in cat_keys] + extra for i in range(len(counts.codes))],
        "population": list(counts.population),
    }
    features = []
    for feat in registry.boundaries.features() if registry.boundaries is not None else ():
        feat["properties"] = {"a": area_index[feat["properties"]["code"]]}
        features.append(feat)
    zero_count = sum(1 for c in counts.counts if c == 0)
    data = {
        "title": opts.title,
        "metric": opts.metric,
        "metricLabel": metric_label,
        "categories": categories,
        "routes": [t.label for t in vocab.referral_routes.values()],
        "groups": [t.label for t in vocab.target_groups.values()],
        "costs": [t.label for t in vocab.costs.values()],
        "delivery": [t.label for t in vocab.delivery.values()],
        "accessibility": [t.label for t in vocab.accessibility.values()],
        "languages": [language_name(c) for c in languages],
        "areas": areas,
        "bands": [{"label": b.label, "colour": b.colour, "low": b.low, "high": b.high} for b in classes],
        "keys": {"routes": list(vocab.referral_routes), "groups": list(vocab.target_groups),
                 "costs": list(vocab.costs), "delivery": list(vocab.delivery),
                 "accessibility": list(vocab.accessibility), "languages": languages},
        "postcodes": postcode_areas(registry, area_index),
        "zero": {"label": ZERO_LABEL, "border": ZERO_HATCH, "count": zero_count},
        "border": BORDER,
        "schemes": schemes,
        "points": points,
        "strings": strings,
        "boundaries": {"type": "FeatureCollection", "features": features},
        "attribution": registry.attribution(opts.short_attribution or opts.attribution, short=True),
        "feedback": opts.feedback_email,
    }
    return data, counts


def _days(hours: tuple) -> int:
    """The days a scheme is open as a bitmask (1 = Monday ... 64 = Sunday), from its hours and its
    places' hours (a tuple of tuples of Hours)."""
    mask = 0
    for group in hours:
        for h in group:
            for d in h.days:
                mask |= 1 << DAYS.index(d)
    return mask


def _each_once(func: Callable, values: list) -> list:
    """func over values, called once per distinct value (registries repeat hours and the like)."""
    done = {v: func(v) for v in set(values)}
    return list(map(done.__getitem__, values))


class _Strings:
    """Every text of the page stored once, referred to by its index (-1: none), in the order first met.

    `refs` hands out lists that `table` fills, so the index is built in one pass at C speed."""

    def __init__(self) -> None:
        self.columns: list[tuple[list, list]] = []

    def refs(self, values: list) -> list[int]:
        out: list[int] = []
        self.columns.append((out, values))
        return out

    def table(self) -> list[str]:
        from itertools import chain

        order = dict.fromkeys(chain([None], *(values for _, values in self.columns)))
        index = dict(zip(order, range(-1, len(order) - 1)))
        for out, values in self.columns:
            out[:] = map(index.__getitem__, values)
        return list(order)[1:]


class _FieldColumns:
    """Columns of the page data from named tuples (schemes or places), transposed once."""

    def __init__(self, records: list, fields: tuple[str, ...], strings: _Strings | None = None) -> None:
        self.strings = strings or _Strings()
        self.columns = dict(zip(fields, map(list, zip(*records)))) if records else {f: [] for f in fields}

    def get(self, name: str) -> list:
        """The field's values, as they are."""
        return self.columns[name]

    def text(self, name: str) -> list[int]:
        """A text field as references into the strings table."""
        return self.strings.refs(self.columns[name])

    def texts(self, values: list) -> list[int]:
        return self.strings.refs(values)

    def keys(self, name: str, position: dict[str, int]) -> list[list[int]]:
        """A tuple-of-keys field as lists of positions (one list per distinct tuple, shared)."""
        return _each_once(lambda keys: [position[k] for k in keys], self.columns[name])


def postcode_areas(registry: Registry, area_index: dict[str, int]) -> dict | None:
    """The centre of each postcode district (SE1) and sector (SE1 7) in the registry's areas, with the
    area it falls in, for the finder's postcode search; None without a postcode table."""
    if not registry.sources.postcodes or registry.boundaries is None:
        return None
    from pathlib import Path

    from ..geo.boundaries import areas_containing
    from ..geo.postcodes import PostcodeTableError, load_postcodes, outward_centres

    try:
        table = load_postcodes(Path(registry.sources.postcodes))
    except PostcodeTableError:
        return None
    out: dict[str, dict] = {}
    for kind, centres in outward_centres(table).items():
        names = list(centres)
        inside = areas_containing(registry.boundaries, [centres[n][0] for n in names], [centres[n][1] for n in names])
        out[kind] = {n: [*centres[n], area_index[codes[0]]] for n, codes in zip(names, inside) if codes}
    return out


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


def nice_date(d: date | None) -> str:
    """'23 November 2026', or a note that there is no date."""
    return f"{d.day} {d:%B %Y}" if d else "no verification dates recorded"


TABLE_LIST_LIMIT = 5_000  # above this many schemes the table gives counts, not names


_EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def _suggest(data: dict, si: int) -> str:
    """' · Suggest a change': an email to the feedback address naming the scheme, with its details."""
    to = data.get("feedback")
    if not to or not _EMAIL.match(to):
        return ""
    from urllib.parse import quote

    sc, strings = data["schemes"], data["strings"]
    details = "\n".join(f"{label}: {strings[sc[key][si]]}" for label, key in (
        ("Name", "name"), ("Provider", "provider"), ("Website", "website"), ("Email", "email"), ("Phone", "phone"))
        if sc[key][si] >= 0)
    href = (f"mailto:{to}?subject={quote('Suggested change: ' + sc['id'][si])}"
            f"&body={quote('What should change?' + chr(10) * 3 + 'As listed now:' + chr(10) + details)}")
    return f' · <a class="sprx-suggest-link" href="{html.escape(href)}">Suggest a change</a>'


def table_html(data: dict, counts: AreaCounts) -> str:
    """The accessible table of areas, their counts and (up to TABLE_LIST_LIMIT) scheme names."""
    e = html.escape
    strings = data["strings"]
    schemes, areas = data["schemes"], data["areas"]
    listing = len(schemes["id"]) <= TABLE_LIST_LIMIT
    rows = []
    order = sorted(range(len(counts.codes)), key=lambda i: counts.names[i].casefold())
    serving: list[list[int]] = [[] for _ in counts.codes]
    for si, where in enumerate(schemes["areas"]):
        for a in where:
            serving[a].append(si)
    for i in order:
        served = serving[i]
        items = []
        for si in served if listing else ():
            status = schemes["status"][si]
            badge = "" if status == "active" else f" ({e(status)})"
            items.append(f"<li>{e(strings[schemes['name'][si]])}{badge}{_suggest(data, si)}</li>")
        n = len(served)
        listed = (f"<ul>{''.join(items)}</ul>" if items else
                  f"{plural(n, 'scheme')} (use the map's search to find one)" if n else f"<em>{e(ZERO_LABEL)}</em>")
        count = areas["count"][i]
        cls = ' class="sprx-zero-row"' if count == 0 else ""
        rows.append(f'<tr{cls}><th scope="row">{e(areas["name"][i])}</th><td>{e(areas["code"][i])}</td>'
                    f'<td class="sprx-num">{people(count)}</td><td>{listed}</td></tr>')
    return (
        '<section class="sprx-table" id="sprx-table" aria-labelledby="sprx-table-title">'
        '<h2 id="sprx-table-title">Schemes by area</h2>'
        f"<p>Every area with the number of active schemes serving it ({e(counts.headline())}). "
        "Paused schemes are listed but not counted.</p>"
        '<table><caption class="sprx-skip">Social prescribing schemes by area</caption>'
        '<thead><tr><th scope="col">Area</th><th scope="col">Code</th><th scope="col">Active schemes</th>'
        '<th scope="col">Schemes</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        + ("" if listing else f"<p>With {people(len(schemes['id']))} schemes the names are not listed here; "
           "`sprx export schemes` gives them all as CSV.</p>")
        + "</section>")


def page_header(title: str, counts: AreaCounts, newest: date | None) -> str:
    """The title and headline shared by the map page and the published site's index."""
    e = html.escape
    gaps = counts.areas_without_schemes
    return (f"<h1>{e(title)}</h1>"
            f'<p><span class="sprx-headline">{e(counts.headline())}</span>'
            + (f' · <span class="sprx-gaps">{plural(gaps, "area")} with {e(ZERO_LABEL)}</span>' if gaps else "")
            + f" · Data as of {e(nice_date(newest))}</p>")


def _raw(text: str):
    """A branca element that outputs `text` as it is. branca treats an Element's first argument
    as a Jinja template, so registry text must never be passed that way: '{{ ... }}' in a scheme
    name would be evaluated at build time."""
    import branca.element as be

    el = be.Element("{{ this.text }}")
    el.text = text
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
               step: Callable[[str], None] = lambda name: None) -> str:
    """Build the map page and return its HTML."""
    with no_cyclic_gc():
        return _render_map(registry, opts, step)


def _import_folium():
    """folium, imported without pandas when pandas is not loaded yet.

    folium takes pandas as optional (to accept DataFrames, which sprx never hands it), and importing
    pandas is a third of a second of every map build. A None in sys.modules makes `import pandas`
    fail inside folium's own try/except; pandas imports normally afterwards."""
    import sys

    if "folium" in sys.modules or "pandas" in sys.modules:
        import folium

        return folium
    sys.modules["pandas"] = None  # type: ignore[assignment]
    try:
        import folium
    finally:
        del sys.modules["pandas"]
    return folium


def _render_map(registry: Registry, opts: MapOptions, step: Callable[[str], None]) -> str:
    folium = _import_folium()
    import branca.element as be

    from .assets import library_assets, own_assets

    step("aggregating")
    tiles = resolve_tiles(opts.tiles)
    assets = library_assets(opts.offline)
    data, counts = map_data(registry, opts)
    step("rendering")
    _PageTail = _page_tail_class()

    class _Map(folium.Map):
        # Only Leaflet is needed, and it is added below (CDN or inlined); folium's other
        # defaults (jQuery, Bootstrap, Font Awesome) would be requests for nothing.
        default_js: list = []
        default_css: list = []

    e = html.escape
    fig = be.Figure(title=e(opts.title))  # branca puts the title into <title> unescaped
    fig.header.add_child(_raw('<meta name="generator" content="sprx">'), name="generator")
    for i, a in enumerate(assets):
        if a.url:
            sri = f'integrity="{e(a.integrity)}" crossorigin="anonymous"'
            tag = (f'<link rel="stylesheet" href="{e(a.url)}" {sri}/>' if a.kind == "css"
                   else f'<script src="{e(a.url)}" {sri}></script>')
        else:
            tag = f"<style>{a.text}</style>" if a.kind == "css" else f"<script>{a.text}</script>"
        fig.header.add_child(_raw(tag), name=f"sprx_asset_{i}")
    js, css = own_assets()
    fig.header.add_child(_raw(f"<style>{css}</style>"), name="sprx_css")
    fig.header.add_child(_raw(f"<script>{js}</script>"), name="sprx_js")

    fig.html.add_child(_raw(
        '<a class="sprx-skip" href="#sprx-table">Skip the map: table of schemes by area</a>'
        '<header class="sprx-header">'
        + page_header(opts.title, counts, registry.data_date)
        + '<nav><a href="#sprx-table">Table of schemes by area (accessible version)</a></nav>'
        "</header>"
        '<svg width="0" height="0" style="position:absolute" aria-hidden="true" focusable="false"><defs>'
        '<pattern id="sprx-hatch" patternUnits="userSpaceOnUse" width="8" height="8" '
        'patternTransform="rotate(45)"><rect width="8" height="8" fill="#ffffff"/>'
        f'<rect width="2.5" height="8" fill="{ZERO_HATCH}"/></pattern></defs></svg>'
        '<main id="sprx-main">'), name="sprx_header")  # the map and the table; closed before the footer

    bounds = registry.boundaries.total_bounds if registry.boundaries is not None else (-0.5, 51.3, 0.3, 51.7)
    m = _Map(location=[round((bounds[1] + bounds[3]) / 2, 5), round((bounds[0] + bounds[2]) / 2, 5)],
             zoom_start=10, tiles=None, control_scale=True)
    m.options["maxZoom"] = 18  # folium passes max_zoom to tile layers only; clustering needs it on the map
    fig.add_child(m, name="map")
    if tiles is not None:
        folium.TileLayer(tiles=tiles.build_url(scale_factor="{r}"), attr=tiles.html_attribution,
                         name=tiles.name, max_zoom=tiles.get("max_zoom", 19), control=False).add_to(m)

    page = _PageTail(
        '<section id="sprx-finder" class="sprx-finder"><h2>Find a scheme</h2>'
        "<p>The finder needs JavaScript; the table below lists every area and its schemes.</p></section>"
        + table_html(data, counts)
        + "</main>"
        + '<div id="sprx-print" class="sprx-print-sheet"></div>'
        + f'<footer class="sprx-footer"><p>{e(registry.attribution(opts.attribution))}.'
        + (f" Map tiles: {e(tiles.get('attribution', tiles.name))}." if tiles is not None else "")
        + " Made with sprx.</p></footer>"
        + _data_blocks(data))
    m.add_child(page, name="sprx_page")
    _stable_ids(fig)
    step("writing")
    return _accessible(fig.render())


# folium's page template has no language and stops people zooming the page (WCAG 1.4.4)
_FOLIUM_VIEWPORT = re.compile(r'<meta name="viewport" content="width=device-width,\s*initial-scale=1\.0, '
                              r'maximum-scale=1\.0, user-scalable=no" />')


def _accessible(page: str) -> str:
    """The page with a language and a viewport that lets people zoom."""
    page = page.replace("<html>", '<html lang="en">', 1)
    return _FOLIUM_VIEWPORT.sub('<meta name="viewport" content="width=device-width, initial-scale=1">', page)
