"""`sprx table`, `sprx export schemes` and `sprx export areas`: the counts and the data, for
spreadsheets, QGIS and pandas. One aggregation feeds them and the map."""

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .app import app, export_app
from .common import (BoroughFilterOpt, CategoryOpt, ClosedOpt, OutputOpt, QuietOpt, RegistryArgs, RouteOpt, Status,
                     StatusOpt, emit, filters, guard, needs_output, refuse_overwrite, registry_options)


class By(str, Enum):
    """What one table row is."""
    area = "area"
    category = "category"
    area_category = "area-category"


class Sort(str, Enum):
    """Row order."""
    name = "name"
    count = "count"


class TableFormat(str, Enum):
    """Table output formats."""
    text = "text"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    markdown = "markdown"
    xlsx = "xlsx"


class SchemeFormat(str, Enum):
    """Scheme export formats."""
    csv = "csv"
    json = "json"
    geojson = "geojson"
    xlsx = "xlsx"


class AreaFormat(str, Enum):
    """Area export formats."""
    geojson = "geojson"
    gpkg = "gpkg"


def _rich_table(t) -> None:
    """The table drawn for a person at a terminal (numbers grouped: 5,000)."""
    from rich.console import Console
    from rich.table import Table as RichTable
    from rich.text import Text

    from ..render.tables import cell_text, numeric_columns

    numeric = numeric_columns(t)
    rt = RichTable(show_footer=bool(t.totals), header_style="bold", footer_style="bold")
    for i, c in enumerate(t.columns):
        footer = Text("" if not t.totals else cell_text(t.totals[i]))
        rt.add_column(Text(c), footer=footer, justify="right" if numeric[i] else "left")
    for r in t.rows:
        rt.add_row(*[Text(cell_text(v)) for v in r])  # Text: registry text is not markup
    Console().print(rt)


@app.command()
@registry_options
def table(
    reg: RegistryArgs,
    by: By = typer.Option(By.area, "--by", help="One row per area, per category, or per area and category."),
    sort: Sort = typer.Option(Sort.name, "--sort", help="Sort rows by name, or by count (largest first)."),
    status: list[Status] = StatusOpt,
    category: list[str] = CategoryOpt,
    borough: list[str] = BoroughFilterOpt,
    referral_route: list[str] = RouteOpt,
    include_closed: bool = ClosedOpt,
    fmt: TableFormat = typer.Option(TableFormat.text, "--format", help="text (a table on a terminal, plain "
                                    "columns when piped), csv, tsv, json, markdown or xlsx."),
    output: Optional[Path] = OutputOpt,
    quiet: bool = QuietOpt,
) -> None:
    """Count active schemes per area (every area, zeros included), per category, or both.

    The counts are the map's: one aggregation feeds both. A scheme serving several areas counts
    once in each area; totals count each scheme once.

    Example: sprx table --format csv --output counts.csv
    """
    with guard():
        from rich.console import Console

        from ..render.tables import build_table, write_table

        needs_output(fmt.value, output)
        sources = reg.sources()
        refuse_overwrite(output, sources)
        registry = reg.load(sources, quiet=quiet)
        chosen = filters(registry, status, category, borough, referral_route, include_closed)
        t = build_table(registry, by.value, chosen, sort.value)
        if fmt is TableFormat.text and output is None and Console().is_terminal:
            _rich_table(t)
            return
        emit(write_table(t, fmt.value), output, f"{len(t.rows):,} rows", quiet)


def _export(function: str, reg: RegistryArgs, fmt: str, output: Optional[Path], quiet: bool, *selection) -> None:
    """Validate, select, and write one of the library's exports."""
    with guard():
        from ..render import exports

        needs_output(fmt, output)
        sources = reg.sources()
        refuse_overwrite(output, sources)
        registry = reg.load(sources, quiet=quiet)
        emit(getattr(exports, function)(registry, fmt, filters(registry, *selection)), output, fmt, quiet)


@export_app.command("schemes")
@registry_options
def export_schemes(
    reg: RegistryArgs,
    fmt: SchemeFormat = typer.Option(SchemeFormat.csv, "--format", help="csv, json, geojson (one point per "
                                     "location) or xlsx."),
    status: list[Status] = StatusOpt,
    category: list[str] = CategoryOpt,
    borough: list[str] = BoroughFilterOpt,
    referral_route: list[str] = RouteOpt,
    include_closed: bool = ClosedOpt,
    output: Optional[Path] = OutputOpt,
    quiet: bool = QuietOpt,
) -> None:
    """Export the selected schemes: one row per scheme, or one GeoJSON point per location.

    Example: sprx export schemes --format geojson --output schemes.geojson
    """
    _export("export_schemes", reg, fmt.value, output, quiet, status, category, borough, referral_route,
            include_closed)


@export_app.command("areas")
@registry_options
def export_areas(
    reg: RegistryArgs,
    fmt: AreaFormat = typer.Option(AreaFormat.geojson, "--format", help="geojson or gpkg (GeoPackage)."),
    status: list[Status] = StatusOpt,
    category: list[str] = CategoryOpt,
    referral_route: list[str] = RouteOpt,
    include_closed: bool = ClosedOpt,
    output: Optional[Path] = OutputOpt,
    quiet: bool = QuietOpt,
) -> None:
    """Export the area boundaries with the table's counts attached, ready for a choropleth elsewhere.

    Example: sprx export areas --format gpkg --output areas.gpkg
    """
    _export("export_areas", reg, fmt.value, output, quiet, status, category, [], referral_route, include_closed)
