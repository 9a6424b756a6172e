"""`sprx add`: a scheme added by questions (each answer checked as it is typed) or by options."""


import typer

from .app import app
from .common import QuietOpt, RegistryArgs, fail, guard, registry_options, tables, usage_error

# The option that answers each question, in QUESTIONS' order.
OPTION_OF = ("--name", "--area", "--provider", "--description", "--category", "--website", "--email", "--phone",
             "--how-to-refer", "--postcode")


@app.command()
@registry_options
def add(
    reg: RegistryArgs,
    sid: str | None = typer.Option(None, "--id", help="The new scheme's id.  [default: made from the name]"),
    name: str | None = typer.Option(None, "--name", help="Its name."),
    area: list[str] = typer.Option([], "--area", metavar="AREA", help="An area it serves, by name or code "
                                   "(repeatable). (--areas names the area registry file, as in every command.)"),
    provider: str | None = typer.Option(None, "--provider", help="The organisation that runs it."),
    description: str | None = typer.Option(None, "--description", help="What it offers."),
    category: list[str] = typer.Option([], "--category", metavar="KEY", help="A category key (repeatable)."),
    website: str | None = typer.Option(None, "--website", help="Its web address."),
    email: str | None = typer.Option(None, "--email", help="Its email address."),
    phone: str | None = typer.Option(None, "--phone", help="Its phone number."),
    how_to_refer: str | None = typer.Option(None, "--how-to-refer", help="How to refer someone."),
    postcode: str | None = typer.Option(None, "--postcode", help="The postcode of where it runs."),
    no_input: bool = typer.Option(False, "--no-input", help="Never ask: take only the options (for scripts)."),
    quiet: bool = QuietOpt,
) -> None:
    """Add a scheme to the registry, asking for each field in turn (each answer checked as it is
    typed) or taking them all as options with --no-input. The entry is appended; every other byte of
    the file stays as it was. last_verified is today.

    Example: sprx add --name "Camden Chess Club" --area Camden --website https://example.org/chess --no-input
    """
    from ..upkeep.add import NEEDED, QUESTIONS, NewScheme

    options = {q.field: option for q, option in zip(QUESTIONS, OPTION_OF)} | {"id": "--id"}
    with guard(options):
        from ..interchange.edit import EditError

        sources = reg.sources()
        new = NewScheme(sources, tables(sources))
        given = {"name": name, "boroughs": ",".join(area) or None, "provider": provider, "description": description,
                 "categories": ",".join(category) or None, "website": website, "email": email, "phone": phone,
                 "how_to_refer": how_to_refer, "postcode": postcode}
        answers: dict = {}
        for question, option in zip(QUESTIONS, OPTION_OF):
            text = given[question.field]
            while True:
                if text is None and not no_input:
                    text = typer.prompt(new.ask(question), default="", show_default=False).strip() or None
                value, problem = new.check(question, text)
                if problem is None and value is None and question.field in NEEDED and not no_input:
                    problem = "this one is needed"
                if problem is None:
                    break
                if no_input:
                    usage_error(f"{option}: {problem}")
                typer.echo(f"  {problem}", err=True)
                text = None
            answers[question.field] = value
        record = new.record(answers, sid)
        try:
            new.append(record)
        except EditError as exc:
            message = str(exc)
            fail(f"sprx add: {message}{'' if message.endswith(('?', '.')) else '.'} Nothing was written.")
        if not quiet:
            typer.echo(f"Added {record['id']} to {sources.schemes}", err=True)
