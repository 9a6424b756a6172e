"""Every input is bounded in time and memory by its size: linear work, or a stated limit refused with a
located message (issue #37). Each hostile file is made here, small, as an attacker would make it."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest

from helpers import MINI

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def xlsx(path: Path, sheet_data: str, extra: dict[str, bytes] | None = None) -> Path:
    """A minimal workbook whose one worksheet's <sheetData> is `sheet_data` (inline strings)."""
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
        '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main'
        '+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{SHEET_NS}" xmlns:r="{REL}"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        f'package/2006/relationships"><Relationship Id="rId1" Type="{REL}/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><worksheet xmlns="{SHEET_NS}"><sheetData>{sheet_data}'
        '</sheetData></worksheet>'}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def cell(ref: str | None, text: str) -> str:
    return f'<c{f" r={chr(34)}{ref}{chr(34)}" if ref else ""} t="inlineStr"><is><t>{text}</t></is></c>'


HEADER = f'<row r="1">{cell("A1", "Name")}{cell("B1", "Borough")}</row><row r="2">{cell("A2", "Chat")}' \
         f'{cell("B2", "Northtown")}</row>'


def ods(path: Path, rows: str) -> Path:
    content = ('<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
               'office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:'
               'names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>'
               f'<table:table table:name="Sheet1">{rows}</table:table></office:spreadsheet></office:body>'
               '</office:document-content>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:'
                   'names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
                   'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>')
    return path


def ods_cell(text: str, repeat: int = 1) -> str:
    times = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return f'<table:table-cell{times} office:value-type="string"><text:p>{text}</text:p></table:table-cell>'


ODS_HEADER = f"<table:table-row>{ods_cell('Name')}{ods_cell('Borough')}</table:table-row>" \
             f"<table:table-row>{ods_cell('Chat')}{ods_cell('Northtown')}</table:table-row>"


def refused(sprx, path: Path, tmp_path: Path) -> str:
    """`import table` of `path` into a new registry: exit 1, nothing written, no traceback; its message."""
    out = tmp_path / "out.yaml"
    result = sprx("import", "table", path, *MINI, "-o", out)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and not out.exists()
    assert result.stderr.startswith(f"sprx import table: {path}: the workbook is too large to read: "), result.stderr
    assert result.stderr.endswith("; save the sheet of schemes alone as CSV (UTF-8) and import that. "
                                  "Nothing was written.\n"), result.stderr
    return result.stderr.split("too large to read: ", 1)[1].split("; save")[0]


# --- workbooks (#37 row 2) -------------------------------------------------------------------------

@pytest.mark.parametrize("where, said", [
    ("XFD1048576", "xl/worksheets/sheet1.xml has 16,384 columns (at most 1,000)"),  # was a 512 GiB grid: SIGABRT
    ("CV1048576", "xl/worksheets/sheet1.xml spans 1,048,576 rows by 100 columns, 104,857,600 cells "
                  "(at most 5,000,000)")])  # was 4.2 GB
def test_one_far_cell_is_refused_before_the_grid_is_laid_out(sprx, tmp_path, where, said):
    row = "".join(ch for ch in where if ch.isdigit())
    path = xlsx(tmp_path / "far.xlsx", HEADER + f'<row r="{row}">{cell(where, "x")}</row>')
    assert refused(sprx, path, tmp_path) == said


def test_a_cell_far_from_its_row_or_without_positions_is_counted_too(sprx, tmp_path):
    # a cell whose own position says a far row, in row 3; then rows and cells with no position at all
    far = xlsx(tmp_path / "far.xlsx", HEADER + f'<row r="3">{cell("C2000000", "x")}</row>')
    assert "spans 2,000,000 rows" in refused(sprx, far, tmp_path)
    wide = xlsx(tmp_path / "wide.xlsx", HEADER + "<row>" + cell(None, "x") * 1001 + "</row>")
    assert refused(sprx, wide, tmp_path) == "xl/worksheets/sheet1.xml has 1,001 columns (at most 1,000)"


def test_repeated_ods_cells_are_counted_as_the_reader_spreads_them(sprx, tmp_path):
    wide = ods(tmp_path / "wide.ods", ODS_HEADER + f"<table:table-row>{ods_cell('x', 2000)}</table:table-row>")
    assert refused(sprx, wide, tmp_path) == "content.xml has 2,000 columns (at most 1,000)"  # (was 531 MB)
    tall = ods(tmp_path / "tall.ods", ODS_HEADER + '<table:table-row table:number-rows-repeated="10000">'
               f"{ods_cell('x', 900)}</table:table-row>")
    assert refused(sprx, tall, tmp_path).startswith("content.xml spans 10,002 rows by 900 columns")


def test_the_empty_repeats_spreadsheet_programs_write_are_read_as_nothing(sprx, tmp_path):
    """LibreOffice ends a sheet with its empty rows and columns, repeated to the sheet's edge."""
    path = ods(tmp_path / "list.ods", ODS_HEADER + '<table:table-row table:number-rows-repeated="1048574">'
               '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>')
    result = sprx("import", "table", path, *MINI, "-o", tmp_path / "out.yaml")
    assert result.exit_code == 0, result.output


def test_a_zip_that_inflates_past_the_limit_is_refused_by_what_it_declares_and_by_what_it_gives(
        sprx, tmp_path, monkeypatch):
    from sprx_cli.interchange import workbook_size

    monkeypatch.setattr(workbook_size, "MAX_INFLATED", 2**20)  # (the same check as at 512 MiB, sooner)
    zeros = b"<x>" + b"0" * (3 * 2**20) + b"</x>"
    honest = xlsx(tmp_path / "honest.xlsx", HEADER, {"xl/sharedStrings.xml": zeros})
    assert refused(sprx, honest, tmp_path).startswith("its parts inflate to 3 MiB (at most 1 MiB)")
    # the same part saying it is 100 bytes long, in the directory and in its own header
    data = bytearray(honest.read_bytes())
    with zipfile.ZipFile(honest) as z:
        info = z.getinfo("xl/sharedStrings.xml")
    struct.pack_into("<I", data, info.header_offset + 22, 100)  # the local header's size
    at = data.rfind(b"PK\x01\x02", 0, data.rfind(b"xl/sharedStrings.xml") + 1)
    struct.pack_into("<I", data, at + 24, 100)  # the central directory's
    liar = tmp_path / "liar.xlsx"
    liar.write_bytes(bytes(data))
    out = tmp_path / "out.yaml"
    result = sprx("import", "table", liar, *MINI, "-o", out)
    assert result.exit_code == 1 and "Traceback" not in result.output and not out.exists()
    assert result.stderr.startswith(f"sprx import table: {liar}: the workbook ")  # too large, or damaged: refused


def test_a_workbook_of_many_parts_is_refused(sprx, tmp_path, monkeypatch):
    from sprx_cli.interchange import workbook_size

    monkeypatch.setattr(workbook_size, "MAX_MEMBERS", 10)
    path = xlsx(tmp_path / "parts.xlsx", HEADER, {f"xl/media/{i}.xml": b"<x/>" for i in range(10)})
    assert refused(sprx, path, tmp_path) == "it has 15 parts (at most 10)"


# --- registries: linear in their size (#37 rows 3, 4) -------------------------------------------------

def _scheme(i: int, extra: str = "") -> str:
    return f"  - id: s{i}\n    name: Scheme {i}\n    boroughs: [Northtown]\n{extra}"


HOSTILE_REGISTRIES = {
    # each scheme with a key of its own: the fast lane made a column of every key (159 s, 6.6 GB)
    "20,000 distinct unknown keys": "schemes:\n" + "".join(_scheme(i, f"    unknown{i}: 1\n") for i in range(20_000)),
    # a plain text of brackets: the pre-parse look for flow lists over lines rescanned it (46 s)
    "100,000 [ then ]": "schemes:\n" + _scheme(0, "    description: " + "[" * 100_000 + "]" * 100_000 + "\n"),
    # a nested flow list of 400 KB (more than 180 s)
    "a flow list nested 200,000 deep": "schemes:\n  - id: a\n    name: A\n    boroughs: "
                                       + "[" * 200_000 + "]" * 200_000 + "\n",
}


@pytest.mark.processes
@pytest.mark.parametrize("case", list(HOSTILE_REGISTRIES))
def test_a_hostile_registry_is_read_in_time_linear_in_its_size(tmp_path, case):
    """Run as a process with a deadline 20 times what it takes here, so that work that grows faster than
    the input fails this test instead of stalling the suite (a guard, not a speed target)."""
    import subprocess
    import sys

    from helpers import ROOT, TODAY

    path = tmp_path / "schemes.yaml"
    path.write_text(HOSTILE_REGISTRIES[case], encoding="utf-8")
    args = [sys.executable, "-m", "sprx_cli", "validate", "--schemes", str(path), *MINI[2:]]
    try:
        r = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=60,
                           env={**__import__("os").environ, "SPRX_TODAY": TODAY})
    except subprocess.TimeoutExpired:
        pytest.fail(f"validate of {case} took more than 60 s")
    assert r.returncode in (0, 1) and "Traceback" not in r.stderr + r.stdout
    assert "internal error" not in r.stderr + r.stdout


# --- wide tables (#37 row 5) ------------------------------------------------------------------------

def test_a_sheet_wider_than_the_limit_is_refused_and_one_within_it_is_read_column_by_column_once(sprx, tmp_path):
    """A header of 5,000 columns took 13 s to import (a language looked up in every header word by
    reading pycountry's whole table each time); 100,000 took ten minutes."""
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(["Name", "Borough", *(f"x{i}" for i in range(1_000))]) + "\nChat,Northtown\n",
                    encoding="utf-8")
    result = sprx("import", "table", wide, *MINI, "-o", tmp_path / "out.yaml")
    assert result.exit_code == 1 and result.stderr == (
        f"sprx import table: {wide}: it has 1,002 columns (at most 1,000); keep the columns of the schemes (tens: "
        "name, area, contact, ...) and leave the rest out. Nothing was written.\n")
    # within it, each header's words are looked up in one index of language names, never by reading
    # pycountry's table again
    wide.write_text(",".join(["Name", "Borough", *(f"Welsh note {i}" for i in range(900))]) + "\nChat,Northtown\n",
                    encoding="utf-8")
    import pycountry

    lookups = []
    original = type(pycountry.languages).lookup

    def counted(self, value):
        lookups.append(value)
        return original(self, value)

    type(pycountry.languages).lookup = counted
    try:
        assert sprx("import", "table", wide, *MINI, "-o", tmp_path / "out.yaml").exit_code == 0
    finally:
        type(pycountry.languages).lookup = original
    assert lookups == []
