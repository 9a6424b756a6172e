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
from typing import Iterator

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
        index = {}
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


def _csv(text: str, registry, index, ids, value) -> tuple[str, list[str]]:
    import csv
    import io

    header = next(csv.reader(io.StringIO(text)))
    if "last_verified" not in [h.strip() for h in header]:
        raise EditError("the CSV has no last_verified column: add one (an empty column is fine) and run again")
    column = [h.strip() for h in header].index("last_verified")
    # physical lines of each record, from the reader's line counter
    reader = csv.reader(io.StringIO(text, newline=""))
    bounds, previous = [], 0
    for _ in reader:
        bounds.append((previous, reader.line_num))
        previous = reader.line_num
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
    import tempfile
    from dataclasses import replace

    from ..registry.validate import validate
    from .writer import registry_csv, registry_yaml

    with locked(path):
        raw = path.read_bytes()
        bom, text, eol = _split(raw)
        if path.suffix.lower() == ".csv":
            chunk = _csv_row(text, registry_csv([record]))
        else:
            chunk = _yaml_entry(path, text, registry_yaml([record])[0])
        chunk = chunk.replace("\n", eol)
        lead = "" if not text or text.endswith(("\n", "\r")) else eol
        new_text = text + lead + chunk
        with tempfile.TemporaryDirectory() as tmp:
            trial = Path(tmp) / path.name
            trial.write_bytes(bom + new_text.encode("utf-8"))
            report, _ = validate(replace(sources, schemes=str(trial)))
        mine = [p for p in report.errors if p.loc.file == str(trial) and _in_tail(p, new_text, chunk)]
        if mine:
            raise EditError("; ".join(f"{p.message} ({p.hint})" for p in mine))
        if path.read_bytes() != raw:
            raise EditError(f"{path} changed while sprx was reading it; run the command again")
        atomic_write_bytes(path, bom + new_text.encode("utf-8"))
        return chunk


def _in_tail(problem, text: str, chunk: str) -> bool:
    """Whether a problem is located in the appended entry (its last lines, or its CSV row)."""
    first = text.count("\n", 0, len(text) - len(chunk)) + 1
    at = problem.loc.line if problem.loc.line is not None else problem.loc.row
    return at is not None and at >= first


def _yaml_entry(path: Path, text: str, written: str) -> str:
    """The new entry (`registry_yaml`'s, under 'schemes:') re-indented as the file's entries are."""
    registry, _ = load_registry(path, str(path), exact=True)
    column = registry.record(0).data.column if len(registry) and hasattr(registry.record(0).data, "column") else 5
    entry = written.split("schemes:\n", 1)[1]  # "  - id: ...\n    name: ..."
    shift = (column - 1) - 4  # registry_yaml puts keys at column 5
    if shift == 0:
        return entry
    out = []
    for line in entry.splitlines(keepends=True):
        out.append(line[-shift:] if shift < 0 and line.startswith(" " * -shift) else " " * max(shift, 0) + line)
    return "".join(out)


def _csv_row(text: str, written: str) -> str:
    """The new row in the order of the file's own header (columns it lacks cannot be filled)."""
    import csv
    import io

    header = next(csv.reader(io.StringIO(text)))
    fields = next(csv.DictReader(io.StringIO(written)))
    missing = [k for k, v in fields.items() if v and k not in [h.strip() for h in header]]
    if missing:
        raise EditError(f"the CSV has no column for {', '.join(missing)}: add the column(s) and run again")
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([fields.get(h.strip(), "") for h in header])
    return buf.getvalue()
