"""`sprx validate` and `sprx schema`: checking a registry, after the fact and as it is typed."""

from pathlib import Path
from typing import Optional

import typer

from .app import app
from .common import (OutputOpt, RegistryArgs, StrictOpt, TextOrJson, emit, files_of, guard, print_report,
                     refuse_overwrite, registry_options)


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
        from ..registry import validate as library
        from ..core.model import plural

        sources = reg.sources()
        report, _ = library.validate(sources, stale_after_months=reg.stale_after, encoding=reg.encoding)
        s = report.stats
        ok = (f"Valid: {plural(s['schemes'], 'scheme')} serving {s['areas_with_schemes']:,} of {s['areas']:,} "
              f"areas in {sources.schemes}")
        print_report(report, fmt, files_of(sources), ok)
        if strict and report.valid and report.warnings and fmt is TextOrJson.text:
            typer.echo("--strict: warnings count as failures.")
    raise typer.Exit(int(not report.passes(strict)))


@app.command()
@registry_options
def schema(reg: RegistryArgs, output: Optional[Path] = OutputOpt) -> None:
    """Write a JSON Schema of the YAML registry, for editors that check YAML as you type.

    Field names, area names (in every spelling sprx accepts) and vocabulary keys come from this
    registry's files, so an editor with the YAML language server completes them and underlines
    mistakes. Put '# yaml-language-server: $schema=schemes.schema.json' at the top of the registry.

    Example: sprx schema --output schemes.schema.json
    """
    with guard():
        from pathlib import Path as _Path

        from ..core.areas import load_areas
        from ..core.problems import Report
        from ..interchange.schema import registry_schema, write_schema
        from ..core.vocabulary import load_vocabulary

        sources = reg.sources()
        refuse_overwrite(output, sources)
        areas, problems = load_areas(_Path(sources.boroughs), sources.boroughs)
        vocab, more = load_vocabulary(_Path(sources.vocabulary), sources.vocabulary)
        if problems or more:
            print_report(Report(problems + more), TextOrJson.text, {}, "", err=True)
            raise typer.Exit(1)
        emit(write_schema(registry_schema(areas, vocab)).encode("utf-8"), output, "JSON Schema")
