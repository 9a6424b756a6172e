"""Writing a registry: schemes (or records as an importer made them) back to YAML or CSV text.

Records are dicts keyed by the field table's names, holding what a keeper would write: text,
lists of text, an eligibility mapping, hours as `{days, opens, closes}` and locations as mappings.
Fields are written in the table's order and empty ones left out, so the file reads like a
hand-written one.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Iterable

from ..core.model import Hours, hours_text
from ..registry.fields import (CSV_COLUMNS, CSV_LOCATION_COLUMNS, CSV_PART_COLUMNS, FIELDS, LIST_SEPARATOR,
                               LOCATION_FIELDS_TABLE, REQUIRED_FIELDS)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {} or value == ()


def registry_yaml(records: Iterable[dict[str, Any]], header: str = "") -> tuple[str, list[int]]:
    """A YAML registry of these records (PyYAML's safe emitter quotes every value as it must be),
    and the line each record starts on."""
    import yaml

    lead = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines()) + "schemes:\n"
    parts, starts, line = [lead], [], lead.count("\n") + 1
    for r in records:
        item = {f.name: r[f.name] for f in FIELDS if not _empty(r.get(f.name))}
        if "locations" in item:
            item["locations"] = [{f.name: p[f.name] for f in LOCATION_FIELDS_TABLE if not _empty(p.get(f.name))}
                                 for p in item["locations"]]
        chunk = yaml.safe_dump([item], sort_keys=False, allow_unicode=True, width=100, default_flow_style=None)
        chunk = "".join("  " + x if x.strip() else x for x in chunk.splitlines(keepends=True))
        starts.append(line)
        line += chunk.count("\n")
        parts.append(chunk)
    return "".join(parts), starts


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


def checked_registry(records: list[dict[str, Any]], sources, fmt: str, header: str = ""):
    """The registry text of these records with every error taken out, so what is written validates
    against the registry's areas, vocabulary and boundaries: a value with an error is left out of
    its record, and a record whose id, name or areas have one is left out whole.

    Returns (text, the records kept, [(record, problem, field left out or None for the record)], report)."""
    import tempfile
    from dataclasses import replace
    from pathlib import Path

    from ..registry.validate import validate

    kept, removed = [dict(r) for r in records], []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"imported.{fmt}"
        while True:
            if fmt == "yaml":
                text, starts = registry_yaml(kept, header)
            else:
                text, starts = registry_csv(kept), [k + 2 for k in range(len(kept))]
            path.write_text(text, encoding="utf-8")
            report, _ = validate(replace(sources, schemes=str(path)))
            bad: dict[int, list] = {}
            for p in report.problems:
                if p.severity != "error" or p.loc.file != str(path):
                    continue
                at = p.loc.row if fmt == "csv" else p.loc.line
                k = max((i for i, s in enumerate(starts) if at is not None and s <= at), default=None)
                if k is not None:
                    bad.setdefault(k, []).append(p)
            if not bad or not kept:
                return text, kept, removed, report
            drop = set()
            for k, problems in sorted(bad.items()):
                for p in problems:
                    name = (p.field or "").split(".")[0] or None
                    if name is None or name in REQUIRED_FIELDS or name not in kept[k]:
                        removed.append((kept[k], p, None))
                        drop.add(k)
                        break
                    removed.append((kept[k], p, name))
                    del kept[k][name]
            kept = [r for k, r in enumerate(kept) if k not in drop]


