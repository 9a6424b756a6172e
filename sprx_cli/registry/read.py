"""Reading scheme registries from disk (YAML or CSV) into raw records, exactly as written.

Loading turns a file into `RawRecord`s: the fields exactly as written, plus where each one is,
so that `validate` can check them and cite a line or row. The YAML and CSV forms hold the same
model; CSV has one row per scheme, list fields separated by ';' and at most one location.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from collections.abc import Sequence

from ..core.limits import MAX_COLUMNS
from ..core.problems import Loc, Problem, short
from ..core.textio import CONTROL, control_problem, has_control
from ..core.textio import SourceError, read_text
from ..core.yamlload import YList, YMap, load_plain, load_yaml
from .fields import (ALIASES, CSV_COLUMNS, CSV_FIELDS, CSV_LOCATION_COLUMNS, CSV_PART_COLUMNS, REQUIRED_FIELDS,
                     from_csv, translation_column, unknown_field)

ALIASES_OF = {name: alias for alias, name in ALIASES.items()}


class RawRecord:
    """One scheme as written: `data` maps field names to text, lists, mappings or None."""

    __slots__ = ("index", "data", "loc")

    def __init__(self, index: int, data: dict[str, Any], loc: Loc):
        self.index = index
        self.data = data
        self.loc = loc

    def at(self, field: str | None = None, item: int | None = None, sub: str | None = None) -> Loc:
        """Where `field` (list item `item`, field `sub` of a mapping) was written."""
        data = self.data
        if self.loc.row is not None or field is None or not isinstance(data, YMap):
            return self.loc
        if field not in data.pos:
            field = ALIASES_OF.get(field)  # written under its other name
            if field not in data.pos:
                return self.loc
        line, col = data.pos[field]
        value = data[field]
        if item is not None and isinstance(value, YList) and item < len(value.pos):
            line, col = value.pos[item]
            value = value[item]
        if sub is not None and isinstance(value, YMap) and sub in value.pos:
            line, col = value.pos[sub]
        return Loc(self.loc.file, line, col)


class LazyRecord(RawRecord):
    """A scheme read by the compiled YAML lane: its values now, its positions when first asked."""

    __slots__ = ("positions",)

    def __init__(self, index: int, data: dict[str, Any], positions: _YamlPositions):
        self.index, self.data, self.positions = index, data, positions

    @property
    def loc(self) -> Loc:  # type: ignore[override]
        return self.positions.loc(self.index)

    def at(self, field: str | None = None, item: int | None = None, sub: str | None = None) -> Loc:
        return RawRecord(self.index, self.positions.record(self.index), self.loc).at(field, item, sub)


class _YamlPositions:
    """Where each scheme of a YAML registry is, found only for schemes that need a position.

    Each scheme's lines (from its '- ' to the next one's) are read again with the exact loader and
    its line numbers moved to where they are in the file. Should that not give the same values (an
    unusual layout), the whole file is read with the exact loader once, and its positions used."""

    def __init__(self, text: str, display: str, plain: list[dict]):
        self.text, self.display, self.plain = text, display, plain
        self._starts: list[tuple[int, int]] | None = None  # each scheme's (offset, line number)
        self._maps: dict[int, YMap] = {}
        self._whole: list | None = None

    @property
    def whole_read(self) -> bool:
        """Whether the whole file was read again by the exact loader (rather than each scheme's lines)."""
        return self._whole is not None

    def loc(self, k: int) -> Loc:
        m = self.record(k)
        return Loc(self.display, m.line, m.column)

    def record(self, k: int) -> YMap:
        """Scheme k exactly as the exact loader reads it, positions included."""
        if k not in self._maps:
            self._maps[k] = self._alone(k) or self._from_whole(k)
        return self._maps[k]

    def _alone(self, k: int) -> YMap | None:
        starts = self._scheme_starts()
        if not starts:
            return None
        begin, line = starts[k]
        end = starts[k + 1][0] if k + 1 < len(starts) else len(self.text)
        doc, problems = load_yaml(self.text[begin:end], self.display)
        if problems or not isinstance(doc, YList) or len(doc) != 1 or not isinstance(doc[0], YMap):
            return None
        found = _shifted(doc[0], line - 1)
        return found if found == self.plain[k] else None

    def _from_whole(self, k: int) -> YMap:
        if self._whole is None:
            doc, _ = load_yaml(self.text, self.display)
            schemes = doc.get("schemes") if isinstance(doc, YMap) else None
            if isinstance(schemes, YList) and len(schemes) == len(self.plain):
                self._whole = list(schemes)
            else:  # the readers disagree on this file (tests look for any such file): cite the file alone
                self._whole = [_unplaced() for _ in self.plain]
        return self._whole[k]

    def _scheme_starts(self) -> list[tuple[int, int]]:
        """Each scheme's '- ' line (offset and line number); empty when they cannot be told apart."""
        if self._starts is None:
            self._starts = []
            text = self.text
            head = re.search(r"^schemes:[ ]*(?:#.*)?\r?\n(?:[ ]*(?:#.*)?\r?\n)*( *)-[ \r\n]", text, re.M)
            if head is not None:
                mark = "\n" + head.group(1) + "-"
                at, line = head.start(1), text.count("\n", 0, head.start(1)) + 1
                starts = [(at, line)]
                found = text.find(mark, at)
                while found != -1:
                    if text[found + len(mark):found + len(mark) + 1] in (" ", "\r", "\n", ""):
                        line += text.count("\n", starts[-1][0], found + 1)
                        starts.append((found + 1, line))
                    found = text.find(mark, found + 1)
                if len(starts) == len(self.plain):
                    self._starts = starts
        return self._starts


def _unplaced() -> YMap:
    m = YMap()
    m.line, m.column, m.pos, m.spans = None, None, {}, {}  # type: ignore[assignment]  # (no place in a text)
    return m


def _shifted(value: Any, lines: int) -> Any:
    """The value with every recorded line number moved down by `lines`."""
    if isinstance(value, (YMap, YList)):
        value.line += lines
        items = value.pos.items() if isinstance(value, YMap) else enumerate(value.pos)
        for key, (line, col) in list(items):
            value.pos[key] = (line + lines, col)
        for child in (value.values() if isinstance(value, YMap) else value):
            _shifted(child, lines)
    return value


@dataclass
class CsvTable:
    """A CSV registry's cells, column by column; a row becomes a `RawRecord` only when asked."""

    display: str
    columns: list[str | None]  # the field each column holds (None: unknown or blank header)
    cells: Sequence[Sequence[str]]  # each column's cells in the non-blank data rows
    row_numbers: list[int]  # each row's number as a spreadsheet counts it (header = 1)

    def __len__(self) -> int:
        return len(self.row_numbers)

    def column(self, field: str | None) -> Sequence[str] | None:
        """The raw cells of `field`'s column, or None when the file has no such column (or the field none)."""
        if field is None or field not in self.columns:
            return None
        return self.cells[self.columns.index(field)]

    def record(self, k: int) -> RawRecord:
        """Row k as a RawRecord (lists split, the location gathered)."""
        cells, columns = [c[k] for c in self.cells], self.columns
        data: dict[str, Any] = {}
        location: dict[str, Any] = {}
        for c, cell in zip(columns, cells):
            if c is None:
                continue
            if c in CSV_LOCATION_COLUMNS:
                if v := cell.strip():
                    location[CSV_LOCATION_COLUMNS[c]] = v
                continue
            if c in CSV_PART_COLUMNS:
                if v := cell.strip():
                    name, part = CSV_PART_COLUMNS[c]
                    data.setdefault(name, {})[part] = v
                continue
            if c not in CSV_FIELDS:  # a translation: 'name_cy', 'location_name_cy'
                if (v := cell.strip()) and (translated := translation_column(c)):
                    place, name, code = translated
                    (location if place else data).setdefault("translations", {}).setdefault(code, {})[name] = v
                continue
            f = CSV_FIELDS[c]
            value = from_csv(f, cell)
            if value is not None or f.kind == "text":
                data[f.name] = value
        if location:
            data["locations"] = [location]
        return RawRecord(k, data, Loc(self.display, row=self.row_numbers[k]))


@dataclass
class RawRegistry:
    """A registry as read: YAML keeps its records, CSV its table (records built on demand)."""

    kind: str  # "yaml" | "csv"
    _records: list[RawRecord] | None = None
    table: CsvTable | None = None

    def __len__(self) -> int:
        return len(self.table) if self.table is not None else len(self._records or ())

    def record(self, k: int) -> RawRecord:
        """Record k (built on demand for CSV)."""
        return self.table.record(k) if self.table is not None else self.records[k]

    def at(self, k: int, field: str) -> Loc:
        """Where record k's `field` was written (a CSV row without building the record)."""
        if self.table is not None:
            return Loc(self.table.display, row=self.table.row_numbers[k])
        return self.records[k].at(field)

    @property
    def records(self) -> list[RawRecord]:
        """Every record (CSV rows built once, when first asked)."""
        if self._records is None:
            self._records = [self.record(k) for k in range(len(self))]
        return self._records


def unknown_field_problem(display_field: str, choices, loc: Loc) -> Problem:
    """unknown-field at `loc`, with a did-you-mean."""
    fault = unknown_field(display_field, choices)
    return Problem(fault.code, fault.message, loc, field=display_field, value=display_field, hint=fault.hint)


def load_registry(path: Path, display: str, encoding: str | None = None,
                  exact: bool = False) -> tuple[RawRegistry, list[Problem]]:
    """Read a scheme registry; the file extension chooses YAML (.yaml/.yml) or CSV (.csv).

    `exact`: read YAML with the position-keeping loader from the start (to edit the file in place)."""
    kind = "csv" if path.suffix.lower() in (".csv", ".txt", ".tsv") else "yaml"
    try:
        text = read_text(path, display, encoding)
    except SourceError as exc:
        return RawRegistry(kind, []), [exc.problem]
    if kind == "csv":
        return read_csv(text, display)
    return read_yaml(text, display, exact)


def read_yaml(text: str, display: str, exact: bool = False) -> tuple[RawRegistry, list[Problem]]:
    """A YAML registry's records from its text (the compiled lane first unless `exact`), and its problems."""
    if not exact:
        doc = load_plain(text)
        if (type(doc) is dict and list(doc) == ["schemes"] and type(doc["schemes"]) is list
                and all(type(item) is dict for item in doc["schemes"])):
            positions = _YamlPositions(text, display, doc["schemes"])
            return RawRegistry("yaml", [LazyRecord(i, item, positions) for i, item in enumerate(doc["schemes"])]), []
    doc, problems = load_yaml(text, display)
    reg = RawRegistry("yaml", [])
    if doc is None:
        if not problems:
            problems.append(Problem(
                "registry-empty", f"{display} is empty", Loc(display, 1, 1)))
        return reg, problems
    if not isinstance(doc, YMap) or "schemes" not in doc:
        line, col = (doc.line, doc.column) if isinstance(doc, (YMap, YList)) else (1, 1)
        problems.append(Problem(
            "registry-shape", f"{display} must have a top-level 'schemes:' list", Loc(display, line, col)))
        return reg, problems
    for key in doc:
        if key != "schemes":
            line, col = doc.pos[key]
            problems.append(unknown_field_problem(key, ["schemes"], Loc(display, line, col)))
    schemes = doc["schemes"]
    if schemes is None:
        return reg, problems
    if not isinstance(schemes, YList):
        line, col = doc.pos["schemes"]
        problems.append(Problem(
            "registry-shape", "'schemes' must be a list", Loc(display, line, col),
            hint="write each scheme under 'schemes:' as an item starting with '- id: ...'"))
        return reg, problems
    for i, (item, (line, col)) in enumerate(zip(schemes, schemes.pos)):
        loc = Loc(display, line, col)
        if not isinstance(item, YMap):
            problems.append(Problem(
                "wrong-type", f"scheme {i + 1} is not a mapping of fields", loc,
                value=short(item), hint="each scheme is '- id: ...' followed by indented 'field: value' lines"))
            continue
        reg.records.append(RawRecord(len(reg.records), item, loc))
    return reg, problems


def compiled_cells(text: str) -> tuple[list[list[str]], list[int]] | None:
    """A CSV registry's data cells (column by column) and row numbers as pyarrow's compiled reader gives
    them, or None when the file is anything but plain (then the csv module reads it and words it)."""
    first = _header(text)
    return _compiled_read(text, first) if first is not None else None


def read_csv(text: str, display: str, compiled: bool = True) -> tuple[RawRegistry, list[Problem]]:
    """A CSV registry's table from its text (pyarrow's reader where the file is plain, unless not
    `compiled`), and its problems."""
    reg = RawRegistry("csv")
    problems: list[Problem] = []
    if not text.strip():
        return reg, [Problem("registry-empty", f"{display} is empty", Loc(display, row=1),
                             hint=f"the first row names the columns: {','.join(CSV_COLUMNS)}")]
    first = _header(text)
    fast = _compiled_read(text, first) if first is not None and compiled else None
    rows: list[list[str]]
    if fast is not None and first is not None:
        rows = [first]
    else:
        try:
            # a cell may be long (a description pasted whole); the csv module's default cap is 128 KB
            csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
            rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
        except csv.Error as exc:
            return reg, [Problem("csv-syntax", f"CSV syntax error: {exc}", Loc(display, row=_csv_error_row(text)))]
    header = [h.strip() for h in rows[0]]
    if len(header) > MAX_COLUMNS:
        return reg, [Problem("csv-too-wide", f"{display} has {len(header):,} columns (at most {MAX_COLUMNS:,})",
                             Loc(display, row=1))]
    columns: list[str | None] = []
    for h in header:
        column = CSV_FIELDS[h].csv if h in ALIASES else h  # 'areas' is the 'boroughs' column
        if column in CSV_COLUMNS and column not in columns:
            columns.append(column)
        elif translation_column(h) is not None and h not in columns:
            columns.append(h)
        elif column != h or (column in columns and header.count(column) == 1):
            problems.append(Problem(
                "alias-conflict", f"columns '{column}' and '{h if column != h else ALIASES_OF[column]}' are the "
                "same field", Loc(display, row=1), field=column, value=h, hint="keep one of the two columns"))
            columns.append(None)
        elif h in CSV_COLUMNS:
            problems.append(Problem(
                "csv-duplicate-column", f"column '{h}' appears twice in the header", Loc(display, row=1),
                field=h, value=h))
            columns.append(None)
        elif h:
            problems.append(unknown_field_problem(h, CSV_COLUMNS, Loc(display, row=1)))
            columns.append(None)
        else:
            columns.append(None)
    missing = [c for c in REQUIRED_FIELDS if c not in columns]
    if missing:
        problems.append(Problem(
            "missing-column", f"{display} has no column {', '.join(repr(m) for m in missing)}",
            Loc(display, row=1), value=",".join(header),
            hint=f"the first row must name the columns, at least {','.join(REQUIRED_FIELDS)}"))
        return reg, problems
    width = len(columns)
    if fast is not None:
        by_column, numbers = fast
        reg.table = CsvTable(display, columns, by_column, numbers)
        return reg, problems + _controls(reg.table, header, text)
    kept: list[list[str]] = []
    numbers = []
    for n, cells in enumerate(rows[1:], start=2):
        if len(cells) != width:
            if not "".join(cells).strip():
                continue
            if len(cells) > width and "".join(cells[width:]).strip():
                problems.append(Problem(
                    "csv-extra-cells", f"row {n} has {len(cells)} cells but the header names {width} columns",
                    Loc(display, row=n), value=short(",".join(cells[width:]))))
            cells = cells[:width] + [""] * (width - len(cells))
        elif not any(cells) or not "".join(cells).strip():
            continue
        kept.append(cells)
        numbers.append(n)
    columnwise = list(zip(*kept)) if kept else [()] * width
    reg.table = CsvTable(display, columns, columnwise, numbers)
    return reg, problems + _controls(reg.table, header, text)


def _controls(table: CsvTable, header: list[str], text: str) -> list[Problem]:
    """A control-character problem for each cell (and heading) that holds one: looked for cell by cell
    only in a file that has one (the file is scanned at the speed of a copy)."""
    if not has_control(text):
        return []
    found = [control_problem(h, Loc(table.display, row=1)) for h in header if CONTROL.search(h)]
    for column, (name, cells) in enumerate(zip(header, table.cells)):
        found += [control_problem(cell, Loc(table.display, row=table.row_numbers[k]), name or f"column {column + 1}")
                  for k, cell in enumerate(cells) if CONTROL.search(cell)]
    return found


def _header(text: str) -> list[str] | None:
    """The first row, read with the csv module; None when it is not well formed."""
    end = text.find("\n")
    for part in ((text[:end + 1],) if end != -1 else ()) + (text,):  # the first line, unless a cell spans lines
        try:
            return next(csv.reader(io.StringIO(part, newline=""), strict=True))
        except (csv.Error, StopIteration):
            continue
    return None


_SEPARATORS = ",\r\n"
# An empty quoted cell (or one of escaped quotes only) with text straight after it: `""x`. Written
# quotes first, then looking back, so that the search skips from quote to quote at C speed.
_TEXT_AFTER_EMPTY = re.compile(r'""(?<=[,\r\n]"")(?:"")*(?=[^",\r\n])')


def _plain_quotes(text: str, end: int) -> bool:
    """Whether every quoted cell opens at a cell's start and closes at its end, with only doubled
    quotes inside: then pyarrow and the csv module read the same cells (else the csv module words it)."""
    if _TEXT_AFTER_EMPTY.search(text, 0, end):
        return False
    bare = text[:end].replace('""', "")  # escaped quotes, and empty quoted cells
    at = [m.start() for m in re.finditer('"', bare)]
    if len(at) % 2:
        return False
    last = len(bare) - 1
    return (all(k == 0 or bare[k - 1] in _SEPARATORS for k in at[0::2])
            and all(k == last or bare[k + 1] in _SEPARATORS for k in at[1::2]))


def _compiled_read(text: str, header: list[str]) -> tuple[list[list[str]], list[int]] | None:
    """The data rows' cells column by column, and each row's number, read by pyarrow's compiled CSV
    reader; None when the file is anything but plain (a stray quote, a blank line, a ragged row, a NUL),
    so that the csv module reads it and words what is wrong exactly as before."""
    end = len(text)
    while end and text[end - 1] in "\r\n":  # blank lines at the very end number no row
        end -= 1
    if (text.count('"') % 2 or "\n" in "".join(header) or "\r" in "".join(header) or "\x00" in text
            or ('"' in text and not _plain_quotes(text, end)) or text.startswith(("\n", "\r"))):
        return None
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:  # pragma: no cover - a declared dependency; the csv module still works
        return None
    width = len(header)
    names = [f"c{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            pa.py_buffer((text[:end] if end < len(text) else text).encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            # a blank line is a row to the csv module (it numbers rows): pyarrow keeps it too, as a
            # row of nulls, skipped below as blank
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    cells = [table.column(i).to_pylist() for i in range(width)]
    numbers = list(range(2, table.num_rows + 2))
    # rows of blank cells only (spaces, commas): the csv lane skips those
    blank: Sequence[int] = range(table.num_rows)
    for column in cells:
        blank = [k for k in blank if not column[k] or column[k].isspace()]
        if not blank:
            break
    if blank:
        gone = set(blank)
        keep = [k for k in range(table.num_rows) if k not in gone]
        cells = [[column[k] for k in keep] for column in cells]
        numbers = [numbers[k] for k in keep]
    return cells, numbers


def _csv_error_row(text: str) -> int:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    n = 0
    try:
        for _ in reader:
            n += 1
    except csv.Error:
        return n + 1
    return n
