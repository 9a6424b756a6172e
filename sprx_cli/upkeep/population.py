"""Each area's population in the area registry: filled in from the ONS table sprx ships, by code.

A figure the keeper typed is theirs: it is kept (and said) unless they ask for the table's. Every
other byte of the registry stays as it was: rows the fill does not touch are written back as read.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from ..core.errors import SprxError


GAPS_SHOWN = 10  # areas without a figure named one by one; the rest counted


class AreasUnfillable(SprxError):
    """The area registry cannot be filled in (it has no code column, or no rows)."""


@dataclass
class Filled:
    """What a fill did: the new text, and each area it touched or could not, as (code, name, ...)."""

    text: str
    filled: list[tuple[str, str, int]] = field(default_factory=list)  # (code, name, figure) newly typed in
    same: int = 0  # areas whose figure already equals the table's
    kept: list[tuple[str, str, str, int]] = field(default_factory=list)  # (code, name, typed, table's) left alone
    replaced: list[tuple[str, str, str, int]] = field(default_factory=list)  # the same, with `update`
    gaps: list[tuple[str, str, str]] = field(default_factory=list)  # (code, name, why) with no figure
    added_column: bool = False

    @property
    def changed(self) -> bool:
        """Whether the text differs from what was read."""
        return bool(self.filled or self.replaced or self.added_column)


def _records(text: str):
    """(raw text, fields) of each CSV record, the raw text exactly as read (a quoted cell may span lines)."""
    lines = iter(text.splitlines(keepends=True))
    taken: list[str] = []

    def feed():
        for line in lines:
            taken.append(line)
            yield line

    reader = csv.reader(feed())
    for fields in reader:
        raw = "".join(taken)
        taken.clear()
        yield raw, fields


def _digits(text: str) -> str:
    return text.strip().replace(",", "").replace(" ", "").replace("_", "")


def fill_populations(text: str, update: bool = False) -> Filled:
    """The area registry `text` with the population (ONS mid-2022) of every area whose code is a
    district code in sprx's table written into an empty `population` cell (the column added when
    there is none). A figure already there is kept, and listed in `kept`, unless `update`."""
    from ..geo.need import populations, why_no_population

    table = populations()
    records = list(_records(text))
    if not records:
        raise AreasUnfillable("the area registry is empty", "its first row names the columns: code,name,population")
    header = [h.strip().lower() for h in records[0][1]]
    if "code" not in header:
        raise AreasUnfillable("the area registry has no 'code' column",
                              "its first row names the columns: code,name,population")
    code_at, name_at = header.index("code"), header.index("name") if "name" in header else None
    newline = "\r\n" if records[0][0].endswith("\r\n") else "\n"
    done = Filled(text="", added_column="population" not in header)
    at = header.index("population") if not done.added_column else len(header)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    if done.added_column:
        writer.writerow([*records[0][1], "population"])
    else:
        out.write(records[0][0])
    for raw, row in records[1:]:
        code = row[code_at].strip() if len(row) > code_at else ""
        if not code:  # a blank line, or a row validate will name: as it was (with the new column's cell)
            if done.added_column and row:
                writer.writerow([*row, ""])
            else:
                out.write(raw)
            continue
        name = row[name_at].strip() if name_at is not None and len(row) > name_at else ""
        typed = row[at].strip() if len(row) > at else ""
        figure = table.get(code)
        new = None
        if figure is None:
            if not typed:
                done.gaps.append((code, name, why_no_population(code)))
        elif not typed:
            new = str(figure)
            done.filled.append((code, name, figure))
        elif _digits(typed) == str(figure):
            done.same += 1
        elif update:
            new = str(figure)
            done.replaced.append((code, name, typed, figure))
        else:
            done.kept.append((code, name, typed, figure))
        if new is None and not done.added_column:
            out.write(raw)
            continue
        row = row + [""] * (at + 1 - len(row))
        row[at] = new if new is not None else row[at]
        writer.writerow(row)
    last = records[-1][0]
    result = out.getvalue()
    if not last.endswith(("\n", "\r")) and result.endswith(newline) and not text.endswith(("\n", "\r")):
        result = result[: -len(newline)]  # the file had no line end after its last row: nor has it now
    done.text = result
    return done


def fill_said(done: Filled, update: bool = False) -> list[str]:
    """What the keeper is told of a fill, a line each: filled, kept (with the table's figure), gaps."""
    from ..core.words import plural
    from ..geo.need import POPULATION_SOURCE

    lines = []
    if done.filled:
        lines.append(f"Population ({POPULATION_SOURCE}) filled in for {plural(len(done.filled), 'area')}.")
    if done.same:
        lines.append(f"{plural(done.same, 'area')} already had {POPULATION_SOURCE}'s figure.")
    for code, name, typed, figure in done.replaced:
        lines.append(f"Replaced {name} ({code}): {typed} by {POPULATION_SOURCE}'s {figure:,} (--update).")
    for code, name, typed, figure in done.kept:
        lines.append(f"Kept your figure for {name} ({code}): {typed} ({POPULATION_SOURCE} gives {figure:,}; "
                     "--update takes it).")
    for code, name, why in done.gaps[:GAPS_SHOWN]:
        lines.append(f"No figure for {name} ({code}): {why}.")
    if len(done.gaps) > GAPS_SHOWN:
        lines.append(f"No figure for {len(done.gaps) - GAPS_SHOWN:,} more areas.")
    if done.gaps:
        lines.append("Type a population, with its source, in the population column where one is needed.")
    if not lines:
        lines.append("No area to fill in.")
    return lines


def population_gaps(pairs: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """The areas sprx's population table has no figure for: (code, name, why)."""
    from ..geo.need import populations, why_no_population

    people = populations()
    return [(code, name, why_no_population(code)) for code, name in pairs if code not in people]


def population_said(pairs: list[tuple[str, str]]) -> str:
    """What the keeper is told of the populations filled in (and of those that could not be)."""
    from ..core.words import plural
    from ..geo.need import POPULATION_SOURCE

    gaps = population_gaps(pairs)
    said = f"Population ({POPULATION_SOURCE}) filled in for {len(pairs) - len(gaps):,} of {plural(len(pairs), 'area')}"
    if not gaps:
        return said + "."
    shown = "; ".join(f"{code} {name}: {why}" for code, name, why in gaps[:5])
    more = f"; and {len(gaps) - 5:,} more" if len(gaps) > 5 else ""
    return (f"{said}; none for {shown}{more}. Type a figure in the population column, with its source, where one "
            "is needed.")
