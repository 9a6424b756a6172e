"""Open Referral UK (HSDS 3.0) in: services from a feed (JSON or the tabular form) as registry records,
each value mapped as a keeper would write it, and a note for every value changed or left out."""

from __future__ import annotations

import json
from typing import Any
from collections.abc import Iterable

from ..core.languages import language_code, language_named
from ..core.limits import MAX_DIGITS
from ..core.model import Registry
from ..core.words import id_from_name, is_feed_id, is_slug, unique_id
from .hsds import DAY_OF, GSS, PLACED_BY, REFERRAL_URL, SERVICE_TEXTS, SPRX_ID, STATUS_IN, TAXONOMIES, translations_in
from .imported import CONTROL_WHY, Imported, ImportFailed, Note, without_controls


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


def _within(part: dict, whole: dict) -> bool:
    """Whether the service `part` is `whole` or a shorter form of it (fields left out, none different)."""
    return part is whole or all(k in whole and (v == whole[k] or (isinstance(v, dict) and isinstance(whole[k], dict)
                                                                  and _within(v, whole[k])))
                                for k, v in part.items())


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
        self.number = 0  # the service being read, counted from 1 across the feed
        self.shared: dict[str, int] = {}  # an id -> how many services of the feed have it

    def note(self, where: str, what: str, why: str, kind: str = "left-out") -> None:
        self.out.notes.append(Note(where.removesuffix("#"), what, why, kind, self.number))

    def add(self, source: str, pointer: str, svc: dict) -> None:
        """One service: a record, or a note saying why it was left out."""
        where = f"{source}#{pointer}"
        self.number += 1
        self.out.rows += 1
        name = _text(svc.get("name"))
        if not name:
            self.note(where, "service left out", "it has no name", "service-left-out")
            return
        oruk_id = _text(svc.get("id"))
        if oruk_id and self.same.get(oruk_id) == svc:  # the same service again (a feed's list and its own file)
            return
        if oruk_id and oruk_id in self.seen_oruk:
            self.note(where, f"service {name!r} left out", f"its id {oruk_id} is used by an earlier service "
                      f"({self.seen_oruk[oruk_id]})", "service-left-out")
            return
        locations = self._locations(where, svc)
        first_address = next((p.get("address") or p.get("postcode") for p in locations), "") or ""
        key = (name.lower(), first_address.lower())
        if key in self.seen_name:
            self.note(where, f"service {name!r} left out", f"same name and address as {self.seen_name[key]}",
                      "service-left-out")
            return
        own = next((_text(a.get("value")) for a in svc.get("attributes") or []
                    if isinstance(a, dict) and a.get("link_type") == SPRX_ID), None)
        sid = unique_id(own if own and is_slug(own) else id_from_name(name), self.ids)
        areas = self._areas(where, svc, locations)
        if not areas:
            self.note(where, f"service {name!r} left out", "it serves none of this registry's areas",
                      "service-left-out")
            return
        self.ids.add(sid)
        if oruk_id:
            self.seen_oruk[oruk_id] = where
            self.same[oruk_id] = svc
        self.seen_name[key] = where
        record: dict[str, Any] = {"id": sid, "name": name, "boroughs": areas}
        org = given if isinstance(given := svc.get("organization"), dict) else {}
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
                                         if isinstance(i, dict)
                                         and "charit" in (i.get("identifier_type") or "").lower()), None)
        status = (_text(svc.get("status")) or "active").lower()
        record["status"] = STATUS_IN.get(status)
        if record["status"] is None:
            self.note(f"{where}/status", f"status {status!r} read as active", "not an HSDS 3.0 status", "other")
            record["status"] = "active"
        assured = _text(svc.get("assured_date"))
        record["last_verified"] = assured[:10] if assured else None
        if oruk_id and not is_feed_id(oruk_id):  # (it would name a file of the feed sprx writes)
            self.note(f"{where}/id", f"id {oruk_id[:80]!r} not kept", "it has a character a feed's file name or "
                      "address cannot hold; the service gets an id of sprx's own", "other")
            oruk_id = None
        record["oruk_id"] = oruk_id
        record["translations"] = self._translations(svc, org)
        record["_row"] = self.number
        for name in without_controls(record):
            self.note(f"{where}/{name}", f"control characters taken out of {name}", CONTROL_WHY, "control")
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
                          "the service names no area of this registry", "area-from-place")
        return [areas.by_code[c].name for c in found]

    def _postcodes(self):
        """The registry's postcode table, read once when first needed."""
        if self.postcode_table is None:
            from pathlib import Path

            from ..geo.postcodes import PostcodeTableError, load_postcodes

            try:
                self.postcode_table = load_postcodes(Path(self.registry.sources.postcodes))
            except PostcodeTableError as exc:
                raise ImportFailed(str(exc)) from None
        return self.postcode_table

    def _attributes(self, where: str, svc: dict) -> dict[str, list[str]]:
        lists: dict[str, list[str]] = {name: [] for name in TAXONOMIES}
        for i, a in enumerate(svc.get("attributes") or []):
            if not isinstance(a, dict) or a.get("link_type") in (SPRX_ID, REFERRAL_URL):
                continue
            term = given if isinstance(given := a.get("taxonomy_term"), dict) else {}
            taxonomy = str(term.get("taxonomy") or "")
            code = _text(term.get("code"))
            name = _text(term.get("name"))
            key: str | None
            if (code and taxonomy.startswith("sprx:") and taxonomy[5:] in lists
                    and code in getattr(self.vocab, taxonomy[5:])):
                target, key = taxonomy[5:], code
            else:
                key = next((self.taxonomy_map[k.lower()] for k in (code, name, _text(a.get("taxonomy_term_id")))
                            if k and k.lower() in self.taxonomy_map), None)
                target = "categories"
                if key is None or key not in self.vocab.categories:
                    self.note(f"{where}/attributes/{i}", f"taxonomy term {name or code!r} left out",
                              "no entry of the taxonomy map maps it to a category" if key is None else
                              f"the taxonomy map maps it to {key!r}, which is not a category key")
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
        out = []
        for i, lang in enumerate(svc.get("languages") or []):
            if not isinstance(lang, dict):
                continue
            code = (_text(lang.get("code")) or "").lower()
            name = _text(lang.get("name"))
            key = (language_code(code) if code else None) or (language_named(name) if name else None)
            if key is None:
                self.note(f"{where}/languages/{i}", f"language {lang.get('name') or code!r} left out",
                          "not an ISO 639 language")
                continue
            if key not in out:
                out.append(key)
        return out

    @staticmethod
    def _translations(svc: dict, org: dict) -> dict | None:
        """The service's text in other languages, from sprx's extension (`sprx:translations`) on it, its
        organization and its note schedule."""
        out = translations_in(svc, SERVICE_TEXTS)
        for code, texts in translations_in(org, {"provider": "name"}).items():
            out.setdefault(code, {}).update(texts)
        for sch in svc.get("schedules") or []:
            for code, texts in translations_in(sch, {"hours_note": "description"}).items():
                out.setdefault(code, {}).update(texts)
        return out or None

    def _hours(self, schedules: Any) -> tuple[list[dict], str | None]:
        hours, notes = [], []
        for sch in schedules or []:
            if not isinstance(sch, dict):
                continue
            days = [DAY_OF.get(d.strip().upper()) for d in str(sch.get("byday") or "").split(",") if d.strip()]
            opens, closes = _text(sch.get("opens_at")), _text(sch.get("closes_at"))
            if days and None not in days and opens and closes:
                hours.append({"days": days, "opens": opens[:5], "closes": closes[:5]})
            elif note := _text(sch.get("description")) or _text(sch.get("notes")):
                notes.append(note)
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
            if place["postcode"] and any(isinstance(a, dict) and a.get("link_type") == PLACED_BY
                                         and a.get("value") == "postcode" for a in loc.get("attributes") or []):
                lat = lon = None  # sprx placed it at its postcode's centre: the postcode places it again
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
                    if key not in self.vocab.accessibility:
                        key = keys.get((_text(a.get("description")) or "").lower())
                    if key and key not in access:
                        access.append(key)
            place["accessibility"] = access
            place["hours"], _ = self._hours(loc.get("schedules"))
            place["translations"] = translations_in(loc, {"name": "name"}) or None
            out.append({k: v for k, v in place.items() if v not in (None, [], "")})
        return [p for p in out if p]


def import_documents(docs: Iterable[tuple[str, Any]], registry: Registry,
                     taxonomy_map: dict[str, str] | None = None) -> Imported:
    """Records from HSDS documents, each given as (source name, parsed JSON)."""
    importer = Importer(registry, taxonomy_map)
    found = False
    read = [(source, services_in(doc)) for source, doc in docs]
    # the different services each id names, each in its fullest form: a feed's pages list a service's
    # one-to-one fields only (HSDS 3.0's service_list), its own file the whole of it
    ids: dict[str, list[tuple[str, str, dict]]] = {}
    for source, services in read:
        for pointer, svc in services:
            if sid := _text(svc.get("id")):
                kept = ids.setdefault(sid, [])
                for i, (_, _, other) in enumerate(kept):
                    if _within(svc, other):
                        break
                    if _within(other, svc):
                        kept[i] = (source, pointer, svc)
                        break
                else:
                    kept.append((source, pointer, svc))
    # ids the whole feed shares among services that differ, said once each, before any is left out
    for oruk_id, sharing in ids.items():
        if len(sharing) > 1:
            importer.out.notes.append(Note(
                "the feed", f"id {oruk_id} is used by {len(sharing):,} different services",
                "each service needs its own id: only the first is imported; ask the feed's keepers to fix it",
                "duplicate-id"))
    for source, services in read:
        if not services:
            importer.note(source, "file left out", "no HSDS 3.0 service in it (organizations, taxonomy terms and "
                          "the API root are not needed)", "file")
        for pointer, svc in services:
            found = True
            fuller = next((k for k in ids.get(_text(svc.get("id")) or "", ()) if _within(svc, k[2])), None)
            importer.add(*(fuller or (source, pointer, svc)))
    if not found:
        raise ImportFailed("no HSDS 3.0 service found")
    return importer.out


def read_documents(path) -> list[tuple[str, Any]]:
    """The JSON documents at `path`: one file, or every .json file in a folder (sorted, recursively)."""
    from pathlib import Path

    path = Path(path)
    if path.is_dir():
        if (path / "datapackage.json").is_file() or (path / "services.csv").is_file():
            from .hsds_tabular import tabular_services

            return tabular_services(path)
        files = sorted(p for p in path.rglob("*.json") if p.is_file())
    else:
        files = [path]
    docs = []
    for f in files:
        try:
            # (a whole number of thousands of digits kept as its text: the rule that reads it says why not)
            docs.append((str(f), json.loads(f.read_text(encoding="utf-8-sig"),
                                            parse_int=lambda s: int(s) if len(s) <= MAX_DIGITS else s)))
        except RecursionError:
            raise ImportFailed(f"{f}: lists or objects nested too deep to read (more than about a thousand "
                               "levels)", "an Open Referral UK feed needs fewer than ten") from None
        except UnicodeDecodeError as exc:
            raise ImportFailed(f"{f}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        except json.JSONDecodeError as exc:
            raise ImportFailed(f"{f}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    if not docs:
        raise ImportFailed(f"{path}: no .json file")
    return docs
