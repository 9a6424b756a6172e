"""Importing a spreadsheet into a registry, with nothing lost: every row ends up in the registry or in
the held-back file (its own cells, its row number and the reason), with the numbers to say so.

By default the rows merge into the registry itself (merge.py: matched schemes updated value by
value, new ones appended, every other byte of the file kept); given an output file, they are
written there as a new registry instead.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, cast

from ..core.progress import Step, no_step
from ..core.textio import atomic_write_text
from ..core.words import normalise_name
from .imported import Held, Imported, Note


@dataclass
class Outcome:
    """What an import did, for the summary: rows in, added, updated, unchanged, held back."""

    source: Path
    target: Path
    rows: int
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    held: list[Held] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    held_back_file: Path | None = None
    written: bool = False  # whether the registry (or the output) was written
    merged: bool = False  # into the registry, rather than a new file
    mapping: object = None
    sheet: object = None

    @property
    def held_rows(self) -> list[Held]:
        """The rows held back whole (not in the registry)."""
        return [h for h in self.held if not h.added]

    @property
    def left_out(self) -> list[Held]:
        """The rows added without some of their values."""
        return [h for h in self.held if h.added]


def held_back_path(source: Path, target: Path) -> Path:
    """Where the rows held back go by default: `<input>.held-back.csv` beside the registry."""
    return target.parent / f"{source.stem}.held-back.csv"


def write_held_back(path: Path, columns: list[str], held: list[Held]) -> None:
    """The held-back file: `row` and `reason`, then the input's own columns, a line per row; no cell a
    spreadsheet would run as a formula (the keeper opens it in one: an '=HYPERLINK(...)' of the input's
    is written as text)."""
    from ..render.tables import to_delimited

    rows = [[h.row, h.reason, *[h.cells.get(c) for c in columns]] for h in sorted(held, key=lambda h: h.row)]
    atomic_write_text(path, to_delimited(["row", "reason", *columns], rows, ","))


def finish(records: list[dict], tables, fmt: str, into_empty: str | None = None) -> list[tuple[dict, tuple]]:
    """What validate would refuse of each record taken out (writer.checked_records), and what is left
    written as YAML (for a YAML registry): a record's last steps, done where it was drafted.
    `into_empty`: the import's source, where the registry has no schemes yet (so the rest of the import
    needs no more of a record than its id and row, given back in its place): each record's import
    memory is encoded here too.

    For each record: (the record, (refused whole, [(problem, the field left out or None)], its YAML
    entry or None, its import memory or None)), plain tuples: they pickle several times faster than
    named ones, from another process. (An entry made with an id the import changed since is written
    again with its final one: `finished`.)"""
    from .merge import added_entry
    from .writer import as_written, checked, entry_yaml

    written = [as_written(r) for r in records]  # (as the checks read them and the file will hold them)
    kept, removed, refused = checked(written, tables, fmt, written=True)
    problems: dict[int, list] = {}
    for k, problem, name in removed:
        problems.setdefault(k, []).append((problem, name))
    out: list[tuple[dict, tuple]] = []
    for k, r in enumerate(records):
        said = problems.get(k, [])
        if k in refused:
            out.append((r, (True, said, None, None)))
            continue
        rec = r
        if said:  # (the values validate would refuse taken out of the record as the import made it)
            left_out = {name for _, name in said}
            rec = {name: v for name, v in r.items() if name not in left_out}
        entry = entry_yaml(kept[k], written=True) if fmt == "yaml" else None
        memory = added_entry(rec, into_empty) if into_empty is not None else None
        if into_empty is not None:
            rec = {"id": r["id"], "_row": r["_row"]}
        out.append((rec, (False, said, entry, memory)))
    return out


def finished(imported: Imported, source: str = "") -> tuple[dict[str, str], dict[str, bytes]]:
    """The records as `finish` left them, with the ids the import gave them; what it refused held back
    (as `check` does); each record's YAML entry by its id, in the records' order (none for a CSV
    registry), and its import memory (with `into_empty`)."""
    from .writer import with_id

    renamed = set(imported.renamed)  # (made under an id that was not the final one)
    kept, removed, entries, memory = [], [], {}, {}
    for k, (rec, (refused, problems, entry, remembered)) in enumerate(zip(imported.records, imported.finished)):
        if problems:
            removed += [(rec, problem, name) for problem, name in problems]
        if refused:
            continue
        kept.append(rec)
        sid = rec["id"]
        if entry is not None:
            entries[sid] = with_id(entry, rec) if k in renamed else entry
        if remembered is not None:
            memory[sid] = remembered
    _hold(imported, kept, removed, source)
    return entries, memory


def check(imported: Imported, tables, fmt: str, source: str = "") -> None:
    """Hold the records back (or their values) that sprx validate would refuse, against the registry's
    areas and vocabulary, so that what is left validates."""
    from .writer import checked_records

    kept, removed = checked_records(imported.records, tables, fmt)
    _hold(imported, kept, removed, source)


def _hold(imported: Imported, kept: list[dict], removed: list[tuple[dict, Any, str | None]], source: str) -> None:
    """The records refused (whole, or some of their values) held back and noted, by row; `kept` the rest."""
    if not removed and len(kept) == len(imported.records):  # (nothing refused: the records stand as they are)
        imported.records = kept
        return
    removed = sorted(removed, key=lambda x: x[0].get("_row") or 0)  # (the same order however the work was split)
    cells = {h.row: h.cells for h in imported.held}
    whole: dict[int, str] = {}
    parts: dict[int, list[tuple[str, str]]] = {}
    for record, problem, name in removed:
        row = cast(int, record.get("_row"))  # (every imported record has its row)
        message = problem.message.split(": ", 1)[1] if problem.message.startswith("scheme ") else problem.message
        if name is None:
            whole[row] = f"{message} ({problem.hint})"
        else:
            parts.setdefault(row, []).append((name, f"{message}; {problem.hint}"))
    where = f"{source} " if source else ""
    for row, reason in whole.items():
        imported.held.append(Held(row, imported.cells.get(row, cells.get(row, {})), reason))
        imported.notes.append(Note(f"{where}row {row}", "row held back", reason, "held-back", row))
    for row, what in parts.items():
        if row in whole:
            continue
        said = "; ".join(f"{name} ({why})" for name, why in what)
        previous = next((h for h in imported.held if h.row == row and h.added), None)
        if previous is not None:
            previous.reason += "; " + said
        else:
            imported.held.append(Held(row, imported.cells.get(row, {}), "added without " + said, added=True))
        for name, why in what:
            imported.notes.append(Note(f"{where}row {row}", f"{name} left out", why, "left-out", row))
    kept_rows = {r.get("_row") for r in kept}
    imported.records = [r for r in imported.records if r.get("_row") in kept_rows]
    by_row = {r["_row"]: r for r in kept}
    imported.records = [by_row[r["_row"]] for r in imported.records]


def import_table(source: Path, sources, tables, given: dict[str, str], *, encoding: str | None = None,
                 output: Path | None = None, held_back: Path | None = None, update: bool = False,
                 strict: bool = False, step: Step = no_step) -> Outcome:
    """Import a spreadsheet into the registry (or, with `output`, into a new registry file there),
    telling `step` each stage (core/progress.py)."""
    from ..core.speed import no_cyclic_gc

    with no_cyclic_gc():
        return _import_table(source, sources, tables, given, encoding, output, held_back, update, strict, step)


def _import_table(source: Path, sources, tables, given: dict[str, str], encoding: str | None, output: Path | None,
                  held_back: Path | None, update: bool, strict: bool, step: Step) -> Outcome:
    from ..core.speed import keep_till_exit
    from ..registry.read import load_registry
    from .edit import update_schemes
    from .merge import all_added, plan, read_state, remembered, write_state
    from .sheets import import_sheet
    from .writer import registry_text

    target = Path(output) if output is not None else Path(sources.schemes)
    merging = output is None or (Path(sources.schemes).exists() and target.resolve() == Path(sources.schemes).resolve())
    existing = None
    if merging and target.exists():
        step(f"reading the registry {target.name}")
        existing, _ = load_registry(target, str(target), exact=True)
    datas = [existing.record(k).data for k in range(len(existing))] if existing is not None else []
    taken = {sid for d in datas if isinstance(sid := d.get("id"), str)}
    names = Counter(normalise_name(d["name"]) for d in datas if isinstance(d.get("name"), str))
    fmt = "csv" if target.suffix.lower() == ".csv" else "yaml"
    empty = not datas and fmt == "yaml"  # (no schemes to merge with: the records need not come back whole)
    step(f"reading and cleaning {source.name}")
    imported, mapping, sheet = import_sheet(source, tables, given, encoding, taken, names, partial(
        finish, tables=tables, fmt=fmt, into_empty=str(source) if empty else None))
    header = (f"Imported by 'sprx import table' from {source}.\n"
              "Check it with 'sprx validate'; the import's notes were printed when it ran.")
    entries, memory = finished(imported, str(source))
    step(f"writing {imported.rows:,} rows to {target.name}")
    out = Outcome(source, target, imported.rows, notes=imported.notes, held=imported.held, merged=merging,
                  mapping=mapping, sheet=sheet)
    if held_back is not None or imported.held:
        out.held_back_file = held_back or held_back_path(source, target)
    if strict and out.held_rows:
        if out.held_back_file is not None:
            write_held_back(out.held_back_file, imported.columns, imported.held)
        return out
    if not merging or existing is None or empty:
        records = imported.records
        if records and existing is not None:  # a registry without schemes: they go below its comments
            update_schemes(target, sources, {}, records, checked=True, entries=list(entries.values()))
        elif records:
            atomic_write_text(target, registry_text(records, fmt, header,
                                                    list(entries.values()) if entries else None))
        out.written = bool(records)
        out.added = [r["id"] for r in records]
        if merging and records:
            write_state(target, {**(read_state(target) if existing is not None else {}), **memory} if empty else
                        remembered({}, all_added(records), str(source), {r["id"]: r["_row"] for r in records}))
    else:
        state = read_state(target)
        merge = plan(existing, imported.records, tables, state, overwrite=update)
        for sid, name, ours, theirs, row in merge.conflicts:
            out.notes.append(Note(f"row {row}", f"{name} of {sid} kept as the registry has it",
                                  f"the registry has {ours!r}, the spreadsheet {theirs!r}", "conflict", row))
        edited = update_schemes(target, sources, merge.updates, [_clean(r) for r in merge.added], checked=True,
                                entries=[entries[r["id"]] for r in merge.added] if entries else None)
        for sid, name, why in edited.cannot:
            at = next((r for r, s in merge.matched.items() if s == sid), None)
            out.notes.append(Note(f"row {at}", f"{name} of {sid} not changed", why, "cannot-edit", at))
        out.written = bool(merge.updates or merge.added)
        out.added = [r["id"] for r in merge.added]
        out.updated = list(merge.updates)
        out.unchanged = merge.unchanged
        rows = {**{sid: row for row, sid in merge.matched.items()}, **{r["id"]: r["_row"] for r in merge.added}}
        write_state(target, remembered(state, merge, str(source), rows))
    if out.held_back_file is not None:
        step("writing the rows held back")
        write_held_back(out.held_back_file, imported.columns, imported.held)
    keep_till_exit(imported, entries, memory)
    return out


def _clean(record: dict) -> dict:
    return {k: v for k, v in record.items() if not k.startswith("_")}
