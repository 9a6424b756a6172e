"""The HSDS 3.0 (UK profile) shapes the feed and the API must have, written for sprx from the
specification's field descriptions and the UK profile's compiled schemas (docs.openreferral.org;
github.com/OpenReferralUK/uk-profile, schema/compiled): the required fields, types, formats and
enumerations of the objects sprx writes. Not copied: written here from their definitions."""

from __future__ import annotations

UUID = {"type": "string", "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"}
TEXT = {"type": "string"}
TIME = {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}
DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}


def _obj(required: list[str], props: dict) -> dict:
    return {"type": "object", "required": required, "properties": props}


TERM = _obj(["id", "name", "description"], {"id": UUID, "code": TEXT, "name": TEXT, "description": TEXT,
                                            "taxonomy": TEXT, "taxonomy_id": UUID})
SCHEDULE = _obj(["id"], {"id": UUID, "service_id": UUID, "location_id": UUID, "freq": {"enum": ["WEEKLY", "MONTHLY"]},
                         "byday": {"type": "string", "pattern": "^(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*$"},
                         "opens_at": TIME, "closes_at": TIME, "description": TEXT})
ADDRESS = _obj(["id", "address_1", "city", "state_province", "postal_code", "country", "address_type"],
               {"id": UUID, "location_id": UUID, "address_type": {"enum": ["physical", "postal", "virtual"]},
                "country": {"type": "string", "pattern": "^[A-Z]{2}$"}})
LOCATION = _obj(["id", "location_type"], {
    "id": UUID, "location_type": {"enum": ["physical", "postal", "virtual"]}, "name": TEXT,
    "latitude": {"type": "number", "minimum": -90, "maximum": 90},
    "longitude": {"type": "number", "minimum": -180, "maximum": 180},
    "addresses": {"type": "array", "items": ADDRESS}, "schedules": {"type": "array", "items": SCHEDULE},
    "accessibility": {"type": "array", "items": _obj(["id"], {"id": UUID, "description": TEXT, "details": TEXT})},
    "attributes": {"type": "array", "items": _obj(["id"], {"id": UUID, "link_id": UUID, "link_type": TEXT,
                                                           "value": TEXT})}})
ORGANIZATION = _obj(["id", "name", "description"], {
    "id": UUID, "name": TEXT, "description": TEXT,
    "organization_identifiers": {"type": "array", "items": _obj(["id", "identifier_type", "identifier"], {})}})
SERVICE = _obj(["id", "name", "status"], {
    "id": UUID, "organization_id": UUID, "name": TEXT, "description": TEXT,
    "url": {"type": "string", "pattern": "^https?://"}, "email": {"type": "string", "pattern": "^[^@ ]+@[^@ ]+$"},
    "status": {"enum": ["active", "inactive", "defunct", "temporarily closed"]},
    "minimum_age": {"type": "number"}, "maximum_age": {"type": "number"}, "assured_date": DATE,
    "phones": {"type": "array", "items": _obj(["id", "number"], {"id": UUID, "number": TEXT})},
    "schedules": {"type": "array", "items": SCHEDULE},
    "service_areas": {"type": "array", "items": _obj(["id"], {
        "id": UUID, "uri": {"type": "string", "pattern": "^http://statistics.data.gov.uk/id/statistical-geography/"
                                                        "[ENSW][0-9]{8}$"}})},
    "service_at_locations": {"type": "array", "items": _obj(["id"], {"id": UUID, "service_id": UUID,
                                                                      "location_id": UUID, "location": LOCATION})},
    "languages": {"type": "array", "items": _obj(["id"], {"id": UUID, "code": TEXT, "name": TEXT})},
    "organization": ORGANIZATION,
    "cost_options": {"type": "array", "items": _obj(["id"], {"id": UUID, "amount": {"type": "number"},
                                                              "currency": {"const": "GBP"}})},
    "contacts": {"type": "array", "items": _obj(["id"], {"id": UUID})},
    "attributes": {"type": "array", "items": _obj(["id"], {"id": UUID, "link_id": UUID, "taxonomy_term_id": UUID,
                                                           "taxonomy_term": TERM})}})


def paged(item: dict) -> dict:
    return _obj(["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"],
                {"total_items": {"type": "integer"}, "total_pages": {"type": "integer", "minimum": 1},
                 "page_number": {"type": "integer", "minimum": 1}, "size": {"type": "integer"},
                 "first_page": {"type": "boolean"}, "last_page": {"type": "boolean"}, "empty": {"type": "boolean"},
                 "contents": {"type": "array", "items": item}})


TAXONOMY = _obj(["id", "name", "description"], {"id": UUID, "name": TEXT, "description": TEXT, "uri": TEXT,
                                                "version": TEXT})
SERVICE_AT_LOCATION = _obj(["id"], {"id": UUID, "service_id": UUID, "location_id": UUID, "location": LOCATION,
                                    "service": SERVICE})
ROOT_DOC = _obj(["version", "profile", "openapi_url"], {"version": {"const": "3.0"}, "profile": TEXT,
                                                        "openapi_url": TEXT})


def schema_for(path: str) -> dict:
    if path == "index.json":
        return ROOT_DOC
    if path == "services.json" or path.startswith("services/page/"):
        return paged(SERVICE)
    if path == "organizations.json":
        return paged(ORGANIZATION)
    if path == "taxonomy_terms.json":
        return paged(TERM)
    if path == "taxonomies.json":
        return paged(TAXONOMY)
    assert path.startswith("services/") and path.endswith(".json"), path
    return SERVICE


# The API's answers, by the path asked for (below the base URL): a page, or one thing
API_SHAPES = {"services": SERVICE, "organizations": ORGANIZATION, "taxonomies": TAXONOMY, "taxonomy_terms": TERM,
              "service_at_locations": SERVICE_AT_LOCATION}


def api_schema(path: str) -> dict:
    """The shape of the API's answer to GET `path` ('/', '/services', '/services/ID', ...)."""
    parts = [p for p in path.split("?")[0].split("/") if p]
    if not parts:
        return ROOT_DOC
    shape = API_SHAPES[parts[0]]
    return shape if len(parts) == 2 else paged(shape)
