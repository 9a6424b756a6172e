"""What the commands write: validation reports, progress, files (atomically) and standard output."""

import json
import sys
from contextlib import contextmanager
from dataclasses import asdict
from enum import Enum
from pathlib import Path

import typer



class TextOrJson(str, Enum):
    """Output for people or for machines."""
    text = "text"
    json = "json"


def print_report(report, fmt: TextOrJson, files: dict, summary_ok: str, err: bool = False) -> None:
    """A validation report: JSON, a rich table on a terminal, or one line per problem."""
    from ..core.textio import shown
    from ..core.words import plural

    if fmt is TextOrJson.json:
        typer.echo(json.dumps({**report.to_dict(), "files": files}, ensure_ascii=False, indent=2), err=err)
        return
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True, stderr=err)
    if report.problems and console.is_terminal:
        from rich.markup import escape
        from rich.table import Table

        table = Table(show_lines=False, header_style="bold")
        for col in ("Where", "", "Code", "Problem", "How to fix"):
            table.add_column(col, overflow="fold")
        for p in report.problems:
            sev = "[red]error[/]" if p.severity == "error" else "[yellow]warning[/]"
            table.add_row(shown(str(p.loc)), sev, p.code, escape(shown(p.message)), escape(shown(p.hint or "")))
        console.print(table)
    else:
        for p in report.problems:
            line = f"{p.loc}: {p.severity} [{p.code}] {p.message}"
            if p.hint:
                line += f" (fix: {p.hint})"
            typer.echo(shown(line), err=err)  # (registry text, escapes and all, never reaches the terminal raw)
    counts = f"{plural(len(report.errors), 'error')}, {plural(len(report.warnings), 'warning')}"
    if report.valid:
        typer.echo(f"{summary_ok} ({counts})", err=err)
    else:
        typer.echo(f"Invalid: {counts}. Fix the errors above and run again.", err=err)


def files_of(sources) -> dict:
    """The inputs as `--format json` reports them."""
    return asdict(sources)


@contextmanager
def progress(quiet: bool, first: str = "validating"):
    """A step callback (core/progress.py): a rich progress line on a terminal (the stage, a bar and
    "done of total" where its items are counted, the time taken), nothing when piped, under cron
    or with --quiet."""
    from rich.console import Console

    from ..core.progress import no_step

    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield no_step
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[of]}"),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task(first, total=None, of="")

        def step(name: str, done: int | None = None, total: int | None = None) -> None:
            if done is None:
                bar.update(task, description=name, total=None, completed=0, of="")
            else:
                bar.update(task, description=name, total=total, completed=done,
                           of=f"{done:,} of {total:,}" if total is not None else f"{done:,}")

        yield step


def emit(data: bytes, output: Path | None, what: str, quiet: bool = False) -> None:
    """Write `data` to standard output, or atomically to `output` and say so."""
    from ..core.textio import atomic_write_bytes

    if output is None:
        sys.stdout.buffer.write(data) if hasattr(sys.stdout, "buffer") else typer.echo(data.decode(), nl=False)
        sys.stdout.flush()
        return
    atomic_write_bytes(output, data)
    if not quiet:
        typer.echo(f"Wrote {output} ({what})", err=True)
