"""`sprx table`: the counts behind the map, per area, per category or both, for spreadsheets and reports."""

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

import typer

from ..aggregate.need import NEED_RULE
from ..render.formats import BY, FORMATS, SORTS
from .app import app
from .common import (BoroughFilterOpt, CategoryOpt, ClosedOpt, OutputOpt, QuietOpt, RegistryArgs, RouteOpt, Status,
                     StatusOpt, choices, filters, guard, needs_output, refuse_overwrite, registry_options, usage_error)
from .output import emit

if TYPE_CHECKING:  # (made at run time from the library's lists of them: to mypy, Enums)
    By: TypeAlias = Enum
    Sort: TypeAlias = Enum
    TableFormat: TypeAlias = Enum
else:
    By = choices("By", BY)  # what one row is
    Sort = choices("Sort", SORTS)
    TableFormat = choices("TableFormat", FORMATS)


def _rich_table(t) -> None:
    """The table drawn for a person at a terminal (numbers grouped: 5,000)."""
    from rich.console import Console
    from rich.table import Table as RichTable
    from rich.text import Text

    from ..render.tables import cell_text, gaps_said, numeric_columns

    numeric = numeric_columns(t)
    shown = list(range(len(t.columns)))
    empty: list[str] = []
    if t.by == "area" and t.totals:  # a category no scheme has is a column of zeros: said below it instead
        cats = [i for i, c in enumerate(t.columns) if i > 2 and c != "per_100k"]
        empty = [t.columns[i] for i in cats if t.totals[i] == 0]
        shown = [i for i in shown if t.columns[i] not in empty]
    caption = (Text(f"Not shown: {len(empty)} categories no scheme has ({', '.join(empty)}); every column is "
                    "in --format csv.") if empty else None)  # Text: vocabulary keys are not markup
    rt = RichTable(show_footer=bool(t.totals), header_style="bold", footer_style="bold", caption=caption)
    for i in shown:
        footer = Text("" if not t.totals else cell_text(t.totals[i]))
        rt.add_column(Text(t.columns[i]), footer=footer, justify="right" if numeric[i] else "left",
                      no_wrap=t.columns[i] == "name")
    for r in t.rows:
        rt.add_row(*[Text(cell_text(r[i])) for i in shown])  # Text: registry text is not markup
    Console().print(rt)
    for line in gaps_said(t)[1:]:
        Console().print(Text(line))


@app.command()
@registry_options
def table(
    reg: RegistryArgs,
    by: By = typer.Option(By("area"), "--by", help="One row per area, per category, or per area and category."),
    sort: Sort = typer.Option(Sort("name"), "--sort", help="Sort rows by name, or by count (largest first)."),
    status: list[Status] = StatusOpt,
    category: list[str] = CategoryOpt,
    borough: list[str] = BoroughFilterOpt,
    referral_route: list[str] = RouteOpt,
    include_closed: bool = ClosedOpt,
    fmt: TableFormat = typer.Option(TableFormat("text"), "--format", help="text (a table on a terminal, plain "
                                    "columns when piped), csv, tsv, json, markdown or xlsx."),
    output: Path | None = OutputOpt,
    quiet: bool = QuietOpt,
    need: bool = typer.Option(False, "--need", help="Need beside provision, per area: code, name, schemes, "
                              "population, per_100k, imd_average_score, imd_rank, need_third, provision_third, "
                              "least_served (population ONS mid-2022 where the area registry has none; "
                              "deprivation: English Indices of Deprivation 2025, England only). " + NEED_RULE),
) -> None:
    """Count active schemes per area (every area, zeros included), per category, or both.

    The counts are the map's: one aggregation feeds both. A scheme serving several areas counts
    once in each area; totals count each scheme once.

    Example: sprx table --format csv --output counts.csv

    Example: sprx table --need --category befriending-self-help --format csv
    """
    with guard():
        from rich.console import Console

        from ..render.tables import build_table, write_table

        needs_output(fmt.value, output)
        sources = reg.sources()
        refuse_overwrite(output, sources)
        registry = reg.load(sources, quiet=quiet)
        chosen = filters(registry, status, category, borough, referral_route, include_closed)
        if need and by.value != "area":
            usage_error("--need: one row per area (leave out --by, or give --by area)")
        t = build_table(registry, by.value, chosen, sort.value, need=need)
        if fmt.value == "text" and output is None and Console().is_terminal:
            _rich_table(t)
            return
        emit(write_table(t, fmt.value), output, f"{len(t.rows):,} rows", quiet)
