"""Text from many hands: what it may hold, and what it may never do (issue #37). Control characters
are a located problem and never reach a terminal raw; registry text is never read as anything but
text (mathtext in the PNG); numbers and nesting past what Python can take are located problems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from helpers import MINI, registry_args


def mini_with(tmp_path: Path, extra: str, name: str = "Chat Club") -> list[str]:
    """MINI's arguments with a registry of one scheme, `extra` added to it (YAML lines)."""
    path = tmp_path / "schemes.yaml"
    path.write_text(f"schemes:\n  - id: chat\n    name: {json.dumps(name)}\n    boroughs: [Northtown]\n{extra}",
                    encoding="utf-8")
    args = list(MINI)
    args[args.index("--schemes") + 1] = str(path)
    return args


# --- control characters (#37 row 10) ----------------------------------------------------------------

def test_a_control_character_never_reaches_the_terminal_raw(sprx, tmp_path):
    """An ESC sequence in a value that another rule reports (an unknown category) is printed as its escape."""
    args = mini_with(tmp_path, '    categories: ["\\e]0;retitled\\a\\e[2J"]\n')
    for fmt in ("text", "json"):
        result = sprx("validate", *args, "--format", fmt)
        assert result.exit_code == 1 and "\x1b" not in result.output and "\x07" not in result.output
    result = sprx("validate", *args)
    assert "[control-character] the value holds the control character U+001B, which shows as nothing" in result.stdout
    assert "\\x1b]0;retitled\\x07\\x1b[2J" in result.stdout  # (as its escapes)


@pytest.mark.parametrize("where", ["a scheme's name", "an area's name"])
def test_publish_refuses_a_control_character_with_where_it_is(sprx, tmp_path, where):
    """A vertical tab in an area's name was an internal IllegalCharacterError (the XLSX); in a scheme's
    name, a changes.atom that was not well-formed."""
    args = mini_with(tmp_path, "", name="Chat\vClub") if where == "a scheme's name" else list(MINI)
    if where == "an area's name":
        areas = tmp_path / "areas.csv"
        areas.write_text(Path("tests/fixtures/mini/boroughs.csv").read_text().replace("Southvale,", "South\vvale,", 1))
        args[args.index("--areas") + 1] = str(areas)
    result = sprx("publish", *args, "--site", tmp_path / "site", "--tiles", "none")
    assert result.exit_code == 1 and "internal error" not in result.output and "Traceback" not in result.output
    assert "error [control-character] 'name' holds the control character U+000B" in result.stderr
    assert not (tmp_path / "site").exists()


def test_imports_take_control_characters_out_and_say_so(sprx, tmp_path):
    """A lone half of a surrogate pair from a feed's JSON ('\\ud800') wrote a registry that failed validate."""
    feed = tmp_path / "feed.json"
    feed.write_text('{"id": "11111111-1111-1111-1111-111111111111", "name": "Chat \\ud800Club\\u001b[2J", '
                    '"description": "Tea\\u000band talk", "status": "active", "service_areas": '
                    '[{"id": "33333333-3333-3333-3333-333333333333", "name": "Northtown"}]}', encoding="utf-8")
    out = tmp_path / "out.yaml"
    result = sprx("import", "oruk", feed, *MINI, "-o", out)
    assert result.exit_code == 0, result.output
    scheme = yaml.safe_load(out.read_text(encoding="utf-8"))["schemes"][0]
    assert (scheme["name"], scheme["description"]) == ("Chat Club[2J", "Teaand talk")
    assert "control characters taken out of name" in result.stderr and "\x1b" not in result.output
    assert sprx("validate", *registry_args("mini")[:0], "--schemes", out, *MINI[2:]).exit_code == 0
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Name,Borough\n\"Lunch\x1b[2J Club\",Northtown\n", encoding="utf-8")
    result = sprx("import", "table", sheet, *MINI, "-o", tmp_path / "sheet.yaml")
    assert result.exit_code == 0 and "row 2, column 'Name': control characters taken out of name" in result.stderr
    assert "\x1b" not in (tmp_path / "sheet.yaml").read_text(encoding="utf-8") and "\x1b" not in result.output


# --- the PNG (#37 row 12) ---------------------------------------------------------------------------

def test_registry_text_in_the_png_is_text_never_mathtext(sprx, tmp_path, monkeypatch):
    """--title 'Money $%$ advice' failed the publish; 'US$ 5 and CA$ 10' was drawn as 'US5andCA 10'."""
    from matplotlib.text import Text

    drawn = []
    real = Text.draw

    def spy(self, renderer):
        drawn.append((self.get_text(), self.get_parse_math()))
        return real(self, renderer)

    monkeypatch.setattr(Text, "draw", spy)
    for title in ("Money $%$ advice", "US$ 5 and CA$ 10", "$\\frac{1}{0}$ ^_^ {x}"):
        out = tmp_path / "map.png"
        result = sprx("map", "image", *MINI, "--title", title, "-o", out)
        assert result.exit_code == 0 and out.stat().st_size > 10_000, result.output
        assert (title, False) in drawn
    assert all(not math for _, math in drawn)


# --- numbers and nesting past what Python takes (#37 rows 13, 14) ---------------------------------------

def test_a_number_of_thousands_of_digits_is_a_located_problem(sprx, tmp_path):
    """min_age of 5,000 digits was an internal ValueError (Python reads at most 4,300); a population too."""
    args = mini_with(tmp_path, f"    eligibility: {{min_age: {'9' * 5000}}}\n")
    result = sprx("validate", *args)
    assert result.exit_code == 1 and "internal error" not in result.output
    said = "error [invalid-age] scheme 'chat': min_age '99999999999999999999'... (5,000 characters) is not"
    assert said in result.stdout
    areas = tmp_path / "areas.csv"
    areas.write_text(Path("tests/fixtures/mini/boroughs.csv").read_text().replace(",100000", "," + "9" * 5000, 1))
    args = list(MINI)
    args[args.index("--areas") + 1] = str(areas)
    result = sprx("validate", *args)
    assert result.exit_code == 1 and "internal error" not in result.output
    assert f"{areas} row 2: error [areas-invalid-population]" in result.stdout


@pytest.mark.parametrize("digits", [4_000, 5_000])
def test_a_feeds_number_of_thousands_of_digits_is_left_out_with_its_reason(sprx, tmp_path, digits):
    """ORUK minimum_age of 4,000 digits was an internal OverflowError, of 5,000 a ValueError."""
    feed = tmp_path / "feed.json"
    feed.write_text('{"id": "11111111-1111-1111-1111-111111111111", "name": "Big", "minimum_age": ' + "9" * digits
                    + ', "service_areas": [{"id": "33333333-3333-3333-3333-333333333333", "name": "Northtown"}]}',
                    encoding="utf-8")
    result = sprx("import", "oruk", feed, *MINI, "-o", tmp_path / "out.yaml")
    assert result.exit_code == 0, result.output
    assert f"eligibility left out (min_age '99999999999999999999'... ({digits:,} characters) is not" in result.stderr


def test_json_nested_thousands_deep_is_refused_with_a_message(sprx, tmp_path):
    """ORUK JSON nested 3,000 deep was an internal RecursionError (YAML said yaml-too-deep)."""
    feed = tmp_path / "deep.json"
    feed.write_text('{"id": "x", "name": "Deep", "extra": ' + "[" * 3000 + "]" * 3000 + "}", encoding="utf-8")
    result = sprx("import", "oruk", feed, *MINI, "-o", tmp_path / "out.yaml")
    assert result.exit_code == 1 and result.stderr == (
        f"sprx import oruk: {feed}: lists or objects nested too deep to read (more than about a thousand levels); "
        "an Open Referral UK feed needs fewer than ten. Nothing was written.\n")
