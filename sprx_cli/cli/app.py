"""The `sprx` application, its command groups, global options and the process exit."""

import os
import sys

import typer

from .. import __version__
from .common import _state


def group(help: str) -> typer.Typer:
    """A command group (or the app) with sprx's settings: plain click help, no completion."""
    return typer.Typer(help=help, no_args_is_help=True, rich_markup_mode=None, add_completion=False,
                       pretty_exceptions_enable=False, context_settings={"help_option_names": ["-h", "--help"]})


app = group("Keep registries of social-prescribing schemes and render borough maps and tables.\n\n"
            "Example: sprx validate --schemes schemes.yaml")
map_app = group("Build the map of schemes per area.\n\nExample: sprx map build --offline")
export_app = group("Export schemes or areas with their counts, for QGIS, spreadsheets and pandas.\n\n"
                   "Example: sprx export schemes --format geojson --output schemes.geojson")
areas_app = group("Area registries.\n\nExample: sprx areas init boundaries.gpkg --code-field LAD24CD "
                  "--name-field LAD24NM")
demo_app = group("Synthetic registries for tests and benchmarks.\n\nExample: sprx demo generate "
                 "--schemes 1000 --boundaries data/london-boroughs.geojson")
import_app = group("Make a registry from a directory kept elsewhere.\n\nExample: sprx import oruk services.json "
                   "--output schemes.yaml")
for name, sub in (("map", map_app), ("export", export_app), ("areas", areas_app), ("demo", demo_app),
                  ("import", import_app)):
    app.add_typer(sub, name=name)


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


def main() -> None:
    """The console script: run, flush, and leave at once."""
    from ..core.speed import short_lived

    short_lived()
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
