"""The compiled readers (pyarrow for CSV, rapidyaml for YAML) hold to the exact readers' results.

Each compiled path may decline a file and leave it to the exact reader (the csv module, the libyaml
event loader), but whenever it answers, the records, values, row numbers and problems must be the
ones the exact reader gives. Hypothesis writes awkward files from the characters that matter.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sprx_cli import registry

CSV_PIECES = ["a", "b", "é", " ", ",", '"', '""', "\n", "\r\n", "\r", "\t", "\u00a0", "\x1c", "x,y"]


def _csv_both(text: str, monkeypatch) -> tuple:
    """(compiled result, csv-module result, whether the compiled reader answered) for the same text."""
    def result(reg, problems):
        table = reg.table
        cells = None if table is None else [list(c) for c in table.cells]
        return cells, None if table is None else table.row_numbers, [p.to_dict() for p in problems]

    header = registry._header(text)
    answered = header is not None and registry._compiled_read(text, header) is not None
    fast = result(*registry._load_csv(text, "f.csv"))
    with monkeypatch.context() as m:
        m.setattr(registry, "_compiled_read", lambda text, header: None)
        exact = result(*registry._load_csv(text, "f.csv"))
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
])
def test_csv_compiled_reader_agrees_on(body, monkeypatch):
    fast, exact, _ = _csv_both("id,name,boroughs\n" + body, monkeypatch)
    assert fast == exact


def test_csv_compiled_reader_answers_plain_files(monkeypatch):
    text = ('id,name,boroughs,description\r\nx-1,One,Camden,"said ""hi"", twice"\r\n'
            ' , , , \r\nx-2,Two,Barnet,"two\nlines"\r\n\r\n')
    fast, exact, answered = _csv_both(text, monkeypatch)
    assert answered and fast == exact  # blank lines at the very end number no row
    # a blank line inside the data is left to the csv module, which counts it as a row
    fast, exact, answered = _csv_both(text.replace(" , , , ", ""), monkeypatch)
    assert not answered and fast == exact
    assert fast[1] == [2, 4]  # row 3 (only spaces) is skipped and still counted
    assert fast[0][3] == ['said "hi", twice', "two\nlines"]
