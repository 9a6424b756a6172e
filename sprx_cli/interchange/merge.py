"""Merging imported records into a registry that has schemes already.

Each record is matched to the scheme it already is (by the id the spreadsheet gives, else by name
and postcode, else by name and address, else by a name both have once). A matched scheme's values
are compared three ways, with what the last import of it wrote (remembered beside the registry,
in `.<registry>.imports.json`): a value the spreadsheet changed and the keeper did not is updated;
one the keeper changed and the spreadsheet did not is kept; one both changed is a conflict, kept as
the registry has it unless the import is told to overwrite. Values are compared as the field
table reads them ("Camden" and "E09000007" are one area). Nothing is ever removed.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.dates import today
from ..core.textio import atomic_write_bytes
from ..core.words import normalise_name
from ..registry.fields import ALIASES, BY_NAME, evaluate
from ..registry.rules import Context

STATE_VERSION = 1
_UNKNOWN = object()  # what the last import wrote, when nothing is remembered
SKIP = ("id", "_row")  # not compared: the id is the registry's; _row says where a record came from


def state_path(registry: Path) -> Path:
    """Where a registry's import memory is kept: `.schemes.yaml.imports.json` beside `schemes.yaml`."""
    return registry.with_name(f".{registry.name}.imports.json")


def read_state(registry: Path) -> dict:
    """What the imports into this registry last wrote, by scheme id ({} when nothing was imported yet)."""
    path = state_path(registry)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return doc.get("schemes", {}) if isinstance(doc, dict) and doc.get("version") == STATE_VERSION else {}


def write_state(registry: Path, state: dict) -> None:
    """Keep what the imports wrote, atomically (an entry as remembered makes it, or encoded: added_entry)."""
    note = ("What sprx import last wrote into this registry, per scheme, so that the next import can tell a "
            "keeper's edits from a spreadsheet's changes. Safe to delete (the next import then keeps every value "
            "that differs, as a conflict).")
    import orjson

    # one scheme a line (each entry as encoded, indented no further), in the order they were first
    # imported, for short diffs; orjson, as the map page's data (json's encoder is 5 times slower)
    schemes = {sid: orjson.Fragment(entry if type(entry) is bytes else _encoded(entry)) for sid, entry in
               state.items()}
    text = orjson.dumps({"version": STATE_VERSION, "note": note, "schemes": schemes}, option=orjson.OPT_INDENT_2)
    atomic_write_bytes(state_path(registry), [text, b"\n"])


@dataclass
class Plan:
    """What a merge would do: records to add, values to set, schemes unchanged, and conflicts."""

    added: list[dict] = field(default_factory=list)
    updates: dict[str, dict[str, Any]] = field(default_factory=dict)  # scheme id -> field -> new value
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[tuple[str, str, Any, Any, int]] = field(default_factory=list)  # id, field, registry, sheet, row
    matched: dict[int, str] = field(default_factory=dict)  # row -> the scheme id it is
    offered: dict[str, dict[str, Any]] = field(default_factory=dict)  # scheme id -> what the import offers
    renamed: dict[str, str] = field(default_factory=dict)  # an id remembered -> the id the keeper gave it since


def plain(value: Any) -> Any:
    """A value as read from a registry (YMap, YList) as plain JSON-able data."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _postcode(text: Any) -> str:
    return "".join(str(text).split()).upper() if text else ""


def _first_place(data: dict) -> dict:
    places = data.get("locations")
    return places[0] if isinstance(places, list) and places and isinstance(places[0], dict) else {}


def keys_of(data: dict) -> list[tuple]:
    """The keys a scheme is matched by: its name with its postcode, with its address, and alone."""
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        return []
    folded, place = normalise_name(name), _first_place(data)
    out: list[tuple[str, ...]] = []
    if place.get("postcode"):
        out.append(("postcode", folded, _postcode(place["postcode"])))
    if place.get("address"):
        out.append(("address", folded, normalise_name(str(place["address"]))))
    out.append(("name", folded))
    return out


def plan(existing, records: list[dict], tables, state: dict, overwrite: bool = False) -> Plan:
    """The merge of `records` (an importer's, each with its `_row`) into `existing` (the registry as read by
    the exact loader), against `state` (read_state)."""
    ctx = Context(tables.areas, tables.vocabulary, today())
    datas = [existing.record(k).data for k in range(len(existing))]
    if not datas:  # an empty registry (as `sprx init` makes it): every record is new
        return all_added(records)
    by_id = {d.get("id"): d for d in datas if isinstance(d.get("id"), str)}
    index: dict[tuple, list[dict]] = {}
    for d in datas:
        for key in keys_of(d):
            index.setdefault(key, []).append(d)
    names_in_sheet = Counter(normalise_name(r["name"]) for r in records)
    gone: dict[tuple, list[str]] = {}  # what the last import wrote under an id the registry no longer has
    for sid, entry in state.items():
        if sid not in by_id:
            for key in keys_of(entry.get("values", {})):
                gone.setdefault(key, []).append(sid)
    out = Plan()
    claimed: set[str] = set()
    for rec in records:
        match = None
        given = rec.get("_id_given")
        if given and given in by_id:
            match = by_id[given]
        else:
            for key in keys_of(rec):
                found = [d for d in index.get(key, []) if d.get("id") not in claimed]
                if key[0] == "name" and (len(index.get(key, [])) != 1 or names_in_sheet[key[1]] != 1):
                    continue  # a name alone matches only when both have it once
                if len(found) == 1:
                    match = found[0]
                    break
        if match is None:
            out.added.append(rec)
            out.offered[rec["id"]] = _offered(rec)
            continue
        sid = match["id"]
        claimed.add(sid)
        out.matched[rec["_row"]] = sid
        out.offered[sid] = _offered(rec)
        changes = {}
        last = state.get(sid, {}).get("values")
        if last is None:  # the keeper may have renamed the id since: its memory is found as the scheme was
            old = next((ids[0] for k in keys_of(rec) if len(ids := gone.get(k, [])) == 1), None)
            if old is not None:
                out.renamed[old] = sid
            last = state.get(old, {}).get("values", {})
        for name, value in rec.items():
            if name in SKIP or name.startswith("_"):
                continue
            written = name if name in match else next((a for a, n in ALIASES.items() if n == name and a in match),
                                                      name)
            here = match.get(written)
            new, ours = _canon(name, value, ctx), _canon(name, here, ctx)
            if new == ours:
                continue
            before = _canon(name, last[name], ctx) if name in last else _UNKNOWN
            if overwrite or ours is None or before == ours:  # asked to, a value to fill, or the keeper's as imported
                changes[name] = value
            elif before == new:
                continue  # the spreadsheet has not changed it since the last import: the registry's stands
            else:
                out.conflicts.append((sid, name, plain(here), value, rec["_row"]))
        if changes:
            out.updates[sid] = changes
        else:
            out.unchanged.append(sid)
    return out


def all_added(records: list[dict]) -> Plan:
    """The plan where every record is new (an empty registry, or one written afresh)."""
    return Plan(added=list(records), offered={r["id"]: _offered(r) for r in records})


def _offered(rec: dict) -> dict:
    keys = tuple(rec)
    kept = _OFFERED.get(keys)
    if kept is None:  # (an import's records have a few sets of keys between them)
        kept = tuple(k for k in keys if k not in SKIP and not k.startswith("_"))
        if len(_OFFERED) < 1000:
            _OFFERED[keys] = kept
    return {k: rec[k] for k in kept}


_OFFERED: dict[tuple, tuple] = {}  # a record's keys -> those the import memory keeps


def _canon(name: str, value: Any, ctx: Context) -> Any:
    """A value as the field table reads it, to compare (the text itself where it does not read)."""
    spec = BY_NAME.get(name)
    if spec is None or value is None:
        return None if value in (None, "", [], {}) else value
    got, findings = evaluate(spec, plain(value), ctx)
    if findings:
        return ("unread", json.dumps(plain(value), sort_keys=True, default=str))
    return got if got not in ((), "") else None


def _encoded(entry: dict) -> bytes:
    import orjson

    return orjson.dumps(entry, option=orjson.OPT_NON_STR_KEYS)


def added_entry(record: dict, source: str) -> bytes:
    """What the import memory keeps of a record the import added (remembered's entry for it), encoded
    as write_state writes it: made where the record was made."""
    return _encoded({"source": source, "row": record.get("_row"), "values": _offered(record)})


def remembered(state: dict, merge: Plan, source: str, rows: dict[str, int]) -> dict:
    """The import memory after a merge: for each scheme the import touched, what it offered and from where."""
    new = {sid: entry for sid, entry in state.items() if sid not in merge.renamed}
    for sid, values in merge.offered.items():
        new[sid] = {"source": source, "row": rows.get(sid), "values": values}
    return new
