"""A JSON Schema (draft 2020-12) of a YAML registry, made from the field table, the area registry
and the vocabulary, so that an editor with the YAML language server completes field names, areas
and vocabulary keys and flags mistakes while a keeper types.

The schema says what it can of sprx's rules: field names and types, required fields, vocabulary
keys, area names (in every spelling the area registry accepts), and the shape of dates, times,
web and email addresses. `sprx validate` remains the judge: it checks what a schema cannot
(dates in the future, coordinates inside their areas, duplicates, language codes).
"""

from __future__ import annotations

import re
from typing import Any

from ..core.areas import Areas
from ..core.model import DAYS, STATUSES
from ..core.vocabulary import Vocabulary
from ..core.words import EMAIL, FEED_ID, PREFIXES, SLUG, normalise_name
from ..registry.fields import ELIGIBILITY_PARTS, FIELDS, LOCATION_FIELDS_TABLE, PLACE_TRANSLATED, TRANSLATED, Field
from ..registry.rules import ISO_DATE, TIME

DRAFT = "https://json-schema.org/draft/2020-12/schema"
# YAML reads `name: 2024` or `phone: 02079460001` as numbers and `name: yes` as a boolean; sprx
# keeps every value as the text written, so a text field takes any scalar.
SCALAR = ["string", "number", "boolean"]


def _letters(text: str) -> str:
    """A pattern for `text` in any case: 'ab' -> '[Aa][Bb]'."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() and c.upper() != c.lower() else re.escape(c)
                   for c in text)


def _spelling(key: str) -> str:
    """A pattern for every way of writing a name that normalises to `key` (areas.normalise_name):
    any case, any punctuation or spacing between words, '&' for 'and', an optional prefix."""
    words = [(_letters(w) if w != "and" else f"(?:{_letters(w)}|&)") for w in key.split()]
    prefixes = "|".join(r"[\W_]*".join(_letters(w) for w in p.split()) for p in PREFIXES)
    return rf"(?:(?:{prefixes})[\W_]+)?" + r"[\W_]*".join(words)


def area_schema(areas: Areas) -> dict[str, Any]:
    """An area by name, alias or code: the canonical names and codes to complete, and a pattern that
    accepts every spelling the area registry resolves."""
    if not areas.areas:
        return {"type": "string"}
    keys = sorted(set(areas.lookup) | {normalise_name(a.name) for a in areas.areas})
    pattern = r"^[\W_]*(?:" + "|".join(_spelling(k) for k in keys) + r")[\W_]*$"
    suggestions = sorted({a.name for a in areas.areas} | {a.code for a in areas.areas})
    return {"anyOf": [{"enum": suggestions}, {"type": "string", "pattern": pattern}]}


def write_schema(schema: dict[str, Any]) -> str:
    """The schema as stable, readable JSON text."""
    import json

    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def _one_or_many(item: dict[str, Any]) -> dict[str, Any]:
    """A list field: a list of items, or a single item written without brackets."""
    return {"anyOf": [item, {"type": "array", "items": {"anyOf": [item, {"type": "null"}]}}, {"type": "null"}]}


def _padded(pattern: re.Pattern, before: str = "") -> str:
    """A rule's whole-value pattern (^...$) with the spaces a YAML value may have around it."""
    return rf"^\s*{before}(?:{pattern.pattern[1:-1]})\s*$"


_WEB = r"^\s*[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]+"  # the address's start only: the rule itself is urlsplit's
PATTERNS = {
    "last_verified": _padded(ISO_DATE),
    "website": _WEB,
    "referral_url": _WEB,
    "email": _padded(EMAIL, "(?:mailto:)?"),
    "referral_email": _padded(EMAIL, "(?:mailto:)?"),
    "id": _padded(SLUG),
    "oruk_id": _padded(FEED_ID),
}


def _text(f: Field, vocab: Vocabulary) -> dict[str, Any]:
    if f.vocabulary:
        return {"description": f.description, "anyOf": [{"enum": list(vocab.terms(f.vocabulary))}, {"type": "null"}]}
    if f.name == "status":
        return {"description": f.description,
                "anyOf": [{"enum": list(STATUSES)}, {"type": "string", "pattern": "^\\s*(?:" + "|".join(
                    _letters(s) for s in STATUSES) + ")\\s*$"}, {"type": "null"}]}
    schema: dict[str, Any] = {"description": f.description, "type": SCALAR + ["null"]}
    if f.name in PATTERNS:
        schema["pattern"] = PATTERNS[f.name]
    return schema


def _field(f: Field, areas: Areas, vocab: Vocabulary) -> dict[str, Any]:
    if f.kind == "text":
        return _text(f, vocab)
    if f.kind == "list":
        if f.vocabulary:
            item: dict[str, Any] = {"enum": list(vocab.terms(f.vocabulary))}
        elif f.codes_column:  # areas
            item = area_schema(areas)
        else:
            item = {"type": "string", "pattern": r"^\s*[A-Za-z]{2,3}\s*$"}  # language codes
        return {"description": f.description, **_one_or_many(item)}
    if f.kind == "mapping":
        parts = {p.name: {"description": p.description, "type": SCALAR + ["null"]} for p in ELIGIBILITY_PARTS}
        return {"description": f.description, "anyOf": [
            {"type": "object", "properties": parts, "additionalProperties": False}, {"type": ["string", "null"]}]}
    if f.kind == "translations":
        names = PLACE_TRANSLATED if f in LOCATION_FIELDS_TABLE else TRANSLATED
        texts = {"type": "object", "additionalProperties": False,
                 "properties": {n: {"type": SCALAR + ["null"]} for n in names}}
        return {"description": f.description, "anyOf": [
            {"type": "object", "propertyNames": {"pattern": r"^\s*[A-Za-z]{2,3}\s*$"},
             "additionalProperties": {"anyOf": [texts, {"type": "null"}]}}, {"type": "null"}]}
    if f.kind == "hours":
        time = {"type": "string", "pattern": _padded(TIME)}

        day = {"type": "string", "pattern": "^\\s*(?:" + "|".join(_letters(d) for d in DAYS) + ")"}
        opening = {"type": "object", "properties": {"days": {"anyOf": [{"type": "array", "items": day}, day]},
                                                      "opens": time, "closes": time},
                   "required": ["days", "opens", "closes"], "additionalProperties": False}
        return {"description": f.description,
                "anyOf": [{"type": "array", "items": {"anyOf": [opening, {"type": "null"}]}},
                          {"type": ["string", "null"]}]}
    location = {"type": "object", "additionalProperties": False,
                "properties": {p.name: _field(p, areas, vocab) for p in LOCATION_FIELDS_TABLE}}
    return {"description": f.description,
            "anyOf": [{"type": "array", "items": {"anyOf": [location, {"type": "null"}]}}, {"type": "null"}]}


def registry_schema(areas: Areas, vocab: Vocabulary, title: str = "sprx scheme registry") -> dict[str, Any]:
    """The JSON Schema of a YAML scheme registry for these areas and this vocabulary."""
    properties: dict[str, Any] = {}
    for f in FIELDS:
        properties[f.name] = _field(f, areas, vocab)
        for alias in f.aliases:
            properties[alias] = {**properties[f.name], "description": f"another name for '{f.name}'"}
    required_by_name = [f for f in FIELDS if f.required]
    scheme = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        # a required field may be given under one of its names, never two
        "allOf": [({"oneOf": [{"required": [f.name]}, *({"required": [a]} for a in f.aliases)]}
                   if f.aliases else {"required": [f.name]}) for f in required_by_name],
    }
    return {
        "$schema": DRAFT,
        "title": title,
        "description": "A registry of social-prescribing schemes, for sprx. Made by `sprx schema`; "
                       "`sprx validate` checks what a schema cannot.",
        "type": "object",
        "properties": {"schemes": {"type": ["array", "null"], "items": scheme}},
        "required": ["schemes"],
        "additionalProperties": False,
    }
