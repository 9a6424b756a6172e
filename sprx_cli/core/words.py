"""Words: the patterns and small functions about text that every stage shares, each written once.

Slugs (ids and vocabulary keys), email addresses, names folded the way people write them, ids
made from names, suggestions for a near miss, and numbers written for people.
"""

from __future__ import annotations

import re
import string
import unicodedata
from datetime import date
from functools import lru_cache
from collections.abc import Iterable

# An id or a vocabulary key: lowercase letters, digits and single hyphens.
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# One email address: no space, quote, bracket or sign that would end it or change a mailto: link
# (?, # and % start a link's query, fragment or escape). The page's links use this pattern too.
EMAIL = re.compile(r"^[^@\s<>" '"' r"'(),;:?#%]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")  # (no backslash: JavaScript reads it too)
# A service's id in an Open Referral feed, as sprx keeps it (`oruk_id`): it names the feed's file
# `services/<id>.json` and is a path of the API, so it may hold no '/', no space and no leading dot.
FEED_ID = re.compile(r"^[A-Za-z0-9_~:-][A-Za-z0-9._~:-]{0,199}$")
ID_LENGTH = 60  # an id made from a name is cut to this many characters


def is_slug(text: str) -> bool:
    """Whether `text` is a slug: lowercase letters, digits and single hyphens."""
    return bool(SLUG.match(text))


def is_feed_id(text: str) -> bool:
    """Whether `text` may be a service's id in a feed sprx writes (FEED_ID)."""
    return bool(FEED_ID.match(text))


def is_email(text: str) -> bool:
    """Whether `text` is one email address."""
    return bool(EMAIL.match(text))


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The closest of `choices` to `word`, if any is close."""
    import difflib

    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return match[0] if match else None


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """A slug made from any text: 'Camden Walks!' -> 'camden-walks', "Men's Shed" -> 'mens-shed'."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(_NOT_SLUG.sub(" ", text.lower().replace("'", "")).split())


@lru_cache(maxsize=1 << 16)  # (an import makes an id of each row's name: chains repeat theirs)
def id_from_name(name: str) -> str:
    """A registry id made from a scheme's name (at most ID_LENGTH characters; 'scheme' for a name of
    no letters or digits)."""
    return slugify(name)[:ID_LENGTH].strip("-") or "scheme"


def unique_id(base: str, taken: set[str] | dict, tried: dict[str, int] | None = None) -> str:
    """`base`, or the first of base-2, base-3, ... that is not taken. `tried`: where ids are only ever
    added to `taken`, the number each base's search got to last time (so 5,000 rows of one name do
    not try 12.5 million ids)."""
    if tried is not None and base in tried:
        sid, n = f"{base}-{tried[base]}", tried[base] + 1
    else:
        sid, n = base, 2
    while sid in taken:
        sid, n = f"{base}-{n}", n + 1
    if tried is not None:
        tried[base] = 2 if sid == base else n
    return sid


# --- names as people write them -------------------------------------------------------------------

PREFIXES = ("london borough of ", "royal borough of ", "borough of ", "lb ", "the ")
# bytes.translate is several times faster than str.translate with a mapping
_ASCII_PUNCT = bytes.maketrans(string.punctuation.encode(), b" " * len(string.punctuation))


@lru_cache(maxsize=1 << 16)  # an import folds each row's name several times
def normalise_name(text: str) -> str:
    """Fold the ways people write a name: case, '&' for 'and', punctuation, prefixes."""
    s = text.casefold().replace("&", " and ")
    s = " ".join((s.encode().translate(_ASCII_PUNCT).decode() if s.isascii() else re.sub(r"[\W_]+", " ", s)).split())
    return _without_prefix(s)


def normalise_names(texts: list[str]) -> list[str]:
    """normalise_name of each text, folding the whole list at once (a registry's 100,000 names)."""
    if not texts:
        return []
    # NUL joins them: no registry text holds one (YAML refuses it; CSV goes to the csv module, which does)
    joined = "\0".join(texts).casefold().replace("&", " and ")
    if joined.count("\0") != len(texts) - 1:  # pragma: no cover - one by one
        return [normalise_name(t) for t in texts]
    # " ".join(t.split()) of each ASCII text, done to all at once (NUL is not whitespace: it stays)
    folded = " ".join(joined.encode().translate(_ASCII_PUNCT).decode().split())
    out = [s.strip(" ") for s in folded.split("\0")]
    if not joined.isascii():  # the others fold by Unicode's idea of a word character
        raw = joined.split("\0")
        for k in [k for k, t in enumerate(raw) if not t.isascii()]:
            out[k] = " ".join(re.sub(r"[\W_]+", " ", raw[k]).split())
    return [_without_prefix(s) if s.startswith(PREFIXES) else s for s in out]


def _without_prefix(s: str) -> str:
    for prefix in PREFIXES:
        if s.startswith(prefix) and len(s) > len(prefix):
            s = s[len(prefix):]
    return s


# --- for people -------------------------------------------------------------------------------------

def people(n: int) -> str:
    """A count for people to read: 5,000 rather than 5000."""
    return f"{n:,}"


def plural(n: int, word: str, words: str | None = None) -> str:
    """'1 scheme', '5,000 schemes'."""
    return f"{people(n)} {word if n == 1 else (words or word + 's')}"


def either(items: list[str]) -> str:
    """'a', 'a or b', 'a, b or c'."""
    return " or ".join([", ".join(items[:-1]), items[-1]] if len(items) > 1 else items)


def nice_date(d: date | None) -> str:
    """'23 November 2026', or a note that there is no date."""
    return f"{d.day} {d:%B %Y}" if d else "no verification dates recorded"
