"""Spreadsheets as they really come, read into a header and numbered rows.

The file's kind is found by its bytes, whatever its name says (an XLSX or ODS saved as `.csv` is
still a workbook); text is decoded as UTF-8, else as the Windows-1252 or Latin-1 it was saved in
(said, with the row and column of its first such character); the header row is found below any
title lines; blank spacer rows and trailing empty columns are passed over. Every row keeps its
number as the spreadsheet shows it. Workbooks are read with python-calamine (XLSX, XLSM, XLSB,
XLS, ODS: one compiled reader for all of them).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from ..core.limits import MAX_COLUMNS
from ..core.textio import has_control
from .imported import ImportFailed

WORKBOOKS = ("xlsx", "ods", "xls")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary Office formats (.xls)
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
HEADER_SEARCH = 20  # rows looked at for the header (title lines above it)


@dataclass
class Sheet:
    """A spreadsheet's header and data rows, each row with its number as the spreadsheet shows it."""

    header: list[str]
    rows: list[tuple[int, list[Any]]]
    kind: str  # "csv" or one of WORKBOOKS
    header_row: int = 1
    encoding: str | None = None  # a text file's, when not UTF-8
    first_odd_character: tuple[int, int, str] | None = None  # (row, column, character) that was not UTF-8
    title_rows: list[int] = field(default_factory=list)  # rows above the header
    blank_rows: list[int] = field(default_factory=list)  # spacer rows passed over
    has_control: bool = False  # whether a cell holds a control character (core.textio.CONTROL)


def kind_of(data: bytes) -> str:
    """What a file is by its bytes: 'xlsx', 'ods', 'xls', or 'csv' (text)."""
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
                if "mimetype" in names and z.read("mimetype").strip() == ODS_MIMETYPE:
                    return "ods"
                if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
                    return "xlsx"
        except zipfile.BadZipFile:
            pass
        raise ImportFailed("the file is a zip archive, not a spreadsheet",
                           "give a CSV, XLSX or ODS file (an XLSX or ODS is a zip of a particular kind)")
    if data.startswith(OLE2):
        return "xls"
    return "csv"


def read_sheet(path: Path, encoding: str | None = None) -> Sheet:
    """The header and data rows of a CSV, XLSX, ODS or XLS file (a workbook's first sheet with data)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read it: {exc.strerror}") from None
    kind = kind_of(data)
    sheet = Sheet([], [], kind)
    if kind in WORKBOOKS:
        grid = _workbook_rows(path, data, kind)
        sheet.has_control = has_control("\n".join(c for row in grid for c in row if type(c) is str))
    else:
        text = _decode(data, encoding, sheet)
        sheet.has_control = has_control(text)
        grid = _csv_rows(text)
    numbered = [(n, _trim(cells)) for n, cells in enumerate(grid, start=1)]
    filled = [row for row in numbered if row[1]]  # (a row trimmed to nothing is blank)
    sheet.blank_rows = [n for n, cells in numbered if not cells]
    if not filled:
        raise ImportFailed(f"{path}: no rows", "the file has no cell with anything in it")
    at = _header_index(filled)
    sheet.title_rows = [n for n, _ in filled[:at]]
    sheet.header_row, header = filled[at]
    width = max(len(cells) for _, cells in filled[at:])
    if width > MAX_COLUMNS:
        raise ImportFailed(f"{path}: it has {width:,} columns (at most {MAX_COLUMNS:,})",
                           "keep the columns of the schemes (tens: name, area, contact, ...) and leave the rest out")
    sheet.header = [_header_text(h) for h in header] + [""] * (width - len(header))
    sheet.rows = [row if len(row[1]) == width else (row[0], row[1] + [None] * (width - len(row[1])))
                  for row in filled[at + 1:]]
    sheet.blank_rows = [n for n in sheet.blank_rows if n > sheet.header_row]
    return sheet


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _trim(cells: list) -> list:
    """The row without its trailing empty cells."""
    if cells and type(last := cells[-1]) is str and type(cells) is list:
        if last and not last[-1].isspace():
            return cells  # (the usual row of a CSV: its last cell is filled in)
        if not last and len(cells) > 1 and type(before := cells[-2]) is str and before and not before[-1].isspace():
            return cells[:-1]  # (a sheet saved with one empty column at its end)
    end = len(cells)
    while end and not _present(cells[end - 1]):
        end -= 1
    return list(cells[:end])


def _header_text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def _header_index(filled: list[tuple[int, list]]) -> int:
    """Which of the first rows is the header: the first with cells that name two of sprx's fields, else
    the first with two or more cells filled in (a title line above a table fills one)."""
    from .headers import meaning

    first_wide = None
    for i, (_, cells) in enumerate(filled[:HEADER_SEARCH]):
        texts = [_header_text(c) for c in cells if _present(c)]
        if len({m for m in map(meaning, texts) if m}) >= 2:
            return i
        if first_wide is None and len(texts) >= 2:
            first_wide = i
    return first_wide or 0


def _workbook_rows(path: Path, data: bytes, kind: str) -> list[list[Any]]:
    from .workbook_size import WorkbookTooLarge, check_grid, check_workbook

    try:
        check_workbook(data, kind)  # (its sizes and its sheets' grids, before the reader lays them out)
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            if sheet.height:  # (to_python lays the grid out from A1 to the sheet's end)
                check_grid(sheet.total_height + 1, sheet.total_width + 1, f"sheet {name!r}")
            rows = sheet.to_python(skip_empty_area=False)
            if any(any(_present(c) for c in r) for r in rows):
                return [[_cell_value(c) for c in r] for r in rows]
        return []
    except ImportFailed:
        raise
    except WorkbookTooLarge as exc:
        raise ImportFailed(f"{path}: the workbook is too large to read: {exc.what}",
                           "save the sheet of schemes alone as CSV (UTF-8) and import that") from None
    except Exception as exc:  # python-calamine raises its own kinds for a damaged workbook
        raise ImportFailed(f"{path}: the workbook cannot be read ({type(exc).__name__}: {exc})",
                           "open it in a spreadsheet program and save it again") from None


def _cell_value(value: Any) -> Any:
    """A workbook cell as Python: text, a whole number, a number, a date, or None when empty."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date()
    return value


def _decode(data: bytes, encoding: str | None, sheet: Sheet) -> str:
    """The file's text: in `encoding` when given, else UTF-8 (a BOM allowed), else Windows-1252, else
    Latin-1; the first character that was not UTF-8 is kept with its row and column for the notes."""
    if encoding:
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except LookupError:
            from ..core.errors import UsageError

            raise UsageError("encoding", f"unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as exc:
            row, column = _where_byte(data, exc.start)
            raise ImportFailed(f"row {row}, column {column}: byte 0x{data[exc.start]:02x} is not {encoding}",
                               "name the file's encoding with --encoding, or save it as CSV UTF-8") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start
    for name in ("cp1252", "latin-1"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        row, column = _where_byte(data, start)
        sheet.encoding = name
        sheet.first_odd_character = (row, column, data[start:start + 1].decode(name))
        return text.removeprefix("\ufeff")
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def _where_byte(data: bytes, at: int) -> tuple[int, int]:
    """The (row, column) a byte of a CSV file is in, as a spreadsheet numbers them (from 1)."""
    before = data[:at].decode("latin-1")
    rows = list(csv.reader(io.StringIO(before, newline="")))
    if not rows:
        return 1, 1
    return len(rows), len(rows[-1]) or 1


def _last_record_line(text: str, delimiter: str) -> int:
    """The line a CSV's last record begins on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    begins, line = 1, 0
    for _ in reader:
        begins, line = line + 1, reader.line_num
    return begins


def _csv_rows(text: str) -> list[list[Any]]:
    """A CSV's rows (comma, semicolon or tab separated: sniffed from its first lines)."""
    sample = "\n".join(text[:1 << 16].splitlines()[:20])
    delimiter = ","
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        pass
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows: list[list[Any]] = list(reader)
    except csv.Error as exc:
        raise ImportFailed(f"the CSV cannot be read: {exc}",
                           "check the quotes: a quote inside a value must be doubled (\"\")") from None
    if rows and text.count('"') % 2 and any("\n" in c or "\r" in c for c in rows[-1]):
        begins = _last_record_line(text, delimiter)
        # a quote left open swallows every line after it into one cell: refuse rather than lose the rows
        raise ImportFailed(f"row {len(rows)} (line {begins}) opens a quote (\") that is never closed, so every "
                           "line after it would be read as one cell",
                           "close the quote, or double a quote that is part of the text (\"\")")
    return rows


_ODD_SPACE = re.compile("[\r\n\u2028\u2029\x0b\u00a0]|_x000D_")


def cell_text(value: Any) -> str | None:
    """A cell as text: line breaks kept (they separate things), other runs of space made one; None when
    empty. Dates as YYYY-MM-DD; whole numbers without '.0'."""
    if value is None:
        return None
    if isinstance(value, str) and not _ODD_SPACE.search(value):  # the usual cell: one line, plain spaces
        return " ".join(value.split()) or None
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\x0b", "\n").replace("\u00a0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = "\n".join(line for line in lines if line)
    return text or None
