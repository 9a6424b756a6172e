"""`sprx validate`: check a registry and report every problem with its file and line."""


import typer

from .app import app
from .common import (Metric, RegistryArgs, StrictOpt, TextOrJson, guard, language_of, languages_of, metric_of,
                     registry_options, settings)
from .output import files_of, print_report


@app.command()
@registry_options
def validate(
    reg: RegistryArgs,
    fmt: TextOrJson = typer.Option(TextOrJson.text, "--format", help="text (a table on a terminal, "
                                   "one line per problem when piped) or json."),
    strict: bool = StrictOpt,
    metric: Metric | None = typer.Option(None, "--metric", show_default=False, help="Check for a map shaded "
                                         "this way: per-100k and need warn of an area without a population.  "
                                         "[default: the metric setting, else count]"),
    language: list[str] | None = typer.Option(None, "--language", metavar="CODE", show_default=False,
                                              help="Check for a site in this language too (repeat for more): "
                                                   "a scheme without its name or description in it is warned.  "
                                              "[default: the languages setting]"),
) -> None:
    """Check the registry files and report every problem with its file and line.

    Exit status: 0 valid (warnings allowed), 1 invalid (or warnings with --strict), 2 usage error.

    Example: sprx validate --schemes schemes.yaml --format json

    Example: sprx validate --language cy
    """
    with guard():
        from ..aggregate.counts import in_areas, tally
        from ..aggregate.metrics import population_need
        from ..registry import validate as library

        s = settings()
        sources = reg.sources(s)
        languages = tuple(language_of(s, code) for code in language) if language else languages_of(s)
        report, _ = library.validate(sources, stale_after_months=reg.stale_after, encoding=reg.encoding,
                                     population_need=population_need(metric_of(s, metric)), languages=languages,
                                     also=tuple(s.problems(languages)))
        n = report.stats
        ok = f"Valid: {sources.schemes}: " + tally(n["open_now"], n["paused"],
                                                   in_areas(n["areas_with_schemes"], n["areas"]))
        print_report(report, fmt, files_of(sources), ok)
        if strict and report.valid and report.warnings and fmt is TextOrJson.text:
            typer.echo("--strict: warnings count as failures.")
    raise typer.Exit(int(not report.passes(strict)))
