"""Open Referral UK (HSDS 3.0) out: a registry as a static feed of services.

Written from the field descriptions of the Human Services Data Specification 3.0 and its UK
profile (docs.openreferral.org). How sprx's fields map:

| sprx | HSDS 3.0 service |
| --- | --- |
| `id` (and `oruk_id`) | `id`: `oruk_id` when the scheme came from a feed, else a UUID derived from the id |
| `name`, `description` | `name`, `description` |
| `provider`, `charity_number` | `organization.name`, `organization.organization_identifiers` |
| `website`, `email`, `phone` | `url`, `email`, `phones[0].number` |
| `status` | `status`: active; paused = `temporarily closed` (`inactive` reads as paused); closed = `defunct` |
| `last_verified` | `assured_date` |
| `eligibility` | `minimum_age`, `maximum_age`, `eligibility_description` |
| `cost`, `cost_description` | `cost_options[0].option` (a `costs` key; amount 0 when free), `fees_description` |
| `how_to_refer` | `application_process` |
| `referral_email` | a contact named "Referrals" |
| `id` | also an attribute with `link_type` "sprx:id", so a feed sprx wrote imports with the same ids |
| `referral_url` | an attribute with `link_type` "sprx:referral_url" |
| `languages` | `languages[].code` |
| `hours`, `hours_note` | weekly `schedules` (`byday`, `opens_at`, `closes_at`); a schedule with only a `description` |
| `boroughs` | `service_areas[].uri`: the area's statistics.data.gov.uk URI (its GSS code) |
| `locations` | `service_at_locations[].location`: name, `addresses[0]` (address, `postal_code`), coordinates, `accessibility`, `schedules` |
| `categories`, `target_groups`, `referral_routes`, `delivery`, `accessibility` | `attributes` linking `taxonomy_terms` of the taxonomies `sprx:categories`, ... |
| `translations` | the extension property `sprx:translations`, `{language: {property: text}}`, on the service (`name`, `description`, `application_process`, `fees_description`, `eligibility_description`), its organization (`name`), its note schedule (`description`) and each location (`name`) |

The feed's pages (`services.json`, `services/page/N.json`) list each service's one-to-one fields
(HSDS 3.0's `service_list`: no phones, schedules, places, attributes; its organization without
identifiers); each service's own file, `services/<id>.json`, is the whole of it.

One feed for every language, rather than a feed per language: a service keeps one id, its text
in English where HSDS expects it, and a reader that knows the extension finds the Welsh beside it
(a feed per language would give aggregators the same ids twice with different text). `languages`
stays what HSDS means by it: the languages the service is delivered in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..core.languages import language_name
from ..core.model import Registry, Scheme
from .hsds import (BYDAY, GSS_URI, HSDS_VERSION, OPENAPI_URL, PLACED_BY, PROFILE, REFERRAL_URL, SERVICE_TEXTS, SPRX_ID,
                   STATUS_OUT, TAXONOMIES, TAXONOMY_DESCRIPTIONS, TRANSLATIONS, clean, dump, listed, page_bytes,
                   text, translations_out, uid)


def _term(vocab, list_name: str, key: str) -> dict:
    term = getattr(vocab, list_name)[key]
    return {"id": uid("term", f"{list_name}:{key}"), "code": key, "name": term.label, "description": term.label,
            "taxonomy": f"sprx:{list_name}", "taxonomy_id": uid("taxonomy", list_name)}


def taxonomies() -> list[dict]:
    """Each vocabulary list as a taxonomy."""
    return [{"id": uid("taxonomy", name), "name": f"sprx:{name}", "description": TAXONOMY_DESCRIPTIONS[name]}
            for name in TAXONOMIES]


def _organization(s: Scheme) -> dict | None:
    if not s.provider:
        return None
    oid = uid("organization", s.provider)
    identifiers = []
    if s.charity_number:
        scheme = "GB-SC" if s.charity_number.startswith("SC") else "GB-NIC" if s.charity_number.startswith("NI") \
            else "GB-CHC"
        identifiers.append({"id": uid("organization_identifier", f"{s.provider}:{s.charity_number}"),
                            "organization_id": oid, "identifier_scheme": scheme,
                            "identifier_type": "Charity number", "identifier": s.charity_number})
    return clean({"id": oid, "name": s.provider, "description": s.provider,
                   "organization_identifiers": identifiers,
                   TRANSLATIONS: translations_out(s.translations, {"provider": "name"})})


def _schedules(owner: str, hours, note: str | None = None, translations=(), **link) -> list[dict]:
    out = [clean({"id": uid("schedule", f"{owner}:{i}"), **link, "freq": "WEEKLY",
                   "byday": ",".join(BYDAY[d] for d in h.days), "opens_at": h.opens, "closes_at": h.closes})
           for i, h in enumerate(hours)]
    if note:
        out.append(clean({"id": uid("schedule", f"{owner}:note"), **link, "description": note,
                          TRANSLATIONS: translations_out(translations, {"hours_note": "description"})}))
    return out


def service_id(s: Scheme) -> str:
    """The service's id: the one it was imported with, else derived from the scheme id."""
    return s.oruk_id or uid("service", s.id)


def service(s: Scheme, registry: Registry, terms: dict | None = None) -> dict:
    """One scheme as a full HSDS 3.0 service (`terms`: the vocabulary's taxonomy terms by (list,
    key), when already made)."""
    sid = service_id(s)
    vocab = registry.vocabulary
    names = registry.areas.by_code
    org = _organization(s)
    locations = []
    for i, loc in enumerate(s.locations):
        lid = uid("location", f"{s.id}:{i}")
        placed = loc.lat is not None and loc.lon is not None
        address = ([{"id": uid("address", f"{s.id}:{i}"), "location_id": lid, "address_1": loc.address or "",
                     "city": "", "state_province": "", "postal_code": loc.postcode or "", "country": "GB",
                     "address_type": "physical"}] if loc.address or loc.postcode else [])
        location = clean({
            "id": lid, "location_type": "physical", "name": loc.name,
            "latitude": loc.lat if placed else None, "longitude": loc.lon if placed else None,
            "addresses": address,
            "accessibility": [{"id": uid("accessibility", f"{s.id}:{i}:{a}"), "location_id": lid,
                               "description": vocab.accessibility[a].label, "details": a} for a in loc.accessibility],
            "schedules": _schedules(lid, loc.hours, location_id=lid),
            # (so that an import knows the coordinates are the postcode's centre, not typed)
            "attributes": ([{"id": uid("attribute", f"{lid}:placed"), "link_id": lid, "link_type": PLACED_BY,
                             "link_entity": "location", "value": loc.coordinates_from}]
                           if placed and loc.coordinates_from else []),
            TRANSLATIONS: translations_out(loc.translations, {"name": "name"})})
        locations.append({"id": uid("service_at_location", f"{s.id}:{i}"), "service_id": sid, "location_id": lid,
                          "location": location})
    attributes = [{"id": uid("attribute", f"{s.id}:{name}:{key}"), "link_id": sid, "link_type": name,
                   "link_entity": "service", "taxonomy_term_id": uid("term", f"{name}:{key}"),
                   "taxonomy_term": terms[(name, key)] if terms else _term(vocab, name, key)}
                  for name in TAXONOMIES for key in getattr(s, name)]
    attributes.append({"id": uid("attribute", f"{s.id}:id"), "link_id": sid, "link_type": SPRX_ID,
                       "link_entity": "service", "value": s.id})
    if s.referral_url:
        attributes.append({"id": uid("attribute", f"{s.id}:referral_url"), "link_id": sid,
                           "link_type": REFERRAL_URL, "link_entity": "service", "value": s.referral_url})
    elig = s.eligibility
    return clean({
        "id": sid,
        "organization_id": org["id"] if org else None,
        "name": s.name,
        "description": s.description,
        "url": s.website,
        "email": s.email,
        "status": STATUS_OUT[s.status],
        "application_process": s.how_to_refer,
        "fees_description": s.cost_description,
        "eligibility_description": elig.description if elig else None,
        "minimum_age": elig.min_age if elig else None,
        "maximum_age": elig.max_age if elig else None,
        "assured_date": s.last_verified.isoformat() if s.last_verified else None,
        "phones": [{"id": uid("phone", s.id), "service_id": sid, "number": s.phone}] if s.phone else [],
        "schedules": _schedules(sid, s.hours, s.hours_note, s.translations, service_id=sid),
        "service_areas": [{"id": uid("service_area", f"{s.id}:{c}"), "service_id": sid, "name": names[c].name,
                           "uri": GSS_URI + c} for c in s.boroughs],
        "service_at_locations": locations,
        "languages": [{"id": uid("language", f"{s.id}:{c}"), "service_id": sid, "name": language_name(c), "code": c}
                      for c in s.languages],
        "organization": org,
        "cost_options": ([clean({"id": uid("cost_option", s.id), "service_id": sid, "option": s.cost,
                                  "amount": 0 if s.cost == "free" else None, "currency": "GBP",
                                  "amount_description": vocab.costs[s.cost].label})] if s.cost else []),
        "contacts": ([{"id": uid("contact", f"{s.id}:referrals"), "service_id": sid, "name": "Referrals",
                       "email": s.referral_email}] if s.referral_email else []),
        "attributes": attributes,
        TRANSLATIONS: translations_out(s.translations, SERVICE_TEXTS),
    })


class Feed:
    """The feed's documents, made as they are asked for, so that no more than one service is held
    at a time: `services()` gives each (scheme, service) in the feed's order (by scheme id), and
    `organizations()` every organization of the services given so far, by name."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self.schemes = sorted(registry.schemes, key=lambda s: s.id)
        vocab = registry.vocabulary
        self.terms = {(name, key): _term(vocab, name, key) for name in TAXONOMIES for key in getattr(vocab, name)}
        self.root = {"version": HSDS_VERSION, "profile": PROFILE, "openapi_url": OPENAPI_URL}
        self._organizations: dict[str, dict] = {}

    def services(self) -> Iterator[tuple[Scheme, dict]]:
        """Each scheme with its service, made now."""
        for s in self.schemes:
            doc = service(s, self.registry, self.terms)
            if org := doc.get("organization"):
                self._organizations[org["id"]] = org
            yield s, doc

    def organizations(self) -> list[dict]:
        """The organizations of the services given so far (all of them, once services() has ended)."""
        return sorted(self._organizations.values(), key=lambda o: (o["name"], o["id"]))


def whole(docs: list[dict]) -> bytes:
    """A list as one page holding all of it (how the feed writes the short lists)."""
    return page_bytes([text(d) for d in docs], 1, max(1, len(docs)), len(docs))


def export_feed(registry: Registry, page_size: int = 100) -> dict[str, bytes]:
    """The static feed: file path (relative to the feed's folder) -> bytes. Deterministic; each file
    the same bytes as the API's answer (`sprx serve`) to the same request."""
    return dict(sorted(feed_files(registry, page_size)))


def feed_files(registry: Registry, page_size: int = 100, feed: Feed | None = None,
               each: Callable[[Scheme, dict], None] | None = None) -> Iterator[tuple[str, bytes]]:
    """export_feed's files one at a time (path, bytes), made as they are asked for, so that a site's
    feed is never held whole in memory; `each` is given every (scheme, service) as it is made (the
    API's store is built from them in the same pass)."""
    feed = feed or Feed(registry)
    yield "index.json", dump(feed.root)
    total = len(feed.schemes)
    listing: list[str] = []  # (this page's services in their list form: each file has the whole)
    number = 1
    for scheme, doc in feed.services():
        if each is not None:
            each(scheme, doc)
        yield f"services/{doc['id']}.json", dump(doc)
        listing.append(text(listed(doc)))
        if len(listing) == page_size:
            yield _page_name(number), page_bytes(listing, number, page_size, total)
            number, listing = number + 1, []
    if listing or number == 1:
        yield _page_name(number), page_bytes(listing, number, page_size, total)
    yield "organizations.json", whole(feed.organizations())
    yield "taxonomies.json", whole(taxonomies())
    yield "taxonomy_terms.json", whole(list(feed.terms.values()))


def _page_name(number: int) -> str:
    return "services.json" if number == 1 else f"services/page/{number}.json"
