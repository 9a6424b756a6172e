"""Changing a registry file in place, touching only the lines that change.

Every other byte stays as it was: comments, key order, quoting, flow lists, line ends and a
byte-order mark. The write is atomic, made under a lock on the file's folder, and refused when
the file changed since it was read.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple
from collections.abc import Iterator

from ..registry.read import load_registry
from ..core.errors import SprxError
from ..core.textio import atomic_write_bytes

DATE_TOKEN = re.compile(r"""(?P<q>['"]?)(?P<text>[^'"#\s,}\]]*)(?P=q)""")


class EditError(SprxError):
    """The registry cannot be changed as asked (nothing was written)."""


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file's folder: two edits of one registry take turns."""
    fd = os.open(path.parent or Path("."), os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _split(raw: bytes) -> tuple[bytes, str, str]:
    """(BOM, text, line end) of a registry file."""
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    try:
        text = raw[len(bom):].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EditError(f"not UTF-8 text at byte {exc.start}: save it as UTF-8 first") from None
    return bom, text, "\r\n" if "\r\n" in text else "\n"


def set_last_verified(path: Path, ids: list[str], day: date) -> list[str]:
    """Set `last_verified` of these schemes to `day`; return the ids whose line changed."""
    with locked(path):
        raw = path.read_bytes()
        bom, text, eol = _split(raw)
        registry, problems = load_registry(path, str(path), exact=True)
        if len(registry) == 0:
            raise EditError(problems[0].message if problems else "the registry has no schemes")
        index: dict[str, int] = {}
        for k in range(len(registry)):
            rec = registry.record(k)
            sid = rec.data.get("id") if hasattr(rec.data, "get") else None
            if isinstance(sid, str):
                index.setdefault(sid.strip(), k)
        unknown = [i for i in ids if i not in index]
        if unknown:
            import difflib

            close = difflib.get_close_matches(unknown[0], list(index), n=1)
            raise EditError(f"no scheme has the id {unknown[0]!r}" + (f"; did you mean {close[0]!r}?" if close else ""))
        value = day.isoformat()
        if path.suffix.lower() == ".csv":
            new_text, changed = _csv(text, registry, index, ids, value)
        else:
            new_text, changed = _yaml(text, registry, index, ids, value, eol)
        if new_text == text:
            return []
        if hashlib.sha256(path.read_bytes()).digest() != hashlib.sha256(raw).digest():
            raise EditError(f"{path} changed while sprx was reading it; run the command again")
        atomic_write_bytes(path, bom + new_text.encode("utf-8"))
        return changed


def _yaml(text: str, registry, index, ids, value, eol) -> tuple[str, list[str]]:
    lines = text.splitlines(keepends=True)
    changed = []
    inserts: list[tuple[int, str]] = []  # (line index to insert before, text)
    starts = sorted(registry.record(k).data.line for k in range(len(registry)))
    for sid in ids:
        rec = registry.record(index[sid])
        data = rec.data
        if "last_verified" in data.pos:
            line, col = data.pos["last_verified"]
            row = lines[line - 1]
            m = DATE_TOKEN.match(row, col - 1)
            if not m or not m.group(0):
                raise EditError(f"scheme {sid!r}: cannot read last_verified on line {line}; edit it by hand")
            new = f"{m.group('q')}{value}{m.group('q')}"
            if m.group(0) != new:
                lines[line - 1] = row[:m.start()] + new + row[m.end():]
                changed.append(sid)
            continue
        first = lines[data.line - 1]
        if first[data.column - 1:data.column] == "{":
            raise EditError(f"scheme {sid!r} is written on one line ({{...}}); add last_verified to it by hand")
        following = [s for s in starts if s > data.line]
        end = (following[0] - 1) if following else len(lines)
        while end > data.line and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
            end -= 1
        if not lines[end - 1].endswith(("\n", "\r")):
            lines[end - 1] += eol
        inserts.append((end, " " * (data.column - 1) + f"last_verified: {value}" + eol))
        changed.append(sid)
    for at, new in sorted(inserts, reverse=True):
        lines.insert(at, new)
    return "".join(lines), changed


def _cells(record: str) -> list[tuple[int, int]]:
    """The (start, end) of each cell of one CSV record (quotes included)."""
    spans, i, n = [], 0, len(record)
    while True:
        start = i
        if i < n and record[i] == '"':
            i += 1
            while i < n:
                if record[i] == '"':
                    if i + 1 < n and record[i + 1] == '"':
                        i += 2
                        continue
                    i += 1
                    break
                i += 1
        while i < n and record[i] != ",":
            i += 1
        spans.append((start, i))
        if i >= n:
            return spans
        i += 1


def _csv_bounds(text: str) -> list[tuple[int, int]]:
    """Each CSV record's physical lines (first, past the last), from the reader's line counter."""
    import csv
    import io

    reader = csv.reader(io.StringIO(text, newline=""))
    bounds, previous = [], 0
    for _ in reader:
        bounds.append((previous, reader.line_num))
        previous = reader.line_num
    return bounds


def _csv(text: str, registry, index, ids, value) -> tuple[str, list[str]]:
    import csv
    import io

    header = next(csv.reader(io.StringIO(text)))
    if "last_verified" not in [h.strip() for h in header]:
        raise EditError("the CSV has no last_verified column: add one (an empty column is fine) and run again")
    column = [h.strip() for h in header].index("last_verified")
    bounds = _csv_bounds(text)
    lines = text.splitlines(keepends=True)
    changed = []
    for sid in ids:
        row = registry.record(index[sid]).loc.row  # spreadsheet row number: 1 is the header
        first, last = bounds[row - 1]
        record = "".join(lines[first:last])
        body = record.rstrip("\r\n")
        tail = record[len(body):]
        spans = _cells(body)
        if column >= len(spans):
            body += "," * (column - len(spans) + 1)
            spans = _cells(body)
        start, end = spans[column]
        if body[start:end] == value:
            continue
        new = body[:start] + value + body[end:] + tail
        lines[first:last] = [new]
        # later records move up if this one spanned several lines: recompute bounds by offset
        shift = (last - first) - 1
        if shift:
            bounds = [(a - shift, b - shift) if a >= last else (a, b) for a, b in bounds]
        changed.append(sid)
    return "".join(lines), changed


def append_scheme(path: Path, record: dict, sources) -> str:
    """Append one scheme (a record as a keeper writes it) to the registry; every byte already in the
    file stays as it was (a missing final line end is added). The new entry follows the file's own
    indentation and line ends; it is checked with the registry's rules first, and nothing is
    written when it has an error. Returns the text appended."""
    return update_schemes(path, sources, {}, [record]).appended_text


class Edited(NamedTuple):
    """What update_schemes wrote: the values set per scheme id, the text appended, and the values it
    could not set in place (scheme id, field, why)."""

    updated: dict[str, list[str]]
    appended_text: str
    cannot: list[tuple[str, str, str]]


def update_schemes(path: Path, sources, changes: dict[str, dict[str, Any]], appended: list[dict],
                   checked: bool = False, entries: list[str] | None = None) -> Edited:
    """Set these fields of existing schemes (scheme id -> field -> value as a keeper writes it) and append
    these schemes, in one locked, atomic write that keeps every other byte: comments, order, quoting,
    line ends. A value written over several lines with a comment among them is not rewritten (it is
    in `cannot`, to change by hand). Nothing is written when the result has an error the file did not
    have. `checked`: the appended schemes passed validate's checks already (writer.checked_records) and
    their ids are new to the file, so the file is not validated again after a mere append (the YAML
    writer writes what reads back as the schemes: tests/test_yamltext.py). `entries`: the appended
    schemes' YAML entries, where the caller has written them already (writer.entry_yaml)."""
    from .writer import registry_csv, registry_yaml

    with locked(path):
        raw = path.read_bytes()
        bom, text, eol = _split(raw)
        csv_file = path.suffix.lower() == ".csv"
        registry, problems = load_registry(path, str(path), exact=True)
        if problems and any(p.severity == "error" for p in problems):
            raise EditError(problems[0].message)
        index = _ids(registry)
        updated: dict[str, list[str]] = {}
        cannot: list[tuple[str, str, str]] = []
        if changes:
            unknown = [sid for sid in changes if sid not in index]
            if unknown:
                raise EditError(f"no scheme has the id {unknown[0]!r}")
            if csv_file:
                text = _csv_values(text, registry, index, changes, updated, cannot)
            else:
                text = _yaml_values(text, registry, index, changes, eol, updated, cannot)
        chunk = ""
        if appended:
            if not csv_file and not len(registry):
                text = _EMPTY_LIST.sub(r"\1\2", text, count=1)  # 'schemes: []': the entries go below it
            if csv_file:
                chunk = _csv_rows(text, registry_csv(appended))
            else:  # (a large import's entries are tens of megabytes: joined once, never copied whole again)
                chunk = _yaml_entry(registry, "".join(entries) if entries is not None else
                                    registry_yaml(appended).split("schemes:\n", 1)[1])
            if eol != "\n":
                chunk = chunk.replace("\n", eol)
            if text and not text.endswith(("\n", "\r")):
                text += eol
        _commit(path, raw, bom, text, sources, chunk, validated=checked and not changes)
        return Edited(updated, chunk, cannot)


# 'schemes: []' (a comment after it kept), the way a registry says it has no schemes on one line
_EMPTY_LIST = re.compile(r"^(schemes:)[ \t]*\[[ \t]*\]([ \t]*(?:#.*)?)$", re.M)


def _ids(registry) -> dict[str, int]:
    index: dict[str, int] = {}
    for k in range(len(registry)):
        sid = registry.record(k).data.get("id")
        if isinstance(sid, str):
            index.setdefault(sid.strip(), k)
    return index


def _commit(path: Path, raw: bytes, bom: bytes, text: str, sources, chunk: str, validated: bool = False) -> None:
    """Write `text` and then the appended `chunk` in place of the file, checked first (unless
    `validated`): refused when it has an error the file had not (for an appended `chunk`, an error in
    it), or when the file changed meanwhile."""
    import tempfile
    from dataclasses import replace

    from ..registry.validate import validate

    if not validated:
        before = _error_count(path, sources) if not chunk else None
        with tempfile.TemporaryDirectory() as tmp:
            trial = Path(tmp) / path.name
            trial.write_bytes(bom + (text + chunk).encode("utf-8"))
            report, _ = validate(replace(sources, schemes=str(trial)))
        mine = [p for p in report.errors if p.loc.file == str(trial)]
        if chunk:
            mine = [p for p in mine if _in_tail(p, text, chunk)]
        elif before is not None and len(mine) <= before:
            mine = []
        if mine:
            raise EditError("; ".join(f"{p.message} ({p.hint})" for p in mine))
    if path.read_bytes() != raw:
        raise EditError(f"{path} changed while sprx was reading it; run the command again")
    atomic_write_bytes(path, [bom, text.encode("utf-8"), chunk.encode("utf-8")])


def _error_count(path: Path, sources) -> int:
    from dataclasses import replace

    from ..registry.validate import validate

    report, _ = validate(replace(sources, schemes=str(path)))
    return sum(1 for p in report.errors if p.loc.file == str(path))


def _flow(value: Any) -> str:
    """A value as YAML on one line: a scalar quoted as it must be, a list or mapping in flow style."""
    import yaml

    dumped = yaml.safe_dump({"k": value}, default_flow_style=True, allow_unicode=True, width=10**9, sort_keys=False)
    return dumped.strip()[len("{k: "):-1]


def _block(value: Any, indent: int, eol: str) -> str:
    """A list or mapping as YAML block lines, the first without its indentation (it replaces a value
    that starts at column indent + 1), the others indented by `indent`."""
    import yaml

    dumped = yaml.safe_dump({"k": value}, default_flow_style=None, allow_unicode=True, width=100, sort_keys=False)
    lines = dumped.splitlines()[1:]  # after "k:"
    strip = len(lines[0]) - len(lines[0].lstrip(" "))
    lines = [line[strip:] for line in lines]
    return (eol + " " * indent).join(lines)


def _has_comment(text: str) -> bool:
    """Whether YAML text holds a comment (a '#' after a space or at a line's start, outside quotes)."""
    quote = None
    for i, c in enumerate(text):
        if quote:
            quote = None if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or text[i - 1] in " \t\n"):
            return True
    return False


def _yaml_values(text: str, registry, index, changes, eol, updated, cannot) -> str:
    from ..registry.fields import ALIASES

    spans: list[tuple[int, int, str]] = []  # (start, end, new text)
    inserts: list[tuple[int, str]] = []
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    starts = sorted(registry.record(k).data.line for k in range(len(registry)))
    for sid, fields in changes.items():
        data = registry.record(index[sid]).data
        for name, value in fields.items():
            key = name if name in data.spans else next((a for a, n in ALIASES.items() if n == name and a in data.spans),
                                                       None)
            if key is None:  # a new field: a line at the end of the scheme
                if text[offsets[data.line - 1] + data.column - 1:][:1] == "{":
                    cannot.append((sid, name, "the scheme is written on one line ({...})"))
                    continue
                following = [s for s in starts if s > data.line]
                end = (following[0] - 1) if following else len(lines)
                while end > data.line and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
                    end -= 1
                inserts.append((end, " " * (data.column - 1) + f"{name}: {_flow(value)}" + eol))
                updated.setdefault(sid, []).append(name)
                continue
            a, b = data.spans[key]
            old = text[a:b]
            block = isinstance(data[key], (dict, list)) and not old.startswith(("[", "{"))
            if block and _has_comment(old):
                cannot.append((sid, name, "written over several lines with a comment among them"))
                continue
            column = a - text.rfind("\n", 0, a) - 1
            new = _block(value, column, eol) if block and isinstance(value, (dict, list)) and value else _flow(value)
            spans.append((a, b, new))
            updated.setdefault(sid, []).append(name)
    for a, b, new in sorted(spans, reverse=True):
        text = text[:a] + new + text[b:]
    if inserts:
        lines = text.splitlines(keepends=True)
        for at, line in sorted(inserts, reverse=True):
            if at and not lines[at - 1].endswith(("\n", "\r")):
                lines[at - 1] += eol
            lines.insert(at, line)
        text = "".join(lines)
    return text


def _csv_values(text: str, registry, index, changes, updated, cannot) -> str:
    import csv
    import io

    from .writer import registry_csv

    header = [h.strip() for h in next(csv.reader(io.StringIO(text)))]
    bounds = _csv_bounds(text)
    lines = text.splitlines(keepends=True)
    for sid, fields in changes.items():
        written = next(csv.DictReader(io.StringIO(registry_csv([{"id": sid, **fields}]))))
        row = registry.record(index[sid]).loc.row
        first, last = bounds[row - 1]
        record = "".join(lines[first:last])
        body = record.rstrip("\r\n")
        tail = record[len(body):]
        cells = next(csv.reader(io.StringIO(body)))
        for name in fields:
            done = False
            for c in sorted(_columns_of(name)):
                column = c if c in header else next((a for a in _aliases(name) if a in header), None)
                if column is None:
                    if written.get(c):
                        cannot.append((sid, name, f"the CSV has no {c!r} column"))
                    continue
                at = header.index(column)
                cells += [""] * (at + 1 - len(cells))
                cells[at] = written.get(c, "")
                done = True
            if done:
                updated.setdefault(sid, []).append(name)
        buf = io.StringIO()
        csv.writer(buf, lineterminator="").writerow(cells)
        lines[first:last] = [buf.getvalue() + tail]
        shift = (last - first) - 1
        if shift:
            bounds = [(a - shift, b - shift) if a >= last else (a, b) for a, b in bounds]
    return "".join(lines)


def _aliases(name: str) -> tuple[str, ...]:
    from ..registry.fields import BY_NAME

    return BY_NAME[name].aliases


def _columns_of(name: str) -> set[str]:
    """The CSV columns a field is written in."""
    from ..registry.fields import BY_NAME, CSV_LOCATION_COLUMNS

    f = BY_NAME[name]
    if f.kind == "mapping":
        return {p.csv for p in f.parts if p.csv}
    if f.kind == "locations":
        return set(CSV_LOCATION_COLUMNS)
    return {f.csv} if f.csv else set()


def _in_tail(problem, text: str, chunk: str) -> bool:
    """Whether a problem is located in the `chunk` appended to `text` (its last lines, or its CSV row)."""
    first = text.count("\n") + 1
    at = problem.loc.line if problem.loc.line is not None else problem.loc.row
    return at is not None and at >= first


def _yaml_entry(registry, entry: str) -> str:
    """New entries ("  - id: ...\n    name: ...", as `registry_yaml` writes them under 'schemes:')
    re-indented as the registry's (as read by the exact loader) are."""
    column = registry.record(0).data.column if len(registry) and hasattr(registry.record(0).data, "column") else 5
    shift = (column - 1) - 4  # registry_yaml puts keys at column 5
    if shift == 0:
        return entry
    out = []
    for line in entry.splitlines(keepends=True):
        out.append(line[-shift:] if shift < 0 and line.startswith(" " * -shift) else " " * max(shift, 0) + line)
    return "".join(out)


def _csv_rows(text: str, written: str) -> str:
    """The new rows in the order of the file's own header (columns it lacks cannot be filled)."""
    import csv
    import io

    header = [h.strip() for h in next(csv.reader(io.StringIO(text)))]
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    for fields in csv.DictReader(io.StringIO(written)):
        missing = [k for k, v in fields.items() if v and k not in header]
        if missing:
            raise EditError(f"the CSV has no column for {', '.join(missing)}: add the column(s) and run again")
        out.writerow([fields.get(h, "") for h in header])
    return buf.getvalue()
