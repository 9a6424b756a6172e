"""The compiled readers (pyarrow for CSV, rapidyaml for YAML) hold to the exact readers' results.

Each compiled path may decline a file and leave it to the exact reader (the csv module, the libyaml
event loader), but whenever it answers, the records, values, row numbers and problems must be the
ones the exact reader gives. Hypothesis writes awkward files from the characters that matter.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sprx_cli.registry import read as registry

CSV_PIECES = ["a", "b", "é", " ", ",", '"', '""', "\n", "\r\n", "\r", "\t", "\u00a0", "\x1c", "x,y"]


def _csv_both(text: str, monkeypatch) -> tuple:
    """(compiled result, csv-module result, whether the compiled reader answered) for the same text."""
    def result(reg, problems):
        table = reg.table
        cells = None if table is None else [list(c) for c in table.cells]
        return cells, None if table is None else table.row_numbers, [p.to_dict() for p in problems]

    answered = registry.compiled_cells(text) is not None
    fast = result(*registry.read_csv(text, "f.csv"))
    exact = result(*registry.read_csv(text, "f.csv", compiled=False))
    return fast, exact, answered


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(pieces=st.lists(st.sampled_from(CSV_PIECES), max_size=40))
def test_csv_compiled_reader_agrees(pieces):
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, exact, _ = _csv_both("id,name,boroughs\n" + "".join(pieces), monkeypatch)
    assert fast == exact


CELL = st.one_of(st.text(alphabet='ab é\t\u00a0x', max_size=5),
                 st.text(alphabet='ab é,"\n\r', max_size=6).map(lambda t: '"' + t.replace('"', '""') + '"'))


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(rows=st.lists(st.lists(CELL, min_size=2, max_size=4), max_size=6),
       ends=st.lists(st.sampled_from(["\n", "\r\n", "\r", "\n\n"]), min_size=7, max_size=7))
def test_csv_compiled_reader_agrees_on_rows(rows, ends):
    """Rows of well-formed (and some ragged) cells: the compiled reader answers most of these."""
    text = "id,name,boroughs" + ends[0] + "".join(",".join(r) + e for r, e in zip(rows, ends[1:]))
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, exact, _ = _csv_both(text, monkeypatch)
    assert fast == exact


@pytest.mark.parametrize("body", [
    "a,b\n , , \na",  # a row of blanks is skipped but counted
    '"a\nb",a',  # a cell over two lines
    'a"b,c,d',  # a quote inside an unquoted cell
    '"a"b,c,d',  # text after a closing quote
    "a,b\n\nc,d\n",  # a blank line: a row, skipped and counted
    "a,b\r\rc,d\n\r\n",  # blank lines between lone CRs, and LF then CR
    "a,b\n\n\n",  # blank lines at the end
])
def test_csv_compiled_reader_agrees_on(body, monkeypatch):
    fast, exact, _ = _csv_both("id,name,boroughs\n" + body, monkeypatch)
    assert fast == exact


def test_csv_compiled_reader_answers_plain_files(monkeypatch):
    text = ('id,name,boroughs,description\r\nx-1,One,Camden,"said ""hi"", twice"\r\n'
            ' , , , \r\nx-2,Two,Barnet,"two\nlines"\r\n\r\n')
    fast, exact, answered = _csv_both(text, monkeypatch)
    assert answered and fast == exact  # blank lines at the very end number no row
    assert fast[1] == [2, 4]  # row 3 (only spaces) is skipped and still counted
    # a blank line inside the data is a row to the csv module, and so to the compiled reader
    fast, exact, answered = _csv_both(text.replace(" , , , ", ""), monkeypatch)
    assert answered and fast == exact
    assert fast[1] == [2, 4]
    assert fast[0][3] == ['said "hi", twice', "two\nlines"]


# ---- YAML -------------------------------------------------------------------------------------

WORDS = ["Camden", "a b", "true", "false", "null", "Null", "~", "", "nan", ".inf", "1e5", "012", "12.50", "-0.5",
         "yes", "2026-01-05", "x: y", "a #b", "#c", "&a", "*a", "!x", "@x", "`x", "? x", "-x", "- x", "|", ">",
         "é", "[x]", "{x}", "it's", 'say "hi"', "a,b", "%x", "<<", "x\\y"]
SCALAR = st.tuples(st.sampled_from(WORDS), st.sampled_from(["plain", "single", "double"])).map(
    lambda t: t[0] if t[1] == "plain" else ("'" + t[0].replace("'", "''") + "'" if t[1] == "single"
                                          else '"' + t[0].replace("\\", "\\\\").replace('"', '\\"') + '"'))
KEY = st.sampled_from(["id", "name", "boroughs", "description", "x", "name"])


@st.composite
def yaml_registry(draw) -> str:
    lines = ["# a comment: `with` @signs", "schemes:"]
    for _ in range(draw(st.integers(0, 4))):
        keys = draw(st.lists(KEY, min_size=1, max_size=4))
        for n, key in enumerate(keys):
            lead = "  - " if n == 0 else "    "
            kind = draw(st.sampled_from(["scalar", "flow", "block", "empty"]))
            if kind == "scalar":
                lines.append(f"{lead}{key}: {draw(SCALAR)}")
            elif kind == "flow":
                lines.append(f"{lead}{key}: [{', '.join(draw(st.lists(SCALAR, max_size=3)))}]")
            elif kind == "block":
                lines.append(f"{lead}{key}:")
                lines += [f"      - {v}" for v in draw(st.lists(SCALAR, min_size=1, max_size=3))]
            else:
                lines.append(f"{lead}{key}:")
    return "\n".join(lines) + "\n"


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=yaml_registry())
def test_yaml_compiled_reader_agrees(text):
    from sprx_cli.core.yamlload import load_plain, load_yaml

    plain = load_plain(text)
    exact, problems = load_yaml(text, "r.yaml")
    if plain is not None:
        assert not problems and plain == exact


def test_yaml_compiled_reader_answers_the_bundled_registry():
    from sprx_cli.core.yamlload import load_plain, load_yaml

    text = Path("schemes.yaml").read_text(encoding="utf-8")
    assert load_plain(text) == load_yaml(text, "schemes.yaml")[0]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_yaml_positions_found_later_are_the_exact_ones(tmp_path, monkeypatch, newline):
    """A registry read by the compiled lane cites the same lines and columns as the exact loader:
    problems in schemes at the start, middle and end, flow and block lists, comments between."""
    from sprx_cli.registry import read as reg_module
    from sprx_cli.core.model import Sources
    from sprx_cli.registry.validate import validate

    schemes = []
    for i in range(40):
        schemes.append(f"  - id: s-{i}\n    name: Scheme {i}\n    boroughs: [{'Camdn' if i % 13 == 0 else 'Camden'}]\n"
                       f"    # a note\n    email: {'nope' if i % 7 == 0 else f's{i}@example.org'}\n"
                       f"    locations:\n      - name: Hall\n        lat: {'95' if i % 11 == 0 else '51.54'}\n"
                       f"        lon: -0.14\n    last_verified: 2020-01-0{1 + i % 9}\n")
    path = tmp_path / "r.yaml"
    path.write_bytes(("# registry\nschemes:\n\n" + "".join(schemes)).replace("\n", newline).encode())
    sources = Sources(schemes=str(path), areas="data/areas.csv", vocabulary="data/vocabulary.yaml",
                      boundaries="data/london-boroughs.geojson")
    from sprx_cli.core.yamlload import load_plain

    assert load_plain(path.read_bytes().decode()) is not None  # the compiled lane takes it
    fast, _ = validate(sources)
    with monkeypatch.context() as m:
        m.setattr(reg_module, "load_plain", lambda text: None)
        exact, _ = validate(sources)
    assert [p.to_dict() for p in fast.problems] == [p.to_dict() for p in exact.problems]
    assert {p.code for p in fast.problems} >= {"unknown-borough", "invalid-email", "coordinate-out-of-range",
                                                "stale-entry"}
    # each scheme's lines were found and read alone: the whole file was not read a second time
    raw, _ = reg_module.load_registry(path, "r.yaml")
    assert [raw.record(k).at("email").line for k in (0, 20, 39)] == [8, 208, 398]
    assert not raw.records[0].positions.whole_read


@pytest.mark.parametrize("text", ["id\na\n\nb\n", "id\r\na\r\n\r\n \r\nb", "id\n\n\na\n\n"])
def test_csv_compiled_reader_one_column_blank_lines(text, monkeypatch):
    """In a one-column file a blank line is an empty cell to pyarrow and no cell to the csv module:
    the same skipped, counted row either way."""
    fast, exact, answered = _csv_both(text, monkeypatch)
    assert answered and fast == exact
