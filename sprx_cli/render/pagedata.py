"""The map page's data: the named fields `mapdata.map_data` writes and the page's script (static/*.js) reads.

The page's data is one JSON object, `D`, carried in two blocks: FIRST (the areas and their legend,
drawn at once) and the rest (read after; in a national registry the bulk). Tables of many rows are
stored as columns (one list per field, the same length), which is smaller and faster to encode than
a list of rows and lets both sides say `D.schemes.name[i]` instead of a position. Text is stored
once in `D.strings` and referred to by index (-1: none). tests/test_catalogue.py holds mapdata.py
and the script (static/*.js) to this.
"""

from __future__ import annotations

# D.schemes: one entry per scheme shown on the map (closed ones only with --include-closed)
SCHEME_COLUMNS: dict[str, str] = {
    "id": "the scheme's id",
    "name": "index into D.strings",
    "provider": "index into D.strings, or -1",
    "description": "index into D.strings, or -1",
    "categories": "indices into D.categories",
    "routes": "indices into D.routes (who can refer)",
    "groups": "indices into D.groups (who it is for)",
    "website": "index into D.strings, or -1",
    "email": "index into D.strings, or -1",
    "phone": "index into D.strings, or -1",
    "status": "active, paused or closed",
    "verified": "last_verified as YYYY-MM-DD, or null",
    "stale": "1 when last verified more than --stale-after months before the data date",
    "areas": "indices into D.areas",
    "colour": "index into D.categories of the category that colours its markers",
    "min_age": "youngest age taken (whole years), or null",
    "max_age": "oldest age taken (whole years), or null",
    "child_ages": "1 when min_age and max_age are a child's, who comes with a parent or carer (ages_of: child); "
                  "then the finder's age also matches anyone of D.rules.adult or over, else 0",
    "eligibility": "index into D.strings (who it is for, in words), or -1",
    "cost": "index into D.costs, or -1",
    "cost_description": "index into D.strings, or -1",
    "delivery": "indices into D.delivery",
    "languages": "indices into D.languages",
    "accessibility": "indices into D.accessibility",
    "hours": "index into D.strings (the openings, written for people), or -1",
    "hours_note": "index into D.strings, or -1",
    "how_to_refer": "index into D.strings, or -1",
    "referral_url": "index into D.strings, or -1",
    "referral_email": "index into D.strings, or -1",
    "charity_number": "index into D.strings, or -1",
    "days": "the days it is open, from its and its places' hours: a bitmask, 1 = Monday ... 64 = Sunday (0: not said)",
    "english": "the fields shown in English for want of a translation into the page's language: a bitmask, bit i "
               "for D.translated[i] (the page marks them lang=\"en\"); 0 on an English page",
    "other": "index into D.strings: its text in the languages the page is not in, for keywords, or -1",
}

# D.points: one entry per location with coordinates
POINT_COLUMNS: dict[str, str] = {
    "lat": "latitude", "lon": "longitude", "scheme": "index into D.schemes",
    "name": "index into D.strings, or -1", "address": "index into D.strings, or -1",
    "postcode": "index into D.strings, or -1",
    "approximate": "1 when placed at its postcode's centre (no coordinates in the registry), else 0",
    "accessibility": "indices into D.accessibility: the place's own access features",
    "hours": "index into D.strings (the place's own opening hours, written for people), or -1",
    "english": "1 when its name is shown in English for want of a translation, else 0",
}

# D.areas: one entry per area of the area registry, in its order
AREA_COLUMNS: dict[str, str] = {
    "code": "GSS code", "name": "area name", "count": "active schemes serving it",
    "value": "what the shading shows (count, or per 100,000 residents)",
    "band": "index into D.bands, or -1 for none (hatched)",
    "byCategory": "active schemes per category, in D.categories order",
    "population": "residents, from the area registry (null when not given; with --metric need, ONS mid-2022 where "
                  "the registry has none): per-100k and need shading of filtered counts",
    "imdRank": "IMD 2025 rank of average score (1 = most deprived of England's 296 districts), or null",
    "imdWhy": "why the area has no IMD 2025 rank (geo/need.py: England's index only, not a district, ...), or null",
    "aliases": "the other names the area registry gives it (its aliases, its English name and its names in other "
               "languages): what the Postcode field finds it by too",
}

# D.categories: a list of these objects (D.routes and D.groups are lists of labels)
CATEGORY_KEYS: dict[str, str] = {"key": "vocabulary key ('' for uncategorised)", "label": "label", "colour": "#rrggbb"}

# D.bands: a list of these objects
BAND_KEYS: dict[str, str] = {"label": "e.g. '3–5'", "colour": "#rrggbb", "low": "lowest value in it",
                             "high": "highest value in it"}

# D itself
TOP_LEVEL: dict[str, str] = {
    "title": "page title", "metric": "count or per-100k", "metricLabel": "legend title",
    "categories": "list of CATEGORY_KEYS objects", "routes": "labels", "groups": "labels",
    "costs": "labels", "delivery": "labels", "accessibility": "labels",
    "languages": "names of the languages the schemes shown use, by ISO 639 code order",
    "areas": "AREA_COLUMNS", "bands": "list of BAND_KEYS objects",
    "zero": "{label, border, count}: areas with no scheme", "border": "area outline colour",
    "schemes": "SCHEME_COLUMNS", "points": "POINT_COLUMNS", "strings": "every registry text, once",
    "boundaries": "GeoJSON FeatureCollection; each feature's properties.a indexes D.areas",
    "attribution": "attribution for the map control: boundaries, and postcode centres when used",
    "feedback": "the email address for suggested changes (the feedback_email setting), or null",
    "keys": "{routes, groups, costs, delivery, accessibility, languages, days}: the vocabulary keys (language "
            "codes, day keys mon..sun) in the order of the label lists, for filters in the page's address",
    "postcodes": "{districts, sectors}: name -> [lat, lon, index into D.areas], for the postcode search; "
                 "null without a postcode table",
    "places": "place name -> [lat, lon, index into D.areas], for the place-name search; null without a place-name "
              "table (the places setting)",
    "rules": "{email, adult, csvRisky, csvNumber}: sprx's own rules the page applies too, as Python declares them: "
             "the pattern of an email address before it becomes a mailto: link (core/words.py); the age from which a "
             "person may come as the parent or carer of a child a scheme's ages are for (core/model.ADULT); the "
             "first characters that make a CSV cell a formula, and the pattern of a number or phone left alone "
             "(render/tables.py spreadsheet_safe)",
    "need": "{axes: {need, provision}, unclassed}: the words of the need map's 3×3 legend (aggregate/need.py)",
    "pageUrl": "the page's published address (the public_url setting and its file name), or null: the print "
               "sheet and the e-mail link there, or to the page's own address when it is on the web",
    "shownColumns": "the columns of the 'schemes shown' CSV: the export's own (registry/fields.py flat_columns) "
                    "that the page's data has, in their order (mapdata.py SHOWN_COLUMNS)",
    "schemePages": "'schemes/' where the published site has a page per scheme beside the map (the page of "
                   "scheme ID is schemes/ID.html, render/schemepage.py), else null: results and cards link it",
    "staleAfter": "months after which an entry not verified is stale (--stale-after): the page flags what is "
                  "stale on the day it is read, as `validate` warns on the day it runs",
    "dataAsOf": "the data's date in words: 'Data as of 23 November 2026' (the newest last_verified), or that none "
                "is recorded",
    "englishLabels": "{categories, routes, groups, costs, delivery, accessibility}: the indices of the labels shown "
                     "in English for want of one in the page's language (the page marks them lang=\"en\")",
    "translated": "the scheme fields that may be translated (registry/fields.py TRANSLATED), in the order of the "
                  "bits of D.schemes.english",
    "language": "the page's language (BCP 47): Intl.PluralRules chooses a message's form by it",
    "direction": "ltr or rtl: the page's language's direction",
    "messages": "{name: {CLDR plural category: text with {n}}}: the words Python writes too, from the catalogue "
                "(core/messages.py; aggregate/counts.py TALLY names them)",
    "words": "{English message: its translation, or {CLDR plural category: text}}: the page's script's own words "
             "(t and tn in words.js), from the catalogue (core/messages.py); none for English",
    "calendar": "{months, pattern}: the month names and the order of a date in full ('{day} {month} {year}'), "
                "from Babel's CLDR data, for the print sheet's date",
    "search": "{schemes, labels, points, texts, stem}: what keywords search (core/keywords.py KEYWORD_FIELDS): "
              "columns of D.schemes, label lists the schemes index (categories, groups, areas), columns of "
              "D.points; texts: {categories, groups}: each term's labels and synonyms in every language "
              "(vocabulary Term.keyword_text); stem: whether typed words are cut to their English stem",
}

# The keys of D in the page's first block (id="sprx-areas"): everything the areas and their legend
# need, so that they are drawn before the schemes are read (id="sprx-data": every other key).
FIRST: tuple[str, ...] = ("title", "metric", "metricLabel", "categories", "areas", "bands", "zero", "border",
                          "boundaries", "attribution", "need", "language", "direction", "messages", "words",
                          "calendar")

