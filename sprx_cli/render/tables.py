"""Tables of scheme counts for analysts, built from the shared aggregation.

A table is plain data (`Table`): columns, rows and totals. `write_table` turns it into text,
CSV, TSV, JSON, Markdown or XLSX. Spreadsheet formats are made safe against formula injection.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from .. import __version__
from ..aggregate.counts import area_counts
from ..aggregate.filters import Filters
from ..core.model import Registry, data_date


COUNTING = ("Active schemes by default (see filters). A scheme that serves several areas counts "
            "once in each area; totals count each scheme once.")


@dataclass
class Table:
    """A table of counts: columns, rows, totals, and what it was made from."""
    by: str
    columns: list[str]
    rows: list[list[Any]]
    totals: list[Any] | None
    meta: dict[str, Any] = field(default_factory=dict)

    def records(self) -> list[dict[str, Any]]:
        """The rows as dicts keyed by column."""
        return [dict(zip(self.columns, r)) for r in self.rows]


def _sort(rows: list[list[Any]], name_col: int, count_col: int, sort: str) -> list[list[Any]]:
    if sort == "count":
        return sorted(rows, key=lambda r: (-r[count_col], str(r[name_col]).casefold()))
    return sorted(rows, key=lambda r: str(r[name_col]).casefold())


def build_table(registry: Registry, by: str = "area", filters: Filters = Filters(), sort: str = "name",
                need: bool = False) -> Table:
    """Counts of the schemes `filters` selects, per area, per category, or per both; with `need`, per
    area beside its population and deprivation (aggregate/need.py)."""
    counts = area_counts(registry, filters)
    vocab = registry.vocabulary
    cats = list(filters.categories) if filters.categories else list(vocab.categories)
    keep_area = (lambda code: code in filters.areas) if filters.areas else (lambda code: True)
    chosen = counts.schemes
    meta: dict[str, Any] = {"sprx_version": __version__, "by": by, "sort": sort,
                            "data_date": (d.isoformat() if (d := data_date(registry.schemes)) else None),
                            "filters": filters.to_dict(), "counting": COUNTING,
                            "sources": {"schemes": registry.sources.schemes, "boroughs": registry.sources.areas,
                                        "vocabulary": registry.sources.vocabulary}}
    if need:
        from ..aggregate.need import NEED_COLUMNS, NEED_RULE, need_gaps, need_rows
        from ..geo.need import ATTRIBUTION

        found = [r for r in need_rows(counts) if keep_area(r["code"])]
        from ..aggregate.metrics import figure_sources

        meta["sources"].update(figure_sources(registry.areas))
        meta.update(by="need", rule=NEED_RULE, figures=ATTRIBUTION, gaps=need_gaps(found))
        rows = [[r[c] for c in NEED_COLUMNS] for r in found]
        rows = _sort(rows, 1, 2, sort)
        return Table("need", list(NEED_COLUMNS), rows, None, meta)
    if by == "area":
        with_pop = registry.areas.has_population
        columns = ["code", "name", "schemes", *cats] + (["per_100k"] if with_pop else [])
        if with_pop:  # (a rate says whose residents)
            from ..aggregate.metrics import population_source

            meta["sources"]["population"] = population_source([a.code for a in registry.areas.areas],
                                                            [a.population for a in registry.areas.areas])
        rows = []
        for i, code in enumerate(counts.codes):
            if not keep_area(code):
                continue
            row = [code, counts.names[i], counts.counts[i], *[counts.by_category[c][i] for c in cats]]
            if with_pop:
                row.append(counts.per_100k[i])
            rows.append(row)
        rows = _sort(rows, 1, 2, sort)
        in_rows = {r[0] for r in rows}
        total_schemes = [s for s in chosen if any(b in in_rows for b in s.boroughs)]
        totals = ["", "All areas", len(total_schemes),
                  *[sum(1 for s in total_schemes if c in s.categories) for c in cats]]
        if with_pop:
            pop = sum(registry.areas.by_code[c].population or 0 for c in in_rows)
            totals.append(round(len(total_schemes) * 100_000 / pop, 2) if pop else None)
        return Table(by, columns, rows, totals, meta)
    if by == "category":
        columns = ["category", "label", "schemes", "areas"]
        rows = []
        for c in cats:
            with_c = [s for s in chosen if c in s.categories]
            rows.append([c, vocab.label("categories", c), len(with_c),
                         len({b for s in with_c for b in s.boroughs})])
        if not filters.categories and any(not s.categories for s in chosen):
            none = [s for s in chosen if not s.categories]
            rows.append(["", "Uncategorised", len(none), len({b for s in none for b in s.boroughs})])
        rows = _sort(rows, 1, 2, sort)
        totals = ["", "All categories", len(chosen), len({b for s in chosen for b in s.boroughs})]
        return Table(by, columns, rows, totals, meta)
    if by == "area-category":
        columns = ["code", "name", "category", "label", "schemes"]
        rows = []
        for i, code in enumerate(counts.codes):
            if keep_area(code):
                for c in cats:
                    rows.append([code, counts.names[i], c, vocab.label("categories", c), counts.by_category[c][i]])
        rows = _sort(rows, 1, 4, sort) if sort == "count" else sorted(
            rows, key=lambda r: (r[1].casefold(), r[3].casefold()))
        return Table(by, columns, rows, None, meta)
    raise ValueError(f"unknown grouping {by!r}")


# --- spreadsheet safety ------------------------------------------------------------------------

RISKY_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER_OR_PHONE = re.compile(r"^[+-]?[0-9][0-9 ().-]*$")


def spreadsheet_safe(value: Any) -> Any:
    """Neutralise text a spreadsheet would run as a formula (OWASP CSV injection).

    Text starting with = + - @ tab or CR gets a leading apostrophe, which spreadsheets treat as
    "this is text". Numbers stay numbers, and text made only of digits, spaces and + - ( ) .
    (phone numbers such as +44 20 7946 0000, negative figures) is left alone: it cannot call a
    function, so it is not corrupted.
    """
    if not isinstance(value, str) or not value.startswith(RISKY_START):
        return value
    if NUMBER_OR_PHONE.match(value):
        return value
    return "'" + value


def _cell(value: Any) -> Any:
    return "" if value is None else ("true" if value else "false") if isinstance(value, bool) else value


def to_delimited(columns: list[str], rows: list[list[Any]], delimiter: str) -> str:
    """CSV or TSV text, spreadsheet-safe (no cell can run as a formula)."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    # The csv module quotes only cells holding the delimiter, a quote or the line terminator ("\n"),
    # so a lone carriage return would go out bare and split the row for every reader: such rows
    # are written fully quoted.
    quoted = csv.writer(buf, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_ALL)
    w.writerow(columns)
    for r in rows:
        cells = [_cell(spreadsheet_safe(v)) for v in r]
        (quoted if any(isinstance(c, str) and "\r" in c for c in cells) else w).writerow(cells)
    return buf.getvalue()


def to_xlsx(sheets: list[tuple[str, list[str], list[list[Any]]]]) -> bytes:
    """An XLSX workbook; every text cell is stored as text, so none can be read as a formula."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, columns, rows in sheets:
        ws = wb.create_sheet(title)
        for r_i, r in enumerate([columns, *rows], start=1):
            for c_i, v in enumerate(r, start=1):
                cell = ws.cell(row=r_i, column=c_i, value=v)
                if isinstance(v, str):
                    cell.data_type = "s"  # openpyxl would otherwise store '=...' as a formula
    buf = io.BytesIO()
    wb.save(buf)
    return _deterministic_zip(buf.getvalue())


def _deterministic_zip(data: bytes) -> bytes:
    """Rewrite a zip (XLSX) with fixed timestamps and document dates, so equal input gives equal bytes."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"<dcterms:(created|modified)([^>]*)>[^<]*</dcterms:\1>",
                              rb"<dcterms:\1\2>2000-01-01T00:00:00Z</dcterms:\1>", body)
            zi = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = info.external_attr
            dst.writestr(zi, body)
    return out.getvalue()


def _md_cell(v: Any) -> str:
    s = cell_text(v)
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ")


def to_markdown(t: Table) -> str:
    """A Markdown table, totals last."""
    lines = ["| " + " | ".join(t.columns) + " |",
             "| " + " | ".join("---:" if _numeric(t, i) else "---" for i in range(len(t.columns))) + " |"]
    for r in t.rows + ([t.totals] if t.totals else []):
        lines.append("| " + " | ".join(_md_cell(v) for v in r) + " |")
    return "\n".join(lines) + "\n"


def _numeric(t: Table, i: int) -> bool:
    return bool(t.rows) and all(isinstance(r[i], (int, float)) or r[i] is None for r in t.rows)


def numeric_columns(t: Table) -> list[bool]:
    """Which columns hold only numbers (right-aligned in text tables)."""
    return [_numeric(t, i) for i in range(len(t.columns))]


def cell_text(v: Any) -> str:
    """A cell as people read it: whole numbers grouped (5,000); CSV and JSON keep plain numbers."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else ""
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,}"
    return str(v)


def to_text(t: Table) -> str:
    """Plain aligned columns: no colour, no box drawing (for pipes and files)."""
    body = [[cell_text(v) for v in r] for r in t.rows + ([t.totals] if t.totals else [])]
    widths = [max([len(c)] + [len(r[i]) for r in body]) for i, c in enumerate(t.columns)]
    def line(cells):
        return "  ".join(c.rjust(w) if _numeric(t, i) else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    out = [line(t.columns), line(["-" * w for w in widths])]
    out += [line(r) for r in body[:len(t.rows)]]
    if t.totals:
        out += [line(["-" * w for w in widths]), line(body[-1])]
    out += gaps_said(t)
    return "\n".join(out) + "\n"


def gaps_said(t: Table) -> list[str]:
    """Below a need table: why an area has an empty figure (a Welsh area has no IMD rank, ...)."""
    gaps = t.meta.get("gaps") or {}
    return ([""] + [f"{code}: {why}" for code, why in gaps.items()]) if gaps else []


def to_json(t: Table) -> str:
    """The table as JSON: its meta, columns, rows as objects, totals."""
    doc = {**t.meta, "columns": t.columns, "rows": t.records(),
           "totals": dict(zip(t.columns, t.totals)) if t.totals else None}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def write_table(t: Table, fmt: str) -> bytes:
    """The table in `fmt` (not 'text' on a terminal: the CLI draws that with rich)."""
    if fmt == "csv":
        return to_delimited(t.columns, t.rows, ",").encode("utf-8")
    if fmt == "tsv":
        return to_delimited(t.columns, t.rows, "\t").encode("utf-8")
    if fmt == "json":
        return to_json(t).encode("utf-8")
    if fmt == "markdown":
        return to_markdown(t).encode("utf-8")
    if fmt == "xlsx":
        about = [[k, json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v]
                 for k, v in t.meta.items()]
        if t.totals:
            about.append(["totals", json.dumps(dict(zip(t.columns, t.totals)), ensure_ascii=False)])
        return to_xlsx([("counts", t.columns, t.rows), ("about", ["key", "value"], about)])
    return to_text(t).encode("utf-8")
