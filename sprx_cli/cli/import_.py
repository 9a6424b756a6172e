"""`sprx import oruk` and `sprx import table`: a registry from an Open Referral UK feed or from a spreadsheet."""

from pathlib import Path
from typing import Optional

import typer

from .app import import_app
from .common import QuietOpt, RegistryArgs, fail, guard, registry_options, said, tables, usage_error


@import_app.command("oruk")
@registry_options
def import_oruk(
    reg: RegistryArgs,
    source: Path = typer.Argument(..., metavar="SOURCE", help="An HSDS 3.0 JSON file (a paged /services "
                                  "response, a list of services, or one service), or a folder of them."),
    output: Path = typer.Option(..., "--output", "-o", metavar="FILE", help="The registry to write: .yaml or .csv."),
    taxonomy_map: Optional[Path] = typer.Option(None, "--taxonomy-map", metavar="FILE",
                                                help="YAML mapping taxonomy term ids or names to category keys."),
    quiet: bool = QuietOpt,
) -> None:
    """Make a registry from an Open Referral UK (HSDS 3.0) feed. Every value changed or left out is
    reported with where it was (file and JSON pointer) and why; what is written validates.

    Example: sprx import oruk services.json --output schemes.yaml
    """
    with guard():
        from ..interchange.imported import ImportFailed
        from ..interchange.oruk_import import import_documents, read_documents

        fmt = _output_format(output)
        if not source.exists():
            usage_error(f"SOURCE: '{source}' does not exist")
        sources = reg.sources(need_schemes=False)
        _refuse_inputs(output, source, sources)
        mapping = _taxonomy_map(taxonomy_map) if taxonomy_map else None
        try:
            imported = import_documents(read_documents(source), tables(sources), mapping)
        except ImportFailed as exc:
            fail(f"sprx import oruk: {said(exc)}. Nothing was written.")
        header = (f"Imported by 'sprx import oruk' from {source}.\n"
                  "Check it with 'sprx validate'; the import's notes were printed when it ran.")
        _write_imported("oruk", imported, sources, output, fmt, header, quiet)


@import_app.command("table")
@registry_options
def import_table(
    reg: RegistryArgs,
    source: Path = typer.Argument(..., metavar="FILE", help="A spreadsheet: CSV, or XLSX (its first sheet)."),
    output: Path = typer.Option(..., "--output", "-o", metavar="FILE", help="The registry to write: .yaml or .csv."),
    column: list[str] = typer.Option([], "--column", metavar="FIELD=HEADER",
                                     help="Fill FIELD from the column HEADER (repeatable), for headers sprx does "
                                          "not recognise."),
    quiet: bool = QuietOpt,
) -> None:
    """Make a registry from a spreadsheet with its own column names. Clear headers (Name, Organisation,
    Postcode, Website, Telephone, Borough, Opening times, ...) map by themselves; the mapping used, the
    columns left out and every value cleaned or left out are printed.

    Example: sprx import table schemes.xlsx --output schemes.yaml --column name="Project title"
    """
    with guard():
        from ..interchange.imported import ImportFailed
        from ..interchange.sheets import import_sheet

        fmt = _output_format(output)
        if not source.is_file():
            usage_error(f"FILE: '{source}' is not a file")
        given = {}
        for item in column:
            target, sep, header = item.partition("=")
            if not sep or not target.strip() or not header.strip():
                usage_error(f"--column: '{item}' should be FIELD=HEADER, e.g. --column name=\"Project title\"")
            given[target.strip()] = header.strip()
        sources = reg.sources(need_schemes=False)
        _refuse_inputs(output, source, sources)
        try:
            imported, mapping = import_sheet(source, tables(sources), given, reg.encoding)
        except ImportFailed as exc:
            fail(f"sprx import table: {said(exc)}. Nothing was written.")
        typer.echo("Columns used: " + ", ".join(f"{h!r} -> {t}" for t, h in mapping.used.items()), err=True)
        if mapping.unused:
            typer.echo("Columns left out: " + ", ".join(repr(h) for h in mapping.unused)
                       + " (map one with --column FIELD=HEADER)", err=True)
        header = (f"Imported by 'sprx import table' from {source}.\n"
                  "Check it with 'sprx validate'; the import's notes were printed when it ran.")
        _write_imported("table", imported, sources, output, fmt, header, quiet)


def _output_format(output: Path) -> str:
    fmt = output.suffix.lower().lstrip(".")
    if fmt not in ("yaml", "yml", "csv"):
        usage_error(f"--output: '{output}' should end in .yaml or .csv")
    return fmt


def _refuse_inputs(output: Path, source: Path, sources) -> None:
    """The output is never a file sprx reads (a usage error)."""
    reading = {Path(p).resolve() for p in sources.files.values() if p}
    if source.is_file():
        reading.add(source.resolve())
    if output.resolve() in reading:
        usage_error(f"--output: '{output}' is a file sprx is reading; write to another file")


def _write_imported(what: str, imported, sources, output: Path, fmt: str, header: str, quiet: bool) -> None:
    """Check the imported records, say what was changed or left out, and write what validates."""
    from ..core.textio import atomic_write_text
    from ..core.words import plural
    from ..interchange.writer import checked_registry

    text, kept, removed, report = checked_registry(imported.records, sources, "csv" if fmt == "csv" else "yaml",
                                                   "" if fmt == "csv" else header)
    for note in imported.notes:
        typer.echo(f"{note.where}: {note.what} ({note.why})", err=True)
    for record, p, name in removed:
        left = f"{name} left out" if name else "left out"
        typer.echo(f"{record['id']}: {left}: [{p.code}] {p.message} ({p.hint})", err=True)
    if not kept:
        fail(f"sprx import {what}: nothing could be imported. Nothing was written.")
    atomic_write_text(output, text)
    if not quiet:
        typer.echo(f"Wrote {output} ({plural(len(kept), 'scheme')}; "
                   f"{plural(len(imported.notes) + len(removed), 'note')}, {plural(len(report.warnings), 'warning')}: "
                   f"run sprx validate --schemes {output})", err=True)


def _taxonomy_map(path: Path) -> dict[str, str]:
    """A --taxonomy-map file: term id or name -> category key."""
    from ..core.yamlload import load_yaml

    try:
        doc, problems = load_yaml(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as exc:
        usage_error(f"--taxonomy-map: cannot read '{path}': {exc}")
    if problems or not isinstance(doc, dict) or not all(isinstance(v, str) for v in doc.values()):
        usage_error(f"--taxonomy-map: '{path}' should be a YAML mapping of term id or name to a category key")
    return {str(k): v for k, v in doc.items()}
