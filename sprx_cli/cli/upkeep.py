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
        from ..core.model import today
        from ..upkeep.review import as_csv, as_json, as_text, draft_emails, due_for_review
        from ..core.textio import atomic_write_bytes

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

        from ..interchange.edit import EditError, set_last_verified
        from ..core.model import today
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


# What `sprx add` asks, in order: (field, option, question, list?)
QUESTIONS = (
    ("name", "--name", "Name of the scheme", False),
    ("boroughs", "--area", "Areas it serves (names or codes, comma-separated)", True),
    ("provider", "--provider", "Organisation that runs it", False),
    ("description", "--description", "What it offers, in a sentence", False),
    ("categories", "--category", "Categories (comma-separated keys)", True),
    ("website", "--website", "Website (https://...)", False),
    ("email", "--email", "Email", False),
    ("phone", "--phone", "Phone", False),
    ("how_to_refer", "--how-to-refer", "How to refer someone", False),
    ("postcode", "--postcode", "Postcode of where it runs", False),
)


@app.command()
@registry_options
def add(
    reg: RegistryArgs,
    sid: Optional[str] = typer.Option(None, "--id", help="The new scheme's id.  [default: made from the name]"),
    name: Optional[str] = typer.Option(None, "--name", help="Its name."),
    area: list[str] = typer.Option([], "--area", metavar="AREA", help="An area it serves, by name or code "
                                   "(repeatable). (--areas names the area registry file, as in every command.)"),
    provider: Optional[str] = typer.Option(None, "--provider", help="The organisation that runs it."),
    description: Optional[str] = typer.Option(None, "--description", help="What it offers."),
    category: list[str] = typer.Option([], "--category", metavar="KEY", help="A category key (repeatable)."),
    website: Optional[str] = typer.Option(None, "--website", help="Its web address."),
    email: Optional[str] = typer.Option(None, "--email", help="Its email address."),
    phone: Optional[str] = typer.Option(None, "--phone", help="Its phone number."),
    how_to_refer: Optional[str] = typer.Option(None, "--how-to-refer", help="How to refer someone."),
    postcode: Optional[str] = typer.Option(None, "--postcode", help="The postcode of where it runs."),
    no_input: bool = typer.Option(False, "--no-input", help="Never ask: take only the options (for scripts)."),
    quiet: bool = QuietOpt,
) -> None:
    """Add a scheme to the registry, asking for each field in turn (each answer checked as it is
    typed) or taking them all as options with --no-input. The entry is appended; every other byte of
    the file stays as it was. last_verified is today.

    Example: sprx add --name "Camden Chess Club" --area Camden --website https://example.org/chess --no-input
    """
    with guard():
        from ..interchange.edit import EditError, append_scheme
        from ..registry.fields import BY_NAME, LOCATION_BY_NAME, Context, evaluate, slug
        from ..core.model import today
        from ..interchange.oruk import registry_tables
        from ..interchange.writer import id_from_name
        from ..registry.read import load_registry
        from .common import fail, usage_error

        s = settings()
        sources = reg.sources(s)
        tables = registry_tables(sources)
        ctx = Context(tables.areas, tables.vocabulary, today())
        given = {"name": name, "boroughs": ",".join(area) or None, "provider": provider, "description": description,
                 "categories": ",".join(category) or None, "website": website, "email": email, "phone": phone,
                 "how_to_refer": how_to_refer, "postcode": postcode}

        def check(field: str, text: str | None, many: bool):
            """(value to write, or None) and the first fault's message."""
            if not text:
                return None, None
            spec = LOCATION_BY_NAME["postcode"] if field == "postcode" else BY_NAME[field]
            raw = [p.strip() for p in text.split(",") if p.strip()] if many else text
            value, findings = evaluate(spec, raw, ctx)
            if findings:
                fault = findings[0].fault
                return None, f"{fault.message} ({fault.hint})"
            if field == "boroughs":  # written by name, however they were typed
                return [ctx.areas.by_code[code].name for code in value], None
            if field == "postcode" and sources.postcodes:  # a real postcode, from the postcode table
                table = postcode_table()
                if table.find([value])[0] is None:
                    close = table.suggest(value)
                    return None, (f"postcode {value} is not in the postcode table"
                                  + (f" (did you mean {' or '.join(close)}?)" if close else ""))
            return raw, None

        tables_cache: dict = {}

        def postcode_table():
            if "postcodes" not in tables_cache:
                from ..geo.postcodes import load_postcodes

                tables_cache["postcodes"] = load_postcodes(Path(sources.postcodes))
            return tables_cache["postcodes"]

        def ask(field: str, question: str) -> str:
            """The question, with the choices where there is a list to choose from."""
            if field == "categories":
                return f"{question} [{', '.join(tables.vocabulary.categories)}]"
            if field == "boroughs":
                names = [a.name for a in tables.areas.areas]
                return f"{question} [{', '.join(names[:12])}{', ...' if len(names) > 12 else ''}]"
            return question

        record: dict = {}
        for field, option, question, many in QUESTIONS:
            text = given[field]
            while True:
                if text is None and not no_input:
                    text = typer.prompt(ask(field, question), default="", show_default=False).strip() or None
                value, problem = check(field, text, many)
                if problem is None and value is None and field in ("name", "boroughs") and not no_input:
                    problem = "this one is needed"
                if problem is None:
                    break
                if no_input:
                    usage_error(f"{option}: {problem}")
                typer.echo(f"  {problem}", err=True)
                text = None
            if value is not None:
                record[field] = value
        if "name" not in record or "boroughs" not in record:
            usage_error("a scheme needs a name and at least one area (--name, --area)")
        existing, _ = load_registry(Path(sources.schemes), sources.schemes)
        taken = {str(existing.record(k).data.get("id")) for k in range(len(existing))}
        new_id = sid or id_from_name(record["name"])
        if sid is not None and slug(sid, ctx).__class__.__name__ == "Fault":
            usage_error(f"--id: {sid!r} is not an id: lowercase letters, digits and single hyphens")
        if new_id in taken:
            if sid is not None:
                usage_error(f"--id: {sid!r} is used already")
            n = 2
            while f"{new_id}-{n}" in taken:
                n += 1
            new_id = f"{new_id}-{n}"
        record["id"] = new_id
        if "postcode" in record:
            record["locations"] = [{"postcode": record.pop("postcode")}]
        record["last_verified"] = ctx.today.isoformat()
        try:
            append_scheme(Path(sources.schemes), record, sources)
        except EditError as exc:
            message = str(exc)
            fail(f"sprx add: {message}{'' if message.endswith(('?', '.')) else '.'} Nothing was written.")
        if not quiet:
            typer.echo(f"Added {new_id} to {sources.schemes}", err=True)
