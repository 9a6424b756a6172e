"""The `sprx` command line: parse options, call the library, print, exit.

Only this module prints or exits. Heavy libraries (pandas, geopandas, folium) are imported inside
commands so that `sprx --help` stays instant.
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Iterator, Optional

import typer

from . import __version__
from .problems import Report

app = typer.Typer(
    name="sprx",
    help="Keep registries of social-prescribing schemes and render borough maps and tables.\n\n"
         "Example: sprx validate --schemes schemes.yaml",
    no_args_is_help=True,
    rich_markup_mode=None,  # plain click help: instant, and the same on a terminal and in a pipe
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

_state = {"debug": False}


class TextOrJson(str, Enum):
    text = "text"
    json = "json"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sprx {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback of an internal error."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    _state["debug"] = debug


@contextmanager
def _guard() -> Iterator[None]:
    """Turn an unexpected exception into one line (or a traceback with --debug) and exit 1."""
    try:
        yield
    except (typer.Exit, typer.Abort, SystemExit, KeyboardInterrupt):
        raise
    except OSError as exc:  # the disk, not sprx: full, read-only, no permission...
        if _state["debug"]:
            raise
        where = f" {exc.filename}" if exc.filename else ""
        typer.echo(f"sprx: cannot read or write{where}: {exc.strerror or exc}. Nothing was changed: "
                   "any file sprx was writing keeps its previous contents.", err=True)
        raise typer.Exit(1)
    except Exception as exc:
        if _state["debug"]:
            raise
        typer.echo(f"sprx: internal error: {type(exc).__name__}: {exc}. "
                   "Run again with 'sprx --debug ...' for details, and report it.", err=True)
        raise typer.Exit(1)


def _usage_error(message: str) -> None:
    typer.echo(f"Usage error: {message}", err=True)
    raise typer.Exit(2)


# Registry options shared by every command that reads a registry.
# Registry options default to the folder's sprx.toml (or [tool.sprx] in pyproject.toml), then
# to sprx's defaults; see config.py.
SchemesOpt = typer.Option(None, "--schemes", metavar="PATH", show_default=False,
                          help="Scheme registry (.yaml or .csv).  [default: schemes.yaml]")
BoroughsOpt = typer.Option(None, "--boroughs", "--areas", metavar="PATH", show_default=False,
                           help="Area registry (CSV).  [default: data/areas.csv]")
BoundariesOpt = typer.Option(None, "--boundaries", metavar="PATH", show_default=False,
                             help="Area boundaries: any file geopandas reads, any CRS.  "
                                  "[default: data/boundaries.geojson]")
VocabularyOpt = typer.Option(None, "--vocabulary", metavar="PATH", show_default=False,
                             help="Controlled vocabulary (YAML).  [default: data/vocabulary.yaml]")
CodeFieldOpt = typer.Option(None, "--code-field", metavar="FIELD", show_default=False,
                            help="The boundaries' attribute holding the area code.  [default: code]")
EncodingOpt = typer.Option(None, "--encoding", metavar="NAME", help="Read the scheme registry in this encoding (e.g. cp1252).")
StaleOpt = typer.Option(12, "--stale-after", min=1, metavar="MONTHS", help="Warn when last_verified is older than this many months.")


def _config() -> dict:
    from .config import ConfigError, find_config

    try:
        return find_config(Path("."))[0]
    except ConfigError as exc:
        _usage_error(str(exc))


def _setting(value, key: str):
    from .config import setting

    return setting(value, key, _config())


def _sources(schemes: Optional[str], boroughs: Optional[str], boundaries: Optional[str],
             vocabulary: Optional[str], code_field: Optional[str] = None):
    from .config import setting
    from .validate import Sources

    cfg = _config()
    schemes, boroughs = setting(schemes, "schemes", cfg), setting(boroughs, "areas", cfg)
    boundaries, vocabulary = setting(boundaries, "boundaries", cfg), setting(vocabulary, "vocabulary", cfg)
    for option, value in (("--schemes", schemes), ("--boroughs", boroughs),
                          ("--boundaries", boundaries), ("--vocabulary", vocabulary)):
        if not Path(value).exists():
            _usage_error(f"{option}: '{value}' does not exist (run sprx in the registry folder, "
                         f"or pass {option} PATH)")
        if Path(value).is_dir():
            _usage_error(f"{option}: '{value}' is a folder, not a file")
    return Sources(schemes, boroughs, boundaries, vocabulary, setting(code_field, "code_field", cfg))


def _print_report(report: Report, fmt: TextOrJson, files: dict, summary_ok: str, err: bool = False) -> None:
    if fmt is TextOrJson.json:
        typer.echo(json.dumps({**report.to_dict(), "files": files}, ensure_ascii=False, indent=2), err=err)
        return
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True, stderr=err)
    if report.problems and console.is_terminal:
        from rich.table import Table

        table = Table(show_lines=False, header_style="bold")
        for col in ("Where", "", "Code", "Problem", "How to fix"):
            table.add_column(col, overflow="fold")
        for p in report.problems:
            sev = "[red]error[/]" if p.severity == "error" else "[yellow]warning[/]"
            table.add_row(str(p.loc), sev, p.code, _escape(p.message), _escape(p.hint or ""))
        console.print(table)
    else:
        for p in report.problems:
            line = f"{p.loc}: {p.severity} [{p.code}] {p.message}"
            if p.hint:
                line += f" (fix: {p.hint})"
            typer.echo(line, err=err)
    counts = f"{_plural(len(report.errors), 'error')}, {_plural(len(report.warnings), 'warning')}"
    if report.valid:
        typer.echo(f"{summary_ok} ({counts})", err=err)
    else:
        typer.echo(f"Invalid: {counts}. Fix the errors above and run again.", err=err)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


@app.command()
def validate(
    schemes: Optional[str] = SchemesOpt,
    boroughs: Optional[str] = BoroughsOpt,
    boundaries: Optional[str] = BoundariesOpt,
    vocabulary: Optional[str] = VocabularyOpt,
    code_field: Optional[str] = CodeFieldOpt,
    fmt: TextOrJson = typer.Option(TextOrJson.text, "--format", help="text (a table on a terminal, "
                                   "one line per problem when piped) or json."),
    strict: bool = typer.Option(False, "--strict", help="Fail (exit 1) on warnings too."),
    stale_after: int = StaleOpt,
    encoding: Optional[str] = EncodingOpt,
) -> None:
    """Check the registry files and report every problem with its file and line.

    Exit status: 0 valid (warnings allowed), 1 invalid (or warnings with --strict), 2 usage error.

    Example: sprx validate --schemes schemes.yaml --format json
    """
    with _guard():
        from .validate import validate as run_validate

        sources = _sources(schemes, boroughs, boundaries, vocabulary, code_field)
        report, _ = run_validate(sources, stale_after_months=stale_after, encoding=encoding)
        s = report.stats
        ok = (f"Valid: {_plural(s['schemes'], 'scheme')} serving {s['areas_with_schemes']} of {s['areas']} areas"
              f" in {sources.schemes}")
        _print_report(report, fmt, vars(sources), ok)
        failed = not report.valid or (strict and bool(report.warnings))
        if strict and report.valid and report.warnings and fmt is TextOrJson.text:
            typer.echo("--strict: warnings count as failures.")
    raise typer.Exit(int(failed))


class Metric(str, Enum):
    count = "count"
    per_100k = "per-100k"


map_app = typer.Typer(
    help="Build the map of schemes per area.\n\nExample: sprx map build --offline",
    no_args_is_help=True, rich_markup_mode=None)
app.add_typer(map_app, name="map")


def _load_valid(sources, *, quiet: bool, encoding: Optional[str] = None, strict: bool = False):
    """Validate; on errors print them located and exit 1. Returns the loaded registry."""
    from .validate import validate as run_validate

    report, registry = run_validate(sources, encoding=encoding)
    failed = not report.valid or (strict and report.warnings)
    if failed:
        _print_report(report, TextOrJson.text, {}, "", err=True)
        if report.valid:
            typer.echo("--strict: warnings count as failures.", err=True)
        typer.echo("Nothing was written.", err=True)
        raise typer.Exit(1)
    if report.warnings and not quiet:
        from collections import Counter

        by_code = Counter(p.code for p in report.warnings)
        listed = ", ".join(f"{n} {code}" for code, n in sorted(by_code.items()))
        typer.echo(f"Warnings: {listed} (run 'sprx validate' for details)", err=True)
    return registry


@contextmanager
def _progress(quiet: bool):
    """A step callback: a rich progress line on a terminal, nothing when piped or --quiet."""
    from rich.console import Console

    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield lambda name: None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task("validating", total=None)
        yield lambda name: progress.update(task, description=name)


def _map_options(title: str, offline: bool, tiles: str, include_closed: bool, metric: Metric):
    from .mapping import MapOptions

    return MapOptions(title=title, offline=offline, tiles=tiles, include_closed=include_closed,
                      metric=metric.value, attribution=_setting(None, "attribution"),
                      short_attribution=_setting(None, "attribution_short"))


TitleOpt = typer.Option(None, "--title", show_default=False,
                        help="Title shown on the map.  [default: from sprx.toml, else 'Social prescribing schemes']")
QuietOpt = typer.Option(False, "--quiet", "-q", help="No progress or summary; errors are still printed.")
MetricOpt = typer.Option(Metric.count, "--metric", help="Shade areas by count, or per 100,000 residents "
                         "(needs a population column in the area registry).")
ClosedOpt = typer.Option(False, "--include-closed", help="Show closed schemes too (they are never counted).")


@map_app.command("build")
def map_build(
    schemes: Optional[str] = SchemesOpt,
    boroughs: Optional[str] = BoroughsOpt,
    boundaries: Optional[str] = BoundariesOpt,
    vocabulary: Optional[str] = VocabularyOpt,
    code_field: Optional[str] = CodeFieldOpt,
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE", show_default=False,
                                          help="Where to write the HTML page.  [default: maps/map.html]"),
    title: Optional[str] = TitleOpt,
    offline: bool = typer.Option(False, "--offline", help="Inline Leaflet from installed packages: the page "
                                 "loads no script, style or font from any CDN."),
    tiles: Optional[str] = typer.Option(None, "--tiles", metavar="PROVIDER", show_default=False,
                                        help="Background tiles: an xyzservices provider name, or 'none'.  "
                                             "[default: OpenStreetMap.Mapnik]"),
    metric: Metric = MetricOpt,
    include_closed: bool = ClosedOpt,
    strict: bool = typer.Option(False, "--strict", help="Refuse to build when there are warnings."),
    encoding: Optional[str] = EncodingOpt,
    quiet: bool = QuietOpt,
) -> None:
    """Validate the registry, then write the map as one HTML page.

    Errors stop the build (exit 1) and nothing is written; warnings are summarised.

    Example: sprx map build --offline --tiles none --output maps/london.html
    """
    with _guard():
        from .assets import AssetsMissing
        from .mapping import MapError, render_map, resolve_tiles
        from .textio import atomic_write_text

        sources = _sources(schemes, boroughs, boundaries, vocabulary, code_field)
        title, tiles, output = _setting(title, "title"), _setting(tiles, "tiles"), Path(_setting(output, "output"))
        _refuse_overwrite(output, sources)
        try:
            resolve_tiles(tiles)
        except MapError as exc:
            _usage_error(f"--tiles: {exc}")
        with _progress(quiet) as step:
            registry = _load_valid(sources, quiet=quiet, encoding=encoding, strict=strict)
            try:
                page = render_map(registry, _map_options(title, offline, tiles, include_closed, metric), step)
            except (MapError, AssetsMissing) as exc:
                typer.echo(f"Cannot build the map: {exc}", err=True)
                raise typer.Exit(1)
            atomic_write_text(output, page)
        if not quiet:
            from .aggregate import area_counts

            typer.echo(f"Wrote {output} ({len(page.encode()) // 1024} KB): {area_counts(registry).headline()}")


@map_app.command("image")
def map_image(
    schemes: Optional[str] = SchemesOpt,
    boroughs: Optional[str] = BoroughsOpt,
    boundaries: Optional[str] = BoundariesOpt,
    vocabulary: Optional[str] = VocabularyOpt,
    code_field: Optional[str] = CodeFieldOpt,
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE", show_default=False,
                                          help="Where to write the PNG.  [default: maps/map.png]"),
    title: Optional[str] = TitleOpt,
    metric: Metric = MetricOpt,
    dpi: int = typer.Option(150, "--dpi", min=50, max=600, help="Resolution of the PNG."),
    encoding: Optional[str] = EncodingOpt,
    quiet: bool = QuietOpt,
) -> None:
    """Write the choropleth as a PNG with legend and attribution, for reports and newsletters.

    Example: sprx map image --output maps/london.png
    """
    with _guard():
        from .image import render_png
        from .mapping import MapError
        from .textio import atomic_write_bytes

        sources = _sources(schemes, boroughs, boundaries, vocabulary, code_field)
        title, output = _setting(title, "title"), Path(_setting(output, "image"))
        _refuse_overwrite(output, sources)
        with _progress(quiet) as step:
            registry = _load_valid(sources, quiet=quiet, encoding=encoding)
            step("drawing")
            try:
                png = render_png(registry, _map_options(title, False, "none", False, metric), dpi=dpi)
            except MapError as exc:
                typer.echo(f"Cannot draw the map: {exc}", err=True)
                raise typer.Exit(1)
            atomic_write_bytes(output, png)
        if not quiet:
            typer.echo(f"Wrote {output} ({len(png) // 1024} KB)")


class Status(str, Enum):
    active = "active"
    paused = "paused"
    closed = "closed"


class By(str, Enum):
    area = "area"
    category = "category"
    area_category = "area-category"


class Sort(str, Enum):
    name = "name"
    count = "count"


class TableFormat(str, Enum):
    text = "text"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    markdown = "markdown"
    xlsx = "xlsx"


class SchemeFormat(str, Enum):
    csv = "csv"
    json = "json"
    geojson = "geojson"
    xlsx = "xlsx"


class AreaFormat(str, Enum):
    geojson = "geojson"
    gpkg = "gpkg"


StatusOpt = typer.Option([], "--status", help="Count schemes with this status (repeatable; default: active).")
CategoryOpt = typer.Option([], "--category", metavar="KEY", help="Only schemes in this category (repeatable).")
BoroughFilterOpt = typer.Option([], "--borough", metavar="AREA",
                                help="Only this area, by name, alias or code (repeatable).")
RouteOpt = typer.Option([], "--referral-route", metavar="KEY", help="Only schemes with this referral route (repeatable).")
OutputOpt = typer.Option(None, "--output", "-o", metavar="FILE", help="Write to FILE (atomically) instead of standard output.")


def _filters(registry, status: list, category: list[str], borough: list[str], route: list[str], include_closed: bool):
    """Filters from the command line, every key checked against the registry (usage error if unknown)."""
    from .aggregate import Filters
    from .registry import did_you_mean

    statuses = [s.value for s in status] or ["active"]
    if include_closed and "closed" not in statuses:
        statuses.append("closed")
    for option, keys, terms in (("--category", category, registry.vocabulary.categories),
                                ("--referral-route", route, registry.vocabulary.referral_routes)):
        for key in keys:
            if key not in terms:
                guess = did_you_mean(key, list(terms))
                _usage_error(f"{option}: unknown key {key!r}" + (f"; did you mean {guess!r}?" if guess else
                             f"; the keys are {', '.join(terms)}"))
    codes = []
    for name in borough:
        code = registry.areas.resolve(name)
        if code is None:
            guess = registry.areas.suggest(name)
            _usage_error(f"--borough: unknown area {name!r}" + (f"; did you mean {guess!r}?" if guess else ""))
        codes.append(code)
    return Filters(tuple(statuses), tuple(category), tuple(codes), tuple(route))


def _refuse_overwrite(output: Optional[Path], inputs) -> None:
    """sprx never writes over a file it reads: an --output naming one is a usage error (exit 2)."""
    if output is None:
        return
    if hasattr(inputs, "schemes"):
        inputs = (inputs.schemes, inputs.boroughs, inputs.boundaries, inputs.vocabulary)
    target = Path(output).resolve()
    for path in inputs:
        if path and Path(path).resolve() == target:
            _usage_error(f"--output: '{output}' is {path}, which sprx is reading; write to another file")


def _emit(data: bytes, output: Optional[Path], what: str, quiet: bool = False) -> None:
    from .textio import atomic_write_bytes

    if output is None:
        sys.stdout.buffer.write(data) if hasattr(sys.stdout, "buffer") else typer.echo(data.decode(), nl=False)
        sys.stdout.flush()
        return
    atomic_write_bytes(output, data)
    if not quiet:
        typer.echo(f"Wrote {output} ({what})", err=True)


def _needs_output(fmt: str, output: Optional[Path]) -> None:
    if fmt in ("xlsx", "gpkg") and output is None:
        _usage_error(f"--format {fmt} writes a binary file: give --output FILE")


def _rich_table(t) -> None:
    from rich.console import Console
    from rich.table import Table as RichTable
    from rich.text import Text

    numeric = [bool(t.rows) and all(isinstance(r[i], (int, float)) or r[i] is None for r in t.rows)
               for i in range(len(t.columns))]
    rt = RichTable(show_footer=bool(t.totals), header_style="bold", footer_style="bold")
    for i, c in enumerate(t.columns):
        footer = Text("" if not t.totals or t.totals[i] is None else str(t.totals[i]))
        rt.add_column(Text(c), footer=footer, justify="right" if numeric[i] else "left")
    for r in t.rows:
        rt.add_row(*[Text("" if v is None else str(v)) for v in r])  # Text: registry text is not markup
    Console().print(rt)


@app.command()
def table(
    schemes: Optional[str] = SchemesOpt,
    boroughs: Optional[str] = BoroughsOpt,
    boundaries: Optional[str] = BoundariesOpt,
    vocabulary: Optional[str] = VocabularyOpt,
    code_field: Optional[str] = CodeFieldOpt,
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
    encoding: Optional[str] = EncodingOpt,
    quiet: bool = QuietOpt,
) -> None:
    """Count active schemes per area (every area, zeros included), per category, or both.

    The counts are the map's: one aggregation feeds both. A scheme serving several areas counts
    once in each area; totals count each scheme once.

    Example: sprx table --format csv --output counts.csv
    """
    with _guard():
        from rich.console import Console

        from .tables import build_table, write_table

        _needs_output(fmt.value, output)
        sources = _sources(schemes, boroughs, boundaries, vocabulary, code_field)
        _refuse_overwrite(output, sources)
        registry = _load_valid(sources, quiet=quiet, encoding=encoding)
        filters = _filters(registry, status, category, borough, referral_route, include_closed)
        t = build_table(registry, by.value, filters, sort.value)
        if fmt is TableFormat.text and output is None and Console().is_terminal:
            _rich_table(t)
            return
        _emit(write_table(t, fmt.value), output, f"{len(t.rows)} rows", quiet)


export_app = typer.Typer(
    help="Export schemes or areas with their counts, for QGIS, spreadsheets and pandas.\n\n"
         "Example: sprx export schemes --format geojson --output schemes.geojson",
    no_args_is_help=True, rich_markup_mode=None)
app.add_typer(export_app, name="export")


@export_app.command("schemes")
def export_schemes_cmd(
    schemes: Optional[str] = SchemesOpt,
    boroughs: Optional[str] = BoroughsOpt,
    boundaries: Optional[str] = BoundariesOpt,
    vocabulary: Optional[str] = VocabularyOpt,
    code_field: Optional[str] = CodeFieldOpt,
    fmt: SchemeFormat = typer.Option(SchemeFormat.csv, "--format", help="csv, json, geojson (one point per "
                                     "location) or xlsx."),
    status: list[Status] = StatusOpt,
    category: list[str] = CategoryOpt,
    borough: list[str] = BoroughFilterOpt,
    referral_route: list[str] = RouteOpt,
    include_closed: bool = ClosedOpt,
    output: Optional[Path] = OutputOpt,
    encoding: Optional[str] = EncodingOpt,
    quiet: bool = QuietOpt,
) -> None:
    """Export the selected schemes: one row per scheme, or one GeoJSON point per location.

    Example: sprx export schemes --format geojson --output schemes.geojson
    """
    with _guard():
        from .exports import export_schemes

        _needs_output(fmt.value, output)
        sources = _sources(schemes, boroughs, boundaries, vocabulary, code_field)
        _refuse_overwrite(output, sources)
        registry = _load_valid(sources, quiet=quiet, encoding=encoding)
        filters = _filters(registry, status, category, borough, referral_route, include_closed)
        _emit(export_schemes(registry, fmt.value, filters), output, fmt.value, quiet)


@export_app.command("areas")
def export_areas_cmd(
    schemes: Optional[str] = SchemesOpt,
    boroughs: Optional[str] = BoroughsOpt,
    boundaries: Optional[str] = BoundariesOpt,
    vocabulary: Optional[str] = VocabularyOpt,
    code_field: Optional[str] = CodeFieldOpt,
    fmt: AreaFormat = typer.Option(AreaFormat.geojson, "--format", help="geojson or gpkg (GeoPackage)."),
    status: list[Status] = StatusOpt,
    category: list[str] = CategoryOpt,
    referral_route: list[str] = RouteOpt,
    include_closed: bool = ClosedOpt,
    output: Optional[Path] = OutputOpt,
    encoding: Optional[str] = EncodingOpt,
    quiet: bool = QuietOpt,
) -> None:
    """Export the area boundaries with the table's counts attached, ready for a choropleth elsewhere.

    Example: sprx export areas --format gpkg --output areas.gpkg
    """
    with _guard():
        from .exports import export_areas

        _needs_output(fmt.value, output)
        sources = _sources(schemes, boroughs, boundaries, vocabulary, code_field)
        _refuse_overwrite(output, sources)
        registry = _load_valid(sources, quiet=quiet, encoding=encoding)
        filters = _filters(registry, status, category, [], referral_route, include_closed)
        _emit(export_areas(registry, fmt.value, filters), output, fmt.value, quiet)


class LogFormat(str, Enum):
    text = "text"
    json = "json"


def _logger(fmt: LogFormat, quiet: bool):
    """log(event, level=..., **fields): one JSON object per line, or a line for people."""
    def log(event: str, level: str = "info", **fields) -> None:
        if fmt is LogFormat.json:
            typer.echo(json.dumps({"event": event, "level": level, **fields}, ensure_ascii=False, default=str))
            return
        if quiet and level == "info":
            return
        if event == "published":
            typer.echo(f"Published {fields['site']} (version {fields['version']}): {fields['schemes']} schemes in "
                       f"{fields['areas_with_schemes']} of {fields['areas']} areas, {fields['duration_s']} s")
        elif event == "unchanged":
            typer.echo(f"Unchanged: the inputs match the live site {fields['site']} (version {fields['version']}); "
                       "nothing was done")
        elif event == "rolled-back":
            typer.echo(f"Rolled back {fields['site']} to version {fields['version']} (was {fields['previous']})")
        elif event in ("pruned", "removed-leftover", "validated", "busy", "failed", "invalid"):
            # (the last three are explained in full by the caller)
            return
        else:
            typer.echo(f"{event}: {fields}", err=level != "info")
    return log


@app.command()
def publish(
    site: Path = typer.Option(..., "--site", metavar="DIR", help="The site to publish: DIR becomes a link to "
                              "the newest complete version, kept in DIR.sprx/."),
    schemes: Optional[str] = SchemesOpt,
    boroughs: Optional[str] = BoroughsOpt,
    boundaries: Optional[str] = BoundariesOpt,
    vocabulary: Optional[str] = VocabularyOpt,
    code_field: Optional[str] = CodeFieldOpt,
    title: Optional[str] = TitleOpt,
    tiles: Optional[str] = typer.Option(None, "--tiles", metavar="PROVIDER", show_default=False,
                                        help="Background tiles of the map: an xyzservices provider name, or "
                                             "'none'.  [default: OpenStreetMap.Mapnik]"),
    keep: int = typer.Option(3, "--keep", min=0, help="How many previous versions to keep for --rollback."),
    if_changed: bool = typer.Option(False, "--if-changed", help="Do nothing (exit 0) when the inputs match "
                                    "the live site's manifest."),
    strict: bool = typer.Option(False, "--strict", help="Refuse to publish when there are warnings."),
    rollback: bool = typer.Option(False, "--rollback", help="Point the site back at the previous version."),
    log_format: LogFormat = typer.Option(LogFormat.text, "--log-format", help="text for people, or json: one "
                                         "object per line for cron mail and CI logs."),
    stale_after: int = StaleOpt,
    encoding: Optional[str] = EncodingOpt,
    quiet: bool = QuietOpt,
) -> None:
    """Validate, then build the whole static site and switch it in atomically.

    The site has index.html, the offline map, the PNG, tables, exports, manifest.json and
    changes.json. A failure or a kill at any point leaves the previous site complete.
    Exit status: 0 published or unchanged, 1 invalid registry or failed build (site untouched),
    2 usage error, 3 another publish is running.

    Example: sprx publish --site public --if-changed --log-format json
    """
    from .publish import EXIT_BUSY, InvalidRegistry, PublishBusy, PublishError, PublishOptions
    from .publish import publish as run_publish
    from .publish import rollback as run_rollback

    log = _logger(log_format, quiet)
    with _guard():
        try:
            if rollback:
                run_rollback(site, log)
                return
            title, tiles = _setting(title, "title"), _setting(tiles, "tiles")
            if tiles.lower() != "none":
                from .mapping import MapError, resolve_tiles

                try:
                    resolve_tiles(tiles)
                except MapError as exc:
                    _usage_error(f"--tiles: {exc}")
            sources = _sources(schemes, boroughs, boundaries, vocabulary, code_field)
            opts = PublishOptions(title=title, tiles=tiles, keep=keep, if_changed=if_changed, strict=strict,
                                  attribution=_setting(None, "attribution"),
                                  attribution_short=_setting(None, "attribution_short"),
                                  stale_after_months=stale_after, encoding=encoding)
            result = run_publish(sources, site, opts, log)
            if result.report is not None and result.report.warnings and log_format is LogFormat.text and not quiet:
                from collections import Counter

                by_code = Counter(p.code for p in result.report.warnings)
                typer.echo("Warnings: " + ", ".join(f"{n} {c}" for c, n in sorted(by_code.items()))
                           + " (run 'sprx validate' for details)", err=True)
        except PublishBusy as exc:
            log("busy", level="error", site=str(site), message=str(exc))
            if log_format is LogFormat.text:
                typer.echo(f"sprx publish: {exc}", err=True)
            raise typer.Exit(EXIT_BUSY)
        except InvalidRegistry as exc:
            if log_format is LogFormat.json:
                log("invalid", level="error", site=str(site), strict=exc.strict,
                    problems=[p.to_dict() for p in exc.report.problems if p.severity == "error" or exc.strict])
            else:
                _print_report(exc.report, TextOrJson.text, {}, "", err=True)
                typer.echo(f"Not published: {exc}. The site {site} was not touched.", err=True)
            raise typer.Exit(1)
        except PublishError as exc:
            log("failed", level="error", site=str(site), message=str(exc))
            if log_format is LogFormat.text:
                typer.echo(f"Not published: {exc}", err=True)
            raise typer.Exit(1)


areas_app = typer.Typer(help="Area registries.\n\nExample: sprx areas init boundaries.gpkg "
                              "--code-field LAD24CD --name-field LAD24NM", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(areas_app, name="areas")


@areas_app.command("init")
def areas_init(
    boundaries: Path = typer.Argument(..., metavar="BOUNDARIES", help="A boundary file geopandas reads."),
    code_field: str = typer.Option("code", "--code-field", metavar="FIELD", help="Attribute with the area code."),
    name_field: str = typer.Option("name", "--name-field", metavar="FIELD", help="Attribute with the area name."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE",
                                          help="Write the area registry here (atomically) instead of standard output."),
) -> None:
    """Write an area registry (code,name,aliases,sub_region) matching a boundary file.

    Example: sprx areas init lad-2024.gpkg --code-field LAD24CD --name-field LAD24NM -o data/areas.csv
    """
    with _guard():
        from .scaffold import ScaffoldError, areas_csv, non_gss, read_areas_from_boundaries

        if not boundaries.is_file():
            _usage_error(f"BOUNDARIES: '{boundaries}' does not exist")
        _refuse_overwrite(output, (boundaries,))
        try:
            pairs = read_areas_from_boundaries(boundaries, code_field, name_field)
        except ScaffoldError as exc:
            typer.echo(f"sprx areas init: {exc}", err=True)
            raise typer.Exit(1)
        bad = non_gss(pairs)
        if bad:
            typer.echo(f"Warning: {len(bad)} code(s) are not GSS codes (e.g. {bad[0]}); sprx validate will "
                       "reject them", err=True)
        _emit(areas_csv(pairs).encode("utf-8"), output, f"{len(pairs)} areas")


@app.command("init")
def init(
    folder: Path = typer.Argument(..., metavar="DIR", help="The folder for the new registry (created if needed)."),
    boundaries: Optional[Path] = typer.Option(None, "--boundaries", metavar="FILE",
                                              help="Boundaries of the areas; copied in, and the area registry made from them."),
    code_field: str = typer.Option("code", "--code-field", metavar="FIELD", help="Attribute with the area code."),
    name_field: str = typer.Option("name", "--name-field", metavar="FIELD", help="Attribute with the area name."),
    title: str = typer.Option("Social prescribing schemes", "--title", help="Title of the map."),
) -> None:
    """Start a new registry: sprx.toml, an empty schemes.yaml, the vocabulary, and the areas.

    Example: sprx init kent --boundaries kent-districts.gpkg --code-field LAD24CD --name-field LAD24NM
    """
    with _guard():
        from .scaffold import ScaffoldError, init_registry

        if boundaries is not None and not boundaries.is_file():
            _usage_error(f"--boundaries: '{boundaries}' does not exist")
        try:
            written = init_registry(folder, title, boundaries, code_field, name_field)
        except ScaffoldError as exc:
            typer.echo(f"sprx init: {exc}", err=True)
            raise typer.Exit(1)
        for path in written:
            typer.echo(f"wrote {path}")
        if boundaries is None:
            typer.echo(f"Next: put the boundaries in {folder}/data/boundaries.geojson and run "
                       "'sprx areas init' to make data/areas.csv.")
        typer.echo(f"Then: cd {folder} && sprx validate && sprx map build")


demo_app = typer.Typer(help="Synthetic registries for tests and benchmarks.\n\nExample: sprx demo generate "
                            "--schemes 1000 --areas data/london-boroughs.geojson", no_args_is_help=True,
                       rich_markup_mode=None)
app.add_typer(demo_app, name="demo")


class DemoFormat(str, Enum):
    yaml = "yaml"
    csv = "csv"


@demo_app.command("generate")
def demo_generate(
    n: int = typer.Option(..., "--schemes", min=1, metavar="N", help="How many schemes."),
    areas: Path = typer.Option(..., "--areas", metavar="BOUNDARIES", help="Boundaries to place them in."),
    code_field: str = typer.Option("code", "--code-field", metavar="FIELD", help="Attribute with the area code."),
    name_field: str = typer.Option("name", "--name-field", metavar="FIELD", help="Attribute with the area name."),
    vocabulary: Optional[str] = VocabularyOpt,
    fmt: DemoFormat = typer.Option(DemoFormat.yaml, "--format", help="yaml or csv (CSV keeps one location per scheme)."),
    seed: int = typer.Option(1, "--seed", help="Same seed, same registry."),
    output: Optional[Path] = OutputOpt,
) -> None:
    """Write a valid synthetic registry of N schemes placed inside the given areas.

    Areas are referred to by code, so pair it with an area registry from 'sprx areas init'.

    Example: sprx demo generate --schemes 10000 --areas data/london-boroughs.geojson --format csv -o demo.csv
    """
    with _guard():
        from .demo import generate, to_csv, to_yaml
        from .vocabulary import load_vocabulary

        if not areas.is_file():
            _usage_error(f"--areas: '{areas}' does not exist")
        vocab_path = _setting(vocabulary, "vocabulary")
        _refuse_overwrite(output, (areas, vocab_path))
        vocab, problems = load_vocabulary(Path(vocab_path), vocab_path)
        if problems:
            _print_report(Report(problems), TextOrJson.text, {}, "", err=True)
            raise typer.Exit(1)
        from .geography import BoundaryReadError, read_boundary_file

        try:
            gdf = read_boundary_file(areas)
        except BoundaryReadError as exc:
            typer.echo(f"sprx demo generate: cannot read {areas}: {exc}", err=True)
            raise typer.Exit(1)
        for option, fld in (("--code-field", code_field), ("--name-field", name_field)):
            if fld not in gdf.columns:
                _usage_error(f"{option}: {areas} has no attribute {fld!r}; its attributes are "
                             f"{', '.join(c for c in gdf.columns if c != 'geometry')}")
        if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
            gdf = gdf.to_crs(4326)
        gdf = gdf.rename(columns={code_field: "code"})
        gdf["code"] = gdf["code"].astype(str).str.strip().str.upper()
        names = dict(zip(gdf["code"], gdf[name_field].astype(str)))
        records = generate(n, gdf, names, vocab, seed)
        text = to_yaml(records) if fmt is DemoFormat.yaml else to_csv(records)
        _emit(text.encode("utf-8"), output, f"{n} schemes")


def main() -> None:
    try:
        app()
        code = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    # Every file is written and synced by now. Freeing a big registry's millions of objects one
    # by one at interpreter exit takes up to a second and achieves nothing, so leave at once.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


if __name__ == "__main__":
    main()
