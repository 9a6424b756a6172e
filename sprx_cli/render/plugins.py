"""The map page's parts as folium plugins: each a small MacroElement with its own template (its
`header`, `html` and `script` macros, as folium's plugins have), put together by mappage.py.

One difference from folium's own: branca reads what a MacroElement's macros write as a Jinja
template a second time, and registry text must never be one ('{{ 7*7 }}' in a scheme's name would
be worked out at build time). `Part` renders its macros once, with its values as variables, and
hands branca the result as text that is not read again (`raw`).
"""

from __future__ import annotations

from .assets import Asset


def raw(text: str):
    """A branca element that outputs `text` as it is (its own template only names it)."""
    import branca.element as be

    el = be.Element("{{ this.text }}")
    el.text = text  # type: ignore[attr-defined]  # (what its template reads)
    return el


def _macro_element():
    import branca.element as be

    return be.MacroElement


def _template(text: str):
    import html

    from jinja2 import Environment

    env = Environment(autoescape=False)
    env.filters["e"] = html.escape  # (escaped as the rest of sprx's HTML is: html.escape, quotes too)
    return env.from_string(text)


class _Parts:
    """Made on first use: branca (and folium's import of it) stays out of `sprx --help`."""

    classes: dict = {}

    @classmethod
    def get(cls, name: str):
        if not cls.classes:
            cls.classes = _make_classes()
        return cls.classes[name]


def _make_classes() -> dict:
    Macro = _macro_element()

    class Part(Macro):  # type: ignore[misc, valid-type]
        """A plugin whose macros are rendered once and handed to the page as text (see the module)."""
        _template_text = ""

        def __init__(self, **values):
            super().__init__()
            self._name = type(self).__name__
            self._template = _template(self._template_text)
            for key, value in values.items():
                setattr(self, key, value)

        def render(self, **kwargs):
            figure = self.get_root()
            for part in ("header", "html", "script"):
                macro = self._template.module.__dict__.get(part)
                if macro is not None:
                    getattr(figure, part).add_child(raw(str(macro(self, kwargs))), name=self.get_name())
            for element in self._children.values():
                element.render(**kwargs)

    class LibraryAssets(Part):
        """Leaflet: inlined (offline) or linked from the CDN with Subresource Integrity (assets.py)."""
        _template_text = """{% macro header(this, kwargs) -%}
{%- for a in this.assets -%}
{%- set sri = 'integrity="' ~ ((a.integrity or '')|e) ~ '" crossorigin="anonymous"' -%}
{%- if a.url and a.kind == "css" %}<link rel="stylesheet" href="{{ a.url|e }}" {{ sri }}/>
{%- elif a.url %}<script src="{{ a.url|e }}" {{ sri }}></script>
{%- elif a.kind == "css" %}<style>{{ a.text }}</style>
{%- else %}<script>{{ a.text }}</script>
{%- endif -%}
{%- endfor -%}
{%- endmacro %}"""

    class OwnAssets(Part):
        """sprx's own style sheet and script (static/), and the page's generator."""
        _template_text = """{% macro header(this, kwargs) -%}
<meta name="generator" content="sprx"><style>{{ this.css }}</style><script>{{ this.js }}</script>
{%- endmacro %}"""

    class PageTop(Part):
        """Skip links, the header (title, headline, language switch), the hatch pattern and the
        finder's section, which opens the page's main landmark (the map follows it in the grid)."""
        _template_text = """{% macro html(this, kwargs) -%}
<a class="sprx-skip" href="#sprx-finder">{{ this.words.skip_finder|e }}</a>
{#- (shown by the finder, which makes the results) -#}
<a class="sprx-skip" href="#sprx-count" hidden>{{ this.words.skip_results|e }}</a>
<a class="sprx-skip" href="#sprx-table">{{ this.words.skip|e }}</a>
<header class="sprx-header">{{ this.header_html }}<nav><a href="#sprx-table">{{ this.words.to_table|e }}</a>
{{- this.switch_html }}</nav></header>
<svg width="0" height="0" style="position:absolute" aria-hidden="true" focusable="false"><defs>
<pattern id="sprx-hatch" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)">
<rect width="8" height="8" fill="#ffffff"/><rect width="2.5" height="8" fill="{{ this.hatch }}"/></pattern></defs></svg>
<main id="sprx-main">
{#- the finder first, so that the keyboard reaches the postcode field before the map's areas and places -#}
<section id="sprx-finder" class="sprx-finder"><h2>{{ this.words.find_heading|e }}</h2>
<p id="sprx-finder-note" data-no-leaflet="{{ this.words.no_leaflet|e }}">{{ this.words.no_script|e }}</p></section>
{%- if not this.offline -%}
{#- the CDN's Leaflet is loaded in the head, before this: without it, say so rather than "needs JavaScript" -#}
<script>if (!window.L) { var note = document.getElementById("sprx-finder-note");
note.textContent = note.getAttribute("data-no-leaflet"); }</script>
{%- endif -%}
{%- endmacro %}"""

    class PageTail(Part):
        """After the map: the table of areas, the print sheet, the footer and the page's data; and
        the call that starts the page's script on the map."""
        _template_text = """{% macro html(this, kwargs) -%}
{{ this.table_html }}</main>
{#- (printed, it is the page: its main landmark, the map page's main being hidden then) -#}
<div id="sprx-print" class="sprx-print-sheet" role="main" aria-label="{{ this.shortlist|e }}"></div>
<footer class="sprx-footer"><p>{{ this.footer|e }}</p></footer>{{ this.data_html }}
{%- endmacro %}
{% macro script(this, kwargs) -%}
sprxInit({{ this._parent.get_name() }});
{%- endmacro %}"""

    return {c.__name__: c for c in (Part, LibraryAssets, OwnAssets, PageTop, PageTail)}


def library_assets_part(assets: list[Asset]):
    """Leaflet's style sheet and script, for the head (assets.library_assets)."""
    return _Parts.get("LibraryAssets")(assets=assets)


def own_assets_part(js: str, css: str):
    """sprx's own script and style sheet, for the head (assets.own_assets)."""
    return _Parts.get("OwnAssets")(js=js, css=css)


def page_top(words: dict[str, str], header_html: str, switch_html: str, hatch: str, offline: bool):
    """`words`: the page's own words (escaped here); `header_html`, `switch_html`: HTML, escaped by their makers."""
    return _Parts.get("PageTop")(words=words, header_html=header_html, switch_html=switch_html, hatch=hatch,
                                 offline=offline)


def page_tail(table_html: str, shortlist: str, footer: str, data_html: str):
    """`table_html`, `data_html`: HTML, escaped by their makers; `shortlist`, `footer`: text."""
    return _Parts.get("PageTail")(table_html=table_html, shortlist=shortlist, footer=footer, data_html=data_html)

