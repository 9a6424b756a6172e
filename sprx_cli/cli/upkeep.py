"""`sprx review`: what the registry's keepers should check with providers now."""

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .app import app
from .common import OutputOpt, QuietOpt, RegistryArgs, emit, guard, refuse_overwrite, registry_options, settings


class ReviewFormat(str, Enum):
    """How `review` prints."""
    text = "text"
    csv = "csv"
    json = "json"


@app.command()
@registry_options
def review(
    reg: RegistryArgs,
    due_within: int = typer.Option(30, "--due-within", min=0, metavar="DAYS",
                                   help="Also list entries that fall due within this many days."),
    fmt: ReviewFormat = typer.Option(ReviewFormat.text, "--format", help="text, csv or json."),
    emails: Optional[Path] = typer.Option(None, "--emails", metavar="DIR",
                                          help="Write a draft email (.eml) per contact into DIR."),
    output: Optional[Path] = OutputOpt,
    quiet: bool = QuietOpt,
) -> None:
    """List the schemes to check with their providers now: never verified, older than --stale-after
    months, or due within --due-within days; grouped by provider and contact. Closed schemes are left out.

    Example: sprx review --due-within 30 --emails reminders/
    """
    with guard():
        from ..model import today
        from ..review import as_csv, as_json, as_text, draft_emails, due_for_review
        from ..textio import atomic_write_bytes

        s = settings()
        sources = reg.sources(s)
        refuse_overwrite(output, sources)
        registry = reg.load(sources, quiet=quiet)
        on = today()
        dues = due_for_review(registry, on, due_within)
        text = {"text": lambda: as_text(dues, on), "csv": lambda: as_csv(dues),
                "json": lambda: as_json(dues, on)}[fmt.value]()
        emit(text.encode("utf-8"), output, f"{len(dues):,} schemes", quiet)
        if emails is not None:
            drafts = draft_emails(registry, dues, on, title=s.get(None, "title"),
                                  feedback_email=s.get(None, "feedback_email"))
            emails.mkdir(parents=True, exist_ok=True)
            for name, data in drafts.items():
                atomic_write_bytes(emails / name, data)
            if not quiet:
                typer.echo(f"Wrote {len(drafts):,} draft emails to {emails}", err=True)


@app.command()
def verify(
    ids: list[str] = typer.Argument(..., metavar="ID...", help="The ids of the schemes checked with their providers."),
    on: Optional[str] = typer.Option(None, "--date", metavar="YYYY-MM-DD", help="The day they were checked. "
                                     "[default: today]"),
    schemes: Optional[str] = typer.Option(None, "--schemes", metavar="PATH",
                                          help="Scheme registry (.yaml or .csv).  [default: schemes.yaml]"),
    quiet: bool = QuietOpt,
) -> None:
    """Record that schemes were checked: set their last_verified in the registry file in place. Only
    those lines change; comments, order, quoting and line ends stay as they are.

    Example: sprx verify camden-walks islington-art --date 2026-11-20
    """
    with guard():
        from datetime import date

        from ..edit import EditError, set_last_verified
        from ..model import today
        from .common import fail, usage_error

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
