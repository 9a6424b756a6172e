"""`sprx review`: what the registry's keepers should check with providers now."""

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias, cast

import typer

from ..render.formats import REVIEW_FORMATS as FORMATS
from .app import app
from .common import (OutputOpt, QuietOpt, RegistryArgs, choices, guard, in_language, languages_of, refuse_overwrite,
                     registry_options, settings)
from .output import emit

if TYPE_CHECKING:  # (made at run time from the library's lists of them: to mypy, Enums)
    ReviewFormat: TypeAlias = Enum
else:
    ReviewFormat = choices("ReviewFormat", FORMATS)


@app.command()
@registry_options
def review(
    reg: RegistryArgs,
    due_within: int = typer.Option(30, "--due-within", min=0, metavar="DAYS",
                                   help="Also list entries that fall due within this many days."),
    fmt: ReviewFormat = typer.Option(ReviewFormat("text"), "--format", help="text, csv or json."),
    emails: Path | None = typer.Option(None, "--emails", metavar="DIR",
                                       help="Write a draft email (.eml) per contact into DIR."),
    output: Path | None = OutputOpt,
    quiet: bool = QuietOpt,
) -> None:
    """List the schemes to check with their providers now: never verified, older than --stale-after
    months, or due within --due-within days; grouped by provider and contact. Closed schemes are left out.

    Example: sprx review --due-within 30 --emails reminders/
    """
    with guard():
        from ..core.dates import today
        from ..core.textio import atomic_write_bytes
        from ..upkeep.review import as_csv, as_json, as_text, draft_emails, due_for_review

        s = settings()
        sources = reg.sources(s)
        refuse_overwrite(output, sources)
        registry = reg.load(sources, quiet=quiet)
        on = today()
        dues = due_for_review(registry, on, due_within)
        text = {"text": lambda: as_text(dues, on), "csv": lambda: as_csv(dues),
                "json": lambda: as_json(dues, on)}[fmt.value]()  # (one per FORMATS)
        emit(text.encode("utf-8"), output, f"{len(dues):,} schemes", quiet)
        if emails is not None:
            title = cast(str, in_language(s, "title", None, languages_of(s)[0]))  # (it has a default)
            drafts = draft_emails(registry, dues, on, title=title,
                                  feedback_email=s.get(None, "feedback_email"))
            emails.mkdir(parents=True, exist_ok=True)
            for name, data in drafts.items():
                atomic_write_bytes(emails / name, data)
            if not quiet:
                typer.echo(f"Wrote {len(drafts):,} draft emails to {emails}", err=True)
