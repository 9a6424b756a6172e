"""The field table: every scheme and location field declared once, with its rule.

Each field names its rule (registry/rules.py: one value in, the normalised value or a `Fault`
out). `evaluate` applies a field's type, requirement and rule to a raw
value as written and returns the value and every fault found, with where in the value it is.

Both lanes of `check.check_registry` call these: the column lane (each distinct value once,
for speed) and the per-record checker (which words every problem at its line or row). The CSV
columns, the README's field table and the exports follow the same declarations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from ..core.model import DEFAULT_STATUS, Eligibility, Hours, Location
from .rules import (HOURS_TEXT, Context, Fault, Finding, Rule, age, age_order, ages_of, area, as_text, charity_number,
                    degrees, email, email_address, feed_id, language, opening, past_date, postcode, quoted, slug,
                    status, term, unknown_field, web_address, website, wrong_type)
from .translations import evaluate_translations

LIST_SEPARATOR = ";"  # between the items of a list field in a CSV cell


# --- the table ---------------------------------------------------------------------------------

Kind = Literal["text", "list", "mapping", "hours", "locations", "translations"]


@dataclass(frozen=True)
class Field:
    """One registry field: how it is written, whether it is required, its rule and its docs."""

    name: str
    kind: Kind
    description: str  # the README's "meaning and rules"
    rule: Rule | None = None  # for a list, applied to each item
    required: bool = False
    missing_hint: str | None = None
    vocabulary: str | None = None  # the vocabulary list its values come from
    csv: str | None = None  # its CSV column (None: not a column of its own)
    type: str = "text"  # the README's "type"
    default: Any = None  # the value when none is given
    repeats: Literal["drop", "warn"] = "drop"  # a list item given twice
    item_noun: str = "value"  # what one list item is called in messages
    repeated: bool = False  # few distinct values recur across records: worth remembering verdicts
    codes_column: str | None = None  # exports: a column of the codes beside the names (area lists)
    parts: tuple[Field, ...] = ()  # a mapping's (or a location's) own fields
    aliases: tuple[str, ...] = ()  # other names the field may be written under (never two at once)
    translatable: bool = False  # text people read: may be given in other languages too (`translations`)


LOCATION_FIELDS_TABLE: tuple[Field, ...] = (
    Field("name", "text", "the place's name", csv="location_name", translatable=True),
    Field("address", "text", "street address", csv="address"),
    Field("postcode", "text", "a UK postcode", postcode, csv="postcode"),
    Field("lat", "text", "latitude, WGS84 decimal degrees", csv="lat", type="number",
          rule=degrees("lat", 90, "latitude and longitude look swapped, or this is not in degrees")),
    Field("lon", "text", "longitude, WGS84 decimal degrees", csv="lon", type="number",
          rule=degrees("lon", 180, "longitude is between -180 and 180 degrees")),
    Field("accessibility", "list", "the place's access features (keys of `accessibility`)", term("accessibility"),
          vocabulary="accessibility", type="list", repeated=True),  # YAML only: a CSV row's are the scheme's
    Field("hours", "hours", "the place's opening hours", type="list"),
    Field("translations", "translations", "the place's name in other languages: `{cy: {name: ...}}` (CSV: "
          "`location_name_cy`)", type="mapping"),
)

ELIGIBILITY_PARTS: tuple[Field, ...] = (
    Field("min_age", "text", "the youngest age it takes, in whole years", age("min_age"), csv="min_age", type="number"),
    Field("max_age", "text", "the oldest age it takes, in whole years", age("max_age"), csv="max_age", type="number"),
    Field("description", "text", "who it is for, in words", csv="eligibility"),
    Field("ages_of", "text", "whose ages they are: `person`, who attends (the default), or `child`: a child's, "
          "who comes with a parent or carer (a finder's age then also matches any adult)", ages_of, csv="ages_of"),
)

FIELDS: tuple[Field, ...] = (
    Field("id", "text", "unique within the registry; lowercase letters, digits and single hyphens", slug,
          required=True, missing_hint="add 'id: a-short-slug' (lowercase letters, digits, hyphens)", csv="id"),
    Field("name", "text", "the scheme's name as referrers know it", required=True,
          missing_hint="add 'name: ...' with the scheme's name", csv="name", translatable=True),
    Field("boroughs", "list",
          "the areas it serves, by name (`Hammersmith and Fulham`), alias (`Hammersmith & Fulham`, `LBHF`) or "
          "GSS code (`E09000013`); case, `&`/`and`, punctuation and prefixes such as \"London Borough of\" do "
          "not matter. A single value may be written without brackets", area, required=True,
          missing_hint="add 'boroughs: [...]' with the borough(s) it serves", csv="boroughs", type="list",
          repeats="warn", item_noun="borough", repeated=True, codes_column="borough_codes", aliases=("areas",)),
    Field("provider", "text", "the organisation that runs it", csv="provider", translatable=True),
    Field("description", "text", "what it offers, in a sentence or two", csv="description", translatable=True),
    Field("categories", "list", "keys from `categories` in the vocabulary; the first one colours the map marker",
          term("categories"), vocabulary="categories", csv="categories", type="list", repeated=True),
    Field("referral_routes", "list",
          "keys from `referral_routes` (who can refer: `gp`, `link-worker`, `self-referral`, ...)",
          term("referral_routes"), vocabulary="referral_routes", csv="referral_routes", type="list", repeated=True),
    Field("target_groups", "list", "keys from `target_groups` (`older-people`, `carers`, ...)",
          term("target_groups"), vocabulary="target_groups", csv="target_groups", type="list", repeated=True),
    Field("eligibility", "mapping", "who it is for: `min_age` and `max_age` in whole years (0–120, both ends "
          "included, `min_age` ≤ `max_age`) and a `description` in words; a plain text is the description. CSV "
          "columns `min_age`, `max_age`, `eligibility`", type="mapping", parts=ELIGIBILITY_PARTS,
          translatable=True),  # (its description)
    Field("cost", "text", "what it costs a participant: one key of `costs` in the vocabulary (`free`, `low-cost`, "
          "`paid`, `donation`)", term("costs"), vocabulary="costs", csv="cost", repeated=True),
    Field("cost_description", "text", "the cost in words (\"£3 a session, free for carers\")", csv="cost_description",
          translatable=True),
    Field("delivery", "list", "how people take part: keys of `delivery` (`in-person`, `online`, `phone`, `home-visit`)",
          term("delivery"), vocabulary="delivery", csv="delivery", type="list", repeated=True),
    Field("languages", "list", "languages it runs in, as ISO 639 codes (`en`, `cy`, `bn`, `so`, `ur`, `pl`, `bfi` for "
          "British Sign Language); the map shows their names", language, csv="languages", type="list",
          repeated=True),
    Field("accessibility", "list", "access features: keys of `accessibility` (`step-free`, `accessible-toilet`, "
          "`hearing-loop`, `bsl`, `large-print`, `easy-read`, `quiet-space`)", term("accessibility"),
          vocabulary="accessibility", csv="accessibility", type="list", repeated=True),
    Field("hours", "hours", "when it runs: a list of `{days: [mon, wed], opens: \"10:00\", closes: \"12:00\"}` "
          "(24-hour times, opening before closing), or the same as text: `mon,wed 10:00-12:00; fri 14:00-16:00` "
          "(the CSV form)", csv="hours", type="list", repeated=True),
    Field("hours_note", "text", "when it runs, in words (\"term time only\", \"first Tuesday of the month\")",
          csv="hours_note", translatable=True),
    Field("how_to_refer", "text", "how to refer someone, in a sentence", csv="how_to_refer", translatable=True),
    Field("referral_url", "text", "an `http://` or `https://` address of a referral form", web_address("referral_url"),
          csv="referral_url"),
    Field("referral_email", "text", "one email address that takes referrals", email_address("referral_email"),
          csv="referral_email"),
    Field("locations", "locations",
          "places where it runs, each with `name`, `address`, `postcode` (a UK postcode), `lat` and `lon` "
          "(WGS84 decimal degrees, both or neither), and (YAML only) the place's own `accessibility` and `hours`; "
          "its `translations` give its name in other languages (`{cy: {name: ...}}`; CSV `location_name_cy`). "
          "A scheme may have none", type="list"),

    Field("website", "text", "an `http://` or `https://` address", website, csv="website"),
    Field("email", "text", "one email address", email, csv="email"),
    Field("phone", "text", "as it should be dialled", csv="phone"),
    Field("charity_number", "text", "the provider's charity number: England and Wales (`1234567`), Scotland "
          "(`SC012345`) or Northern Ireland (`NIC100001`); schemes with the same name and charity number are "
          "flagged as possible duplicates", charity_number, csv="charity_number"),
    Field("status", "text", "`active` (default), `paused` (shown as paused) or `closed` (left off the map)", status,
          csv="status", default=DEFAULT_STATUS, repeated=True),
    Field("last_verified", "text",
          "`YYYY-MM-DD`, not in the future; older than 12 months (`--stale-after`) is flagged as stale",
          past_date("last_verified"), csv="last_verified", type="date", repeated=True),
    Field("oruk_id", "text", "the service's `id` in the Open Referral UK feed it was imported from; `sprx export "
          "oruk` keeps it as the service's id; letters, digits and - _ . ~ : only", feed_id, csv="oruk_id"),
    Field("translations", "translations", "its text in other languages, by ISO 639 code: `{cy: {name: ..., "
          "description: ...}}`; the fields that may be translated are `name`, `provider`, `description`, "
          "`eligibility` (its description), `cost_description`, `hours_note` and `how_to_refer`. CSV: a column "
          "per field and language, `name_cy`, `description_cy`, ... A page in a language shows its text, else "
          "the English (marked as English); `validate` warns of a scheme without its name or description in a "
          "language the site publishes in (`missing-translation`)", type="mapping"),
)


BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
ALIASES: dict[str, str] = {alias: f.name for f in FIELDS for alias in f.aliases}  # alias -> field name
SCHEME_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS)
LOCATION_FIELDS: tuple[str, ...] = tuple(f.name for f in LOCATION_FIELDS_TABLE)
REQUIRED_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.required)
LIST_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.kind == "list")
# CSV: one row per scheme, at most one location, in the location columns
CSV_LOCATION_COLUMNS: dict[str, str] = {c: f.name for f in LOCATION_FIELDS_TABLE if (c := f.csv)}
# the columns of a mapping field's parts: column -> (field, part)
CSV_PART_COLUMNS: dict[str, tuple[str, str]] = {c: (f.name, p.name) for f in FIELDS if f.kind == "mapping"
                                                for p in f.parts if (c := p.csv)}
CSV_COLUMNS: tuple[str, ...] = (tuple(c for f in FIELDS
                                      for c in ([p.csv for p in f.parts if p.csv] if f.kind == "mapping"
                                                else [f.csv] if f.csv else []))
                                + tuple(CSV_LOCATION_COLUMNS))
CSV_FIELDS: dict[str, Field] = {c: f for f in FIELDS if (c := f.csv)}
CSV_FIELDS.update({alias: f for f in FIELDS if f.csv for alias in f.aliases})  # a column may have a field's alias
# The text that may be translated (`translations`): a scheme's fields and a place's, in table order.
TRANSLATED: tuple[str, ...] = tuple(f.name for f in FIELDS if f.translatable)
PLACE_TRANSLATED: tuple[str, ...] = tuple(f.name for f in LOCATION_FIELDS_TABLE if f.translatable)
# Their CSV columns, which take a language code after them (`name_cy`): column -> (place?, field)
TRANSLATED_COLUMNS: dict[str, tuple[bool, str]] = {
    **{c: (False, f.name) for f in FIELDS if f.translatable and (c := f.csv or f.parts[-1].csv)},
    **{c: (True, f.name) for f in LOCATION_FIELDS_TABLE if f.translatable and (c := f.csv)}}
_TRANSLATION_COLUMN = re.compile(r"^(?P<column>[a-z_]+)_(?P<language>[a-z]{2,3})$")


def translation_column(header: str) -> tuple[bool, str, str] | None:
    """(place?, field, language) of a CSV column of translated text ('name_cy', 'location_name_cy'),
    or None for any other column."""
    m = _TRANSLATION_COLUMN.match(header)
    if m is None or m.group("column") not in TRANSLATED_COLUMNS or header in CSV_COLUMNS:
        return None
    place, name = TRANSLATED_COLUMNS[m.group("column")]
    return place, name, m.group("language")


# --- applying a field to a value as written --------------------------------------------------------

def _missing(field: Field) -> list[Finding]:
    return [Finding(Fault("missing-field", f"required field '{field.name}' is missing or empty", field.missing_hint))]


def from_csv(field: Field, cell: str) -> Any:
    """A CSV cell as the same raw value YAML would give: list fields split at ';'."""
    if field.kind == "list":
        items = [v for v in map(str.strip, cell.split(LIST_SEPARATOR)) if v]
        return items or None
    return cell.strip() or None


def finish(field: Field, text: str | None, ctx: Context) -> tuple[Any, list[Finding]]:
    """A text field's value from its stripped text: requirement, rule, default."""
    if text is None:
        return (None, _missing(field)) if field.required else (field.default, [])
    if field.rule is None:
        return text, []
    value = field.rule(text, ctx)
    if type(value) is Fault:
        return None, [Finding(value._replace(value=text) if value.value is None else value)]
    return value, []


def evaluate(field: Field, raw: Any, ctx: Context) -> tuple[Any, list[Finding]]:
    """The field's value from `raw` as written (text, list, mapping or None), and every fault."""
    if field.kind == "text":
        text = as_text(raw)
        if type(text) is Fault:
            return None, [Finding(wrong_type(text, field.name))]
        return finish(field, text, ctx)
    if field.kind == "list":
        return _evaluate_list(field, raw, ctx)
    if field.kind == "mapping":
        return evaluate_eligibility(raw, ctx)
    if field.kind == "hours":
        return evaluate_hours(raw, ctx)
    if field.kind == "translations":
        return evaluate_translations(raw, TRANSLATED, ctx)
    return evaluate_locations(raw, ctx)


def evaluate_hours(raw: Any, ctx: Context) -> tuple[tuple[Hours, ...], list[Finding]]:
    """Openings from a list of {days, opens, closes}, or from text: 'mon,wed 10:00-12:00; fri 14:00-16:00'."""
    if raw is None:
        return (), []
    if isinstance(raw, str):
        items: list = []
        for part in (p for p in raw.split(";") if p.strip()):
            m = HOURS_TEXT.match(part)
            items.append({"days": m.group("days"), "opens": m.group("opens"), "closes": m.group("closes")}
                         if m else part.strip())
    elif isinstance(raw, list):
        items = raw
    else:
        return (), [Finding(Fault("wrong-type", "'hours' should be a list of {days, opens, closes}",
                                  "write each opening as '- {days: [mon], opens: \"10:00\", closes: \"12:00\"}'",
                                  raw))]
    out, findings = [], []
    for i, item in enumerate(items):
        if item is None:
            continue
        if not isinstance(item, dict):
            findings.append(Finding(Fault("invalid-hours", f"{quoted(item)} is not days and times",
                                          "write an opening as 'mon,wed 10:00-12:00'", item), i))
            continue
        unknown = [k for k in item if k not in ("days", "opens", "closes")]
        if unknown:
            findings.append(Finding(unknown_field(unknown[0], ("days", "opens", "closes")), i, unknown[0]))
            continue
        value = opening(item.get("days"), item.get("opens"), item.get("closes"))
        if type(value) is Fault:
            findings.append(Finding(value, i))
        else:
            out.append(value)
    return tuple(out), findings


def evaluate_eligibility(raw: Any, ctx: Context) -> tuple[Eligibility | None, list[Finding]]:
    """Ages and who it is for, from a mapping of min_age, max_age, description (or a text: the description)."""
    if raw is None:
        return None, []
    if type(raw) is str:
        text = raw.strip()
        return (Eligibility(description=text) if text else None), []
    if not isinstance(raw, dict):
        return None, [Finding(Fault("wrong-type", "'eligibility' should be a mapping of min_age, max_age, description",
                                    "write it as 'eligibility: {min_age: 18, max_age: 65, description: ...}'", raw))]
    names = tuple(p.name for p in ELIGIBILITY_PARTS)
    findings = [Finding(unknown_field(key, names), sub=key) for key in raw if key not in names]
    values: list[Any] = []
    for part in ELIGIBILITY_PARTS:
        part_text = as_text(raw.get(part.name))
        if type(part_text) is Fault:
            findings.append(Finding(wrong_type(part_text, part.name), sub=part.name))
            values.append(None)
            continue
        value, found = finish(part, part_text, ctx)
        findings += [x._replace(sub=part.name) for x in found]
        values.append(value)
    fault = age_order(values[0], values[1])
    if fault is not None:
        findings.append(Finding(fault, sub="min_age"))
    if findings:
        return None, findings
    return (Eligibility(*values) if any(v is not None for v in values) else None), []


def _evaluate_list(field: Field, raw: Any, ctx: Context) -> tuple[tuple, list[Finding]]:
    if raw is None:
        raw = []
    elif isinstance(raw, str):  # a single value is a one-item list
        raw = [raw]
    elif not isinstance(raw, list):
        return (), [Finding(Fault("wrong-type", f"'{field.name}' should be a list, not a mapping",
                                  f"write it as '{field.name}: [first, second]' or one '- item' per line", raw))]
    findings: list[Finding] = []
    texts: list[tuple[int, str]] = []
    for i, item in enumerate(raw):
        text = as_text(item)
        if type(text) is Fault:
            findings.append(Finding(wrong_type(text, field.name), i))
        elif text is not None:
            texts.append((i, text))
    if field.required and not texts and not findings:
        return (), _missing(field)
    out: list = []
    rule = field.rule
    for i, text in texts:
        value = rule(text, ctx) if rule else text
        if type(value) is Fault:
            findings.append(Finding(value._replace(value=text), i))
        elif value is None:
            continue
        elif value in out:
            if field.repeats == "warn":
                findings.append(Finding(Fault("duplicate-value", f"{field.item_noun} {text!r} is listed twice",
                                              f"remove the repeated {field.item_noun}", text), i))
        else:
            out.append(value)
    return tuple(out), findings


def evaluate_location(item: dict, ctx: Context) -> tuple[Location, list[Finding]]:
    """One place from its fields as written; findings name the location field (`sub`)."""
    findings: list[Finding] = []
    if not item.keys() <= _LOCATION_KEYS:
        findings += [Finding(unknown_field(key, LOCATION_FIELDS), sub=key) for key in item if key not in _LOCATION_KEYS]
    texts = []
    for f in LOCATION_FIELDS_TABLE[:5]:  # name, address, postcode, lat, lon: text
        text = as_text(item.get(f.name))
        if type(text) is Fault:
            findings.append(Finding(wrong_type(text, f.name), sub=f.name))
            text = None
        texts.append(text)
    name, address, postcode_text, lat_text, lon_text = texts
    postcode_value, found = finish(POSTCODE_FIELD, postcode_text, ctx)
    findings += [x._replace(sub="postcode") for x in found]
    lat, lon, found = point(lat_text, lon_text, ctx)
    findings += found
    extras = []
    for f in LOCATION_FIELDS_TABLE[5:7]:  # the place's own lists
        value, found = evaluate(f, item.get(f.name), ctx)
        findings += [x._replace(sub=f.name) for x in found]
        extras.append(value)
    translations, found = evaluate_translations(item.get("translations"), PLACE_TRANSLATED, ctx)
    findings += [x._replace(sub="translations") for x in found]
    accessibility, hours = extras
    return Location(name, address, postcode_value, lat, lon, accessibility, hours, translations), findings


def incomplete(lat_text: str | None, lon_text: str | None) -> Finding | None:
    """Coordinates come in pairs: lat with lon."""
    if (lat_text is None) == (lon_text is None):
        return None
    have, missing = ("lat", "lon") if lon_text is None else ("lon", "lat")
    return Finding(Fault("coordinate-incomplete", f"has {have} but no {missing}",
                         value=lat_text if lon_text is None else lon_text), sub=have)


def placeholder(lat: float, lon: float) -> Finding | None:
    """(0, 0) is where unset coordinates land, not a place anyone runs a scheme."""
    if lat == 0 and lon == 0:
        return Finding(Fault("coordinate-placeholder", "lat 0, lon 0 is a placeholder, not a place", value="0, 0"),
                       sub="lat")
    return None


def point(lat_text: str | None, lon_text: str | None, ctx: Context
          ) -> tuple[float | None, float | None, list[Finding]]:
    """A location's coordinates: both or neither, each in range, and not the (0, 0) placeholder."""
    if lat_text is None and lon_text is None:
        return None, None, []
    fault = incomplete(lat_text, lon_text)
    if fault is not None:
        return None, None, [fault]
    lat, found_lat = finish(LAT_FIELD, lat_text, ctx)
    lon, found_lon = finish(LON_FIELD, lon_text, ctx)
    findings = [x._replace(sub="lat") for x in found_lat] + [x._replace(sub="lon") for x in found_lon]
    if findings:
        return None, None, findings
    fault = placeholder(lat, lon)
    if fault is not None:
        return None, None, [fault]
    return lat, lon, []


LOCATION_BY_NAME: dict[str, Field] = {f.name: f for f in LOCATION_FIELDS_TABLE}
POSTCODE_FIELD, LAT_FIELD, LON_FIELD = (LOCATION_BY_NAME[n] for n in ("postcode", "lat", "lon"))
_LOCATION_KEYS = frozenset(LOCATION_FIELDS)


def evaluate_locations(raw: Any, ctx: Context) -> tuple[tuple[Location, ...], list[Finding]]:
    """A scheme's places from the `locations` list as written."""
    if raw is None:
        return (), []
    if not isinstance(raw, list):
        return (), [Finding(Fault("wrong-type", "'locations' should be a list of places",
                                  "write each place as '- name: ...' with address, postcode, lat, lon under it", raw))]
    out, findings = [], []
    for i, item in enumerate(raw):
        if item is None:
            continue
        if not isinstance(item, dict):
            findings.append(Finding(Fault(
                "wrong-type", f"location {i + 1} should be a mapping of {', '.join(LOCATION_FIELDS)}",
                "write each place as '- name: ...' with indented fields", item), i))
            continue
        place, found = evaluate_location(item, ctx)
        for x in found:
            fault = x.fault
            if fault.code.startswith("coordinate-incomplete"):
                fault = fault._replace(message=f"location {i + 1} {fault.message}")
            findings.append(x._replace(fault=fault, item=i))
        out.append(place)
    return tuple(out), findings


def flat_columns() -> list[str]:
    """The columns of a flat export (CSV, XLSX), in field-table order: list fields joined by ';', an
    area list also as codes, the locations as their count and the first one (with where its
    coordinates came from: `registry` or `postcode`)."""
    columns: list[str] = []
    for f in FIELDS:
        if f.kind == "locations":
            columns += ["location_count", *CSV_LOCATION_COLUMNS, "coordinates_from"]
        elif f.kind == "mapping":
            columns += [p.csv for p in f.parts if p.csv]
        elif f.kind == "translations":
            continue  # (a column per field and language: the exports add those a registry has)
        else:  # text, list and hours: one column each

            columns += [f.name] + ([f.codes_column] if f.codes_column else [])
    return columns


def readme_table() -> str:
    """The README's table of scheme fields, made from the declarations."""
    lines = ["| field | required | type | meaning and rules |", "| --- | --- | --- | --- |"]
    for f in FIELDS:
        name = " / ".join(f"`{n}`" for n in (f.name, *f.aliases))
        lines.append(f"| {name} | {'yes' if f.required else 'no'} | {f.type} | {f.description} |")
    return "\n".join(lines) + "\n"
