"""How big a workbook really is, found before it is read.

A workbook is a zip of XML (XLSX, ODS): a few kilobytes can declare a gigabyte of XML, or one cell
at XFD1048576 that the reader would lay out as a grid of 17 billion cells. So before python-calamine
sees it, the zip's declared sizes are checked, every member is inflated in pieces with the bytes
counted (a member may lie about its size), and the worksheets' cell positions are scanned (ODS's
repeated cells counted as the reader spreads them). An XLS (the old binary format) is bounded by
its format, 65,536 rows of 256 columns; its grid is measured before it becomes Python values.
Each limit is stated here once, and a workbook past one is refused with a message that says so.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import IO

from ..core.limits import MAX_COLUMNS

MAX_INFLATED = 512 * 2**20  # the XML of every part together, inflated: 512 MiB
MAX_MEMBERS = 10_000  # parts in the zip
MAX_CELLS = 5_000_000  # the grid a sheet is read into: rows × columns up to its last filled cell
_CHUNK = 1 << 20

_XLSX_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
# the quick way, as programs write a sheet: every row and cell with its position first
_XLSX_ROW_R = re.compile(rb'<row r="([0-9]{1,7})"')
_XLSX_CELL_ROW = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{1,7})"')
_XLSX_CELL_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})[0-9]')
_XLSX_REF = re.compile(rb"""(?:^|\s)r\s*=\s*["']([A-Za-z]{0,3})([0-9]{0,7})["']""")
_ODS_TAG = re.compile(rb"<(/?)table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*?)(/?)>")
_REPEAT = {b"table-row": re.compile(rb"""table:number-rows-repeated\s*=\s*["']([0-9]{1,9})["']"""),
           b"table-cell": re.compile(rb"""table:number-columns-repeated\s*=\s*["']([0-9]{1,9})["']""")}
_REPEAT[b"covered-table-cell"] = _REPEAT[b"table-cell"]
_VALUE = re.compile(rb"office:value-type\s*=")


class WorkbookTooLarge(Exception):
    """A workbook past one of the limits: `what` says which, in words."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


def check_workbook(data: bytes, kind: str) -> None:
    """Raise WorkbookTooLarge for an XLSX or ODS past a limit (an XLS is checked as it is read: see
    check_grid); zipfile's own errors (a damaged zip) are left to the reader to word."""
    if kind not in ("xlsx", "ods"):
        return
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = z.infolist()
        if len(members) > MAX_MEMBERS:
            raise WorkbookTooLarge(f"it has {len(members):,} parts (at most {MAX_MEMBERS:,})")
        declared = sum(m.file_size for m in members)
        if declared > MAX_INFLATED:
            raise WorkbookTooLarge(f"its parts inflate to {_mb(declared)} (at most {_mb(MAX_INFLATED)})")
        budget = _Budget()
        for m in members:
            with z.open(m) as f:
                pieces = budget.pieces(f)
                if kind == "xlsx" and m.filename.startswith("xl/worksheets/"):
                    grids = _xlsx_grid(pieces)
                elif kind == "ods" and m.filename == "content.xml":
                    grids = _ods_grid(pieces)
                else:
                    for _ in pieces:
                        pass
                    continue
                for rows, columns in grids:
                    check_grid(rows, columns, m.filename)


def check_grid(rows: int, columns: int, where: str) -> None:
    """Raise WorkbookTooLarge where a sheet's grid (rows × columns up to its last filled cell) is past
    MAX_COLUMNS or MAX_CELLS."""
    if columns > MAX_COLUMNS:
        raise WorkbookTooLarge(f"{where} has {columns:,} columns (at most {MAX_COLUMNS:,})")
    if rows * columns > MAX_CELLS:
        raise WorkbookTooLarge(f"{where} spans {rows:,} rows by {columns:,} columns, {rows * columns:,} cells "
                               f"(at most {MAX_CELLS:,})")


class _Budget:
    """The bytes inflated so far, refused once they pass MAX_INFLATED (whatever the parts declared)."""

    def __init__(self) -> None:
        self.used = 0

    def pieces(self, f: IO[bytes]) -> Iterator[bytes]:
        while piece := f.read(_CHUNK):
            self.used += len(piece)
            if self.used > MAX_INFLATED:
                raise WorkbookTooLarge(f"its parts inflate to more than {_mb(MAX_INFLATED)}")
            yield piece


def _whole_tags(pieces: Iterator[bytes]) -> Iterator[bytes]:
    """The pieces again, each cut after its last whole tag (the rest begins the next one)."""
    carry = b""
    for piece in pieces:
        text = carry + piece
        cut = text.rfind(b"<")
        if cut < 0 or text.find(b">", cut) >= 0:
            cut = len(text)
        yield text[:cut]
        carry = text[cut:]
        if len(carry) > _CHUNK:  # a tag that never ends
            raise WorkbookTooLarge("a tag in it runs on for more than a megabyte")
    yield carry


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _xlsx_grid(pieces: Iterator[bytes]) -> Iterator[tuple[int, int]]:
    """A worksheet's (rows, columns) so far, piece by piece: from the cells' positions, written first in
    every row and cell as programs write them (`<c r="B7"`), read in a few passes over the piece; a
    piece written otherwise (a row or cell without its position, a namespace prefix) tag by tag."""
    rows = columns = 0
    letters: set[bytes] = set()
    for text in _whole_tags(pieces):
        found, cells = _XLSX_ROW_R.findall(text), _XLSX_CELL_ROW.findall(text)
        if (len(found) == text.count(b"<row ") and len(cells) == text.count(b"<c ") and b"<row>" not in text
                and b"<c>" not in text and b"<c/>" not in text and b":row" not in text and b":c " not in text):
            rows = max(rows, max(map(int, found), default=0), max(map(int, cells), default=0))
            new = set(_XLSX_CELL_COLUMN.findall(text)) - letters
            letters |= new
            columns = max(columns, max(map(_column_number, new), default=0))
        else:
            rows, columns = _xlsx_counted(text, rows, columns)
        yield rows, columns


def _xlsx_counted(text: bytes, rows: int, columns: int) -> tuple[int, int]:
    """The grid by each tag in turn, a row or cell without a position taking the next one."""
    row = rows
    col = 0
    for m in _XLSX_TAG.finditer(text):
        ref = _XLSX_REF.search(m.group(2))
        if m.group(1) == b"row":
            row = int(ref.group(2)) if ref and ref.group(2) else row + 1
            col = 0
            rows = max(rows, row)
        else:
            col = _column_number(ref.group(1)) if ref and ref.group(1) else col + 1
            if ref and ref.group(2):
                rows = max(rows, int(ref.group(2)))
            columns = max(columns, col)
    return rows, columns


def _ods_grid(pieces: Iterator[bytes]) -> Iterator[tuple[int, int]]:
    """Each sheet's (rows, columns) so far: repeated rows and cells counted up to the last one that
    holds something (empty repeats at a sheet's end are what spreadsheet programs write, and are not
    read)."""
    row = rows = columns = width = col = repeat_rows = 0
    for m in (m for text in _whole_tags(pieces) for m in _ODS_TAG.finditer(text)):
        closing, name, attrs, empty = m.group(1), m.group(2), m.group(3), m.group(4)
        if name == b"table":
            if not closing:
                row = rows = columns = 0
            continue
        if name == b"table-row":
            if closing:
                if width:
                    rows, columns = row + repeat_rows, max(columns, width)
                row += repeat_rows
                yield rows, columns
                continue
            repeat_rows = int(r.group(1)) if (r := _REPEAT[name].search(attrs)) else 1
            col = width = 0
            if empty:  # (a row with no cells)
                row += repeat_rows
            continue
        if closing:
            continue
        span = int(r.group(1)) if (r := _REPEAT[name].search(attrs)) else 1
        if not empty or _VALUE.search(attrs):
            width = col + span
            if width * (row + repeat_rows) > MAX_CELLS or width > MAX_COLUMNS:
                yield row + repeat_rows, width
        col += span
    yield rows, columns


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB"
