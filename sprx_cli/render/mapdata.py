"""The map page's data: everything the page shows, as the named fields of pagedata.py.

Built over whole columns (a national registry has 100,000 schemes): each scheme field becomes a
column, text is stored once in a strings table and referred to by index, and a value that many
schemes share (hours, key lists) is converted once.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable

from ..aggregate.counts import TALLY, AreaCounts, area_counts
from ..aggregate.metrics import metric_credits
from ..aggregate.need import NEED_AXES, NEED_UNCLASSED, need_rows
from ..core.keywords import KEYWORD_FIELDS, STEMMED
from .formats import SCHEME_PAGES
from .tables import NUMBER_OR_PHONE, RISKY_START
from ..core.messages import SOURCE_LANGUAGE, messages
from ..core.model import ADULT, DAYS, STATUSES, Location, Registry, Scheme, hours_for_people, translated
from ..registry.fields import TRANSLATED, flat_columns
from ..core.settings import DEFAULT_TILES, DEFAULT_TITLE, NO_ATTRIBUTION
from ..core.words import EMAIL
from ..geo.need import deprivations, why_no_deprivation
from .style import BORDER, ZERO_HATCH, ZERO_LABEL, band_index, shading


@dataclass(frozen=True)
class MapOptions:
    """How to draw the map: title, tiles, metric, attribution, offline or not."""
    title: str = DEFAULT_TITLE
    offline: bool = False
    tiles: str = DEFAULT_TILES  # an xyzservices provider name, or "none"
    include_closed: bool = False
    metric: str = "count"  # a key of aggregate.metrics.METRICS
    attribution: str = NO_ATTRIBUTION  # the boundaries' source and licence: page footer and PNG
    short_attribution: str | None = None  # in the map's attribution control (default: attribution)
    feedback_email: str | None = None  # where people suggest changes: a link on every card
    page_url: str | None = None  # where the page is published (public_url): what the sheet and e-mail link to
    scheme_pages: bool = False  # the site has a page per scheme beside the map (render/schemepage.py): link them
    language: str = SOURCE_LANGUAGE  # the page's language (a catalogue of core/messages.py)
    alternates: tuple[tuple[str, str], ...] = ()  # (language, address) of the page in each language, this one's too


# The export's columns (registry/fields.py flat_columns) the page's "schemes shown" CSV carries: those
# its data has (static/finder-analyst.js makes each from it)
SHOWN_COLUMNS = ("id", "name", "boroughs", "borough_codes", "provider", "categories", "cost", "website", "email",
                 "phone", "status", "last_verified")


def _other_names(area, language: str) -> list[str]:
    """An area's names besides the one the page shows: its aliases, English name, other languages' names."""
    shown = area.name_in(language)
    return list(dict.fromkeys(n for n in (*area.aliases, area.name, *(name for _, name in area.names)) if n != shown))


def map_data(registry: Registry, opts: MapOptions) -> tuple[dict, AreaCounts]:
    """Everything the page shows, as plain JSON-able data named as pagedata.py describes."""
    counts = area_counts(registry)  # the choropleth counts active schemes: the shared aggregation
    words = messages(opts.language)
    shade = shading(counts, opts.metric, words)  # (MetricUnavailable before any work when it cannot be drawn)
    days = words.day_names()
    said_hours = lambda hours: hours_for_people(hours, days)  # noqa: E731
    values, classes = shade.values, shade.bands
    shown_status = STATUSES if opts.include_closed else tuple(s for s in STATUSES if s != "closed")
    shown = [s for s in registry.schemes if s.status in shown_status]
    # by name (as the page shows it), then id ("\0" sorts first and is in no name: a flat key sorts as the pair would)
    lang = words.language
    keys = [f"{(s.translations and translated(s.translations, lang, 'name') or s.name).casefold()}\0{s.id}"
            for s in shown]
    shown = [shown[k] for k in sorted(range(len(shown)), key=keys.__getitem__)]
    texts = _Translated(shown, lang)
    vocab = registry.vocabulary
    cat_keys = list(vocab.categories)
    label = (lambda t: t.label) if lang == SOURCE_LANGUAGE else (lambda t: t.label_in(lang) or t.label)
    categories = [{"key": k, "label": label(t), "colour": vocab.colour(k)} for k, t in vocab.categories.items()]
    if any(not s.categories for s in shown):
        categories.append({"key": "", "label": words.gettext("Uncategorised"), "colour": "#555555"})
    area_index = {code: i for i, code in enumerate(counts.codes)}
    cat_pos = {k: i for i, k in enumerate(cat_keys)}
    route_pos = {k: i for i, k in enumerate(vocab.referral_routes)}
    group_pos = {k: i for i, k in enumerate(vocab.target_groups)}

    cost_pos = {k: i for i, k in enumerate(vocab.costs)}
    delivery_pos = {k: i for i, k in enumerate(vocab.delivery)}
    access_pos = {k: i for i, k in enumerate(vocab.accessibility)}
    # (in the order of their names as the page says them: 'Arabeg, Bengaleg, Cymraeg, Gwjarati' in Welsh)
    languages = sorted({code for s in shown for code in s.languages},
                       key=lambda c: (words.language_name(c).casefold(), c))
    language_pos = {c: i for i, c in enumerate(languages)}
    stale_before = registry.stale_before
    uncategorised = len(categories) - 1
    field = _FieldColumns(shown, Scheme._fields)
    cats = field.keys("categories", cat_pos)
    eligibility = field.get("eligibility")
    verified = field.get("last_verified")
    schemes = {
        "id": field.get("id"),
        "name": field.texts(texts.shown("name", field.get("name"))),
        "provider": field.texts(texts.shown("provider", field.get("provider"))),
        "description": field.texts(texts.shown("description", field.get("description"))),
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
        "child_ages": [1 if e and e.for_children else 0 for e in eligibility],
        "eligibility": field.texts(texts.shown("eligibility", [e.description if e else None for e in eligibility])),
        "cost": [cost_pos[c] if c else -1 for c in field.get("cost")],
        "cost_description": field.texts(texts.shown("cost_description", field.get("cost_description"))),
        "delivery": field.keys("delivery", delivery_pos),
        "languages": field.keys("languages", language_pos),
        "accessibility": field.keys("accessibility", access_pos),
        "hours": field.texts(_each_once(said_hours, field.get("hours"))),
        "hours_note": field.texts(texts.shown("hours_note", field.get("hours_note"))),
        "how_to_refer": field.texts(texts.shown("how_to_refer", field.get("how_to_refer"))),
        "referral_url": field.text("referral_url"),
        "referral_email": field.text("referral_email"),
        "charity_number": field.text("charity_number"),
        "days": _each_once(_days, [(s.hours, *[loc.hours for loc in s.locations]) for s in shown]),
        "english": texts.english,
        "other": field.texts(texts.other()),
    }
    located = [(si, loc) for si, locs in enumerate(field.get("locations")) for loc in locs if loc.has_point]
    place = _FieldColumns([loc for _, loc in located], Location._fields, field.strings)
    place_names, place_english = _place_names(place.get("name"), place.get("translations"), words.language)
    points = {
        "lat": place.get("lat"),
        "lon": place.get("lon"),
        "scheme": [si for si, _ in located],
        "name": place.texts(place_names),
        "address": place.text("address"),
        "postcode": place.text("postcode"),
        "approximate": [1 if c == "postcode" else 0 for c in place.get("coordinates_from")],
        "accessibility": place.keys("accessibility", access_pos),
        "hours": place.texts(_each_once(said_hours, place.get("hours"))),
        "english": place_english,
    }
    strings = field.strings.table()

    extra = [0] if len(categories) > len(cat_keys) else []
    areas = {
        "code": list(counts.codes),
        "name": (list(counts.names) if lang == SOURCE_LANGUAGE
                 else [registry.areas.by_code[c].name_in(lang) for c in counts.codes]),
        "count": list(counts.counts),
        "value": list(values),
        "band": [band_index(v, classes) for v in values],
        "byCategory": [[counts.by_category[k][i] for k in cat_keys] + extra for i in range(len(counts.codes))],
        "population": (list(counts.population) if opts.metric != "need"
                       else [r["population"] for r in need_rows(counts)]),
        "imdRank": [d.rank if (d := deprivations().get(c)) else None for c in counts.codes],
        "imdWhy": [None if c in deprivations() else why_no_deprivation(c, words) for c in counts.codes],
        "aliases": [_other_names(registry.areas.by_code[c], lang) for c in counts.codes],
    }
    features = []
    for feat in registry.boundaries.features() if registry.boundaries is not None else ():
        feat["properties"] = {"a": area_index[feat["properties"]["code"]]}
        features.append(feat)
    zero_count = sum(1 for c in counts.counts if c == 0)
    data = {
        "title": opts.title,
        "metric": opts.metric,
        "metricLabel": shade.label,
        "categories": categories,
        "routes": [label(t) for t in vocab.referral_routes.values()],
        "groups": [label(t) for t in vocab.target_groups.values()],
        "costs": [label(t) for t in vocab.costs.values()],
        "delivery": [label(t) for t in vocab.delivery.values()],
        "accessibility": [label(t) for t in vocab.accessibility.values()],
        "englishLabels": {name: [i for i, t in enumerate(vocab.terms(list_name).values())
                                 if lang != SOURCE_LANGUAGE and t.label_in(lang) is None]
                          for name, list_name in LABEL_LISTS.items()},
        "languages": [words.language_name(c) for c in languages],
        "areas": areas,
        "bands": [{"label": b.label, "colour": b.colour, "low": b.low, "high": b.high} for b in classes],
        "keys": {"routes": list(vocab.referral_routes), "groups": list(vocab.target_groups),
                 "costs": list(vocab.costs), "delivery": list(vocab.delivery),
                 "accessibility": list(vocab.accessibility), "languages": languages, "days": list(DAYS)},
        "postcodes": postcode_areas(registry, area_index),
        "places": place_areas(registry, area_index),
        "zero": {"label": words.gettext(ZERO_LABEL), "border": ZERO_HATCH, "count": zero_count},
        "border": BORDER,
        "schemes": schemes,
        "points": points,
        "strings": strings,
        "boundaries": {"type": "FeatureCollection", "features": features},
        "attribution": registry.attribution(opts.short_attribution or opts.attribution, short=True, words=words,
                                            more=metric_credits(opts.metric, registry.areas)),
        "feedback": opts.feedback_email,
        "pageUrl": opts.page_url,
        "schemePages": f"{SCHEME_PAGES}/" if opts.scheme_pages else None,
        "rules": {"email": EMAIL.pattern, "adult": ADULT, "csvRisky": "".join(RISKY_START),
                  "csvNumber": NUMBER_OR_PHONE.pattern},
        "shownColumns": [c for c in flat_columns() if c in SHOWN_COLUMNS],
        "search": {**{k: [*v, "other"] if k == "schemes" else list(v) for k, v in KEYWORD_FIELDS.items()},
                   "texts": {"categories": [vocab.categories[c["key"]].keyword_text() if c["key"] else c["label"]
                                            for c in categories],
                             "groups": [t.keyword_text() for t in vocab.target_groups.values()]},
                   "stem": words.language in STEMMED},
        "translated": list(TRANSLATED),
        "language": words.language,
        "direction": words.direction,
        "messages": {name: words.forms(*pair) for name, pair in TALLY.items()},
        "words": words.script_words(),
        "calendar": words.calendar(),
        "dataAsOf": words.data_as_of(registry.data_date),
        "staleAfter": registry.stale_after_months,
        "need": {"axes": {k: words.gettext(v) for k, v in NEED_AXES.items()},
                 "unclassed": words.gettext(NEED_UNCLASSED)},
    }
    return data, counts


class _Translated:
    """The schemes' text as a page in `language` shows it: each translatable field's translation,
    else the English (its bit set in `english`: the page marks it lang="en"); and, for keywords, the
    text of the other languages."""

    def __init__(self, schemes: list[Scheme], language: str):
        self.schemes, self.language = schemes, language
        self.source = language == SOURCE_LANGUAGE
        self.given = ([] if self.source else
                      [dict(dict(s.translations).get(language, ())) if s.translations else {} for s in schemes])
        self.english = [0] * len(schemes)

    def shown(self, name: str, english: list) -> list:
        """The field's text for each scheme (`english`: the registry's own)."""
        if self.source:
            return english
        bit, out = 1 << TRANSLATED.index(name), []
        for k, (given, text) in enumerate(zip(self.given, english)):
            mine = given.get(name) if given else None
            if mine is None and text is not None:
                self.english[k] |= bit
            out.append(mine or text)
        return out

    def other(self) -> list[str | None]:
        """Each scheme's keyword text in the languages the page is not in (None where there is none):
        the English of what the page shows translated, and the other translations."""
        own, lang = KEYWORD_FIELDS["schemes"], self.language
        out: list[str | None] = []
        for k, s in enumerate(self.schemes):
            if not s.translations and not any(loc.translations for loc in s.locations):
                out.append(None)  # (shown in English, which the page's own text already is)
                continue
            given = {} if self.source else self.given[k]
            parts = [getattr(s, f) for f in own if given.get(f)]
            parts += [loc.name for loc in s.locations if not self.source and translated(loc.translations, lang, "name")]
            for code, texts in s.translations:
                if code != self.language:
                    parts += [text for name, text in texts if name in own]
            for loc in s.locations:
                parts += [text for code, texts in loc.translations if code != self.language for _, text in texts]
            out.append(" ".join(p for p in parts if p) or None)
        return out


def _place_names(names: list, translations: list, language: str) -> tuple[list, list[int]]:
    """Places' names as a page in `language` shows them, and 1 where that is the English in place
    of a translation."""
    if language == SOURCE_LANGUAGE:
        return names, [0] * len(names)
    shown = [translated(t, language, "name") if t else None for t in translations]
    return ([s or n for s, n in zip(shown, names)],
            [1 if s is None and n is not None else 0 for s, n in zip(shown, names)])


# The page's label lists (D.categories, D.routes, ...) and the vocabulary list each comes from.
LABEL_LISTS = {"categories": "categories", "routes": "referral_routes", "groups": "target_groups",
               "costs": "costs", "delivery": "delivery", "accessibility": "accessibility"}


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


def place_areas(registry: Registry, area_index: dict[str, int]) -> dict | None:
    """Each place of the gazetteer (the `places` setting) in the registry's areas: its centre and
    the area it falls in, for the finder's place-name search; None without a gazetteer."""
    if not registry.places or registry.boundaries is None:
        return None
    from ..geo.boundaries import areas_containing

    names = list(registry.places)
    inside = areas_containing(registry.boundaries, [registry.places[n][0] for n in names],
                              [registry.places[n][1] for n in names])
    found = {n: [round(registry.places[n][0], 5), round(registry.places[n][1], 5), area_index[codes[0]]]
             for n, codes in zip(names, inside) if codes}
    return found or None


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
