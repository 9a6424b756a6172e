"""`sprx verify`: record that schemes were checked, in the registry file, in place."""

from pathlib import Path

import typer

from .app import app
from .common import QuietOpt, SchemesOpt, fail, guard, settings, usage_error


@app.command()
def verify(
    ids: list[str] = typer.Argument(..., metavar="ID...", help="The ids of the schemes checked with their providers."),
    on: str | None = typer.Option(None, "--date", metavar="YYYY-MM-DD", help="The day they were checked. "
                                  "[default: today]"),
    schemes: str | None = SchemesOpt,
    quiet: bool = QuietOpt,
) -> None:
    """Record that schemes were checked: set their last_verified in the registry file in place. Only
    those lines change; comments, order, quoting and line ends stay as they are.

    Example: sprx verify camden-walks islington-art --date 2026-11-20
    """
    with guard():
        from datetime import date

        from ..core.dates import today
        from ..interchange.edit import EditError, set_last_verified

        day = today()
        if on is not None:
            try:
                day = date.fromisoformat(on)
            except ValueError:
                usage_error(f"--date: {on!r} is not a date in YYYY-MM-DD form")
            if day > today():
                usage_error(f"--date: {on} is in the future")
        path = Path(settings().get(schemes, "schemes"))
        if not path.is_file():
            usage_error(f"--schemes: '{path}' does not exist (run sprx in the registry folder, or pass --schemes PATH)")
        try:
            changed = set_last_verified(path, list(dict.fromkeys(ids)), day)
        except EditError as exc:
            message = str(exc)
            fail(f"sprx verify: {message}{'' if message.endswith(('?', '.')) else '.'} Nothing was written.")
        if not quiet:
            typer.echo(f"{path}: last_verified {day.isoformat()} for {len(changed):,} of {len(set(ids)):,} schemes"
                       + ("" if len(changed) == len(set(ids)) else " (the others had it already)"), err=True)
