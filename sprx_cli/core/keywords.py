"""Keywords: how words a person types find schemes (the finder, the map's search box; the API's
`search` later). Declared here once; the page's data carries `KEYWORD_FIELDS` to the script
(static/keywords.js), which folds text the same way as `fold`.

Every word typed must start a word of the scheme's text, in any order ("befriend" finds
"Befriending"), with case and accents folded ("cafe" finds "Café").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

# What the keywords search: the scheme's own texts, the labels of its categories and areas, and
# its places' names (page data names: D.schemes columns, label lists, D.points columns).
KEYWORD_FIELDS: dict[str, tuple[str, ...]] = {
    "schemes": ("name", "description", "provider"),
    "labels": ("categories", "areas"),
    "points": ("name",),
}


def fold(text: str) -> str:
    """Text as keywords compare it: lower case, accents taken off, anything but letters and digits a
    space ('Café, Bromley-by-Bow' -> 'cafe bromley by bow')."""
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(" " if not ch.isalnum() else ch for ch in decomposed
                   if not unicodedata.category(ch).startswith("M"))
    return " ".join(kept.lower().split())


def words(query: str) -> list[str]:
    """The words of what was typed, folded."""
    return fold(query).split()


def matches(query_words: list[str], texts: Iterable[str | None]) -> bool:
    """Whether every word starts a word of these texts."""
    haystack = " " + " ".join(fold(t) for t in texts if t) + " "
    return all(" " + w in haystack for w in query_words)


def scheme_texts(scheme, labels: dict) -> list[str]:
    """The texts the keywords search for one scheme, field by field of KEYWORD_FIELDS (for the API's
    index; the page reads the same fields from its data). `labels`: for each label list, the
    function naming one key ({"categories": vocabulary label, "areas": area name})."""
    texts = [getattr(scheme, f) for f in KEYWORD_FIELDS["schemes"]]
    keys = {"categories": scheme.categories, "areas": scheme.boroughs}
    texts += [labels[kind](k) for kind in KEYWORD_FIELDS["labels"] for k in keys[kind]]
    texts += [getattr(loc, f) for f in KEYWORD_FIELDS["points"] for loc in scheme.locations]
    # and the same text in other languages (keywords find a scheme in any of them)
    texts += [text for _, given in scheme.translations for f, text in given if f in KEYWORD_FIELDS["schemes"]]
    texts += [text for loc in scheme.locations for _, given in loc.translations for f, text in given
              if f in KEYWORD_FIELDS["points"]]
    return [t for t in texts if t]
