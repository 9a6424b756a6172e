"""Writing a registry: schemes (or records as an importer made them) back to YAML or CSV text.

Records are dicts keyed by the field table's names, holding what a keeper would write: text,
lists of text, an eligibility mapping, hours as `{days, opens, closes}` and locations as mappings.
Fields are written in the table's order and empty ones left out, so the file reads like a
hand-written one.
"""

from __future__ import annotations

import csv
import io
from typing import Any
from collections.abc import Iterable, Sequence

from ..core.model import Hours, hours_text
from ..registry.fields import (CSV_COLUMNS, CSV_LOCATION_COLUMNS, CSV_PART_COLUMNS, FIELDS, LIST_SEPARATOR,
                               LOCATION_FIELDS_TABLE, REQUIRED_FIELDS)
from .yamltext import record_yaml, scalar  # (at the top: an import in a function costs a microsecond a call)


_CONTAINERS = (str, list, dict, tuple)  # (empty, a value of these is no value; 0 and False are values)


_NAMES = tuple(f.name for f in FIELDS)
_PLACE_NAMES = tuple(f.name for f in LOCATION_FIELDS_TABLE)
_ORDERS: dict[tuple, tuple] = {}  # a record's keys -> the fields among them, in the table's order
_REPEATED = frozenset(f.name for f in FIELDS if f.repeated or f.kind == "mapping")  # (a mapping: ages)


def as_written(record: dict[str, Any]) -> dict[str, Any]:
    """A record as a registry holds it: the field table's fields in its order, empty ones left out."""
    keys = tuple(record)
    order = _ORDERS.get(keys)
    if order is None:  # (an importer's records have a few sets of keys between them)
        order = tuple(k for k in _NAMES if k in record)
        if len(_ORDERS) < 1000:
            _ORDERS[keys] = order
    item = {k: v for k in order if (v := record[k]) or v is not None and not isinstance(v, _CONTAINERS)}
    if "locations" in item:
        item["locations"] = [{k: v for k in _PLACE_NAMES if k in p and ((v := p[k]) or v is not None and not
                                                                          isinstance(v, _CONTAINERS))}
                             for p in item["locations"]]
    return item


def registry_yaml(records: Sequence[dict[str, Any]], header: str = "", entries: Sequence[str] | None = None) -> str:
    """A YAML registry of these records (each value quoted as it must be: see yamltext); `entries`:
    their entries as `entry_yaml` wrote them already."""
    from ..core.speed import split_work

    top = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines()) + "schemes:\n"
    if entries is not None:
        return top + "".join(entries)
    return top + "".join(split_work(_entries_yaml, records))


def _entries_yaml(records: Sequence[dict[str, Any]], start: int = 0) -> str:
    return "".join(map(entry_yaml, records))


def entry_yaml(record: dict[str, Any], written: bool = False) -> str:
    """A record's entry in a YAML registry's list of schemes (its first line is its id's); `written`:
    the record is as_written's already."""
    item = record if written else as_written(record)
    try:
        return record_yaml(item, repeated=_REPEATED)
    except TypeError:  # a shape no registry has: PyYAML's emitter writes it
        import yaml

        chunk = yaml.safe_dump([item], sort_keys=False, allow_unicode=True, width=100, default_flow_style=None)
        return "".join("  " + x if x.strip() else x for x in chunk.splitlines(keepends=True))


def with_id(entry: str, record: dict[str, Any]) -> str:
    """An entry by `entry_yaml` of a record whose id has changed since (to `record`'s): its first line
    is the id's (every record has one, the field table's first field)."""
    rest = entry[entry.index("\n"):]
    return f"  - id: {scalar(record['id'])}{rest}"


def registry_csv(records: Iterable[dict[str, Any]]) -> str:
    """A CSV registry of these records: one row each, lists joined with ';', the first location only."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in records:
        first = (r.get("locations") or [{}])[0]
        row = []
        for c in CSV_COLUMNS:
            if c in CSV_LOCATION_COLUMNS:
                value = first.get(CSV_LOCATION_COLUMNS[c])
            elif c in CSV_PART_COLUMNS:
                name, part = CSV_PART_COLUMNS[c]
                value = (r.get(name) or {}).get(part)
            else:
                value = r.get(c)
                if c == "hours" and value:
                    value = hours_text(tuple(Hours(tuple(h["days"]), h["opens"], h["closes"]) for h in value))
                elif isinstance(value, list):
                    value = LIST_SEPARATOR.join(value)
            row.append("" if value is None else str(value))
        w.writerow(row)
    return buf.getvalue()


def registry_text(records: list[dict[str, Any]], fmt: str, header: str = "", entries: list[str] | None = None) -> str:
    """A registry file's text of these records: YAML (with `header` as comments above; `entries`: theirs,
    written already) or CSV."""
    return registry_csv(records) if fmt == "csv" else registry_yaml(records, header, entries)


def checked_records(records: list[dict[str, Any]], tables, fmt: str):
    """The records with every error taken out, so that a registry of them validates against the
    registry's areas and vocabulary: a value with an error is left out of its record, and a record
    whose id, name or areas have one is left out whole. Checked by validate's own checks, in memory,
    on the records as the file will hold them (a CSV's: as its text reads back).

    Returns (the records kept, [(record, problem, field left out or None for the record)])."""
    kept, removed, gone = checked(records, tables, fmt)
    return [r for k, r in enumerate(kept) if k not in gone], [(kept[k], p, name) for k, p, name in removed]


def checked(records: list[dict[str, Any]], tables, fmt: str, written: bool = False):
    """checked_records by record number: (a copy of each record with its bad values taken out, [(its
    number, problem, field left out or None)], the numbers of those left out whole). `written`: the
    records are as_written's copies already (their bad values are taken out of them)."""
    from collections import Counter

    from ..core.speed import split_work

    kept = [dict(r) for r in records] if not written else list(records)
    removed: list[tuple[int, Any, str | None]] = []
    gone: set[int] = set()
    todo = list(range(len(kept)))  # the records to check: all, then those a value was taken out of
    while todo:
        batch = [kept[k] for k in todo]
        ids = Counter(r.get("id") for r in batch)
        whole = len(ids) < len(batch) and any(n > 1 for sid, n in ids.items() if isinstance(sid, str))
        # (a part is checked on its own: an id given twice must be in one part to be found)
        found = [_errors(batch, tables, fmt, 0, written)] if whole else split_work(
            lambda part, start: _errors(part, tables, fmt, start, written), batch)
        bad: dict[int, list] = {}
        for part in found:
            for j, p in part:
                bad.setdefault(todo[j], []).append(p)
        todo = []
        for k, problems in sorted(bad.items()):
            out: set[str] = set()  # (a field with two faults, min_age and max_age: taken out once, both said)
            for p in problems:
                name = (p.field or "").split(".")[0] or None
                if name is not None and name in out:
                    removed.append((k, p, name))
                    continue
                if name is None or name in REQUIRED_FIELDS or name not in kept[k]:
                    removed.append((k, p, None))
                    gone.add(k)
                    break
                removed.append((k, p, name))
                del kept[k][name]
                out.add(name)
            else:
                todo.append(k)  # checked again without those values (a record's checks are its own)
    return kept, removed, gone


def _errors(records: Sequence[dict[str, Any]], tables, fmt: str, start: int, written: bool = False
            ) -> list[tuple[int, Any]]:
    """validate's errors in these records (the `start`th and on of an import), by record number."""
    from ..core.dates import today
    from ..core.problems import Loc
    from ..registry.check import check_registry
    from ..registry.read import RawRecord, RawRegistry, read_csv

    if fmt == "csv":
        raw, _ = read_csv(registry_csv(records), "imported.csv")
        index = {k + 2: start + k for k in range(len(records))}  # a CSV's row k + 2 (after the header) is record k
    else:
        raw = RawRegistry("yaml", [RawRecord(start + k, r if written else as_written(r),
                                             Loc("imported.yaml", line=start + k + 1)) for k, r in enumerate(records)])
        index = {start + k + 1: start + k for k in range(len(records))}
    _, problems, _ = check_registry(raw, tables.areas, tables.vocabulary, today())
    out = []
    for p in problems:
        at = p.loc.row if fmt == "csv" else p.loc.line
        k = index.get(at) if at is not None else None
        if p.severity == "error" and k is not None:
            out.append((k, p))
    return out
