"""`sprx schema`: a JSON Schema of the YAML registry, for editors that check YAML as it is typed."""

from pathlib import Path

import typer

from .app import app
from .common import (OutputOpt, RegistryArgs, TextOrJson, guard, refuse_overwrite, registry_options)
from .output import emit, print_report


@app.command()
@registry_options
def schema(reg: RegistryArgs, output: Path | None = OutputOpt) -> None:
    """Write a JSON Schema of the YAML registry, for editors that check YAML as you type.

    Field names, area names (in every spelling sprx accepts) and vocabulary keys come from this
    registry's files, so an editor with the YAML language server completes them and underlines
    mistakes. Put '# yaml-language-server: $schema=schemes.schema.json' at the top of the registry.

    Example: sprx schema --output schemes.schema.json
    """
    with guard():
        from ..core.problems import Report
        from ..interchange.schema import registry_schema, write_schema
        from ..registry.validate import load_tables

        sources = reg.sources()
        refuse_overwrite(output, sources)
        tables, problems = load_tables(sources, check_boundaries=False)
        if problems:
            print_report(Report(problems), TextOrJson.text, {}, "", err=True)
            raise typer.Exit(1)
        emit(write_schema(registry_schema(tables.areas, tables.vocabulary)).encode("utf-8"), output, "JSON Schema")
