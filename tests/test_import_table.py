"""`sprx import table`: the spreadsheets keepers already have, into the registry, with nothing lost.

Every spreadsheet here is made by the test, with the patterns real council lists have: no area
column, misspelt areas, contact cells holding two things on two lines, opening times in words, a
chain's 48 branches under one name, title lines above the header, a workbook saved as .csv."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
import yaml

from helpers import ROOT, page_data, sources
from sprx_cli.interchange.headers import choose_columns
from sprx_cli.interchange.hours import read
from sprx_cli.interchange.sheets import import_sheet
from sprx_cli.registry.validate import registry_tables

MESSY = "tests/fixtures/sheets/messy.csv"
HOURS = ROOT / "tests/fixtures/sheets/hours.csv"


@pytest.fixture
def folder(tmp_path, sprx):
    """A registry folder as `sprx init` makes it, for London, with the postcode table set."""
    reg = tmp_path / "reg"
    result = sprx("init", reg, "--boundaries", "data/london-boroughs.geojson",
                  "--postcodes", "data/london-postcodes.csv.gz")
    assert result.exit_code == 0, result.output
    return reg


def run_in(folder, sprx, monkeypatch, *args):
    monkeypatch.chdir(folder)
    return sprx("import", "table", *args)


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def schemes(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["schemes"] or []


def held_back(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


# --- the columns ---------------------------------------------------------------------------------

def test_headers_are_read_by_meaning():
    m = choose_columns(["Project", "Organisation", "Local Authority", "Post code", "Tel", "URL", "Opening times",
                        "Referral method", "Area code", "Colour"], {})
    assert m.used == {"name": "Project", "provider": "Organisation", "boroughs": "Local Authority",
                      "postcode": "Post code", "phone": "Tel", "website": "URL", "hours": "Opening times",
                      "how_to_refer": "Referral method"}  # in the file's order; the first of a meaning wins
    assert m.unused == ["Area code", "Colour"]
    m = choose_columns(["Service", "Area name", "Organisation name", "Venue name", "Venue postcode", "Phone number",
                        "Email address", "Days and times", "What it offers", "Who for", "Price", "Telephne"], {})
    assert m.used == {"name": "Service", "boroughs": "Area name", "provider": "Organisation name",
                      "location_name": "Venue name", "postcode": "Venue postcode", "phone": "Phone number",
                      "email": "Email address", "hours": "Days and times", "description": "What it offers",
                      "eligibility": "Who for", "cost": "Price"}
    assert m.near == {}  # 'Telephne' nearly spells a field already filled (by 'Phone number')
    m = choose_columns(["Name", "Telephne"], {})
    assert m.near == {"Telephne": ("telephone", "phone")}
    assert choose_columns(["Project title", "Where"], {"name": "project title", "boroughs": "Where"}).used == {
        "name": "Project title", "boroughs": "Where"}


# --- opening times -------------------------------------------------------------------------------

def test_opening_times_in_words_are_read_and_none_wrongly():
    """The fixture's 72 cells, as people write them: each read exactly as expected, or not at all."""
    rows = list(csv.DictReader(HOURS.open(encoding="utf-8")))
    assert len(rows) >= 60
    exact = partly = 0
    for r in rows:
        got = read(r["cell"])
        text = "; ".join(f"{','.join(o.days)} {o.opens}-{o.closes}" for o in got.openings)
        assert (text, got.complete) == (r["expected"], r["complete"] == "yes"), r["cell"]
        exact += bool(got.openings) and got.complete
        partly += bool(got.openings) and not got.complete
    share = (exact + partly) / len(rows)
    assert (exact, partly, len(rows)) == (47, 5, 72) and share > 0.7  # 72 % read, 65 % exactly, none wrongly


# --- a messy spreadsheet -------------------------------------------------------------------------

def test_a_messy_spreadsheet_is_cleaned_where_the_meaning_is_clear():
    imported, mapping, _ = import_sheet(Path(MESSY), registry_tables(sources("london")), {})
    assert mapping.unused == ["Notes"]
    knit, walks, advice, choir = imported.records
    assert (knit["email"], knit["phone"], knit["website"], knit["last_verified"]) == (
        "knit@example.org", "020 7946 0301", "https://www.example.org/knit", "2026-06-01")
    assert (knit["cost"], knit["languages"], knit["categories"]) == ("free", ["en", "bn"], ["arts-creativity"])
    assert knit["hours"] == [{"days": ["mon", "wed"], "opens": "10:00", "closes": "12:00"}]
    assert (walks["phone"], walks["cost_description"], walks["hours_note"]) == (
        "020 7946 0303", "£2 a walk", "Tuesdays from ten")
    assert (advice["boroughs"], advice["website"], advice.get("phone")) == (
        ["Hackney"], "https://example.org/advice", None)  # no area given: the postcode's
    assert choir["boroughs"] == ["Westminster"]  # 'Westminstr': the one area it is close to
    notes = {(n.where.split("messy.csv ")[1], n.what, n.kind) for n in imported.notes}
    assert ("row 3, column 'Telephone'", "'NA' read as empty", "empty") in notes
    assert ("row 2, column 'Telephone'", "'020 7946 0302' left out", "left-out") in notes
    assert ("row 6, column 'Borough'", "'Westminstr' read as 'Westminster'", "area-spelling") in notes
    assert [(h.row, h.reason) for h in imported.held if not h.added] == [
        (5, "it has no name (the 'Project' column is empty)")]  # a name of only a non-breaking space


def test_import_into_the_registry_then_map_build(folder, sprx, monkeypatch):
    result = run_in(folder, sprx, monkeypatch, ROOT / MESSY)
    assert result.exit_code == 0, result.output
    err = result.stderr.splitlines()
    assert err[0] == ("Columns used: 'Project' -> name, 'Organisation' -> provider, 'Borough' -> boroughs, "
                      "'Contact' -> contact, 'Telephone' -> phone, 'Web' -> website, 'Post code' -> postcode, "
                      "'Opening times' -> hours, 'Cost' -> cost, 'Languages spoken' -> languages, "
                      "'Category' -> categories, 'Last checked' -> last_verified")
    assert err[1] == "Columns left out: 'Notes' (map one with --column FIELD=HEADER)"
    assert err[2] == "Held back: row 5: it has no name (the 'Project' column is empty)"  # before any note
    assert err[-1] == (f"5 rows in {ROOT / MESSY} into schemes.yaml: 4 added, 0 updated, 0 unchanged, 1 held back "
                       "(in messy.held-back.csv); 2 rows added without some values (in the same file)")
    assert [s["id"] for s in schemes(folder / "schemes.yaml")] == [
        "camden-knit-and-natter-test", "islington-walking-group-test", "hackney-advice-drop-in-test",
        "westminster-choir-test"]
    assert (folder / "schemes.yaml").read_text().startswith("# yaml-language-server:")  # the template's lines kept
    held = held_back(folder / "messy.held-back.csv")
    assert [(h["row"], h["Project"]) for h in held] == [("2", "Camden Knit and Natter (test)"),
                                                        ("4", "Hackney Advice Drop-in (test)"), ("5", " ")]
    assert "020 7946 0302" in held[0]["reason"] and "15/13/2026" in held[1]["reason"]
    assert sprx("validate").exit_code == 0
    result = sprx("map", "build", "--output", folder / "map.html", "--offline", "--tiles", "none", "--quiet")
    assert result.exit_code == 0, result.output
    assert page_data((folder / "map.html").read_text(encoding="utf-8"))["points"]["approximate"] == [1, 1, 1]


def test_output_writes_a_new_registry_instead(folder, sprx, monkeypatch, tmp_path):
    result = run_in(folder, sprx, monkeypatch, ROOT / MESSY, "--output", tmp_path / "new.csv")
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "new.csv").read_text().splitlines()
    assert lines[1].startswith("camden-knit-and-natter-test,Camden Knit and Natter (test),Camden,")
    assert schemes(folder / "schemes.yaml") == []  # the folder's registry is not touched
    assert result.stderr.splitlines()[-1].endswith("as " + str(tmp_path / "new.csv") + ": 4 added, 1 held back "
                                                  f"(in {tmp_path / 'messy.held-back.csv'}); 2 rows added without some "
                                                  "values (in the same file)")


# --- a real-looking list: a food-bank chain with no area column -----------------------------------

# 48 real postcodes, one per district, each inside one London area (from data/london-postcodes.csv.gz)
POSTCODES = ['BR1 1AA', 'BR3 1WQ', 'BR6 0DQ', 'CR0 3NB', 'CR2 9BF', 'CR5 2WW', 'CR9 4AD', 'DA15 9HU', 'DA8 1GZ',
             'E1 9UN', 'E13 3FA', 'E15 1SZ', 'E17 5FG', 'E2 6NP', 'E4 8LP', 'E7 0HX', 'EC1A 4JE', 'EC1Y 8UB',
             'EC3A 7DR', 'EC4V 3NS', 'EN2 9ZN', 'EN5 5ZH', 'HA1 2LX', 'HA3 5ZN', 'HA5 3GS', 'HA8 0DH', 'HA9 8TH',
             'IG11 8HY', 'KT6 4FA', 'N1 2AD', 'N11 1FH', 'N14 6LW', 'N17 0RG', 'N1P 1NH', 'N22 5EB', 'N4 9FY',
             'N8 7DP', 'NW1 4RF', 'NW10 6AN', 'NW1W 8UP', 'NW3 2LB', 'NW4 9NR', 'NW6 9AB', 'NW9 1GW', 'RM11 1NT',
             'RM2 5QJ', 'RM7 7NS', 'SE1 4LF']


def foodbanks(path: Path, extra: list[list] = ()) -> Path:
    """A council's list: a title line, a blank line, then the table (48 branches of one chain among them),
    a spacer row, trailing empty columns; contacts with a phone and an email on two lines."""
    rows = [["Food banks and community pantries - updated Spring 2026", "", "", "", "", ""], [],
            ["Organisation", "Postcode", "Contact", "Opening Times", "", ""]]
    for i in range(48):
        rows.append(["Trussell Trust", POSTCODES[i].replace(" ", "" if i % 4 == 0 else " ").lower() if i % 3 == 0
                     else POSTCODES[i], f"020 7946 0{i:03d}\nbank{i}@example.org",
                     ["Wednesday 10am - 4pm", "Tuesday - Friday 12noon - 2pm", "Thursday 1.30 - 3.30pm",
                      "Mon, Wed & Fri 9-5", "By appointment", "Saturday 10 till 12 (term time only)"][i % 6], "", ""])
        if i == 20:
            rows.append(["", "", "", "", "", ""])  # a spacer row
    rows.append(["Community Larder", "M33 7XV", "07700 900123  larder@example.org", "Mondays 10-12", "", ""])
    rows.append(["Church Pantry", "SW1A 1AX", "", "Fridays 2-4pm", "", ""])
    rows.append(["Westway Pantry", "", "https://example.org/pantry", "", "", ""])
    rows += [list(r) for r in extra]
    return write_csv(path, rows)


def test_every_row_is_accounted_for(folder, sprx, monkeypatch):
    sheet = foodbanks(folder / "foodbanks.csv")
    result = run_in(folder, sprx, monkeypatch, sheet)
    assert result.exit_code == 0, result.output
    added = schemes(folder / "schemes.yaml")
    held = [h for h in held_back(folder / "foodbanks.held-back.csv") if not h["reason"].startswith("added without")]
    assert len(added) + len(held) == 51  # 48 branches and 3 pantries: every row in the registry or held back
    # (row 1 is the title, row 2 blank, row 3 the header; a spacer row 25 among the branches)
    assert [(h["row"], h["Organisation"]) for h in held] == [("53", "Community Larder"), ("54", "Church Pantry"),
                                                             ("55", "Westway Pantry")]
    larder, pantry, westway = (h["reason"] for h in held)
    # the real cause, with the postcodes one character away (the inward part included)
    assert larder.startswith("no area: the spreadsheet has no area column, and the postcode 'M33 7XV' is not a UK "
                             "postcode") and "did you mean" not in larder  # (M33 is Trafford: not in London's table)
    assert pantry == ("no area: the spreadsheet has no area column, and the postcode 'SW1A 1AX' is not in the "
                      "postcode table; did you mean SW1A 1AA, SW1A 1AB or SW1A 1AG?")
    assert westway == ("no area: the spreadsheet has no area column, and it has no postcode or coordinates to "
                       "place it by")
    assert "Held back: row 53: no area:" in result.stderr
    # the chain's branches told apart by their place, not by counters
    ids = [s["id"] for s in added]
    assert len(set(ids)) == 48 and ids[:3] == ["trussell-trust-bromley-br1", "trussell-trust-bromley-br3",
                                               "trussell-trust-bromley-br6"]
    assert all(re.fullmatch(r"trussell-trust-[a-z-]+-[a-z]{1,2}\d[0-9a-z]?", i) for i in ids), ids
    # contacts on two lines: both kept, nothing glued
    first = added[0]
    assert (first["phone"], first["email"]) == ("020 7946 0000", "bank0@example.org")
    assert first["locations"] == [{"postcode": "BR1 1AA"}]  # 'br11aa' made standard
    # opening times into hours (so the finder's "open on Wednesday" finds them)
    assert first["hours"] == [{"days": ["wed"], "opens": "10:00", "closes": "16:00"}] and "hours_note" not in first
    assert added[1]["hours"] == [{"days": ["tue", "wed", "thu", "fri"], "opens": "12:00", "closes": "14:00"}]
    assert added[2]["hours"] == [{"days": ["thu"], "opens": "13:30", "closes": "15:30"}]
    assert added[4]["hours_note"] == "By appointment" and "hours" not in added[4]
    assert added[5]["hours"] == [{"days": ["sat"], "opens": "10:00", "closes": "12:00"}]
    assert added[5]["hours_note"] == "Saturday 10 till 12 (term time only)"  # partly read: its words kept too
    # notes grouped, with their first rows, not a line each
    err = result.stderr
    assert re.search(r"^8 opening times kept as the hours note \(not weekly days and times\): rows 8, 14, 20, 27, 33, "
                     r"39, 45, 51$", err, re.M), err
    assert re.search(r"^48 contact cells split into email, phone and website: rows 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, "
                     r"\.\.\. \(and 38 more\)$", err, re.M), err
    assert "\n3 rows held back" not in err  # (the held-back rows are listed one by one instead)
    assert err.splitlines()[-1] == (f"51 rows in {sheet} into schemes.yaml: 48 added, 0 updated, 0 unchanged, "
                                    "3 held back (in foodbanks.held-back.csv)")


def test_reimport_changes_nothing_and_a_change_updates_only_its_value(folder, sprx, monkeypatch):
    sheet = foodbanks(folder / "foodbanks.csv")
    assert run_in(folder, sprx, monkeypatch, sheet).exit_code == 0
    path = folder / "schemes.yaml"
    # the keeper adds a comment and corrects one value by hand
    text = path.read_text().replace("  - id: trussell-trust-islington-n1\n",
                                    "  # checked with the branch, Nov 2026\n  - id: trussell-trust-islington-n1\n")
    text = text.replace("phone: 020 7946 0001", "phone: 020 7946 0999")
    path.write_text(text)
    before = path.read_bytes()
    result = run_in(folder, sprx, monkeypatch, sheet)
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == before  # nothing changed: the keeper's edit stands, the sheet has not moved
    assert result.stderr.splitlines()[-1].endswith("0 added, 0 updated, 48 unchanged, 3 held back "
                                                   "(in foodbanks.held-back.csv)")
    # the spreadsheet changes two values: one the keeper left alone (updated), one the keeper edited (a conflict)
    rows = list(csv.reader(io.StringIO(sheet.read_text())))
    rows[3][3] = "Wednesday 9am - 1pm"  # branch 0's hours
    rows[4][2] = "020 7946 0888\nbank1@example.org"  # branch 1's phone, which the keeper changed too
    write_csv(sheet, rows)
    result = run_in(folder, sprx, monkeypatch, sheet)
    assert result.exit_code == 0, result.output
    after = path.read_text()
    import difflib

    changed = [d for d in difflib.ndiff(before.decode().splitlines(), after.splitlines()) if d[:2] in ("- ", "+ ")]
    assert sorted(changed) == sorted(["-       opens: '10:00'", "-       closes: '16:00'", "+       opens: 09:00",
                                      "+       closes: '13:00'"]), changed  # only the changed value's lines
    assert "# checked with the branch, Nov 2026" in after and "phone: 020 7946 0999" in after  # kept
    assert "1 value the registry has otherwise: kept as the registry has it" in result.stderr
    assert result.stderr.splitlines()[-1].endswith("0 added, 1 updated, 47 unchanged, 3 held back "
                                                   "(in foodbanks.held-back.csv)")
    # --update takes the spreadsheet's
    result = run_in(folder, sprx, monkeypatch, sheet, "--update")
    assert result.exit_code == 0 and "phone: 020 7946 0888" in path.read_text()
    assert sprx("validate").exit_code == 0


def test_a_second_spreadsheet_adds_to_the_same_registry(folder, sprx, monkeypatch):
    assert run_in(folder, sprx, monkeypatch, ROOT / MESSY).exit_code == 0
    second = write_csv(folder / "wellbeing.csv", [
        ["Service", "Area name", "Phone number", "Email address", "Days and times", "Who for"],
        ["Talking Space", "Cmaden", "020 7946 0500", "talk@example.org", "Tuesdays 6-8pm", "Adults 18+"],
        ["Camden Knit and Natter (test)", "Camden", "020 7946 0301", "", "", ""]])
    result = run_in(folder, sprx, monkeypatch, second)
    assert result.exit_code == 0, result.output
    got = {s["name"]: s for s in schemes(folder / "schemes.yaml")}
    assert len(got) == 5 and got["Talking Space"]["boroughs"] == ["Camden"]  # 'Cmaden': the one close match
    assert got["Talking Space"]["eligibility"] == {"min_age": "18", "description": "Adults 18+"}
    assert got["Talking Space"]["hours"] == [{"days": ["tue"], "opens": "18:00", "closes": "20:00"}]
    assert result.stderr.splitlines()[-1].endswith("1 added, 0 updated, 1 unchanged, 0 held back")


def test_strict_refuses_when_anything_is_held_back(folder, sprx, monkeypatch):
    sheet = foodbanks(folder / "foodbanks.csv")
    result = run_in(folder, sprx, monkeypatch, sheet, "--strict")
    assert result.exit_code == 1 and "nothing was imported" in result.stderr
    assert schemes(folder / "schemes.yaml") == [] and (folder / "foodbanks.held-back.csv").exists()
    held = folder / "kept" / "aside.csv"
    result = run_in(folder, sprx, monkeypatch, sheet, "--held-back", held)
    assert result.exit_code == 0 and len(held_back(held)) == 3


# --- files as they really come -------------------------------------------------------------------

def test_a_workbook_saved_as_csv_is_read_as_a_workbook(folder, sprx, monkeypatch):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Directory of support (draft)"])
    ws.append([])
    ws.append(["Project title", "Where", "Phone", None, None])
    ws.append(["Camden Chess (test)", "Camden", "020 7946 0305"])
    ws.append([])
    ws.append(["Bexley Bowls (test)", "E09000004", None])
    wb.save(folder / "sheet.xlsx")
    (folder / "sheet.xlsx").rename(folder / "sheet.csv")
    result = run_in(folder, sprx, monkeypatch, folder / "sheet.csv", "--column", "name=Project title",
                    "--column", "boroughs=Where")
    assert result.exit_code == 0, result.output
    assert [(s["id"], s["boroughs"]) for s in schemes(folder / "schemes.yaml")] == [
        ("camden-chess-test", ["Camden"]), ("bexley-bowls-test", ["Bexley"])]
    assert "row 1 above the header left out (the header is row 3)" in result.stderr  # the title line, said


def test_an_ods_is_read(folder, sprx, monkeypatch):
    (folder / "list.ods").write_bytes(_ods([["Name", "Borough", "Tel"], ["Lambeth Lunch Club (test)", "Lambeth",
                                                                        "020 7946 0400"]]))
    result = run_in(folder, sprx, monkeypatch, folder / "list.ods")
    assert result.exit_code == 0, result.output
    assert [s["phone"] for s in schemes(folder / "schemes.yaml")] == ["020 7946 0400"]


def test_a_windows_1252_csv_is_read_and_said_where(folder, sprx, monkeypatch):
    sheet = write_csv(folder / "legacy.csv", [["Name", "Borough"], ["Caf\u00e9 Connect (test)", "Camden"],
                                              ["Men\u2019s Shed (test)", "Hackney"]], encoding="cp1252")
    result = run_in(folder, sprx, monkeypatch, sheet)
    assert result.exit_code == 0, result.output
    assert [s["name"] for s in schemes(folder / "schemes.yaml")] == ["Caf\u00e9 Connect (test)",
                                                                     "Men\u2019s Shed (test)"]
    assert "its first such character is '\u00e9', row 2, column 'Name'" in result.stderr
    result = run_in(folder, sprx, monkeypatch, sheet, "--encoding", "utf-8")
    assert result.exit_code == 1 and "row 2, column 1: byte 0xe9 is not utf-8" in result.stderr


def _ods(rows: list[list[str]]) -> bytes:
    """A minimal OpenDocument spreadsheet (what LibreOffice writes, cut to one table)."""
    import zipfile
    from xml.sax.saxutils import escape

    cells = "".join("<table:table-row>" + "".join(
        f'<table:table-cell office:value-type="string"><text:p>{escape(c)}</text:p></table:table-cell>' for c in r)
        + "</table:table-row>" for r in rows)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="Sheet1">{cells}</table:table>'
               '</office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)
    return buf.getvalue()


def test_import_table_usage_errors(sprx, tmp_path):
    result = sprx("import", "table", MESSY, "--output", tmp_path / "x.yaml", "--column", "colour=Cost")
    assert result.exit_code == 2 and "--column: unknown field 'colour'" in result.stderr
    result = sprx("import", "table", MESSY, "--output", tmp_path / "x.yaml", "--column", "name")
    assert result.exit_code == 2 and "should be FIELD=HEADER" in result.stderr
    result = sprx("import", "table", MESSY, "--output", MESSY)
    assert result.exit_code == 2 and "which sprx is reading" in result.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("Colour,Size\nred,2\n", encoding="utf-8")
    result = sprx("import", "table", bad, "--output", tmp_path / "x.yaml")
    assert result.exit_code == 1 and "no column is the scheme's name" in result.stderr
    assert not (tmp_path / "x.yaml").exists()


def test_a_postcode_one_character_wrong_gets_did_you_mean(tmp_path, sprx, monkeypatch):
    """The inward part too: 'M33 7XV' cannot be a postcode (no inward code ends in V)."""
    table = tmp_path / "postcodes.csv"
    table.write_text("pcd,lat,lon\nM33 7XW,53.42,-2.32\nM33 7XU,53.42,-2.32\nWA15 8XX,53.38,-2.35\n"
                     "NW1 2DB,51.53,-0.13\n", encoding="utf-8")
    reg = tmp_path / "reg"
    assert sprx("init", reg, "--boundaries", ROOT / "data/london-boroughs.geojson", "--postcodes", table).exit_code == 0
    sheet = write_csv(reg / "list.csv", [["Name", "Area", "Postcode"], ["Sale Walkers (test)", "Camden", "M33 7XV"],
                                         ["Altrincham Art (test)", "Camden", "wa15 4xx"],
                                         ["Euston Choir (test)", "", "nw12db"]])
    result = run_in(reg, sprx, monkeypatch, sheet)
    assert result.exit_code == 0, result.output
    sale, altrincham, euston = schemes(reg / "schemes.yaml")
    assert "locations" not in sale and "locations" not in altrincham  # kept out of the registry, said, and held
    assert euston["boroughs"] == ["Camden"] and euston["locations"] == [{"postcode": "NW1 2DB"}]
    held = {h["row"]: h["reason"] for h in held_back(reg / "list.held-back.csv")}
    assert held["2"] == "added without Postcode 'M33 7XV' (not a UK postcode; did you mean M33 7XU or M33 7XW?)"
    assert held["3"] == "added without Postcode 'wa15 4xx' (not in the postcode table; did you mean WA15 8XX?)"


def test_rows_are_matched_by_id_else_name_and_address(folder, sprx, monkeypatch):
    """Two branches of one name with no postcode are told apart by their address; an id column wins."""
    sheet = write_csv(folder / "clubs.csv", [
        ["Name", "Borough", "Address", "Tel"],
        ["Lunch Club (test)", "Camden", "1 High Street", "020 7946 0601"],
        ["Lunch Club (test)", "Camden", "2 Low Road", "020 7946 0602"]])
    assert run_in(folder, sprx, monkeypatch, sheet).exit_code == 0
    path = folder / "schemes.yaml"
    first, second = schemes(path)
    # the keeper renames both ids by hand: the next import still finds them, by name and address
    text = path.read_text().replace(f"id: {first['id']}\n", "id: lunch-high-street\n")
    path.write_text(text.replace(f"id: {second['id']}\n", "id: lunch-low-road\n"))
    rows = list(csv.reader(io.StringIO(sheet.read_text())))
    rows[2][3] = "020 7946 0612"
    write_csv(sheet, rows)
    result = run_in(folder, sprx, monkeypatch, sheet)
    assert result.stderr.splitlines()[-1].endswith("0 added, 1 updated, 1 unchanged, 0 held back"), result.output
    assert [(s["id"], s["phone"]) for s in schemes(path)] == [("lunch-high-street", "020 7946 0601"),
                                                             ("lunch-low-road", "020 7946 0612")]
    # a spreadsheet with an id column is matched by id, whatever its names
    byid = write_csv(folder / "byid.csv", [["ID", "Name", "Borough"], ["lunch-low-road", "Low Road Lunches (test)",
                                                                       "Camden"]])
    result = run_in(folder, sprx, monkeypatch, byid)
    assert result.stderr.splitlines()[-1].endswith("0 added, 1 updated, 0 unchanged, 0 held back"), result.output
    assert [s["name"] for s in schemes(path)] == ["Lunch Club (test)", "Low Road Lunches (test)"]


def test_an_area_named_with_and_is_one_area(tmp_path):
    """'Barking and Dagenham' is one area, not two; 'Kensington and Chelsae' one area misspelt; 'Camden and
    Islington' two."""
    sheet = write_csv(tmp_path / "areas.csv", [["Name", "Borough"], ["One (test)", "Barking and Dagenham"],
                                               ["Two (test)", "Kensington and Chelsae"],
                                               ["Three (test)", "Camden and Islington"],
                                               ["Four (test)", "Hammersmith & Fulham; Brent"]])
    imported, _, _ = import_sheet(sheet, registry_tables(sources("london")), {})
    assert [r["boroughs"] for r in imported.records] == [
        ["Barking and Dagenham"], ["Kensington and Chelsea"], ["Camden", "Islington"], ["Hammersmith and Fulham",
                                                                                        "Brent"]]
    assert not imported.held


def test_an_area_no_area_is_close_to_falls_back_to_the_postcode(tmp_path):
    """'Mancester' is close to no London area: the row's postcode places it, and the note says so."""
    sheet = write_csv(tmp_path / "list.csv", [["Name", "Area", "Postcode"], ["Riverside Cafe (test)", "Mancester",
                                                                             "NW1 7BY"]])
    imported, _, _ = import_sheet(sheet, registry_tables(sources("london")), {})
    assert [r["boroughs"] for r in imported.records] == [["Camden"]] and not imported.held
    [note] = [n for n in imported.notes if n.kind == "area-from-place"]
    assert (note.row, note.what, note.why) == (2, "area Camden taken from the place",
                                              "'Mancester' is not an area of this registry; from its postcode NW1 7BY")


def test_a_quote_never_closed_is_refused_where_it_opens(sprx, tmp_path):
    """Left open, it would swallow every later row into one cell: refused, located, nothing written."""
    bad = tmp_path / "quote.csv"
    bad.write_text('Name,Borough\nB (test),Camden\n"Unclosed,Camden\nC (test),Camden\n', encoding="utf-8")
    result = sprx("import", "table", bad, "--output", tmp_path / "x.yaml")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "row 3 (line 3) opens a quote (\") that is never closed" in result.stderr
    assert not (tmp_path / "x.yaml").exists()
    fine = tmp_path / "fine.csv"  # a quote inside an unquoted value, and a quoted value over two lines
    fine.write_text('Name,Borough\n"Two\nlines (test)",Camden\nScreen 5" (test),Camden\n', encoding="utf-8")
    assert sprx("import", "table", fine, "--output", tmp_path / "y.yaml").exit_code == 0


def test_rows_read_in_parallel_come_out_as_read_in_order(folder, sprx, monkeypatch):
    """A large sheet's rows are read on every core (core/speed.split_work); what is kept, held back and
    said is the same as one process reading them in order: a second copy of a row in another part, an
    id two parts would both make, notes in row order."""
    from sprx_cli.core import speed

    rows = [["Service", "ID", "Area", "Postcode", "Contact", "Opening times", "Cost"]]
    for i in range(60):
        rows.append(["Trussell Trust" if i % 3 else f"Lunch Club {i % 7}", "Not An Id!" if i % 11 == 0 else "",
                     ["Camden", "Lambeht", "NA", "Hackney and Islington", "Mancester"][i % 5],
                     POSTCODES[i % 40].lower().replace(" ", "") if i % 4 == 0 else POSTCODES[i % 40],
                     f"020 7946 0{i:03d}\nclub{i}@example.org  www.example.org/{i}",
                     ["Wednesday 10am - 4pm", "By appointment", "not known", ""][i % 4], ["Free", "£2", "n/a"][i % 3]])
    rows.append(list(rows[5]))  # the same scheme twice, the copy far from the first
    sheet = write_csv(folder / "big.csv", rows)
    outputs = []
    for least in (10**9, 1):  # one process, then a part per core
        monkeypatch.setattr(speed, "PARALLEL_FROM", least)
        monkeypatch.setattr(speed, "cores", lambda: 3)
        for f in ("schemes.yaml", "big.held-back.csv", ".schemes.yaml.imports.json"):
            (folder / f).unlink(missing_ok=True)
        (folder / "schemes.yaml").write_text("schemes: []\n", encoding="utf-8")
        result = run_in(folder, sprx, monkeypatch, sheet)
        assert result.exit_code == 0, result.output
        outputs.append([result.stderr] + [(folder / f).read_text(encoding="utf-8")
                                          for f in ("schemes.yaml", "big.held-back.csv", ".schemes.yaml.imports.json")])
    assert outputs[0] == outputs[1]
    assert outputs[0][1].startswith("schemes:\n  - id: ")  # (a registry that said 'schemes: []' opened up)
    assert "Held back: row 62: the same name and postcode as row 6: the same scheme twice" in outputs[0][0]
    ids = [s["id"] for s in schemes(folder / "schemes.yaml")]
    assert len(ids) == len(set(ids)) > 40


def test_split_work_keeps_order_and_redoes_a_failed_part_here(monkeypatch):
    import os

    from sprx_cli.core import speed

    monkeypatch.setattr(speed, "PARALLEL_FROM", 1)
    monkeypatch.setattr(speed, "cores", lambda: 2)
    parent = os.getpid()
    parts = speed.split_work(lambda part, start: [(start + k, v, os.getpid()) for k, v in enumerate(part)],
                             "abcdefghijklmnopqrstuvwxyz")
    assert len(parts) == 2 * speed.PARTS_PER_CORE  # consecutive parts, in order, handed out to both processes
    assert [(k, v) for part in parts for k, v, _ in part] == list(enumerate("abcdefghijklmnopqrstuvwxyz"))
    assert {pid for part in parts for _, _, pid in part} >= {parent}

    def dies_elsewhere(part, start):
        if os.getpid() != parent:
            os._exit(3)  # a part's process that dies: its parts are done again here
        return list(part)

    assert [v for part in speed.split_work(dies_elsewhere, list(range(20))) for v in part] == list(range(20))

    def fails(part, start):
        raise ValueError("in the work itself")

    with pytest.raises(ValueError, match="in the work itself"):  # raised as one process would raise it
        speed.split_work(fails, [1, 2, 3, 4])
    monkeypatch.setattr(speed, "cores", lambda: 1)
    assert speed.split_work(lambda part, start: os.getpid(), [1, 2, 3]) == [parent]


def test_a_short_lived_process_keeps_what_a_paused_collector_saw_out_of_its_next_passes(monkeypatch):
    """The console script says it ends with its command: what is made while the collector is paused
    (an import's rows) is frozen as it resumes, so its next pass does not go over all of it again."""
    import gc

    from sprx_cli.core import speed

    assert gc.isenabled()
    monkeypatch.setattr(speed, "_SHORT_LIVED", False)
    with speed.no_cyclic_gc():
        assert not gc.isenabled()
        made = [{"row": k} for k in range(1000)]
    assert gc.isenabled() and gc.get_freeze_count() == 0  # (a test process, or a server, lives on: nothing frozen)
    monkeypatch.setattr(speed, "_SHORT_LIVED", True)
    try:
        with speed.no_cyclic_gc():
            made += [{"row": k} for k in range(1000)]
        assert gc.isenabled() and gc.get_freeze_count() >= len(made)
    finally:
        gc.unfreeze()


def test_the_held_back_file_runs_no_formula(tmp_path, sprx):
    """A text cell '=HYPERLINK(...)' of a row held back was a live formula in *.held-back.csv (#37 row 9):
    it is written as text, as every export writes such a cell."""
    from openpyxl import Workbook

    from helpers import MINI

    wb = Workbook()
    ws = wb.active
    ws.append(["Name", "Borough", "Notes"])
    ws.append(["Held Club", "Nowhere", '=HYPERLINK("http://example.org/x","click")'])
    ws.append(["@SUM(1+1)", "", "+cmd|' /C calc'!A0"])
    ws["C2"].data_type = ws["C3"].data_type = "s"  # (text cells that look like formulas)
    sheet = tmp_path / "list.xlsx"
    wb.save(sheet)
    out = tmp_path / "out.yaml"
    result = sprx("import", "table", sheet, *MINI, "-o", out)
    assert result.exit_code == 1, result.output  # (nothing could be imported: both rows held back)
    rows = list(csv.reader(io.StringIO((tmp_path / "list.held-back.csv").read_text(encoding="utf-8"))))
    assert rows[1][2:] == ["Held Club", "Nowhere", '\'=HYPERLINK("http://example.org/x","click")']
    assert rows[2][2:] == ["'@SUM(1+1)", "", "'+cmd|' /C calc'!A0"]
