"""`sprx import oruk` and `sprx import table`: a registry from an Open Referral UK feed or from a spreadsheet."""

from pathlib import Path

import typer

from ..core.textio import shown as safe  # (what a sheet's cells say, never run by the terminal)
from .app import import_app
from .common import QuietOpt, RegistryArgs, fail, guard, refuse_overwrite, registry_options, said, tables, usage_error
from .output import progress


@import_app.command("oruk")
@registry_options
def import_oruk(
    reg: RegistryArgs,
    source: Path = typer.Argument(..., metavar="SOURCE", help="An HSDS 3.0 JSON file (a paged /services "
                                  "response, a list of services, or one service), or a folder of them."),
    output: Path = typer.Option(..., "--output", "-o", metavar="FILE", help="The registry to write: .yaml or .csv."),
    taxonomy_map: Path | None = typer.Option(None, "--taxonomy-map", metavar="FILE",
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
        refuse_overwrite(output, [source, *sources.files.values()])
        mapping = _taxonomy_map(taxonomy_map) if taxonomy_map else None
        try:
            imported = import_documents(read_documents(source), tables(sources), mapping)
        except ImportFailed as exc:
            fail(f"sprx import oruk: {said(exc)}. Nothing was written.")
        header = (f"Imported by 'sprx import oruk' from {source}.\n"
                  "Check it with 'sprx validate'; the import's notes were printed when it ran.")
        _write_imported("oruk", imported, sources, source, output, fmt, header, quiet)


@import_app.command("table")
@registry_options
def import_table(
    reg: RegistryArgs,
    source: Path = typer.Argument(..., metavar="FILE", help="A spreadsheet: CSV, XLSX, ODS or XLS (its first sheet "
                                  "with data), known by its contents whatever its name."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="FILE",
                                       help="Write a new registry here (.yaml or .csv) instead of merging into "
                                            "the registry (the schemes setting)."),
    column: list[str] = typer.Option([], "--column", metavar="FIELD=HEADER",
                                     help="Fill FIELD from the column HEADER (repeatable), for headers sprx does "
                                          "not recognise."),
    held_back: Path | None = typer.Option(None, "--held-back", metavar="FILE",
                                          help="Where the rows held back go.  [default: FILE.held-back.csv "
                                               "beside the registry]"),
    update: bool = typer.Option(False, "--update", help="Where the registry and the spreadsheet both changed a "
                                "value, take the spreadsheet's (by default the registry's is kept)."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1, changing nothing, when any row is held back."),
    quiet: bool = QuietOpt,
) -> None:
    """Import a spreadsheet with its keepers' own column names into the registry. Headers are read by
    meaning (Name, Organisation, Area name, Post code, Tel, Web, Opening times, ...); values are
    cleaned where their meaning is clear ("Wednesday 10am - 4pm" becomes hours). Rows that are
    schemes already are updated (only their changed values), new ones appended, every other line of
    the registry kept; a row that cannot be a scheme is held back, with its reason, in a file beside
    the registry. Re-importing the same file changes nothing.

    Example: sprx import table foodbanks.xlsx --column name="Project title"
    """
    with guard():
        from ..core.speed import keep_till_exit
        from ..interchange.imported import ImportFailed
        from ..core.textio import same_file
        from ..interchange.intake import held_back_path
        from ..interchange.intake import import_table as run
        from ..interchange.merge import state_path

        if not source.is_file():
            usage_error(f"FILE: '{source}' is not a file")
        if output is not None:
            _output_format(output)
        given = {}
        for item in column:
            target, sep, header = item.partition("=")
            if not sep or not target.strip() or not header.strip():
                usage_error(f"--column: '{item}' should be FIELD=HEADER, e.g. --column name=\"Project title\"")
            given[target.strip()] = header.strip()
        sources = reg.sources(need_schemes=False)
        written = output if output is not None else Path(sources.schemes)
        merging = output is None or same_file(output, sources.schemes)
        read = [source, *(p for role, p in sources.files.items() if not (merging and role == "schemes"))]
        refuse_overwrite(output, read)
        # (the held-back file may be none of those, nor the registry written, nor its import memory)
        held = held_back if held_back is not None else held_back_path(source, written)
        refuse_overwrite(held, [*read, written, state_path(written)], "--held-back")
        try:
            with progress(quiet, "starting") as step:
                outcome = run(source, sources, tables(sources), given, encoding=reg.encoding, output=output,
                              held_back=held_back, update=update, strict=strict, step=step)
        except ImportFailed as exc:
            fail(f"sprx import table: {said(exc)}. Nothing was written.")
        keep_till_exit(outcome)  # (100,000 rows' notes take half a second to free one by one)
        _say_mapping(outcome.mapping)
        _say_held(outcome)
        _say_notes(outcome.notes, quiet)
        _say_outcome(outcome, strict, quiet)


def _say_mapping(mapping) -> None:
    typer.echo(safe("Columns used: " + ", ".join(f"{h!r} -> {t}" for t, h in mapping.used.items())), err=True)
    if mapping.unused:
        near = "".join(f"; {h!r} looks like {phrase!r} ({t}): map it with --column {t}={h!r}"
                       for h, (phrase, t) in mapping.near.items())
        typer.echo(safe("Columns left out: " + ", ".join(repr(h) for h in mapping.unused)
                        + " (map one with --column FIELD=HEADER)" + near), err=True)


def _say_notes(notes, quiet: bool, shown: int = 5) -> None:
    """The notes by kind: what needs a decision first, each with its first rows."""
    from ..interchange.imported import grouped, rows_text

    for group in grouped(notes):
        if group.kind == "held-back":
            continue  # said in full below
        if quiet and not group.decide:
            continue
        typer.echo(f"{group.title}: {rows_text(group.rows)}".rstrip(": "), err=True)
        if group.decide:
            for n in group.notes[:shown]:
                typer.echo(safe(f"  {n.where}: {n.what} ({n.why})"), err=True)
            if len(group.notes) > shown:
                typer.echo(f"  ... and {len(group.notes) - shown:,} more", err=True)


def _say_held(outcome, shown: int = 20) -> None:
    """The rows held back, first, each with its reason."""
    held = sorted(outcome.held_rows, key=lambda h: h.row)
    for h in held[:shown]:
        typer.echo(safe(f"Held back: row {h.row}: {h.reason}"), err=True)
    if len(held) > shown:
        typer.echo(f"  ... and {len(held) - shown:,} more rows held back (each in {outcome.held_back_file})", err=True)


def _say_outcome(outcome, strict: bool, quiet: bool) -> None:
    """One line of counts (and exit 1 where nothing could be imported, or --strict and rows held back)."""
    from ..core.words import plural

    held = outcome.held_rows
    parts = [f"{len(outcome.added):,} added"]
    if outcome.merged:
        parts += [f"{len(outcome.updated):,} updated", f"{len(outcome.unchanged):,} unchanged"]
    parts.append(f"{len(held):,} held back" + (f" (in {outcome.held_back_file})" if outcome.held_back_file else ""))
    left = outcome.left_out
    tail = f"; {plural(len(left), 'row')} added without some values (in the same file)" if left else ""
    into = "into" if outcome.merged else "as"
    summary = f"{plural(outcome.rows, 'row')} in {outcome.source} {into} {outcome.target}: {', '.join(parts)}{tail}"
    if strict and held:
        typer.echo(summary, err=True)
        fail("--strict: rows were held back, so nothing was imported.")
    if not quiet:
        typer.echo(summary, err=True)
    if not outcome.written and not outcome.unchanged and not outcome.updated:
        fail("sprx import table: nothing could be imported. Nothing was written.")


def _output_format(output: Path) -> str:
    fmt = output.suffix.lower().lstrip(".")
    if fmt not in ("yaml", "yml", "csv"):
        usage_error(f"--output: '{output}' should end in .yaml or .csv")
    return fmt


def _write_imported(what: str, imported, sources, source: Path, output: Path, fmt: str, header: str,
                    quiet: bool) -> None:
    """Check the imported records, say what was changed or left out (by kind), and write what validates."""
    from ..core.textio import atomic_write_text
    from ..core.words import plural
    from ..interchange.intake import check
    from ..interchange.writer import registry_text

    fmt = "csv" if fmt == "csv" else "yaml"
    check(imported, tables(sources), fmt, str(source))
    text = registry_text(imported.records, fmt, "" if fmt == "csv" else header)
    held = [n for n in imported.notes if n.kind == "held-back"]
    for n in held[:20]:  # (what validate would refuse of a service, said with where it was)
        typer.echo(safe(f"Left out: {n.where}: {n.why}"), err=True)
    if len(held) > 20:
        typer.echo(f"  ... and {len(held) - 20:,} more services left out", err=True)
    _say_notes(imported.notes, quiet)
    if not imported.records:
        fail(f"sprx import {what}: nothing could be imported. Nothing was written.")
    atomic_write_text(output, text)
    if not quiet:
        left = sum(1 for n in imported.notes if n.kind in ("service-left-out", "held-back"))
        typer.echo(f"{plural(imported.rows, 'service')} in the feed: {len(imported.records):,} written to {output}, "
                   f"{left:,} left out (run sprx validate --schemes {output})", err=True)


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
