"""HSDS's tabular form: one CSV per table, rows linked by ids, assembled into the JSON form's nesting."""

from __future__ import annotations

from typing import Any

from .imported import ImportFailed

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
        raise ImportFailed(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
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
        raise ImportFailed(f"{folder}: the tabular form needs a services.csv with at least one row")
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
