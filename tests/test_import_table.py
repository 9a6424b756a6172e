"""`sprx import table`: a spreadsheet with its keepers' own column names becomes a registry."""

from __future__ import annotations

import yaml

from helpers import sources
from sprx_cli.registry.validate import registry_tables
from sprx_cli.interchange.sheets import choose_columns, import_sheet

MESSY = "tests/fixtures/sheets/messy.csv"


def test_clear_headers_map_by_themselves():
    m = choose_columns(["Project", "Organisation", "Local Authority", "Post code", "Tel", "URL", "Opening times",
                        "Referral method", "Area code", "Colour"], {})
    assert m.used == {"name": "Project", "boroughs": "Area code", "provider": "Organisation",
                      "hours": "Opening times", "how_to_refer": "Referral method", "website": "URL",
                      "phone": "Tel", "postcode": "Post code"}
    assert m.unused == ["Local Authority", "Colour"]  # the first clear header of a field wins: here the codes
    assert choose_columns(["Project title", "Where"], {"name": "project title", "boroughs": "Where"}).used == {
        "name": "Project title", "boroughs": "Where"}


def test_a_messy_spreadsheet_is_cleaned_where_the_meaning_is_clear():
    imported, mapping = import_sheet(__import__("pathlib").Path(MESSY), registry_tables(sources("london")), {})
    assert mapping.unused == ["Notes"]
    knit, walks, advice, choir = imported.records
    assert (knit["email"], knit["phone"], knit["website"], knit["last_verified"]) == (
        "knit@example.org", "020 7946 0301", "https://www.example.org/knit", "2026-06-01")
    assert (knit["cost"], knit["languages"], knit["categories"]) == ("free", ["en", "bn"], ["arts-creativity"])
    assert knit["hours"] == [{"days": ["mon", "wed"], "opens": "10:00", "closes": "12:00"}]
    assert (walks["phone"], walks["cost_description"], walks["hours_note"]) == (
        "020 7946 0303", "£2 a walk", "Tuesdays from ten")
    assert (advice["boroughs"], advice["website"], advice.get("phone")) == (
        ["Hackney"], "https://example.org/advice", None)
    assert choir["boroughs"] == ["Westminstr"]  # left for validate to refuse, with its did-you-mean
    notes = {(n.where.split("messy.csv ")[1], n.what) for n in imported.notes}
    assert ("row 3, column 'Telephone'", "'NA' read as empty") in notes
    assert ("row 2, column 'Telephone'", "020 7946 0302 left out") in notes
    assert ("row 5", "row left out") in notes  # a name of only a non-breaking space


def test_import_table_then_map_build(sprx, tmp_path):
    out = tmp_path / "schemes.yaml"
    result = sprx("import", "table", MESSY, "--output", out)
    assert result.exit_code == 0, result.output
    err = result.stderr.splitlines()
    assert err[0] == ("Columns used: 'Project' -> name, 'Borough' -> boroughs, 'Organisation' -> provider, "
                      "'Category' -> categories, 'Cost' -> cost, 'Languages spoken' -> languages, "
                      "'Opening times' -> hours, 'Web' -> website, 'Telephone' -> phone, 'Contact' -> contact, "
                      "'Last checked' -> last_verified, 'Post code' -> postcode")
    assert err[1] == "Columns left out: 'Notes' (map one with --column FIELD=HEADER)"
    assert ("westminster-choir-test: left out: [unknown-borough] scheme 'westminster-choir-test': unknown borough "
            "'Westminstr' (did you mean 'Westminster'?)") in err
    assert err[-1] == f"Wrote {out} (3 schemes; 18 notes, 1 warning: run sprx validate --schemes {out})"
    assert [s["id"] for s in yaml.safe_load(out.read_text())["schemes"]] == [
        "camden-knit-and-natter-test", "islington-walking-group-test", "hackney-advice-drop-in-test"]
    page = tmp_path / "map.html"
    result = sprx("map", "build", "--schemes", out, "--output", page, "--offline", "--tiles", "none", "--quiet")
    assert result.exit_code == 0, result.output
    from helpers import page_data

    data = page_data(page.read_text(encoding="utf-8"))
    assert data["points"]["approximate"] == [1, 1, 1]  # placed by their postcodes


def test_an_xlsx_with_a_column_named_on_the_command_line(sprx, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Project title", "Where", "Phone"])
    ws.append(["Camden Chess (test)", "Camden", "020 7946 0305"])
    ws.append(["Bexley Bowls (test)", "E09000004", None])
    wb.save(tmp_path / "sheet.xlsx")
    out = tmp_path / "out.csv"
    result = sprx("import", "table", tmp_path / "sheet.xlsx", "--output", out, "--column", "name=Project title",
                  "--column", "boroughs=Where")
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert lines[1].startswith("camden-chess-test,Camden Chess (test),Camden,")
    assert lines[2].startswith("bexley-bowls-test,Bexley Bowls (test),Bexley,")


def test_import_table_usage_errors(sprx, tmp_path):
    result = sprx("import", "table", MESSY, "--output", tmp_path / "x.yaml", "--column", "colour=Cost")
    assert result.exit_code == 2 and "--column: unknown field 'colour'" in result.stderr
    result = sprx("import", "table", MESSY, "--output", tmp_path / "x.yaml", "--column", "name")
    assert result.exit_code == 2 and "should be FIELD=HEADER" in result.stderr
    result = sprx("import", "table", MESSY, "--output", MESSY)
    assert result.exit_code == 2 and "is a file sprx is reading" in result.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("Colour,Size\nred,2\n", encoding="utf-8")
    result = sprx("import", "table", bad, "--output", tmp_path / "x.yaml")
    assert result.exit_code == 1 and "no column is the scheme's name" in result.stderr
    assert not (tmp_path / "x.yaml").exists()
