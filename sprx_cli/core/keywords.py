"""Keywords: how words a person types find schemes (the finder, the map's search box; the API's
`search` later). Declared here once; the page's data carries `KEYWORD_FIELDS` to the script
(static/keywords.js), which folds text the same way as `fold`.

Every word typed must start a word of the scheme's text, in any order ("befriend" finds
"Befriending"), with case and accents folded ("cafe" finds "Café"). An English word is first cut to
its stem ("walking" finds "walks", "families" finds "family"; `stem`). A scheme's categories and
target groups are found by their labels and the synonyms the vocabulary gives them in every
language ("exercise" finds physical activity; Term.keyword_text).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# What the keywords search: the scheme's own texts, the labels of its categories and areas, and
# its places' names (page data names: D.schemes columns, label lists, D.points columns).
KEYWORD_FIELDS: dict[str, tuple[str, ...]] = {
    "schemes": ("name", "description", "provider"),
    "labels": ("categories", "groups", "areas"),
    "points": ("name",),
}
STEMMED = ("en",)  # the languages whose words `stem` knows (a page in another leaves words whole)
_DOUBLED = ("bb", "dd", "gg", "mm", "nn", "pp", "rr", "tt")


def stem(word: str) -> str:
    """A folded English word cut to a stem its other forms start with ('walking' -> 'walk', 'swimming'
    -> 'swim', 'families' -> 'famil', 'classes' -> 'class', 'walks' -> 'walk'); short words, words
    with digits and words no rule fits are kept whole. Cautious: a stem only finds more.
    static/keywords.js has the same rules (tests compare them)."""
    if len(word) < 4 or any(ch.isdigit() for ch in word):
        return word
    for suffix, undouble in (("ings", True), ("ing", True), ("ies", False), ("ied", False), ("ed", True)):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            cut = word[: -len(suffix)]
            return cut[:-1] if undouble and cut[-2:] in _DOUBLED and len(cut) > 3 else cut
    if word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")) and len(word) >= 5:
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) >= 4:
        return word[:-1]
    return word


_NOT_ASCII_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Text as keywords compare it: lower case, accents taken off, anything but letters and digits a
    space ('Café, Bromley-by-Bow' -> 'cafe bromley by bow')."""
    if text.isascii():  # (most text: the same answer without a look at each character)
        return " ".join(_NOT_ASCII_ALNUM.sub(" ", text.lower()).split())
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(" " if not ch.isalnum() else ch for ch in decomposed
                   if not unicodedata.category(ch).startswith("M"))
    return " ".join(kept.lower().split())


_fold_recurring = lru_cache(maxsize=4096)(fold)  # (labels and providers: the same for thousands of schemes)


def scheme_words(scheme, labels: dict) -> str:
    """fold() of a scheme's scheme_texts as one text (the API's index of it), text by text: the
    labels' texts, the same for many schemes (and not ASCII where they carry Welsh), folded once."""
    return " ".join(f for f in map(_fold_recurring, scheme_texts(scheme, labels)) if f)


def words(query: str) -> list[str]:
    """The words of what was typed, folded."""
    return fold(query).split()


def matches(query_words: list[str], texts: Iterable[str | None], stemmed: bool = True) -> bool:
    """Whether every word (cut to its stem, `stemmed`) starts a word of these texts."""
    haystack = " " + " ".join(fold(t) for t in texts if t) + " "
    return all(" " + (stem(w) if stemmed else w) in haystack for w in query_words)


def label_texts(vocabulary, areas: dict) -> dict:
    """For each label list of KEYWORD_FIELDS, the function giving one key's text that keywords search:
    a category's or group's labels and synonyms, an area's name (`areas`: code -> Area)."""
    return {"categories": lru_cache(maxsize=None)(lambda k: _term_text(vocabulary.categories, k)),
            "groups": lru_cache(maxsize=None)(lambda k: _term_text(vocabulary.target_groups, k)),
            "areas": lambda c: areas[c].name if c in areas else c}


def _term_text(terms: dict, key: str) -> str:
    return terms[key].keyword_text() if key in terms else key


def scheme_texts(scheme, labels: dict) -> list[str]:
    """The texts the keywords search for one scheme, field by field of KEYWORD_FIELDS (for the API's
    index; the page reads the same fields from its data). `labels`: label_texts()."""
    texts = [getattr(scheme, f) for f in KEYWORD_FIELDS["schemes"]]
    keys = {"categories": scheme.categories, "groups": scheme.target_groups, "areas": scheme.boroughs}
    texts += [labels[kind](k) for kind in KEYWORD_FIELDS["labels"] for k in keys[kind]]
    texts += [getattr(loc, f) for f in KEYWORD_FIELDS["points"] for loc in scheme.locations]
    # and the same text in other languages (keywords find a scheme in any of them)
    texts += [text for _, given in scheme.translations for f, text in given if f in KEYWORD_FIELDS["schemes"]]
    texts += [text for loc in scheme.locations for _, given in loc.translations for f, text in given
              if f in KEYWORD_FIELDS["points"]]
    return [t for t in texts if t]
