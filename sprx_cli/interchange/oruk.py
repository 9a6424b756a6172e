"""Open Referral UK (HSDS 3.0): a registry as a static feed, and feeds back into registry records.

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
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..core.model import Registry, Scheme
from .writer import id_from_name

HSDS_VERSION = "3.0"
PROFILE = "https://github.com/OpenReferralUK/uk-profile"
NAMESPACE = uuid.UUID("3d6f3b0e-5a52-5c36-9a0e-7370727873a1")  # sprx's own: ids derived from it are stable
GSS_URI = "http://statistics.data.gov.uk/id/statistical-geography/"
STATUS_OUT = {"active": "active", "paused": "temporarily closed", "closed": "defunct"}
STATUS_IN = {"active": "active", "inactive": "paused", "temporarily closed": "paused", "defunct": "closed"}
TAXONOMIES = ("categories", "target_groups", "referral_routes", "delivery", "accessibility")
BYDAY = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}
DAY_OF = {v: k for k, v in BYDAY.items()}
GSS = re.compile(r"\b([ENSW]\d{8})\b")
SPRX_ID, REFERRAL_URL = "sprx:id", "sprx:referral_url"  # attributes with a value and no taxonomy term


def uid(kind: str, key: str) -> str:
    """A UUID for this kind of thing and key: the same every time (re-exports keep their ids)."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def _clean(d: dict) -> dict:
    """Leave out what is not known (None, empty lists): HSDS fields are optional unless required."""
    return {k: v for k, v in d.items() if v is not None and v != []}


# --- export ---------------------------------------------------------------------------------------

def _term(vocab, list_name: str, key: str) -> dict:
    term = getattr(vocab, list_name)[key]
    return {"id": uid("term", f"{list_name}:{key}"), "code": key, "name": term.label, "description": term.label,
            "taxonomy": f"sprx:{list_name}", "taxonomy_id": uid("taxonomy", list_name)}


def taxonomy_terms(registry: Registry) -> list[dict]:
    """Every vocabulary entry as a taxonomy term, list by list."""
    vocab = registry.vocabulary
    return [_term(vocab, name, key) for name in TAXONOMIES for key in getattr(vocab, name)]


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
    return _clean({"id": oid, "name": s.provider, "description": s.provider,
                   "organization_identifiers": identifiers})


def _schedules(owner: str, hours, note: str | None = None, **link) -> list[dict]:
    out = [_clean({"id": uid("schedule", f"{owner}:{i}"), **link, "freq": "WEEKLY",
                   "byday": ",".join(BYDAY[d] for d in h.days), "opens_at": h.opens, "closes_at": h.closes})
           for i, h in enumerate(hours)]
    if note:
        out.append({"id": uid("schedule", f"{owner}:note"), **link, "description": note})
    return out


def service_id(s: Scheme) -> str:
    """The service's id: the one it was imported with, else derived from the scheme id."""
    return s.oruk_id or uid("service", s.id)


def service(s: Scheme, registry: Registry) -> dict:
    """One scheme as a full HSDS 3.0 service."""
    sid = service_id(s)
    vocab = registry.vocabulary
    names = registry.areas.by_code
    org = _organization(s)
    locations = []
    for i, loc in enumerate(s.locations):
        lid = uid("location", f"{s.id}:{i}")
        typed = loc.coordinates_from is None
        address = ([{"id": uid("address", f"{s.id}:{i}"), "location_id": lid, "address_1": loc.address or "",
                     "city": "", "state_province": "", "postal_code": loc.postcode or "", "country": "GB",
                     "address_type": "physical"}] if loc.address or loc.postcode else [])
        location = _clean({
            "id": lid, "location_type": "physical", "name": loc.name,
            "latitude": loc.lat if typed else None, "longitude": loc.lon if typed else None,
            "addresses": address,
            "accessibility": [{"id": uid("accessibility", f"{s.id}:{i}:{a}"), "location_id": lid,
                               "description": vocab.accessibility[a].label, "details": a} for a in loc.accessibility],
            "schedules": _schedules(lid, loc.hours, location_id=lid)})
        locations.append({"id": uid("service_at_location", f"{s.id}:{i}"), "service_id": sid, "location_id": lid,
                          "location": location})
    attributes = [{"id": uid("attribute", f"{s.id}:{name}:{key}"), "link_id": sid, "link_type": name,
                   "link_entity": "service", "taxonomy_term_id": uid("term", f"{name}:{key}"),
                   "taxonomy_term": _term(vocab, name, key)}
                  for name in TAXONOMIES for key in getattr(s, name)]
    attributes.append({"id": uid("attribute", f"{s.id}:id"), "link_id": sid, "link_type": SPRX_ID,
                       "link_entity": "service", "value": s.id})
    if s.referral_url:
        attributes.append({"id": uid("attribute", f"{s.id}:referral_url"), "link_id": sid,
                           "link_type": REFERRAL_URL, "link_entity": "service", "value": s.referral_url})
    elig = s.eligibility
    return _clean({
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
        "schedules": _schedules(sid, s.hours, s.hours_note, service_id=sid),
        "service_areas": [{"id": uid("service_area", f"{s.id}:{c}"), "service_id": sid, "name": names[c].name,
                           "uri": GSS_URI + c} for c in s.boroughs],
        "service_at_locations": locations,
        "languages": [{"id": uid("language", f"{s.id}:{c}"), "service_id": sid, "name": _language_name(c), "code": c}
                      for c in s.languages],
        "organization": org,
        "cost_options": ([_clean({"id": uid("cost_option", s.id), "service_id": sid, "option": s.cost,
                                  "amount": 0 if s.cost == "free" else None, "currency": "GBP",
                                  "amount_description": vocab.costs[s.cost].label})] if s.cost else []),
        "contacts": ([{"id": uid("contact", f"{s.id}:referrals"), "service_id": sid, "name": "Referrals",
                       "email": s.referral_email}] if s.referral_email else []),
        "attributes": attributes,
    })


def _language_name(code: str) -> str:
    from ..registry.fields import language_name

    return language_name(code)


def _page(items: list, number: int, size: int, total: int) -> dict:
    pages = max(1, -(-total // size))
    return {"total_items": total, "total_pages": pages, "page_number": number, "size": len(items),
            "first_page": number == 1, "last_page": number == pages, "empty": not items, "contents": items}


def _dump(doc: Any) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


def export_feed(registry: Registry, page_size: int = 100) -> dict[str, bytes]:
    """The static feed: file path (relative to the feed's folder) -> bytes. Deterministic."""
    schemes = sorted(registry.schemes, key=lambda s: s.id)
    services = [service(s, registry) for s in schemes]
    files: dict[str, bytes] = {"index.json": _dump({"version": HSDS_VERSION, "profile": PROFILE,
                                                    "openapi_url": "https://raw.githubusercontent.com/openreferral/"
                                                                   "specification/3.0/schema/openapi.json"})}
    total = len(services)
    for n in range(max(1, -(-total // page_size))):
        page = _page(services[n * page_size:(n + 1) * page_size], n + 1, page_size, total)
        files["services.json" if n == 0 else f"services/page/{n + 1}.json"] = _dump(page)
    for doc in services:
        files[f"services/{doc['id']}.json"] = _dump(doc)
    orgs = {o["id"]: o for o in (doc.get("organization") for doc in services) if o}
    files["organizations.json"] = _dump(_page(sorted(orgs.values(), key=lambda o: o["name"]), 1, max(1, len(orgs)),
                                              len(orgs)))
    terms = taxonomy_terms(registry)
    files["taxonomy_terms.json"] = _dump(_page(terms, 1, max(1, len(terms)), len(terms)))
    return dict(sorted(files.items()))


# --- import -----------------------------------------------------------------------------------------

@dataclass
class Note:
    """Something the importer changed or left out, where it was, and why."""

    where: str  # file and JSON pointer, or file and row
    what: str
    why: str


@dataclass
class Imported:
    """Registry records made from a feed, and every note about what was changed or left out."""

    records: list[dict] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


class ImportError_(Exception):
    """Nothing usable: not HSDS JSON, or no service in it."""


_SERVICE_KEYS = {"status", "service_areas", "service_at_locations", "organization_id", "eligibility_description",
                 "application_process", "cost_options", "schedules"}


def _is_service(d: Any) -> bool:
    """A service, not an organization or taxonomy term: HSDS requires a service's status."""
    return isinstance(d, dict) and not {"taxonomy", "taxonomy_id"} & d.keys() and bool(_SERVICE_KEYS & d.keys())


def services_in(doc: Any) -> list[tuple[str, dict]]:
    """The services of a document with the JSON pointer of each: a paged list, a list, or one service."""
    if isinstance(doc, dict) and isinstance(doc.get("contents"), list):
        return [(f"/contents/{i}", s) for i, s in enumerate(doc["contents"]) if _is_service(s)]
    if isinstance(doc, list):
        return [(f"/{i}", s) for i, s in enumerate(doc) if _is_service(s)]
    return [("", doc)] if _is_service(doc) else []


def _text(v: Any) -> str | None:
    if v is None:
        return None
    text = str(v).replace("\u00a0", " ").strip()
    return text or None


def _age(v: Any) -> str | None:
    if isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer():
        return str(int(v))
    return _text(v)


class Importer:
    """Maps HSDS 3.0 services to registry records (as a keeper would write them)."""

    def __init__(self, registry: Registry, taxonomy_map: dict[str, str] | None = None):
        self.registry = registry
        self.vocab = registry.vocabulary
        self.taxonomy_map = {k.strip().lower(): v for k, v in (taxonomy_map or {}).items()}
        self.out = Imported()
        self.ids: set[str] = set()
        self.seen_oruk: dict[str, str] = {}
        self.seen_name: dict[tuple[str, str], str] = {}
        self.same: dict[str, dict] = {}
        self.postcode_table = None

    def note(self, where: str, what: str, why: str) -> None:
        self.out.notes.append(Note(where.removesuffix("#"), what, why))

    def add(self, source: str, pointer: str, svc: dict) -> None:
        """One service: a record, or a note saying why it was left out."""
        where = f"{source}#{pointer}"
        name = _text(svc.get("name"))
        if not name:
            self.note(where, "service left out", "it has no name")
            return
        oruk_id = _text(svc.get("id"))
        if oruk_id and self.same.get(oruk_id) == svc:  # the same service again (a feed's list and its own file)
            return
        if oruk_id and oruk_id in self.seen_oruk:
            self.note(where, f"service {name!r} left out", f"its id {oruk_id} is used by an earlier service "
                      f"({self.seen_oruk[oruk_id]})")
            return
        locations = self._locations(where, svc)
        first_address = next((p.get("address") or p.get("postcode") for p in locations), "") or ""
        key = (name.lower(), first_address.lower())
        if key in self.seen_name:
            self.note(where, f"service {name!r} left out", f"same name and address as {self.seen_name[key]}")
            return
        own = next((_text(a.get("value")) for a in svc.get("attributes") or []
                    if isinstance(a, dict) and a.get("link_type") == SPRX_ID), None)
        sid = base = own if own and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", own) else id_from_name(name)
        n = 2
        while sid in self.ids:
            sid, n = f"{base}-{n}", n + 1
        areas = self._areas(where, svc, locations)
        if not areas:
            self.note(where, f"service {name!r} left out", "it serves none of this registry's areas")
            return
        self.ids.add(sid)
        if oruk_id:
            self.seen_oruk[oruk_id] = where
            self.same[oruk_id] = svc
        self.seen_name[key] = where
        record: dict[str, Any] = {"id": sid, "name": name, "boroughs": areas}
        org = svc.get("organization") if isinstance(svc.get("organization"), dict) else {}
        record["provider"] = _text(org.get("name"))
        record["description"] = _text(svc.get("description"))
        lists = self._attributes(where, svc)
        record.update(lists)
        elig = {"min_age": _age(svc.get("minimum_age")), "max_age": _age(svc.get("maximum_age")),
                "description": _text(svc.get("eligibility_description"))}
        record["eligibility"] = {k: v for k, v in elig.items() if v is not None}
        record.update(self._cost(where, svc))
        record["languages"] = self._languages(where, svc)
        record["hours"], record["hours_note"] = self._hours(svc.get("schedules"))
        record["how_to_refer"] = _text(svc.get("application_process"))
        record["referral_url"] = next((_text(a.get("value")) for a in svc.get("attributes") or []
                                       if isinstance(a, dict) and a.get("link_type") == REFERRAL_URL), None)
        record["referral_email"] = next((_text(c.get("email")) for c in svc.get("contacts") or []
                                         if isinstance(c, dict) and (c.get("name") or "").lower() == "referrals"), None)
        record["locations"] = locations
        record["website"] = _text(svc.get("url"))
        record["email"] = _text(svc.get("email"))
        phones = [p for p in svc.get("phones") or [] if isinstance(p, dict) and _text(p.get("number"))]
        record["phone"] = _text(phones[0]["number"]) if phones else None
        if len(phones) > 1:
            self.note(f"{where}/phones", "phones after the first left out", "a scheme has one phone number")
        record["charity_number"] = next((_text(i.get("identifier")) for i in org.get("organization_identifiers") or []
                                         if isinstance(i, dict) and "charit" in (i.get("identifier_type") or "").lower()),
                                        None)
        status = (_text(svc.get("status")) or "active").lower()
        record["status"] = STATUS_IN.get(status)
        if record["status"] is None:
            self.note(f"{where}/status", f"status {status!r} read as active", "not an HSDS 3.0 status")
            record["status"] = "active"
        assured = _text(svc.get("assured_date"))
        record["last_verified"] = assured[:10] if assured else None
        record["oruk_id"] = oruk_id
        self.out.records.append(record)

    def _areas(self, where: str, svc: dict, locations: list[dict]) -> list[str]:
        areas = self.registry.areas
        found: list[str] = []
        for i, sa in enumerate(svc.get("service_areas") or []):
            if not isinstance(sa, dict):
                continue
            codes = GSS.findall(" ".join(str(sa.get(k) or "") for k in ("uri", "extent", "name")))
            code = next((c for c in codes if c in areas.by_code), None)
            if code is None and sa.get("name"):
                code = areas.resolve(str(sa["name"]))
            if code is None:
                self.note(f"{where}/service_areas/{i}", f"service area {sa.get('name') or sa.get('uri')!r} left out",
                          "not one of this registry's areas")
            elif code not in found:
                found.append(code)
        if found or self.registry.boundaries is None:
            return [areas.by_code[c].name for c in found]
        points = [(p["lat"], p["lon"]) for p in locations if "lat" in p]
        by_postcode = [p["postcode"] for p in locations if "lat" not in p and p.get("postcode")]
        if by_postcode and self.registry.sources.postcodes:
            points += [c for c in self._postcodes().find(by_postcode) if c is not None]
        if points:
            from ..geo.boundaries import areas_containing

            inside = areas_containing(self.registry.boundaries, [float(a) for a, _ in points],
                                      [float(b) for _, b in points])
            found = sorted({c for codes in inside for c in codes})
            if found:
                self.note(f"{where}/service_areas", "areas taken from where its locations are (or their postcodes)",
                          "the service names no area of this registry")
        return [areas.by_code[c].name for c in found]

    def _postcodes(self):
        """The registry's postcode table, read once when first needed."""
        if self.postcode_table is None:
            from pathlib import Path

            from ..geo.postcodes import PostcodeTableError, load_postcodes

            try:
                self.postcode_table = load_postcodes(Path(self.registry.sources.postcodes))
            except PostcodeTableError as exc:
                raise ImportError_(str(exc)) from None
        return self.postcode_table

    def _attributes(self, where: str, svc: dict) -> dict[str, list[str]]:
        lists: dict[str, list[str]] = {name: [] for name in TAXONOMIES}
        for i, a in enumerate(svc.get("attributes") or []):
            if not isinstance(a, dict) or a.get("link_type") in (SPRX_ID, REFERRAL_URL):
                continue
            term = a.get("taxonomy_term") if isinstance(a.get("taxonomy_term"), dict) else {}
            taxonomy = str(term.get("taxonomy") or "")
            code = _text(term.get("code"))
            name = _text(term.get("name"))
            if taxonomy.startswith("sprx:") and taxonomy[5:] in lists and code in getattr(self.vocab, taxonomy[5:]):
                target, key = taxonomy[5:], code
            else:
                key = next((self.taxonomy_map[k.lower()] for k in (code, name, _text(a.get("taxonomy_term_id")))
                            if k and k.lower() in self.taxonomy_map), None)
                target = "categories"
                if key is None or key not in self.vocab.categories:
                    self.note(f"{where}/attributes/{i}", f"taxonomy term {name or code!r} left out",
                              "no --taxonomy-map entry maps it to a category" if key is None else
                              f"--taxonomy-map maps it to {key!r}, which is not a category key")
                    continue
            if key not in lists[target]:
                lists[target].append(key)
        return lists

    def _cost(self, where: str, svc: dict) -> dict[str, str | None]:
        costs = self.vocab.costs
        labels = {t.label.lower(): k for k, t in costs.items()}
        cost = None
        options = [o for o in svc.get("cost_options") or [] if isinstance(o, dict)]
        for o in options:
            option = (_text(o.get("option")) or "").lower()
            cost = option if option in costs else labels.get(option)
            if cost is None and o.get("amount") == 0 and "free" in costs:
                cost = "free"
            if cost:
                break
        if options and cost is None:
            self.note(f"{where}/cost_options", "cost left out", "no cost option matches a key of 'costs'")
        description = _text(svc.get("fees_description"))
        return {"cost": cost, "cost_description": description}

    def _languages(self, where: str, svc: dict) -> list[str]:
        import pycountry

        out = []
        for i, lang in enumerate(svc.get("languages") or []):
            if not isinstance(lang, dict):
                continue
            code = (_text(lang.get("code")) or "").lower()
            found = None
            if code:
                found = pycountry.languages.get(**{"alpha_2" if len(code) == 2 else "alpha_3": code})
            if found is None and _text(lang.get("name")):
                try:
                    found = pycountry.languages.lookup(_text(lang.get("name")))
                except LookupError:
                    found = None
            if found is None:
                self.note(f"{where}/languages/{i}", f"language {lang.get('name') or code!r} left out",
                          "not an ISO 639 language")
                continue
            key = getattr(found, "alpha_2", None) or found.alpha_3
            if key not in out:
                out.append(key)
        return out

    def _hours(self, schedules: Any) -> tuple[list[dict], str | None]:
        hours, notes = [], []
        for sch in schedules or []:
            if not isinstance(sch, dict):
                continue
            days = [DAY_OF.get(d.strip().upper()) for d in str(sch.get("byday") or "").split(",") if d.strip()]
            opens, closes = _text(sch.get("opens_at")), _text(sch.get("closes_at"))
            if days and None not in days and opens and closes:
                hours.append({"days": days, "opens": opens[:5], "closes": closes[:5]})
            elif _text(sch.get("description")) or _text(sch.get("notes")):
                notes.append(_text(sch.get("description")) or _text(sch.get("notes")))
        return hours, "; ".join(notes) or None

    def _locations(self, where: str, svc: dict) -> list[dict]:
        out = []
        for i, sal in enumerate(svc.get("service_at_locations") or []):
            loc = sal.get("location") if isinstance(sal, dict) else None
            if not isinstance(loc, dict):
                continue
            addresses = [a for a in loc.get("addresses") or [] if isinstance(a, dict)]
            address = addresses[0] if addresses else {}
            line = ", ".join(x for x in (_text(address.get(k)) for k in ("address_1", "address_2", "city")) if x)
            place: dict[str, Any] = {"name": _text(loc.get("name")), "address": line or None,
                                     "postcode": _text(address.get("postal_code"))}
            lat, lon = loc.get("latitude"), loc.get("longitude")
            if isinstance(lat, (int, float)) and isinstance(lon, (int, float)) and not (lat == 0 and lon == 0) \
                    and abs(lat) <= 90 and abs(lon) <= 180:
                place["lat"], place["lon"] = lat, lon
            elif lat is not None or lon is not None:
                self.note(f"{where}/service_at_locations/{i}/location", "coordinates left out",
                          f"latitude {lat!r}, longitude {lon!r} are not a place"
                          + ("; placed by its postcode instead" if place["postcode"] else ""))
            keys = {t.label.lower(): k for k, t in self.vocab.accessibility.items()}
            access = []
            for a in loc.get("accessibility") or []:
                if isinstance(a, dict):
                    key = _text(a.get("details"))
                    key = key if key in self.vocab.accessibility else keys.get((_text(a.get("description")) or "").lower())
                    if key and key not in access:
                        access.append(key)
            place["accessibility"] = access
            place["hours"], _ = self._hours(loc.get("schedules"))
            out.append({k: v for k, v in place.items() if v not in (None, [], "")})
        return [p for p in out if p]


def import_documents(docs: Iterable[tuple[str, Any]], registry: Registry,
                     taxonomy_map: dict[str, str] | None = None) -> Imported:
    """Records from HSDS documents, each given as (source name, parsed JSON)."""
    importer = Importer(registry, taxonomy_map)
    found = False
    for source, doc in docs:
        services = services_in(doc)
        if not services:
            importer.note(source, "file left out", "no HSDS 3.0 service in it (organizations, taxonomy terms and "
                          "the API root are not needed)")
        for pointer, svc in services:
            found = True
            importer.add(source, pointer, svc)
    if not found:
        raise ImportError_("no HSDS 3.0 service found")
    return importer.out


def read_documents(path) -> list[tuple[str, Any]]:
    """The JSON documents at `path`: one file, or every .json file in a folder (sorted, recursively)."""
    from pathlib import Path

    path = Path(path)
    if path.is_dir():
        if (path / "datapackage.json").is_file() or (path / "services.csv").is_file():
            return tabular_services(path)
        files = sorted(p for p in path.rglob("*.json") if p.is_file())
    else:
        files = [path]
    docs = []
    for f in files:
        try:
            docs.append((str(f), json.loads(f.read_text(encoding="utf-8-sig"))))
        except UnicodeDecodeError as exc:
            raise ImportError_(f"{f}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        except json.JSONDecodeError as exc:
            raise ImportError_(f"{f}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    if not docs:
        raise ImportError_(f"{path}: no .json file")
    return docs


def registry_tables(sources) -> Registry:
    """The registry's areas, vocabulary and boundaries (what an import maps onto), without schemes."""
    from pathlib import Path

    from ..core.areas import load_areas
    from ..geo.boundaries import load_boundaries
    from ..core.vocabulary import load_vocabulary

    reg = Registry(sources)
    reg.areas, _ = load_areas(Path(sources.boroughs), sources.boroughs)
    reg.vocabulary, _ = load_vocabulary(Path(sources.vocabulary), sources.vocabulary)
    if reg.areas.areas:
        reg.boundaries, _ = load_boundaries(Path(sources.boundaries), sources.boundaries, reg.areas,
                                            sources.code_field, sources.name_field, sources.crs)
    return reg


# The tabular form: one CSV per table, rows linked by ids. Assembled into the JSON form's nesting.
_NUMBERS = ("latitude", "longitude", "minimum_age", "maximum_age", "amount")


def _read_table(folder, name: str) -> list[dict]:
    import csv
    from pathlib import Path

    path = Path(folder) / f"{name}.csv"
    if not path.is_file():
        return []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportError_(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    rows = []
    for row in csv.DictReader(text.splitlines(), strict=False):
        clean = {}
        for k, v in row.items():
            if k is None or v is None or not str(v).strip():
                continue
            v = v.strip()
            if k in _NUMBERS:
                try:
                    v = float(v)
                except ValueError:
                    pass
            clean[k.strip()] = v
        rows.append(clean)
    return rows


def _by(rows: list[dict], key: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in rows:
        if r.get(key):
            out.setdefault(r[key], []).append(r)
    return out


def tabular_services(folder) -> list[tuple[str, Any]]:
    """The services of HSDS's tabular form (services.csv with organizations.csv, locations.csv,
    service_at_locations.csv, addresses.csv, schedules.csv, service_areas.csv, phones.csv, languages.csv,
    cost_options.csv, contacts.csv, attributes.csv, taxonomy_terms.csv, accessibility.csv,
    organization_identifiers.csv), each as one service document named by its row."""
    services = _read_table(folder, "services")
    if not services:
        raise ImportError_(f"{folder}: the tabular form needs a services.csv with at least one row")
    t = {name: _read_table(folder, name) for name in (
        "organizations", "locations", "service_at_locations", "addresses", "schedules", "service_areas", "phones",
        "languages", "cost_options", "contacts", "attributes", "taxonomy_terms", "accessibility",
        "organization_identifiers")}
    orgs = {o["id"]: o for o in t["organizations"] if o.get("id")}
    identifiers = _by(t["organization_identifiers"], "organization_id")
    terms = {x["id"]: x for x in t["taxonomy_terms"] if x.get("id")}
    addresses, access = _by(t["addresses"], "location_id"), _by(t["accessibility"], "location_id")
    loc_schedules = _by([r for r in t["schedules"] if not r.get("service_id")], "location_id")
    locations = {}
    for loc in t["locations"]:
        if loc.get("id"):
            locations[loc["id"]] = {**loc, "addresses": addresses.get(loc["id"], []),
                                    "accessibility": access.get(loc["id"], []),
                                    "schedules": loc_schedules.get(loc["id"], [])}
    per_service = {name: _by(t[name], "service_id") for name in (
        "service_at_locations", "schedules", "service_areas", "phones", "languages", "cost_options", "contacts")}
    attributes = _by(t["attributes"], "link_id")
    docs = []
    for row, svc in enumerate(services, start=2):
        sid = svc.get("id", "")
        org = orgs.get(svc.get("organization_id", ""))
        doc = {**svc, "status": svc.get("status", "active"),
               "organization": ({**org, "organization_identifiers": identifiers.get(org["id"], [])} if org else None),
               **{name: rows.get(sid, []) for name, rows in per_service.items() if name != "service_at_locations"},
               "service_at_locations": [{**sal, "location": locations.get(sal.get("location_id", ""))}
                                        for sal in per_service["service_at_locations"].get(sid, [])],
               "attributes": [{**a, "taxonomy_term": terms.get(a.get("taxonomy_term_id", ""))}
                              for a in attributes.get(sid, [])]}
        docs.append((f"{folder}/services.csv row {row}", doc))
    return docs
