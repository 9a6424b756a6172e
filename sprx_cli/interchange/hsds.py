"""Open Referral UK (HSDS 3.0): what sprx's export and import share, from the Human Services Data
Specification 3.0 and its UK profile (docs.openreferral.org): versions, status and day words,
the taxonomies sprx's vocabulary lists become, and ids derived from sprx's own namespace."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from typing import Any

HSDS_VERSION = "3.0"
PROFILE = "https://github.com/OpenReferralUK/uk-profile"
NAMESPACE = uuid.UUID("3d6f3b0e-5a52-5c36-9a0e-7370727873a1")  # sprx's own: ids derived from it are stable
_NAMESPACE_BYTES = NAMESPACE.bytes
GSS_URI = "http://statistics.data.gov.uk/id/statistical-geography/"
STATUS_OUT = {"active": "active", "paused": "temporarily closed", "closed": "defunct"}
STATUS_IN = {"active": "active", "inactive": "paused", "temporarily closed": "paused", "defunct": "closed"}
TAXONOMIES = ("categories", "target_groups", "referral_routes", "delivery", "accessibility")
BYDAY = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}
DAY_OF = {v: k for k, v in BYDAY.items()}
GSS = re.compile(r"\b([ENSW]\d{8})\b")
SPRX_ID, REFERRAL_URL = "sprx:id", "sprx:referral_url"  # attributes with a value and no taxonomy term
PLACED_BY = "sprx:coordinates_from"  # a location attribute: "postcode" when sprx placed it at its postcode's centre
# An extension property (HSDS 3.0 allows documented ones): an object's text in other languages,
# {language: {its own property: text}} on a service, its organization, its note schedule, a location.
TRANSLATIONS = "sprx:translations"
# The service's text sprx translates, by the HSDS property that carries it (the rest: provider ->
# organization.name, hours_note -> the note schedule's description, a place's name -> location.name)
SERVICE_TEXTS = {"name": "name", "description": "description", "how_to_refer": "application_process",
                 "cost_description": "fees_description", "eligibility": "eligibility_description"}


def translations_out(translations, fields: dict[str, str]) -> dict | None:
    """An object's `sprx:translations` from sprx's Translations: {language: {HSDS property: text}},
    `fields` naming the property of each sprx field; None when there are none."""
    out = {code: {fields[f]: text for f, text in texts if f in fields} for code, texts in translations}
    return {code: texts for code, texts in out.items() if texts} or None


def translations_in(obj: dict, fields: dict[str, str]) -> dict[str, dict[str, str]]:
    """sprx's {language: {field: text}} from an object's `sprx:translations` (`fields`: sprx field ->
    HSDS property); what is not text is left out."""
    given = obj.get(TRANSLATIONS) if isinstance(obj, dict) else None
    back = {prop: f for f, prop in fields.items()}
    out: dict[str, dict[str, str]] = {}
    for code, texts in (given.items() if isinstance(given, dict) else ()):
        for prop, value in (texts.items() if isinstance(texts, dict) else ()):
            if prop in back and isinstance(value, str) and value.strip():
                out.setdefault(str(code), {})[back[prop]] = value.strip()
    return out
# What each vocabulary list is, as a taxonomy (HSDS requires a description).
TAXONOMY_DESCRIPTIONS = {"categories": "What a scheme offers", "target_groups": "Who a scheme is for",
                         "referral_routes": "How people are referred to a scheme",
                         "delivery": "How a scheme is delivered", "accessibility": "How accessible a place is"}
OPENAPI_URL = "https://raw.githubusercontent.com/OpenReferralUK/uk-profile/main/schema/openapi.json"


def uid(kind: str, key: str) -> str:
    """A UUID for this kind of thing and key: the same every time (re-exports keep their ids).
    str(uuid.uuid5(NAMESPACE, "kind:key")), made without a UUID object (a feed of 100,000 services
    makes millions of them)."""
    h = bytearray(hashlib.sha1(_NAMESPACE_BYTES + f"{kind}:{key}".encode()).digest()[:16])
    h[6] = (h[6] & 0x0F) | 0x50  # version 5
    h[8] = (h[8] & 0x3F) | 0x80  # the RFC 4122 variant
    x = h.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def clean(d: dict) -> dict:
    """Leave out what is not known (None, empty lists): HSDS fields are optional unless required."""
    return {k: v for k, v in d.items() if v is not None and v != []}


def page(items: list, number: int, size: int, total: int) -> dict:
    """One page of a paged response, with the page fields HSDS 3.0 names."""
    pages = max(1, -(-total // size))
    return {"total_items": total, "total_pages": pages, "page_number": number, "size": len(items),
            "first_page": number == 1, "last_page": number == pages, "empty": not items, "contents": items}


def listed(doc: dict) -> dict:
    """A service as HSDS 3.0's lists give it (`service_list`, "only one-to-one fields"): every field
    that is not a list, its organization's too; the service's own document has the rest."""
    return {k: listed(v) if k == "organization" and isinstance(v, dict) else v
            for k, v in doc.items() if not isinstance(v, list)}


def text(doc: Any) -> str:
    """A document as the feed and the API write it: UTF-8 JSON on one line (json.dumps' separators)."""
    return json.dumps(doc, ensure_ascii=False)


def dump(doc: Any) -> bytes:
    """A feed document as a file or a response body."""
    return (text(doc) + "\n").encode("utf-8")


def page_bytes(items: list[str], number: int, size: int, total: int) -> bytes:
    """dump(page(...)) of items already written by `text`, without reading them again: the static
    feed and the API make every page with this, so the same page is the same bytes."""
    head = text(page([], number, size, total) | {"size": len(items), "empty": not items})
    return (head[:-len("[]}")] + "[" + ", ".join(items) + "]}\n").encode("utf-8")
