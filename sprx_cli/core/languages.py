"""Languages by ISO 639 code, from pycountry's ISO 639-3 table: the one lookup behind the field rule,
the importers and the map's language names.

A language's code is its two-letter ISO 639-1 code where it has one, else its three-letter code
('bfi' is British Sign Language).
"""

from __future__ import annotations

from functools import lru_cache


def _code_of(found) -> str:
    return getattr(found, "alpha_2", None) or found.alpha_3


def _by_code(text: str):
    import pycountry

    code = text.lower()
    if len(code) == 2:
        return pycountry.languages.get(alpha_2=code)
    if len(code) == 3:
        return pycountry.languages.get(alpha_3=code)
    return None


def language_code(text: str) -> str | None:
    """The code of the language `text` is a code of ('EN', 'eng' -> 'en'), or None."""
    found = _by_code(text)
    return _code_of(found) if found is not None else None


def language_named(text: str) -> str | None:
    """The code of the language `text` names or is a code of ('Welsh', 'cym', 'cy' -> 'cy'), or None."""
    found = _by_code(text)
    if found is None:
        found = _by_name().get(text.lower())
    return _code_of(found) if found is not None else None


@lru_cache(maxsize=1)
def _by_name() -> dict:
    """Each language by its names, folded to lower case, made once: pycountry's own lookup reads every
    language again for a word that names none (7 ms, for each header of a wide sheet)."""
    import pycountry

    index: dict = {}
    for found in pycountry.languages:
        for field in ("name", "common_name", "inverted_name"):
            if (name := getattr(found, field, None)) is not None:
                index.setdefault(name.lower(), found)
    return index


def language_name(code: str) -> str:
    """The English name of a language code ('bfi' -> 'British Sign Language'); the code when unknown."""
    found = _by_code(code)
    return found.name if found is not None else code
