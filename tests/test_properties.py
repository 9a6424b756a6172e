"""Property-based tests (hypothesis).

1. Any registry text either validates or yields located errors with exit 1: never a traceback,
   never exit 0 with a wrong count (counts are checked against the generated registry).
2. Any string survives map, table and export escaping unchanged in meaning, and is inert in the
   browser; one with a control character is refused where it is, and never printed raw.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sprx_cli.core.textio import CONTROL

from helpers import page_data

MINI = ["--areas", "tests/fixtures/mini/boroughs.csv", "--boundaries", "tests/fixtures/mini/boundaries.geojson"]
AREAS = {"E09000901": ["Northtown", "north town", "E09000901", "Nortown Borough"],
         "E09000902": ["Southvale", "South Vale", "e09000902"],
         "E09000903": ["Eastmoor", "EASTMOOR"]}
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))

# text as people (and attackers) write it: markup, quotes, formulas, scripts, controls, any Unicode
nasty = st.sampled_from(["<script>alert(1)</script>", "</script><script>x()</script>", "<!--", "]]>", "{{ 7*7 }}",
                         "{% raw %}", "${7*7}", "=1+2", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "\t=x", "\r\n",
                         "&amp;", "&lt;", '"', "'", "\\", "\u2028", "\u2029", "\u202e", "\x00", "\x1b[31m", "🏳️‍🌈",
                         "javascript:alert(1)", "[bold]x[/]", "%s%n", "\ufeff", "` $(id)", "a: b", "- x", "#"])
any_string = st.lists(st.one_of(nasty, st.text(max_size=8)), min_size=1, max_size=6).map("".join)
visible = any_string.filter(lambda s: s.strip() != "")


def _run(sprx, tmp_path, text: str, suffix: str = ".yaml"):
    path = tmp_path / f"schemes{suffix}"
    path.write_text(text, encoding="utf-8", newline="")
    return sprx("validate", "--schemes", path, *MINI, "--format", "json")


def _assert_located_or_valid(result) -> dict:
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.stdout)
    assert report["valid"] == (result.exit_code == 0)
    for p in report["problems"]:
        assert p["file"] and p["message"]
        if p["code"] not in ("registry-empty",):
            assert p["line"] or p["row"], p
    return report


@SETTINGS
@given(st.text(max_size=300))
def test_any_text_validates_or_is_located(sprx, tmp_path_factory, text):
    tmp = tmp_path_factory.mktemp("t")
    for suffix in (".yaml", ".csv"):
        _assert_located_or_valid(_run(sprx, tmp, text, suffix))


@SETTINGS
@given(st.binary(max_size=300))
def test_any_bytes_validate_or_are_located(sprx, tmp_path_factory, data):
    path = tmp_path_factory.mktemp("b") / "schemes.yaml"
    path.write_bytes(data)
    _assert_located_or_valid(sprx("validate", "--schemes", path, *MINI, "--format", "json"))


scheme = st.fixed_dictionaries({
    "name": visible,
    "boroughs": st.lists(st.sampled_from(sorted(AREAS)).flatmap(lambda c: st.sampled_from(AREAS[c])), max_size=3),
    "status": st.sampled_from(["active", "paused", "closed", "Active", "gone"]),
}, optional={"description": any_string, "website": st.sampled_from(["https://example.org/", "javascript:x"])})


def _code_of(name: str) -> str:
    return next(code for code, names in AREAS.items() if name in names)


@SETTINGS
@given(st.lists(scheme, max_size=6), st.sampled_from(["yaml", "csv"]))
def test_counts_are_right_whenever_validate_says_valid(sprx, tmp_path_factory, schemes, fmt):
    tmp = tmp_path_factory.mktemp("c")
    records = [{"id": f"s{i}", **s} for i, s in enumerate(schemes)]
    if fmt == "yaml":
        text = yaml.safe_dump({"schemes": records}, allow_unicode=False)
    else:
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(["id", "name", "boroughs", "status", "description", "website"])
        for r in records:
            w.writerow([r["id"], r["name"], ";".join(r["boroughs"]), r["status"], r.get("description", ""),
                        r.get("website", "")])
        text = out.getvalue()
    result = _run(sprx, tmp, text, "." + fmt)
    report = _assert_located_or_valid(result)
    if result.exit_code != 0:
        return
    # valid: every count must be the one the generated registry implies
    expected = Counter()
    for r in records:
        if r["status"].lower() == "active":
            expected.update({_code_of(b) for b in r["boroughs"]})
    table = sprx("table", "--schemes", tmp / f"schemes.{fmt}", *MINI, "--format", "json")
    assert table.exit_code == 0
    got = {row["code"]: row["schemes"] for row in json.loads(table.stdout)["rows"]}
    assert got == {code: expected.get(code, 0) for code in AREAS}
    assert report["stats"]["schemes"] == len(records)


FORMULA = re.compile(r"^[=+\-@\t\r]")


def yaml_quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar that every YAML reader takes back exactly: anything
    but plain printable characters is escaped (PyYAML's dumper writes NEL and U+2028 raw, which a
    reader then folds as line breaks)."""
    out = []
    for c in text:
        n = ord(c)
        if c in '"\\':
            out.append("\\" + c)
        elif 0x20 <= n < 0x7F or (n >= 0xA0 and n not in (0x2028, 0x2029, 0xFEFF) and not 0xD800 <= n < 0xE000
                                  and n not in (0xFFFE, 0xFFFF)):
            out.append(c)
        else:
            out.append(f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}" if n < 0x10000 else f"\\U{n:08x}")
    return '"' + "".join(out) + '"'


@SETTINGS
@given(visible, any_string)
def test_any_string_survives_map_table_and_export(sprx, tmp_path_factory, name, description):
    tmp = tmp_path_factory.mktemp("s")
    path = tmp / "schemes.yaml"
    path.write_text(f"schemes:\n  - id: x\n    name: {yaml_quoted(name)}\n    description: {yaml_quoted(description)}\n"
                    "    boroughs: [Northtown]\n", encoding="utf-8")
    args = ["--schemes", path, *MINI]
    page = tmp / "map.html"
    result = sprx("map", "build", *args, "--offline", "--tiles", "none", "-o", page, "--title", name)
    if CONTROL.search(name + description):  # (a control character is refused where it is: #37)
        assert result.exit_code == 1 and "error [control-character]" in result.output and not page.exists()
        assert "\x1b" not in result.output
        return
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    data = page_data(html)
    want = [name.strip(), description.strip() or None]
    assert data["strings"][data["schemes"]["name"][0]] == want[0]
    if want[1]:
        assert data["strings"][data["schemes"]["description"][0]] == want[1]
    # nothing the registry wrote can open or close an element or a script in the page's source
    for block in ('id="sprx-areas"', 'id="sprx-data"'):
        body = html.split(block, 1)[1]
        assert "</script" not in body.split("</script>", 1)[0]
    # exports: JSON exactly; CSV exactly, but for the apostrophe that disarms a formula
    exported = json.loads(sprx("export", "schemes", *args, "--format", "json").stdout)["schemes"][0]
    assert exported["name"] == want[0] and exported.get("description") == want[1]
    rows = list(csv.DictReader(io.StringIO(  # stdout_bytes: click's .stdout turns CR LF into LF
        sprx("export", "schemes", *args, "--format", "csv").stdout_bytes.decode("utf-8"), newline="")))
    for field, value in (("name", want[0]), ("description", want[1] or "")):
        cell = rows[0][field]
        assert cell == value or (cell == "'" + value and FORMULA.match(value)), (cell, value)


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(visible.filter(lambda s: not CONTROL.search(s)), min_size=8, max_size=8))  # (shown: see above)
def test_any_string_is_inert_in_the_browser(sprx, tmp_path_factory, chromium, names):
    tmp = tmp_path_factory.mktemp("w")
    names = [n + " <img src=x onerror=window.__pwned=1>" for n in names]
    path = tmp / "schemes.yaml"
    path.write_text(yaml.safe_dump({"schemes": [
        {"id": f"s{i}", "name": n, "description": n, "provider": n, "boroughs": ["Northtown"], "website":
         "https://example.org/", "locations": [{"name": n, "lat": f"{51.52 + 0.01 * i:.2f}", "lon": "-0.25"}]}
        for i, n in enumerate(names)]}, allow_unicode=False), encoding="utf-8")
    page_file = tmp / "map.html"
    built = sprx("map", "build", "--schemes", path, *MINI, "--offline", "--tiles", "none", "-o", page_file)
    assert built.exit_code == 0
    with chromium.page(page_file.resolve().as_uri()) as (page, log):
        page.wait_for_function("window.sprxMap && sprxMap.shownPoints() === 8", timeout=10_000)
        shown: set[str] = set()
        for i in range(len(names)):  # every scheme's card, as a click on its marker opens it
            page.evaluate("i => { sprxMap.map.closePopup(); sprxMap.openScheme(i); }", i)
            # (the card before has faded out and left the page, this one is in it)
            page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 1"
                                   " && document.querySelector('.leaflet-popup-content h2') !== null")
            # (the heading's own text: a name two schemes share gets what tells them apart after it)
            shown.update(page.eval_on_selector_all(".leaflet-popup-content h2",
                                                   "hs => hs.map(h => h.firstChild.textContent)"))
            assert page.evaluate("document.querySelectorAll('[onerror]').length") == 0  # no element of theirs
        table = page.eval_on_selector_all("#sprx-table li", "ls => ls.map(l => l.textContent)")
        assert page.evaluate("window.__pwned") is None
        assert log.dialogs == [] and log.blocked == []
        assert shown <= {n.strip() for n in names}  # cards show the text itself, as DOM text
        assert len(table) == len(names)  # one list item per scheme: no markup of theirs split or added one


NAME_TEXT = st.builds(
    "".join, st.lists(st.one_of(st.sampled_from(list(" \t\n\r\x0b\x0c\x1c\x1f\x85\xa0&_-.'()ÉéßİΣ")),
                                st.sampled_from(["the ", "london borough of ", "lb ", "royal borough of "]),
                                st.characters(codec="utf-8", exclude_characters="\0")), max_size=12))


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(NAME_TEXT, max_size=12))
def test_names_folded_together_as_one_by_one(names):
    """The whole-list folding of names (the duplicate check's 100,000 at once) equals folding each alone."""
    from sprx_cli.core.words import normalise_name, normalise_names

    assert normalise_names(names) == [normalise_name(t) for t in names]


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sets(st.sampled_from(["a", "a-2", "a-3", "a-2-2", "b-2"]), max_size=3),
       st.lists(st.sampled_from(["a", "a", "b", "a-2", "b-2"]), max_size=20))
def test_ids_made_unique_as_one_by_one(registry, bases):
    """unique_id remembering where each base's search got to (an import's thousands of rows of one name)
    gives the ids the plain search gives."""
    from sprx_cli.core.words import unique_id

    plain, remembering, tried = set(registry), set(registry), {}
    for base in bases:
        first, second = unique_id(base, plain), unique_id(base, remembering, tried)
        assert first == second
        plain.add(first)
        remembering.add(second)


CONTACT_LINE = st.one_of(
    st.sampled_from(["020 7946 0000", "+44 20 7946 0001", "(020) 7946 0002", "07700 900123", "0207946000",
                     "b0@example.org", "first.last+x@example.org.", "07516161655reach@example.org", "a@b",
                     "www.example.org", "https://example.org/x.", "http://example.org/a@b.org", "https://localhost",
                     "WWW.EXAMPLE.ORG/Path", "example.org", "tel 020 7946 0003", "020 7946 0004 / 020 7946 0005",
                     "Call 020 7946 0006", "ring us", "", " ", "\xa0", "\r", "020 7946 0007\t", "h. 020 7946 0008",
                     "wellbeing@example.org, www.example.org", "020 7946 0009 b9@example.org", "0" * 20, "+44"]),
    st.text(alphabet="0 @.w/h:+-()ae\t", max_size=16))


@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(CONTACT_LINE, max_size=5))
def test_a_contact_cell_read_line_by_line_as_the_whole_search_reads_it(lines):
    """A contact cell of one thing a line (the import's quick way) gives what searching the whole cell
    gives: the same emails, web addresses and phone numbers in the same order, and nothing left over."""
    from sprx_cli.interchange.sheet_values import contact_lines, contact_search

    text = "\n".join(lines)
    quick = contact_lines(text)
    if quick is not None:
        found, rest = contact_search(text)
        assert [(k, v.strip()) for k, v in quick] == [(k, v.strip()) for k, v in found]
        assert not " ".join(rest.split()).strip(" ,;/-")
