"""`sprx validate`: check a registry and report every problem with its file and line."""

import typer

from .app import app
from .common import RegistryArgs, StrictOpt, TextOrJson, files_of, guard, print_report, registry_options


@app.command()
@registry_options
def validate(
    reg: RegistryArgs,
    fmt: TextOrJson = typer.Option(TextOrJson.text, "--format", help="text (a table on a terminal, "
                                   "one line per problem when piped) or json."),
    strict: bool = StrictOpt,
) -> None:
    """Check the registry files and report every problem with its file and line.

    Exit status: 0 valid (warnings allowed), 1 invalid (or warnings with --strict), 2 usage error.

    Example: sprx validate --schemes schemes.yaml --format json
    """
    with guard():
        from ..aggregate.counts import tally
        from ..registry import validate as library

        sources = reg.sources()
        report, _ = library.validate(sources, stale_after_months=reg.stale_after, encoding=reg.encoding)
        s = report.stats
        ok = f"Valid: {sources.schemes}: " + tally(s["open_now"], s["paused"],
                                                   f" in {s['areas_with_schemes']:,} of {s['areas']:,} areas")
        print_report(report, fmt, files_of(sources), ok)
        if strict and report.valid and report.warnings and fmt is TextOrJson.text:
            typer.echo("--strict: warnings count as failures.")
    raise typer.Exit(int(not report.passes(strict)))
