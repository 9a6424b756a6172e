"""What a spreadsheet's column headers mean: the words people use for each of sprx's fields.

A header is folded (case, punctuation, '&', plurals) and matched by meaning: the whole header is
one of a field's phrases ("Post code", "Tel", "Web"), or it holds one ("Area name", "Venue
postcode", "Phone number (office)"), the most specific phrase winning ("Area name" is the area,
"Organisation name" the provider, "Name" the scheme). A header that matches nothing but nearly
spells a phrase gets a did-you-mean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..core.errors import UsageError
from ..core.words import did_you_mean
from ..registry.fields import TRANSLATED_COLUMNS

# Field (a location's field, or "contact") -> the phrases that mean it, folded (see fold). Listed
# most specific field first: where two fields' phrases are in one header, the longer phrase wins,
# then the field listed first.
HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("id", "ref", "reference", "scheme id", "service id", "record id"),
    "location_name": ("venue", "venue name", "location", "location name", "site", "site name", "premises",
                      "where it runs"),
    "address": ("address", "venue address", "street address", "address 1", "address line 1", "street",
                "full address"),
    "postcode": ("postcode", "post code", "postal code", "zip", "venue postcode"),
    "boroughs": ("borough", "area", "area name", "area code", "local authority", "la", "district", "council",
                 "gss code", "lad", "local authority district", "area served",
                 "areas covered", "coverage"),
    "provider": ("organisation", "organization", "provider", "run by", "org", "charity", "delivered by",
                 "organisation name", "organization name", "lead organisation"),
    "referral_url": ("referral form", "referral link", "referral url", "online referral"),
    "referral_email": ("referral email", "referrals email"),
    "how_to_refer": ("referral method", "referral process", "how to refer", "referrals", "how to access",
                     "how to get help", "how to join", "how to book"),
    "contact": ("contact", "contact details", "contact info", "contact information", "get in touch"),
    "email": ("email", "e mail", "email address", "contact email", "mail"),
    "phone": ("telephone", "phone", "tel", "phone number", "telephone number", "contact number", "mobile",
              "helpline", "number", "tel no"),
    "website": ("website", "url", "web", "web address", "web site", "link", "site url", "internet", "homepage"),
    "description": ("description", "details", "about", "summary", "what it offers", "what we offer",
                    "service description", "information", "more information", "notes about service"),
    "categories": ("category", "service type", "type of support", "type", "support type", "theme",
                   "service category"),
    "target_groups": ("target group", "client group", "user group", "audience"),
    "eligibility": ("eligibility", "who can use it", "who can join", "criteria", "eligibility criteria", "age",
                    "age range", "ages", "who for", "who it is for", "for", "who can use"),
    "min_age": ("min age", "minimum age", "age from", "youngest"),
    "max_age": ("max age", "maximum age", "age to", "oldest"),
    "cost": ("cost", "price", "fee", "charge", "free or paid", "costs"),
    "languages": ("language", "languages spoken", "languages offered"),
    "hours": ("opening times", "opening hours", "hours", "times", "when", "sessions", "days and times",
              "day and time", "days", "time", "session times", "availability", "open"),
    "charity_number": ("charity number", "charity no", "registered charity number", "charity reg no",
                       "charity registration number"),
    "status": ("status",),
    "last_verified": ("last verified", "last checked", "date checked", "verified", "checked on", "reviewed",
                      "last updated", "updated", "date updated"),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "long", "longitude"),
    "name": ("name", "scheme", "scheme name", "service", "service name", "project", "project name",
             "activity", "title", "group name", "food bank", "foodbank", "club"),
}
TARGETS = tuple(HEADERS)
_WORDS = re.compile(r"[a-z0-9]+")


def fold(header: str) -> str:
    """A header folded to its words: case, punctuation and '&' gone, simple plurals made singular."""
    words = _WORDS.findall(header.replace("\u00a0", " ").replace("&", " and ").lower())
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words)


_PHRASES = {target: tuple(dict.fromkeys(fold(p) for p in phrases)) for target, phrases in HEADERS.items()}
_EXACT: dict[str, str] = {}
for _target, _phrases in _PHRASES.items():
    for _p in _phrases:
        _EXACT.setdefault(_p, _target)


def meaning(header: str) -> str | None:
    """The field a header means, or None."""
    h = fold(header)
    if not h:
        return None
    if h in _EXACT:
        return _EXACT[h]
    padded = f" {h} "
    best: tuple[int, int] | None = None
    chosen = None
    for order, (target, phrases) in enumerate(_PHRASES.items()):
        for p in phrases:
            if f" {p} " in padded and (best is None or (len(p), -order) > best):
                best, chosen = (len(p), -order), target
    return chosen


# The fields whose text a column may give in another language ('Name (Welsh)' -> name_cy), and the
# Welsh headers of the commonest ones (a Welsh CVC's sheet: 'Enw', 'Disgrifiad').
TRANSLATED_HEADERS = tuple(c for c in TRANSLATED_COLUMNS if c in HEADERS)  # (the field table's, that a header can mean)
WELSH_HEADERS = {"enw": "name", "disgrifiad": "description", "darparwr": "provider", "sefydliad": "provider",
                 "sut i atgyfeirio": "how_to_refer", "cymhwysedd": "eligibility", "lleoliad": "location_name"}
_CODE_AFTER = re.compile(r"^(?P<rest>.+?)\s*[_(\[]\s*(?P<code>[A-Za-z]{2,3})\s*[)\]]?$")
_NOT_NAMES = frozenset(_EXACT) | frozenset(w for p in _EXACT for w in p.split())  # (words the fields use)


def translation_meaning(header: str) -> tuple[str, str] | None:
    """(field, language) of a column of text in another language than English: 'Name (Welsh)', 'Welsh
    name', 'Description in Welsh', 'name_cy', 'Name [cy]', 'Enw' -> ('name', 'cy'); None otherwise."""
    from ..core.languages import language_code, language_named

    h = fold(header)
    if h in WELSH_HEADERS:
        return WELSH_HEADERS[h], "cy"
    m = _CODE_AFTER.match(header.strip())
    if m and (code := language_code(m.group("code"))) and (field := meaning(m.group("rest"))) in TRANSLATED_HEADERS:
        return (field, code) if code != "en" and field is not None else None
    words = h.split()
    for i, word in enumerate(words):  # a language named in full ('welsh', 'cymraeg'), never a code: 'LA' is no Latin
        if len(word) < 4 or word in _NOT_NAMES:
            continue
        code = "cy" if word == "cymraeg" else language_named(word)
        rest = " ".join(w for k, w in enumerate(words) if k != i and w not in ("in", "language", "version"))
        if code and code != "en" and (field := meaning(rest)) in TRANSLATED_HEADERS and field is not None:
            return field, code
    return None


def translation_target(target: str) -> tuple[str, str] | None:
    """(field, language) of a mapping target of translated text ('name_cy'), or None."""
    field_name, _, code = target.rpartition("_")
    return (field_name, code) if field_name in TRANSLATED_HEADERS and 2 <= len(code) <= 3 else None


def near_miss(header: str) -> tuple[str, str] | None:
    """(the phrase, its field) a header nearly spells ('Telephne' -> 'telephone', phone), or None."""
    h = fold(header)
    if len(h) < 4:
        return None
    guess = did_you_mean(h, list(_EXACT), cutoff=0.8)
    return (guess, _EXACT[guess]) if guess else None


@dataclass
class Mapping:
    """Which column fills which field, the columns left out, and near misses among them."""

    used: dict[str, str] = field(default_factory=dict)  # field -> header
    unused: list[str] = field(default_factory=list)
    near: dict[str, tuple[str, str]] = field(default_factory=dict)  # unused header -> (phrase, field)


def choose_columns(header: list[str], given: dict[str, str]) -> Mapping:
    """Map headers to fields: those given (`--column FIELD=HEADER`) first, then each header by its meaning
    (the first header of a meaning wins)."""
    mapping = Mapping()
    by_fold: dict[str, str] = {}
    for h in header:
        by_fold.setdefault(fold(h), h)
    for target, h in given.items():
        if target not in TARGETS and translation_target(target) is None:
            raise UsageError("column", f"unknown field {target!r}; the fields are {', '.join(TARGETS)}")
        found = h if h in header else by_fold.get(fold(h))
        if found is None:
            raise UsageError("column", f"{target}={h}: the file has no column {h!r}; its columns are "
                             f"{', '.join(x for x in header if x)}")
        mapping.used[target] = found
    taken = set(mapping.used.values())
    for h in header:
        if not h or h in taken:
            continue
        translated = translation_meaning(h)
        guessed = f"{translated[0]}_{translated[1]}" if translated else meaning(h)
        if guessed is not None and guessed not in mapping.used:
            mapping.used[guessed] = h
            taken.add(h)
    mapping.unused = [h for h in header if h and h not in taken]
    for h in mapping.unused:
        miss = near_miss(h)
        if miss is not None and miss[1] not in mapping.used:
            mapping.near[h] = miss
    order = {h: i for i, h in enumerate(header)}
    mapping.used = dict(sorted(mapping.used.items(), key=lambda item: order[item[1]]))  # in the file's order
    return mapping
