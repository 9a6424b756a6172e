"""The `sprx` command line: parse options, call the library, print, exit.

Only this module prints or exits. Heavy libraries (pandas, geopandas, folium) are imported inside
commands so that `sprx --help` stays instant.
"""

from __future__ import annotations

import json
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
SchemesOpt = typer.Option("schemes.yaml", "--schemes", metavar="PATH", help="Scheme registry (.yaml or .csv).")
BoroughsOpt = typer.Option("data/boroughs.csv", "--boroughs", metavar="PATH", help="Area registry (CSV).")
BoundariesOpt = typer.Option("data/london-boroughs.geojson", "--boundaries", metavar="PATH", help="Area boundaries.")
VocabularyOpt = typer.Option("data/vocabulary.yaml", "--vocabulary", metavar="PATH", help="Controlled vocabulary (YAML).")
EncodingOpt = typer.Option(None, "--encoding", metavar="NAME", help="Read the scheme registry in this encoding (e.g. cp1252).")
StaleOpt = typer.Option(12, "--stale-after", min=1, metavar="MONTHS", help="Warn when last_verified is older than this many months.")


def _sources(schemes: str, boroughs: str, boundaries: str, vocabulary: str):
    from .validate import Sources

    for option, value in (("--schemes", schemes), ("--boroughs", boroughs),
                          ("--boundaries", boundaries), ("--vocabulary", vocabulary)):
        if not Path(value).exists():
            _usage_error(f"{option}: '{value}' does not exist (run sprx in the registry folder, "
                         f"or pass {option} PATH)")
        if Path(value).is_dir():
            _usage_error(f"{option}: '{value}' is a folder, not a file")
    return Sources(schemes, boroughs, boundaries, vocabulary)


def _print_report(report: Report, fmt: TextOrJson, files: dict, summary_ok: str) -> None:
    if fmt is TextOrJson.json:
        typer.echo(json.dumps({**report.to_dict(), "files": files}, ensure_ascii=False, indent=2))
        return
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True)
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
            typer.echo(line)
    counts = f"{_plural(len(report.errors), 'error')}, {_plural(len(report.warnings), 'warning')}"
    if report.valid:
        typer.echo(f"{summary_ok} ({counts})")
    else:
        typer.echo(f"Invalid: {counts}. Fix the errors above and run again.")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


@app.command()
def validate(
    schemes: str = SchemesOpt,
    boroughs: str = BoroughsOpt,
    boundaries: str = BoundariesOpt,
    vocabulary: str = VocabularyOpt,
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

        sources = _sources(schemes, boroughs, boundaries, vocabulary)
        report, _ = run_validate(sources, stale_after_months=stale_after, encoding=encoding)
        s = report.stats
        ok = (f"Valid: {_plural(s['schemes'], 'scheme')} serving {s['areas_with_schemes']} of {s['areas']} areas"
              f" in {schemes}")
        _print_report(report, fmt, vars(sources), ok)
        failed = not report.valid or (strict and bool(report.warnings))
        if strict and report.valid and report.warnings and fmt is TextOrJson.text:
            typer.echo("--strict: warnings count as failures.")
    raise typer.Exit(int(failed))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
